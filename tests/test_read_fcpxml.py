"""The FCPXML reader on every corpus FCPXML, checked against the XML read independently with lxml."""

from __future__ import annotations

import math
import shutil
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import CORPUS, corpus_files, corpus_id, read_once, run_cli
from lxml import etree

from otio_scoreplan.analyse import analyse
from otio_scoreplan.errors import InputError, SequenceChoiceError
from otio_scoreplan.formats import ReadOptions, read_source
from otio_scoreplan.formats.common import ensure_read_info
from otio_scoreplan.timecode import rate_label

FCPXML_FILES = [p for p in corpus_files() if p.suffix.lower() in (".fcpxml", ".fcpxmld")]
FCPX = CORPUS / "fcpx"


def _doc(path: Path) -> etree._Element:
    inner = path / "Info.fcpxml" if path.is_dir() else path
    return etree.parse(str(inner), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()


def _sequences(root: etree._Element) -> list[tuple[str, etree._Element]]:
    """(name, sequence) of every project; else of every compound clip exported from the browser."""
    found = [(p.get("name"), p.find("sequence")) for p in root.iter("project") if p.find("sequence") is not None]
    if found:
        return found
    media = {m.get("id"): m for m in root.iter("media")}
    tops = [root] + list(root.iter("event"))
    refs = [c for t in tops for c in t if c.tag == "ref-clip"]
    return [(r.get("name"), media[r.get("ref")].find("sequence")) for r in refs if media.get(r.get("ref")) is not None]


def _expected_markers(seq: etree._Element) -> Counter:
    out: Counter = Counter()
    for m in seq.find("spine").iter("marker", "chapter-marker"):
        kind = "chapter" if m.tag == "chapter-marker" else "todo" if m.get("completed") is not None else "marker"
        out[(m.get("value"), m.get("note") or "", kind)] += 1
    return out


def _found_markers(analysis) -> Counter:
    every = analysis.annotations + analysis.unplaced_annotations
    return Counter((a.name, a.comment, a.kind) for a in every if a.kind in ("marker", "todo", "chapter"))


def _read(path: Path, sequence: str | None = None):
    """The analysis of ``path``, read once per test session (shared: never changed here)."""
    return read_once(path, sequence=sequence)[1]


@pytest.mark.parametrize("path", FCPXML_FILES, ids=corpus_id)
def test_every_marker_in_the_sequence_spine_is_found(path: Path) -> None:
    """Each <marker>/<chapter-marker> inside the chosen sequence's spine is found, with its note and kind."""
    sequences = _sequences(_doc(path))
    if not sequences:
        with pytest.raises(InputError, match="no sequence: it is an event export"):
            read_source(path)
        return
    for name, seq in sequences:
        analysis = _read(path, name if len(sequences) > 1 else None)
        expected = _expected_markers(seq)
        missing = expected - _found_markers(analysis)
        assert not missing, f"{name}: markers in the file not found: {sorted(missing.elements())}"
        n = analysis.sequence.duration_frames
        assert all(0 <= s.start_frame < s.end_frame <= n for s in analysis.shots)
        assert [s.start_frame for s in analysis.shots] == sorted(s.start_frame for s in analysis.shots)


@pytest.mark.parametrize(
    "name, label, drop, start_tc",
    [
        ("dawfilekit_23.98.fcpxml", "23.976", False, "00:00:00:00"),
        ("dawfilekit_24.fcpxml", "24", False, "00:00:00:00"),
        ("dawfilekit_25i.fcpxml", "25", False, "00:00:00:00"),
        ("dawfilekit_50.fcpxml", "50", False, "00:00:00:00"),
        ("dawfilekit_BasicMarkers_1HourProjectStart.fcpxml", "29.97", False, "01:00:00:00"),
        ("dawfilekit_Annotations.fcpxml", "25", False, "01:00:00:00"),
        ("fortis_60fps-rubric-markers_Info.fcpxml", "60", False, "00:00:00:00"),
    ],
)
def test_rate_and_start_timecode(name: str, label: str, drop: bool, start_tc: str) -> None:
    seq = _read(FCPX / name).sequence
    assert rate_label(seq.rate) == label
    assert seq.drop_frame is drop
    assert seq.start_timecode == start_tc
    assert seq.application == "fcpx"


def _variant(tmp_path: Path, name: str, edits: list[tuple[str, str]], out: str) -> Path:
    text = (FCPX / name).read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    target = tmp_path / out
    target.write_text(text, encoding="utf-8")
    return target


def test_drop_frame_2997(tmp_path: Path) -> None:
    """tcFormat DF: 3603.6 s of tcStart is 108000 frames, which drop-frame timecode shows as 01:00:03;18."""
    path = _variant(tmp_path, "dawfilekit_BasicMarkers_1HourProjectStart.fcpxml", [('tcFormat="NDF"', 'tcFormat="DF"')], "df.fcpxml")
    seq = _read(path).sequence
    assert seq.drop_frame is True and seq.start_frame == 108000
    assert seq.start_timecode == "01:00:03;18"


def test_5994_rate(tmp_path: Path) -> None:
    """frameDuration 1001/60000s reads as 59.94 (never truncated to 59)."""
    path = _variant(
        tmp_path, "dawfilekit_BasicMarkers.fcpxml",
        [('frameDuration="1001/30000s"', 'frameDuration="1001/60000s"'), ('tcFormat="NDF"', 'tcFormat="DF"')], "5994.fcpxml",
    )
    seq = _read(path).sequence
    assert abs(seq.rate - 60000 / 1001) < 1e-9 and seq.drop_frame is True
    # the title runs 153673520/2400000 s = 64.03 s: 3838 frames at 59.94, 1919 at 29.97
    assert seq.duration_frames == math.floor(Fraction(153673520, 2400000) * Fraction(60000, 1001) + Fraction(1, 2)) == 3838


def _by_name(analysis, name: str):
    hits = [a for a in analysis.annotations + analysis.unplaced_annotations if a.name == name]
    assert len(hits) >= 1, name
    return hits[0]


def test_marker_record_timecode_by_hand() -> None:
    """record frame = clip offset + (marker start - clip start), at the sequence rate, sub-frame dropped."""
    a = _read(FCPX / "dawfilekit_BasicMarkers_1HourProjectStart.fcpxml")
    # <title offset="8648640000/2400000s" start="1441440000/2400000s"> (offset = tcStart: record frame 0)
    # <marker start="27248221/7500s" value="Standard Marker" note="some notes here"/>
    rel = Fraction(27248221, 7500) - Fraction(1441440000, 2400000)
    frame = math.floor(rel * Fraction(30000, 1001))
    assert frame == 90884  # 50 min past the title's 64 s: on media the title does not show
    m = _by_name(a, "Standard Marker")
    assert (m.frame, m.comment, m.kind, m.color) == (frame, "some notes here", "marker", "BLUE")
    assert a.sequence.timecode(m.frame) == "01:50:29:14"
    assert m in a.unplaced_annotations and m.extra.get("outside_clip") is True
    chapter = _by_name(a, "Chapter Marker")
    assert chapter.kind == "chapter" and chapter.frame == frame + 3
    done = _by_name(a, "To Do Marker, Completed")
    assert done.kind == "todo" and done.extra["completed"] is True and done.color == "GREEN"
    assert _by_name(a, "To Do Marker, Incomplete").extra["completed"] is False


def test_marker_timecodes_through_retimes_lanes_and_compound_clips() -> None:
    a = _read(FCPX / "dawfilekit_24.fcpxml")
    tc = a.sequence.timecode
    # Shot_04: asset-clip with a timeMap, offset 228500/2400 s, start 119219/2400 s; marker 10881/160 s
    rel = Fraction(228500, 2400) + Fraction(10881, 160) - Fraction(119219, 2400)
    assert _by_name(a, "Shot_04").frame == math.floor(rel * 24) == 2724
    assert tc(2724) == "00:01:53:12"
    # Shot_10: lane 1 on a 23.98 clip in the 24 fps project: parent offset 505200/2400, start 1528527/4000;
    # child offset 2335333/6000, start 2399397/8000; marker 23023/75
    parent = Fraction(505200, 2400) - Fraction(1528527, 4000)
    rel = parent + Fraction(2335333, 6000) + Fraction(23023, 75) - Fraction(2399397, 8000)
    assert _by_name(a, "Shot_10").frame == math.floor(rel * 24)
    assert tc(_by_name(a, "Shot_10").frame) == "00:03:44:15"
    # INSIDE 1: marker in the compound clip's media (r8), ref-clip at 576900/2400 s
    inside = sorted(x.frame for x in a.annotations if x.name == "INSIDE 1")
    first = Fraction(576900, 2400) + Fraction(247247, 15000) - Fraction(452452, 30000)
    assert inside[0] == math.floor(first * 24) and tc(inside[0]) == "00:04:01:18"


def test_connected_audio_marker_role_and_notes() -> None:
    a = _read(FCPX / "dawfilekit_Complex.fcpxml")
    # connected audio (lane -1) at offset 0 of a clip starting at 0: marker 3736707/40000 s at 25 fps
    m = _by_name(a, "Marker on Audio")
    assert (m.frame, m.comment) == (math.floor(Fraction(3736707, 40000) * 25), "Audio Fix")
    assert a.sequence.timecode(m.frame) == "00:01:33:10"
    music = [c for c in a.audio_clips if c.name.startswith("Interstellar") and c.track_name == "Music"]
    assert music and any(mc.name.startswith("Interstellar") for mc in a.music)
    source = read_source(FCPX / "dawfilekit_Complex.fcpxml")
    roles = {(c.name, ensure_read_info(c).get("role"), ensure_read_info(c).get("audio_role")) for c in source.timeline.find_clips()}
    assert ("Interstellar Soundtrack - No Time for Caution", "music", "music.music-1") in roles
    assert ("Interstellar Soundtrack - No Time for Caution", "effects", "effects.effects-1") in roles


def test_clip_notes_and_keywords() -> None:
    a = _read(FCPX / "dawfilekit_Annotations.fcpxml")
    notes = {x.comment for x in a.annotations if x.kind == "clip_note"}
    assert {"c1 notes", "keyword1 (k1 notes)", "keyword2 (k2 notes)"} <= notes
    assert _by_name(a, "Marker 3").comment == "m3 notes"


def test_audition_active_pick_and_inactive_markers() -> None:
    a = _read(FCPX / "dawfilekit_AuditionMarkers.fcpxml")
    assert [s.name for s in a.shots] == ["Basic Title 1"]
    assert _by_name(a, "Marker 2").extra.get("audition_pick") == "inactive"
    assert "audition_pick" not in _by_name(a, "Marker 1").extra


def test_bundle_reads_its_info_fcpxml(tmp_path: Path) -> None:
    src = FCPX / "fortis_60fps-rubric-markers_Info.fcpxml"
    bundle = tmp_path / "rubric.fcpxmld"
    bundle.mkdir()
    shutil.copy(src, bundle / "Info.fcpxml")
    inside, plain = _read(bundle), _read(src)
    assert [(x.frame, x.name) for x in inside.annotations] == [(x.frame, x.name) for x in plain.annotations]
    assert len(inside.annotations) == 5
    with pytest.raises(InputError, match="holds no Info.fcpxml"):
        read_source(tmp_path.joinpath("empty.fcpxmld").mkdir() or tmp_path / "empty.fcpxmld")


def test_several_projects_need_a_choice() -> None:
    path = FCPX / "fcpx_event.fcpxml"
    with pytest.raises(SequenceChoiceError, match="'OpenTimeline_Project', 'OpenTimeline_Project 1'"):
        read_source(path)
    assert _read(path, "OpenTimeline_Project 1").sequence.name == "OpenTimeline_Project 1"
    with pytest.raises(SequenceChoiceError, match="no sequence named 'Nope'"):
        read_source(path, ReadOptions(sequence="Nope"))
    done = run_cli("inspect", str(path))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "--sequence" in done.stderr
    assert run_cli("inspect", str(path), "--sequence", "OpenTimeline_Project").returncode == 0


def test_event_of_clips_is_refused_in_one_line() -> None:
    done = run_cli("inspect", str(FCPX / "nrk_New_Event_2.06.13.fcpxml"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "event export of 2 clip(s)" in done.stderr


def test_browser_compound_clip_is_read_with_a_warning() -> None:
    source = read_source(FCPX / "dawfilekit_StandaloneRefClip.fcpxml")
    assert source.name == "StandaloneRefClip" and any("compound clip" in w for w in source.warnings)
    assert [x.name for x in analyse(source).annotations] == ["Marker 1"]


def test_resolve_fcpxml_media_and_application() -> None:
    source = read_source(CORPUS / "resolve" / "losslesscut_FCPXML_1_9.fcpxml")
    assert source.application == "resolve"
    clips = list(source.timeline.find_clips())
    urls = {c.media_reference.target_url for c in clips if hasattr(c.media_reference, "target_url")}
    assert clips and all(u.startswith("file://") for u in urls)  # media-rep src read (FCPXML >= 1.9)


def test_our_additions_are_recognised(tmp_path: Path) -> None:
    path = _variant(
        tmp_path, "dawfilekit_SyncClip.fcpxml",
        [('value="Marker on Sync Clip"', 'value="1M1" note="[scoreplan] cue"'), ('name="TestAudio"', 'name="[scoreplan] temp 1M1"')],
        "ours.fcpxml",
    )
    a = _read(path)
    assert _by_name(a, "1M1").ours is True and _by_name(a, "Marker on TestVideo").ours is False
    assert [c.ours for c in a.audio_clips if c.name.startswith("[scoreplan]")] == [True]
    assert not any(c.ours for c in a.audio_clips if not c.name.startswith("[scoreplan]"))
    # a connected storyline of ours: every clip in it is ours, whatever its name
    storyline = _variant(
        tmp_path, "dawfilekit_24.fcpxml",
        [('<spine lane="1" offset="571571/3000s" format="r1">', '<spine lane="1" offset="571571/3000s" format="r1" name="[scoreplan] temp MX">')],
        "ours_storyline.fcpxml",
    )
    b = read_source(storyline)
    flagged = {c.name for c in b.timeline.find_clips() if (c.metadata.get("scoreplan") or {}).get("added")}
    assert flagged == {"TestVideo"}  # the storyline's two clips, named like the editor's
    assert sum(1 for c in b.timeline.find_clips() if (c.metadata.get("scoreplan") or {}).get("added")) == 4


def test_hostile_fcpxml_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bomb.fcpxml"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE fcpxml [<!ENTITY a "aaaa">]><fcpxml version="1.9">&a;</fcpxml>')
    with pytest.raises(InputError):
        read_source(bad)
    no_rate = _variant(tmp_path, "dawfilekit_BasicMarkers.fcpxml", [(' frameDuration="1001/30000s"', "")], "norate.fcpxml")
    with pytest.raises(InputError, match="no frameDuration; pass --rate"):
        read_source(no_rate)


def test_markers_fcp_hides_are_unplaced() -> None:
    """A marker on media its clip does not show (clip range is [start, start + duration)) is kept, unplaced."""
    a = _read(FCPX / "dawfilekit_Occlusion.fcpxml")
    assert sorted(x.name for x in a.unplaced_annotations) == ["Marker Before Start", "Marker Past End", "Marker on End"]
    assert sorted(x.name for x in a.annotations) == ["Marker 1 Frame Before End", "Marker in Middle", "Marker in Middle", "Marker on Start"]
    # compound clip r8 used twice in dawfilekit_24: 3.58 s then 2 s of its media are shown
    b = _read(FCPX / "dawfilekit_24.fcpxml")
    assert sorted(x.name for x in b.unplaced_annotations) == ["INSIDE 2", "INSIDE 3", "INSIDE 3"]
    assert [x.name for x in b.annotations].count("INSIDE 1") == 2


MULTICAM = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE fcpxml>
<fcpxml version="1.11">
  <resources>
    <format id="r1" name="FFVideoFormat1080p2398" frameDuration="1001/24000s" width="1920" height="1080"/>
    <asset id="r2" name="A cam" start="0s" duration="600s" hasVideo="1" hasAudio="1" format="r1">
      <media-rep kind="original-media" src="file:///media/A.mov"/>
    </asset>
    <asset id="r3" name="B cam" start="0s" duration="600s" hasVideo="1" hasAudio="1" format="r1">
      <media-rep kind="original-media" src="file:///media/B.mov"/>
    </asset>
    <asset id="r5" name="Temp Score" start="0s" duration="300s" hasAudio="1">
      <media-rep kind="original-media" src="file:///media/Music/temp.wav"/>
    </asset>
    <media id="r4" name="MC Scene 12">
      <multicam format="r1" tcStart="0s">
        <mc-angle name="A" angleID="a1"><asset-clip ref="r2" offset="0s" duration="600s" audioRole="dialogue.boom"/></mc-angle>
        <mc-angle name="B" angleID="b1"><asset-clip ref="r3" offset="0s" duration="600s"/></mc-angle>
      </multicam>
    </media>
  </resources>
  <library>
    <event name="E">
      <project name="MC test">
        <sequence format="r1" tcStart="3603600/1000s" tcFormat="NDF" duration="24024/1000s">
          <spine>
            <mc-clip ref="r4" offset="3603600/1000s" name="MC Scene 12" start="10010/1000s" duration="12012/1000s">
              <mc-source angleID="b1" srcEnable="video"/>
              <mc-source angleID="a1" srcEnable="audio"/>
              <asset-clip ref="r5" lane="-1" offset="11011/1000s" name="Temp Score" duration="6006/1000s" audioRole="music.TEMP MX A"/>
              <marker start="12012/1000s" duration="1001/24000s" value="MC marker" note="hit the door"/>
            </mc-clip>
            <gap name="Gap" offset="3615612/1000s" start="3600s" duration="12012/1000s"/>
          </spine>
        </sequence>
      </project>
    </event>
  </library>
</fcpxml>
"""


def test_multicam_clip_with_connected_music(tmp_path: Path) -> None:
    """mc-clip: the active video angle's media, the audio angle's role; connected music on its role's track."""
    path = tmp_path / "mc.fcpxml"
    path.write_text(MULTICAM, encoding="utf-8")
    source = read_source(path)
    a = analyse(source)
    assert rate_label(a.sequence.rate) == "23.976" and a.sequence.start_timecode == "01:00:00:00"
    assert a.sequence.duration_frames == 576  # 24.024 s at 24000/1001
    assert [(s.name, s.start_frame, s.end_frame, s.source) for s in a.shots[:1]] == [("MC Scene 12", 0, 288, "file:///media/B.mov")]
    m = _by_name(a, "MC marker")
    assert (m.frame, m.comment) == (48, "hit the door")  # 12.012 s - 10.010 s = 2.002 s = 48 frames
    music = [c for c in a.audio_clips if c.name == "Temp Score"]
    assert [(c.start_frame, c.end_frame, c.track_name) for c in music] == [(24, 168, "Music")]
    assert [mc.name for mc in a.music] == ["Temp Score"]
    infos = {c.name + "/" + str(ensure_read_info(c).get("audio_of", "")): ensure_read_info(c) for c in source.timeline.find_clips()}
    assert infos["Temp Score/"]["audio_role"] == "music.TEMP MX A" and infos["Temp Score/"]["role"] == "music"
    assert infos["MC Scene 12/MC Scene 12"]["role"] == "dialogue"
