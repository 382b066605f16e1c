"""Issue 11, "Say nothing false" (reading rows) and "Real exports read whole": one test (or more) per row.

Rates the file states are never overridden by ``--rate``; drop frame only where it exists; record timecode
that crosses midnight runs on; an unreadable marker frame or start timecode is never read as frame 0; a
``--previous`` plan of another show is named; Premiere multicam items that name only their master clip are
read, and one unreadable clip never refuses a cut. Each is checked on what the reader returns and, where the
row is about output, on the written file reread with an independent reader (pycmx, lxml, pyaaf2).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pycmx
import pytest
from conftest import CORPUS, SAMPLES, run_main
from lxml import etree

from otio_scoreplan.analyse import analyse
from otio_scoreplan.errors import InputError, RateError
from otio_scoreplan.formats import ReadOptions, read_source

# -- --rate is for files that carry no rate ---------------------------------------------------------------

OWN_RATES = {  # sample file -> the rate it states, a rate that contradicts it
    "premiere_sample.xml": ("23.976", 25.0),
    "resolve_sample.fcpxml": ("25", 24.0),
    "avid_sample.aaf": ("24", 25.0),
    "sample.otio": ("24", 23.976),
}


@pytest.mark.parametrize("name", sorted(OWN_RATES))
def test_a_rate_that_contradicts_the_files_own_is_refused_naming_both(name: str) -> None:
    own, other = OWN_RATES[name]
    path = SAMPLES / name
    with pytest.raises(RateError) as info:
        read_source(path, ReadOptions(rate=other))
    message = str(info.value)
    assert name in message and f"--rate {other:g}" in message and f"own rate of {own} fps" in message
    plain = read_source(path)
    same = read_source(path, ReadOptions(rate=plain.rate))  # the file's own rate given again: fine, and no change
    assert (same.rate, same.start_frame) == (plain.rate, plain.start_frame)


def test_the_rate_refusal_is_one_line_exit_2_on_the_command_line() -> None:
    run = run_main("inspect", "--rate", "25", str(SAMPLES / "premiere_sample.xml"))
    assert run.returncode == 2 and "contradicts the file's own rate of 23.976 fps" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and not run.stdout


def test_multi_reel_spot_keeps_each_reels_own_rate() -> None:
    """A reel that states its rate keeps it; ``--rate`` over reels of other rates is refused, not forced."""
    reels = [str(SAMPLES / "premiere_sample.xml"), str(SAMPLES / "resolve_sample.fcpxml")]
    run = run_main("spot", "--json", *reels)
    assert run.returncode == 0, run.stderr
    rates = [round(i["sequence"]["rate"], 3) for i in json.loads(run.stdout)["inputs"]]
    assert rates == [23.976, 25.0]
    forced = run_main("spot", "--json", "--rate", "25", *reels)
    assert forced.returncode == 2 and "premiere_sample.xml" in forced.stderr and "23.976" in forced.stderr


# -- EDL drop frame ----------------------------------------------------------------------------------------


def _edl(tmp_path: Path, fcm: str, name: str = "cut.edl") -> Path:
    path = tmp_path / name
    path.write_text(
        f"TITLE: DF TEST\nFCM: {fcm}\n\n"
        "001  AX       V     C        01:00:00:00 01:00:10:00 01:00:00:00 01:00:10:00 \n"
        "* FROM CLIP NAME:  A.MOV\n"
        "002  BX       V     C        02:00:00:00 02:00:50:00 01:00:10:00 01:01:00:00 \n"
        "* FROM CLIP NAME:  B.MOV\n", encoding="ascii")
    return path


def test_drop_frame_edl_under_rate_25_is_refused(tmp_path: Path) -> None:
    run = run_main("inspect", "--rate", "25", str(_edl(tmp_path, "DROP FRAME")))
    assert run.returncode == 2 and "DROP FRAME" in run.stderr and "29.97 and 59.94" in run.stderr


@pytest.mark.parametrize(("given", "fcm", "rate", "drop"), [
    (30.0, "DROP FRAME", 30000 / 1001, True),  # --rate gives the frame count (30), FCM drop frame: 29.97 DF
    (29.97, "DROP FRAME", 30000 / 1001, True),
    (29.97, "NON-DROP FRAME", 30000 / 1001, False),
    (60.0, "DROP FRAME", 60000 / 1001, True),
    (25.0, "NON-DROP FRAME", 25.0, False),
])
def test_fcm_sets_drop_frame_and_rate_the_frame_count(tmp_path: Path, given, fcm, rate, drop) -> None:
    source = read_source(_edl(tmp_path, fcm), ReadOptions(rate=given))
    assert abs(source.rate - rate) < 1e-9 and source.drop_frame is drop
    # 01:00:00:00 -> 01:01:00:00 is 60 seconds of timecode: 1800 frames at 30 NDF, 1798 in drop frame
    expected = {30: 1800 - (2 if drop else 0), 60: 3600 - (4 if drop else 0), 25: 1500}[round(rate)]
    assert analyse(source).sequence.duration_frames == expected


# -- midnight ------------------------------------------------------------------------------------------------

MIDNIGHT = """TITLE: MIDNIGHT
FCM: NON-DROP FRAME

