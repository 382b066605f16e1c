"""Temp media stay clean and full (issue 14): each cut cue's file holds the music with handles and no fades;
the clips use the handles and carry the fades as the format's own automation (FCP7 Audio Levels keyframes,
FCPXML adjust-volume fades), read back with lxml and the FCPXML DTD; the clean file is the mix's cue without
its fades, to the sample. Real music: Debian's wesnoth-1.16-music (see test_cut.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES, VALIDATORS, run_cli
from lxml import etree
from test_cut import real

from otio_scoreplan.audio.bwf import read_bext
from otio_scoreplan.audio.decode import decode
from otio_scoreplan.audio.fit import frame_to_sample
from otio_scoreplan.audio.render import prepare
from otio_scoreplan.fades import fade_points
from otio_scoreplan.library.choose import Pick
from otio_scoreplan.library.cuespec import CueSpec
from otio_scoreplan.plan.model import plan_from_json, sequence_from_json

SR = 48_000


def _applied(sample: Path, tmp_path: Path) -> tuple[dict, dict, Path, Path]:
    """apply ``sample`` with its longest cue given a real piece and a fade-in: (plan doc, the cue, output, media)."""
    piece = real("breaking_the_chains.ogg")
    proc = run_cli("spot", "--json", str(sample))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    cue = max(doc["cues"], key=lambda c: c["end_frame"] - c["start_frame"])
    cue["entry"] = {"type": "fade_in"}
    cue["exit"] = {"type": "fade_out"}
    cue["temp"] = {"path": str(piece), "title": "chains", "offset_seconds": 0.0, "reason": "pinned", "pinned": True}
    for other in doc["cues"]:
        if other is not cue:
            other.pop("temp", None)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc), encoding="utf-8")
    out, media = tmp_path / f"cut{sample.suffix}", tmp_path / "media"
    proc = run_cli("apply", str(sample), "--plan", str(plan), "-o", str(out), "--media-dir", str(media))
    assert proc.returncode == 0, proc.stderr
    return doc, cue, out, media


def _sequence(doc: dict):
    return sequence_from_json(doc["inputs"][0]["sequence"] if "inputs" in doc else doc["sequence"])


def test_fcp7_clips_use_the_handles_and_carry_the_fades_as_audio_levels(tmp_path: Path) -> None:
    doc, cue, out, media = _applied(SAMPLES / "premiere_sample.xml", tmp_path)
    seq = _sequence(doc)
    (rendered,) = [f for f in media.iterdir() if re.fullmatch(rf"{cue['id']}(_[0-9a-f]{{8}})?\.wav", f.name)]
    head = 2 * round(seq.rate)  # two seconds of handle: the piece has music before the cut's head
    # the file's own start is the cue's in minus its handle
    assert read_bext(rendered).time_reference == frame_to_sample(seq.start_frame + cue["start_frame"] - head, seq.rate)
    items = [ci for ci in etree.parse(str(out)).iter("clipitem") if (ci.get("id") or "").endswith(f"{cue['id']}-L")]
    assert len(items) == 1
    ci = items[0]
    length = cue["end_frame"] - cue["start_frame"]
    assert int(ci.findtext("in")) == head and int(ci.findtext("out")) == head + length
    assert int(ci.findtext("duration")) >= head + length + 1, "the file holds the tail handle too"
    keys = [(float(k.findtext("when")), float(k.findtext("value")))
            for k in ci.findall("filter/effect[effectid='audiolevels']/parameter/keyframe")]
    fin = round(2.0 * seq.rate)  # the fit's 2 s fade-in, 3 s fade-out
    fout = round(3.0 * seq.rate)
    assert keys == [(head + f, g) for f, g in fade_points("sine", fin, True)] + \
        [(head + length - fout + f, g) for f, g in fade_points("sine", fout, False)], "equal power, as render plays it"
    # the media is clean: the mix's cue is the file's cue with the fades applied, to float precision
    spec = CueSpec.from_cue(next(c for c in plan_from_json(doc).cues if c.id == cue["id"]), seq.rate)
    fitted, _ = prepare(spec, Pick(spec.id, cue["temp"]["path"], "chains", 0.0, "t"), seq)
    clean = decode(rendered)
    h = frame_to_sample(seq.start_frame + cue["start_frame"], seq.rate) - read_bext(rendered).time_reference
    n = frame_to_sample(seq.start_frame + cue["end_frame"], seq.rate) - frame_to_sample(seq.start_frame + cue["start_frame"], seq.rate)
    middle = slice(3 * SR, n - 4 * SR)
    assert np.allclose(clean[h:][middle], fitted.samples[middle], atol=2e-4)  # 24-bit file against float
    assert np.abs(clean[h : h + SR // 10]).max() > 4 * np.abs(fitted.samples[: SR // 10]).max() + 1e-4, \
        "the fade-in is not baked into the file"
    assert np.abs(clean[:h]).max() > 0.01, "the head handle holds music"


def test_fcpxml_clips_use_the_handles_and_carry_fades_and_validate(tmp_path: Path) -> None:
    doc, cue, out, media = _applied(SAMPLES / "resolve_sample.fcpxml", tmp_path)
    seq = _sequence(doc)
    tree = etree.parse(str(out))
    version = tree.getroot().get("version")
    dtd = etree.DTD(str(VALIDATORS / "fcpxml" / f"FCPXMLv{version.replace('.', '_')}.dtd"))
    assert dtd.validate(tree), dtd.error_log
    (rendered,) = [f for f in media.iterdir() if re.fullmatch(rf"{cue['id']}(_[0-9a-f]{{8}})?\.wav", f.name)]
    clips = [el for el in tree.iter("asset-clip", "audio") if cue["id"] in (el.get("name") or "")]
    assert len(clips) == 1
    clip = clips[0]
    from fractions import Fraction

    def seconds(t: str) -> Fraction:
        return Fraction(t.rstrip("s"))

    head = 2 * round(seq.rate)
    asset = next(a for a in tree.iter("asset") if a.get("id") == clip.get("ref"))
    # the clip's start counts in its asset's time, which starts at the file's own timecode (issue 14 (3))
    assert (seconds(clip.get("start")) - seconds(asset.get("start"))) * Fraction(seq.rate).limit_denominator(1001) == head
    rate = Fraction(seq.rate).limit_denominator(1001)
    keys = [((seconds(k.get("time")) - seconds(clip.get("start"))) * rate, float(k.get("value").rstrip("dB")))
            for k in clip.findall("adjust-volume/param[@name='amount']/keyframeAnimation/keyframe")]
    length = cue["end_frame"] - cue["start_frame"]
    assert [(f, db) for f, db in (keys[0], keys[-1])] == [(0, -96), (length, -96)], "silent at its first and last frame"
    top = max(db for _, db in keys)  # full level (under the ride, where the cue has talk)
    full = [f for f, db in keys if db == top]
    assert float(full[0]) == pytest.approx(2.0 * seq.rate, abs=1) and float(length - full[-1]) == pytest.approx(3.0 * seq.rate, abs=1)
    assert clip.find("adjust-volume/param[@name='amount']/fadeIn") is None, "keyframes, not FCP's fade types"
    assert seconds(asset.get("start")) + seconds(asset.get("duration")) > \
        seconds(clip.get("start")) + seconds(clip.get("duration")), "tail handle"
    assert read_bext(rendered).time_reference == frame_to_sample(seq.start_frame + cue["start_frame"] - head, seq.rate)


def test_a_segue_in_apply_is_overlapping_a_b_clips_with_fades(tmp_path: Path) -> None:
    """Two cues that segue: their clips overlap by about a bar on two tracks, A fading out and B in over the overlap."""
    sample = SAMPLES / "premiere_sample.xml"
    proc = run_cli("spot", "--json", str(sample))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    long = max(doc["cues"], key=lambda c: c["end_frame"] - c["start_frame"])
    cut = (long["start_frame"] + long["end_frame"]) // 2
    a = dict(long, end_frame=cut, exit={"type": "segue"}, hits=[])
    b = dict(long, id=long["id"] + "A", start_frame=cut, entry={"type": "segue"}, hits=[])
    a["temp"] = {"path": str(real("frantic.ogg")), "title": "a", "offset_seconds": 0.0, "reason": "pinned", "pinned": True}
    b["temp"] = {"path": str(real("breaking_the_chains.ogg")), "title": "b", "offset_seconds": 0.0, "reason": "pinned",
                 "pinned": True}
    doc["cues"] = [a, b]
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "cut.xml"
    proc = run_cli("apply", str(sample), "--plan", str(plan), "-o", str(out), "--media-dir", str(tmp_path / "media"))
    assert proc.returncode == 0, proc.stderr
    seq = _sequence(doc)
    tree = etree.parse(str(out))
    clip = {}
    for cue in (a, b):
        (ci,) = [c for c in tree.iter("clipitem") if c.get("id", "").endswith(f"-{cue['id']}-L")]
        track = ci.getparent()
        clip[cue["id"]] = (ci, list(track.getparent()).index(track))
    (ca, ta), (cb, tb) = clip[a["id"]], clip[b["id"]]
    a_end, b_start = int(ca.findtext("end")), int(cb.findtext("start"))
    overlap = a_end - b_start
    assert ta != tb and 1.0 <= overlap / seq.rate <= 4.5, (ta, tb, overlap)
    assert a_end - cut == cut - b_start, "the overlap is centred on the cut"
    for ci in (ca, cb):
        assert int(ci.findtext("in")) >= 0 and int(ci.findtext("out")) <= int(ci.findtext("duration"))
    keys_a = [(float(k.findtext("when")), float(k.findtext("value")))
              for k in ca.findall("filter/effect[effectid='audiolevels']/parameter/keyframe")]
    keys_b = [(float(k.findtext("when")), float(k.findtext("value")))
              for k in cb.findall("filter/effect[effectid='audiolevels']/parameter/keyframe")]
    out_a = int(ca.findtext("out"))
    fall = [(out_a - overlap + f, g) for f, g in fade_points("sine", overlap, False)]
    assert keys_a[-len(fall):] == fall, "A fades out over the overlap, equal power"
    in_b = int(cb.findtext("in"))
    rise = [(in_b + f, g) for f, g in fade_points("sine", overlap, True)]
    assert keys_b[: len(rise)] == rise, "B fades in over the overlap, equal power"


def test_a_cue_on_the_first_frame_of_a_sequence_at_zero_timecode_gets_no_head_handle(tmp_path: Path) -> None:
    """A Premiere sequence starting at 00:00:00:00 with a cue on its first frame: the head handle would put the
    file's BWF time reference before timecode zero (apply ended in an internal error on UA4 and Prg6); the handle
    shrinks to what the timecode allows and the clip starts at the file's first sample."""
    from conftest import CORPUS

    cut = CORPUS / "premiere" / "nrk_UA4-konsulentteam-CC.xml"
    proc = run_cli("spot", "--json", str(cut))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    seq = _sequence(doc)
    assert seq.start_frame == 0, "the case needs a sequence starting at 00:00:00:00"
    cue = doc["cues"][0]
    cue["start_frame"] = 0
    cue["origin"] = "explicit"  # UA4's first cue is the editor's own music, over which no temp is laid (issue 11)
    cue["temp"] = {"path": str(real("breaking_the_chains.ogg")), "title": "chains", "offset_seconds": 30.0,
                   "reason": "pinned", "pinned": True}
    for other in doc["cues"][1:]:
        other.pop("temp", None)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc), encoding="utf-8")
    out, media = tmp_path / "cut.xml", tmp_path / "media"
    proc = run_cli("apply", str(cut), "--plan", str(plan), "-o", str(out), "--media-dir", str(media))
    assert proc.returncode == 0, proc.stderr
    (rendered,) = [f for f in media.iterdir() if re.fullmatch(rf"{cue['id']}(_[0-9a-f]{{8}})?\.wav", f.name)]
    assert read_bext(rendered).time_reference == 0
    items = [ci for ci in etree.parse(str(out)).iter("clipitem") if (ci.get("id") or "").endswith(f"{cue['id']}-L")]
    assert len(items) == 1 and int(items[0].findtext("in")) == 0 and int(items[0].findtext("start")) == 0


