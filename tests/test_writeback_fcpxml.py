"""FCPXML write-back over every FCPXML of the corpus (and the Resolve sample): preserved, valid
against the DTD of its own version, cues and temp clips where planned, stable on a second run."""

from __future__ import annotations

import json
import re
import shutil
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest
from conftest import SAMPLES, VALIDATORS, corpus_files, corpus_id, run_cli
from lxml import etree
from plans import applied_or_skip, apply_spread_plans, spread_plan
from xmlcompare import parse, preservation_errors

from otio_scoreplan import OUR_TOKEN
from otio_scoreplan.analyse import analyse
from otio_scoreplan.errors import InputError, ScorePlanError, SequenceChoiceError
from otio_scoreplan.formats import ReadOptions, read_source
from otio_scoreplan.formats.fcpxml.read import sequence_candidates
from otio_scoreplan.formats.fcpxml.write import ID_PREFIX, is_our_element
from otio_scoreplan.formats.writeback import apply_plan
from otio_scoreplan.plan.model import Cue, Hit, Plan

FCPXML = [p for p in corpus_files() if p.suffix.lower() in (".fcpxml", ".fcpxmld")] + [SAMPLES / "resolve_sample.fcpxml"]


def fcpxml_id(path: Path) -> str:
    return path.name if path.parent == SAMPLES else corpus_id(path)


def _doc(path: Path) -> etree._ElementTree:
    return parse(path / "Info.fcpxml" if path.is_dir() else path)


def _dtd_errors(path: Path) -> list[str]:
    tree = _doc(path)
    version = tree.getroot().get("version").replace(".", "_")
    dtd = etree.DTD(str(VALIDATORS / "fcpxml" / f"FCPXMLv{version}.dtd"))
    return [] if dtd.validate(tree) else [f"line {e.line}: {e.message}" for e in dtd.error_log][:5]


def _planned_markers(plan: Plan) -> list[tuple[int, str]]:
    return sorted([(c.start_frame, f"{c.id} {c.moods[0]}") for c in plan.cues]
                  + [(h.frame, f"{c.id} hit: {h.label}") for c in plan.cues for h in c.hits])


@pytest.fixture(scope="module")
def applied(tmp_path_factory):
    """Apply a spread plan to each readable FCPXML long enough for one, once; keyed by path."""
    return {p: v[:4] for p, v in apply_spread_plans(FCPXML, ".fcpxml", tmp_path_factory, skip_without_cues=True).items()}


def _get(applied, path):
    return applied_or_skip(applied, path, "not readable as one sequence, or too short for a plan (covered by the reader tests)")


def test_the_corpus_is_covered(applied):
    assert len(applied) >= 20  # 20 corpus files + the Resolve sample were readable when this was written


@pytest.mark.parametrize("path", FCPXML, ids=fcpxml_id)
def test_every_original_element_is_kept(path, applied):
    _, _, _, out = _get(applied, path)
    assert preservation_errors(_doc(path).getroot(), _doc(out).getroot(), is_our_element) == []


@pytest.mark.parametrize("path", FCPXML, ids=fcpxml_id)
def test_output_validates_against_its_own_dtd(path, applied):
    _, _, _, out = _get(applied, path)
    assert _doc(out).getroot().get("version") == _doc(path).getroot().get("version")
    assert _dtd_errors(out) == []


@pytest.mark.parametrize("path", FCPXML, ids=fcpxml_id)
def test_cues_and_temp_clips_reread_where_planned(path, applied):
    _, analysis, plan, out = _get(applied, path)
    again = analyse(read_source(out))
    assert sorted((a.frame, a.name) for a in again.annotations if a.ours) == _planned_markers(plan)
    assert [(a.frame, a.name, a.comment) for a in again.editor_annotations] == \
        [(a.frame, a.name, a.comment) for a in analysis.editor_annotations]
    assert again.shots == analysis.shots
    temp = sorted((c.start_frame, c.end_frame) for c in again.audio_clips if OUR_TOKEN in c.name)
    assert temp == sorted((c.start_frame, c.end_frame) for c in plan.cues)
    assert all(c.ours for c in again.audio_clips if OUR_TOKEN in c.name)
    editors = [(c.start_frame, c.end_frame, c.name) for c in analysis.audio_clips]
    assert [(c.start_frame, c.end_frame, c.name) for c in again.audio_clips if not c.ours] == editors


