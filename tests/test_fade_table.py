"""One fade table (issue 14, found by the music-editor review): the plan's entry/exit length where it gives one,
else the rules' ``[temp]`` fade lengths, read by render (audio/fit.fade_lengths) and by every writer's automation,
so a clip written in FCP7 XML, FCPXML, AAF or EDL fades over the very frames the rendered mix fades over.

A tail-out's ring lies inside its cue (the plan's range holds the tail): the piece's ending lands on the picture
out and rings over the tail, faded to nothing at the cue's end; after a hard out the button's decay rings on past
the out, and the clip plays on into its handle with a fade-out keyframe at the end of the ring, as render does.
The written files are reread with lxml, pyaaf2 and pycmx; the mix is decoded with ffmpeg (audio/decode)."""

from __future__ import annotations

import io
import json
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES, VALIDATORS, run_cli
from lxml import etree
from test_cut import real

from otio_scoreplan.audio.bwf import read_bext
from otio_scoreplan.audio.decode import decode
from otio_scoreplan.audio.fit import FitSettings, fade_lengths, fit_settings_from_rules, frame_to_sample
from otio_scoreplan.fades import fade_points
from otio_scoreplan.library.cuespec import CueSpec, standard_rate_fraction
from otio_scoreplan.plan.model import Cue, Edge, sequence_from_json
from otio_scoreplan.plan.rules import default_rules, load_rules

FADE_IN = 25  # the plan's fade-in length, frames (the review saw 25 in the plan, 50 in FCP7 XML, 0.8 s in render)
TAIL = 50  # the plan's tail, frames past the picture out


def test_the_plans_length_wins_else_the_rules_in_whole_frames(tmp_path: Path) -> None:
    rate = Fraction(30000, 1001)
    cue = Cue(start_frame=1000, end_frame=2000, entry=Edge("fade_in", FADE_IN), exit=Edge("fade_out", 40))
    spec = CueSpec.from_cue(cue, rate)
    length = frame_to_sample(2000, rate) - frame_to_sample(1000, rate)
    fin, fout = fade_lengths(spec, FitSettings(), length, rate)
    assert fin == frame_to_sample(1000 + FADE_IN, rate) - frame_to_sample(1000, rate)
    assert fout == frame_to_sample(2000, rate) - frame_to_sample(2000 - 40, rate)
    # no length in the plan: the rules' table, rounded to whole frames at the cue's edges
    rules = tmp_path / "rules.toml"
    rules.write_text("[temp]\nfade_in_seconds = 1.5\nfade_out_seconds = 0.5\n", encoding="utf-8")
    settings = fit_settings_from_rules(load_rules(rules))
    spec = CueSpec.from_cue(Cue(start_frame=1000, end_frame=2000, entry=Edge("fade_in"), exit=Edge("fade_out")), rate)
    fin, fout = fade_lengths(spec, settings, length, rate)
    assert fin == frame_to_sample(1000 + 45, rate) - frame_to_sample(1000, rate)  # 1.5 s at 29.97: 45 frames
    assert fout == frame_to_sample(2000, rate) - frame_to_sample(2000 - 15, rate)
    assert fade_lengths(spec, fit_settings_from_rules(default_rules()), length, rate)[0] == \
        frame_to_sample(1000 + 60, rate) - frame_to_sample(1000, rate)  # the shipped 2 s
    # a hard in and out stay click guards of a few milliseconds, whatever the rules say
    spec = CueSpec.from_cue(Cue(start_frame=1000, end_frame=2000), rate)
    assert fade_lengths(spec, settings, length, rate) == (240, 480)


def _plan(tmp_path: Path, sample: Path, exit_: str) -> tuple[dict, dict]:
    """The sample's longest cue alone, a real piece pinned, fading in over the plan's 25 frames, ending ``exit_``."""
    proc = run_cli("spot", "--json", str(sample))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    cue = max(doc["cues"], key=lambda c: c["end_frame"] - c["start_frame"])
    cue["entry"] = {"type": "fade_in", "frames": FADE_IN}
    cue["exit"] = ({"type": "tail_out", "frames": TAIL, "cut_frame": cue["end_frame"] - TAIL} if exit_ == "tail_out"
                   else {"type": exit_, "frames": 0})
    cue["hits"], cue["speech"] = [], []  # no ride under speech: the level is the fades' alone
    cue["temp"] = {"path": str(real("breaking_the_chains.ogg")), "title": "chains", "offset_seconds": 0.0,
                   "reason": "pinned", "pinned": True}
    doc["cues"] = [cue]
    (tmp_path / "plan.json").write_text(json.dumps(doc), encoding="utf-8")
    return doc, cue


