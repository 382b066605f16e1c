"""The xmeml timeline builder (formats/xmeml/build.py) on every corpus xmeml, checked against the XML read
independently with lxml (record and source frames of every item, transitions, nested sequences, stereo
pairs, disabled items) and against otio-fcp-adapter's reading where that one is right."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import opentimelineio as otio
import pytest
from conftest import corpus_files, corpus_id, read_once, run_main
from lxml import etree
from opentimelineio import opentime

from otio_scoreplan.errors import InputError
from otio_scoreplan.formats import read_source
from otio_scoreplan.formats.xmeml.build import MAX_DEPTH, SequenceBuilder
from otio_scoreplan.formats.xmeml.read import _dereferencer

XMEML_FILES = [p for p in corpus_files() if p.suffix.lower() == ".xml"]
ITEMS = ("clipitem", "generatoritem", "transitionitem")


# -- the XML, read independently ---------------------------------------------------------------------
def _root(path: Path) -> etree._Element:
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()


def _by_id(root: etree._Element, el: etree._Element | None) -> etree._Element | None:
    """A ``<tag id="x"/>`` reference resolved to the element of that tag and id with content."""
    if el is None or len(el) or not el.get("id"):
        return el
    return next((e for e in root.iter(el.tag) if e.get("id") == el.get("id") and len(e)), el)


def _rate(el: etree._Element) -> float:
    """The rate in force at ``el``: the nearest ``<rate>`` up the tree (NTSC timebases run 1000/1001 slower)."""
    for e in (el, *el.iterancestors()):
        tb = e.findtext("rate/timebase")
        if tb:
            ntsc = (e.findtext("rate/ntsc") or "").strip().upper() == "TRUE"
            return float(tb) * 1000 / 1001 if ntsc and round(float(tb)) % 6 == 0 else float(tb)
    raise AssertionError(f"no rate at <{el.tag}>")


def _primary(track: etree._Element) -> bool:
    return track.get("currentExplodedTrackIndex", "0") == "0" or track.get("totalExplodedTrackCount", "1") == "1"


def _tracks(root: etree._Element, sequence: etree._Element) -> list[etree._Element]:
    """The sequence's tracks that become OTIO tracks: video, then audio without stereo second channels."""
    media = _by_id(root, sequence.find("media"))
    if media is None:
        return []
    video = [_by_id(root, t) for t in media.findall("video/track")]
    audio = [_by_id(root, t) for t in media.findall("audio/track")]
    return video + [t for t in audio if _primary(t)]


def _items(root: etree._Element, track: etree._Element) -> list[etree._Element]:
    return [_by_id(root, e) for e in track if e.tag in ITEMS]


def _cut(transition: etree._Element) -> int:
    start, end = int(transition.findtext("start")), int(transition.findtext("end"))
    align = (transition.findtext("alignment") or "").strip()
    return end if align in ("end", "end-black") else start if align in ("start", "start-black") else int((start + end) / 2)


def _record(items: list[etree._Element], i: int) -> tuple[int, int, int]:
    """Record start and end of item ``i`` as the XML states them, and how far its source starts after its
    ``<in>``: -1 is the cut point of the transition right before (a start) or after (an end) the item, and a
    clip starting at -1 shows its media that much later than the transition's start."""
    el = items[i]
    start, end = int(el.findtext("start")), int(el.findtext("end"))
    late = 0
    if start == -1:
        head = items[i - 1]
        assert i > 0 and head.tag == "transitionitem"
        start, late = _cut(head), _cut(head) - int(head.findtext("start"))
    if end == -1:
        assert items[i + 1].tag == "transitionitem"
        end = _cut(items[i + 1])
    return start, end, late