@pytest.mark.parametrize("path", FCPXML, ids=fcpxml_id)
def test_temp_clips_are_connected_below_the_editors_lanes_with_music_roles(path, applied):
    _, _, plan, out = _get(applied, path)
    root = _doc(out).getroot()
    ours = [el for el in root.iter("asset-clip", "audio") if (el.get("ref") or "").startswith(ID_PREFIX)]
    assert len(ours) == len(plan.cues)
    lowest = 0
    for el in ours:
        host = el.getparent()
        item = host.getparent() if host.getparent().tag == "audition" else host
        storyline = item.getparent()
        assert storyline.tag == "spine" and storyline.getparent().tag == "sequence"  # a primary-storyline item
        for sibling in storyline:
            hosts = list(sibling) if sibling.tag == "audition" else [sibling]
            lanes_used = [int(c.get("lane")) for h in hosts for c in h if c.get("lane") and not is_our_element(c)]
            lowest = min([lowest] + lanes_used)
    lanes = {}
    for el in ours:
        role = el.get("audioRole") or el.get("role")
        assert role.startswith("music.TEMP MX ")
        lanes.setdefault(role, set()).add(int(el.get("lane")))
    assert lanes["music.TEMP MX A"] == {min(lowest, 0) - 1}
    assert lanes["music.TEMP MX B"] == {min(lowest, 0) - 2}
    assets = {el.get("id"): el for el in root.iter("asset") if is_our_element(el)}
    for el in ours:
        asset = assets[el.get("ref")]
        assert asset.get("hasAudio") == "1" and asset.get("audioChannels") == "2"
        url = asset.get("src") or asset.find("media-rep").get("src")
        assert url.startswith("file://") and Path(url[len("file://"):]).is_file()


def _time(text: str) -> Fraction:
    body = text[:-1]
    num, _, den = body.partition("/")
    return Fraction(int(num), int(den or 1))


def _off_frame_times(out: Path) -> list[tuple[str, str]]:
    """Times we wrote that are neither on their host's frame grid (its own format's, a compound or
    multicam clip's inner sequence's, else the sequence's) nor exactly on a sequence frame."""
    root = _doc(out).getroot()
    formats = {f.get("id"): f for f in root.iter("format")}
    bad = []
    for el in root.iter():
        if not (isinstance(el.tag, str) and is_our_element(el)) or el.tag == "asset":
            continue
        host = el.getparent()
        seq = next(a for a in el.iterancestors("sequence"))
        seq_frame = _time(formats[seq.get("format")].get("frameDuration"))
        fmt = formats.get(host.get("format"))
        if fmt is None and host.tag in ("ref-clip", "mc-clip"):
            media = next(m for m in root.iter("media") if m.get("id") == host.get("ref"))
            fmt = formats.get(next(c for c in media if c.tag in ("sequence", "multicam")).get("format"))
        frame = _time(fmt.get("frameDuration")) if fmt is not None and fmt.get("frameDuration") else seq_frame
        attr = "start" if el.tag == "marker" else "offset"
        local = _time(el.get(attr))
        if (local / frame).denominator != 1:
            item = host.getparent() if host.getparent().tag == "audition" else host
            asset = next((a for a in root.iter("asset") if a.get("id") == host.get("ref")), host)
            start = _time(host.get("start") or asset.get("start") or "0s")  # a clip's start defaults to its media's
            record = _time(item.get("offset")) - _time(seq.get("tcStart") or "0s") + local - start
            if (record / seq_frame).denominator != 1:
                bad.append((el.get("value") or el.get("name"), f"{attr}={el.get(attr)}"))
        if el.tag != "marker" and (_time(el.get("duration")) / seq_frame).denominator != 1:
            bad.append((el.get("name"), f"duration={el.get('duration')}"))
    return bad


@pytest.mark.parametrize("path", FCPXML, ids=fcpxml_id)
def test_added_times_sit_on_a_frame(path, applied):
    """Final Cut Pro refuses times between frames: every time we write is a whole number of frames
    of the element it lives in or, in retimed and mixed-rate clips (see writeback.fcpxml_place),
    exactly on the planned sequence frame."""
    _, _, _, out = _get(applied, path)
    assert _off_frame_times(out) == []


