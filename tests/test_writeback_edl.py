"""EDL write-back over every readable corpus EDL and the sample EDLs: every original line kept byte for
byte, cue and hit locators in Avid's layout (Resolve marker events in Resolve lists), a companion audio
EDL with the temp clips, checked with pycmx and OTIO's cmx_3600 adapter (readers we did not write) and
with our own reader."""

from __future__ import annotations

import io
import re
from pathlib import Path

import opentimelineio as otio
import pytest
from conftest import CORPUS, REPO, SAMPLES, corpus_files, corpus_id, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from plans import applied_or_skip, apply_spread_plans, spread_plan

from otio_scoreplan import OUR_TOKEN
from otio_scoreplan.analyse import analyse
from otio_scoreplan.errors import ScorePlanError
from otio_scoreplan.formats import ReadOptions, read_source
from otio_scoreplan.formats.edl.read import decode_edl_text
from otio_scoreplan.formats.edl.write import companion_path
from otio_scoreplan.formats.writeback import apply_plan
from otio_scoreplan.plan.model import Cue, Hit, Plan
from otio_scoreplan.timecode import from_timecode, to_timecode

pycmx = pytest.importorskip("pycmx")

DATA = Path(__file__).parent / "data"
EDLS = [p for p in corpus_files() if p.suffix.lower() == ".edl"] + sorted(SAMPLES.glob("*.edl")) \
    + [DATA / "edl_resolve_markers.edl"]

# Our additions, found straight in the bytes (not with the writer's code): a locator line carrying the
# token, or a one-frame marker event (with the blank line before it) whose marker line carries it. Each
# goes with the line break before it, so what is left is the editor's list byte for byte.
OUR_LOC = re.compile(rb"(\r\n|\n|\r)\* LOC: [^\r\n]*\[scoreplan\][^\r\n]*")
OUR_RESOLVE = re.compile(rb"(\r\n|\n|\r)(?:\1)?\d{3,}  001 +V +C +[^\r\n]*\1[^\r\n|]*\[scoreplan\][^\r\n|]*\|C:[^\r\n]*")
RESOLVE_EVENT = re.compile(r"^(\d{3,})  001 +V +C +(\S+) (\S+) (\S+) (\S+)  \n[^|\n]*\[scoreplan\] "
                           r"\|C:ResolveColor(\w+) \|M:([^|]*?) \|D:(\d+)$", re.M)
LOC_LAYOUT = re.compile(
    r"^\* LOC: (\d\d:\d\d:\d\d[:;]\d\d) ((?:RED|GREEN|BLUE|CYAN|MAGENTA|YELLOW|BLACK|WHITE) *) (\S.*) \[scoreplan\]$")


def _strip_ours(data: bytes) -> bytes:
    return OUR_RESOLVE.sub(b"", OUR_LOC.sub(b"", data))


def _name(path: Path) -> str:
    return corpus_id(path) if path.is_relative_to(CORPUS) else path.name


def _expected(plan: Plan) -> list[tuple[int, str]]:
    return sorted([(c.start_frame, f"{c.id} {c.moods[0]}") for c in plan.cues]
                  + [(h.frame, f"{c.id} hit: {h.label}") for c in plan.cues for h in c.hits])


def _text(path: Path) -> str:
    return decode_edl_text(path.read_bytes())


def _otio_read(text: str, rate: float):
    """OTIO's cmx_3600 reading of ``text``, and the options it needed; (None, None) when it cannot."""
    for kwargs in ({}, {"ignore_timecode_mismatch": True}):
        try:
            return otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=rate, **kwargs), kwargs
        except Exception:  # noqa: BLE001 - the adapter raises many kinds; we only ask whether it reads
            continue
    return None, None


def _stereo_pairs(plan: Plan) -> dict[str, int]:
    """Cue id -> the stereo pair its temp clip plays on (0: channels 1-2, 1: channels 3-4): the first free one."""
    ends: list[int] = []
    out = {}
    for cue in sorted(plan.cues, key=lambda c: (c.start_frame, c.id)):
        pair = next((k for k, end in enumerate(ends) if end <= cue.start_frame), len(ends))
        ends[pair:pair + 1] = [cue.end_frame]
        out[cue.id] = pair
    return out


