"""Spotting judgement left over from issue 13 (session 6), on real corpus files collected by glob:

* company logos and cards at the head of a reel (UNILOGO, BLUMHOUSE_PRODUCTIONS after the Insidious leader) bring
  their own sound: no proposal over them;
* an audio-only dialogue list (the Insidious DX EDL) is talk: music is proposed between its lines, not over them;
* the editor's music fades done with Audio Levels keyframes (FCP7 / Premiere) are its cues' entry and exit fades,
  as fades done with transitions are.

Each file is read again independently (pycmx, lxml) for what the test expects.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pycmx
import pytest
from conftest import CORPUS, corpus_files, corpus_id, read_once, run_cli
from lxml import etree

from otio_scoreplan.analyse.music import name_role
from otio_scoreplan.analyse.speech import find_speech, talk_blocks
from otio_scoreplan.analyse.tracks import head_logos, keyframe_fades, own_mix_segments
from otio_scoreplan.model import Analysis, AudioClip, SequenceInfo, Shot
from otio_scoreplan.plan import default_rules, make_plan
from otio_scoreplan.plan.context import union_length

PROPOSED = ("auto", "grown")
LOGO_WORDS = ("LOGO", "PRODUCTIONS")  # how the test itself spots a company card in an event's name
EDLS = [p for p in corpus_files() if p.suffix.lower() == ".edl"]


def _frames(tc: str, fps: int = 24) -> int:
    h, m, sec, f = (int(x) for x in tc.replace(";", ":").split(":"))
    return ((h * 60 + m) * 60 + sec) * fps + f


def _events(path: Path) -> list[tuple[str, int, int, bool]]:
    """(clip name, record start, record end, picture) of every event, read by pycmx, in frames from the list's
    first record frame (24 fps: the Insidious reels)."""
    with path.open(encoding="utf-8", errors="replace") as f:
        edits = [e for event in pycmx.parse_cmx3600(f).events for e in event.edits if not e.black]
    zero = min(_frames(e.record_in) for e in edits)
    return [(e.clip_name or "", _frames(e.record_in) - zero, _frames(e.record_out) - zero, bool(e.channels.video))
            for e in edits]


def _head_cards(path: Path) -> list[tuple[str, int, int]]:
    """The events named like a company logo or card within the reel's first two minutes."""
    return [e[:3] for e in _events(path) if e[1] < 24 * 120 and any(w in e[0].upper() for w in LOGO_WORDS)]


LOGO_LISTS = [p for p in EDLS if any(w in p.read_text(encoding="utf-8", errors="replace").upper() for w in LOGO_WORDS)]


@pytest.mark.parametrize("path", LOGO_LISTS, ids=corpus_id)
def test_company_logos_at_the_head_bring_their_own_mix(path: Path) -> None:
    """Only at the head: speed_effects.edl's 'ZZZ_700_ENDLOGO' near its end is none."""
    cards = _head_cards(path)
    _, analysis = read_once(path)
    found = {(x.start_frame, x.end_frame) for x in head_logos(analysis)}
    assert found == {(s, e) for _, s, e in cards}
    if not cards:
        return
    assert found <= {(x.start_frame, x.end_frame) for x in own_mix_segments(analysis, default_rules().get("auto.own_mix_words"))}
    plan = make_plan([analysis])
    proposed = [c for c in plan.cues if c.origin in PROPOSED]
    assert proposed
    for cue in proposed:
        for _, s, e in cards:
            assert cue.end_frame <= s or cue.start_frame >= e, (cue.id, s, e)
    # --why-not names them
    why = run_cli("spot", str(path), "--rate", "24", "--why-not")
    assert why.returncode == 0, why.stderr
    for name in {n for n, _, _ in cards}:
        assert f"{name!r} brings its own mix" in why.stdout


def test_the_corpus_holds_head_cards_and_a_logo_elsewhere() -> None:
    assert sum(bool(_head_cards(p)) for p in LOGO_LISTS) >= 2 and any(not _head_cards(p) for p in LOGO_LISTS)


