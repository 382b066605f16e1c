"""The FCP7 XML (xmeml) reader on every corpus xmeml, checked against the XML read independently with lxml,
and on small xmeml files of our own (29.97 drop frame, several sequences, hostile XML)."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, corpus_files, corpus_id, read_once, run_cli
from lxml import etree

from otio_scoreplan.analyse import analyse
from otio_scoreplan.errors import InputError, SequenceChoiceError
from otio_scoreplan.formats import ReadOptions, read_source
from otio_scoreplan.formats.common import ensure_read_info
from otio_scoreplan.formats.xmeml.markers import SequenceMarkers, marker_color, repair_text
from otio_scoreplan.formats.xmeml.timing import sequence_timing
from otio_scoreplan.timecode import to_timecode

XMEML_FILES = [p for p in corpus_files() if p.suffix.lower() == ".xml"]
DF_FILE = REPO / "tests" / "data" / "fcp7_2997df.xml"


# -- the XML, read independently ---------------------------------------------------------------
def _root(path: Path) -> etree._Element:
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()


def _sequence(root: etree._Element) -> etree._Element:
    """The one top-level sequence of a corpus file (each holds one)."""
    tops = root.findall("./sequence") + root.findall(".//children/sequence")
    assert len(tops) == 1
    return tops[0]


def _unmangle(text: str) -> str:
    """Premiere's sign-extended UTF-8 ('pￃﾥ' for 'på'), as a person would undo it."""
    return re.sub("[\uff80-\uffff]{2,}", lambda m: bytes(ord(c) & 0xFF for c in m.group()).decode("utf-8"), text)


def _markers(seq: etree._Element) -> list[etree._Element]:
    """Every <marker> of a sequence: in it, and in nested sequences defined elsewhere that it uses."""
    found = list(seq.iter("marker"))
    defined = {s.get("id") for s in seq.iter("sequence") if len(s)}
    for ref in seq.iter("sequence"):
        if not len(ref) and ref.get("id") not in defined:
            full = next(s for s in seq.getroottree().iter("sequence") if s.get("id") == ref.get("id") and len(s))
            found += list(full.iter("marker"))
            defined.add(ref.get("id"))
    return found


def _top_level_clip_markers(seq: etree._Element):
    """(record frame, name, shown) of markers on clipitems of the sequence's own tracks.

    A clipitem after a transition has <start> -1: its <in> frame then sits at the transition's <start>.
    """
    for item in seq.findall("./media/*/track/clipitem"):
        start, s_in, s_out = (int(float(item.findtext(k))) for k in ("start", "in", "out"))
        if start < 0:
            head = item.getprevious()
            assert head is not None and head.tag == "transitionitem"
            start = int(head.findtext("start"))
        for m in item.findall("marker"):
            m_in = int(float(m.findtext("in")))
            yield start + m_in - s_in, _unmangle(m.findtext("name") or ""), s_in <= m_in < s_out


def _source_and_analysis(path: Path, sequence: str | None = None):
    """Read and analyse once per file for the whole test session (nothing here changes them)."""
    return read_once(path, sequence=sequence)


def _read(path: Path, sequence: str | None = None):
    return _source_and_analysis(path, sequence)[1]


def _all_markers(analysis):
    return [a for a in analysis.annotations + analysis.unplaced_annotations if a.kind == "marker"]


# -- the corpus ------------------------------------------------------------------------------------
def test_the_corpus_has_xmeml_files():
    assert len(XMEML_FILES) >= 15


@pytest.mark.parametrize("path", XMEML_FILES, ids=corpus_id)
def test_every_marker_of_the_sequence_is_found_once(path: Path):
    """As many markers as <marker> elements in the chosen sequence, with the same names and comments."""
    seq = _sequence(_root(path))
    expected = Counter((_unmangle(m.findtext("name") or ""), _unmangle(m.findtext("comment") or "")) for m in _markers(seq))
    found = Counter((a.name, a.comment) for a in _all_markers(_read(path)))
    assert found == expected


@pytest.mark.parametrize("path", XMEML_FILES, ids=corpus_id)
def test_sequence_markers_sit_at_their_stated_frame(path: Path):
    seq = _sequence(_root(path))
    analysis = _read(path)
    start = analysis.sequence.start_frame
    for m in seq.findall("marker"):
        frame = int(float(m.findtext("in")))
        hits = [a for a in _all_markers(analysis) if a.origin == "sequence marker" and a.frame == frame
                and a.name == _unmangle(m.findtext("name") or "")]
        assert hits, f"sequence marker at {frame} not found"
        assert hits[0].duration_frames == max(0, int(m.findtext("out")) - frame) if int(m.findtext("out")) > frame else True
        assert analysis.sequence.timecode(frame) == to_timecode(start + frame, analysis.sequence.rate, analysis.sequence.drop_frame)