@pytest.fixture(scope="module")
def applied(tmp_path_factory):
    """Apply a spread plan to each readable EDL once; keyed by path."""
    return apply_spread_plans(EDLS, ".edl", tmp_path_factory)


def _get(applied, path):
    return applied_or_skip(applied, path, "not readable (covered by the reader tests)")


def test_the_lists_are_read_and_planned(applied):
    """Corpus lists the reader refuses are skipped (the reader's tests cover them); ours must all read."""
    assert {p for p in EDLS if not p.is_relative_to(CORPUS)} <= set(applied)
    assert all(plan.cues for _, _, plan, _, _ in applied.values())


@pytest.mark.parametrize("path", EDLS, ids=_name)
def test_every_original_line_is_kept(path, applied):
    source, _, plan, out, _ = _get(applied, path)
    before, after = path.read_bytes(), out.read_bytes()
    assert _strip_ours(after) == _strip_ours(before)
    if OUR_TOKEN.encode() not in before:
        assert _strip_ours(after) == before
    ours = [line for line in after.splitlines() if OUR_TOKEN.encode() in line]
    assert len(ours) == len(_expected(plan))  # one line per marker carries the token
    assert after.startswith(b"\xef\xbb\xbf") == before.startswith(b"\xef\xbb\xbf")
    if before.count(b"\r\n") == before.count(b"\n"):  # a CR LF list gets CR LF lines from us
        assert after.count(b"\r\n") == after.count(b"\n")
    else:
        assert b"\r" not in after.replace(b"\r\n", b"") or b"\r" in before.replace(b"\r\n", b"")


@pytest.mark.parametrize("path", EDLS, ids=_name)
def test_locators_in_the_lists_own_style(path, applied):
    """Avid layout (colour padded to seven columns, ';' in drop frame) or Resolve marker events."""
    source, analysis, plan, out, _ = _get(applied, path)
    seq = analysis.sequence
    lines = [line for line in _text(out).splitlines() if OUR_TOKEN in line]
    if b"|C:ResolveColor" in path.read_bytes():
        found = RESOLVE_EVENT.findall("\n".join(_text(out).splitlines()))
        assert sorted((from_timecode(f[3], seq.rate) - seq.start_frame, f[6]) for f in found) == _expected(plan)
        assert all(f[3] == f[1] and int(f[7]) >= 1 for f in found)  # one frame at the marker, source = record
        last = max(int(n) for n in re.findall(rb"^(\d{3,})  ", _strip_ours(path.read_bytes()), re.M))
        assert sorted(int(f[0]) for f in found) == list(range(last + 1, last + 1 + len(found)))
        return
    got = []
    for line in lines:
        m = LOC_LAYOUT.match(line)
        assert m, line
        tc, color, name = m.groups()
        assert len(color) == 7
        assert (";" in tc) == seq.drop_frame
        got.append((from_timecode(tc, seq.rate) - seq.start_frame, name))
        assert tc == seq.timecode(got[-1][0])
    assert sorted(got) == _expected(plan)


def test_drop_frame_lists_get_semicolons(applied):
    drop = [p for p, (s, *_rest) in applied.items() if s.drop_frame]
    assert {p.name for p in drop} >= {"avid_sample.edl", "losslesscut_12_16_TL01_MUSIC.edl"}
    for path in drop:
        out = applied[path][3]
        locs = re.findall(r"^\* LOC: (\S+) .*\[scoreplan\]", _text(out), re.M)
        assert locs and all(re.fullmatch(r"\d\d:\d\d:\d\d;\d\d", tc) for tc in locs)
        companion = _text(companion_path(out))
        assert re.search(r"^FCM: DROP FRAME", companion, re.M)
        assert all(";" in tc for tc in re.findall(r"\d\d:\d\d:\d\d[:;]\d\d", companion))


