"""AAF write-back over every readable corpus AAF and the Avid sample, checked with pyaaf2 independently.

For each file a spread plan (tests/plans.py) is applied once; the output is then read by pyaaf2 (a
full property dump of every mob: the comparison helper below), by our reader and by the OTIO AAF
adapter, and applied again over itself. The files are worked in a small process pool (AAF reading
through the OTIO adapter is slow); each worker sends back plain data.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES, corpus_files, corpus_id, read_once
from plans import spread_plan

from otio_scoreplan import OUR_TOKEN
from otio_scoreplan.errors import InputError, ScorePlanError

AAFS = [p for p in corpus_files() if p.suffix.lower() == ".aaf"] + [SAMPLES / "avid_sample.aaf"]


def _id(path: Path) -> str:
    return path.name if path.parent == SAMPLES else corpus_id(path)


# --- pyaaf2 view: every property of every mob, as plain data -----------------------------------


def _plain(value: Any) -> Any:
    import aaf2

    if isinstance(value, aaf2.core.AAFObject):  # a weak reference (definitions, ...): its identity
        for key in ("Identification", "MobID"):
            if key in value.keys():
                return f"ref:{value[key].value}"
        return f"ref:{type(value).__name__}"
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def dump(obj: Any) -> dict[str, Any]:
    """``obj`` and everything it owns, property by property, in the file's property order."""
    import aaf2.properties as props

    out: dict[str, Any] = {"@class": type(obj).__name__ if type(obj).__name__ != "AAFObject" else str(obj.classdef.class_name)}
    for p in obj.properties():
        if isinstance(p, props.StrongRefProperty):
            out[p.name] = dump(p.value)
        elif isinstance(p, (props.StrongRefVectorProperty, props.StrongRefSetProperty)):
            out[p.name] = [dump(v) for v in p.value]
        elif isinstance(p, props.StreamProperty):
            continue
        else:
            out[p.name] = _plain(p.value)
    return out


def aaf_view(path: Path) -> dict[str, dict]:
    """MobID -> full dump of every mob of the file (opened read-only with pyaaf2)."""
    import aaf2

    with aaf2.open(str(path), "r") as f:
        return {str(m.mob_id): dump(m) for m in f.content.mobs}


def header_view(path: Path) -> dict[str, Any]:
    """The file's header (identification, dates, dictionary), without the mobs."""
    import aaf2

    with aaf2.open(str(path), "r") as f:
        return {k: v for k, v in dump(f.header).items() if k != "Content"}


def _is_our_slot(slot: dict) -> bool:
    if slot["@class"] == "EventMobSlot":
        comps = slot["Segment"].get("Components", [])
        return bool(comps) and all(OUR_TOKEN in str(c.get("Comment", "")) for c in comps)
    return str(slot.get("SlotName", "")).startswith("TEMP MX")


def preservation_errors(before: dict[str, dict], after: dict[str, dict], seq_before: str, seq_after: str) -> list[str]:
    """Everything of ``before`` unchanged in ``after``; the sequence may differ only in id, name,
    added MobAttributeList entries and added slots of ours; every added mob is ours."""
    errors: list[str] = []
    for mob_id, mob in before.items():
        target = seq_after if mob_id == seq_before else mob_id
        if target not in after:
            errors.append(f"mob {mob.get('Name')!r} {mob_id} is gone")
            continue
        out = after[target]
        if mob_id != seq_before:
            if out != mob:
                errors.append(f"mob {mob.get('Name')!r} changed")
            continue
        for key, value in mob.items():
            if key in ("MobID", "Name", "Slots", "MobAttributeList"):
                continue
            if out.get(key) != value:
                errors.append(f"sequence property {key} changed")
        attrs = out.get("MobAttributeList", [])
        if attrs[: len(mob.get("MobAttributeList", []))] != mob.get("MobAttributeList", []):
            errors.append("sequence attributes changed")
        kept = [s for s in out["Slots"] if not _is_our_slot(s)]
        if kept != mob["Slots"]:
            errors.append(f"sequence slots changed: {[s['SlotID'] for s in mob['Slots']]} -> {[s['SlotID'] for s in kept]}")
    for mob_id, mob in after.items():
        if mob_id not in before and mob_id != seq_after and OUR_TOKEN not in str(mob.get("Name", "")):
            errors.append(f"unexpected new mob {mob.get('Name')!r}")
    return errors