@pytest.mark.parametrize("path", XMEML_FILES, ids=corpus_id)
def test_clip_markers_sit_at_clip_start_plus_media_offset(path: Path):
    """record frame = clipitem <start> + (marker <in> - clipitem <in>); markers on unused media stay unplaced."""
    seq = _sequence(_root(path))
    analysis = _read(path)
    placed = Counter((a.frame, a.name) for a in analysis.annotations if a.kind == "marker")
    unplaced = Counter((a.frame, a.name) for a in analysis.unplaced_annotations if a.kind == "marker")
    for frame, name, shown in _top_level_clip_markers(seq):
        where = placed if shown else unplaced
        assert where[(frame, name)] > 0, f"marker {name!r} expected {'placed' if shown else 'unplaced'} at {frame}"


@pytest.mark.parametrize("path", XMEML_FILES, ids=corpus_id)
def test_marker_frames_agree_with_the_xml_walk(path: Path):
    """Markers placed through OTIO (the builder's clips and item times + our media offset) sit where the XML alone
    puts them (a SequenceMarkers given no builder times times every item in place)."""
    source, analysis = _source_and_analysis(path)
    finder = SequenceMarkers(source.document.getroot().find(".//sequence"))
    from_xml = Counter((finder.frame(x.record), repair_text(x.marker.findtext("name") or "")) for x in finder.landings())
    assert Counter((a.frame, a.name) for a in _all_markers(analysis)) == from_xml


@pytest.mark.parametrize("path", XMEML_FILES, ids=corpus_id)
def test_linked_copies_hide_no_distinct_marker(path: Path):
    """Premiere repeats master-clip markers on the picture and each audio channel; copies are flagged, not dropped."""
    markers = _all_markers(_read(path))
    every = {(a.frame, a.name, a.comment) for a in markers}
    assert every == {(a.frame, a.name, a.comment) for a in markers if not a.extra.get("linked_copy")}


def test_linked_copies_are_flagged():
    path = next(p for p in XMEML_FILES if p.name == "nrk_melkekartong_master_v7.xml")
    placed = [a for a in _read(path).annotations if a.kind == "marker"]
    originals = [a for a in placed if not a.extra.get("linked_copy")]
    assert len(placed) > len(originals) > 0
    assert len({(a.frame, a.name, a.comment) for a in originals}) == len(originals)


@pytest.mark.parametrize("path", XMEML_FILES, ids=corpus_id)
def test_rate_and_start_timecode_are_the_files(path: Path):
    seq = _sequence(_root(path))
    source, analysis = _source_and_analysis(path)
    timebase = int(seq.findtext("rate/timebase"))
    ntsc = (seq.findtext("rate/ntsc") or "").upper() == "TRUE"
    assert source.rate == pytest.approx(timebase * 1000 / 1001 if ntsc else timebase)
    stated = (seq.findtext("timecode/string") or "").strip()
    assert analysis.sequence.start_timecode.replace(";", ":") == stated.replace(";", ":").replace(".", ":")
    assert source.drop_frame == ((seq.findtext("timecode/displayformat") or "") == "DF")


def test_clip_notes_and_premiere_track_names():
    path = next(p for p in XMEML_FILES if p.name == "nrk_Monsen_og_hundene_EP_1_MASTER_til_ODOMETER.xml")
    seq = _sequence(_root(path))
    analysis = _read(path)
    notes = {a.comment for a in analysis.annotations + analysis.unplaced_annotations if a.kind == "clip_note"}
    items = seq.findall("./media/*/track/clipitem")
    descriptions = {(c.findtext("logginginfo/description") or "").strip() for c in items} - {""}
    assert len(descriptions) > 10 and descriptions <= notes
    names = {t.name for t in analysis.tracks}
    assert {"Voice", "Musikk"} <= names  # Premiere keeps these in MZ.TrackName only


@pytest.mark.parametrize("folder, app", [("premiere", "premiere"), ("resolve", "resolve")])
def test_writer_application(folder: str, app: str):
    for path in (p for p in XMEML_FILES if p.parent.name == folder):
        assert _source_and_analysis(path)[0].application == app, path.name


@pytest.mark.parametrize("path", [p for p in XMEML_FILES if "<sequence id" in p.read_text(encoding="utf-8-sig")[400:]],
                         ids=corpus_id)
