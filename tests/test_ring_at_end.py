"""A hard out on the programme's last frame (music-editor review of 32ae4ad): the button's ring past the out is
clamped to the sequence's end in the one place the ring is computed (audio/cut.ring_samples), so no writer's clip
lengthens the editor's sequence and the fade-out ends on its last frame, in the clip and in the mix alike.

Real corpus file and real music (wesnoth); every output reread with an independent reader (lxml, pyaaf2, pycmx,
OTIO, soundfile)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, SAMPLES, run_cli
from lxml import etree
from test_cut import real

from otio_scoreplan.plan.model import sequence_from_json

X3 = CORPUS / "resolve" / "losslesscut_Final_Cut_Pro_XMEML_3.xml"
PIECE = "love_theme.ogg"  # rings on past the out of X3's whole-programme cue (31 frames before the fix)


def _plan_to_the_end(sample: Path, tmp_path: Path) -> tuple[dict, dict, Path]:
    """The plan of ``sample`` with its longest cue running to the sequence's last frame, hard in and hard out, on
    a real piece that rings on past that out; no other cue gets a temp."""
    if not sample.is_file():
        pytest.skip(f"{sample} missing")
    proc = run_cli("spot", "--json", str(sample))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    seq = sequence_from_json(doc["inputs"][0]["sequence"] if "inputs" in doc else doc["sequence"])
    cue = max(doc["cues"], key=lambda c: c["end_frame"] - c["start_frame"])
    cue["end_frame"] = seq.duration_frames
    cue["entry"], cue["exit"] = {"type": "hard_in"}, {"type": "hard_out"}
    cue["temp"] = {"path": str(real(PIECE)), "title": "love theme", "offset_seconds": 0.0, "reason": "pinned",
                   "pinned": True}
    for other in doc["cues"]:
        if other is not cue:
            other.pop("temp", None)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc), encoding="utf-8")
    return doc, cue, plan


def _apply(sample: Path, plan: Path, out: Path) -> Path:
    proc = run_cli("apply", str(sample), "--plan", str(plan), "-o", str(out), "--media-dir", str(out.parent / "media"))
    assert proc.returncode == 0, proc.stderr
    return out


def test_fcp7_clip_and_mix_end_with_the_sequence_faded_to_nothing(tmp_path: Path) -> None:
    doc, cue, plan = _plan_to_the_end(X3, tmp_path)
    before = int(etree.parse(str(X3)).find(".//sequence/duration").text)
    out = _apply(X3, plan, tmp_path / "cut.xml")
    tree = etree.parse(str(out))
    assert int(tree.find(".//sequence/duration").text) == before == cue["end_frame"], "the sequence's length is the editor's"
    ours = [ci for ci in tree.iter("clipitem") if (ci.get("id") or "").startswith(f"scoreplan-{cue['id']}")]
    assert len(ours) == 2
    for ci in ours:
        assert int(ci.findtext("end")) == before, "the clip ends on the sequence's last frame, not past it"
        assert int(ci.findtext("out")) - int(ci.findtext("in")) == before - int(ci.findtext("start"))
        keys = [(int(k.findtext("when")), float(k.findtext("value"))) for k in ci.iter("keyframe")]
        out_frame = int(ci.findtext("out"))
        assert keys[-1] == (out_frame, 0.0), "faded to nothing at the sequence's end"
        assert keys[-2][0] < out_frame and keys[-2][1] == 1.0
    for ci in tree.iter("clipitem"):
        end = ci.findtext("end")
        assert end is None or int(end) <= before, ci.get("id")

    mix = tmp_path / "mix.wav"
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / PIECE).symlink_to(real(PIECE))
    proc = run_cli("render", str(plan), "--library", str(lib), "-o", str(mix))
    assert proc.returncode == 0, proc.stderr
    import soundfile

    samples, sr = soundfile.read(str(mix), always_2d=True)
    seq = sequence_from_json(doc["inputs"][0]["sequence"] if "inputs" in doc else doc["sequence"])
    assert len(samples) == round(before * sr / Fraction(seq.rate).limit_denominator(1001)), "the mix lasts the sequence"
    frame = int(round(sr / seq.rate))
    level = lambda a: 20 * np.log10(np.sqrt(np.mean(a ** 2)) + 1e-12)  # noqa: E731
    body = level(samples[-3 * frame:-2 * frame])
    assert body > -40, "music plays up to the last frames"
    assert np.max(np.abs(samples[-16:])) < 1e-3, "no step: the last samples are silent"
    # the level falls over the last frame, window by window, to silence at the end: linearly in gain, as the clip's
    # two keyframes (full level a frame before the end, silence at it) play there (fades.fade_points: one frame)
    steps = [level(samples[len(samples) - frame + k * frame // 8: len(samples) - frame + (k + 1) * frame // 8])
             for k in range(8)]
    assert all(b <= a + 1.0 for a, b in zip(steps, steps[1:])), steps
    assert steps[-1] < body - 20, steps


@pytest.mark.parametrize("name", ["resolve_sample.fcpxml", "avid_sample.aaf", "avid_sample.edl", "sample.otio"])
def test_other_writers_do_not_lengthen_the_sequence(name: str, tmp_path: Path) -> None:
    sample = SAMPLES / name
    doc, cue, plan = _plan_to_the_end(sample, tmp_path)
    seq = sequence_from_json(doc["inputs"][0]["sequence"] if "inputs" in doc else doc["sequence"])
    out = _apply(sample, plan, tmp_path / f"cut{sample.suffix}")
    rate = Fraction(seq.rate).limit_denominator(1001)
    if name.endswith(".fcpxml"):
        def seconds(t: str) -> Fraction:
            return Fraction(t.rstrip("s"))

        before = seconds(etree.parse(str(sample)).find(".//sequence").get("duration"))
        tree = etree.parse(str(out))
        assert seconds(tree.find(".//sequence").get("duration")) == before
        (clip,) = [el for el in tree.iter("asset-clip", "audio") if cue["id"] in (el.get("name") or "")]
        assert seconds(clip.get("duration")) * rate == cue["end_frame"] - cue["start_frame"], "not past the out"
        keys = clip.findall("adjust-volume/param[@name='amount']/keyframeAnimation/keyframe")
        assert keys and keys[-1].get("value") == "-96dB", "faded at the end"
        assert seconds(keys[-1].get("time")) == seconds(clip.get("start")) + seconds(clip.get("duration"))
    elif name.endswith(".aaf"):
        import aaf2

        def lengths(path: Path) -> tuple[int, list[int]]:
            with aaf2.open(str(path), "r") as f:
                (mob,) = list(f.content.toplevel())
                theirs = [s.segment.length for s in mob.slots if not (s.name or "").startswith("TEMP MX")
                          and hasattr(s.segment, "length") and s.segment.length]
                ours = [s.segment.length for s in mob.slots if (s.name or "").startswith("TEMP MX")]
                return max(theirs), ours

        before, _ = lengths(sample)
        after, ours = lengths(out)
        assert after == before and ours and max(ours) <= before, (before, after, ours)
    elif name.endswith(".edl"):
        import io

        import pycmx

        from otio_scoreplan.formats.edl.write import companion_path
        from otio_scoreplan.timecode import from_timecode

        edl = pycmx.parse_cmx3600(io.StringIO(companion_path(out).read_text(encoding="utf-8")))
        ends = [from_timecode(e.record_out, float(rate)) - seq.start_frame for ev in edl.events for e in ev.edits]
        ours = [from_timecode(e.record_out, float(rate)) - seq.start_frame for ev in edl.events for e in ev.edits
                if cue["id"] in (e.clip_name or "")]
        assert ours and max(ends) == seq.duration_frames, (ends, seq.duration_frames)
    else:
        import opentimelineio as otio

        before = otio.adapters.read_from_file(str(sample)).duration()
        tl = otio.adapters.read_from_file(str(out))
        assert tl.duration() == before
        ours = [c for c in tl.find_clips() if cue["id"] in (c.name or "")]
        assert ours
        for c in ours:
            end = c.range_in_parent().end_time_exclusive()
            assert end.to_frames(float(rate)) <= seq.duration_frames