def test_the_insidious_picture_reel_opens_its_first_cue_after_the_cards() -> None:
    """Before: 1M1 started at 01:00:08:00, on the Universal logo; now after BLUMHOUSE_PRODUCTIONS (01:00:46:00)."""
    path = CORPUS / "avid" / "pycmx_INS4_R1_010417.edl"
    cards = _head_cards(path)
    assert [n.split("_")[0] for n, _, _ in cards] == ["UNILOGO", "BLUMHOUSE"]
    _, analysis = read_once(path)
    first = min(c.start_frame for c in make_plan([analysis]).cues if c.origin in PROPOSED)
    assert first >= max(e for _, _, e in cards)
    assert analysis.sequence.timecode(max(e for _, _, e in cards)) == "01:00:46:00"


def _analysis(shots: list[Shot], minutes: int = 10) -> Analysis:
    return Analysis(sequence=SequenceInfo("s", 24.0, False, 0, 24 * 60 * minutes, "edl"), shots=shots)


@pytest.mark.parametrize(("name", "seconds", "at", "logo"), [
    ("UNILOGO_2012_S235_MONO_DNX175X.MOV", 24, 0, True),
    ("BLUMHOUSE_PRODUCTIONS_2.40_PRORES.MOV", 14, 0, True),
    ("WB_Logo_2017", 12, 0, True),
    ("Production meeting", 14, 0, False),  # the singular names shots too
    ("STUDIO LOGO", 20, 300, False),  # a logo in the programme (a shot of a sign) is no card at the head
    ("logo animation master", 90, 0, False),  # longer than a card runs: the programme
])
def test_head_logo_names(name: str, seconds: int, at: int, logo: bool) -> None:
    fps = 24
    shots = [Shot(0, at * fps, "A001C001")] if at else []
    shots += [Shot(at * fps, (at + seconds) * fps, name), Shot((at + seconds) * fps, 24 * 600, "A001C003")]
    assert bool(head_logos(_analysis(shots))) is logo


def test_cards_after_a_leader_run_until_the_first_other_shot() -> None:
    shots = [Shot(0, 192, "FKI_LEADER_HEAD_1920X1080.MOV"), Shot(192, 768, "UNILOGO"), Shot(768, 800, "", kind="gap"),
             Shot(800, 1136, "X PICTURES PRESENTS"), Shot(1136, 1500, "A001C003"), Shot(1500, 1800, "Y FILMS")]
    assert [x.name for x in head_logos(_analysis(shots))] == ["UNILOGO", "X PICTURES PRESENTS"]


# -- a dialogue list is talk ------------------------------------------------------------------------------------
DX_LISTS = [p for p in EDLS if name_role(p.stem) == "dialogue" and not any(v for *_, v in _events(p))]


def test_the_corpus_holds_a_dialogue_list() -> None:
    assert [p.name for p in DX_LISTS] == ["pycmx_INS4_R1_DX_092117.edl"]


@pytest.mark.parametrize("path", DX_LISTS, ids=corpus_id)
def test_an_audio_only_dialogue_list_is_talk(path: Path) -> None:
    _, analysis = read_once(path)
    assert not any(s.kind not in ("gap", "slug") for s in analysis.shots)  # no picture
    lines = [(s, e) for n, s, e, _ in _events(path) if "LEADER" not in n.upper() and not any(w in n.upper() for w in LOGO_WORDS)]
    assert all(c.role == "dialogue" for c in analysis.audio_clips)
    runs = find_speech(analysis.audio_clips, analysis.shots, analysis.sequence.rate)
    talk = talk_blocks(runs, 16 * 24)
    assert len(talk) >= 3
    n = analysis.sequence.duration_frames
    plan = make_plan([analysis])
    proposed = [c for c in plan.cues if c.origin in PROPOSED]
    assert proposed
    # the exchanges: lines less than half a second apart, together 16 s or longer (read here from pycmx's events)
    exchanges: list[list[int]] = []
    for s, e in sorted(lines):
        if exchanges and s <= exchanges[-1][1] + 12:
            exchanges[-1][1] = max(exchanges[-1][1], e)
        else:
            exchanges.append([s, e])
    exchanges = [x for x in exchanges if x[1] - x[0] >= 16 * 24]
    assert len(exchanges) >= 3
    # music is proposed between them, never over one, and where the list says less than it does on the whole
    reel = union_length(lines, (0, n)) / n
    assert reel > 0.6
    cues = [(c.start_frame, c.end_frame) for c in proposed]
    assert union_length([(s, e) for s, e in exchanges if union_length(cues, (s, e))]) == 0
    assert sum(union_length(lines, c) for c in cues) / union_length(cues) < reel
    for cue in proposed:
        assert not any("talk on camera" in r for r in cue.reasons)  # no camera in a dialogue list
        assert any(r.startswith("dialogue under") for r in cue.reasons)
    spot = run_cli("spot", str(path), "--rate", "23.976", "--json", "--why-not")
    assert spot.returncode == 0, spot.stderr
    why = [w for f in json.loads(spot.stdout)["without_music"] for w in f["why"]]
    assert sum(w.startswith("dialogue ") and "dialogue of an audio-only list" in w for w in why) >= 3


