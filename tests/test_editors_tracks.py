"""Issue 11, "Say nothing false": temp music and the editor's own music and music tracks.

* a cue over music the editor already laid in the cut (origin ``music``) gets its marker but no temp clip, unless
  the rules ask (``temp.over_editors_music``);
* temp goes on the editor's own EMPTY music tracks ('Musikk 2 stereo') before new TEMP MX tracks, unless the rules
  ask for new tracks always (``apply.new_tracks``); the apply summary says which.

Checked on real Premiere exports of the corpus (collected by glob: those with an empty music track), reread with
lxml and OTIO's own fcp_xml adapter, and compared element by element with the input.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import opentimelineio as otio
import pytest
from conftest import corpus_files, corpus_id, read_once
from lxml import etree
from plans import spread_plan
from xmlcompare import parse, preservation_errors

from otio_scoreplan import OUR_TOKEN
from otio_scoreplan.formats import read_source
from otio_scoreplan.formats.additions import ApplySettings, is_music_track_name
from otio_scoreplan.formats.writeback import apply_plan
from otio_scoreplan.formats.xmeml.write import ID_PREFIX
from otio_scoreplan.plan import make_plan

PYTHON = sys.executable


def _track_name(track: etree._Element) -> str:
    return (track.findtext("name") or track.get("MZ.TrackName") or "").strip()


def _top_sequence(path: Path) -> etree._Element:
    root = parse(path).getroot()
    return next(s for s in root.iter("sequence") if not any(a.tag == "clipitem" for a in s.iterancestors()))


def _empty_music_pairs(path: Path) -> list[tuple[int, str]]:
    """(position, name) of the editor's empty stereo music tracks in a Premiere xmeml, read with lxml."""
    tracks = _top_sequence(path).findall("media/audio/track")
    names = []
    for i, track in enumerate(tracks):
        if track.get("currentExplodedTrackIndex") != "0" or track.get("totalExplodedTrackCount") != "2":
            continue
        pair = tracks[i: i + 2]
        if len(pair) == 2 and is_music_track_name(_track_name(track)) and not any(t.findall("clipitem") for t in pair):
            names.append((i, _track_name(track)))
    return names


PREMIERE = [p for p in corpus_files() if p.suffix.lower() == ".xml" and "premiere" in p.parts]
WITH_EMPTY_MUSIC_TRACK = [p for p in PREMIERE if _empty_music_pairs(p)]
WITH_MUSIC = [p for p in PREMIERE if p in WITH_EMPTY_MUSIC_TRACK]  # (all of them also hold the editor's music)


def _ours(el: etree._Element) -> bool:
    if el.tag == "marker":
        return OUR_TOKEN in (el.findtext("comment") or "")
    if el.tag == "clipitem":
        return (el.get("id") or "").startswith(ID_PREFIX)
    if el.tag == "track":
        items = el.findall("clipitem")
        return bool(items) and all(_ours(i) for i in items) and _track_name(el).startswith("TEMP MX")
    return False


def test_the_corpus_has_such_edits():
    assert len(WITH_EMPTY_MUSIC_TRACK) >= 3  # Jokulhlup, Multicam Moser, UA4 ... (a glob that finds none proves nothing)


@pytest.mark.parametrize("path", WITH_MUSIC, ids=corpus_id)
def test_no_temp_over_the_editors_own_music(path, tmp_path):
    source, analysis = read_once(path)
    plan = make_plan([analysis])
    music = [c for c in plan.cues if c.origin == "music"]
    assert music, "the corpus edit holds music the planner sees"
    out = tmp_path / "out.xml"
    result = apply_plan(source, plan, out, media_dir=tmp_path / "media")
    seq = _top_sequence(out)
    ours = [c for c in seq.iter("clipitem") if (c.get("id") or "").startswith(ID_PREFIX)]
    playing = {c.id for c in music}
    assert not [c for c in ours if c.get("id")[len(ID_PREFIX):].rsplit("-", 1)[0] in playing]
    markers = [m.findtext("name") for m in seq.findall("marker") if OUR_TOKEN in (m.findtext("comment") or "")]
    for cue in music:  # the cue marker still goes in, and the summary says whose music plays
        assert any(name.split()[0] == cue.id for name in markers)
        assert any(n.startswith(f"{cue.id}: the editor's music plays") and cue.description in n for n in result.notes)
    assert not [p for p in result.written[1:] if p.suffix == ".wav"] or len(playing) < len(plan.cues)
    # asked for: a temp clip over the editor's music as well
    again = tmp_path / "over.xml"
    apply_plan(source, plan, again, media_dir=tmp_path / "media", settings=ApplySettings(over_editors_music=True))
    over = {c.get("id")[len(ID_PREFIX):].rsplit("-", 1)[0] for c in _top_sequence(again).iter("clipitem")
            if (c.get("id") or "").startswith(ID_PREFIX)}
    assert playing <= over


