"""The sample timelines (sample_timelines/) read through the real command line as their README promises.

The ground truth below is written by hand from sample_timelines/README.md (record timecodes as the
editor's application shows them), not computed by our code: scenes, markers (name, comment, colour,
record timecode, length), the editor's temp music and clip notes. The files themselves are also checked
with readers we did not write (lxml against the DTDs, pycmx for the EDLs) and for being exactly
what ``make_samples.py`` writes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import CORPUS, SAMPLES, VALIDATORS, run_cli, run_main
from lxml import etree


@dataclass(frozen=True)
class SceneTruth:
    number: str  # the scene number its label must carry
    start: str  # record timecode
    end: str


@dataclass(frozen=True)
class MarkerTruth:
    timecode: str
    name: str
    comment: str = ""
    color: str | None = None  # None: not promised
    duration_frames: int | None = None  # None: not promised


@dataclass(frozen=True)
class MusicTruth:
    name_contains: str
    tracks: tuple[str, ...]  # every track the music is on (a stereo pair may be joined into one entry)
    start: str
    end: str


@dataclass(frozen=True)
class SampleTruth:
    id: str
    file: str
    args: tuple[str, ...]
    rate_label: str
    drop_frame: bool
    start_timecode: str
    duration_frames: int
    scenes: tuple[SceneTruth, ...]
    markers: tuple[MarkerTruth, ...]
    music: tuple[MusicTruth, ...] = ()
    notes: tuple[MarkerTruth, ...] = field(default=())  # clip notes: record TC and text


SCENES_24_25 = (
    SceneTruth("12", "01:00:00:00", "01:00:38:00"),
    SceneTruth("13", "01:00:38:00", "01:01:20:00"),
    SceneTruth("14", "01:01:20:00", "01:01:52:00"),
    SceneTruth("15", "01:01:52:00", "01:02:35:00"),
    SceneTruth("16", "01:02:35:00", "01:03:00:00"),
)


def _story_markers(chase_frames: int, point_frames: int, colors: dict[str, str] | None = None,
                   comments: bool = True) -> tuple[MarkerTruth, ...]:
    """The story's markers at 23.976/24/25 fps (same labels at those rates)."""
    rows = [
        ("01:00:00:00", "SC 12 - INT. KITCHEN - NIGHT", "", "CYAN"),
        ("01:00:12:00", "MUSIC IN - tension", "low strings under Anna's silence", "RED"),
        ("01:00:36:00", "MUSIC OUT", "out before the door slam", "RED"),
        ("01:00:37:00", "hit: door slam", "sync point", "GREEN"),
        ("01:00:38:00", "SC 13 - EXT. ALLEY - NIGHT", "", "CYAN"),
        ("01:00:44:00", "MX: chase", "drums and low brass, build to the gunshot", "RED"),
        ("01:01:11:12", "hit: gunshot", "hard sync on the muzzle flash", "GREEN"),
        ("01:01:20:00", "SC 14 - INT. CAR - NIGHT", "", "CYAN"),
        ("01:01:40:00", "#romantic", "tentative, not the theme yet", "GREEN"),
        ("01:01:52:00", "SC 15 - EXT. ROOFTOP - DAWN", "", "CYAN"),
        ("01:02:02:00", "THEME: Anna", "first full statement of Anna's theme", "RED"),
        ("01:02:35:00", "SC 16 - INT. HOSPITAL - DAY", "", "CYAN"),
        ("01:02:36:00", "NO MUSIC", "room tone only to the end", "RED"),
    ]
    out = []
    for tc, name, comment, color in rows:
        out.append(MarkerTruth(tc, name, comment if comments else "", (colors or {}).get(name, color),
                               chase_frames if name == "MX: chase" else point_frames))
    return tuple(out)


FCPX_COLORS = {name: "BLUE" for name in (
    "SC 12 - INT. KITCHEN - NIGHT", "MUSIC IN - tension", "MUSIC OUT", "hit: door slam", "SC 13 - EXT. ALLEY - NIGHT",
    "MX: chase", "hit: gunshot", "SC 14 - INT. CAR - NIGHT", "#romantic", "SC 15 - EXT. ROOFTOP - DAWN", "THEME: Anna",
    "SC 16 - INT. HOSPITAL - DAY", "NO MUSIC")}
NOTE_TEXT = "Anna looks to camera - director wants the theme to land here"

