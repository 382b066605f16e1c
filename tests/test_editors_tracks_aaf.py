"""Issue 11, "Say nothing false", for AAF: temp goes on the editor's own EMPTY music tracks of an Avid sequence.

No corpus AAF has such a track, so each input here is a real corpus AAF (collected by glob: a sequence with sound
tracks that the spread plan gives cues) to which the test adds, with pyaaf2, two empty mono audio slots named for
music ('MX 1', 'MX 2', below the editor's last audio track). Applied, the output is reread with pyaaf2 and OTIO's
AAF adapter: the temp clips of lane A sit in those slots (one channel each), no ``TEMP MX A`` slot is made, every
other slot and mob of the editor's is unchanged; a second apply gives the same mobs, and leaves the slots empty
again when asked for new tracks (``[apply] new_tracks = true``), which also keeps them empty on a first apply.
"""

from __future__ import annotations

import json
import shutil
import struct
import wave
from pathlib import Path
from typing import Any

import pytest
from conftest import corpus_files, corpus_id, read_once, run_main
from plans import spread_plan
from test_writeback_aaf import aaf_view, dump, slot_ranges

from otio_scoreplan import OUR_TOKEN
from otio_scoreplan.errors import InputError
from otio_scoreplan.formats import read_source
from otio_scoreplan.formats.aaf.write import AUDIO_DISSOLVE, EDITORS_SLOTS_KEY, ORIGINAL_ID_KEY
from otio_scoreplan.formats.additions import ApplySettings, is_music_track_name
from otio_scoreplan.formats.writeback import apply_plan

HOME_NAMES = ("MX 1", "MX 2")


def _sound_slots(mob: Any) -> list[Any]:
    return [s for s in mob.slots if str(getattr(s.segment, "media_kind", "")) == "Sound"
            and "PhysicalTrackNumber" in s.keys()]


def _candidate(path: Path) -> bool:
    """A corpus AAF whose sequence has audio tracks, none named for music, and that the spread plan gives cues."""
    import aaf2

    try:
        with aaf2.open(str(path), "r") as f:
            mob = next(f.content.toplevel(), None)
            if mob is None or not _sound_slots(mob) or any(is_music_track_name(s.name or "") for s in mob.slots):
                return False
        _, analysis = read_once(path)
    except (InputError, Exception):  # (pyaaf2 refuses some corpus files: not inputs for this test)
        return False
    return bool(spread_plan(analysis).cues)


AAFS = [p for p in corpus_files() if p.suffix.lower() == ".aaf"]
INPUTS = [p for p in AAFS if _candidate(p)][:3]


def with_empty_music_slots(path: Path, out: Path, names: tuple[str, ...] = HOME_NAMES) -> list[int]:
    """A copy of ``path`` at ``out`` whose sequence has empty mono audio slots ``names`` (one Filler as long as the
    sequence's audio, as Media Composer writes an empty track) below its last audio track; returns their SlotIDs."""
    import aaf2

    shutil.copyfile(path, out)
    with aaf2.open(str(out), "rw") as f:
        mob = next(f.content.toplevel())
        sound = _sound_slots(mob)
        last = max(int(s["PhysicalTrackNumber"].value) for s in sound)
        length = max(int(s.segment.length) for s in sound)
        ids = []
        for k, name in enumerate(names):
            slot = mob.create_empty_sequence_slot(sound[0].edit_rate, media_kind="sound")
            slot.name = name
            slot["PhysicalTrackNumber"].value = last + 1 + k
            slot.segment.components.append(f.create.Filler("sound", length))
            slot.segment.length = length
            ids.append(slot.slot_id)
    return ids


def _sequence(f: Any) -> Any:
    """The sequence we wrote (it keeps the editor's MobID in its attributes), else the file's top sequence."""
    for mob in f.content.compositionmobs():
        if "MobAttributeList" in mob.keys() and any(t.name == ORIGINAL_ID_KEY for t in mob["MobAttributeList"].value):
            return mob
    return next(f.content.toplevel())