@pytest.mark.parametrize("path", EDLS, ids=_name)
def test_pycmx_reads_output_with_locators_after_their_event(path, applied):
    source, analysis, plan, out, _ = _get(applied, path)
    seq = analysis.sequence
    before = pycmx.parse_cmx3600(io.StringIO(_text(path)))
    after = pycmx.parse_cmx3600(io.StringIO(_text(out)))
    n_before, events = len(list(before.events)), list(after.events)
    resolve = b"|C:ResolveColor" in path.read_bytes()
    ours_before = _text(path).count(OUR_TOKEN)
    assert len(events) == n_before - (ours_before if resolve else 0) + (len(_expected(plan)) if resolve else 0)
    if resolve:
        return

    def frames(tc: str) -> int:
        return from_timecode(tc, seq.rate) - seq.start_frame

    spans = [(frames(e.record_in), frames(e.record_out)) for ev in events for e in ev.edits]
    for ev in events:
        for statement in ev.statements:
            text = getattr(statement, "text", "")
            if OUR_TOKEN not in text:
                continue
            at = frames(text.split()[1])
            mine = [(frames(e.record_in), frames(e.record_out)) for e in ev.edits]
            assert any(a <= at for a, _ in mine)
            if any(a <= at < b for a, b in spans):  # the frame lies in some event: it lies in this one
                assert any(a <= at < b for a, b in mine), (text, mine)


@pytest.mark.parametrize("path", EDLS, ids=_name)
def test_companion_holds_the_temp_clips(path, applied):
    """pycmx reads the companion: one event per cue on a stereo pair (AA, or channels 3 and 4 while AA plays another
    clip), at the planned record range, named and sourced."""
    source, analysis, plan, out, result = _get(applied, path)
    seq = analysis.sequence
    companion = companion_path(out)
    assert result.written[:2] == [out, companion]
    assert any(str(companion) in note for note in result.notes)
    edl = pycmx.parse_cmx3600(io.StringIO(_text(companion)))
    title = next((line for line in _text(path).splitlines() if line.startswith("TITLE:")), None)
    # titled as the picture list + TEMP MX (issue 14: two lists of one title in a bin); see test_edl_companion
    picture = title[6:].strip() if title else source.timeline.name
    assert edl.title == f"{picture} TEMP MX" or (len(edl.title) <= 70 and edl.title.endswith(" TEMP MX") and
                                                 picture.startswith(edl.title[:-8].rstrip(" -")))
    edits = [e for ev in edl.events for e in ev.edits]
    assert len(edits) == len(plan.cues)
    playing: dict[tuple[int, ...], int] = {}  # channel pair -> record frame its last clip ends
    for edit, cue in zip(edits, sorted(plan.cues, key=lambda c: c.start_frame)):
        assert (edit.record_in, edit.record_out) == (seq.timecode(cue.start_frame), seq.timecode(cue.end_frame))
        assert edit.clip_name.startswith(cue.id) and OUR_TOKEN in edit.clip_name
        assert edit.source == "TEMPMX"
        assert edit.source_file.endswith(".wav") and (companion.parent / edit.source_file).is_file()
        pair = tuple(sorted(edit.channels.channels))
        free = (1, 2) if playing.get((1, 2), -1) <= cue.start_frame else (3, 4)
        assert pair == free and playing.get(pair, -1) <= cue.start_frame, (cue.id, pair)
        playing[pair] = cue.end_frame
        assert not edit.channels.video