@pytest.mark.parametrize("source_files", [True, False], ids=["camera-clips", "no-source-files"])
def test_the_same_list_under_a_name_that_does_not_say_dx(source_files: bool, tmp_path: Path) -> None:
    """The list's TITLE ('INS4_R1_092117') does not say DX; its file name does. Under another name (our own output
    of it, renamed) its content still does: most of its sound comes from camera clips ('A068C008_160823_R1BY',
    production sound). Without the '* SOURCE FILE:' lines that name them, nothing says it."""
    (dx,) = DX_LISTS
    other = tmp_path / "INS4_R1_092117.edl"
    lines = dx.read_bytes().splitlines(keepends=True)
    other.write_bytes(b"".join(line for line in lines if source_files or not line.startswith(b"* SOURCE FILE:")))
    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.formats import read_source

    analysis = analyse(read_source(other))
    assert any(c.role == "dialogue" for c in analysis.audio_clips) == source_files


# -- the editor's fades as level keyframes -------------------------------------------------------------------
SILENT = 0.001


def _level_at(points: list[tuple[float, float]], x: float) -> float:
    """The level between keyframes, linear in gain and held past them (numpy's, not the reader's own)."""
    import numpy as np

    return float(np.interp(x, [a for a, _ in points], [g for _, g in points]))


def _keyframed_clips(path: Path, sequence: str) -> list[dict]:
    """The clipitems on the audio tracks of the sequence named ``sequence`` (its top level) with their own <start>
    and <end> (no transition at either edge) and Audio Levels keyframes: {name, start, end, fall}, ``fall`` the
    record frame where the fall into silence at the clip's end begins, None when its level ends above silence
    (read with lxml: ``<when>`` counts media frames like ``<in>``)."""
    out = []
    seqs = [s for s in etree.parse(str(path)).getroot().iter("sequence") if (s.findtext("name") or "") == sequence]
    for item in (i for s in seqs[:1] for i in s.findall("media/audio/track/clipitem")):
        if item.find("sequence") is not None:  # a nest's own levels (over all its clips) are not read as fades
            continue
        try:
            start, end, first, last = (int(float(item.findtext(t))) for t in ("start", "end", "in", "out"))
        except (TypeError, ValueError):
            continue
        if start < 0 or end < 0:
            continue
        points = sorted((float(k.findtext("when")), float(k.findtext("value")))
                        for e in item.findall("filter/effect") if e.findtext("effectid") == "audiolevels"
                        for p in e.findall("parameter") if p.findtext("parameterid") == "level"
                        for k in p.findall("keyframe"))
        if not points:
            continue
        key = {"name": item.findtext("name") or "", "start": start, "end": end, "fall": None}
        out.append(key)
        if _level_at(points, last) > SILENT:
            continue
        inside = [p for p in points if first < p[0] < last]
        # back from the end: past the silent keyframes, then while each keyframe before is louder by 3 dB or more
        i = len(inside) - 1
        while i >= 0 and inside[i][1] <= SILENT:
            i -= 1
        if i < 0:
            continue
        while i > 0 and inside[i - 1][1] >= inside[i][1] * 10 ** (3 / 20):
            i -= 1
        key["fall"] = start + round(inside[i][0] - first)
    return out


XMEML = [p for p in corpus_files() if p.suffix.lower() == ".xml" and b"audiolevels" in p.read_bytes()]