def sequence_dump(path: Path) -> tuple[str, dict[str, Any], dict[str, dict]]:
    """(the sequence's MobID, its full pyaaf2 dump, every other mob's dump by MobID)."""
    import aaf2

    with aaf2.open(str(path), "r") as f:
        seq = _sequence(f)
        return str(seq.mob_id), dump(seq), {str(m.mob_id): dump(m) for m in f.content.mobs if m.mob_id != seq.mob_id}


def _slots(seq: dict) -> dict[int, dict]:
    return {s["SlotID"]: s for s in seq["Slots"]}


def _without_segment_content(slot: dict) -> dict:
    seg = {k: v for k, v in slot["Segment"].items() if k not in ("Components", "Length")}
    return {**slot, "Segment": seg}


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[Path, tuple[Path, list[int]]]:
    """Each input with its two empty music slots added (path -> (the made AAF, their SlotIDs))."""
    out = {}
    for path in INPUTS:
        folder = tmp_path_factory.mktemp(path.stem[:20])
        made_path = folder / "editor.aaf"
        out[path] = (made_path, with_empty_music_slots(path, made_path))
    return out


def test_the_corpus_gives_inputs():
    assert len(INPUTS) >= 2  # (a glob that finds nothing proves nothing)


@pytest.mark.parametrize("path", INPUTS, ids=corpus_id)
def test_temp_goes_on_the_editors_empty_music_slots(path, made, tmp_path):
    editor, home_ids = made[path]
    source = read_source(editor)
    plan = spread_plan(read_once(path)[1])
    out = tmp_path / "out.aaf"
    result = apply_plan(source, plan, out, media_dir=tmp_path / "media")
    seq_in_id, seq_in, mobs_in = sequence_dump(editor)
    seq_out_id, seq_out, mobs_out = sequence_dump(out)
    assert seq_out_id != seq_in_id
    for mob_id, mob in mobs_in.items():  # every other mob of the editor's unchanged
        assert mobs_out.get(mob_id) == mob, mob.get("Name")
    added = {i: m for i, m in mobs_out.items() if i not in mobs_in}
    assert added and all(OUR_TOKEN in str(m.get("Name", "")) for m in added.values())
    slots_in, slots_out = _slots(seq_in), _slots(seq_out)
    for slot_id, slot in slots_in.items():
        if slot_id in home_ids:  # the editor's track: its name, number, rate ... as they were; only its content ours
            assert _without_segment_content(slots_out[slot_id]) == _without_segment_content(slot)
        else:
            assert slots_out[slot_id] == slot, f"the editor's slot {slot_id} changed"
    # lane A (1M1 and 1M3; 1M2 segues on lane B) in the editor's two slots, one channel each
    lane_a = [(c.start_frame, c.end_frame) for c in plan.cues if c.id in ("1M1", "1M3")]
    rate = source.rate
    for channel, slot_id in enumerate(home_ids, start=1):
        clips = slot_ranges(slots_out[slot_id])
        assert [(a, b) for a, b, _ in clips] == [_units(slots_out[slot_id], rate, a, b) for a, b in lane_a]
        assert all(OUR_TOKEN in added[mob_id]["Name"] for _, _, mob_id in clips)
        assert all(c["SourceMobSlotID"] == channel for c in slots_out[slot_id]["Segment"]["Components"]
                   if c["@class"] == "SourceClip")
    names = [s.get("SlotName") for s in seq_out["Slots"] if s["SlotID"] not in slots_in]
    assert "TEMP MX A" not in names and names.count("TEMP MX B") == 2  # lane B on new slots, lane A on none
    # the summary says which
    home_tracks = [slots_out[i]["PhysicalTrackNumber"] for i in home_ids]
    assert f"temp track TEMP MX A: on the editor's empty music tracks A{home_tracks[0]} 'MX 1', A{home_tracks[1]} 'MX 2'" \
        in result.notes
    assert "temp track TEMP MX B: new, below the last track" in result.notes
    # OTIO's own AAF adapter finds our clips on the editor's tracks
    import opentimelineio as otio

    timeline = otio.adapters.read_from_file(str(out), adapter_name="AAF")
    if not isinstance(timeline, otio.schema.Timeline):
        timeline = next(t for t in timeline.find_children(descended_from_type=otio.schema.Timeline, shallow_search=True)
                        if OUR_TOKEN not in (t.name or ""))
    for name in HOME_NAMES:
        track = next(t for t in timeline.audio_tracks() if t.name == name)
        assert len(track.find_clips()) == 2 and all(OUR_TOKEN in c.name for c in track.find_clips())


