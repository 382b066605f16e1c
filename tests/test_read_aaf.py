"""The AAF reader: every corpus AAF, its locators against pyaaf2's own view, timecode, bad files, our sample.

Locators are counted here with pyaaf2 directly (not through the reader's code), and their record
frame is checked against the ``_ATN_CRM_TC`` that Media Composer writes next to newer locators.
"""

from __future__ import annotations

import random
import shutil
import sys
import zipfile
from collections import Counter
from fractions import Fraction
from pathlib import Path

import aaf2
import pytest
from conftest import CORPUS, SAMPLES, corpus_files, corpus_id, printed_while_reading, read_once, run_cli

from otio_scoreplan import OUR_TOKEN
from otio_scoreplan.analyse import analyse
from otio_scoreplan.errors import InputError, RateError, SequenceChoiceError
from otio_scoreplan.formats import ReadOptions, read_source
from otio_scoreplan.timecode import rate_label, to_timecode

AAF_FILES = [p for p in corpus_files() if p.suffix.lower() == ".aaf"]
SAMPLE = SAMPLES / "avid_sample.aaf"


def test_the_corpus_has_aaf_files():
    assert len(AAF_FILES) >= 20


# --- pyaaf2's own view of a file's locators --------------------------------------------------


def _mob_read(f: aaf2.AAFFile, name: str):
    """The mob a sequence of this name was read from (top-level first, as the adapter chooses)."""
    for group in (list(f.content.toplevel()), list(f.content.compositionmobs()), list(f.content.mastermobs())):
        named = [m for m in group if m.name == name]
        if named:
            return named[0]
    raise AssertionError(f"no mob named {name!r}")


def raw_locators(path: Path, sequence: str) -> list[dict]:
    """Every DescriptiveMarker in the sequence's mob, as pyaaf2 sees it."""
    out = []
    with aaf2.open(str(path)) as f:
        mob = _mob_read(f, sequence)
        for slot in mob.slots:
            seg = slot.segment
            parts = list(seg.components) if isinstance(seg, aaf2.components.Sequence) else [seg]
            for c in parts:
                if not isinstance(c, aaf2.components.DescriptiveMarker):
                    continue
                attrs = {t.name: t.value for t in c["CommentMarkerAttributeList"].value or []} if "CommentMarkerAttributeList" in c.keys() else {}
                out.append(
                    {
                        "position": c["Position"].value,
                        "rate": Fraction(slot.edit_rate.numerator, slot.edit_rate.denominator),
                        "comment": c["Comment"].value or "",
                        "color": attrs.get("_ATN_CRM_COLOR"),
                        "user": attrs.get("_ATN_CRM_USER"),
                        "mc_frame": attrs.get("_ATN_CRM_TC"),
                    }
                )
    return out


@pytest.mark.parametrize("path", AAF_FILES, ids=corpus_id)
def test_every_corpus_aaf_reads_with_all_its_locators(path: Path):
    source, analysis = read_once(path)
    assert printed_while_reading(path) == "", "the adapter's prints must not reach stdout (it would spoil --json)"
    assert source.format == "aaf" and source.rate > 0
    found = [a for a in analysis.annotations + analysis.unplaced_annotations if a.kind == "locator"]
    raw = raw_locators(path, source.timeline.name)
    assert len(found) == len(raw)
    assert not analysis.unplaced_annotations
    rate = Fraction(source.rate).limit_denominator(100000)
    expected = Counter(
        (round(r["position"] * rate / r["rate"]), r["comment"], (r["color"] or "").upper(), r["user"] or "") for r in raw
    )
    assert all(r["color"] for r in raw), "every corpus locator names its colour (_ATN_CRM_COLOR)"
    assert Counter((a.frame, a.comment, a.color, a.user) for a in found) == expected
    for a in found:
        assert a.origin.startswith("Avid locator")
        assert 0 <= a.frame <= analysis.sequence.duration_frames


def test_locator_frames_match_what_media_composer_wrote():
    """Newer Media Composer versions write the locator's record frame as _ATN_CRM_TC: we must agree."""
    checked = 0
    for path in AAF_FILES:
        source, analysis = read_once(path)
        raw = [r for r in raw_locators(path, source.timeline.name) if r["mc_frame"] is not None]
        if not raw:
            continue
        frames = Counter(a.frame for a in analysis.annotations if a.kind == "locator")
        assert frames >= Counter(int(r["mc_frame"]) for r in raw), corpus_id(path)
        checked += len(raw)
    assert checked >= 50