def header_errors(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The header unchanged but for dictionary entries added (Descriptive Metadata where missing)."""
    errors = []
    if {k: v for k, v in after.items() if k != "Dictionary"} != {k: v for k, v in before.items() if k != "Dictionary"}:
        errors.append("header changed")
    for key, value in before["Dictionary"].items():
        if isinstance(value, list):
            if not all(item in after["Dictionary"][key] for item in value):
                errors.append(f"dictionary {key} lost entries")
        elif after["Dictionary"][key] != value:
            errors.append(f"dictionary {key} changed")
    return errors


def slot_ranges(slot: dict) -> list[tuple[int, int, str]]:
    """(start, end, SourceID) of each SourceClip of a slot's Sequence, in edit units (a Transition overlaps its
    neighbours: the component after it starts its length earlier)."""
    pos, out = 0, []
    for comp in slot["Segment"]["Components"]:
        if comp["@class"] == "Transition":
            pos -= comp["Length"]
            continue
        if comp["@class"] == "SourceClip":
            out.append((pos, pos + comp["Length"], comp["SourceID"]))
        pos += comp["Length"]
    return out


# --- one file, in a worker process ---------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _work(path: Path, out_dir: Path) -> dict[str, Any]:
    """Apply a spread plan to ``path``; return what the tests check, as plain data."""
    import opentimelineio as otio

    import otio_scoreplan.formats.aaf.read as aaf_reader
    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.formats import read_source
    from otio_scoreplan.formats.writeback import apply_plan

    errors = _Errors()
    logging.getLogger().addHandler(errors)
    raw: dict[Path, Any] = {}
    adapter_read = aaf_reader._adapter_read

    def keep_raw(p: Path) -> Any:  # the OTIO adapter's own result for the output, before our reader repairs it
        result = adapter_read(p)
        raw[Path(p)] = result.deepcopy()
        return result

    aaf_reader._adapter_read = keep_raw  # a worker process of this module only
    result: dict[str, Any] = {"input_sha_before": _sha(path)}
    try:
        source, analysis = read_once(path)  # the session's read, when the parent made it before the fork
    except InputError as exc:
        return {"skip": str(exc)}
    plan = spread_plan(analysis)
    out = out_dir / f"{path.stem}.scoreplan.aaf"
    media = out_dir / "media"
    apply_plan(source, plan, out, media_dir=media)
    rerun = out_dir / "rerun.aaf"
    apply_plan(source, plan, rerun, media_dir=media)
    again_source = read_source(out)
    again = analyse(again_source)
    twice = out_dir / "twice.aaf"
    apply_plan(again_source, plan, twice, media_dir=media)
    adapted = raw[out] if out in raw else adapter_read(out)  # read by aaf_build: ask the adapter itself
    timelines = [adapted] if isinstance(adapted, otio.schema.Timeline) else \
        list(adapted.find_children(descended_from_type=otio.schema.Timeline, shallow_search=True))
    otio_clips, otio_markers, otio_names = [], [], []
    for tl in timelines:
        otio_names.append(tl.name)
        for track in tl.tracks:
            for item, rng in track.range_of_all_children().items():
                if OUR_TOKEN in (item.name or ""):
                    otio_clips.append((track.name, int(rng.start_time.value), int(rng.end_time_exclusive().value)))
        for obj in [tl.tracks, *tl.tracks.find_children()]:
            otio_markers += [m.name for m in getattr(obj, "markers", []) if OUR_TOKEN in m.name]
    meta = source.timeline.metadata["AAF"]
    result.update(
        rate=source.rate,
        sequence_id=str(meta["MobID"]),
        sequence_name=source.timeline.name,
        cues=[(c.id, c.start_frame, c.end_frame, c.moods[0], [(h.frame, h.label) for h in c.hits]) for c in plan.cues],
        editor=[(a.frame, a.name, a.comment) for a in analysis.editor_annotations],
        shots=[(s.start_frame, s.end_frame) for s in analysis.shots],
        duration=analysis.sequence.duration_frames,
        reread_name=again_source.timeline.name,
        reread_id=str(again_source.timeline.metadata["AAF"]["MobID"]),
        reread_ours=sorted((a.frame, a.name) for a in again.annotations if a.ours),
        reread_editor=[(a.frame, a.name, a.comment) for a in again.editor_annotations],
        reread_shots=[(s.start_frame, s.end_frame) for s in again.shots],
        reread_duration=again.sequence.duration_frames,
        reread_temp=sorted((c.start_frame, c.end_frame) for c in again.audio_clips if OUR_TOKEN in c.name),
        header_in=header_view(path),
        header_out=header_view(out),
        view_in=aaf_view(path),
        view_out=aaf_view(out),
        view_twice=aaf_view(twice),
        out_sha=_sha(out),
        rerun_sha=_sha(rerun),
        otio_names=otio_names,
        otio_clips=sorted(otio_clips),
        otio_markers=sorted(otio_markers),
        media_files=sorted(p.name for p in media.glob("*.wav")) if media.is_dir() else [],
        input_sha_after=_sha(path),
        logged_errors=errors.messages,
    )
    logging.getLogger().removeHandler(errors)
    return result


@pytest.fixture(scope="module")
def applied(tmp_path_factory) -> dict[Path, dict[str, Any]]:
    """Each AAF worked once (two processes: the OTIO adapter reads AAF slowly)."""
    dirs = [tmp_path_factory.mktemp(p.stem[:20]) for p in AAFS]
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork")) as pool:
        results = list(pool.map(_work, AAFS, dirs))
    return dict(zip(AAFS, results))


def _get(applied: dict, path: Path) -> dict[str, Any]:
    result = applied[path]
    if "skip" in result:
        pytest.skip(f"not readable: {result['skip']}")
    assert result["logged_errors"] == []
    return result


def _new_sequence_id(result: dict) -> str:
    """The sequence's MobID in the output: the one id of the output that is not in the input nor ours."""
    new = [i for i, m in result["view_out"].items() if i not in result["view_in"] and OUR_TOKEN not in str(m.get("Name", ""))]
    assert len(new) == 1, new
    return new[0]