def test_nested_sequences_are_read_with_their_tracks(path: Path):
    """The adapter reads nested sequences as empty stacks; ours hold the nested tracks and clips."""
    import opentimelineio as otio

    source, _ = _source_and_analysis(path)
    stacks = [s for s in source.timeline.tracks.find_children(descended_from_type=otio.schema.Stack)]
    for stack in stacks:
        assert len(stack) > 0, f"nested stack {stack.name!r} is empty"
    assert all(not c.markers for s in stacks for c in s.find_children() if hasattr(c, "markers"))


def test_nested_sequence_shot_shows_the_nested_clip(df):
    _, analysis = df
    shots = {s.start_frame: s.name for s in analysis.shots}
    assert shots[1500] == "B002_C001.mov" and shots[2400] == "B002_C001.mov"


def test_writer_application_of_other_editors():
    apps = {p.name: _source_and_analysis(p)[0].application for p in XMEML_FILES if p.parent.name == "other"}
    assert apps["lightworks_sample.fcp5.xml"] == "lightworks"
    assert apps["hiero_xml_export.xml"] == "hiero"
    assert apps["nrk_fcp7_fcp.sample.xml"] == "fcp7"
    assert apps["nrk_fcp_legacy_NGxx13_Lego_cec.xml"] == "fcp7"


def test_premiere_mangled_text_is_repaired():
    path = next(p for p in XMEML_FILES if p.name == "nrk_60_sek_Jokulhlup.xml")
    names = {a.name for a in _all_markers(_read(path))}
    assert "12 dødsfall" in names and not any(re.search("[\uff80-\uffff]", n) for n in names)


# -- our own 29.97 drop-frame file -------------------------------------------------------------------
@pytest.fixture(scope="module")
def df():
    source = read_source(DF_FILE)
    return source, analyse(source)


def test_drop_frame_rate_and_start(df):
    source, analysis = df
    assert source.drop_frame is True
    assert analysis.sequence.rate == pytest.approx(30000 / 1001)
    assert analysis.sequence.start_timecode == "01:00:00;00"
    assert source.start_frame == 107892


@pytest.mark.parametrize("timecode, expected", [
    ("<string>01:00:00;00</string><frame>107892</frame><displayformat>DF</displayformat>", (True, 107892, 0)),
    ("<string>01:00:00:00</string><displayformat>DF</displayformat>", (True, 107892, 0)),  # DF said only once
    ("<string>01:00:00:00</string><frame>108000</frame><displayformat>NDF</displayformat>", (False, 108000, 0)),
    # string and frame disagree: the frame wins (issue 12), with a warning
    ("<string>01:00:00;00</string><frame>108000</frame><displayformat>DF</displayformat>", (True, 108000, 1)),
])
def test_start_timecode_of_a_2997_sequence(timecode: str, expected):
    seq = etree.fromstring(f"<sequence><rate><timebase>30</timebase><ntsc>TRUE</ntsc></rate>"
                           f"<timecode><rate><timebase>30</timebase><ntsc>TRUE</ntsc></rate>{timecode}</timecode></sequence>")
    warnings: list[str] = []
    rate, drop, start = sequence_timing(seq, Path("x.xml"), warnings)
    assert rate == pytest.approx(30000 / 1001)
    assert (drop, start, len(warnings)) == expected


@pytest.mark.parametrize("name, comment, timecode, placed", [
    ("1M1", "[scoreplan] 1M1 start", "01:00:02;00", True),
    ("hit", "she looks up", "01:00:10;00", True),  # media frame 1300 of a clip with in 1000 at 0; media TC 10:00:00;00
    ("memory", "inside the nested sequence", "01:00:55;00", True),  # first use of the nested sequence
    ("SC 12", "Scene 12 starts", "01:01:00;02", True),  # 1800 frames after 01:00:00;00, drop frame
    ("flashback peak", "on the nested sequence itself", "01:01:00;02", True),
    ("unused take start", "", None, False),
])
def test_drop_frame_markers(df, name, comment, timecode, placed):
    _, analysis = df
    pool = analysis.annotations if placed else analysis.unplaced_annotations
    hits = [a for a in pool if a.name == name and a.comment == comment]
    assert len(hits) == 1
    if timecode:
        assert analysis.sequence.timecode(hits[0].frame) == timecode


def test_stereo_second_channel_marker_is_kept(df):
    _, analysis = df
    slams = sorted(a.comment for a in analysis.annotations if a.name == "door slam")
    assert slams == ["left channel", "right channel"]
    assert {analysis.sequence.timecode(a.frame) for a in analysis.annotations if a.name == "door slam"} == {"01:00:33;10"}