def test_aaf_clips_use_the_handles_and_carry_the_fades_as_audio_dissolves(tmp_path: Path) -> None:
    """Media Composer AAF: the clip starts in its clean file at the head handle, the file runs on past the clip's
    end (tail handle), and the fades are audio dissolves to and from the filler (reread with pyaaf2)."""
    import aaf2

    doc, cue, out, media = _applied(SAMPLES / "avid_sample.aaf", tmp_path)
    seq = _sequence(doc)
    (rendered,) = [f for f in media.iterdir() if re.fullmatch(rf"{cue['id']}(_[0-9a-f]{{8}})?\.wav", f.name)]
    head, length = 2 * round(seq.rate), cue["end_frame"] - cue["start_frame"]
    assert read_bext(rendered).time_reference == frame_to_sample(seq.start_frame + cue["start_frame"] - head, seq.rate)
    with aaf2.open(str(out), "r") as f:
        ours = [s for m in f.content.compositionmobs() for s in m.slots if (s.name or "").startswith("TEMP MX")]
        assert ours
        found = []
        for slot in ours:
            comps = list(slot.segment.components)
            for k, c in enumerate(comps):
                if isinstance(c, aaf2.components.SourceClip) and c.mob is not None and cue["id"] in (c.mob.name or ""):
                    found.append((c, comps[k - 1] if k else None, comps[k + 1] if k + 1 < len(comps) else None))
        assert found
        for clip, before, after in found:
            assert clip.start == head and clip.length == length
            master_length = max(s.segment.length for s in clip.mob.slots)
            assert master_length > clip.start + clip.length, "the file holds the tail handle"
            for tr, frames in ((before, round(2.0 * seq.rate)), (after, round(3.0 * seq.rate))):
                assert isinstance(tr, aaf2.components.Transition), tr
                assert tr.length == frames and tr["OperationGroup"].value.operation.name == "Audio Dissolve"