def _edit_units(result: dict, slot: dict, frames: int) -> int:
    rate = Fraction(str(slot["EditRate"]))
    if abs(float(rate) - result["rate"]) < 0.01:
        return frames
    return round(frames * rate / Fraction(result["rate"]).limit_denominator(1001))


# --- tests ---------------------------------------------------------------------------------------


def test_corpus_has_aafs(applied):
    readable = [p for p, r in applied.items() if "skip" not in r]
    assert len(readable) >= 20
    assert sum(1 for p in readable if applied[p]["cues"]) >= 15


@pytest.mark.parametrize("path", AAFS, ids=_id)
def test_every_original_mob_slot_component_and_marker_kept(path, applied):
    result = _get(applied, path)
    new_id = _new_sequence_id(result)
    assert preservation_errors(result["view_in"], result["view_out"], result["sequence_id"], new_id) == []


@pytest.mark.parametrize("path", AAFS, ids=_id)
def test_header_unchanged_but_for_added_definitions(path, applied):
    """No new Identification, the same dates; the dictionary only gains (Descriptive Metadata where missing)."""
    result = _get(applied, path)
    assert header_errors(result["header_in"], result["header_out"]) == []


@pytest.mark.parametrize("path", AAFS, ids=_id)
def test_sequence_gets_new_derived_id_and_name(path, applied):
    result = _get(applied, path)
    new_id = _new_sequence_id(result)
    assert new_id != result["sequence_id"]
    assert new_id.split(".")[:4] == result["sequence_id"].split(".")[:4]  # same SMPTE label, new material number
    seq = result["view_out"][new_id]
    assert seq["Name"] == f"{result['sequence_name']} [scoreplan temp score]"
    # read back, our output is named as the editor named it (our suffix is ours: issue 11, second apply a no-op)
    assert result["reread_name"] == result["sequence_name"] and result["reread_id"] == new_id
    assert result["out_sha"] == result["rerun_sha"], "the same input and plan must give the same bytes"


@pytest.mark.parametrize("path", AAFS, ids=_id)
def test_cue_locators_written_like_media_composer(path, applied):
    result = _get(applied, path)
    seq = result["view_out"][_new_sequence_id(result)]
    ours = [s for s in seq["Slots"] if s["@class"] == "EventMobSlot" and _is_our_slot(s)]
    if not result["cues"]:
        assert ours == []
        return
    (event,) = ours
    assert list(event) == ["@class", "EditRate", "Segment", "PhysicalTrackNumber", "SlotID"]
    assert event["SlotID"] >= 1000
    markers = event["Segment"]["Components"]
    expected = sorted([(f, f"{cid} {mood}") for cid, f, _, mood, _ in result["cues"]]
                      + [(hf, f"{cid} hit: {label}") for cid, *_, hits in result["cues"] for hf, label in hits])
    assert [(m["Position"], m["Comment"].split(" | ")[0]) for m in markers] == \
        [(_edit_units(result, event, f), name) for f, name in expected]
    for m in markers:
        assert list(m) == ["@class", "CommentMarkerTime", "CommentMarkerDate", "CommentMarkerUSer", "CommentMarkerColor",
                           "CommentMarkerAttributeList", "DescribedSlots", "Comment", "Position", "UserComments",
                           "DataDefinition"] or list(m)[3] == "CommentMarkerUser"
        attrs = {t["Name"]: t["Value"] for t in m["CommentMarkerAttributeList"]}
        assert attrs["_ATN_CRM_COM"] == m["Comment"] and attrs["_ATN_CRM_USER"] == "scoreplan"
        assert attrs["_ATN_CRM_COLOR"] in ("Green", "Red")
        assert m["CommentMarkerColor"] == {"Green": {"red": 13107, "green": 52428, "blue": 13107},
                                           "Red": {"red": 41471, "green": 12134, "blue": 6564}}[attrs["_ATN_CRM_COLOR"]]
        described = [s for s in seq["Slots"] if s["SlotID"] in m["DescribedSlots"]]
        assert len(described) == 1 and described[0]["PhysicalTrackNumber"] == event["PhysicalTrackNumber"]