def _units(slot: dict, rate: float, a: int, b: int) -> tuple[int, int]:
    from fractions import Fraction

    er = Fraction(str(slot["EditRate"]))
    if abs(float(er) - rate) < 0.01:
        return a, b
    k = er / Fraction(rate).limit_denominator(1001)
    return round(a * k), round(b * k)


@pytest.mark.parametrize("path", INPUTS, ids=corpus_id)
def test_second_apply_changes_nothing_and_new_tracks_empties_the_slots_again(path, made, tmp_path):
    editor, home_ids = made[path]
    plan = spread_plan(read_once(path)[1])
    once, twice, emptied = tmp_path / "once.aaf", tmp_path / "twice.aaf", tmp_path / "emptied.aaf"
    apply_plan(read_source(editor), plan, once, media_dir=tmp_path / "media")
    apply_plan(read_source(once), plan, twice, media_dir=tmp_path / "media")
    assert aaf_view(twice) == aaf_view(once)
    # asked for new tracks, a run over that output takes our clips out of the editor's slots: empty again, as made
    result = apply_plan(read_source(once), plan, emptied, media_dir=tmp_path / "media",
                        settings=ApplySettings(new_tracks=True))
    _, seq_in, _ = sequence_dump(editor)
    _, seq_out, _ = sequence_dump(emptied)
    slots_in, slots_out = _slots(seq_in), _slots(seq_out)
    for slot_id in home_ids:
        assert slots_out[slot_id] == slots_in[slot_id]
    names = sorted(s["SlotName"] for s in seq_out["Slots"] if s["SlotID"] not in slots_in and "SlotName" in s)
    assert names == ["TEMP MX A", "TEMP MX A", "TEMP MX B", "TEMP MX B"]
    assert EDITORS_SLOTS_KEY not in [t["Name"] for t in seq_out.get("MobAttributeList", [])]
    assert not [n for n in result.notes if "editor's empty" in n]


@pytest.mark.parametrize("path", INPUTS[:1], ids=corpus_id)
def test_new_tracks_when_asked(path, made, tmp_path):
    editor, home_ids = made[path]
    out = tmp_path / "out.aaf"
    apply_plan(read_source(editor), spread_plan(read_once(path)[1]), out, media_dir=tmp_path / "media",
               settings=ApplySettings(new_tracks=True))
    slots_in, slots_out = _slots(sequence_dump(editor)[1]), _slots(sequence_dump(out)[1])
    assert all(slots_out[i] == slots_in[i] for i in home_ids)
    assert sorted(s["SlotName"] for i, s in slots_out.items() if i not in slots_in and "SlotName" in s) == ["TEMP MX A"] * 2 + ["TEMP MX B"] * 2


@pytest.mark.parametrize("path", INPUTS[:1], ids=corpus_id)
def test_one_mono_slot_does_not_take_a_stereo_lane(path, tmp_path):
    """A lane's stereo clips need one slot per channel: a lone empty music slot is left as it is."""
    editor = tmp_path / "editor.aaf"
    (home,) = with_empty_music_slots(path, editor, ("Music",))
    out = tmp_path / "out.aaf"
    result = apply_plan(read_source(editor), spread_plan(read_once(path)[1]), out, media_dir=tmp_path / "media")
    slots_in, slots_out = _slots(sequence_dump(editor)[1]), _slots(sequence_dump(out)[1])
    assert slots_out[home] == slots_in[home]
    assert sorted(s["SlotName"] for i, s in slots_out.items() if i not in slots_in and "SlotName" in s) == ["TEMP MX A"] * 2 + ["TEMP MX B"] * 2
    assert not [n for n in result.notes if "editor's empty" in n]