def _media_start(root: etree._Element, item: etree._Element) -> float:
    """The start timecode of an item's media, in the item's frames."""
    file_el = _by_id(root, item.find("file"))
    tc = file_el.find("timecode") if file_el is not None else None
    if tc is None:
        return 0.0
    tc_rate = _rate(tc) if tc.find("rate") is not None else _rate(item)
    frame = tc.findtext("frame")
    at = opentime.RationalTime(int(frame), tc_rate) if frame is not None else opentime.from_timecode(tc.findtext("string"), tc_rate)
    return at.value_rescaled_to(_rate(item))


def _sequence(root: etree._Element) -> etree._Element:
    tops = root.findall("./sequence") + root.findall(".//children/sequence")
    assert len(tops) == 1
    return _by_id(root, tops[0])


def _timeline(path: Path) -> otio.schema.Timeline:
    return read_once(path)[0].timeline


def _frames(t: opentime.RationalTime, rate: float) -> float:
    return round(t.value_rescaled_to(rate), 6)


# -- the corpus --------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", XMEML_FILES, ids=corpus_id)
def test_every_item_sits_at_its_record_and_source_frames(path: Path):
    """Each clipitem/generatoritem at the <start>..<end> the XML states (-1: the cut point of the transition
    next to it), its source at <in> + the media's start timecode; each transition from its <start> to its
    <end>; gaps only where the XML leaves a hole. An item that starts before the clips before it end
    (Premiere's overlapping audio) starts where they end instead, its source as much later: every item
    after it keeps its frames."""
    root = _root(path)
    seq = _sequence(root)
    xml_tracks = _tracks(root, seq)
    tracks = list(_timeline(path).tracks)
    assert len(tracks) == len(xml_tracks)
    checked = 0
    for track_el, track in zip(xml_tracks, tracks):
        items = _items(root, track_el)
        children = [c for c in track if not isinstance(c, otio.schema.Gap)]
        assert len(children) == len(items), f"{track.name}: {len(items)} items in the XML"
        ranges = track.range_of_all_children()
        rate = _rate(track_el)
        covered = 0  # where the clips so far end in the XML
        for i, (el, item) in enumerate(zip(items, children)):
            r = ranges[item]
            at = (_frames(r.start_time, rate), _frames(r.end_time_exclusive(), rate))
            if el.tag == "transitionitem":
                assert isinstance(item, otio.schema.Transition)
                assert at == (int(el.findtext("start")), int(el.findtext("end")))
                assert _frames(item.in_offset, rate) == _cut(el) - int(el.findtext("start"))
                assert item.metadata["fcp_xml"]["alignment"] == (el.findtext("alignment") or "").strip()
                continue
            start, end, late = _record(items, i)
            lost = max(0, min(covered, end) - start)  # an overlapping item's head, under the clip before it
            assert at == (start + lost, end), el.findtext("name")
            if not lost and -1 not in (int(el.findtext("start")), int(el.findtext("end"))):
                assert at == (int(el.findtext("start")), int(el.findtext("end")))  # the XML's frames, as they stand
            covered = max(covered, end)
            own = _rate(el)
            src = item.source_range
            nested = _by_id(root, el.find("sequence"))
            assert item.name == ((nested if nested is not None else el).findtext("name") or "")  # a stack: the sequence's name
            media = 0.0 if nested is not None else _media_start(root, el)
            assert _frames(src.start_time, own) == pytest.approx(float(el.findtext("in")) + media + (late + lost) * own / rate)
            assert _frames(src.duration, own) == pytest.approx((end - start - lost) * own / rate)
            checked += 1
        gaps = [c for c in track if isinstance(c, otio.schema.Gap)]
        assert all(c.source_range.duration.value > 0 for c in gaps)
    assert checked == sum(1 for t in xml_tracks for e in _items(root, t) if e.tag != "transitionitem")