@pytest.mark.parametrize("path", FCPXML, ids=fcpxml_id)
def test_cues_are_standard_markers_and_hits_to_dos(path, applied):
    _, _, plan, out = _get(applied, path)
    ours = [m for m in _doc(out).getroot().iter("marker") if is_our_element(m)]
    assert len(ours) == len(_planned_markers(plan))
    for m in ours:
        assert OUR_TOKEN in m.get("note") and OUR_TOKEN not in m.get("value")
        assert m.get("completed") == ("0" if " hit: " in m.get("value") else None)


@pytest.mark.parametrize("path", FCPXML, ids=fcpxml_id)
def test_second_apply_changes_nothing(path, applied, tmp_path):
    _, _, plan, out = _get(applied, path)
    again = tmp_path / "again.fcpxml"
    apply_plan(read_source(out), plan, again, media_dir=out.parent / "media")
    assert again.read_bytes() == out.read_bytes()


def _otio_read(path: Path):
    result = otio.adapters.read_from_file(str(path), adapter_name="fcpx_xml")
    timelines = [result] if isinstance(result, otio.schema.Timeline) else \
        list(result.find_children(descended_from_type=otio.schema.Timeline))
    return [c for t in timelines for c in t.find_clips()]


@pytest.mark.parametrize("path", [p for p in FCPXML if not p.is_dir()], ids=fcpxml_id)
def test_otio_rereads_output(path, applied):
    """Where OTIO's fcpx_xml adapter reads clips from the input, it reads the output with our temp clips.

    (On files whose storyline holds only titles, auditions or compound clips the adapter reads
    nothing from the input, and it crashes on connected clips hanging from a title: its
    ``_format_id_for_clip`` expects an asset or a compound clip behind every parent.)"""
    _, _, plan, out = _get(applied, path)
    try:
        before = _otio_read(path)
    except Exception:
        pytest.skip("OTIO's fcpx_xml adapter cannot read the input")
    if not before:
        pytest.skip("OTIO's fcpx_xml adapter reads no clip from the input")
    after = _otio_read(out)
    assert sorted(c.name for c in after if OUR_TOKEN in c.name) == sorted(
        f"{c.id} {c.moods[0]} (unassigned) {OUR_TOKEN}" for c in plan.cues)
    assert len(after) == len(before) + len(plan.cues)


def _dense_plan(analysis) -> Plan:
    """A short cue inside every shot (up to 40), so that every kind of storyline item holds one."""
    cues = []
    for i, shot in enumerate(analysis.shots[:40]):
        if shot.end_frame - shot.start_frame < 4:
            continue
        start = shot.start_frame + 1
        end = min(shot.end_frame, start + 48)
        hits = (Hit(start + 1, "sting"),) if i % 3 == 0 else ()
        cues.append(Cue(start, end, moods=("calm",), id=f"9M{i + 1}", hits=hits))
    return Plan(sequences=[analysis.sequence], fingerprints=[""], cues=cues)


@pytest.mark.parametrize("path", FCPXML, ids=fcpxml_id)
def test_a_cue_in_every_shot(path, tmp_path):
    """Cues on every kind of storyline item the corpus has (clips, gaps, titles, compound and
    multicam clips, auditions, retimed clips at other rates) reread where planned and validate."""
    try:
        source = read_source(path)
    except InputError:
        pytest.skip("not readable as one sequence")
    analysis = analyse(source)
    plan = _dense_plan(analysis)
    if not plan.cues:
        pytest.skip("no shot long enough")
    out = tmp_path / "dense.fcpxml"
    apply_plan(source, plan, out, media_dir=tmp_path / "media")
    assert _dtd_errors(out) == []
    assert _off_frame_times(out) == []
    again = analyse(read_source(out))
    assert sorted((a.frame, a.name) for a in again.annotations if a.ours) == _planned_markers(plan)
    temp = sorted((c.start_frame, c.end_frame) for c in again.audio_clips if OUR_TOKEN in c.name)
    assert temp == sorted((c.start_frame, c.end_frame) for c in plan.cues)


def _retimed_corpus() -> list[Path]:
    return [p for p in FCPXML if p.is_file() and b"<timeMap" in p.read_bytes()]