@pytest.mark.parametrize("path", EDLS, ids=_name)
def test_otio_reads_output_and_companion(path, applied):
    source, analysis, plan, out, _ = _get(applied, path)
    before, kwargs = _otio_read(_text(path), source.rate)
    if before is None:
        pytest.skip("OTIO's cmx_3600 adapter cannot read the input either")
    after = otio.adapters.read_from_string(_text(out), adapter_name="cmx_3600", rate=source.rate, **kwargs)
    ours = [mk.name for clip in after.find_clips() for mk in clip.markers if OUR_TOKEN in mk.name]
    if b"|C:ResolveColor" in path.read_bytes():
        assert len(after.find_clips()) == len(before.find_clips()) - _text(path).count(OUR_TOKEN) + len(_expected(plan))
    else:
        assert len(after.find_clips()) == len(before.find_clips())
        # the adapter reads ':' locator timecodes only (drop-frame ';' ones it skips)
        assert len(ours) == (0 if source.drop_frame else len(_expected(plan)))
    temp = otio.adapters.read_from_string(_text(companion_path(out)), adapter_name="cmx_3600", rate=source.rate)
    # the adapter starts every track at its first event: compare each track's layout from its first cue. A stereo
    # clip on AA is on its tracks A1 and A2; one on channels 3 and 4 (NONE + AUD 3 4) the adapter puts on a track it
    # names NONE (it reads AUD lines as comments)
    pairs = _stereo_pairs(plan)
    for track in temp.tracks:
        pair = 0 if track.name in ("A1", "A2") else 1
        assert track.name in ("A1", "A2", "NONE")
        cues = sorted((c for c in plan.cues if pairs[c.id] == pair), key=lambda c: c.start_frame)
        clips = [(track.range_of_child(c), c.name) for c in track.find_clips()]
        assert [(r.start_time.to_frames() + cues[0].start_frame, r.duration.to_frames(), n.split(" (")[0])
                for r, n in clips] == [(c.start_frame, c.duration_frames, f"{c.id} {c.moods[0]}") for c in cues]
    assert sorted(t.name for t in temp.tracks) == ["A1", "A2"] + (["NONE"] if 1 in pairs.values() else [])


@pytest.mark.parametrize("path", EDLS, ids=_name)
def test_our_reader_finds_cues_and_clips_where_planned(path, applied):
    source, analysis, plan, out, _ = _get(applied, path)
    again = analyse(read_source(out))
    ours = sorted((a.frame, a.name.replace(OUR_TOKEN, "").strip()) for a in again.annotations if a.ours)
    assert ours == _expected(plan)
    assert [(a.frame, a.name, a.comment) for a in again.editor_annotations] == \
        [(a.frame, a.name, a.comment) for a in analysis.editor_annotations]
    if OUR_TOKEN not in _text(path):  # (a marker event of an earlier run lengthens the sequence it ends)
        assert again.shots == analysis.shots
    temp_source = read_source(companion_path(out), ReadOptions(rate=source.rate))  # a list states no rate
    temp = analyse(temp_source)
    offset = temp_source.start_frame - source.start_frame
    # each stereo clip is on both tracks of its pair: A1 and A2 (AA), or A3 and A4 (AUD 3 4)
    pairs = _stereo_pairs(plan)
    for k, tracks in enumerate((("A1", "A2"), ("A3", "A4"))):
        for track in tracks:
            clips = sorted((c.start_frame + offset, c.end_frame + offset) for c in temp.audio_clips
                           if c.ours and c.track == track)
            assert clips == sorted((c.start_frame, c.end_frame) for c in plan.cues if pairs[c.id] == k), track
    assert {c.track for c in temp.audio_clips if c.ours} <= {"A1", "A2", "A3", "A4"}


@pytest.mark.parametrize("path", EDLS, ids=_name)
def test_second_apply_changes_nothing(path, applied, tmp_path):
    _, _, plan, out, _ = _get(applied, path)
    again = out.parent / "again.edl"
    apply_plan(read_source(out), plan, again, media_dir=out.parent / "media")
    assert again.read_bytes() == out.read_bytes()
    assert companion_path(again).read_bytes() == companion_path(out).read_bytes()


@pytest.mark.parametrize("path", EDLS, ids=_name)
def test_an_empty_plan_gives_the_editors_list_back(path, applied):
    source, _, _, out, _ = _get(applied, path)
    clean = out.parent / "clean.edl"
    result = apply_plan(read_source(out), Plan(sequences=[source_seq(out)], fingerprints=[""], cues=[]), clean)
    assert result.written == [clean] and not companion_path(clean).exists()
    assert clean.read_bytes() == _strip_ours(path.read_bytes())


def source_seq(path: Path):
    return analyse(read_source(path)).sequence


def _one_cue_plan(source, start: int, end: int, mood: str = "tension", hits=()) -> Plan:
    seq = analyse(source).sequence
    return Plan(sequences=[seq], fingerprints=[""], cues=[Cue(start, end, moods=(mood,), id="1M1", hits=hits)])


