"""The CMX 3600 EDL reader: every corpus EDL, locators at the record timecode their line states,
rate detection, text encodings, Resolve marker lines, and placement at record timecode."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import opentimelineio as otio
import pytest
from conftest import REPO, corpus_files, corpus_id, read_once, run_cli

from otio_scoreplan.analyse import analyse
from otio_scoreplan.errors import InputError, RateError
from otio_scoreplan.formats import ReadOptions, read_source
from otio_scoreplan.timecode import STANDARD_RATES

DATA = Path(__file__).parent / "data"
CORPUS_EDLS = [p for p in corpus_files() if p.suffix.lower() == ".edl"]
ALL_EDLS = CORPUS_EDLS + sorted((REPO / "sample_timelines").glob("*.edl")) + sorted(DATA.glob("*.edl"))
# An independent reading of locator lines: timecode and colour word, straight from the bytes.
LOC_LINE = re.compile(r"^\*\s*LOC:\s*(\d\d[:;]\d\d[:;]\d\d[:;]\d\d)\s+(\w+)", re.MULTILINE)
NTSC = float(STANDARD_RATES["29.97"])


def _edl(tmp_path: Path, body: str, name: str = "t.edl", encoding: str = "ascii", bom: bool = False) -> Path:
    path = tmp_path / name
    data = body.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def _events(*rows: tuple[str, str, str, str, str], extra: dict[int, list[str]] | None = None) -> str:
    """Event lines for (reel, src_in, src_out, rec_in, rec_out) rows, V channel, cuts."""
    extra = extra or {}
    lines = []
    for i, (reel, a, b, c, d) in enumerate(rows, start=1):
        lines.append(f"{i:03d}  {reel:<8} V     C        {a} {b} {c} {d} ")
        lines.append(f"* FROM CLIP NAME:  {reel} SHOT")
        lines.extend(extra.get(i, []))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("path", CORPUS_EDLS, ids=corpus_id)
def test_corpus_edl_reads_or_refuses_in_one_line(path: Path) -> None:
    try:
        source, analysis = read_once(path)
    except InputError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        return
    assert source.format == "edl"
    assert analysis.sequence.duration_frames > 0
    assert len(source.timeline.find_clips()) > 0
    assert not analysis.unplaced_annotations
    for shot in analysis.shots:
        assert 0 <= shot.start_frame < shot.end_frame <= analysis.sequence.duration_frames


@pytest.mark.parametrize("path", ALL_EDLS, ids=lambda p: p.name)
def test_every_loc_line_is_an_annotation_at_the_timecode_it_states(path: Path) -> None:
    text = path.read_bytes().decode("latin-1")
    expected = Counter((tc, color.upper()) for tc, color in LOC_LINE.findall(text))
    _, analysis = read_once(path)
    found = Counter(
        (analysis.sequence.timecode(a.frame), a.color)
        for a in analysis.annotations + analysis.unplaced_annotations
        if a.kind == "locator"
    )
    assert found == expected


@pytest.mark.parametrize("path", CORPUS_EDLS, ids=corpus_id)
def test_application_matches_the_corpus_folder(path: Path) -> None:
    expected = {"avid": "avid", "premiere": "premiere", "resolve": "resolve"}.get(path.parent.name, "unknown")
    assert read_once(path)[0].application == expected


def test_corpus_rates_come_from_the_lists() -> None:
    rates = {p.name: (round(read_once(p)[0].rate, 3), read_once(p)[0].drop_frame) for p in CORPUS_EDLS}
    assert rates["pycmx_test_25.edl"] == (25.0, False)  # frames up to 24
    assert rates["pycmx_adobe_dai109_test.edl"] == (50.0, False)  # frames up to 49
    assert rates["losslesscut_12_16_TL01_MUSIC.edl"] == (29.97, True)  # FCM: DROP FRAME
    assert rates["losslesscut_070816_EG101_HEISTS_ROUGH_CUT.edl"] == (29.97, False)  # NDF list, DF sources
    assert rates["losslesscut_edlx_from_fcpx.edl"] == (59.94, False)  # "* FORMAT: ... 59.94FPS"
    assert read_once(CORPUS_EDLS[0].parent / "speed_effects.edl")[0].rate_assumed


# --- rate detection on small lists ---------------------------------------------------------------


def test_frames_below_24_assume_24_and_warn(tmp_path: Path) -> None:
    body = "TITLE: T\nFCM: NON-DROP FRAME\n" + _events(("A", "10:00:00:00", "10:00:01:23", "01:00:00:00", "01:00:01:23"))
    source = read_source(_edl(tmp_path, body))
    assert source.rate == 24.0 and source.rate_assumed
    assert any("24 fps was assumed" in w for w in analyse(source).warnings)


def test_frame_24_means_25(tmp_path: Path) -> None:
    body = "TITLE: T\n" + _events(("A", "10:00:00:00", "10:00:01:24", "01:00:00:00", "01:00:01:24"))
    source = read_source(_edl(tmp_path, body))
    assert (source.rate, source.drop_frame, source.rate_assumed) == (25.0, False, False)
    assert analyse(source).sequence.duration_frames == 49


def test_drop_frame_fcm_reads_2997_drop(tmp_path: Path) -> None:
    body = "TITLE: T\nFCM: DROP FRAME\n" + _events(
        ("A", "10:00:00;00", "10:00:59;28", "01:00:30;00", "01:01:30;00"),
        ("B", "11:00:00;00", "11:00:02;00", "01:01:30;00", "01:01:32;00"),
        extra={2: ["* LOC: 01:01:00;02 YELLOW  hit"]},
    )
    source = read_source(_edl(tmp_path, body))
    assert source.rate == NTSC and source.drop_frame and not source.rate_assumed
    analysis = analyse(source)
    assert analysis.sequence.start_timecode == "01:00:30;00"
    # 01:00:30;00 -> 01:01:30;00 skips 01:01:00;00 and ;01: 1798 frames, not 1800
    assert analysis.shots[0].end_frame == 1798
    (loc,) = analysis.annotations
    assert analysis.sequence.timecode(loc.frame) == "01:01:00;02" and loc.color == "YELLOW"


def test_thirty_frame_non_drop_reads_2997_and_says_so(tmp_path: Path) -> None:
    body = "TITLE: T\nFCM: NON-DROP FRAME\n" + _events(("A", "10:00:00:00", "10:00:01:29", "01:00:00:00", "01:00:01:29"))
    source = read_source(_edl(tmp_path, body))
    assert source.rate == NTSC and not source.drop_frame
    assert any("--rate 30" in w for w in source.warnings)
    forced = read_source(_edl(tmp_path, body), ReadOptions(rate=30.0))
    assert forced.rate == 30.0 and not forced.warnings
    assert analyse(forced).sequence.duration_frames == 59


def test_rate_option_overrides_the_list(tmp_path: Path) -> None:
    body = "TITLE: T\n" + _events(("A", "10:00:00:00", "10:00:01:24", "01:00:00:00", "01:00:01:24"))
    source = read_source(_edl(tmp_path, body), ReadOptions(rate=29.97))
    assert source.rate == NTSC and not source.rate_assumed
    assert analyse(source).sequence.duration_frames == 54


def test_rate_option_that_cannot_hold_the_timecode_is_refused(tmp_path: Path) -> None:
    body = "TITLE: T\n" + _events(("A", "10:00:00:00", "10:00:01:29", "01:00:00:00", "01:00:01:29"))
    with pytest.raises(RateError) as info:
        read_source(_edl(tmp_path, body), ReadOptions(rate=24.0))
    assert "\n" not in str(info.value) and "29" in str(info.value)


def test_cli_reads_an_edl_at_the_given_rate(tmp_path: Path) -> None:
    body = "TITLE: T\n" + _events(("A", "10:00:00:00", "10:00:01:20", "01:00:00:00", "01:00:01:20"))
    path = _edl(tmp_path, body)
    done = run_cli("inspect", str(path), "--json", "--rate", "25")
    assert done.returncode == 0, done.stderr
    assert '"rate": 25' in done.stdout


def test_not_an_edl_is_refused_in_one_line(tmp_path: Path) -> None:
    path = _edl(tmp_path, "Dear editor,\nplease find the cut attached.\n")
    done = run_cli("inspect", str(path))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "no event lines" in done.stderr


# --- text -----------------------------------------------------------------------------------------


def test_utf8_bom_and_crlf(tmp_path: Path) -> None:
    body = ("TITLE: Café cut\n" + _events(("A", "10:00:00:00", "10:00:01:00", "01:00:00:00", "01:00:01:00"))).replace("\n", "\r\n")
    source = read_source(_edl(tmp_path, body, encoding="utf-8", bom=True))
    assert source.timeline.name == "Café cut"
    assert [c.name for c in source.timeline.find_clips()] == ["A SHOT"]


def test_windows_code_page(tmp_path: Path) -> None:
    body = "TITLE: T\n" + _events(
        ("A", "10:00:00:00", "10:00:01:00", "01:00:00:00", "01:00:01:00"),
        extra={1: ["* LOC: 01:00:00:12 RED     entrée du thème – cordes"]},
    )
    source = read_source(_edl(tmp_path, body, encoding="cp1252"))
    (loc,) = analyse(source).annotations
    assert loc.name == "entrée du thème – cordes"


# --- locators, Resolve markers, notes -------------------------------------------------------------


def test_locators_sit_at_their_record_timecode_not_on_clips(tmp_path: Path) -> None:
    body = "TITLE: T\nFCM: NON-DROP FRAME\n" + _events(
        ("A", "20:00:00:00", "20:00:10:00", "01:00:00:00", "01:00:10:00"),
        ("B", "21:00:00:00", "21:00:10:00", "01:00:10:00", "01:00:20:00"),
        extra={1: ["* LOC: 01:00:05:12 RED     SC 12 music in"], 2: ["* LOC: 01:00:12:00 BLUE    [scoreplan] 1M1 out"]},
    )
    source = read_source(_edl(tmp_path, body))
    assert not any(c.markers for c in source.timeline.find_clips())
    analysis = analyse(source)
    first, second = analysis.annotations
    assert (first.frame, first.name, first.color, first.kind, first.ours) == (132, "SC 12 music in", "RED", "locator", False)
    assert (second.frame, second.color, second.ours) == (288, "BLUE", True)


def test_resolve_marker_lines(tmp_path: Path) -> None:
    source = read_source(DATA / "edl_resolve_markers.edl")
    assert source.application == "resolve"
    analysis = analyse(source)
    assert [c.name for c in source.timeline.find_clips()] == ["12-1A", "12-2B"]  # marker events are no clips
    got = [(analysis.sequence.timecode(a.frame), a.name, a.comment, a.color, a.duration_frames, a.ours) for a in analysis.annotations]
    assert got == [
        ("02:00:00:00", "MX IN 2M1", "music starts under the look", "ORANGE", 1, False),
        ("02:00:06:12", "hit: glass breaks", "", "MAGENTA", 1, False),
        ("02:00:07:00", "MX OUT 2M1", "swell, then out", "BLUE", 60, False),
        ("02:00:12:00", "2M2", "our cue marker from the last run [scoreplan]", "GREEN", 1, True),
    ]
    assert analysis.sequence.duration_frames == 12 * 24 + 1  # as long as its last marker event


def test_comment_lines_become_clip_notes_and_wrapped_lines_join(tmp_path: Path) -> None:
    wrapped = "* " + "STOCK_AERIAL OF THE PRISON ISLAND AT DAWN, SLOW PUSH IN OVER THE WATER TOWARDS T"
    body = "TITLE: T\n" + _events(
        ("A", "10:00:00:00", "10:00:01:00", "01:00:00:00", "01:00:01:00"),
        extra={1: ["* COMMENT: temp score too loud here", wrapped + " ", "* HE GATE", "* SOURCE FILE: A001.MOV"]},
    )
    source = read_source(_edl(tmp_path, body))
    (clip,) = source.timeline.find_clips()
    notes = [n["text"] for n in clip.metadata["scoreplan"]["read"]["notes"]]
    assert notes == ["temp score too loud here", wrapped[2:] + "HE GATE"]
    assert {a.name for a in analyse(source).annotations} == {notes[0], notes[1]}


# --- placement ------------------------------------------------------------------------------------


def test_zero_length_source_leader_keeps_its_record_length() -> None:
    path = next(p for p in CORPUS_EDLS if p.name == "pycmx_INS4_R1_DX_092117.edl")
    source, _ = read_once(path)
    first = source.timeline.tracks[0][0]
    assert first.name == "FKI_LEADER_HEAD_1920X1080.MOV" and first.duration().value == 8 * 24


def test_audio_only_list_reads_audio_tracks() -> None:
    path = next(p for p in CORPUS_EDLS if p.name == "losslesscut_12_16_TL01_MUSIC.edl")
    source, _ = read_once(path)
    kinds = {t.kind for t in source.timeline.tracks}
    assert kinds == {otio.schema.TrackKind.Audio}
    assert [t.name for t in source.timeline.tracks] == ["A7", "A8", "A9", "A10"]
    text = path.read_text(encoding="latin-1")
    events = len(re.findall(r"^\d{3}\s", text, re.MULTILINE))
    assert len(source.timeline.find_clips()) == events


def test_later_event_overwrites_an_overlapped_one_and_fades_from_black_read(tmp_path: Path) -> None:
    body = (
        "TITLE: T\n"
        "001  BL       V     C        00:00:00:00 00:00:00:00 01:00:00:00 01:00:00:00 \n"
        "001  A        V     D    012 10:00:00:00 10:00:04:00 01:00:00:00 01:00:04:00 \n"
        "* FROM CLIP NAME:  BL\n* TO CLIP NAME:  A SHOT\n"
        "002  B        V     C        11:00:00:00 11:00:04:00 01:00:03:00 01:00:07:00 \n"
        "* FROM CLIP NAME:  B SHOT\n"
    )
    source = read_source(_edl(tmp_path, body))
    track = source.timeline.tracks[0]
    assert isinstance(track[0], otio.schema.Transition) and track[0].out_offset.value == 12
    assert [(c.name, c.duration().value) for c in track.find_clips()] == [("A SHOT", 72), ("B SHOT", 96)]
    assert any("overlap" in w for w in source.warnings)


def test_premiere_fade_to_endless_black_does_not_stretch_the_sequence() -> None:
    path = next(p for p in CORPUS_EDLS if p.name == "pycmx_adobe_dai109_test.edl")
    _, analysis = read_once(path)
    # the last sound event (a tail leader) ends at 01:39:44:23; the list's last fade runs into a BL
    # event written to end at 04:00:00:00
    assert analysis.sequence.end_timecode == "01:39:44:23"


def test_the_text_encoding_is_kept_for_write_back(tmp_path: Path) -> None:
    body = ("TITLE: T\n" + _events(("A", "10:00:00:00", "10:00:01:00", "01:00:00:00", "01:00:01:00"))).replace("\n", "\r\n")
    bom = read_source(_edl(tmp_path, body, name="bom.edl", encoding="utf-8", bom=True))
    legacy = read_source(_edl(tmp_path, body.replace("A SHOT", "é SHOT"), name="cp.edl", encoding="cp1252"))
    assert dict(bom.timeline.metadata["scoreplan"]["read"]) == {"encoding": "utf-8-sig", "byte_order_mark": True, "line_ending": "\r\n"}
    assert legacy.timeline.metadata["scoreplan"]["read"]["encoding"] == "cp1252"


def test_hostile_long_lines_are_refused_quickly(tmp_path: Path) -> None:
    path = _edl(tmp_path, "1 " * 200_000 + "\n001 " + "x " * 100_000 + "01:00:00:00 " * 4 + "\n")
    with pytest.raises(InputError):
        read_source(path)


def test_drop_frame_list_is_refused_at_a_rate_without_drop_frame(tmp_path: Path) -> None:
    """Drop frame exists at 29.97 and 59.94 only: a DROP FRAME list under --rate 25 is refused (issue 11)."""
    body = "TITLE: T\nFCM: DROP FRAME\n" + _events(("A", "10:00:00;00", "10:00:01;00", "01:00:00:00", "01:00:01:00"))
    with pytest.raises(RateError, match="DROP FRAME.*29.97 and 59.94.*--rate 25"):
        read_source(_edl(tmp_path, body), ReadOptions(rate=25.0))


EVENT_LINE = re.compile(
    r"^\d+\s.*\s(\d\d[:;]\d\d[:;]\d\d[:;]\d\d)\s+(\d\d[:;]\d\d[:;]\d\d[:;]\d\d)\s*$", re.MULTILINE
)


@pytest.mark.parametrize("path", ALL_EDLS, ids=lambda p: p.name)
def test_clips_start_and_end_at_record_timecodes_the_list_states(path: Path) -> None:
    """No clip is shifted: each starts at a record-in of the list and ends at a record-in or -out."""
    text = path.read_bytes().decode("latin-1")
    stated = EVENT_LINE.findall(text)
    ins = {a.replace(";", ":") for a, _ in stated}
    edges = ins | {b.replace(";", ":") for _, b in stated}
    source, analysis = read_once(path)
    seq = analysis.sequence
    for track in source.timeline.tracks:
        ranges = track.range_of_all_children()
        for clip in track.find_clips(shallow_search=True):
            r = ranges[clip]
            start = round(r.start_time.value_rescaled_to(seq.rate))
            end = round(r.end_time_exclusive().value_rescaled_to(seq.rate))
            assert seq.timecode(start).replace(";", ":") in ins, (track.name, clip.name)
            assert seq.timecode(end).replace(";", ":") in edges, (track.name, clip.name)


@pytest.mark.parametrize("cut", ["014  A025C001 V     C        19:02:04;00", "* LOC: 01:01"])
def test_a_list_cut_short_inside_a_line_is_refused(tmp_path: Path, cut: str) -> None:
    body = "TITLE: T\nFCM: DROP FRAME\n" + _events(("A", "19:00:00;00", "19:00:01;00", "01:00:00;00", "01:00:01;00"))
    with pytest.raises(InputError) as info:
        read_source(_edl(tmp_path, body + cut))
    assert "cut short" in str(info.value) and "line 5" in str(info.value)
    assert read_source(_edl(tmp_path, body + "* SOURCE FILE: A.MOV", name="whole.edl")).timeline  # Avid: no last newline


# -- clips built event by event are the clips the cmx_3600 adapter makes ----------------------------------

# Events of every kind the adapter's handlers read: plain cuts (built by us), named media, image
# sequences, black and bars, CDL, M2 retimes, freeze frames, free comments, dissolves and wipes.
ADAPTER_KINDS = """TITLE: KINDS
FCM: NON-DROP FRAME
001  A001C001 V     C        01:00:00:00 01:00:01:00 00:00:00:00 00:00:01:00
* FROM CLIP NAME:  plain cut
002  A002     V     C        01:00:00:00 01:00:01:00 00:00:01:00 00:00:02:00
* FROM CLIP NAME:  with media
* FROM CLIP: /media/shot_002.mov
003  SEQ      V     C        01:00:00:00 01:00:01:00 00:00:02:00 00:00:03:00
* FROM FILE: /media/plates/shot.[1001-1024].exr
004  BL       V     C        00:00:00:00 00:00:01:00 00:00:03:00 00:00:04:00
005  BARS     V     C        00:00:00:00 00:00:01:00 00:00:04:00 00:00:05:00
006  A006     V     C        01:00:00:00 01:00:01:00 00:00:05:00 00:00:06:00
* FROM CLIP NAME:  graded
* ASC_SOP: (0.9 1.0 1.1)(0.01 0.0 -0.01)(1.0 1.0 1.0)
* ASC_SAT: 0.8
007  A007     V     C        01:00:00:00 01:00:00:12 00:00:06:00 00:00:07:00
M2   A007       012.0                01:00:00:00
* FROM CLIP NAME:  half speed
008  A008     V     C        01:00:00:00 01:00:00:01 00:00:07:00 00:00:08:00
* FROM CLIP NAME:  held FF
* * FREEZE FRAME
009  A009     V     C        01:00:00:00 01:00:01:00 00:00:08:00 00:00:09:00
* FROM CLIP NAME:  commented
* CHECK THE GRADE HERE
010  A009     V     C        01:00:01:00 01:00:01:00 00:00:09:00 00:00:09:00
010  A010     V     D    012 02:00:00:00 02:00:01:00 00:00:09:00 00:00:10:00
* FROM CLIP NAME:  commented
* TO CLIP NAME:  dissolved to
011  A010     V     C        02:00:01:00 02:00:01:00 00:00:10:00 00:00:10:00
011  A011     V     W001 006 03:00:00:00 03:00:01:00 00:00:10:00 00:00:11:00
* TO CLIP NAME:  wiped to
012  AX       V     C        01:00:00:00 01:00:01:00 00:00:11:00 00:00:12:00
013  A013     V     C        86400 86424 00:00:12:00 00:00:13:00
* FROM CLIP NAME:  frame counts
"""


def _adapter_reference(event_lines: list[str], rate: float) -> tuple[otio.schema.Clip, otio.schema.Transition | None]:
    """The clip (and transition) ``otio.adapters.read_from_string`` makes of one event after a dummy cut."""
    first = int(event_lines[0].split()[0])
    dummy = f"{0 if first else 1:03d} DUMMY V C 00:00:00:00 00:00:00:00 00:00:00:00 00:00:00:00"
    timeline = otio.adapters.read_from_string(
        "\n".join([dummy, *event_lines]) + "\n", adapter_name="cmx_3600", rate=rate, ignore_timecode_mismatch=True
    )
    items = list(timeline.tracks[0])
    transition = items[-2] if isinstance(items[-2], otio.schema.Transition) else None
    return items[-1], transition


def _same_as_adapter(text: str, rate: float, limit: int = 400) -> int:
    from otio_scoreplan.formats.edl.adapter import _event_text, adapter_clips
    from otio_scoreplan.formats.edl.scan import scan_edl
    from otio_scoreplan.formats.edl.timeline import event_tracks, is_marker_event

    events = [e for e in scan_edl(text).events if event_tracks(e) and not is_marker_event(e)][:limit]
    ours = adapter_clips(events, rate, False, Path("t.edl"))
    for event, (clip, transition) in zip(events, ours, strict=True):
        ref_clip, ref_transition = _adapter_reference(_event_text(event, False, set()), rate)
        where = f"event {event.number} (line {event.line_no})"
        assert otio.adapters.write_to_string(clip, "otio_json") == otio.adapters.write_to_string(ref_clip, "otio_json"), where
        assert (transition is None) == (ref_transition is None), where
        if transition is not None:
            assert otio.adapters.write_to_string(transition, "otio_json") == otio.adapters.write_to_string(ref_transition, "otio_json"), where
    return len(events)


def test_clips_of_every_kind_are_the_adapters() -> None:
    """Each event's clip, built from our scan without going through ``read_from_string``, is the adapter's."""
    assert _same_as_adapter(ADAPTER_KINDS, 24.0) == 13


@pytest.mark.parametrize("path", ALL_EDLS, ids=lambda p: p.name)
def test_corpus_clips_are_the_adapters(path: Path) -> None:
    """The same over the real lists (their first 400 events), at the rate the reader settles on."""
    from otio_scoreplan.formats.edl.read import decode_edl_text

    try:
        source = read_source(path, ReadOptions())
    except InputError:
        pytest.skip("the reader refuses this list")
    if not _same_as_adapter(decode_edl_text(path.read_bytes()), source.rate):
        pytest.skip("the list has marker events only")