@pytest.mark.parametrize("path", WITH_EMPTY_MUSIC_TRACK, ids=corpus_id)
def test_temp_goes_on_the_editors_empty_music_track(path, tmp_path):
    source, analysis = read_once(path)
    plan = spread_plan(analysis)  # planner-made cues (origin auto): they take temp clips
    if not plan.cues:
        pytest.skip("too short for cues")
    at, name = _empty_music_pairs(path)[0]
    out = tmp_path / "out.xml"
    result = apply_plan(source, plan, out, media_dir=tmp_path / "media")
    before, after = parse(path).getroot(), parse(out).getroot()
    assert preservation_errors(before, after, _ours) == []  # nothing of the editor's changed, besides our additions
    tracks = _top_sequence(out).findall("media/audio/track")
    home = tracks[at: at + 2]
    items = [c for t in home for c in t.findall("clipitem")]
    assert items and all((c.get("id") or "").startswith(ID_PREFIX) for c in items)
    # lane A (1M1, 1M3) on the editor's track, one clip per channel; lane B (1M2, the segue) on a new track
    assert sorted(c.get("id") for c in items) == [f"{ID_PREFIX}{i}-{ch}" for i in ("1M1", "1M3") for ch in "LR"]
    assert [_track_name(t) for t in tracks if _track_name(t).startswith("TEMP MX")] == ["TEMP MX B", "TEMP MX B"]
    assert any("TEMP MX A" in n and repr(name) in n for n in result.notes)
    assert any("TEMP MX B" in n and "new" in n for n in result.notes)
    # OTIO's own reader finds our clips on the editor's track
    timeline = otio.adapters.read_from_file(str(out), adapter_name="fcp_xml")
    home_tracks = [t for t in timeline.audio_tracks() if _otio_track_name(t) == name]
    assert any(t.find_clips() and all(OUR_TOKEN in c.name for c in t.find_clips()) for t in home_tracks)
    # the links of each clip name the two channels of the editor's pair
    index = tracks.index(home[0]) + 1
    left = next(c for c in items if c.get("id").endswith("-L"))
    assert [int(lk.findtext("trackindex")) for lk in left.findall("link")] == [index, index + 1]


def _otio_track_name(track: otio.schema.Track) -> str:
    return track.name or str(track.metadata.get("fcp_xml", {}).get("@MZ.TrackName", ""))


@pytest.mark.parametrize("path", WITH_EMPTY_MUSIC_TRACK[:1], ids=corpus_id)
def test_new_tracks_always_when_asked(path, tmp_path):
    source, analysis = read_once(path)
    plan = spread_plan(analysis)
    out = tmp_path / "out.xml"
    result = apply_plan(source, plan, out, media_dir=tmp_path / "media", settings=ApplySettings(new_tracks=True))
    tracks = _top_sequence(out).findall("media/audio/track")
    at, _ = _empty_music_pairs(path)[0]
    assert not [t for t in tracks[at: at + 2] if t.findall("clipitem")]
    assert [_track_name(t) for t in tracks if _track_name(t).startswith("TEMP MX")] == ["TEMP MX A"] * 2 + ["TEMP MX B"] * 2
    assert not result.notes


@pytest.mark.parametrize("path", WITH_EMPTY_MUSIC_TRACK, ids=corpus_id)
def test_second_apply_on_the_editors_track_changes_nothing(path, tmp_path):
    source, analysis = read_once(path)
    plan = spread_plan(analysis)
    first, second = tmp_path / "first.xml", tmp_path / "second.xml"
    apply_plan(source, plan, first, media_dir=tmp_path / "media")
    apply_plan(read_source(first), plan, second, media_dir=tmp_path / "media")
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("path", WITH_EMPTY_MUSIC_TRACK[:2], ids=corpus_id)
def test_otio_output_uses_the_editors_empty_music_track(path, tmp_path):
    source, analysis = read_once(path)
    plan = spread_plan(analysis)
    out, again = tmp_path / "out.otio", tmp_path / "again.otio"
    own = [[type(c).__name__ for c in t] for t in source.timeline.tracks]
    result = apply_plan(source, plan, out, media_dir=tmp_path / "media")
    timeline = otio.adapters.read_from_file(str(out))
    at, name = _empty_music_pairs(path)[0]
    home = [t for t in timeline.audio_tracks() if t.name == name and t.find_clips()]
    assert len(home) == 1
    assert sorted(c.metadata["scoreplan"]["cue_id"] for c in home[0].find_clips()) == ["1M1", "1M3"]
    assert [t.name for t in timeline.audio_tracks() if t.name.startswith("TEMP MX")] == ["TEMP MX B"]
    assert any(repr(name) in n for n in result.notes)
    assert [[type(c).__name__ for c in t] for t in source.timeline.tracks] == own  # the read timeline as it was
    apply_plan(read_source(out), plan, again, media_dir=tmp_path / "media")
    assert _audio_layout(otio.adapters.read_from_file(str(again))) == _audio_layout(timeline)  # a second run: the same