@pytest.mark.parametrize("path", _retimed_corpus(), ids=fcpxml_id)
def test_cues_on_retimed_clips(path, tmp_path):
    """A cue inside each retimed (timeMap) clip of the primary storyline lands on its planned frame:
    markers live in the clip's local time, which a retime does not change."""
    source = read_source(path)
    analysis = analyse(source)
    seq = next(c.sequence for c in sequence_candidates(source.document.getroot()) if c.name == source.timeline.name)
    tc_start = _time(seq.get("tcStart") or "0s")
    rate = Fraction(source.rate).limit_denominator(1001)
    cues = []
    for i, el in enumerate(x for x in seq.find("spine") if x.find("timeMap") is not None):
        first = (_time(el.get("offset")) - tc_start) * rate
        last = first + _time(el.get("duration")) * rate
        start = int(first) + 2
        if start + 4 < last:
            cues.append(Cue(start, int(last) - 1, moods=("odd",), id=f"8M{i + 1}", hits=(Hit(start + 2, "hit"),)))
    assert cues, "the file has retimed clips on its storyline"
    plan = Plan(sequences=[analysis.sequence], fingerprints=[""], cues=cues)
    out = tmp_path / "retimed.fcpxml"
    apply_plan(source, plan, out, media_dir=tmp_path / "media")
    again = analyse(read_source(out))
    assert sorted((a.frame, a.name) for a in again.annotations if a.ours) == _planned_markers(plan)
    assert _dtd_errors(out) == []


def _multi_sequence_files() -> list[Path]:
    found = []
    for path in FCPXML:
        try:
            read_source(path)
        except SequenceChoiceError:
            found.append(path)
        except InputError:
            continue
    return found


@pytest.mark.parametrize("path", _multi_sequence_files(), ids=fcpxml_id)
def test_each_sequence_of_a_multi_sequence_file(path, tmp_path):
    """Cues applied to each sequence in turn stay with their sequence; re-applying one changes nothing."""
    names = [c.name for c in sequence_candidates(_doc(path).getroot())]
    current, plans = path, {}
    for n, name in enumerate(names):
        source = read_source(current, ReadOptions(sequence=name))
        plans[name] = spread_plan(analyse(source))
        out = tmp_path / f"step{n}.fcpxml"
        apply_plan(source, plans[name], out, media_dir=tmp_path / "media")
        current = out
    assert preservation_errors(_doc(path).getroot(), _doc(current).getroot(), is_our_element) == []
    assert _dtd_errors(current) == []
    for name in names:
        again = analyse(read_source(current, ReadOptions(sequence=name)))
        assert sorted((a.frame, a.name) for a in again.annotations if a.ours) == _planned_markers(plans[name])
    redo = tmp_path / "redo.fcpxml"
    apply_plan(read_source(current, ReadOptions(sequence=names[0])), plans[names[0]], redo, media_dir=tmp_path / "media")
    assert redo.read_bytes() == current.read_bytes()


def test_bundles_in_and_out(tmp_path, applied):
    """A .fcpxmld output is a bundle folder with Info.fcpxml; an input bundle's other files come along."""
    path = next(p for p in applied if p.name.startswith("fortis_"))
    bundle = tmp_path / "cut.fcpxmld"
    bundle.mkdir()
    shutil.copy(path, bundle / "Info.fcpxml")
    (bundle / "Storyboard.txt").write_text("kept")
    source = read_source(bundle)
    plan = spread_plan(analyse(source))
    out = tmp_path / "cut scored.fcpxmld"
    apply_plan(source, plan, out, media_dir=tmp_path / "media")
    assert sorted(p.name for p in out.iterdir()) == ["Info.fcpxml", "Storyboard.txt"]
    assert _dtd_errors(out) == []
    again = analyse(read_source(out))
    assert sorted((a.frame, a.name) for a in again.annotations if a.ours) == _planned_markers(plan)
    # over an earlier bundle of ours: replaced whole, same content
    first = (out / "Info.fcpxml").read_bytes()
    apply_plan(source, plan, out, media_dir=tmp_path / "media")
    assert (out / "Info.fcpxml").read_bytes() == first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left behind
    flat = tmp_path / "flat.fcpxml"
    apply_plan(read_source(out), plan, flat, media_dir=tmp_path / "media")
    assert flat.read_bytes() == first


