"""What the music-editor review of issue 13 found on real corpus edits, each pinned on the file it was seen in.

- Leaders: the Insidious reel 1 EDL opens with a head leader and its 2-pop (01:00:00:00-01:00:08:00) and ends
  with a tail leader; no proposed cue may cover them, nor start before the picture does. Every corpus file whose
  events or clips are named for a leader is checked the same way (collected by glob).
- The editor's own fades: UA4's music on the 'Musikk' track fades up from silence and down to silence with
  Premiere cross fades (26 and 75 frames among them); the laid music's cues say ``fade_in``/``fade_out`` with
  those lengths, read back independently from the xmeml with lxml.
- A re-planned recut (``--previous``) wrote each kept proposal's description twice ("Scene 2, Scene 3 - Scene 2,
  Scene 3").
- A picture-only EDL has no sound at all: the reasons said "dialogue under only 0%"; dialogue is unknown there.
"""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio
import pytest
from conftest import CORPUS, corpus_files, corpus_id, read_once, run_cli
from lxml import etree

from otio_scoreplan.analyse.leaders import find_leaders
from otio_scoreplan.plan import make_plan, plan_from_json, plan_to_json

INSIDIOUS = CORPUS / "avid" / "pycmx_INS4_R1_010417.edl"
UA4 = CORPUS / "premiere" / "nrk_UA4-konsulentteam-CC.xml"
PROPOSED = ("auto", "grown")


def _leader_files() -> list[Path]:
    """Corpus EDLs whose text names a leader (by glob: new files are picked up)."""
    return [p for p in corpus_files() if p.suffix.lower() == ".edl"
            and "LEADER" in p.read_text(encoding="utf-8", errors="replace").upper()]


def test_the_insidious_leaders_are_found_where_the_edl_puts_them() -> None:
    _, analysis = read_once(INSIDIOUS)
    events = otio.adapters.read_from_file(str(INSIDIOUS), adapter_name="cmx_3600", rate=24).video_tracks()[0]
    ranges = {c.name: events.range_of_child(c) for c in events.find_clips() if "LEADER" in c.name.upper()}
    head = next(r for n, r in ranges.items() if "HEAD" in n.upper())
    tail = next(r for n, r in ranges.items() if "TAIL" in n.upper())
    leaders = find_leaders(analysis)
    assert [(x.where, x.start_frame, x.end_frame) for x in leaders] == [
        ("head", 0, head.end_time_exclusive().to_frames()),  # 01:00:00:00-01:00:08:00
        ("tail", tail.start_time.to_frames(), analysis.sequence.duration_frames)]
    assert (leaders[0].end_frame, analysis.sequence.timecode(leaders[0].end_frame)) == (192, "01:00:08:00")


@pytest.mark.parametrize("path", _leader_files(), ids=corpus_id)
def test_no_proposed_cue_covers_a_leader_nor_starts_before_the_picture(path: Path) -> None:
    _, analysis = read_once(path)
    leaders = find_leaders(analysis)
    assert leaders and leaders[0].where == "head"  # every such reel opens with its leader
    plan = make_plan([analysis])
    proposed = [c for c in plan.cues if c.origin in PROPOSED]
    assert proposed
    for cue in proposed:
        for x in leaders:
            assert cue.end_frame <= x.start_frame or cue.start_frame >= x.end_frame, (cue.id, x)
        assert cue.start_frame >= leaders[0].end_frame  # the picture (or the programme's sound) starts there
    heads = [f for f in plan.without_music if f.start_frame == 0]
    assert heads and any("head leader" in why for why in heads[0].why)  # --why-not says why


@pytest.mark.parametrize(("name", "frames", "leader"), [
    ("FKI_LEADER_HEAD_1920X1080.MOV", 192, True), ("START LEADER 1920X1080 2398", 192, True),
    ("2-pop", 1, True), ("TAIL POP", 1, True), ("beep", 2, True), ("Countdown", 200, True),
    ("Pop Goes the Weasel.wav", 2400, False),  # a song, not the pop: longer than a second
    ("faksimiler poppe.mov", 100, False), ("Clock tower", 100, False), ("LEADER_interview", 24 * 60, False),
])
def test_leader_names(name: str, frames: int, leader: bool) -> None:
    from otio_scoreplan.model import Analysis, SequenceInfo, Shot

    seq = SequenceInfo("s", 24.0, False, 0, 24 * 600, "edl")
    shots = [Shot(0, frames, name), Shot(frames, 24 * 600, "A001C003")]
    found = find_leaders(Analysis(sequence=seq, shots=shots))
    assert bool(found) is leader
    assert not found or (found[0].start_frame, found[0].end_frame) == (0, frames)


def test_black_alone_at_the_head_is_no_leader() -> None:
    """A programme may open with sound over black (the BroShow episode's music starts on its first frame, under
    10 s of black): without a leader's name nothing is kept out there."""
    path = CORPUS / "premiere" / "nrk_BroShow_ep_Fordommer.xml"
    _, analysis = read_once(path)
    assert analysis.shots[0].kind == "gap" and analysis.shots[0].end_frame > 200
    assert find_leaders(analysis) == []


def _musikk_fades(path: Path) -> tuple[dict[int, int], dict[int, int]]:
    """Fades from and to silence on the xmeml's 'Musikk' tracks, read with lxml: {start: frames}, {end: frames}."""
    root = etree.parse(str(path)).getroot()
    fade_in: dict[int, int] = {}
    fade_out: dict[int, int] = {}
    for track in root.iter("track"):
        if track.get("MZ.TrackName") != "Musikk":
            continue
        for t in track.findall("transitionitem"):
            start, end, align = int(t.findtext("start")), int(t.findtext("end")), t.findtext("alignment")
            if align == "start-black":
                fade_in[start] = end - start
            elif align == "end-black":
                fade_out[end] = end - start
    return fade_in, fade_out


