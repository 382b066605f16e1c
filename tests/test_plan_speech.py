"""Spotting signals read off real corpus edits (issue 13): speech on untitled A1/A2, segments bringing their own
mix, the coverage target. The edits are real exports with their music taken out by the spotting evaluation's
stripper (tools/eval/strip.py, from its frozen truth), so nothing marked steers the planner."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import CORPUS, REPO, eval_case_without_music

sys.path.insert(0, str(REPO / "tools" / "eval"))

import strip

from otio_scoreplan.analyse import analyse
from otio_scoreplan.analyse.speech import find_speech, natural_sound_only, talk_blocks
from otio_scoreplan.analyse.tracks import own_mix_segments
from otio_scoreplan.formats import read_source
from otio_scoreplan.plan import default_rules, make_plan
from otio_scoreplan.plan.context import union_length
from otio_scoreplan.plan.rules import merge_rules

TRUTH = REPO / "tools" / "eval" / "truth"


@pytest.fixture(scope="module")
def ua4(tmp_path_factory):
    return eval_case_without_music("ua4", tmp_path_factory.mktemp("ua4"))


def _share(plan, analysis) -> float:
    return union_length([(c.start_frame, c.end_frame) for c in plan.cues]) / analysis.sequence.duration_frames


def test_speech_is_found_on_untitled_a1_a2(ua4) -> None:
    """UA4's A1-A4 carry no names; their clips play the camera files shown above them: sync, someone talking."""
    assert {t.name for t in ua4.tracks if t.label in ("A1", "A2")} == {""}
    runs = find_speech(ua4.audio_clips, ua4.shots, ua4.sequence.rate)
    sync = [r for r in runs if r.kind == "sync"]
    assert sync and all("shares media with the picture above" in r.evidence or "camera sound" in r.evidence for r in sync)
    assert any("A1" in r.evidence for r in sync)
    vo = [r for r in runs if r.kind == "vo"]
    assert vo and all("Speak" in r.evidence for r in vo)  # A5 'Speak' is voice-over, not talk on camera
    talk = talk_blocks(runs, int(16 * ua4.sequence.rate))
    assert talk  # the long takes of the interview (e.g. 13.6-31.5 s of ua4-171215-k1r-007)
    plan = make_plan([ua4])
    assert plan.cues and all(c.origin == "auto" for c in plan.cues)
    for cue in plan.cues:
        text = " ".join(cue.reasons)
        assert "talk on camera" in text and "dialogue under only 0%" not in text, cue.reasons
        for t in talk:  # the bed leaves room for the talk (up to the cuts around it)
            assert not (cue.start_frame > t.start_frame + 50 and cue.end_frame < t.end_frame - 50)
    first_after_talk = [c for c in plan.cues if any("after sync" in r for r in c.reasons)]
    assert first_after_talk


def test_a_segment_with_its_own_mix_is_left_free(tmp_path: Path) -> None:
    """Prg6 (Filmbonanza) holds the show's vignette and 'FILM_Break' bumpers, which bring their own mix."""
    analysis = eval_case_without_music("prg6", tmp_path)
    words = default_rules().get("auto.own_mix_words")
    segments = own_mix_segments(analysis, words)
    names = {s.name for s in segments}
    assert any(n.startswith("Vignett") for n in names) and any(n.startswith("FILM_Break") for n in names)
    plan = make_plan([analysis])
    assert plan.cues
    for cue in plan.cues:
        for s in segments:
            assert cue.end_frame <= s.start_frame or cue.start_frame >= s.end_frame, (cue.start_frame, s.name)
    # without the rule the planner does lay music over them: the test can fail
    bare = make_plan([analysis], merge_rules(default_rules(), {"auto": {"own_mix_words": ["zzzz"]}}))
    assert any(c.start_frame < s.end_frame and c.end_frame > s.start_frame for c in bare.cues for s in segments)