def test_refuses_to_overwrite_input(tmp_path, applied):
    path = next(iter(applied))
    src = tmp_path / "cut.fcpxml"
    src.write_bytes(path.read_bytes())
    source = read_source(src)
    with pytest.raises(ScorePlanError, match="overwrite the input"):
        apply_plan(source, spread_plan(analyse(source)), src)
    assert src.read_bytes() == path.read_bytes()
    bundle = tmp_path / "cut.fcpxmld"
    bundle.mkdir()
    (bundle / "Info.fcpxml").write_bytes(path.read_bytes())
    source = read_source(bundle)
    with pytest.raises(ScorePlanError, match="overwrite the input"):
        apply_plan(source, spread_plan(analyse(source)), bundle)
    assert (bundle / "Info.fcpxml").read_bytes() == path.read_bytes()


def _old_document(version: str) -> str:
    """A small hand-written FCPXML of an old version: a gap, a clip and a title, each clip with a marker."""
    minor = int(version.split(".")[1])
    note = ' note="the editor\'s note"' if minor >= 1 else ""  # FCPXML 1.0 markers have no note
    resources = """<resources>
        <format id="r1" name="FFVideoFormat1080p25" frameDuration="100/2500s" width="1920" height="1080"/>
        <asset id="r2" name="A001" src="file:///Volumes/Media/A001.mov" start="0s" duration="60s" hasVideo="1" hasAudio="1" audioChannels="2" audioRate="48000"/>
        <effect id="r3" name="Basic Title" uid=".../Titles.localized/Bumper:Opener.localized/Basic Title.localized/Basic Title.moti"/>
    </resources>"""
    text = "<text>THE END</text>"  # a title's text follows its markers before 1.3, comes first from 1.3
    title = f"""<title ref="r3" name="End title" offset="3614s" start="0s" duration="6s">{text if minor >= 3 else ""}
                        <marker start="1s" duration="100/2500s" value="title marker"/>{text if minor < 3 else ""}
                    </title>"""
    sequence = f"""<sequence format="r1" duration="20s" tcStart="3600s" tcFormat="NDF">
                <spine>
                    <gap name="Gap" offset="3600s" start="3600s" duration="4s"/>
                    <clip name="Shot 2" offset="3604s" start="10s" duration="10s" format="r1">
                        <video ref="r2" offset="10s" start="10s" duration="10s"/>
                        <marker start="12s" duration="100/2500s" value="editor marker"{note}/>
                    </clip>
                    {title}
                </spine>
            </sequence>"""
    if minor < 4:  # resources inside the project before FCPXML 1.4
        body = f"""<project name="Old Cut">
        {resources}
        {sequence}
    </project>"""
    else:
        body = f"""{resources}
    <library>
        <event name="Event">
            <project name="Old Cut">
                {sequence}
            </project>
        </event>
    </library>"""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n<fcpxml version="{version}">\n    {body}\n</fcpxml>\n'


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8"])
def test_older_versions(version, tmp_path):
    """Before 1.6 temp clips are ``audio`` elements with ``role``; before 1.9 assets carry ``src``;
    before 1.4 resources live in the project; FCPXML 1.0 markers have no note (the comment joins the name)."""
    path = tmp_path / "old.fcpxml"
    path.write_text(_old_document(version))
    assert _dtd_errors(path) == []
    source = read_source(path)
    analysis = analyse(source)
    plan = spread_plan(analysis)
    out = tmp_path / "out.fcpxml"
    apply_plan(source, plan, out, media_dir=tmp_path / "media")
    assert _dtd_errors(out) == []
    assert preservation_errors(_doc(path).getroot(), _doc(out).getroot(), is_our_element) == []
    assert _off_frame_times(out) == []
    again = analyse(read_source(out))
    ours = sorted((a.frame, a.name.split(" - ")[0]) for a in again.annotations if a.ours)
    assert ours == _planned_markers(plan)
    assert [(a.frame, a.name) for a in again.editor_annotations] == [(150, "editor marker"), (375, "title marker")]
    assert sorted((c.start_frame, c.end_frame) for c in again.audio_clips if c.ours) == \
        sorted((c.start_frame, c.end_frame) for c in plan.cues)
    clip_tag = "asset-clip" if int(version.split(".")[1]) >= 6 else "audio"
    assert len([el for el in _doc(out).getroot().iter(clip_tag) if is_our_element(el)]) == len(plan.cues)
    redo = tmp_path / "redo.fcpxml"
    apply_plan(read_source(out), plan, redo, media_dir=tmp_path / "media")
    assert redo.read_bytes() == out.read_bytes()