@pytest.mark.parametrize("path", XMEML, ids=corpus_id)
def test_level_keyframes_falling_to_silence_are_the_clips_fade_out(path: Path) -> None:
    _, analysis = read_once(path)
    falls: dict[tuple, set] = {}
    for x in _keyframed_clips(path, analysis.sequence.name):  # alike in place and name (a stereo pair): must agree
        falls.setdefault((x["start"], x["end"], x["name"]), set()).add(x["fall"])
    expected = {k: f.pop() for k, f in falls.items() if len(f) == 1 and None not in f}
    if not expected:
        pytest.skip("no audio clip's levels fall to silence at its end")
    clips: dict[tuple, list[AudioClip]] = {}
    for c in analysis.audio_clips:
        clips.setdefault((c.start_frame, c.end_frame, c.name), []).append(c)
    checked = 0
    for key, fall in expected.items():
        if key not in clips:  # a disabled clip or track: not in the cut
            continue
        # (the same media on two tracks at once, e.g. Prg6's A1 and A2 channels, is told apart by its fades only)
        assert any(c.fade_out_frames >= key[1] - fall > 0 for c in clips[key]), (key, fall, clips[key])
        checked += 1
    assert checked


def test_the_moser_music_fades_out_as_its_keyframes_say() -> None:
    """Multicam Moser 1: ORANGE_COUNTY.wav and BLACK_AND_WHITE.wav on the music track are pulled down with Audio
    Levels keyframes to silence before their ends (no transition): the laid cues fade out over those frames."""
    path = CORPUS / "premiere" / "nrk_Multicam_Moser_1.xml"
    _, analysis = read_once(path)
    falls = {x["name"]: x for x in _keyframed_clips(path, analysis.sequence.name) if x["fall"] is not None}
    assert {"ORANGE_COUNTY.wav", "BLACK_AND_WHITE.wav"} <= set(falls)
    music = {c.end_frame: c for c in make_plan([analysis]).cues if c.origin == "music"}
    for name in ("ORANGE_COUNTY.wav", "BLACK_AND_WHITE.wav"):
        x = falls[name]
        cue = music[x["end"]]
        assert (cue.exit.type, cue.exit.frames) == ("fade_out", x["end"] - x["fall"]), name
        assert any("the editor's fade down to silence" in r for r in cue.reasons)
    assert (music[falls["ORANGE_COUNTY.wav"]["end"]].exit.frames) == 178  # 842 -> 1014 of 1020 media frames: 7.1 s


@pytest.mark.parametrize(("levels", "length", "fades"), [
    ([[0, 0.0], [25, 0.5], [250, 0.5], [275, 0.0]], 275, (25, 25)),  # up over 1 s, down over 1 s (25 fps)
    ([[0, 0.0], [25, 0.5], [200, 0.45], [250, 0.05], [275, 0.0]], 275, (25, 75)),  # the -1 dB ride is no part of it
    ([[-25, 0.2], [50, 0.2]], 50, (0, 0)),  # a level, no silence: no fade
    ([[75, 1.0], [100, 0.1]], 100, (0, 0)),  # ducked to -20 dB, not to silence: no fade
    ([[0, 0.0], [12, 0.0], [25, 0.8]], 100, (25, 0)),  # silent for half a second, then up: a fade from the head
    ([[-50, 0.0], [50, 1.0]], 100, (0, 0)),  # the clip starts half way up a ramp: not from silence
    # a sine curve drawn keyframe by keyframe (as our writers draw a fade), its flat top included, then a ride
    ([[2 * k, math.sin(math.pi / 2 * k / 25)] for k in range(26)] + [[700, 0.8]], 1000, (50, 0)),
    ([[0, 1.0], [600, 0.8]] + [[1000 - 2 * k, math.sin(math.pi / 2 * k / 25)] for k in range(25, -1, -1)], 1000, (0, 50)),
])
def test_level_fades(levels, length: int, fades: tuple[int, int]) -> None:
    assert keyframe_fades(levels, length) == fades


def test_an_audio_clip_of_a_dialogue_list_is_sync_only_without_picture() -> None:
    clip = AudioClip(0, 24 * 30, "1-2B", "A1", track_name="A1", source="SR018", role="dialogue")
    assert [r.kind for r in find_speech([clip], [Shot(0, 24 * 30, "", kind="gap")], 24.0)] == ["sync"]
    assert find_speech([clip], [Shot(0, 24 * 30, "A001C003")], 24.0) == []  # with picture: its names tell