def test_nested_marker_counted_once_and_its_other_use_noted(df):
    _, analysis = df
    peaks = [a for a in _all_markers(analysis) if a.name == "flashback peak"]
    assert len(peaks) == 1 and peaks[0].duration_frames == 30
    assert peaks[0].extra.get("also_at_frames") == "2500"


def test_marker_colours(df):
    _, analysis = df
    colours = {a.name: a.color for a in _all_markers(analysis)}
    assert colours["hit"] == "BLUE" and colours["1M1"] == "RED"
    assert colours["SC 12"] == "GREEN"  # Premiere writes no pproColor for its default colour


def test_markers_without_colour_in_files_that_have_none():
    path = next(p for p in XMEML_FILES if p.name == "premiere_example.xml")
    assert {a.color for a in _all_markers(_read(path))} == {""}


@pytest.mark.parametrize("xml, colour", [
    ("<marker><in>0</in><out>-1</out><pproColor>4294741314</pproColor></marker>", "BLUE"),
    ("<marker><in>0</in><out>-1</out><pproColor>4278190335</pproColor></marker>", "RED"),  # 0xFF0000FF: pure red
    ("<marker><in>0</in><out>-1</out><color><alpha>0</alpha><red>0</red><green>65535</green><blue>0</blue></color></marker>", "GREEN"),
    ("<marker><in>0</in><out>-1</out></marker>", None),
])
def test_marker_colour_values(xml: str, colour):
    assert marker_color(etree.fromstring(xml)) == colour


def test_repair_leaves_real_text_alone():
    assert repair_text("pￃﾥ vei") == "på vei"
    assert repair_text("ﾀﾁﾂ half-width katakana, 한국어") == "ﾀﾁﾂ half-width katakana, 한국어"


def test_clip_notes_scene_and_take(df):
    source, analysis = df
    notes = {a.comment for a in analysis.annotations if a.kind == "clip_note"}
    assert notes == {"Rain on the window, slow push in", "music could start on her look", "temp: sad piano"}
    clip = next(c for c in source.timeline.find_clips() if c.name == "A001_C002.mov")
    info = ensure_read_info(clip)
    assert (info["scene"], info["take"], info["good"]) == ("12A", "3", True)


def test_our_additions_are_recognised(df):
    source, analysis = df
    ours = [a for a in analysis.annotations if a.ours]
    assert [a.name for a in ours] == ["1M1"]
    tagged = [t.name for t in source.timeline.tracks if t.metadata.get("scoreplan", {}).get("added")]
    assert tagged == ["[scoreplan] 1M1 temp"]


# -- several sequences ------------------------------------------------------------------------------
def _two_sequences(tmp_path: Path) -> Path:
    text = DF_FILE.read_text(encoding="utf-8")
    body = text[text.index("<sequence id=\"sequence-1\""): text.rindex("</xmeml>")]
    second = body.replace("DF test reel", "Reel 2").replace('id="sequence-1"', 'id="sequence-9"')
    second = second.replace("<name>SC 12</name>", "<name>SC 40</name>")
    project = f'<?xml version="1.0" encoding="UTF-8"?>\n<xmeml version="4"><project><name>p</name><children>{body}{second}</children></project></xmeml>'
    out = tmp_path / "two_sequences.xml"
    out.write_text(project, encoding="utf-8")
    return out


def test_several_sequences_need_a_choice(tmp_path: Path):
    path = _two_sequences(tmp_path)
    with pytest.raises(SequenceChoiceError) as err:
        read_source(path)
    assert "'DF test reel'" in str(err.value) and "'Reel 2'" in str(err.value)
    result = run_cli("inspect", str(path))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_sequence_option_picks_one(tmp_path: Path):
    path = _two_sequences(tmp_path)
    analysis = _read(path, "Reel 2")
    assert analysis.sequence.name == "Reel 2"
    names = {a.name for a in _all_markers(analysis)}
    assert "SC 40" in names and "SC 12" not in names
    assert len(_all_markers(analysis)) == len(_all_markers(_read(DF_FILE)))
    with pytest.raises(InputError):
        read_source(path, ReadOptions(sequence="Reel 3"))