def _apply(tmp_path: Path, sample: Path) -> tuple[Path, Path]:
    out, media = tmp_path / f"cut{sample.suffix}", tmp_path / "media"
    proc = run_cli("apply", str(sample), "--plan", str(tmp_path / "plan.json"), "-o", str(out), "--media-dir", str(media))
    assert proc.returncode == 0, proc.stderr
    return out, media


def _sequence(doc: dict):  # type: ignore[no-untyped-def]
    return sequence_from_json(doc["inputs"][0]["sequence"] if "inputs" in doc else doc["sequence"])


@pytest.mark.parametrize("exit_", ["tail_out", "hard_out"])
def test_fcp7_clip_fades_over_the_frames_the_mix_fades_over(tmp_path: Path, exit_: str) -> None:
    sample = SAMPLES / "premiere_sample.xml"
    doc, cue = _plan(tmp_path, sample, exit_)
    out, media = _apply(tmp_path, sample)
    mix = tmp_path / "mix.wav"
    proc = run_cli("render", str(tmp_path / "plan.json"), "--library", str(real("breaking_the_chains.ogg").parent),
                   "-o", str(mix))
    assert proc.returncode == 0, proc.stderr
    seq = _sequence(doc)
    (ci,) = [c for c in etree.parse(str(out)).iter("clipitem") if c.get("id", "").endswith(f"-{cue['id']}-L")]
    start, end, source_in = int(ci.findtext("start")), int(ci.findtext("end")), int(ci.findtext("in"))
    assert start == cue["start_frame"]
    assert int(ci.findtext("out")) - source_in == end - start <= int(ci.findtext("duration")) - source_in
    keys = [(int(k.findtext("when")) - source_in + start, float(k.findtext("value")))
            for k in ci.findall("filter/effect[effectid='audiolevels']/parameter/keyframe")]
    fade_in = [(start + f, g) for f, g in fade_points("sine", FADE_IN, True)]  # equal power, as render plays it
    if exit_ == "tail_out":  # the clip is the cue; it rings from the picture out to its end
        assert end == cue["end_frame"]
        assert keys == fade_in + [(end - TAIL + f, g) for f, g in fade_points("ring", TAIL, False)]
    else:  # the button's ring plays on past the out into the handle, faded to nothing
        assert cue["end_frame"] + round(0.5 * seq.rate) <= end <= cue["end_frame"] + round(2.0 * seq.rate)
        ring = end - cue["end_frame"]
        assert keys == fade_in + [(cue["end_frame"] + f, g) for f, g in fade_points("ring", ring, False)]
    faded = set(range(start, start + FADE_IN)) | set(range(end - TAIL if exit_ == "tail_out" else cue["end_frame"], end))

    # the mix, against the clean file the clip plays: its gain per frame is 1 exactly where the keyframes are at
    # full level, below it on every frame of a fade, and nothing plays after the clip's end
    (clean_path,) = [f for f in media.iterdir() if re.fullmatch(rf"{cue['id']}_[0-9a-f]{{8}}\.wav", f.name)]
    clean, mixed = decode(clean_path), decode(mix)
    origin = frame_to_sample(seq.start_frame, seq.rate)
    file_origin = read_bext(clean_path).time_reference - origin  # the clean file's first sample, in mix samples

    def at(frame: int) -> int:
        return frame_to_sample(seq.start_frame + frame, seq.rate) - origin

    def rms(x: np.ndarray) -> float:
        return float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))

    for frame in range(start - 5, end + 24):
        a, b = at(frame), at(frame + 1)
        m = rms(mixed[a:b])
        if frame < start or frame >= end:
            assert m < 1e-6, f"frame {frame} sounds outside the clip"
            continue
        c = rms(clean[a - file_origin : b - file_origin])
        assert c > 1e-4, frame
        gain = m / c
        if frame in faded:
            assert gain < 0.9999, f"frame {frame} is at full level in the mix but fades in the clip"
        else:
            assert gain == pytest.approx(1.0, abs=1e-4), f"frame {frame} fades in the mix, not in the clip"