def _audio_layout(timeline: otio.schema.Timeline) -> list:
    """Each audio track's name and its children (kind, name, range), in order."""
    return [(t.name, [(type(c).__name__, c.name, str(getattr(c, "source_range", ""))) for c in t])
            for t in timeline.audio_tracks()]


def test_cli_summary_and_rules_keys(tmp_path):
    path = next(p for p in WITH_MUSIC if "Moser" in p.name) if any("Moser" in p.name for p in WITH_MUSIC) else WITH_MUSIC[0]
    out = tmp_path / "out.xml"
    run = subprocess.run([PYTHON, "-m", "otio_scoreplan", "apply", str(path), "-o", str(out)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "the editor's music plays" in run.stdout
    rules = tmp_path / "rules.toml"
    rules.write_text("[temp]\nover_editors_music = true\n[apply]\nnew_tracks = true\n", encoding="utf-8")
    out2 = tmp_path / "out2.xml"
    run = subprocess.run([PYTHON, "-m", "otio_scoreplan", "apply", str(path), "-o", str(out2), "--rules", str(rules)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "the editor's music plays" not in run.stdout
    seq = _top_sequence(out2)
    assert [t for t in seq.findall("media/audio/track") if _track_name(t).startswith("TEMP MX")]


def _tone_library(tmp_path: Path) -> Path:
    """A one-piece library in ``tmp_path/lib``: 60 s of a quiet square wave."""
    import wave

    lib = tmp_path / "lib"
    lib.mkdir()
    with wave.open(str(lib / "tone.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes((b"\x00\x08" * 20 + b"\x00\xf8" * 20) * 12000)
    return lib


def test_the_plan_gives_no_temp_to_the_editors_music(tmp_path):
    """``--library`` records no pick on a cue where the editor's music plays (the plan's description and reasons
    name those clips), unless the rules ask for temp over it."""
    from otio_scoreplan.plan.rules import load_rules
    from otio_scoreplan.tempscore import plan_with_temp

    lib = _tone_library(tmp_path)
    path = WITH_MUSIC[0]
    _, analysis = read_once(path)
    plan = make_plan([analysis])
    music = [c for c in plan.cues if c.origin == "music"]
    for cue in music:  # the plan names the editor's clips that play there
        names = [r.split("'")[1] for r in cue.reasons if r.startswith("music in the cut: '")]
        assert names and all(n in cue.description for n in names)
    chosen = plan_with_temp(plan, lib)
    assert all(c.temp is None for c in chosen.cues if c.origin == "music")
    rules = tmp_path / "rules.toml"
    rules.write_text("[temp]\nover_editors_music = true\n", encoding="utf-8")
    over = plan_with_temp(plan, lib, rules=load_rules(rules))
    assert all(c.temp is not None for c in over.cues if c.origin == "music")


def test_render_plays_no_temp_over_the_editors_music_as_apply(tmp_path):
    """``render`` mixes what ``apply`` lays: no library temp on a cue where the editor's music plays (the music
    editor's review heard Battle Epic over the editor's own SCDV cues), unless the rules ask for temp over it."""
    import json

    lib = _tone_library(tmp_path)
    path = WITH_MUSIC[0]
    spot = subprocess.run([PYTHON, "-m", "otio_scoreplan", "spot", "--json", str(path)], capture_output=True,
                          text=True, timeout=600)
    assert spot.returncode == 0, spot.stderr
    doc = json.loads(spot.stdout)
    music = {c["id"] for c in doc["cues"] if c["origin"] == "music"}
    assert music, "the case needs a cue of the editor's music"
    (tmp_path / "plan.json").write_text(spot.stdout, encoding="utf-8")

    def rendered(*extra: str) -> set[str]:
        run = subprocess.run([PYTHON, "-m", "otio_scoreplan", "render", str(tmp_path / "plan.json"), "--library",
                              str(lib), "-o", str(tmp_path / f"mix{len(extra)}.wav"), *extra],
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr
        return {line.split("\t")[0] for line in run.stdout.splitlines() if "\t" in line}

    assert not rendered() & music
    rules = tmp_path / "rules.toml"
    rules.write_text("[temp]\nover_editors_music = true\n", encoding="utf-8")
    assert music <= rendered("--rules", str(rules))
