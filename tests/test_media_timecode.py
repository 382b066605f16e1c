"""Issue 14 (3): a temp file's own start, its BWF time reference, is the start every written timeline states.

Each temp WAV is spotted to time by its ``bext`` TimeReference (the cue's start minus its head handle). Final Cut
Pro imports a BWF with that timecode as its asset's start and wants every asset-clip's ``start`` inside
``[asset start, asset start + duration]`` (its own exports: the corpus's DAWFileKit StandaloneRefClip states a camera
file's timecode as the asset's start and the clip's start from it), so an asset stated at 0 s puts our clips outside
the file on a relink or reimport. Premiere and FCP7 state an audio file's timecode in its ``<file><timecode>`` (the
NRK corpus exports: library music at 01;06;08;16, 00:39:00:00) and count ``<in>``/``<out>`` from the file's first
frame. Each output is read back with lxml (and DTD-validated), the WAV's reference with ffmpeg.
"""

from __future__ import annotations

import json
import shutil
import urllib.parse
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, SAMPLES, VALIDATORS
from hostile.harness import run_inprocess
from lxml import etree
from test_edl_companion import _time_reference  # ffmpeg's reading of the bext TimeReference
from test_writeback_fcpxml import _old_document
from xmlcompare import dtd_error_kinds

FCPXML_VERSIONS = ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8"]
FCPXML_FILES = [SAMPLES / "resolve_sample.fcpxml", CORPUS / "fcpx" / "dawfilekit_23.98.fcpxml"]
XMEML_FILES = [SAMPLES / "premiere_sample.xml", CORPUS / "resolve" / "losslesscut_Final_Cut_Pro_XMEML_2.xml"]


def _time(text: str) -> Fraction:
    num, _, den = text.rstrip("s").partition("/")
    return Fraction(int(num), int(den or 1))


def _url_path(url: str) -> Path:
    parsed = urllib.parse.urlparse(url)
    return Path(urllib.parse.unquote(parsed.path))


@pytest.fixture(scope="module")
def piece(tmp_path_factory) -> Path:
    from otio_scoreplan.audio.bwf import write_bwf

    path = tmp_path_factory.mktemp("piece") / "theme.wav"
    write_bwf(path, np.random.default_rng(5).uniform(-0.1, 0.1, (48000 * 40, 2)).astype(np.float32))
    return path