@pytest.mark.parametrize("sample", ["resolve_sample.fcpxml", "avid_sample.aaf", "avid_sample.edl"])
def test_every_writer_fades_over_the_plans_frames(tmp_path: Path, sample: str) -> None:
    """FCPXML fades, AAF audio dissolves and EDL dissolves: the plan's 25-frame fade-in and the tail-out's fade
    from the picture out to the cue's end, as FCP7 XML writes them (above)."""
    path = SAMPLES / sample
    doc, cue = _plan(tmp_path, path, "tail_out")
    out, _ = _apply(tmp_path, path)
    seq = _sequence(doc)
    rate = standard_rate_fraction(seq.rate)
    if path.suffix == ".fcpxml":
        tree = etree.parse(str(out))
        dtd = etree.DTD(str(VALIDATORS / "fcpxml" / f"FCPXMLv{tree.getroot().get('version').replace('.', '_')}.dtd"))
        assert dtd.validate(tree), dtd.error_log
        (clip,) = [el for el in tree.iter("asset-clip", "audio") if cue["id"] in (el.get("name") or "")]
        param = clip.find("adjust-volume/param[@name='amount']")
        keys = [(Fraction(k.get("time").rstrip("s")), float(k.get("value").rstrip("dB"))) for k in param.iter("keyframe")]
        first = Fraction(clip.get("start").rstrip("s"))  # the clip's first frame in its media's time
        whole = [(int((t - first) * rate), db) for t, db in keys if ((t - first) * rate).denominator == 1]
        assert [((t - first) * rate, db) for t, db in (keys[0], keys[-1])] == \
            [(0, -96), (cue["end_frame"] - cue["start_frame"], -96)], "silence at the clip's first and last frame"
        full = [f for f, db in whole if db == 0]
        assert (full[0], full[-1]) == (FADE_IN, cue["end_frame"] - cue["start_frame"] - TAIL), "the plan's fade frames"
        assert Fraction(clip.get("duration").rstrip("s")) == Fraction(cue["end_frame"] - cue["start_frame"]) / rate
    elif path.suffix == ".aaf":
        import aaf2

        with aaf2.open(str(out), "r") as f:
            found = []
            for mob in f.content.compositionmobs():
                for slot in mob.slots:
                    if not (slot.name or "").startswith("TEMP MX"):
                        continue
                    comps = list(slot.segment.components)
                    for k, c in enumerate(comps):
                        if isinstance(c, aaf2.components.SourceClip) and c.mob is not None and cue["id"] in (c.mob.name or ""):
                            found.append((c.length, comps[k - 1].length, comps[k + 1].length,
                                          type(comps[k - 1]).__name__, type(comps[k + 1]).__name__))
            assert found and all(f == (cue["end_frame"] - cue["start_frame"], FADE_IN, TAIL, "Transition", "Transition")
                                 for f in found), found
    else:
        import pycmx

        from otio_scoreplan.formats.edl.write import companion_path
        from otio_scoreplan.timecode import from_timecode

        edl = pycmx.parse_cmx3600(io.StringIO(companion_path(out).read_text(encoding="utf-8")))
        frame = lambda tc: from_timecode(tc, float(rate)) - seq.start_frame  # noqa: E731
        edits = [e for ev in edl.events for e in ev.edits]
        into = [e for e in edits if e.transition.dissolve and cue["id"] in (e.clip_name or "")]
        outof = [e for e in edits if e.source == "BL" and e.transition.dissolve and frame(e.record_in) > cue["start_frame"]]
        assert into and all(e.transition.effect_duration == FADE_IN and frame(e.record_in) == cue["start_frame"] for e in into)
        assert outof and all(e.transition.effect_duration == TAIL and frame(e.record_out) == cue["end_frame"] for e in outof)
