"""Seeded benchmark timelines, written in every input format through OpenTimelineIO's own writers.

Three sizes (issue 7): ``small`` (2 min, 50 shots), ``reel`` (20 min, 500 shots) and ``feature``
(2 h, 3,000 shots), all at 23.976 from 01:00:00:00, with a picture track (cross dissolves on about one
cut in twelve), four dialogue tracks (A1/A2 camera sound under every shot, A3/A4 boom and lav under
most, with gaps), and one marker per ten shots on the picture clips (scene markers, music directions,
hits and ordinary notes). The same timeline is written as FCP7 XML, FCPXML, CMX 3600 EDL, AAF and
.otio; OTIO's writers decide what each file keeps (the EDL writer keeps only V1, the AAF writer no
markers), which is why :mod:`bench.scale` also scales real editor exports.

    python bench/generate.py [--sizes small,reel,feature] [--formats fcp7_xml,...] [--out bench/out/gen]
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("bench.generate")

RATE = 24000 / 1001
START_FRAME = 86400  # 01:00:00:00 at 24 frames per timecode second
SEED = 7
GENERATOR_VERSION = 2
FCPXML_WRITER_LIMIT = 500  # shots: above this the FCPXML is the OTIO-written reel repeated
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@dataclass(frozen=True)
class Size:
    """One benchmark size."""

    name: str
    seconds: int
    shots: int

    @property
    def frames(self) -> int:
        """Length in frames at 23.976 (timecode seconds: 24 frames each)."""
        return self.seconds * 24

    @property
    def markers(self) -> int:
        """One marker per ten shots: 5, 50 and 300."""
        return self.shots // 10


SIZES = {s.name: s for s in (Size("small", 120, 50), Size("reel", 1200, 500), Size("feature", 7200, 3000))}

# format -> (OTIO adapter, suffix)
FORMATS = {
    "fcp7_xml": ("fcp_xml", ".xml"),
    "fcpxml": ("fcpx_xml", ".fcpxml"),
    "edl": ("cmx_3600", ".edl"),
    "aaf": ("AAF", ".aaf"),
    "otio": ("otio_json", ".otio"),
}

SCENE_PLACES = ["INT. KITCHEN - NIGHT", "EXT. ALLEY - NIGHT", "INT. CAR - NIGHT", "EXT. ROOFTOP - DAWN",
                "INT. HOSPITAL - DAY", "EXT. HARBOUR - DAY", "INT. OFFICE - DAY", "EXT. FOREST - NIGHT"]
MOODS = ["tension", "sad", "romantic", "action", "mystery", "hopeful", "heroic", "intimate"]
HITS = ["door slam", "gunshot", "glass breaks", "kiss", "car crash", "phone rings"]
NOTES = ["VFX: screen replace", "fix colour", "ADR line", "sound: add traffic", "check sync", "reframe"]


def _mob_id(rng: random.Random) -> str:
    """A seeded SMPTE UMID in pyaaf2's text form (the AAF writer needs one per clip)."""
    h = f"{rng.getrandbits(128):032x}"
    return "urn:smpte:umid:060a2b34.01010105.01010f20.13000000." + ".".join(h[i:i + 8] for i in range(0, 32, 8))


def _lengths(rng: random.Random, total: int, count: int, minimum: int = 30) -> list[int]:
    """``count`` shot lengths of at least ``minimum`` frames summing to ``total``."""
    weights = [rng.lognormvariate(0, 0.6) for _ in range(count)]
    spare = total - minimum * count
    raw = [minimum + int(spare * w / sum(weights)) for w in weights]
    raw[-1] += total - sum(raw)
    return raw


def _marker_text(rng: random.Random, index: int, scene: int) -> tuple[str, str, str]:
    """(name, comment, colour) of the ``index``-th marker: a scene marker, a music direction or a note."""
    kind = index % 6
    if kind == 0:
        return f"SC {scene} - {SCENE_PLACES[scene % len(SCENE_PLACES)]}", "", "CYAN"
    if kind == 1:
        return f"MUSIC IN - {rng.choice(MOODS)}", "low strings, build slowly", "RED"
    if kind == 2:
        return "MUSIC OUT", "out before the dialogue", "RED"
    if kind == 3:
        return f"hit: {rng.choice(HITS)}", "sync point", "GREEN"
    if kind == 4 and rng.random() < 0.3:
        return "NO MUSIC", "room tone only", "RED"
    return rng.choice(NOTES), "from the director's notes", "YELLOW"