def _corpus(name: str) -> Path:
    hits = [p for p in AAF_FILES if str(p).endswith(name)]
    if not hits:
        pytest.skip(f"{name} is not in the corpus at {CORPUS}")
    return hits[0]


def test_multitrack_locators_keep_their_video_track_colour_and_user():
    a = read_once(_corpus("avid/multitrack.aaf"))[1]
    got = [(x.frame, x.name, x.color, x.user, x.origin) for x in a.annotations]
    assert got == [
        (375, "v1 red tech", "RED", "joshm", "Avid locator on V1"),
        (665, "v2 green hawk", "GREEN", "joshm", "Avid locator on V2"),
        (1100, "v3 cyan filler", "CYAN", "joshm", "Avid locator on V3"),
    ]


def test_locators_over_audio_and_on_a_data_track_are_found():
    over_audio = read_once(_corpus("avid/marker-over-audio.aaf"))[1]
    assert [(x.frame, x.color, x.user) for x in over_audio.annotations] == [(50, "RED", "m1"), (103, "GREEN", "m2"), (166, "BLUE", "m3")]
    data = read_once(_corpus("avid/simple_data_track_marker_test.aaf"))[1]
    assert [(x.frame, x.name) for x in data.annotations] == [(0, "Frame 1"), (22, "Frame 23"), (55, "Frame 56"), (99, "Frame 100")]


# --- rate and timecode ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, rate, drop, start_tc",
    [
        ("avid/2997fps.aaf", "29.97", False, "00:00:00:00"),  # the file's timecode says non-drop
        ("premiere/2997fps-DFTC.aaf", "29.97", True, "05:00:00;00"),
        ("avid/30fps.aaf", "30", False, "01:00:00:00"),
        ("avid/one_marker.aaf", "24", False, "01:00:00:00"),
        ("avid/nested_audio_dissolve.aaf", "24", False, "01:01:11:20"),
    ],
)
def test_rate_start_timecode_and_drop_frame(name, rate, drop, start_tc):
    source, _ = read_once(_corpus(name))
    assert rate_label(source.rate) == rate
    assert source.drop_frame is drop
    assert to_timecode(source.start_frame, source.rate, source.drop_frame) == start_tc


def test_drop_frame_comes_from_the_file_not_from_the_rate():
    """Both 29.97 files: the Avid one states NDF timecode, the Premiere one DF."""
    with aaf2.open(str(_corpus("avid/2997fps.aaf"))) as f:
        avid_drop = [s.segment["Drop"].value for m in f.content.toplevel() for s in m.slots if isinstance(s.segment, aaf2.components.Timecode)]
    assert avid_drop and not any(avid_drop)
    assert read_once(_corpus("avid/2997fps.aaf"))[0].drop_frame is False
    assert read_once(_corpus("premiere/2997fps-DFTC.aaf"))[0].drop_frame is True


def test_pro_tools_session_is_counted_at_its_timecode_rate():
    path = _corpus("other/protools_sector_size_512.aaf")
    source, a = read_once(path)
    assert source.rate == 24 and source.start_frame == 86400
    assert any("48000" in w for w in source.warnings)
    assert a.sequence.duration_frames == 11 * 24  # 528000 samples at 48 kHz
    assert [t.name for t in a.tracks] == ["Track1", "Track2"]
    with pytest.raises(RateError, match="--rate 25 contradicts the file's own rate of 24"):
        read_source(path, ReadOptions(rate=25.0))  # the timecode track states the rate (issue 11)
    assert read_source(path, ReadOptions(rate=24.0)).rate == 24


def test_track_names_are_the_editors_not_aaf_class_names():
    for path in AAF_FILES:
        source, _ = read_once(path)  # shared, kept alive: OTIO empties a timeline's stack when it is freed
        for track in source.timeline.tracks:
            assert track.name not in ("TimelineMobSlot", "Sequence", "MobSlot", "NestedScope"), corpus_id(path)
    premiere, _ = read_once(_corpus("premiere/2997fps-DFTC.aaf"))
    names = [t.name for t in premiere.timeline.tracks]
    assert names[1:] == ["Audio 1"] * 6


def test_avid_clip_comments_become_notes():
    a = read_once(_corpus("avid/avid_data_track_example.aaf"))[1]
    notes = sorted(x.comment for x in a.annotations if x.kind == "clip_note")
    assert notes == ["A Red", "B Green", "C Blue"]


# --- files we make with pyaaf2 ------------------------------------------------------------------