def _apply(source: Path, out: Path, piece: Path) -> Path:
    """Apply a plan whose cues all play the pinned piece (rendered: BWFs with their time reference); the media
    folder."""
    run = run_inprocess(["spot", "--json", str(source)])
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)
    seq = doc["sequence"] if "sequence" in doc else doc["inputs"][0]["sequence"]
    if not doc["cues"]:  # a short document: one cue of our own over its middle
        n = seq["duration_frames"]
        doc["cues"] = [{"id": "1M1", "start_frame": n // 4, "end_frame": n * 3 // 4, "moods": ["tension"]}]
    for cue in doc["cues"]:
        cue["temp"] = {"path": str(piece), "title": "Theme", "offset_seconds": 0.0, "reason": "pinned", "pinned": True}
    plan = out.parent / "plan.json"
    plan.write_text(json.dumps(doc))
    media = out.parent / "media"
    run = run_inprocess(["apply", str(source), "--plan", str(plan), "-o", str(out), "--media-dir", str(media)])
    assert run.code == 0, run.stderr
    return media


@pytest.fixture(scope="module", params=FCPXML_VERSIONS + [p.name for p in FCPXML_FILES])
def fcpxml_applied(request, piece, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fcpxml")
    if request.param in FCPXML_VERSIONS:
        source = folder / "old.fcpxml"
        source.write_text(_old_document(request.param))
    else:
        source = folder / request.param
        shutil.copyfile(next(p for p in FCPXML_FILES if p.name == request.param), source)
    out = folder / "out.fcpxml"
    _apply(source, out, piece)
    return out


def test_fcpxml_assets_start_at_their_files_timecode(fcpxml_applied: Path) -> None:
    """Each asset of ours starts at its WAV's time reference / sample rate (to the sample); each clip of it reads
    inside it (its ``start`` and end within the asset's range); keyframe times too; the output is DTD-valid."""
    root = etree.parse(str(fcpxml_applied)).getroot()
    version = root.get("version")
    dtd = etree.DTD(str(VALIDATORS / "fcpxml" / f"FCPXMLv{version.replace('.', '_')}.dtd"))
    assert dtd.validate(root), [e.message for e in dtd.error_log][:3]
    assets = {a.get("id"): a for a in root.iter("asset") if (a.get("id") or "").startswith("scoreplan-")}
    assert assets
    timed = 0
    for asset in assets.values():
        rep = asset.find("media-rep")
        wav = _url_path(rep.get("src") if rep is not None else asset.get("src"))
        reference = _time_reference(wav)
        start = _time(asset.get("start"))
        assert start == Fraction(reference, int(asset.get("audioRate"))), (wav.name, asset.get("start"), reference)
        timed += reference > 0
        end = start + _time(asset.get("duration"))
        clips = [c for c in root.iter("asset-clip", "audio") if c.get("ref") == asset.get("id")]
        assert clips
        for clip in clips:
            clip_start = _time(clip.get("start"))
            assert start <= clip_start and clip_start + _time(clip.get("duration")) <= end, \
                (clip.get("name"), clip.get("start"), clip.get("duration"), asset.get("start"), asset.get("duration"))
            for key in clip.iter("keyframe"):  # volume keyframes live in the clip's (the asset's) time
                assert start <= _time(key.get("time")) <= end, (clip.get("name"), key.get("time"))
    assert timed, "a rendered temp file has a time reference past midnight"


@pytest.fixture(scope="module", params=[p.name for p in XMEML_FILES])
def xmeml_applied(request, piece, tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("xmeml")
    original = next(p for p in XMEML_FILES if p.name == request.param)
    source = folder / original.name
    shutil.copyfile(original, source)
    out = folder / "out.xml"
    _apply(source, out, piece)
    return source, out


def test_fcp7_files_carry_their_timecode(xmeml_applied: tuple[Path, Path]) -> None:
    """Each ``<file>`` of ours states the WAV's time reference as its ``<timecode>`` (frame and string at the
    sequence's rate); its clips' ``<in>``/``<out>`` lie inside the file, counted from its first frame; no new kind
    of DTD error."""
    from opentimelineio import opentime

    source, out = xmeml_applied
    tree = etree.parse(str(out))
    root = tree.getroot()
    dtd = VALIDATORS / "xmeml" / f"xmeml_v{root.get('version') or '5'}.dtd"
    assert dtd_error_kinds(tree, dtd) <= dtd_error_kinds(etree.parse(str(source)), dtd)
    seq = next(root.iter("sequence"))
    timebase = int(seq.findtext("rate/timebase"))
    rate = Fraction(timebase * 1000, 1001) if seq.findtext("rate/ntsc") == "TRUE" else Fraction(timebase)
    files = {f.get("id"): f for f in root.iter("file") if (f.get("id") or "").startswith("scoreplan-")
             and f.find("pathurl") is not None}
    assert files
    for fid, f in files.items():
        wav = _url_path(f.findtext("pathurl"))
        reference = _time_reference(wav)
        tc = f.find("timecode")
        if not reference:
            assert tc is None
            continue
        frame = Fraction(reference) * rate / 48000
        assert abs(int(tc.findtext("frame")) - frame) <= Fraction(1, 2), (wav.name, tc.findtext("frame"), frame)
        assert int(tc.findtext("rate/timebase")) == timebase and tc.findtext("displayformat") == "NDF"
        assert opentime.from_timecode(tc.findtext("string").replace(";", ":"), float(rate)).value == \
            int(tc.findtext("frame"))
        for item in root.iter("clipitem"):
            if item.find("file") is not None and item.find("file").get("id") == fid:
                assert 0 <= int(item.findtext("in")) < int(item.findtext("out")) <= int(f.findtext("duration"))


@pytest.fixture(scope="module")
def aaf_applied(piece, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("aaf")
    source = folder / "avid_sample.aaf"
    shutil.copyfile(SAMPLES / "avid_sample.aaf", source)
    out = folder / "out.aaf"
    _apply(source, out, piece)
    return out


def test_aaf_import_mobs_carry_their_files_timecode(aaf_applied: Path) -> None:
    """Each WAV's import SourceMob holds a timecode slot at its time reference (as Media Composer describes an
    imported WAV: Timecode slot, PhysicalTrackNumber 1, beside the sound slots), read with pyaaf2; OpenTimelineIO's
    AAF adapter then reads each temp clip inside its media, in that timecode."""
    import aaf2
    import opentimelineio as otio

    timed = 0
    with aaf2.open(str(aaf_applied), "r") as f:
        seq = next(iter(f.content.toplevel()))
        rate = Fraction(seq.slots[0].edit_rate.numerator, seq.slots[0].edit_rate.denominator)
        for mob in f.content.sourcemobs():
            desc = mob.descriptor
            if "scoreplan" not in (mob.name or "") or type(desc).__name__ != "WAVEDescriptor":
                continue
            wav = _url_path(desc["Locator"][0]["URLString"].value)
            reference = _time_reference(wav)
            tape = next(c.mob for s in mob.slots for c in s.segment.components)
            codes = [s for s in tape.slots if isinstance(s.segment, aaf2.components.Timecode)]
            if not reference:
                assert codes == []
                continue
            (slot,) = codes
            assert slot["PhysicalTrackNumber"].value == 1 and slot.segment.fps == round(rate)
            assert Fraction(slot.edit_rate.numerator, slot.edit_rate.denominator) == rate
            assert abs(slot.segment.start - Fraction(reference) * rate / 48000) <= Fraction(1, 2), (wav.name, slot.segment.start)
            timed += 1
    assert timed
    clips = [c for c in otio.adapters.read_from_file(str(aaf_applied)).find_clips() if "scoreplan" in (c.name or "")]
    assert clips
    for clip in clips:
        available = clip.media_reference.available_range
        assert available.start_time.value > 0, clip.name
        assert available.contains(clip.source_range.start_time) and \
            clip.source_range.end_time_exclusive() <= available.end_time_exclusive(), (clip.name, clip.source_range, available)