def build_timeline(size: Size, seed: int = SEED, rate: float = RATE, dissolve_metadata: dict | None = None,
                   markers: str = "stack"):
    """The benchmark timeline of ``size`` (deterministic for a seed).

    ``markers`` says where the markers go (see :func:`_add_markers`); ``rate`` is changed only for the FCPXML detour (:func:`write`); ``dissolve_metadata`` is what OTIO's
    AAF writer needs on a transition (taken from a real Avid dissolve by :func:`avid_dissolve_metadata`).
    """
    import opentimelineio as otio

    rng = random.Random(f"{seed}-{size.name}")
    rt = lambda f: otio.opentime.RationalTime(f, rate)  # noqa: E731
    tl = otio.schema.Timeline(name=f"BENCH {size.name.upper()} v1")
    tl.global_start_time = rt(START_FRAME)
    lengths = _lengths(rng, size.frames, size.shots)
    shots = []  # (name, source start, length, mob id, media url)
    for i, length in enumerate(lengths):
        scene = 10 + i // 10
        name = f"{scene}{'' if i % 3 == 0 else 'ABC'[i % 3]}-{rng.randint(1, 9)}"
        reel = f"A{1 + i // 40:03d}C{1 + i % 40:03d}"
        source_start = rng.randint(10, 20) * 3600 * 24 + rng.randint(0, 30000)
        shots.append((name, source_start, length, _mob_id(rng), f"file:///Volumes/Media/{reel[:4]}/{reel}.mov", reel))

    def clip(shot, offset: int = 0, channel: str = ""):
        name, src, length, mob, url, reel = shot
        avail = otio.opentime.TimeRange(rt(src - 240), rt(length + 480))
        ref = otio.schema.ExternalReference(target_url=url, available_range=avail)
        c = otio.schema.Clip(name=name + channel, media_reference=ref,
                             source_range=otio.opentime.TimeRange(rt(src + offset), rt(length)))
        c.metadata["AAF"] = {"MobID": mob}
        c.metadata["cmx_3600"] = {"reel": reel}
        return c

    v1 = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    for i, shot in enumerate(shots):
        if i and i % 12 == 0 and min(shot[2], shots[i - 1][2]) > 48:
            v1.append(otio.schema.Transition(name="Cross Dissolve", transition_type="SMPTE_Dissolve",
                                             in_offset=rt(12), out_offset=rt(12)))
        v1.append(clip(shot))
    if dissolve_metadata:
        for t in v1.find_children(descended_from_type=otio.schema.Transition):
            t.metadata["AAF"] = copy.deepcopy(dissolve_metadata)
    tl.tracks.append(v1)
    for t in range(4):
        track = otio.schema.Track(name=f"A{t + 1}", kind=otio.schema.TrackKind.Audio)
        for shot in shots:
            if t >= 2 and rng.random() < 0.25:  # boom / lav not under every shot
                track.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(rt(0), rt(shot[2]))))
            else:
                track.append(clip(shot, channel=f" ch{t + 1}"))
        tl.tracks.append(track)
    _add_markers(tl, v1, shots, size, rng, rt, markers)
    return tl