def _comp_mob(f: aaf2.AAFFile, name: str, *, kind: str = "picture", rate: int = 24, length: int = 48, tc: bool = True):
    mob = f.create.CompositionMob(name)
    mob.usage = "Usage_TopLevel"
    f.content.mobs.append(mob)
    if tc:
        slot = mob.create_timeline_slot(rate)
        slot["PhysicalTrackNumber"].value = 1
        slot.segment = f.create.Timecode(rate, length=length)
        slot.segment.start = 3600 * rate
    seq_slot = mob.create_timeline_slot(rate)
    seq = f.create.Sequence(media_kind=kind)
    seq.components.append(_clip(f, f"{name} clip", kind, rate, length))
    seq_slot.segment = seq
    return mob


def _clip(f: aaf2.AAFFile, name: str, kind: str, rate: int, length: int) -> aaf2.components.SourceClip:
    """A SourceClip -> MasterMob -> file SourceMob, the least the adapter turns into a clip."""
    file_mob = f.create.SourceMob(f"{name} file")
    f.content.mobs.append(file_mob)
    file_mob.descriptor = f.create.ImportDescriptor()
    file_slot = file_mob.create_empty_slot(rate, media_kind=kind)
    file_slot.segment.length = length
    master = f.create.MasterMob(name)
    f.content.mobs.append(master)
    master_slot = master.create_timeline_slot(rate)
    inner = master.create_source_clip(master_slot.slot_id, start=0, length=length, media_kind=kind)
    inner.mob, inner.slot = file_mob, file_slot
    master_slot.segment = inner
    clip = f.create.SourceClip(media_kind=kind, length=length)
    clip.mob, clip.slot, clip.start = master, master_slot, 0
    return clip


def test_several_sequences_need_a_choice(tmp_path):
    path = tmp_path / "two.aaf"
    with aaf2.open(str(path), "w") as f:
        _comp_mob(f, "REEL 1 v2")
        _comp_mob(f, "REEL 2 v5", length=96)
    with pytest.raises(SequenceChoiceError) as err:
        read_source(path)
    assert "REEL 1 v2" in str(err.value) and "REEL 2 v5" in str(err.value) and "\n" not in str(err.value)
    chosen = read_source(path, ReadOptions(sequence="REEL 2 v5"))
    assert chosen.name == "REEL 2 v5" and analyse(chosen).sequence.duration_frames == 96
    with pytest.raises(SequenceChoiceError):
        read_source(path, ReadOptions(sequence="REEL 3"))


def test_audio_only_aaf_without_timecode_asks_for_a_rate(tmp_path):
    path = tmp_path / "session.aaf"
    with aaf2.open(str(path), "w") as f:
        _comp_mob(f, "mix", kind="sound", rate=48000, length=48000 * 4, tc=False)
    with pytest.raises(RateError) as err:
        read_source(path)
    assert "--rate" in str(err.value)
    source = read_source(path, ReadOptions(rate=25.0))
    assert analyse(source).sequence.duration_frames == 100


def _write(tmp_path: Path, files: dict[str, bytes]) -> list[Path]:
    out = []
    for name, data in files.items():
        p = tmp_path / name
        p.write_bytes(data)
        out.append(p)
    return out