SAMPLES_TRUTH = (
    SampleTruth(
        "premiere", "premiere_sample.xml", (), "23.976", False, "01:00:00:00", 4320, SCENES_24_25,
        _story_markers(chase_frames=720, point_frames=0),
        music=(MusicTruth("Night_Pursuit", ("A3",), "01:00:40:00", "01:01:18:00"),),
        notes=(MarkerTruth("01:02:02:00", NOTE_TEXT),),
    ),
    SampleTruth(
        "fcpxml", "resolve_sample.fcpxml", (), "25", False, "01:00:00:00", 4500, SCENES_24_25,
        _story_markers(chase_frames=750, point_frames=1, colors=FCPX_COLORS) + (
            MarkerTruth("01:00:40:00", "TODO: clear the temp music licence", "KPM cue is temp only", "RED", 1),
            MarkerTruth("01:01:52:00", "Part Two: Dawn", "", "ORANGE", 1),
        ),
        music=(MusicTruth("Night Pursuit", ("A2",), "01:00:40:00", "01:01:18:00"),),
        notes=(MarkerTruth("01:02:02:00", NOTE_TEXT),),
    ),
    SampleTruth(
        "avid_edl", "avid_sample.edl", ("--rate", "29.97"), "29.97", True, "01:00:00;00", 5400,
        (
            SceneTruth("12", "01:00:00;00", "01:00:38;00"),
            SceneTruth("13", "01:00:38;00", "01:01:20;02"),
            SceneTruth("14", "01:01:20;02", "01:01:52;02"),
            SceneTruth("15", "01:01:52;02", "01:02:35;04"),
            SceneTruth("16", "01:02:35;04", "01:03:00;06"),
        ),
        (
            MarkerTruth("01:00:00;00", "SC 12 - INT. KITCHEN - NIGHT", "", "CYAN", 0),
            MarkerTruth("01:00:12;00", "MUSIC IN - tension", "", "RED", 0),
            MarkerTruth("01:00:36;00", "MUSIC OUT", "", "RED", 0),
            MarkerTruth("01:00:37;00", "hit: door slam", "", "GREEN", 0),
            MarkerTruth("01:00:38;00", "SC 13 - EXT. ALLEY - NIGHT", "", "CYAN", 0),
            MarkerTruth("01:00:44;00", "MX: chase", "", "RED", 0),
            MarkerTruth("01:01:11;14", "hit: gunshot", "", "GREEN", 0),
            MarkerTruth("01:01:20;02", "SC 14 - INT. CAR - NIGHT", "", "CYAN", 0),
            MarkerTruth("01:01:40;02", "#romantic", "", "GREEN", 0),
            MarkerTruth("01:01:52;02", "SC 15 - EXT. ROOFTOP - DAWN", "", "CYAN", 0),
            MarkerTruth("01:02:02;04", "THEME: Anna", "", "RED", 0),
            MarkerTruth("01:02:35;04", "SC 16 - INT. HOSPITAL - DAY", "", "CYAN", 0),
            MarkerTruth("01:02:36;04", "NO MUSIC", "", "RED", 0),
        ),
        music=(MusicTruth("KPM_0512_03", ("A3", "A4"), "01:00:40;00", "01:01:18;02"),),
    ),
    SampleTruth(
        "resolve_edl", "resolve_sample.edl", ("--rate", "25"), "25", False, "01:00:00:00", 3901,
        SCENES_24_25[:4] + (SceneTruth("16", "01:02:35:00", "01:02:36:01"),),
        _story_markers(chase_frames=750, point_frames=1),
    ),
    SampleTruth(
        "otio", "sample.otio", (), "24", False, "01:00:00:00", 1920,
        (SceneTruth("12", "01:00:00:00", "01:00:38:00"), SceneTruth("13", "01:00:38:00", "01:01:20:00")),
        _story_markers(chase_frames=720, point_frames=0)[:7],
        music=(MusicTruth("Night Pursuit", ("A2",), "01:00:40:00", "01:01:18:00"),),
    ),
)
CASES = [pytest.param(t, id=t.id) for t in SAMPLES_TRUTH]

_cache: dict[str, dict] = {}


def inspect_json(truth: SampleTruth) -> dict:
    """``scoreplan inspect --json`` of a sample, run once per sample."""
    if truth.id not in _cache:
        proc = run_cli("inspect", "--json", str(SAMPLES / truth.file), *truth.args)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        _cache[truth.id] = json.loads(proc.stdout)
    return _cache[truth.id]


@pytest.mark.parametrize("truth", CASES)
def test_sequence(truth: SampleTruth) -> None:
    seq = inspect_json(truth)["sequence"]
    assert (seq["rate_label"], seq["drop_frame"], seq["start_timecode"], seq["duration_frames"]) == (
        truth.rate_label, truth.drop_frame, truth.start_timecode, truth.duration_frames)


@pytest.mark.parametrize("truth", CASES)
def test_scenes(truth: SampleTruth) -> None:
    scenes = inspect_json(truth)["scenes"]
    got = [(s["start_timecode"], s["end_timecode"]) for s in scenes]
    assert got == [(s.start, s.end) for s in truth.scenes]
    for scene, want in zip(scenes, truth.scenes):
        assert re.search(rf"\b{want.number}\b", scene["label"]), scene
        assert f"SC {want.number} - " in scene["evidence"], scene  # the scene marker it rests on