# -- hostile and broken XML -------------------------------------------------------------------------
HOSTILE = {
    "entity_bomb": '<?xml version="1.0"?>\n<!DOCTYPE xmeml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                   '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n'
                   '<xmeml version="4"><sequence><name>&d;</name></sequence></xmeml>\n',
    "external_entity": '<?xml version="1.0"?>\n<!DOCTYPE xmeml [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                       '<xmeml version="4"><sequence><name>&x;</name></sequence></xmeml>\n',
    "truncated": DF_FILE.read_text(encoding="utf-8")[:2000],
    "not_xmeml": '<?xml version="1.0"?>\n<fcpxml version="1.9"></fcpxml>\n',
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_or_broken_xml_exits_2_with_one_line(tmp_path: Path, kind: str):
    path = tmp_path / f"{kind}.xml"
    path.write_text(HOSTILE[kind], encoding="utf-8")
    result = run_cli("inspect", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0]
    assert "root:" not in result.stdout + result.stderr  # nothing of /etc/passwd


def test_corpus_file_copy_reads_the_same(tmp_path: Path):
    """The reader depends on nothing but the file (no sibling files, no network)."""
    path = next(p for p in XMEML_FILES if p.name == "premiere_example.xml")
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    assert len(_all_markers(_read(copy))) == len(_all_markers(_read(path)))


# -- a timecode's <frame> wins over its <string> (issue 12) -----------------------------------------
DISAGREEING = """<?xml version="1.0" encoding="UTF-8"?>
<xmeml version="4"><sequence id="sequence-1"><name>S</name>
<rate><timebase>25</timebase><ntsc>FALSE</ntsc></rate><duration>200</duration>
<media><video><track>
 <clipitem id="a"><name>a</name><start>0</start><end>-1</end><in>0</in><out>110</out>
  <file id="f-a"><name>a.mov</name><pathurl>file:///a.mov</pathurl><rate><timebase>25</timebase></rate>
   <duration>1000</duration>
   <timecode><rate><timebase>25</timebase></rate><string>10:00:00:00</string><frame>900100</frame></timecode></file>
  <marker><name>clip hit</name><in>50</in><out>-1</out></marker></clipitem>
 <transitionitem><start>90</start><end>110</end><alignment>center</alignment>
  <effect><name>Cross Dissolve</name></effect></transitionitem>
 <clipitem id="b"><name>b</name><start>-1</start><end>200</end><in>10</in><out>120</out>
  <file id="f-b"><name>b.mov</name><pathurl>file:///b.mov</pathurl><rate><timebase>25</timebase></rate>
   <duration>1000</duration>
   <timecode><rate><timebase>25</timebase></rate><string>00:00:10:00</string><frame>250</frame></timecode></file>
  <marker><name>after the dissolve</name><in>30</in><out>-1</out></marker></clipitem>
</track></video></media>
<marker><name>seq mark</name><in>10</in><out>-1</out></marker>
<timecode><rate><timebase>25</timebase></rate><string>01:00:00:00</string><frame>90025</frame></timecode>
</sequence></xmeml>
"""


def test_frame_wins_over_string_for_items_and_markers_alike(tmp_path: Path):
    """The sequence's start and a clip's media start both follow <frame> where <string> says otherwise, with a
    warning naming each element; markers land by the same item times the clips were built with."""
    import opentimelineio as otio

    path = tmp_path / "disagree.xml"
    path.write_text(DISAGREEING, encoding="utf-8")
    source = read_source(path)
    analysis = analyse(source)
    # the sequence: 90025 (01:00:01:00), not the string's 90000
    assert source.start_frame == 90025
    assert analysis.sequence.start_timecode == "01:00:01:00"
    assert analysis.sequence.timecode(10) == "01:00:01:10"
    # the warnings name the elements whose timecodes disagree, and only those (b's string and frame agree)
    disagree = [w for w in source.warnings if "disagree" in w]
    assert len(disagree) == 2
    assert any("<sequence> 'S'" in w and "'01:00:00:00'" in w and "90025" in w and "frame count was used" in w for w in disagree)
    assert any("<file> 'a.mov'" in w and "'10:00:00:00'" in w and "900100" in w for w in disagree)
    # reread the timeline with OTIO's own JSON reader: clip a's source starts at its media's <frame>
    timeline = otio.adapters.read_from_string(otio.adapters.write_to_string(source.timeline, "otio_json"), "otio_json")
    clips = {c.name: c for c in timeline.find_clips()}
    a, b = clips["a"], clips["b"]
    assert a.source_range.start_time.value == 900100  # not 900000 from the string
    assert a.markers[0].marked_range.start_time.value == 900100 + 50
    # b starts at the dissolve's cut point (100), showing media from <in> 10 + 10 (its <in> frame sits at 90)
    assert b.range_in_parent().start_time.value == 100
    assert b.source_range.start_time.value == 250 + 20
    assert b.markers[0].marked_range.start_time.value == 250 + 30
    # record frames: the clip marker at 50, the marker after the dissolve at 90 + (30 - 10), the sequence's at 10
    frames = {x.name: x.frame for x in analysis.annotations}
    assert frames == {"clip hit": 50, "after the dissolve": 110, "seq mark": 10}