@pytest.mark.parametrize("path", AAFS, ids=_id)
def test_temp_clips_at_planned_ranges_and_linked_to_wav(path, applied):
    result = _get(applied, path)
    view = result["view_out"]
    seq = view[_new_sequence_id(result)]
    temp = [s for s in seq["Slots"] if s["@class"] == "TimelineMobSlot" and _is_our_slot(s)]
    if not result["cues"] or seq["@class"] != "CompositionMob":
        assert temp == []  # a master clip read as the sequence gets locators only
        return
    assert sorted({s["SlotName"] for s in temp}) == ["TEMP MX A", "TEMP MX B"]
    sound = temp[0]["Segment"]["DataDefinition"]
    originals = [s["PhysicalTrackNumber"] for s in result["view_in"][result["sequence_id"]]["Slots"]
                 if s["Segment"].get("DataDefinition") == sound and "PhysicalTrackNumber" in s]
    assert all(s["PhysicalTrackNumber"] > max(originals, default=0) for s in temp)
    ranges = set()
    for slot in temp:
        assert list(slot) == ["@class", "TimelineMobAttributeList", "Origin", "EditRate", "Segment", "PhysicalTrackNumber",
                              "SlotID", "SlotName"]
        assert [(t["Name"], t["Value"]) for t in slot["TimelineMobAttributeList"]] == [("_SCOREPLAN_TEMP_TRACK", slot["SlotName"])]
        assert sum(c["Length"] for c in slot["Segment"]["Components"]) == slot["Segment"]["Length"]
        for start, end, source_id in slot_ranges(slot):
            ranges.add((start, end))
            master = view[source_id]
            assert master["@class"] == "MasterMob" and OUR_TOKEN in master["Name"]
            file_mob = view[master["Slots"][0]["Segment"]["SourceID"]]
            url = file_mob["EssenceDescription"]["Locator"][0]["URLString"]
            assert file_mob["EssenceDescription"]["@class"] == "WAVEDescriptor"
            assert url.startswith("file://") and url.endswith(".wav") and Path(url[len("file://"):]).name in result["media_files"]
            import_mob = view[file_mob["Slots"][0]["Segment"]["Components"][0]["SourceID"]]
            assert import_mob["EssenceDescription"]["@class"] == "ImportDescriptor"
    assert ranges == {(_edit_units(result, temp[0], s), _edit_units(result, temp[0], e)) for _, s, e, _, _ in result["cues"]}


@pytest.mark.parametrize("path", AAFS, ids=_id)
def test_our_reader_rereads_cues_where_planned(path, applied):
    result = _get(applied, path)
    expected = sorted([(s, f"{cid} {mood}") for cid, s, _, mood, _ in result["cues"]]
                      + [(hf, f"{cid} hit: {label}") for cid, *_, hits in result["cues"] for hf, label in hits])
    assert result["reread_ours"] == expected
    assert result["reread_editor"] == result["editor"]
    assert result["reread_shots"] == result["shots"]
    assert result["reread_duration"] == result["duration"]
    planned = {(s, e) for _, s, e, _, _ in result["cues"]}
    if result["view_out"][_new_sequence_id(result)]["@class"] == "CompositionMob":
        assert set(result["reread_temp"]) == planned
        assert len(result["reread_temp"]) == 2 * len(planned)  # a left and a right track per lane


@pytest.mark.parametrize("path", AAFS, ids=_id)
def test_otio_adapter_rereads_output(path, applied):
    result = _get(applied, path)
    assert f"{result['sequence_name']} [scoreplan temp score]" in result["otio_names"]
    n_markers = sum(1 + len(hits) for *_, hits in result["cues"])
    assert len(result["otio_markers"]) == n_markers  # the adapter's marker positions are its own (see DESIGN.md)
    if result["view_out"][_new_sequence_id(result)]["@class"] == "CompositionMob":
        seq = result["view_out"][_new_sequence_id(result)]
        temp = [s for s in seq["Slots"] if s["@class"] == "TimelineMobSlot" and _is_our_slot(s)]
        planned = {(_edit_units(result, temp[0], s), _edit_units(result, temp[0], e)) for _, s, e, _, _ in result["cues"]} \
            if temp else set()
        assert {(a, b) for _, a, b in result["otio_clips"]} == planned
        assert {t for t, _, _ in result["otio_clips"]} <= {"TEMP MX A", "TEMP MX B"}


@pytest.mark.parametrize("path", AAFS, ids=_id)
def test_second_apply_gives_the_same_file(path, applied):
    result = _get(applied, path)
    assert result["view_twice"] == result["view_out"]


@pytest.mark.parametrize("path", AAFS, ids=_id)
def test_input_unchanged(path, applied):
    result = _get(applied, path)
    assert result["input_sha_after"] == result["input_sha_before"]


def test_refuses_to_overwrite_input(tmp_path):
    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.formats import read_source
    from otio_scoreplan.formats.writeback import apply_plan

    src = tmp_path / "cut.aaf"
    src.write_bytes((SAMPLES / "avid_sample.aaf").read_bytes())
    source = read_source(src)
    before = src.read_bytes()
    with pytest.raises(ScorePlanError, match="overwrite the input"):
        apply_plan(source, spread_plan(analyse(source)), src)
    assert src.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_failure_leaves_no_output(tmp_path, monkeypatch):
    """A failure while editing leaves neither the output nor a temporary file behind."""
    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.formats import read_source
    from otio_scoreplan.formats.aaf import write as aaf_writer
    from otio_scoreplan.formats.writeback import apply_plan

    source = read_source(SAMPLES / "avid_sample.aaf")
    plan = spread_plan(analyse(source))

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(aaf_writer, "_add_locators", broken)
    out = tmp_path / "out.aaf"
    with pytest.raises(RuntimeError):
        apply_plan(source, plan, out, media_dir=tmp_path / "media")
    assert [p.name for p in tmp_path.iterdir() if p.suffix in (".aaf", ".part")] == []