@pytest.mark.parametrize("kind", ["talk", "no talk"])
def test_the_coverage_target_is_honoured(kind: str, ua4) -> None:
    analysis = ua4 if kind == "talk" else analyse(read_source(CORPUS / "avid" / "pycmx_INS4_R1_010417.edl"))
    shares = []
    for target in (0.2, 0.4, 0.6):
        plan = make_plan([analysis], merge_rules(default_rules(), {"auto": {"coverage_target": target}}))
        share = _share(plan, analysis)
        assert abs(share - target) <= 0.08, (target, share)
        assert all(c.reasons and c.reasons[0] == "proposed, not marked" for c in plan.cues)
        shares.append(share)
    assert shares == sorted(shares) and shares[0] < shares[-1]


def test_stretches_without_music_say_why(ua4, tmp_path: Path) -> None:
    """The plan lists what it leaves free (``without_music``) and ``spot --why-not`` prints it."""
    from otio_scoreplan.plan import plan_from_json, plan_to_json

    plan = make_plan([ua4])
    assert plan.without_music
    covered = [(c.start_frame, c.end_frame) for c in plan.cues]
    for free in plan.without_music:
        assert free.why and not any(free.start_frame < e and free.end_frame > s for s, e in covered)
    assert any(w.startswith("talk on camera") and "A1" in w for f in plan.without_music for w in f.why)
    doc = plan_to_json(plan)
    assert doc["without_music"][0]["why"] and doc["without_music"][0]["start_timecode"]
    assert plan_to_json(plan_from_json(doc)) == doc
    a, b = covered[0][1], plan.without_music[0].end_frame  # everything not under a cue is accounted for
    assert plan.without_music[0].start_frame == a and b <= ua4.sequence.duration_frames
    path = tmp_path / "ua4.xml"
    truth = json.loads((TRUTH / "ua4.json").read_text(encoding="utf-8"))
    path.write_bytes(strip.strip(CORPUS / truth["file"], truth)[0])
    from conftest import run_cli

    out = run_cli("spot", str(path), "--why-not")
    assert out.returncode == 0 and "Without music" in out.stdout and "talk on camera" in out.stdout


def test_edits_under_a_flattened_export_are_the_cuts(tmp_path: Path) -> None:
    """Lego's full-length export on V3 hides every picture cut (one shot); the edits of V1/V2/V4 below it are
    where cues start and end, and the music share comes near the editor's (44 %) instead of 3 %."""
    lego = eval_case_without_music("lego", tmp_path)
    assert len(lego.shots) == 1 and lego.cuts == []
    hidden = set(lego.picture_edits)
    assert len(hidden) > 30 and all(0 < f < lego.sequence.duration_frames for f in hidden)
    plan = make_plan([lego])
    auto = [c for c in plan.cues if c.origin == "auto"]  # besides the helicopter effect filed as music (kept in)
    assert len(auto) >= 3
    assert all(c.start_frame in hidden | {0} and c.end_frame in hidden | {lego.sequence.duration_frames} for c in auto)
    assert 0.3 <= _share(plan, lego) <= 0.6
    # the edits under the export are what the rule finds: without them there is no cut to start or end on, and the
    # proposals keep the talk's own frames (the rule itself cannot be switched off by the rules any more:
    # auto.flattened_share is a share, at most 1, d45bc38)
    off = [c for c in make_plan([replace(lego, picture_edits=[])]).cues if c.origin == "auto"]
    assert off and not all(c.start_frame in hidden | {0} and c.end_frame in hidden | {lego.sequence.duration_frames}
                           for c in off)


def test_natural_sound_only_is_not_talk(tmp_path: Path) -> None:
    """Tords garasje: a nature item with no voice-over and only the picture's own sound (insects); its 50 s take
    is natural sound, so music carries the pictures (the editor's share: 92 %). Named sync turns the rule off."""
    tords = eval_case_without_music("tords_garasje", tmp_path)
    runs = find_speech(tords.audio_clips, tords.shots, tords.sequence.rate)
    assert not any(r.kind == "vo" for r in runs) and talk_blocks(runs, int(16 * tords.sequence.rate))
    assert natural_sound_only(runs, tords.audio_clips)
    plan = make_plan([tords])
    assert _share(plan, tords) >= 0.6
    assert all(any("natural sound only" in r for r in c.reasons) for c in plan.cues)
    named = [replace(c, track_name="Sync 1") for c in tords.audio_clips]
    assert not natural_sound_only(find_speech(named, tords.shots, tords.sequence.rate), named)
