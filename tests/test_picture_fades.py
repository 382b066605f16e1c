"""Issue 14 (4): a cue's music fade follows the picture fade it sits on.

transitions.aaf (Avid, in the corpus) fades in from black over 12 frames and out to black over 48; the music
faded 48/72 frames (the fade table) and ran on past the black. Now the cue fades in over the picture's 12
frames and out over its 48, ending with the picture at black, in the plan and in the clips written back (read
with pyaaf2: the audio dissolves around our clip; with lxml: FCP7 Audio Levels keyframes on the Premiere sample,
whose last scene fades to black over 48 frames).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, SAMPLES
from hostile.harness import run_inprocess
from lxml import etree

TRANSITIONS = CORPUS / "avid" / "transitions.aaf"


def _spot(source: Path) -> dict:
    run = run_inprocess(["spot", "--json", str(source)])
    assert run.code == 0, run.stderr
    return json.loads(run.stdout)


def _picture_fades(source: Path) -> list[tuple[str, int, int]]:
    """(kind, first frame, end frame) of the picture fades from/to black in ``source``, as the analysis reads them."""
    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.formats import read_source

    return [(t.kind, t.start_frame, t.end_frame) for t in analyse(read_source(source)).transitions
            if t.kind in ("fade_in", "fade_out")]


@pytest.fixture(scope="module")
def piece(tmp_path_factory) -> Path:
    from otio_scoreplan.audio.bwf import write_bwf

    path = tmp_path_factory.mktemp("piece") / "theme.wav"
    write_bwf(path, np.random.default_rng(7).uniform(-0.1, 0.1, (48000 * 60, 2)).astype(np.float32))
    return path


def _apply(source: Path, doc: dict, out: Path, piece: Path) -> None:
    for cue in doc["cues"]:
        cue["temp"] = {"path": str(piece), "title": "Theme", "offset_seconds": 0.0, "reason": "pinned", "pinned": True}
    plan = out.parent / "plan.json"
    plan.write_text(json.dumps(doc))
    run = run_inprocess(["apply", str(source), "--plan", str(plan), "-o", str(out), "--media-dir", str(out.parent / "media")])
    assert run.code == 0, run.stderr


def test_transitions_aaf_plan_fades_with_the_picture() -> None:
    fades = _picture_fades(TRANSITIONS)
    assert ("fade_in", 0, 12) in fades and ("fade_out", 473, 521) in fades, fades  # the picture: 12 in, 48 out
    doc = _spot(TRANSITIONS)
    (cue,) = doc["cues"]
    fade_in = next((a, b) for k, a, b in fades if k == "fade_in" and a <= cue["start_frame"] <= b)
    fade_out = next((a, b) for k, a, b in fades if k == "fade_out" and a <= cue["end_frame"] <= b)
    assert (cue["entry"]["type"], cue["entry"]["frames"]) == ("fade_in", fade_in[1] - fade_in[0]) == ("fade_in", 12)
    assert (cue["exit"]["type"], cue["exit"]["frames"]) == ("fade_out", fade_out[1] - fade_out[0]) == ("fade_out", 48)
    assert cue["start_frame"] == fade_in[0] and cue["end_frame"] == fade_out[1], "in with the picture, out at black"


def _our_slot_components(out: Path) -> list[tuple[str, int]]:
    """(kind, length) of the components of the AAF slot holding our temp clip, in order (pyaaf2)."""
    import aaf2

    with aaf2.open(str(out), "r") as f:
        comp = next(m for m in f.content.compositionmobs() if any(
            isinstance(c, aaf2.components.SourceClip) and c.mob is not None and "scoreplan" in (c.mob.name or "")
            for s in m.slots if isinstance(s.segment, aaf2.components.Sequence) for c in s.segment.components))
        for slot in comp.slots:
            seg = slot.segment
            if isinstance(seg, aaf2.components.Sequence) and any(
                    isinstance(c, aaf2.components.SourceClip) and c.mob is not None and "scoreplan" in (c.mob.name or "")
                    for c in seg.components):
                return [(type(c).__name__, c.length) for c in seg.components], slot.edit_rate
    raise AssertionError("no slot of ours")


def test_transitions_aaf_clip_fades_are_the_picture_fades(piece, tmp_path) -> None:
    source = tmp_path / TRANSITIONS.name
    shutil.copyfile(TRANSITIONS, source)
    out = tmp_path / "out.aaf"
    _apply(source, _spot(source), out, piece)
    components, edit_rate = _our_slot_components(out)
    assert float(edit_rate) == 24
    kinds = [k for k, _ in components]
    clip = kinds.index("SourceClip")
    assert kinds[clip - 1] == "Transition" and kinds[clip + 1] == "Transition", components
    assert (components[clip - 1][1], components[clip + 1][1]) == (12, 48), components


def _levels(item: etree._Element) -> list[tuple[int, float]]:
    for effect in item.iter("effect"):
        if (effect.findtext("name") or "") == "Audio Levels":
            return [(int(k.findtext("when")), float(k.findtext("value"))) for k in effect.iter("keyframe")]
    return []


def test_premiere_sample_fade_to_black(piece, tmp_path) -> None:
    """The sample's last scene fades to black over 48 frames: its cue fades out over them, ending at black, in the
    plan and in the FCP7 clip's Audio Levels keyframes (the clip's final fall to silence starts 48 frames before
    its out)."""
    source = tmp_path / "premiere_sample.xml"
    shutil.copyfile(SAMPLES / "premiere_sample.xml", source)
    ((_, black_from, black),) = [f for f in _picture_fades(source) if f[0] == "fade_out"]
    doc = _spot(source)
    cue = next(c for c in doc["cues"] if black_from <= c["end_frame"] <= black + 24)
    assert cue["exit"] == {"type": "fade_out", "frames": black - black_from} and cue["end_frame"] == black
    out = tmp_path / "out.xml"
    _apply(source, doc, out, piece)
    root = etree.parse(str(out)).getroot()
    items = [i for i in root.iter("clipitem") if (i.get("id") or "").startswith(f"scoreplan-{cue['id']}-")]
    assert items
    for item in items:
        assert int(item.findtext("end")) == black
        keys = _levels(item)
        out_frame = int(item.findtext("out"))
        assert keys[-1] == (out_frame, 0.0)
        fall = len(keys) - 1
        while fall > 0 and keys[fall - 1][1] > keys[fall][1]:
            fall -= 1
        assert out_frame - keys[fall][0] == black - black_from, keys[-6:]


def test_rules_can_keep_the_fade_table(tmp_path) -> None:
    """``temp.fades_follow_picture = false``: the cue keeps no fade lengths of its own (the fade table plays)."""
    rules = tmp_path / "rules.toml"
    rules.write_text("[temp]\nfades_follow_picture = false\n")
    run = run_inprocess(["spot", "--json", str(TRANSITIONS), "--rules", str(rules)])
    assert run.code == 0, run.stderr
    (cue,) = json.loads(run.stdout)["cues"]
    assert cue["entry"] == {"type": "fade_in", "frames": 0} and cue["exit"] == {"type": "fade_out", "frames": 0}


class _Cut:
    """The little of a CutInfo that resolve._fades reads: the picture's transitions, the rate, the rules."""

    def __init__(self, transitions, follow: bool = True) -> None:
        from types import SimpleNamespace

        self.analysis = SimpleNamespace(transitions=transitions)
        self.rate = 24.0
        self.rules = SimpleNamespace(get=lambda key: follow if key == "temp.fades_follow_picture" else None)

    def frames(self, seconds: float) -> int:
        return int(round(seconds * self.rate))