def _wav_header(fmt_tag: int, channels: int, rate: int, bits: int, frames: int, extensible: bool) -> bytes:
    import struct

    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, rate * block, block, bits)
    if extensible:
        fmt += struct.pack("<HHI16s", 22, bits, 3, bytes.fromhex("0100000000001000800000aa00389b71"))
    data = b"\0" * (block * frames)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"LIST" + struct.pack("<I", 5) + b"x" * 5 + b"\0" \
        + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


@pytest.mark.parametrize("extensible", [False, True], ids=["pcm", "extensible"])
def test_wav_info_reads_24_bit_and_extensible_headers(tmp_path, extensible):
    from otio_scoreplan.formats.aaf.media import WavInfo, wav_info

    path = tmp_path / "cue.wav"
    path.write_bytes(_wav_header(0xFFFE if extensible else 1, 2, 48000, 24, 480, extensible))
    assert wav_info(path) == WavInfo(sample_rate=48000, channels=2, sample_width=3, frames=480)


def test_wav_info_refuses_non_wav(tmp_path):
    from otio_scoreplan.formats.aaf.media import wav_info

    path = tmp_path / "cue.wav"
    path.write_bytes(b"ID3\x03" + b"\0" * 100)
    with pytest.raises(InputError, match="cue.wav.*not a readable WAV"):
        wav_info(path)


def test_rerun_keeps_temp_clips_the_editor_cut_into_own_tracks(tmp_path):
    """An editor who cut one of our temp clips into a track of their own keeps it on the next apply."""
    import aaf2

    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.formats import read_source
    from otio_scoreplan.formats.writeback import apply_plan

    source = read_source(SAMPLES / "avid_sample.aaf")
    plan = spread_plan(analyse(source))
    first = tmp_path / "first.aaf"
    apply_plan(source, plan, first, media_dir=tmp_path / "media")
    edited = tmp_path / "edited.aaf"
    edited.write_bytes(first.read_bytes())
    with aaf2.open(str(edited), "rw") as f:  # the editor's own track A9 "MX ALT" plays our 1M1 master clip
        seq = next(f.content.toplevel())
        master = next(m for m in f.content.mastermobs() if m.name.startswith("1M1 "))
        slot = seq.create_empty_sequence_slot(seq.slots[0].edit_rate, slot_id=500, media_kind="sound")
        slot.name = "MX ALT"
        slot["PhysicalTrackNumber"].value = 9
        slot.segment.components.append(f.create.Filler("sound", 10))
        clip = master.create_source_clip(slot_id=1, length=20, media_kind="sound")
        slot.segment.components.append(clip)
        slot.segment.length = 30
        master_id = master.mob_id
    again = tmp_path / "again.aaf"
    apply_plan(read_source(edited), plan, again, media_dir=tmp_path / "media")
    with aaf2.open(str(again), "r") as f:
        seq = next(f.content.toplevel())
        alt = next(s for s in seq.slots if s.name == "MX ALT")
        kept = f.content.mobs.get(master_id)
        assert kept is not None and alt.segment.components[1].mob is kept
        file_mob = kept.slots[0].segment.mob
        assert file_mob is not None and file_mob.descriptor["Locator"][0]["URLString"].value.endswith(".wav")
        temp = [s for s in seq.slots if (s.name or "").startswith("TEMP MX")]
        assert sorted(s.name for s in temp) == ["TEMP MX A", "TEMP MX A", "TEMP MX B", "TEMP MX B"]  # replaced, not added
        assert sum(1 for m in f.content.mastermobs() if m.name.startswith("1M1 ")) == 1


def test_apply_notes_name_the_new_sequence(tmp_path):
    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.formats import read_source
    from otio_scoreplan.formats.writeback import apply_plan

    source = read_source(SAMPLES / "avid_sample.aaf")
    result = apply_plan(source, spread_plan(analyse(source)), tmp_path / "out.aaf", media_dir=tmp_path / "media")
    assert result.notes == ["the sequence is now 'ANNA R1 v3 - music spotting [scoreplan temp score]' with a new MobID, "
                            "so importing it into Media Composer does not replace the editor's own"]


# --- embedded media (apply --embed-media): the sample through the CLI, and one corpus file --------

# The corpus file is Media Composer's own export and carries embedded (AIFC) essence of its own.
EMBED_INPUTS = [SAMPLES / "avid_sample.aaf"] + [p for p in AAFS if p.name == "simple_data_track_marker_test.aaf"]


def _noise_piece(path: Path, seconds: float) -> Path:
    """A 24-bit stereo noise piece for the renderer to fit to a cue, as a library file would be."""
    import numpy as np

    from otio_scoreplan.audio.bwf import write_bwf

    rng = np.random.default_rng(11)
    return write_bwf(path, rng.uniform(-0.3, 0.3, (int(seconds * 48000), 2)).astype(np.float32))


def _wav_channels(path: Path) -> tuple[int, list[bytes]]:
    """(bits, each channel's sample bytes) of a plain PCM WAV, read with Python's ``wave`` module."""
    import wave

    import numpy as np

    with wave.open(str(path), "rb") as w:
        channels, width, frames = w.getnchannels(), w.getsampwidth(), w.getnframes()
        data = np.frombuffer(w.readframes(frames), np.uint8).reshape(frames, channels, width)
    return 8 * width, [data[:, c].tobytes() for c in range(channels)]