def test_edl_clips_use_the_handles_and_carry_the_fades_as_dissolves(tmp_path: Path) -> None:
    """The companion audio EDL (read with pycmx): the clip's source in is the head handle, the fade-in a dissolve
    from black at the cue's in, the fade-out a dissolve to black ending at its out, the media longer than the clip."""
    import io

    import pycmx

    from otio_scoreplan.formats.edl.write import companion_path
    from otio_scoreplan.timecode import from_timecode

    doc, cue, out, media = _applied(SAMPLES / "avid_sample.edl", tmp_path)
    seq = _sequence(doc)
    (rendered,) = [f for f in media.iterdir() if re.fullmatch(rf"{cue['id']}(_[0-9a-f]{{8}})?\.wav", f.name)]
    fin, fout = round(2.0 * seq.rate), round(3.0 * seq.rate)
    head = frame_to_sample(seq.start_frame + cue["start_frame"], seq.rate) - read_bext(rendered).time_reference
    head = round(head * seq.rate / SR)  # the head handle the piece allowed (at most the 2 s asked), whole frames
    assert head > 0
    edl = pycmx.parse_cmx3600(io.StringIO(companion_path(out).read_text(encoding="utf-8")))
    edits = [e for ev in edl.events for e in ev.edits if cue["id"] in (e.clip_name or "")]
    from otio_scoreplan.library.cuespec import standard_rate_fraction

    rate = float(standard_rate_fraction(seq.rate))
    frame = lambda tc: from_timecode(tc, rate) - seq.start_frame  # noqa: E731
    into = next(e for e in edits if e.transition.dissolve)
    assert into.transition.effect_duration == fin and frame(into.record_in) == cue["start_frame"]
    # the source timecode is the file's own (its BWF time reference) at the end of the head handle
    assert from_timecode(into.source_in, rate) == round(read_bext(rendered).time_reference * rate / SR) + head
    outof = next(e for ev in edl.events for e in ev.edits if e.source == "BL" and e.transition.dissolve
                 and frame(e.record_in) > cue["start_frame"])
    assert outof.transition.effect_duration == fout and frame(outof.record_out) == cue["end_frame"]
    samples = decode(rendered).shape[0]
    assert samples > frame_to_sample(seq.start_frame + cue["end_frame"] - cue["start_frame"] + head, seq.rate) \
        - frame_to_sample(seq.start_frame, seq.rate), "the file holds the tail handle"