def _bad_files(tmp_path: Path) -> list[Path]:
    """Files that are not readable AAFs: not compound files, or cut short before their directory ends."""
    real = (SAMPLE if SAMPLE.exists() else AAF_FILES[0]).read_bytes()
    files = {"empty.aaf": b"", "random.aaf": random.Random(7).randbytes(4096), "text.aaf": b"TITLE: not an aaf\n"}
    files["signature_then_noise.aaf"] = bytes.fromhex("d0cf11e0a1b11ae1") + random.Random(8).randbytes(6000)
    for cut in (512, 4096, len(real) // 3):
        files[f"truncated_{cut}.aaf"] = real[:cut]
    zipped = tmp_path / "bundle.aaf"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("timeline.txt", "hello")
    return _write(tmp_path, files) + [zipped]


def _damaged_files(tmp_path: Path) -> list[Path]:
    """A real AAF with bytes overwritten at random: pyaaf2 may cope (unused sectors) or not."""
    real = (SAMPLE if SAMPLE.exists() else AAF_FILES[0]).read_bytes()
    rng = random.Random(11)
    files = {}
    for i in range(12):
        data = bytearray(real)
        lo, hi = (8, 4096) if i % 2 else (4096, len(real) - 4)
        for _ in range(60):
            j = rng.randrange(lo, hi)
            data[j] = rng.randrange(256)
        files[f"damaged_{i}.aaf"] = bytes(data)
    return _write(tmp_path, files)


def test_bad_files_give_one_line_input_errors(tmp_path):
    for path in _bad_files(tmp_path):
        with pytest.raises(InputError) as err:
            read_source(path)
        message = str(err.value)
        assert "\n" not in message and str(path) in message, message


def test_damaged_files_read_or_fail_in_one_line(tmp_path):
    refused = 0
    for path in _damaged_files(tmp_path):
        try:
            analyse(read_source(path))
        except InputError as err:
            refused += 1
            assert "\n" not in str(err) and str(path) in str(err)
    assert refused >= 1


def test_bad_files_exit_2_with_one_line_from_the_command(tmp_path):
    for path in _bad_files(tmp_path):
        result = run_cli("inspect", str(path), timeout=60)
        assert result.returncode == 2, (path.name, result.stderr)
        assert "Traceback" not in result.stderr
        lines = [l for l in result.stderr.splitlines() if l.strip()]  # noqa: E741 - a short-lived name in a comprehension
        assert len(lines) == 1 and path.name in lines[0], result.stderr


# --- our sample ---------------------------------------------------------------------------------

SAMPLE_LOCATORS = [
    (288, "MUSIC IN - tension", "RED", "mdavies", "Avid locator on V1"),
    (900, "hit: door slam", "YELLOW", "mdavies", "Avid locator on A2"),
    (1920, "THEME: Anna", "CYAN", "jsmith", "Avid locator on V1"),
    (2694, "MUSIC OUT", "RED", "mdavies", "Avid locator on V1"),
]


def test_avid_sample_reads_with_its_locators_music_and_scenes():
    source, a = read_once(SAMPLE)
    assert source.rate == 24 and not source.drop_frame and source.start_frame == 86400
    assert a.sequence.duration_frames == 2880
    locators = [(x.frame, x.name, x.color, x.user, x.origin) for x in a.annotations if x.kind == "locator"]
    assert locators == SAMPLE_LOCATORS
    assert [to_timecode(source.start_frame + f, 24, False) for f, *_ in locators] == ["01:00:12:00", "01:00:37:12", "01:01:20:00", "01:01:52:06"]
    assert [(m.start_frame, m.end_frame, m.track) for m in a.music] == [(960, 1872, "A2")]
    assert [t.name for t in a.tracks] == ["", "DIA", "MX"]
    notes = [x for x in a.annotations if x.kind == "clip_note"]
    assert [(n.frame, n.comment) for n in notes] == [(1200, "Anna looks to camera - director wants the theme to land here")]
    clips = {c.name: c for c in source.timeline.tracks[0].find_clips()}
    assert clips["12A-3"].metadata["scoreplan"]["read"]["scene"] == "12A"
    assert clips["12A-3"].metadata["scoreplan"]["read"]["take"] == "3"
    assert a.scenes and a.scenes[0].start_frame == 0


def test_sample_script_rebuilds_the_same_timeline(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_avid_sample", SAMPLES / "make_avid_sample.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script runs
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    rebuilt = analyse(read_source(module.build(tmp_path / "again.aaf")))
    shipped = read_once(SAMPLE)[1]
    assert rebuilt.annotations == shipped.annotations
    assert [(s.start_frame, s.end_frame, s.name) for s in rebuilt.shots] == [(s.start_frame, s.end_frame, s.name) for s in shipped.shots]


def test_our_own_locators_and_tracks_are_recognised(tmp_path):
    path = tmp_path / "after_apply.aaf"
    shutil.copy(SAMPLE, path)
    with aaf2.open(str(path), "rw") as f:
        mob = next(f.content.toplevel())
        event = next(s for s in mob.slots if isinstance(s, aaf2.mobslots.EventMobSlot) and s["PhysicalTrackNumber"].value == 1)
        marker = f.create.DescriptiveMarker()
        marker["DataDefinition"].value = f.dictionary.lookup_datadef("DescriptiveMetadata")
        marker["Position"].value = 500
        marker["Comment"].value = f"1M1 start {OUR_TOKEN}"
        marker["DescribedSlots"].value = {9}
        event.segment.components.append(marker)
        mx = next(s for s in mob.slots if s.name == "MX")
        mx.name = f"MX temp {OUR_TOKEN}"
    a = analyse(read_source(path))
    ours = [x for x in a.annotations if x.ours]
    assert [(x.frame, x.name) for x in ours] == [(500, f"1M1 start {OUR_TOKEN}")]
    assert [x[:2] for x in SAMPLE_LOCATORS] == [(x.frame, x.name) for x in a.annotations if x.kind == "locator" and not x.ours]
    assert not a.music, "clips on our own temp track are not the editor's music"