001  AX       V     C        01:00:00:00 01:01:00:00 23:59:00:00 00:00:00:00 
* FROM CLIP NAME:  A.MOV
002  BX       V     C        02:00:00:00 02:01:00:00 00:00:00:00 00:01:00:00 
* FROM CLIP NAME:  B.MOV
* LOC: 00:00:30:00 RED     AFTER MIDNIGHT
"""


def test_record_timecode_crossing_midnight_runs_on(tmp_path: Path) -> None:
    path = tmp_path / "midnight.edl"
    path.write_text(MIDNIGHT, encoding="ascii")
    source = read_source(path, ReadOptions(rate=25.0))
    analysis = analyse(source)
    seq = analysis.sequence
    assert seq.start_frame == (23 * 3600 + 59 * 60) * 25 and seq.duration_frames == 2 * 60 * 25  # not 24 hours
    assert [(s.start_frame, s.end_frame) for s in analysis.shots] == [(0, 1500), (1500, 3000)]
    (marker,) = analysis.editor_annotations
    assert marker.frame == 1500 + 30 * 25
    # frames continue past 24:00:00:00; the timecodes shown wrap
    assert source.start_frame + marker.frame > 24 * 3600 * 25
    assert seq.timecode(marker.frame) == "00:00:30:00" and seq.timecode(seq.duration_frames) == "00:01:00:00"
    assert any("midnight" in w for w in source.warnings)


def test_a_list_after_midnight_written_back_keeps_its_timecodes(tmp_path: Path) -> None:
    path = tmp_path / "midnight.edl"
    path.write_text(MIDNIGHT, encoding="ascii")
    out = tmp_path / "out.edl"
    run = run_main("apply", "--rate", "25", str(path), "-o", str(out), "--media-dir", str(tmp_path / "media"))
    assert run.returncode == 0, run.stderr
    edl = pycmx.parse_cmx3600(out.open())  # an independent reader
    assert [(e.edits[0].record_in, e.edits[0].record_out) for e in edl.events] == [
        ("23:59:00:00", "00:00:00:00"), ("00:00:00:00", "00:01:00:00")]
    locators = re.findall(r"^\* LOC: (\S+)", out.read_text(), re.MULTILINE)
    assert "00:00:30:00" in locators and all(len(t) == 11 for t in locators)


# -- unreadable marker frames and start timecodes -------------------------------------------------------


def _xmeml(marker_in: str = "50", tc_string: str = "01:00:00:00", tc_frame: str | None = "90000") -> str:
    frame = f"<frame>{tc_frame}</frame>" if tc_frame is not None else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<xmeml version="4"><sequence id="sequence-1"><name>S</name>'
        "<rate><timebase>25</timebase><ntsc>FALSE</ntsc></rate><duration>100</duration>"
        "<media><video><track><clipitem id='a'><name>a</name><rate><timebase>25</timebase></rate><start>0</start>"
        "<end>100</end><in>0</in><out>100</out><file id='f-a'><name>a.mov</name><pathurl>file:///a.mov</pathurl>"
        "<rate><timebase>25</timebase></rate><duration>1000</duration></file></clipitem></track></video></media>"
        f"<marker><name>good</name><in>10</in><out>-1</out></marker>"
        f"<marker><name>SWELL</name><in>{marker_in}</in><out>-1</out></marker>"
        f"<timecode><rate><timebase>25</timebase></rate><string>{tc_string}</string>{frame}</timecode>"
        "</sequence></xmeml>\n")


@pytest.mark.parametrize("bad", ["", "abc", "nan", "1e400"])
def test_an_unreadable_marker_frame_is_left_out_with_a_warning(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "cut.xml"
    path.write_text(_xmeml(marker_in=bad), encoding="utf-8")
    source = read_source(path)
    names = [(a.name, a.frame) for a in analyse(source).editor_annotations]
    assert names == [("good", 10)]  # not ('SWELL', 0)
    assert [w for w in source.warnings if "'SWELL'" in w and "left out" in w]


def test_an_unreadable_start_timecode_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    path.write_text(_xmeml(tc_string="01:xx:00:00", tc_frame=None), encoding="utf-8")
    with pytest.raises(InputError, match=r"start timecode '01:xx:00:00' cannot be read"):
        read_source(path)


def test_an_unreadable_start_timecode_with_a_frame_count_uses_it_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    path.write_text(_xmeml(tc_string="99:99:99:99", tc_frame="90000"), encoding="utf-8")
    source = read_source(path)
    assert source.start_frame == 90000
    assert [w for w in source.warnings if "'99:99:99:99'" in w]


# -- --previous of another show ---------------------------------------------------------------------------


def test_a_previous_plan_of_another_show_is_named(tmp_path: Path) -> None:
    other = run_main("spot", "--json", str(SAMPLES / "premiere_sample.xml"))
    assert other.returncode == 0
    previous = tmp_path / "other.json"
    previous.write_text(other.stdout, encoding="utf-8")
    cut = CORPUS / "premiere" / "nrk_60_sek_Jokulhlup.xml"
    run = run_main("spot", "--json", "--previous", str(previous), str(cut))
    assert run.returncode == 0, run.stderr
    warnings = json.loads(run.stdout)["warnings"]
    assert [w for w in warnings if "shares neither the sequence name nor any shot" in w and "ANNA_R1_v12_MX_SPOT" in w]
    # the same show (a recut keeps its name and shots): no such warning
    same = run_main("spot", "--json", "--previous", str(previous), str(SAMPLES / "premiere_sample.xml"))
    assert not [w for w in json.loads(same.stdout)["warnings"] if "shares neither" in w]


# -- Premiere multicam: items that name only their master clip -------------------------------------------

MULTICAM = CORPUS / "premiere" / "nrk_Multicam_Moser_1.xml"


def _without_nested_references(tmp_path: Path, every: bool = False) -> tuple[Path, int]:
    """The corpus multicam export with the ``<sequence id=".."/>`` references inside clipitems to their master
    clip's first multicam sequence (``every``: to any) taken out: such items then name their multicam source by
    ``<masterclipid>`` alone, as Premiere broadcast masters do."""
    tree = etree.parse(str(MULTICAM), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    first: dict[str, str] = {}  # master clip -> the id of the first sequence given in full at one of its items
    for item in tree.getroot().iter("clipitem"):
        nested = item.find("sequence")
        if nested is not None and len(nested):
            first.setdefault(item.findtext("masterclipid") or "", nested.get("id"))
    dropped = 0
    for item in tree.getroot().iter("clipitem"):
        nested, master = item.find("sequence"), item.findtext("masterclipid")
        if nested is not None and not len(nested) and master and (every or first.get(master) == nested.get("id")):
            item.remove(nested)
            dropped += 1
    path = tmp_path / "multicam_by_masterclipid.xml"
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)
    return path, dropped


def test_multicam_items_named_by_masterclipid_are_read_as_their_master_clip(tmp_path: Path) -> None:
    path, dropped = _without_nested_references(tmp_path)
    assert dropped >= 3
    reduced, original = analyse(read_source(path)), analyse(read_source(MULTICAM))
    assert [(s.start_frame, s.end_frame, s.name, s.source) for s in reduced.shots] == \
        [(s.start_frame, s.end_frame, s.name, s.source) for s in original.shots]
    assert reduced.sequence.duration_frames == original.sequence.duration_frames
    out = tmp_path / "out.xml"
    run = run_main("apply", str(path), "-o", str(out), "--media-dir", str(tmp_path / "media"))
    assert run.returncode == 0, run.stderr


def test_a_master_clip_with_several_contents_is_read_with_its_first_and_a_warning(tmp_path: Path) -> None:
    path, _ = _without_nested_references(tmp_path, every=True)
    source = read_source(path)
    assert [w for w in source.warnings if "'masterclip-41'" in w and "3 different" in w]
    assert analyse(source).sequence.duration_frames == analyse(read_source(MULTICAM)).sequence.duration_frames


def test_a_clip_that_cannot_be_read_is_an_opaque_clip_not_a_refused_cut(tmp_path: Path) -> None:
    path, _ = _without_nested_references(tmp_path)
    tree = etree.parse(str(path))
    lost = next(i for i in tree.getroot().iter("clipitem") if i.find("sequence") is None and i.find("file") is None)
    lost.remove(lost.find("masterclipid"))
    lost_id = lost.get("id")
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)
    source = read_source(path)
    assert [w for w in source.warnings if lost_id in w and "no media" in w]
    original = analyse(read_source(MULTICAM))
    assert analyse(source).sequence.duration_frames == original.sequence.duration_frames


# -- AAF: a master-clip-only file ------------------------------------------------------------------------


def test_a_master_clip_aaf_is_named_as_a_master_clip_and_reads_back_as_the_editors(tmp_path: Path) -> None:
    path = CORPUS / "avid" / "marker-over-audio.aaf"
    out = tmp_path / "out.aaf"
    run = run_main("apply", str(path), "-o", str(out), "--media-dir", str(tmp_path / "media"))
    assert run.returncode == 0, run.stderr
    notes = [line for line in run.stdout.splitlines() if "note:" in line]
    assert notes and all("the sequence is now" not in n for n in notes)
    assert any("master clip" in n and "new MobID" in n for n in notes)
    before, after = read_source(path), read_source(out)
    assert after.timeline.name == before.timeline.name
    assert [c.name for c in after.timeline.find_clips() if "[scoreplan]" not in c.name] == \
        [c.name for c in before.timeline.find_clips()]


def test_a_negative_aaf_start_timecode_is_refused_not_read_as_zero(tmp_path: Path) -> None:
    import shutil

    import aaf2

    path = tmp_path / "negative_start.aaf"
    shutil.copyfile(SAMPLES / "avid_sample.aaf", path)
    with aaf2.open(str(path), "rw") as f:
        for mob in f.content.toplevel():
            for slot in mob.slots:
                seg = slot.segment
                for comp in seg.components if isinstance(seg, aaf2.components.Sequence) else [seg]:
                    if isinstance(comp, aaf2.components.Timecode):
                        comp["Start"].value = -100
    with pytest.raises(InputError, match=r"start timecode is a negative frame count \(-100\)"):
        read_source(path)


def test_an_edl_locator_at_a_timecode_that_does_not_exist_is_skipped_with_a_warning(tmp_path: Path) -> None:
    """A locator naming no real frame marks no place: it is left out, said with its line; the list is read (it was
    refused whole, issue 11 follow-up); an event's impossible timecode still refuses the list."""
    path = tmp_path / "loc.edl"
    path.write_text(MIDNIGHT.replace("* LOC: 00:00:30:00", "* LOC: 00:00:75:00"), encoding="ascii")
    source = read_source(path, ReadOptions(rate=25.0))
    assert not analyse(source).editor_annotations and len(analyse(source).shots) == 2
    assert [w for w in source.warnings if "locator line(s) with no readable timecode were skipped (line 8)" in w]
    path.write_text(MIDNIGHT.replace("23:59:00:00 00:00:00:00", "23:59:00:00 00:00:75:00"), encoding="ascii")
    with pytest.raises(InputError, match=r"line 4: timecode 00:00:75:00 does not exist"):
        read_source(path, ReadOptions(rate=25.0))


def test_an_fcpxml_marker_without_a_start_is_left_out_with_a_warning(tmp_path: Path) -> None:
    text = (SAMPLES / "resolve_sample.fcpxml").read_text(encoding="utf-8")
    path = tmp_path / "cut.fcpxml"
    path.write_text(text.replace('<marker start="52868s" duration="100/2500s" value="MUSIC IN - tension"',
                                 '<marker duration="100/2500s" value="MUSIC IN - tension"'), encoding="utf-8")
    source = read_source(path)
    names = [a.name for a in analyse(source).editor_annotations]
    before = [a.name for a in analyse(read_source(SAMPLES / "resolve_sample.fcpxml")).editor_annotations]
    assert "MUSIC IN - tension" in before and names == [n for n in before if n != "MUSIC IN - tension"]
    assert [w for w in source.warnings if "'MUSIC IN - tension'" in w and "left out" in w]