@pytest.mark.parametrize("path", FCPXML, ids=fcpxml_id)
def test_an_empty_plan_takes_our_additions_out_again(path, applied, tmp_path):
    """Writing no cues over our own output gives back the editor's file exactly."""
    source, analysis, _, out = _get(applied, path)
    empty = Plan(sequences=[analysis.sequence], fingerprints=[""], cues=[])
    clean = tmp_path / "clean.fcpxml"
    apply_plan(read_source(out), empty, clean, media_dir=tmp_path / "media")
    assert preservation_errors(_doc(path).getroot(), _doc(clean).getroot(), lambda el: False) == []
    assert ID_PREFIX.encode() not in clean.read_bytes() and OUR_TOKEN.encode() not in clean.read_bytes()
    # down to the byte: declaration, doctype, layout and line endings (CR, CR LF) as the editor's file
    assert clean.read_bytes() == path.read_bytes()


def test_an_empty_storyline_is_refused_in_one_line(tmp_path):
    text = re.sub(r"<spine>.*</spine>", "<spine/>", _old_document("1.8"), flags=re.S)
    path = tmp_path / "empty.fcpxml"
    path.write_text(text)
    source = read_source(path)
    analysis = analyse(source)
    plan = Plan(sequences=[analysis.sequence], fingerprints=[""], cues=[Cue(10, 100, moods=("calm",), id="1M1")])
    out = tmp_path / "out.fcpxml"
    with pytest.raises(InputError, match="storyline is empty") as info:
        apply_plan(source, plan, out, media_dir=tmp_path / "media")
    assert "\n" not in str(info.value) and str(path) in str(info.value)
    assert not out.exists()


def test_cli_apply_with_the_planners_own_plan(tmp_path):
    """`scoreplan spot --json` then `scoreplan apply --plan` on the Resolve/FCP sample, as a user runs them;
    with a .fcpxmld output the bundle holds the same document."""
    sample = SAMPLES / "resolve_sample.fcpxml"
    spotted = run_cli("spot", str(sample), "--json")
    assert spotted.returncode == 0, spotted.stderr
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(spotted.stdout)
    cues = json.loads(spotted.stdout)["cues"]
    assert cues
    out = tmp_path / "ANNA scored.fcpxml"
    done = run_cli("apply", str(sample), "-o", str(out), "--plan", str(plan_path), "--media-dir", str(tmp_path / "media"))
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout
    assert _dtd_errors(out) == []
    again = analyse(read_source(out))
    assert sorted(a.frame for a in again.annotations if a.ours and " hit: " not in a.name) == \
        sorted(c["start_frame"] for c in cues)
    bundle = tmp_path / "ANNA scored.fcpxmld"
    done = run_cli("apply", str(out), "-o", str(bundle), "--plan", str(plan_path), "--media-dir", str(tmp_path / "media"))
    assert done.returncode == 0, done.stderr
    assert (bundle / "Info.fcpxml").read_bytes() == out.read_bytes()


def test_a_document_without_layout_whitespace(tmp_path):
    """A minified FCPXML gets no whitespace from us: same output on a second run, the input back on an empty plan."""
    tree = etree.parse(str(SAMPLES / "resolve_sample.fcpxml"), etree.XMLParser(remove_blank_text=True))
    path = tmp_path / "mini.fcpxml"
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    source = read_source(path)
    analysis = analyse(source)
    plan = spread_plan(analysis)
    out, again, clean = tmp_path / "out.fcpxml", tmp_path / "again.fcpxml", tmp_path / "clean.fcpxml"
    apply_plan(source, plan, out, media_dir=tmp_path / "media")
    assert out.read_bytes().count(b"\n") == path.read_bytes().count(b"\n")
    assert _dtd_errors(out) == []
    apply_plan(read_source(out), plan, again, media_dir=tmp_path / "media")
    assert again.read_bytes() == out.read_bytes()
    apply_plan(read_source(out), Plan(sequences=[analysis.sequence], fingerprints=[""], cues=[]), clean,
               media_dir=tmp_path / "media")
    assert clean.read_bytes() == path.read_bytes()