def test_a_list_without_final_newline_keeps_it(tmp_path):
    """Avid ends lists without a newline: a locator for the last event goes before the end, and the end stays."""
    path = tmp_path / "cut.edl"
    path.write_bytes(b"TITLE: CUT\r\nFCM: NON-DROP FRAME\r\n"
                     b"001  AX       V     C        00:00:00:00 00:00:10:00 01:00:00:00 01:00:10:00 \r\n"
                     b"* FROM CLIP NAME:  A \r\n"
                     b"002  BX       V     C        00:00:00:00 00:00:10:00 01:00:10:00 01:00:20:00 \r\n"
                     b"* FROM CLIP NAME:  B")
    source = read_source(path)
    out = tmp_path / "out.edl"
    apply_plan(source, _one_cue_plan(source, 250, 400, hits=(Hit(300, "bang"),)), out, media_dir=tmp_path / "m")
    data = out.read_bytes()
    assert data.endswith(b"* FROM CLIP NAME:  B\r\n* LOC: 01:00:10:10 GREEN   1M1 tension [scoreplan]\r\n"
                         b"* LOC: 01:00:12:12 RED     1M1 hit: bang [scoreplan]")
    assert _strip_ours(data) == path.read_bytes()
    assert sorted(a.frame for a in analyse(read_source(out)).annotations if a.ours) == [250, 300]


def test_text_our_encoding_cannot_hold_is_replaced(tmp_path):
    """A Windows code page list stays in its code page; a cue name it cannot spell gets '?'."""
    path = tmp_path / "cp.edl"
    path.write_bytes("TITLE: Café cut\nFCM: NON-DROP FRAME\n"
                     "001  AX       V     C        00:00:00:00 00:00:10:00 01:00:00:00 01:00:10:00 \n"
                     "* FROM CLIP NAME:  Crème brûlée\n".encode("cp1252") + b"* \x81\n")
    source = read_source(path)
    out = tmp_path / "out.edl"
    apply_plan(source, _one_cue_plan(source, 24, 200, mood="雪 brûlée"), out, media_dir=tmp_path / "m")
    data = out.read_bytes()
    assert b"* LOC: 01:00:01:00 GREEN   1M1 ? br\xfbl\xe9e [scoreplan]\n" in data
    assert _strip_ours(data) == path.read_bytes()
    assert "Café cut" in companion_path(out).read_bytes().decode("cp1252")


def test_a_utf8_list_with_byte_order_mark_keeps_it(tmp_path):
    path = tmp_path / "bom.edl"
    path.write_bytes(b"\xef\xbb\xbfTITLE: BOM\nFCM: NON-DROP FRAME\n"
                     b"001  AX       V     C        00:00:00:00 00:00:10:00 01:00:00:00 01:00:10:00 \n")
    source = read_source(path)
    out = tmp_path / "out.edl"
    apply_plan(source, _one_cue_plan(source, 24, 200, mood="ümlaut"), out, media_dir=tmp_path / "m")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfTITLE: BOM\n") and data.count(b"\xef\xbb\xbf") == 1
    assert "1M1 ümlaut [scoreplan]" in data.decode("utf-8-sig")
    assert companion_path(out).read_bytes().startswith(b"\xef\xbb\xbfTITLE: BOM TEMP MX\nFCM: NON-DROP FRAME\n001  TEMPMX")


def test_three_overlapping_cues_take_a_third_channel_pair(tmp_path):
    """Stereo clips that overlap (not a segue): AA, then channels 3-4 (NONE + AUD 3 4); CMX has no third pair, so the
    third clip's two channels are two events on A5 and A6."""
    path = SAMPLES / "avid_sample.edl"
    source = read_source(path)
    seq = analyse(source).sequence
    cues = [Cue(100, 900, moods=("a",), id="1M1"), Cue(200, 900, moods=("b",), id="1M2"),
            Cue(300, 900, moods=("c",), id="1M3")]
    out = tmp_path / "out.edl"
    apply_plan(source, Plan(sequences=[seq], fingerprints=[""], cues=cues), out, media_dir=tmp_path / "m")
    edits = [e for ev in pycmx.parse_cmx3600(io.StringIO(_text(companion_path(out)))).events for e in ev.edits]
    assert [sorted(e.channels.channels) for e in edits] == [[1, 2], [3, 4], [5], [6]]
    assert [e.record_in for e in edits] == [to_timecode(seq.start_frame + f, seq.rate, True) for f in (100, 200, 300, 300)]
    assert [e.clip_name.split()[0] for e in edits] == ["1M1", "1M2", "1M3", "1M3"]
    assert "AUD  3    4" in _text(companion_path(out)).splitlines()