@pytest.mark.parametrize("truth", CASES)
def test_markers(truth: SampleTruth) -> None:
    data = inspect_json(truth)
    annotations = [a for a in data["annotations"] if a["kind"] != "clip_note"]
    got = {(a["timecode"], a["name"]): a for a in annotations}
    missing = [(m.timecode, m.name) for m in truth.markers if (m.timecode, m.name) not in got]
    assert not missing, f"markers not found at their record timecode: {missing}; read: {sorted(got)}"
    for m in truth.markers:
        a = got[(m.timecode, m.name)]
        assert a["comment"] == m.comment, (m.name, a)
        if m.color is not None:
            assert a["color"] == m.color, (m.name, a)
        if m.duration_frames is not None:
            assert a["duration_frames"] == m.duration_frames, (m.name, a)
    assert len(annotations) == len(truth.markers), "more markers than the file holds"
    assert data["unplaced_annotations"] == []


@pytest.mark.parametrize("truth", CASES)
def test_music_and_notes(truth: SampleTruth) -> None:
    data = inspect_json(truth)
    music = [(m["start_timecode"], m["end_timecode"]) for m in data["music"]]
    assert music == [(m.start, m.end) for m in truth.music]
    for got, want in zip(data["music"], truth.music):
        assert want.name_contains in got["name"] + got["source"], got
        assert set(want.tracks) <= set(re.split(r"[,\s]+", got["track"])), got
    notes = [(a["timecode"], a["comment"]) for a in data["annotations"] if a["kind"] == "clip_note"]
    assert notes == [(n.timecode, n.name) for n in truth.notes]


@pytest.mark.parametrize("truth", CASES)
def test_text_summary_reads(truth: SampleTruth) -> None:
    proc = run_main("inspect", str(SAMPLES / truth.file), *truth.args)  # in process; inspect_json runs the command
    assert proc.returncode == 0, proc.stderr
    assert "SC 12 - INT. KITCHEN - NIGHT" in proc.stdout


# ----------------------------------------------------------------------------------------------
# The files themselves, checked with readers we did not write
# ----------------------------------------------------------------------------------------------


def test_fcpxml_sample_validates_against_its_dtd() -> None:
    tree = etree.parse(str(SAMPLES / "resolve_sample.fcpxml"))
    version = tree.getroot().get("version")
    dtd = etree.DTD(str(VALIDATORS / "fcpxml" / f"FCPXMLv{version.replace('.', '_')}.dtd"))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()


def _dtd_error_kinds(dtd: etree.DTD, path: Path) -> set[tuple[str, str]]:
    dtd.validate(etree.parse(str(path), etree.XMLParser(huge_tree=True)))
    kinds = set()
    for e in dtd.error_log:
        msg = re.sub(r"\d+", "N", e.message)
        msg = re.sub(r"(expecting|got) .*", "", msg)
        kinds.add((e.type_name, msg.strip()))
    return kinds


def test_premiere_sample_breaks_the_xmeml_dtd_only_where_premiere_does() -> None:
    """Premiere's xmeml never validates; ours may only break the DTD the ways real exports do.

    pproColor (Premiere CC's marker colour) is the one addition: no corpus export is new enough to carry it.
    """
    dtd = etree.DTD(str(VALIDATORS / "xmeml" / "xmeml_v4.dtd"))
    real: set[tuple[str, str]] = set()
    for path in sorted((CORPUS / "premiere").glob("*.xml")):
        real |= _dtd_error_kinds(dtd, path)
    ours = _dtd_error_kinds(dtd, SAMPLES / "premiere_sample.xml")
    allowed = {("DTD_UNKNOWN_ELEM", "No declaration for element pproColor"),
               ("DTD_CONTENT_MODEL", "Element marker content does not follow the DTD,")}
    assert ours - real - allowed == set()


@pytest.mark.parametrize("name, events, locators", [("avid_sample.edl", 24, 13), ("resolve_sample.edl", 13, 0)])
def test_edl_samples_parse_with_pycmx(name: str, events: int, locators: int) -> None:
    pycmx = pytest.importorskip("pycmx")
    with open(SAMPLES / name, encoding="ascii" if name.startswith("avid") else "utf-8") as fh:
        edl = pycmx.parse_cmx3600(fh)
    assert len(list(edl.events)) == events
    text = (SAMPLES / name).read_text(encoding="utf-8")
    assert len(re.findall(r"^\* LOC: \d\d:\d\d:\d\d;\d\d (?:RED|GREEN|CYAN)\s+\S", text, re.M)) == locators


def test_make_samples_reproduces_the_checked_in_files(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(SAMPLES / "make_samples.py"), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(["README.md", "avid_sample.edl", "premiere_sample.xml", "resolve_sample.edl",
                              "resolve_sample.fcpxml", "sample.otio"])
    for name in written:
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), f"{name} differs from make_samples.py's output"