def _tone_wav(path: Path, seconds: float) -> Path:
    """A stereo 48 kHz 16-bit WAV of a 440 Hz square wave (the temp piece a render would give)."""
    frames = int(48000 * seconds)
    period = 48000 // 440
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(48000)
        w.writeframes(b"".join(struct.pack("<hh", *(2 * [4000 if (i % period) < period // 2 else -4000]))
                               for i in range(frames)))
    return path


@pytest.mark.parametrize("path", INPUTS[:1], ids=corpus_id)
def test_fades_in_the_editors_slot_are_audio_dissolves(path, made, tmp_path):
    """Clean media with handles (issue 14): the clip starts at its head handle, its fades are Media Composer Audio
    Dissolves, in the editor's slot as in ours."""
    editor, home_ids = made[path]
    plan = spread_plan(read_once(path)[1])
    cue = next(c for c in plan.cues if c.id == "1M3")
    rate = read_source(editor).rate
    media = _tone_wav(tmp_path / "1M3.wav", (cue.duration_frames + 2 * rate) / rate + 1)
    head, fade_in, fade_out = int(rate), 4, 6
    out = tmp_path / "out.aaf"
    apply_plan(read_source(editor), plan, out, media_dir=tmp_path / "media", temp_media={"1M3": media},
               temp_automation={"1M3": (head, fade_in, fade_out)})
    slots = _slots(sequence_dump(out)[1])
    for slot_id in home_ids:
        comps = slots[slot_id]["Segment"]["Components"]
        k = max(i for i, c in enumerate(comps) if c["@class"] == "SourceClip")  # 1M3, the lane's last clip
        before, clip, after = comps[k - 1], comps[k], comps[k + 1]
        assert before["@class"] == after["@class"] == "Transition"
        assert (before["Length"], after["Length"]) == _units(slots[slot_id], rate, fade_in, fade_out)
        assert before["OperationGroup"]["Operation"] == f"ref:{AUDIO_DISSOLVE[0]}"
        assert clip["StartTime"] == _units(slots[slot_id], rate, head, 0)[0]
    again = tmp_path / "again.aaf"
    apply_plan(read_source(out), plan, again, media_dir=tmp_path / "media", temp_media={"1M3": media},
               temp_automation={"1M3": (head, fade_in, fade_out)})
    assert aaf_view(again) == aaf_view(out)


def test_cli_summary_names_the_editors_tracks(made, tmp_path):
    """``scoreplan apply --plan`` prints which lane went on which of the editor's tracks."""
    import json
    from dataclasses import replace

    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.plan.fingerprint import fingerprint
    from otio_scoreplan.plan.model import plan_to_json

    editor, _ = made[INPUTS[0]]
    analysis = analyse(read_source(editor))
    plan = replace(spread_plan(analysis), fingerprints=[fingerprint(analysis)])
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan_to_json(plan)), encoding="utf-8")
    run = run_main("apply", str(editor), "--plan", str(plan_file), "-o", str(tmp_path / "out.aaf"),
                   "--media-dir", str(tmp_path / "media"))
    assert run.returncode == 0, run.stderr
    assert "temp track TEMP MX A: on the editor's empty music tracks" in run.stdout and "'MX 1', " in run.stdout
    assert "temp track TEMP MX B: new, below the last track" in run.stdout


def _applied_once(path, made, tmp_path) -> tuple[Path, tuple[int, int], Any, Path, Path]:
    """Apply the spread plan once to the editor's file with two empty MX slots; returns (that file, the MX slot ids,
    the plan, a copy of the applied file for the test to edit, where the second apply writes)."""
    editor, slots = made[path]
    plan = spread_plan(read_once(path)[1])
    once, edited, again = tmp_path / "once.aaf", tmp_path / "edited.aaf", tmp_path / "again.aaf"
    apply_plan(read_source(editor), plan, once, media_dir=tmp_path / "media")
    shutil.copyfile(once, edited)
    return editor, slots, plan, edited, again


@pytest.mark.parametrize("path", INPUTS[:1], ids=corpus_id)
def test_rerun_leaves_an_editors_track_they_cut_their_own_sound_into(path, made, tmp_path):
    """The editor cut a clip of their own into 'MX 1' after the first apply: the next run leaves that track as it is
    (their clip and the temp beside it), gives 'MX 2' its Filler back, and lays the lanes on new slots."""
    import aaf2

    editor, (mx1, mx2), plan, edited, again = _applied_once(path, made, tmp_path)
    with aaf2.open(str(edited), "rw") as f:
        seq = _sequence(f)
        theirs = next(c for s in _sound_slots(seq) if s.slot_id not in (mx1, mx2)
                      for c in getattr(s.segment, "components", []) if isinstance(c, aaf2.components.SourceClip))
        slot = next(s for s in seq.slots if s.slot_id == mx1)
        tail = slot.segment.components[-1]  # the Filler after our last clip: the editor's clip goes at its end
        assert isinstance(tail, aaf2.components.Filler) and tail.length > 2
        n = tail.length // 2
        tail.length = tail.length - n
        clip = theirs.mob.create_source_clip(slot_id=theirs.slot_id, length=n, media_kind="sound")
        slot.segment.components.append(clip)
        their_id = str(theirs.mob.mob_id)
    apply_plan(read_source(edited), plan, again, media_dir=tmp_path / "media")
    slots_edited, slots_again = _slots(sequence_dump(edited)[1]), _slots(sequence_dump(again)[1])
    assert slots_again[mx1] == slots_edited[mx1]  # their clip and the earlier temp, untouched
    assert slots_again[mx1]["Segment"]["Components"][-1]["SourceID"] == their_id
    slots_in = _slots(sequence_dump(editor)[1])
    assert slots_again[mx2] == slots_in[mx2]  # empty again
    names = sorted(s["SlotName"] for i, s in slots_again.items() if i not in slots_in and "SlotName" in s)
    assert names == ["TEMP MX A", "TEMP MX A", "TEMP MX B", "TEMP MX B"]
    _, _, mobs = sequence_dump(again)
    assert all(mob_id in mobs for _, _, mob_id in slot_ranges(slots_again[mx1]))  # the temp it plays is kept


def _reapplied_with_record(path, made, tmp_path, caplog, edit) -> tuple[int, Path, Path]:
    """Apply once, ``edit(old record text) -> new text`` on the record of the editor's slots we filled, apply again
    (warnings captured); returns (the MX 1 slot id, the edited file, the re-applied file)."""
    import logging

    import aaf2

    _, (mx1, _), plan, edited, again = _applied_once(path, made, tmp_path)
    with aaf2.open(str(edited), "rw") as f:
        record = next(t for t in _sequence(f)["MobAttributeList"].value if t.name == EDITORS_SLOTS_KEY)
        record.value = edit(str(record.value))
    with caplog.at_level(logging.WARNING):
        apply_plan(read_source(edited), plan, again, media_dir=tmp_path / "media")
    return mx1, edited, again


@pytest.mark.parametrize("path", INPUTS[:1], ids=corpus_id)
def test_a_damaged_record_of_the_editors_tracks_is_a_warning(path, made, tmp_path, caplog):
    """A hand-edited record of the slots we filled: the run goes on, leaves the temp on them and says so."""
    mx1 = made[path][1][0]
    _, edited, again = _reapplied_with_record(
        path, made, tmp_path, caplog, lambda _: json.dumps([{"slot": mx1, "length": "long", "fillers": [-3]}]))
    assert any("'MX 1'" in r.getMessage() and "damaged" in r.getMessage() for r in caplog.records)
    assert _slots(sequence_dump(again)[1])[mx1] == _slots(sequence_dump(edited)[1])[mx1]


@pytest.mark.parametrize("path", INPUTS[:1], ids=corpus_id)
@pytest.mark.parametrize("bad", ["huge", "{{{", "{}", json.dumps(["junk", 3])])
def test_a_record_of_impossible_lengths_or_not_json_is_a_warning_and_the_output_stays_readable(path, made, tmp_path, caplog, bad):
    """A record giving a length of 2**62 (the output was then refused by our own reader) or no JSON list at all:
    a warning, the slot left as it was, and the output reads back (the hostile review)."""

    def edit(old: str) -> str:
        if bad == "huge":  # the run's own record, its lengths made impossible (2**62 edit units)
            return json.dumps([dict(r, length=2**62, fillers=[2**62]) for r in json.loads(old)])
        return bad

    mx1, edited, again = _reapplied_with_record(path, made, tmp_path, caplog, edit)
    assert any("damaged" in r.getMessage() for r in caplog.records)
    read_source(again)  # our own reader takes the output
    assert _slots(sequence_dump(again)[1])[mx1] == _slots(sequence_dump(edited)[1])[mx1]