def _essence(path: Path) -> dict[str, bytes]:
    """MobID -> the bytes of each EssenceData of an AAF (pyaaf2)."""
    return _facts(path)[2]


def _facts(path: Path) -> tuple[dict[str, dict], dict[str, Any], dict[str, bytes]]:
    """:func:`aaf_view`, :func:`header_view` and the EssenceData bytes of an AAF, opened once (pyaaf2)."""
    import aaf2

    with aaf2.open(str(path), "r") as f:
        view = {str(m.mob_id): dump(m) for m in f.content.mobs}
        header = {k: v for k, v in dump(f.header).items() if k != "Content"}
        essence = {str(e.mob_id): e.open("r").read() for e in f.content.essencedata} \
            if "EssenceData" in f.content.keys() else {}
    return view, header, essence


def _embed_one(path: Path, work: Path) -> dict[str, Any]:
    """Apply a spread plan with a rendered temp cue (1M1) and placeholders to ``path`` with --embed-media
    (the CLI renders the cue), then again in-process to a second file and over the output."""
    import contextlib
    import dataclasses
    import io
    import json

    import opentimelineio as otio
    from conftest import run_cli

    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.formats import read_source
    from otio_scoreplan.formats.writeback import apply_plan
    from otio_scoreplan.plan.fingerprint import fingerprint
    from otio_scoreplan.plan.model import TempPick, plan_to_json

    source = read_source(path)
    analysis = analyse(source)
    plan = spread_plan(analysis)
    pick = TempPick(str(_noise_piece(work / "piece.wav", 20.0)), "Noise", pinned=True)
    plan = dataclasses.replace(plan, fingerprints=[fingerprint(analysis)],
                               cues=[dataclasses.replace(c, temp=pick) if c.id == "1M1" else c for c in plan.cues])
    plan_file = work / "plan.json"
    plan_file.write_text(json.dumps(plan_to_json(plan)), encoding="utf-8")
    media = work / "media"
    out, rerun, twice = work / "out.aaf", work / "rerun.aaf", work / "twice.aaf"
    proc = run_cli("apply", str(path), "-o", str(out), "--plan", str(plan_file), "--media-dir", str(media), "--embed-media")
    assert proc.returncode == 0, proc.stderr
    assert "note: the temp music's samples are embedded in the AAF (4 mono channels)" in proc.stdout  # 2 stereo WAVs
    (rendered,) = media.glob("1M1_????????.wav")  # the cue's render, named by its content
    from otio_scoreplan.tempscore import render_temp_media

    automation: dict = {}  # the clean file's handle and fades, as apply renders them for an AAF (issue 14)
    assert render_temp_media(plan, 0, plan.sequences[0], media, clean=True, automation=automation) == {"1M1": rendered}
    apply_plan(source, plan, rerun, media_dir=media, temp_media={"1M1": rendered}, embed_media=True,
               temp_automation=automation)
    again_source = read_source(out)
    again = analyse(again_source)
    apply_plan(again_source, plan, twice, media_dir=media, temp_media={"1M1": rendered}, embed_media=True,
               temp_automation=automation)
    with contextlib.redirect_stdout(io.StringIO()):  # OTIO's AAF adapter, not through our reader
        adapted = otio.adapters.read_from_file(str(out), adapter_name="AAF")
    timelines = [adapted] if isinstance(adapted, otio.schema.Timeline) else \
        list(adapted.find_children(descended_from_type=otio.schema.Timeline, shallow_search=True))
    otio_clips = sorted((int(r.start_time.value), int(r.end_time_exclusive().value))
                        for tl in timelines for track in tl.tracks
                        for item, r in track.range_of_all_children().items() if OUR_TOKEN in (item.name or ""))
    (view_in, header_in, essence_in), (view_out, header_out, essence_out) = _facts(path), _facts(out)
    view_twice, _, essence_twice = _facts(twice)
    return dict(
        rate=source.rate, sequence_id=str(source.timeline.metadata["AAF"]["MobID"]), sequence_name=source.timeline.name,
        cues=[(c.id, c.start_frame, c.end_frame, c.moods[0], [(h.frame, h.label) for h in c.hits]) for c in plan.cues],
        editor=[(a.frame, a.name, a.comment) for a in analysis.editor_annotations],
        reread_ours=sorted((a.frame, a.name) for a in again.annotations if a.ours),
        reread_editor=[(a.frame, a.name, a.comment) for a in again.editor_annotations],
        reread_temp=sorted((c.start_frame, c.end_frame) for c in again.audio_clips if OUR_TOKEN in c.name),
        otio_names=[tl.name for tl in timelines], otio_clips=otio_clips,
        view_in=view_in, view_out=view_out, view_twice=view_twice, header_in=header_in, header_out=header_out,
        essence_in=essence_in, essence_out=essence_out, essence_twice=essence_twice,
        out_sha=_sha(out), rerun_sha=_sha(rerun), rendered=rendered, media=media, out=out, plan=plan,
    )


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> dict[Path, dict[str, Any]]:
    return {p: _embed_one(p, tmp_path_factory.mktemp("embed_" + p.stem[:20])) for p in EMBED_INPUTS}