@pytest.mark.parametrize("path", XMEML_FILES, ids=corpus_id)
def test_media_and_enabled_are_the_xmls(path: Path):
    """Clips point at their file's <pathurl> (file references by id resolved), Premiere's slugs and
    generators are generator references, and <enabled>FALSE items and tracks are disabled."""
    root = _root(path)
    seq = _sequence(root)
    for track_el, track in zip(_tracks(root, seq), _timeline(path).tracks):
        assert track.enabled == ((track_el.findtext("enabled") or "TRUE").strip().upper() != "FALSE")
        children = [c for c in track if not isinstance(c, otio.schema.Gap)]
        for el, item in zip(_items(root, track_el), children):
            if el.tag == "transitionitem":
                continue
            assert item.enabled == ((el.findtext("enabled") or "TRUE").strip().upper() != "FALSE")
            file_el = _by_id(root, el.find("file"))
            ref = getattr(item, "media_reference", None)
            if el.find("sequence") is not None:
                assert isinstance(item, otio.schema.Stack)
            elif file_el is not None and file_el.findtext("pathurl") is not None:
                assert isinstance(ref, otio.schema.ExternalReference) and ref.target_url == file_el.findtext("pathurl").strip()
            elif file_el is not None and file_el.findtext("mediaSource") is not None:
                assert isinstance(ref, otio.schema.GeneratorReference) and ref.generator_kind == file_el.findtext("mediaSource").strip()
            elif el.tag == "generatoritem":
                assert isinstance(ref, otio.schema.GeneratorReference)


@pytest.mark.parametrize("path", XMEML_FILES, ids=corpus_id)
def test_stereo_second_channels_stand_with_their_first(path: Path):
    """Audio second channels make no OTIO track; the pairing maps each to the track of its first channel."""
    root = _root(path)
    seq = _sequence(root)
    built = SequenceBuilder(path, _dereferencer(root)).timeline(seq)
    audio = [_by_id(root, t) for t in (_by_id(root, seq.find("media")).findall("audio/track") if seq.find("media") is not None else [])]
    kept = [t for t in built.timeline.tracks if t.kind == otio.schema.TrackKind.Audio]
    assert len(kept) == sum(1 for t in audio if _primary(t))
    first = None
    for t in audio:
        if _primary(t):
            first = built.pairing.stands_for[t]
            assert dict(built.pairing.tracks)[t] is first
        else:
            assert dict(built.pairing.tracks)[t] is None
            assert built.pairing.stands_for.get(t) is first
    for el, item in built.pairing.items.items():  # every element is paired with what it became
        if el.tag == "transitionitem":
            assert isinstance(item, otio.schema.Transition)
        elif el.find("sequence") is not None:
            assert isinstance(item, otio.schema.Stack)
        else:
            assert isinstance(item, otio.schema.Clip) and item.name == (el.findtext("name") or "")


@pytest.mark.parametrize("path", [p for p in XMEML_FILES if _root(p).find(".//clipitem/sequence") is not None], ids=corpus_id)
def test_nested_sequences_hold_their_own_tracks(path: Path):
    """A clipitem holding a <sequence> is a stack with that sequence's tracks and clips, in order."""
    root = _root(path)
    stacks = 0

    def check(stack: otio.schema.Stack, nested: etree._Element, depth: int) -> None:
        nonlocal stacks
        stacks += 1
        assert stack.name == (nested.findtext("name") or "")
        xml_tracks = _tracks(root, nested)
        assert len(stack) == len(xml_tracks)
        for track_el, track in zip(xml_tracks, stack):
            children = [c for c in track if not isinstance(c, otio.schema.Gap)]
            items = _items(root, track_el)
            assert [c.name if not isinstance(c, otio.schema.Transition) else "~" for c in children] == \
                [(e.findtext("name") or "") if e.tag != "transitionitem" else "~" for e in items]
            for el, child in zip(items, children):
                if isinstance(child, otio.schema.Stack):
                    check(child, _by_id(root, el.find("sequence")), depth + 1)

    seq = _sequence(root)
    for track_el, track in zip(_tracks(root, seq), _timeline(path).tracks):
        for el, item in zip(_items(root, track_el), [c for c in track if not isinstance(c, otio.schema.Gap)]):
            if el.find("sequence") is not None:
                check(item, _by_id(root, el.find("sequence")), 1)
    assert stacks > 0