@pytest.mark.parametrize(("cue", "transition", "neighbours", "expected"), [
    # a fading cue that ends inside a dissolve fades out over it, to its last frame
    ((100, 500, "hard_in", "fade_out"), ("dissolve", 480, 504), (None, None, []), (100, 504, 0, 24)),
    # a fade to black whose black the next cue already plays in: the end stays, the fade is what is left of it
    ((100, 500, "hard_in", "hard_out"), ("fade_out", 480, 520), (None, 510, []), (100, 500, 0, 20)),
    # a fade from black whose first frame is NO MUSIC: the start stays, the fade at least a frame (a click guard)
    ((230, 500, "hard_in", "hard_out"), ("fade_in", 200, 224), (None, None, [(190, 210)]), (230, 500, 1, 0)),
    # a fade from black the previous cue still plays over: the start stays, the fade over the rest of the picture's
    ((212, 500, "hard_in", "hard_out"), ("fade_in", 200, 224), (205, None, []), (212, 500, 12, 0)),
])
def test_the_fade_follows_the_picture_without_taking_a_neighbours_frames(cue, transition, neighbours, expected) -> None:
    from otio_scoreplan.model import Transition
    from otio_scoreplan.plan.model import Cue, Edge
    from otio_scoreplan.plan.resolve import _fades

    start, end, entry, exit_ = cue
    kind, t0, t1 = transition
    prev_end, next_start, forbidden = neighbours
    done = _fades(_Cut([Transition(t0, t1, t0, kind)]), Cue(start, end, entry=Edge(entry), exit=Edge(exit_)),
                  prev_end, next_start, forbidden)
    assert (done.start_frame, done.end_frame, done.entry.frames, done.exit.frames) == expected


def test_without_the_rule_the_cue_keeps_its_frames() -> None:
    from otio_scoreplan.model import Transition
    from otio_scoreplan.plan.model import Cue, Edge
    from otio_scoreplan.plan.resolve import _fades

    done = _fades(_Cut([Transition(480, 520, 500, "fade_out")], follow=False), Cue(100, 500, exit=Edge("hard_out")))
    assert (done.end_frame, done.exit) == (500, Edge("fade_out"))