def _temp_slots(result: dict) -> list[dict]:
    seq = result["view_out"][_new_sequence_id(result)]
    return [s for s in seq["Slots"] if s["@class"] == "TimelineMobSlot" and _is_our_slot(s)]


def _channel_mobs(result: dict, master: dict) -> list[dict]:
    """The file SourceMob each slot of ``master`` plays, in channel order."""
    return [result["view_out"][s["Segment"]["SourceID"]] for s in sorted(master["Slots"], key=lambda s: s["SlotID"])]


def test_embed_inputs_present():
    assert [p.name for p in EMBED_INPUTS] == ["avid_sample.aaf", "simple_data_track_marker_test.aaf"]


@pytest.mark.parametrize("path", EMBED_INPUTS, ids=_id)
def test_embedded_essence_equals_the_wav_samples(path, embedded):
    """Each channel of each temp WAV (the rendered 24-bit cue, the 16-bit silence) is one mono file mob whose
    EssenceData holds exactly that channel's samples, read back with pyaaf2 and compared with ``wave``."""
    result = embedded[path]
    view = result["view_out"]
    masters = {view[c]["Name"].split()[0]: view[c] for _, _, c in slot_ranges(_temp_slots(result)[0])}
    masters.update({view[c]["Name"].split()[0]: view[c] for _, _, c in slot_ranges(_temp_slots(result)[2])})
    assert sorted(masters) == [cid for cid, *_ in result["cues"]]
    seen = set()
    for cue_id, master in masters.items():
        files = _channel_mobs(result, master)
        url = view[files[0]["Slots"][0]["Segment"]["SourceID"]]["EssenceDescription"]["Locator"][0]["URLString"]
        wav = Path(url[len("file://"):])
        assert (wav == result["rendered"]) == (cue_id == "1M1") and wav.parent == result["media"]
        bits, channels = _wav_channels(wav)
        assert len(files) == len(channels) == 2
        for channel, (file_mob, samples) in enumerate(zip(files, channels), start=1):
            desc = file_mob["EssenceDescription"]
            assert desc["@class"] == "PCMDescriptor" and desc["Channels"] == 1
            assert desc["QuantizationBits"] == bits == (24 if cue_id == "1M1" else 16)
            assert desc["Length"] == len(samples) // (bits // 8) and str(desc["SampleRate"]) == "48000"
            assert file_mob["Slots"][0]["PhysicalTrackNumber"] == channel
            assert result["essence_out"][file_mob["MobID"]] == samples
            import_mob = view[file_mob["Slots"][0]["Segment"]["SourceID"]]
            assert import_mob["EssenceDescription"]["@class"] == "ImportDescriptor"
            assert file_mob["Slots"][0]["Segment"]["SourceMobSlotID"] == channel
            seen.add(file_mob["MobID"])
        if cue_id == "1M1":
            assert any(b != 0 for b in channels[0][:3000])  # the rendered cue is not silence
    assert set(result["essence_out"]) - set(result["essence_in"]) == seen
    assert not any(m.get("EssenceDescription", {}).get("@class") == "WAVEDescriptor"
                   for i, m in view.items() if i not in result["view_in"])  # nothing is linked


@pytest.mark.parametrize("path", EMBED_INPUTS, ids=_id)
def test_embedded_output_keeps_everything_of_the_input(path, embedded):
    result = embedded[path]
    new_id = _new_sequence_id(result)
    assert preservation_errors(result["view_in"], result["view_out"], result["sequence_id"], new_id) == []
    assert header_errors(result["header_in"], result["header_out"]) == []
    assert {k: result["essence_out"].get(k) for k in result["essence_in"]} == result["essence_in"]
    assert result["view_out"][new_id]["Name"] == f"{result['sequence_name']} [scoreplan temp score]"


@pytest.mark.parametrize("path", EMBED_INPUTS, ids=_id)
def test_embedded_clips_at_planned_ranges_and_reread(path, embedded):
    result = embedded[path]
    temp = _temp_slots(result)
    assert sorted({s["SlotName"] for s in temp}) == ["TEMP MX A", "TEMP MX B"]
    planned = {(_edit_units(result, temp[0], s), _edit_units(result, temp[0], e)) for _, s, e, _, _ in result["cues"]}
    assert {(a, b) for slot in temp for a, b, _ in slot_ranges(slot)} == planned
    expected = sorted([(s, f"{cid} {mood}") for cid, s, _, mood, _ in result["cues"]]
                      + [(hf, f"{cid} hit: {label}") for cid, *_, hits in result["cues"] for hf, label in hits])
    assert result["reread_ours"] == expected and result["reread_editor"] == result["editor"]
    assert sorted(set(result["reread_temp"])) == sorted({(s, e) for _, s, e, _, _ in result["cues"]})
    assert len(result["reread_temp"]) == 2 * len(result["cues"])
    assert f"{result['sequence_name']} [scoreplan temp score]" in result["otio_names"]
    assert set(result["otio_clips"]) == planned