def test_refuses_to_overwrite_input(tmp_path):
    path = tmp_path / "cut.edl"
    path.write_bytes((SAMPLES / "avid_sample.edl").read_bytes())
    source = read_source(path)
    with pytest.raises(ScorePlanError, match="overwrite the input"):
        apply_plan(source, spread_plan(analyse(source)), path, media_dir=tmp_path / "m")
    assert path.read_bytes() == (SAMPLES / "avid_sample.edl").read_bytes()
    # nor through the companion's name
    sneaky = tmp_path / "x.TEMP_MX.edl"
    sneaky.write_bytes(path.read_bytes())
    source = read_source(sneaky)
    with pytest.raises(ScorePlanError, match="overwrite the input"):
        apply_plan(source, spread_plan(analyse(source)), tmp_path / "x.edl", media_dir=tmp_path / "m")
    assert not (tmp_path / "x.edl").exists()


def test_cli_apply_says_where_the_companion_is(tmp_path):
    out = tmp_path / "ANNA scored.edl"
    done = run_cli("apply", str(SAMPLES / "avid_sample.edl"), "-o", str(out), "--media-dir", str(tmp_path / "media"),
                   cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert str(companion_path(out)) in done.stdout and "note: the temp-music events" in done.stdout
    again = analyse(read_source(out))
    assert any(a.ours for a in again.annotations)


def test_our_marker_under_an_editors_clip_event_goes_alone(tmp_path):
    """A list Resolve re-exported may hang our marker on a clip event: the marker line goes, the event stays."""
    path = tmp_path / "re.edl"
    path.write_bytes(b"TITLE: RE\r\nFCM: NON-DROP FRAME\r\n\r\n"
                     b"001  A001     V     C        14:00:00:00 14:00:10:00 01:00:00:00 01:00:10:00  \r\n"
                     b"opening [scoreplan] |C:ResolveColorGreen |M:1M1 tension |D:240\r\n"
                     b"* FROM CLIP NAME: 12-1A\r\n"
                     b" |C:ResolveColorBlue |M:editor's own |D:1\r\n\r\n")
    source = read_source(path)
    out = tmp_path / "out.edl"
    apply_plan(source, Plan(sequences=[analyse(source).sequence], fingerprints=[""], cues=[]), out)
    assert out.read_bytes() == path.read_bytes().replace(
        b"\r\nopening [scoreplan] |C:ResolveColorGreen |M:1M1 tension |D:240", b"")


def test_an_assigned_temp_track_is_named_for_its_media(tmp_path):
    """A chosen temp track: reel from the file's name (8 characters), the full name and file in comments."""
    from otio_scoreplan.formats.additions import Additions, ClipAdd
    from otio_scoreplan.formats.edl.write import write

    source = read_source(SAMPLES / "avid_sample.edl")
    media = tmp_path / "media" / "KPM 0512-03 Night Pursuit.wav"
    media.parent.mkdir()
    media.write_bytes(b"RIFF")
    clip = ClipAdd(1, 100, 400, "1M1 chase [scoreplan]", "1M1", media, 312, 12, True)  # (its media: 12 frames of
    # head handle and the clip's 300; a clip running past its media's end is cut to it, see test_edl_companion)
    out = tmp_path / "out.edl"
    written = write(source, Additions(sequence=analyse(source).sequence, clips=[clip], track_names=["A", "B"]), out)
    assert written == [out, tmp_path / "out.TEMP_MX.edl"]
    assert out.read_bytes() == (SAMPLES / "avid_sample.edl").read_bytes()
    (edit,) = [e for ev in pycmx.parse_cmx3600(io.StringIO(_text(written[1]))).events for e in ev.edits]
    assert (edit.source, edit.clip_name, edit.source_file) == ("KPM_0512", "1M1 chase [scoreplan]",
                                                               "media/KPM 0512-03 Night Pursuit.wav")
    assert (edit.source_in, edit.source_out) == ("00:00:00;12", "00:00:10;12")  # (a file without a time reference)
    assert sorted(edit.channels.channels) == [1, 2]  # one stereo event on AA, whatever lane the clip had


def test_a_clip_is_cut_to_the_frames_its_media_holds(tmp_path):
    """The companion's clip keeps to its media: one whose media ends 18 frames before it does ends there, its fade-out
    18 frames shorter (it starts where it did); one starting 5 frames before its media starts there, its fade-in 5
    shorter; one with no frame of media is left out."""
    from otio_scoreplan.formats.additions import ClipAdd, within_media

    clip = ClipAdd(0, 2500, 4491, "1M2", "1M2", tmp_path / "m.wav", 1974, 1, True, 0, 48)
    cut = within_media(clip)
    assert (cut.start_frame, cut.end_frame, cut.source_in, cut.fade_out_frames) == (2500, 4473, 1, 30)
    assert cut.source_in + cut.duration_frames == clip.media_frames
    early = within_media(ClipAdd(0, 100, 200, "x", "x", tmp_path / "m.wav", 300, -5, True, 8, 0))
    assert (early.start_frame, early.end_frame, early.source_in, early.fade_in_frames) == (105, 200, 0, 3)
    assert within_media(clip) is not clip and within_media(early) is not None
    fits = ClipAdd(0, 100, 200, "x", "x", tmp_path / "m.wav", 112, 12, True)
    assert within_media(fits) is fits
    assert within_media(ClipAdd(0, 100, 200, "x", "x", tmp_path / "m.wav", 10, 12, True)) is None


# -- where a marker goes: one sweep, the same event a search of every event finds ---------------------------

def _anchor_by_search(channels: list[str], ranges: list[tuple[int, int]], frame: int) -> int:
    """The event a marker at ``frame`` goes after, by looking at every event (the rule, spelled out)."""
    holding = [i for i, (a, b) in enumerate(ranges) if a <= frame < b]
    if holding:
        video = [i for i in holding if "V" in channels[i].upper() or channels[i].upper() == "B"]
        return (video or holding)[0]
    before = [i for i, (a, _) in enumerate(ranges) if a <= frame]
    return max(before, key=lambda i: (ranges[i][0], -i)) if before else 0


def _layout_of(channels: list[str]):
    from otio_scoreplan.formats.edl.scan import Event
    from otio_scoreplan.formats.edl.write import _Layout

    events = [Event(i, str(i + 1), "R", ch, "C", None, "", "", "", "", i + 1) for i, ch in enumerate(channels)]
    return _Layout([], events, [], False, False, None, None, len(events))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["V", "A", "A2", "B", "AA/V", "A3"]), st.integers(0, 60), st.integers(-3, 30)),
                min_size=1, max_size=25),
       st.lists(st.integers(-5, 100), min_size=1, max_size=12))
def test_markers_go_after_the_event_a_search_of_every_event_finds(events: list, frames: list[int]) -> None:
    """Overlapping audio and video, empty and backwards ranges, equal starts, frames before and after all."""
    from otio_scoreplan.formats.edl.write import anchors

    channels = [ch for ch, _, _ in events]
    ranges = [(a, a + n) for _, a, n in events]
    assert anchors(_layout_of(channels), ranges, frames) == [_anchor_by_search(channels, ranges, f) for f in frames]


def test_markers_on_a_long_list_are_placed_in_one_sweep() -> None:
    """100,000 events and 1,000 markers: the same anchors as the search at sampled frames."""
    from otio_scoreplan.formats.edl.write import anchors

    channels = ["V" if i % 3 else "A" for i in range(100_000)]
    ranges = [(i * 5 - (i % 3 == 0) * 5, i * 5 + 5) for i in range(100_000)]
    frames = list(range(0, 500_000, 499))
    found = anchors(_layout_of(channels), ranges, frames)
    assert [found[k] for k in range(0, len(frames), 97)] == [_anchor_by_search(channels, ranges, frames[k])
                                                            for k in range(0, len(frames), 97)]