def test_the_editors_music_fades_are_its_cues_entry_and_exit() -> None:
    fade_in, fade_out = _musikk_fades(UA4)
    assert 26 in fade_in.values() and 75 in fade_out.values()
    _, analysis = read_once(UA4)
    music = [c for c in make_plan([analysis]).cues if c.origin == "music"]
    assert len(music) >= 6
    for cue in music:
        if cue.start_frame in fade_in:
            assert (cue.entry.type, cue.entry.frames) == ("fade_in", fade_in[cue.start_frame]), cue.id
        else:
            assert cue.entry.type == "hard_in", cue.id
        if cue.end_frame in fade_out:
            assert (cue.exit.type, cue.exit.frames) == ("fade_out", fade_out[cue.end_frame]), cue.id
        else:
            assert cue.exit.type == "hard_out", cue.id
    faded = next(c for c in music if c.entry.frames == 26)
    assert faded.exit == type(faded.exit)("fade_out", 75)  # one run: fades up over 26 frames, down over 75
    assert any("the editor's fade up from silence" in r for r in faded.reasons)
    # the plan JSON keeps the lengths
    again = plan_from_json(json.loads(json.dumps(plan_to_json(make_plan([analysis])))))
    assert [(c.entry, c.exit) for c in again.cues if c.origin == "music"] == [(c.entry, c.exit) for c in music]


def test_a_cross_fade_between_two_music_clips_is_no_fade_from_silence() -> None:
    _, analysis = read_once(UA4)
    first = next(m for m in analysis.music if m.start_frame == 0)  # four clips joined by centre cross fades
    assert first.fade_in_frames == 0 and first.end_frame == 442
    assert first.fade_out_frames == _musikk_fades(UA4)[1][442]


def test_a_re_planned_cut_keeps_each_description_once() -> None:
    _, analysis = read_once(INSIDIOUS)
    first = make_plan([analysis])
    previous = plan_from_json(json.loads(json.dumps(plan_to_json(first))))
    again = make_plan([analysis], previous=previous)
    kept = [c for c in again.cues if c.origin == "auto" and c.recut is not None and c.recut.change == "kept"]
    assert kept
    before = {c.id: c.description for c in first.cues}
    for cue in kept:
        assert cue.description == before[cue.id]
        assert cue.description.count(before[cue.id]) == 1


def test_a_picture_only_edl_does_not_say_dialogue_under_0_percent(tmp_path: Path) -> None:
    _, analysis = read_once(INSIDIOUS)
    assert not analysis.audio_clips and all(t.kind == "video" for t in analysis.tracks)
    plan = make_plan([analysis])
    reasons = [r for c in plan.cues if c.origin == "auto" for r in c.reasons]
    assert reasons and not any("dialogue under" in r for r in reasons)
    assert all(any("dialogue unknown" in r for r in c.reasons) for c in plan.cues if c.origin == "auto")
    notes = tmp_path / "notes.md"
    done = run_cli("notes", str(INSIDIOUS), "-o", str(notes))
    assert done.returncode == 0, done.stderr
    text = notes.read_text(encoding="utf-8")
    assert "dialogue unknown" in text and "dialogue under" not in text
    # the same reel's dialogue EDL has sound: its cues still say how much dialogue lies under them
    _, dx = read_once(CORPUS / "avid" / "pycmx_INS4_R1_DX_092117.edl")
    said = [r for c in make_plan([dx]).cues if c.origin == "auto" for r in c.reasons]
    assert any("dialogue under" in r for r in said) and not any("dialogue unknown" in r for r in said)


def test_a_reel_with_no_cut_gets_no_reel_long_proposal_and_why_not_is_true(tmp_path: Path) -> None:
    """The Insidious R1 DX list: 18 minutes of audio events and no picture cut. The one candidate ran the whole
    reel (1085.6 s, 100 %) and the free stretch said 'the coverage target (auto) is met'. A proposal with no
    cut to end on fades out at the longest a proposal runs; what is left free says it is under the target.
    (Read under a file name that does not say DX and without its '* SOURCE FILE:' lines, which name camera clips:
    either way the list is dialogue and its talk divides the reel, see test_spotting_left.)"""
    dx = tmp_path / "INS4_R1_092117.edl"
    lines = (CORPUS / "avid" / "pycmx_INS4_R1_DX_092117.edl").read_bytes().splitlines(keepends=True)
    dx.write_bytes(b"".join(line for line in lines if not line.startswith(b"* SOURCE FILE:")))
    spot = run_cli("spot", str(dx), "--rate", "23.976", "--json")
    assert spot.returncode == 0, spot.stderr
    plan = json.loads(spot.stdout)
    rate = 24000 / 1001
    longest = 240.0  # auto.max_cue_seconds of the shipped rules
    proposed = [c for c in plan["cues"] if c["origin"] in PROPOSED]
    assert proposed and all((c["end_frame"] - c["start_frame"]) / rate <= longest + 1e-6 for c in proposed)
    assert any(c["exit"]["type"] == "fade_out" for c in proposed)
    why = run_cli("spot", str(dx), "--rate", "23.976", "--why-not")
    assert "is met" not in why.stdout and "is reached" not in why.stdout
    assert "under the coverage target (auto, proposals up to 40%)" in " ".join(why.stdout.split())