@pytest.mark.parametrize("path", EMBED_INPUTS, ids=_id)
def test_embedded_rerun_same_bytes_and_apply_over_output_same_file(path, embedded):
    result = embedded[path]
    assert result["out_sha"] == result["rerun_sha"]
    assert result["view_twice"] == result["view_out"]
    assert result["essence_twice"] == result["essence_out"]  # the first run's samples replaced, not added


def test_linked_apply_over_embedded_output_drops_our_samples(tmp_path, embedded):
    """Applying again without --embed-media (and without the cue whose media was rendered) leaves none
    of our EssenceData behind, and the editor's own essence as it was."""
    import dataclasses

    from otio_scoreplan.formats import read_source
    from otio_scoreplan.formats.writeback import apply_plan

    result = embedded[EMBED_INPUTS[-1]]
    plan = result["plan"]
    plan = dataclasses.replace(plan, cues=[c for c in plan.cues if c.id != "1M1"])
    out = tmp_path / "linked.aaf"
    apply_plan(read_source(result["out"]), plan, out, media_dir=result["media"])
    assert len(result["essence_out"]) > len(result["essence_in"])
    assert _essence(out) == result["essence_in"]


def test_embed_extensible_24_bit_wav(tmp_path):
    """A WAVE_FORMAT_EXTENSIBLE 24-bit file (Python's ``wave`` refuses it) embeds sample for sample."""
    import struct

    import numpy as np

    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.formats import read_source
    from otio_scoreplan.formats.writeback import apply_plan

    source = read_source(EMBED_INPUTS[-1])
    plan = spread_plan(analyse(source))
    cue = plan.cues[0]
    frames = round(cue.duration_frames / source.rate * 48000)
    samples = np.random.default_rng(5).integers(0, 256, (frames, 2, 3), dtype=np.uint8)
    wav = tmp_path / "cue.wav"
    header = bytearray(_wav_header(0xFFFE, 2, 48000, 24, 0, True))
    header[4:8] = struct.pack("<I", len(header) - 8 + samples.size)
    header[-4:] = struct.pack("<I", samples.size)
    wav.write_bytes(bytes(header) + samples.tobytes())
    out = tmp_path / "out.aaf"
    apply_plan(source, plan, out, media_dir=tmp_path / "media", temp_media={cue.id: wav}, embed_media=True)
    essence = _essence(out)
    for channel in (0, 1):
        assert samples[:, channel].tobytes() in essence.values()


def test_embed_refuses_a_float_wav(tmp_path):
    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.formats import read_source
    from otio_scoreplan.formats.writeback import apply_plan

    source = read_source(EMBED_INPUTS[-1])
    plan = spread_plan(analyse(source))
    wav = tmp_path / "cue.wav"
    wav.write_bytes(_wav_header(3, 2, 48000, 32, 4800, False))
    out = tmp_path / "out.aaf"
    with pytest.raises(InputError, match="cue.wav: temp media is not integer PCM"):
        apply_plan(source, plan, out, media_dir=tmp_path / "media", temp_media={plan.cues[0].id: wav}, embed_media=True)
    assert not out.exists()


@pytest.mark.parametrize("output", ["out.xml", "out.otio"])
def test_cli_refuses_embed_media_for_other_outputs(tmp_path, output):
    from conftest import run_cli

    source = SAMPLES / ("premiere_sample.xml" if output.endswith(".xml") else "avid_sample.aaf")
    proc = run_cli("apply", str(source), "-o", str(tmp_path / output), "--embed-media",
                   "--media-dir", str(tmp_path / "media"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"scoreplan: error: {tmp_path / output}: --embed-media is for AAF outputs"
    assert list(tmp_path.iterdir()) == []


def test_fades_that_do_not_fit_between_two_clips_share_the_room_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    """Two clips of one lane 12 frames apart, a 72-frame fade-out before a 48-frame fade-in: both dissolves were
    dropped without a word, so Avid hard-cut at full level where the mix fades (hostile review). They now share the
    12 frames in proportion, and a warning names both clips."""
    from types import SimpleNamespace

    from otio_scoreplan.formats.aaf.write import _lane_fades
    from otio_scoreplan.formats.additions import ClipAdd

    def clip(name: str, start: int, end: int, fin: int, fout: int) -> ClipAdd:
        return ClipAdd(0, start, end, name, name, Path(f"{name}.wav"), end - start, 0, True, fin, fout)

    geo = SimpleNamespace(units=lambda frames: frames)  # one edit unit a frame
    clips = [clip("1M1", 100, 700, 0, 72), clip("1M3", 712, 1400, 48, 0)]
    with caplog.at_level("WARNING"):
        fades = _lane_fades(clips, geo)  # type: ignore[arg-type]
    assert fades == [(0, 7), (5, 0)]  # 72:48 of 12 frames
    assert any("1M1" in r.getMessage() and "1M3" in r.getMessage() and "shortened" in r.getMessage() for r in caplog.records)
    roomy = [clip("1M1", 100, 700, 0, 72), clip("1M3", 900, 1400, 48, 0)]
    assert _lane_fades(roomy, geo) == [(0, 72), (48, 0)]  # room for both: as planned  # type: ignore[arg-type]