def _add_markers(tl, v1, shots, size: Size, rng: random.Random, rt, place: str) -> None:
    """``size.markers`` markers spread over the cut.

    ``place``: ``"stack"`` puts them on the sequence (Premiere's sequence markers; FCP7 XML and .otio),
    ``"clip"`` on the picture clip under them in its source time (FCPXML, where markers live on clips),
    ``"record"`` on that clip at its record frame (Avid EDL ``* LOC:`` lines state record time, and
    OTIO's cmx_3600 writer writes a clip marker's time as it finds it).
    """
    import opentimelineio as otio

    clips = [c for c in v1 if isinstance(c, otio.schema.Clip)]
    starts, frame = [], 0
    for _, _, length, *_ in shots:
        starts.append(frame)
        frame += length
    step = size.shots / size.markers
    for m in range(size.markers):
        i = int(m * step) + (0 if m % 6 == 0 else rng.randint(0, max(0, int(step) - 1)))
        i = min(i, len(clips) - 1)
        shot_clip, length = clips[i], shots[i][2]
        at = 0 if m % 6 == 0 else rng.randint(1, max(1, length - 1))
        name, comment, color = _marker_text(rng, m, 10 + i // 10)
        where = {"stack": rt(starts[i] + at), "record": rt(starts[i] + at),
                 "clip": shot_clip.source_range.start_time + rt(at)}[place]
        mk = otio.schema.Marker(name=name, color=color, marked_range=otio.opentime.TimeRange(where, rt(0)))
        mk.comment = comment
        (tl.tracks if place == "stack" else shot_clip).markers.append(mk)


def avid_dissolve_metadata(corpus: Path = CORPUS) -> dict:
    """The ``metadata["AAF"]`` of a real Media Composer picture dissolve (OTIO's AAF writer needs one)."""
    import opentimelineio as otio

    tl = otio.adapters.read_from_file(str(corpus / "avid" / "transitions.aaf"), adapter_name="AAF")
    for t in tl.find_children(descended_from_type=otio.schema.Transition):
        if t.transition_type == "SMPTE_Dissolve" and t.metadata.get("AAF", {}).get("MediaKind") == "Picture":
            return _plain(t.metadata["AAF"])
    raise RuntimeError("no picture dissolve in avid/transitions.aaf")


def _plain(value):
    """``value`` with OTIO's AnyDictionary / AnyVector turned into dict / list (they die with their timeline)."""
    from collections.abc import Mapping

    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or type(value).__name__ == "AnyVector":
        return [_plain(v) for v in value]
    return value


TIME_VALUE = re.compile(r"^(\d+)(?:/(\d+))?s$")


def _restate_fcpxml_at_23976(path: Path) -> None:
    """Turn an FCPXML written at 24 into the same cut at 23.976: every time scaled by 1001/1000.

    OTIO's fcpx_xml writer looks frame durations up by ``int(rate)`` or the float key 23.98, so it cannot
    write 23.976 (24000/1001); written at 24, every time is a whole number of 1/24 s frames, and scaling
    by 1001/1000 puts it on the 1001/24000 s grid exactly (the frame duration 1/24 s becomes 1001/24000 s).
    """
    from fractions import Fraction

    from lxml import etree

    tree = etree.parse(str(path))
    for el in tree.iter():
        for key, value in el.attrib.items():
            m = TIME_VALUE.match(value)
            if m and key in ("offset", "start", "duration", "tcStart", "frameDuration"):
                t = Fraction(int(m.group(1)), int(m.group(2) or 1)) * Fraction(1001, 1000)
                el.set(key, "0s" if t == 0 else f"{t.numerator}/{t.denominator}s" if t.denominator != 1 else f"{t.numerator}s")
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def write(tl, fmt: str, path: Path) -> None:
    """Write ``tl`` as ``fmt`` with OTIO's own adapter (a deep copy: the EDL writer changes what it gets).

    The EDL gets V1, A1 and A2 only (cmx_3600 writes at most two audio tracks).
    """
    import opentimelineio as otio

    adapter, _ = FORMATS[fmt]
    tl = copy.deepcopy(tl)
    if fmt == "edl":
        for track in list(tl.tracks)[3:]:
            tl.tracks.remove(track)
    otio.adapters.write_to_file(tl, str(path), adapter_name=adapter)
    if fmt == "fcpxml":
        _restate_fcpxml_at_23976(path)


def _fcpxml_by_repeating(out: Path, size: Size, seed: int, path: Path) -> None:
    """The ``size`` FCPXML as the reel's (written by OTIO) repeated with lxml until it is as long.

    OTIO's fcpx_xml writer is quadratic in the items of a storyline (0.8 s for the small cut, 83 s for the
    reel here: about 50 minutes projected for the feature), so the feature is the OTIO-written reel,
    its storyline items repeated (bench/scale.py), which keeps OTIO's own way of writing every item.
    """
    import scale

    reel = SIZES["reel"]
    if size.seconds % reel.seconds or size.shots != reel.shots * size.seconds // reel.seconds:
        raise ValueError(f"{size.name} is not a whole number of reels")
    source = out / f"reel{FORMATS['fcpxml'][1]}"
    if not source.exists():
        generate(out, ["reel"], ["fcpxml"], seed)
    scale.repeat_fcpxml(source, path, size.seconds // reel.seconds)


def make_one(out: Path, size: Size, fmt: str, seed: int, path: Path) -> None:
    """Write the ``size`` timeline as ``fmt`` to ``path`` (see the module notes for each format's detour)."""
    if fmt == "fcpxml" and size.shots > FCPXML_WRITER_LIMIT:
        _fcpxml_by_repeating(out, size, seed, path)
    elif fmt == "fcpxml":
        write(build_timeline(size, seed, rate=24, markers="clip"), fmt, path)
    elif fmt == "aaf":
        write(build_timeline(size, seed, dissolve_metadata=avid_dissolve_metadata()), fmt, path)
    elif fmt == "edl":
        write(build_timeline(size, seed, markers="record"), fmt, path)
    else:
        write(build_timeline(size, seed), fmt, path)


def generate(out: Path, sizes: list[str], formats: list[str], seed: int = SEED) -> list[dict]:
    """Write every size in every format into ``out`` (reusing files made earlier with the same seed)."""
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for name in sizes:
        for fmt in formats:
            path = out / f"{name}{FORMATS[fmt][1]}"
            stamp = path.with_name(path.name + ".json")
            want = {"seed": seed, "size": name, "format": fmt, "generator": GENERATOR_VERSION}
            if path.exists() and stamp.exists() and json.loads(stamp.read_text()).get("key") == want:
                made.append(json.loads(stamp.read_text()))
                continue
            started = time.perf_counter()
            try:
                make_one(out, SIZES[name], fmt, seed, path)
            except Exception as exc:  # an OTIO writer failing is a finding for the table, not a crash
                log.warning("%s %s: OTIO's %s writer failed: %s", name, fmt, FORMATS[fmt][0], exc)
                path.unlink(missing_ok=True)
                continue
            info = {"key": want, "path": str(path), "bytes": path.stat().st_size,
                    "write_seconds": round(time.perf_counter() - started, 2)}
            stamp.write_text(json.dumps(info))
            made.append(info)
            log.info("wrote %s (%d KB) in %.1f s", path, info["bytes"] // 1024, info["write_seconds"])
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,reel,feature")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", default=str(Path(__file__).parent / "out" / "gen"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    generate(Path(args.out), args.sizes.split(","), args.formats.split(","), args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