@pytest.mark.parametrize("path", XMEML_FILES, ids=corpus_id)
def test_same_reading_as_otio_fcp_adapter(path: Path):
    """Where otio-fcp-adapter reads right, we read the same: every item's kind, name, source range and
    media, every transition (its nested stacks are empty and it ignores <enabled>). Not its gaps: it
    places an item after a transition that follows a hole, and every item after an overlapping one, late
    (the record frames are checked against the XML above); nor an overlapping item's source start (ours
    starts later by the head it loses; its source end is the same)."""
    adapter = otio.adapters.read_from_file(str(path), adapter_name="fcp_xml")
    ours = _timeline(path)
    assert ours.name == adapter.name
    assert len(ours.tracks) == len(adapter.tracks)
    for mine, theirs in zip(ours.tracks, adapter.tracks):
        mine_items = [c for c in mine if not isinstance(c, otio.schema.Gap)]
        their_items = [c for c in theirs if not isinstance(c, otio.schema.Gap)]
        assert (mine.kind, len(mine_items)) == (theirs.kind, len(their_items))
        for a, b in zip(mine_items, their_items):
            assert type(a) is type(b)
            assert a.name == b.name or isinstance(a, otio.schema.Stack)
            if isinstance(a, otio.schema.Transition):
                assert (a.in_offset, a.out_offset) == (b.in_offset, b.out_offset)
                continue
            assert a.source_range.end_time_exclusive() == b.source_range.end_time_exclusive()
            assert a.source_range == b.source_range or a.source_range.start_time > b.source_range.start_time
            if isinstance(a, otio.schema.Clip):
                ra, rb = a.media_reference, b.media_reference
                assert type(ra) is type(rb) or isinstance(rb, otio.schema.MissingReference)
                assert getattr(ra, "target_url", None) == getattr(rb, "target_url", None) or not getattr(rb, "target_url", None)
                assert ra.available_range == rb.available_range or rb.available_range is None


def test_reading_uses_no_otio_adapter(monkeypatch, tmp_path: Path):
    """The reader builds the timeline itself: OTIO's adapters are never asked."""
    def refuse(*args, **kwargs):
        raise AssertionError("an OTIO adapter was called")

    monkeypatch.setattr(otio.adapters, "read_from_string", refuse)
    monkeypatch.setattr(otio.adapters, "read_from_file", refuse)
    monkeypatch.setattr(otio.adapters, "from_name", refuse)
    copy = tmp_path / "copy.xml"
    copy.write_bytes(max(XMEML_FILES, key=lambda p: p.stat().st_size).read_bytes())
    assert list(read_source(copy).timeline.find_clips())


# -- small files of our own --------------------------------------------------------------------------
def _xmeml(tracks: str, nested: str = "", rate: str = "25") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<xmeml version="4"><sequence id="sequence-1"><name>S</name>'
            f"<rate><timebase>{rate}</timebase><ntsc>FALSE</ntsc></rate>{nested}"
            f"<media><video>{tracks}</video></media>"
            "<timecode><rate><timebase>25</timebase></rate><string>01:00:00:00</string><frame>90000</frame></timecode>"
            "</sequence></xmeml>\n")


def _clip(name: str, start: str, end: str, in_: str = "0", out: str = "25", extra: str = "") -> str:
    return (f"<clipitem id='{name}'><name>{name}</name><rate><timebase>25</timebase></rate><start>{start}</start><end>{end}</end>"
            f"<in>{in_}</in><out>{out}</out><file id='f-{name}'><name>{name}.mov</name><pathurl>file:///{name}.mov</pathurl>"
            f"<rate><timebase>25</timebase></rate><duration>1000</duration></file>{extra}</clipitem>")


