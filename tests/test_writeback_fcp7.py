"""FCP7 XML write-back over every xmeml of the corpus: preserved, valid as before, cues where planned."""

from __future__ import annotations

import opentimelineio as otio
import pytest
from conftest import VALIDATORS, corpus_files, corpus_id
from plans import apply_spread_plans, spread_plan
from xmlcompare import dtd_error_kinds, parse, preservation_errors

from otio_scoreplan import OUR_TOKEN
from otio_scoreplan.analyse import analyse
from otio_scoreplan.formats import read_source
from otio_scoreplan.formats.writeback import apply_plan
from otio_scoreplan.formats.xmeml.write import ID_PREFIX

XMEML = [p for p in corpus_files() if p.suffix.lower() == ".xml"]


def _added(el) -> bool:
    if el.tag == "marker":
        return OUR_TOKEN in (el.findtext("comment") or "")
    if el.tag == "clipitem":  # ours on the editor's own empty music track (the track itself is the editor's)
        return (el.get("id") or "").startswith(ID_PREFIX)
    if el.tag == "track":  # a track we made: only our items, named ours or not at all
        items = el.findall("clipitem")
        name = (el.findtext("name") or el.get("MZ.TrackName") or "").strip()
        return bool(items) and all((i.get("id") or "").startswith(ID_PREFIX) for i in items) and \
            (not name or name.startswith("TEMP MX"))
    return False


@pytest.fixture(scope="module")
def applied(tmp_path_factory):
    """Apply a spread plan to each readable corpus xmeml once; keyed by path."""
    return {p: v[:4] for p, v in apply_spread_plans(XMEML, ".xml", tmp_path_factory).items()}


@pytest.mark.parametrize("path", XMEML, ids=corpus_id)
def test_every_original_element_is_kept(path, applied):
    if path not in applied:
        pytest.skip("not readable (covered by the reader tests)")
    _, _, _, out = applied[path]
    errors = preservation_errors(parse(path).getroot(), parse(out).getroot(), _added)
    assert errors == []


@pytest.mark.parametrize("path", XMEML, ids=corpus_id)
def test_no_new_kind_of_dtd_error(path, applied):
    if path not in applied:
        pytest.skip("not readable")
    _, _, _, out = applied[path]
    version = parse(path).getroot().get("version") or "5"
    dtd = VALIDATORS / "xmeml" / f"xmeml_v{version}.dtd"
    assert dtd_error_kinds(parse(out), dtd) <= dtd_error_kinds(parse(path), dtd)


@pytest.mark.parametrize("path", XMEML, ids=corpus_id)
def test_cues_reread_where_planned(path, applied):
    if path not in applied:
        pytest.skip("not readable")
    source, analysis, plan, out = applied[path]
    again = analyse(read_source(out))
    ours = [(a.frame, a.name) for a in again.annotations if a.ours]
    expected = sorted([(c.start_frame, f"{c.id} {c.moods[0]}") for c in plan.cues]
                      + [(h.frame, f"{c.id} hit: {h.label}") for c in plan.cues for h in c.hits])
    assert sorted(ours) == expected
    # the editor's own annotations are all still there, and not mistaken for ours
    assert [(a.frame, a.name, a.comment) for a in again.editor_annotations] == \
        [(a.frame, a.name, a.comment) for a in analysis.editor_annotations]
    assert again.shots == analysis.shots
    temp = [(c.start_frame, c.end_frame) for c in again.audio_clips if OUR_TOKEN in c.name]
    # one clip per channel (OTIO reads a Premiere stereo pair as one track, plain xmeml as two)
    planned = [(c.start_frame, c.end_frame) for c in plan.cues]
    assert set(temp) == set(planned)
    assert len(temp) in (len(planned), 2 * len(planned))


@pytest.mark.parametrize("path", XMEML, ids=corpus_id)
def test_otio_rereads_output(path, applied):
    if path not in applied:
        pytest.skip("not readable")
    _, _, plan, out = applied[path]
    timeline = otio.adapters.read_from_file(str(out), adapter_name="fcp_xml")
    if isinstance(timeline, otio.schema.SerializableCollection):
        timeline = next(iter(timeline.find_children(descended_from_type=otio.schema.Timeline)))
    names = [m.name for m in timeline.tracks.markers]
    for cue in plan.cues:
        assert f"{cue.id} {cue.moods[0]}" in names


@pytest.mark.parametrize("path", XMEML, ids=corpus_id)
def test_second_apply_changes_nothing(path, applied, tmp_path):
    if path not in applied:
        pytest.skip("not readable")
    _, _, plan, out = applied[path]
    again = tmp_path / "again.xml"
    apply_plan(read_source(out), plan, again, media_dir=out.parent / "media")
    assert again.read_bytes() == out.read_bytes()


def test_refuses_to_overwrite_input(tmp_path):
    src_path = tmp_path / "cut.xml"
    src_path.write_bytes(XMEML[0].read_bytes())
    source = read_source(src_path)
    before = src_path.read_bytes()
    from otio_scoreplan.errors import ScorePlanError

    with pytest.raises(ScorePlanError, match="overwrite the input"):
        apply_plan(source, spread_plan(analyse(source)), src_path)
    assert src_path.read_bytes() == before


def _two_sequences() -> bytes:
    def seq(sid: str, name: str) -> str:
        return (f'<sequence id="{sid}"><name>{name}</name><rate><timebase>25</timebase><ntsc>FALSE</ntsc></rate>'
                "<duration>3000</duration><media><video><track><clipitem id='c-" + sid + "'><name>a</name><rate>"
                "<timebase>25</timebase></rate><start>0</start><end>3000</end><in>0</in><out>3000</out>"
                "<file id='f-" + sid + "'><name>a.mov</name><pathurl>file:///a.mov</pathurl><rate><timebase>25"
                "</timebase></rate><duration>9000</duration></file></clipitem></track></video><audio/></media>"
                "<timecode><rate><timebase>25</timebase></rate><string>01:00:00:00</string></timecode></sequence>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<xmeml version="4"><project><name>P</name><children>'
            + seq("s1", "Cut") + seq("s2", "Cut ") + "</children></project></xmeml>\n").encode()


def test_the_writer_uses_the_sequence_the_reader_chose(tmp_path, monkeypatch):
    """Source.element is the <sequence> the reader chose; the writer edits that one, not one found again by name
    (two sequences whose names differ by a trailing space read as the same name)."""
    import otio_scoreplan.formats.xmeml.write as xmeml_write
    from otio_scoreplan.formats import ReadOptions

    path = tmp_path / "two.xml"
    path.write_bytes(_two_sequences())
    source = read_source(path, ReadOptions(sequence="Cut "))
    root = source.document.getroot()
    assert source.element is list(root.iter("sequence"))[1]

    def no_lookup(*args, **kwargs):
        raise AssertionError("the writer looked the sequence up again")

    monkeypatch.setattr(xmeml_write, "find_sequence", no_lookup)
    out = tmp_path / "out.xml"
    apply_plan(source, spread_plan(analyse(source)), out, media_dir=tmp_path / "media")
    first, second = parse(out).getroot().iter("sequence")
    assert not [m for m in first.findall("marker") if OUR_TOKEN in (m.findtext("comment") or "")]
    assert len([m for m in second.findall("marker") if OUR_TOKEN in (m.findtext("comment") or "")]) == 3 + 2
    assert preservation_errors(parse(path).getroot(), parse(out).getroot(), _added) == []