def _write(tmp_path: Path, text: str, name: str = "cut.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_clip_after_a_transition_starts_at_its_cut(tmp_path: Path):
    trans = "<transitionitem><rate><timebase>25</timebase></rate><start>20</start><end>30</end><alignment>center</alignment>" \
            "<effect><name>Cross Dissolve</name></effect></transitionitem>"
    path = _write(tmp_path, _xmeml("<track>" + _clip("a", "0", "-1", "0", "30") + trans + _clip("b", "-1", "50", "10", "35") + "</track>"))
    track = read_source(path).timeline.tracks[0]
    a, t, b = list(track)
    assert (a.source_range.start_time.value, a.source_range.duration.value) == (0, 25)
    assert (t.in_offset.value, t.out_offset.value) == (5, 5)
    assert (b.source_range.start_time.value, b.source_range.duration.value) == (15, 25)  # <in> 10 + 5 past the transition's start


def test_disabled_clip_is_disabled(tmp_path: Path):
    path = _write(tmp_path, _xmeml("<track>" + _clip("a", "0", "25", extra="<enabled>FALSE</enabled>") + "</track>"))
    assert read_source(path).timeline.tracks[0][0].enabled is False


def test_item_rate_differs_from_the_sequence(tmp_path: Path):
    clip = _clip("a", "0", "25").replace("<rate><timebase>25</timebase></rate><start>", "<rate><timebase>50</timebase></rate><start>", 1)
    path = _write(tmp_path, _xmeml("<track>" + clip + "</track>"))
    src = read_source(path).timeline.tracks[0][0].source_range
    assert (src.start_time.rate, src.duration.value) == (50, 50)  # 25 record frames at 25 fps, counted at 50


def test_utf16_export_reads_like_its_utf8_original(tmp_path: Path):
    original = XMEML_FILES[0]
    text = original.read_bytes().decode("utf-8-sig")
    utf16 = tmp_path / original.name
    utf16.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    a, b = read_source(original).timeline, read_source(utf16).timeline
    assert [(c.name, c.source_range) for c in a.find_clips()] == [(c.name, c.source_range) for c in b.find_clips()]


def test_nesting_deeper_than_the_limit_reads_as_single_shots(tmp_path: Path):
    inner = "<clipitem id='leaf'><name>leaf</name><start>0</start><end>25</end><in>0</in><out>25</out><file id='f'><name>f</name><pathurl>file:///f.mov</pathurl></file></clipitem>"
    for depth in range(MAX_DEPTH + 3, 0, -1):
        inner = (f"<clipitem id='n{depth}'><name>n{depth}</name><start>0</start><end>25</end><in>0</in><out>25</out>"
                 f"<sequence id='s{depth}'><name>s{depth}</name><rate><timebase>25</timebase></rate>"
                 f"<media><video><track>{inner}</track></video></media></sequence></clipitem>")
    source = read_source(_write(tmp_path, _xmeml("<track>" + inner + "</track>")))
    assert any("deeper than" in w for w in source.warnings)
    depth, item = 0, source.timeline.tracks[0][0]
    while isinstance(item, otio.schema.Stack) and len(item):
        depth, item = depth + 1, item[0][0]
    assert depth == MAX_DEPTH + 1 and isinstance(item, otio.schema.Stack) and not len(item)


def _audio(tracks: str) -> str:
    """A 25 fps sequence with one picture clip over 0..500 and ``tracks`` as its audio."""
    return _xmeml("<track>" + _clip("pic", "0", "500", "0", "500") + "</track>").replace("</video>", "</video><audio>" + tracks + "</audio>")


def test_an_overlapping_item_loses_its_head_and_the_items_after_it_keep_their_frames(tmp_path: Path):
    """Premiere writes audio items that start before the one before them ends (dialog2 starts 10 frames
    before dialog ends; the reviewer's case): dialog2 is read from frame 100 with its source 10 frames
    later, the score after it stays at 200..400 in the analysis, and a warning names dialog2."""
    track = ("<track>" + _clip("dialog", "0", "100", "0", "100") + _clip("dialog2", "90", "190", "0", "100")
             + _clip("Score", "200", "400", "0", "200").replace("file:///Score.mov", "file:///Music/KPM_0001_01_Score.wav")
             + "</track>")
    path = _write(tmp_path, _audio(track))
    source = read_source(path)
    audio = source.timeline.tracks[1]
    ranges = audio.range_of_all_children()
    clips = {c.name: c for c in audio.find_clips()}
    frames = {n: (ranges[c].start_time.value, ranges[c].end_time_exclusive().value) for n, c in clips.items()}
    assert frames == {"dialog": (0, 100), "dialog2": (100, 190), "Score": (200, 400)}
    assert (clips["dialog2"].source_range.start_time.value, clips["dialog2"].source_range.duration.value) == (10, 90)
    assert [w for w in source.warnings if "dialog2" in w and "10 frame(s)" in w and "head left out" in w]
    run = run_main("inspect", "--json", str(path))
    assert run.returncode == 0, run.stderr
    music = json.loads(run.stdout)["music"]
    assert [(m["name"], m["start_frame"], m["end_frame"]) for m in music] == [("Score", 200, 400)]


def test_an_item_covered_whole_by_the_one_before_is_left_with_no_duration(tmp_path: Path):
    track = ("<track>" + _clip("long", "0", "100", "0", "100") + _clip("inside", "20", "60", "0", "40")
             + _clip("after", "120", "150", "0", "30") + "</track>")
    source = read_source(_write(tmp_path, _audio(track)))
    audio = source.timeline.tracks[1]
    ranges = audio.range_of_all_children()
    frames = {c.name: (ranges[c].start_time.value, ranges[c].end_time_exclusive().value) for c in audio.find_clips()}
    assert frames == {"long": (0, 100), "inside": (100, 100), "after": (120, 150)}
    assert any("'inside'" in w and "(all of it)" in w for w in source.warnings)


def test_a_clip_at_minus_one_after_a_clip_is_refused_even_with_a_transition_earlier(tmp_path: Path):
    """A transition two items back is not this clip's (the reviewer's stale.xml): "follows none"."""
    trans = "<transitionitem><start>20</start><end>30</end><alignment>center</alignment><effect><name>Cross Dissolve</name></effect></transitionitem>"
    track = "<track>" + _clip("a", "0", "-1") + trans + _clip("b", "-1", "50", "10", "35") + _clip("c", "-1", "75", "200", "225") + "</track>"
    path = _write(tmp_path, _xmeml(track))
    with pytest.raises(InputError) as info:
        read_source(path)
    message = str(info.value)
    assert "\n" not in message and path.name in message and "'c'" in message and "follows none" in message


def test_alignment_with_whitespace_reads_as_without(tmp_path: Path):
    """``<alignment> start-black </alignment>`` (a pretty-printed export): the same cut point and the same
    alignment in the metadata as ``start-black``."""
    def read(alignment: str) -> tuple:
        trans = (f"<transitionitem><start>10</start><end>20</end><alignment>{alignment}</alignment>"
                 "<effect><name>Cross Dissolve</name></effect></transitionitem>")
        track = "<track>" + trans + _clip("b", "-1", "50", "10", "50") + "</track>"
        items = list(read_source(_write(tmp_path, _xmeml(track), f"{len(alignment)}.xml")).timeline.tracks[0])
        t, b = (i for i in items if not isinstance(i, otio.schema.Gap))
        return t.in_offset.value, t.out_offset.value, t.metadata["fcp_xml"]["alignment"], b.source_range
    assert read("\n  start-black \n") == read("start-black") == (0, 10, "start-black", read("start-black")[3])


def test_urls_kinds_and_reels_with_whitespace_read_as_without(tmp_path: Path):
    """A pretty-printed export puts line breaks around values: the media URL, a slug's kind, a generator's
    effect type and id and a reel name are read stripped (names stay as they stand)."""
    clip = _clip("a", "0", "25", extra="<reel><name>\n  A001 \n</name></reel>").replace(
        "<pathurl>file:///a.mov</pathurl>", "<pathurl>\n  file:///a.mov\n</pathurl>")
    slug = ("<clipitem id='s'><name>Black Video</name><start>25</start><end>50</end><in>0</in><out>25</out>"
            "<file id='fs'><name>Slug</name><mediaSource> Slug\n</mediaSource><rate><timebase>25</timebase></rate></file></clipitem>")
    gen = ("<generatoritem id='g'><name>Title</name><start>50</start><end>75</end><in>0</in><out>25</out>"
           "<effect><name>Text</name><effectid> Text\n</effectid><effecttype>\n generator </effecttype></effect></generatoritem>")
    a, s, g = read_source(_write(tmp_path, _xmeml("<track>" + clip + slug + gen + "</track>"))).timeline.tracks[0]
    assert (a.media_reference.target_url, a.metadata["fcp_xml"]["reel"]) == ("file:///a.mov", "A001")
    assert (s.media_reference.generator_kind, g.media_reference.generator_kind) == ("Slug", "Text")


BAD = {
    "start -1 after no transition": ("<track>" + _clip("a", "-1", "25") + "</track>", "follows none"),
    "rate 0 on a clip": ("<track>" + _clip("a", "0", "25").replace("<timebase>25</timebase>", "<timebase>0</timebase>", 1) + "</track>", "unusable frame rate"),
    "start not a number": ("<track>" + _clip("a", "abc", "25") + "</track>", "<start> is not a number"),
    "negative duration": ("<track>" + _clip("a", "50", "25") + "</track>", "negative duration"),
}
# One clip whose media cannot be read is kept as a clip of its length with no media, and a warning
# names it: never a refused cut (issue 11, "Real exports read whole").
OPAQUE = {
    "timecode 99:99:99:99": ("<track>" + _clip("a", "0", "25").replace("<duration>1000</duration>", "<timecode><string>99:99:99:99</string></timecode>") + "</track>", "'a'"),
    "no media": ("<track><clipitem id='x'><name>x</name><start>0</start><end>25</end><in>0</in><out>25</out></clipitem></track>", "'x'"),
    "huge in": ("<track>" + _clip("a", "0", "25", in_="1e308") + "</track>", "'a'"),
    "in not a number": ("<track>" + _clip("a", "0", "25", in_="abc") + "</track>", "'a'"),
}


@pytest.mark.parametrize("case", sorted(OPAQUE))
def test_a_clip_with_unreadable_media_is_kept_opaque_with_a_warning(case: str, tmp_path: Path):
    tracks, name = OPAQUE[case]
    source = read_source(_write(tmp_path, _xmeml(tracks)))
    (clip,) = source.timeline.tracks[0]
    assert isinstance(clip.media_reference, otio.schema.MissingReference) and clip.source_range.duration.value == 25
    assert [w for w in source.warnings if name in w and "no media" in w]


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_values_are_one_line_input_errors(case: str, tmp_path: Path):
    tracks, words = BAD[case]
    path = _write(tmp_path, _xmeml(tracks))
    with pytest.raises(InputError) as info:
        read_source(path)
    message = str(info.value)
    assert "\n" not in message and path.name in message and words in message


def test_a_sequence_that_contains_itself_is_refused(tmp_path: Path):
    loop = ("<track><clipitem id='n'><name>n</name><start>0</start><end>25</end><in>0</in><out>25</out>"
            "<sequence id='sequence-1'/></clipitem></track>")
    with pytest.raises(InputError, match="contains itself"):
        read_source(_write(tmp_path, _xmeml(loop)))
