"""Issue 11, "Say nothing false": every medium a written timeline describes is described as the file is.

Each format is applied with a plan whose first cue has a pinned temp piece (rendered: a 24-bit BWF) and
whose other cues have none (the 16-bit silent placeholder), into a media folder whose name needs
percent-encoding (``dir #1 ?x ø``). The outputs are read back with readers we did not write (lxml,
pyaaf2, OpenTimelineIO, plain text) and each description (path, bit depth, sample rate, channels,
length) is compared with the file as soundfile reads it.
"""

from __future__ import annotations

import json
import shutil
import urllib.parse
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import soundfile
from conftest import SAMPLES
from hostile.harness import run_inprocess
from lxml import etree

FORMATS = {
    "fcp7": ("premiere_sample.xml", ".xml", []),
    "fcpxml": ("resolve_sample.fcpxml", ".fcpxml", []),
    "edl": ("avid_sample.edl", ".edl", ["--rate", "29.97"]),
    "aaf": ("avid_sample.aaf", ".aaf", []),
    "otio": ("sample.otio", ".otio", []),
}
MEDIA_DIR = "dir #1 ?x ø"
BITS = {"PCM_16": 16, "PCM_24": 24, "PCM_32": 32}


def _file(path: Path) -> dict:
    """What soundfile (libsndfile) reads in a WAV: the independent truth."""
    info = soundfile.info(str(path))
    return {"rate": info.samplerate, "channels": info.channels, "bits": BITS[info.subtype], "samples": info.frames}


def _frames_ok(stated: float, facts: dict, rate: float) -> bool:
    """A stated length (in frames of ``rate``) is the file's, to the frame (never a frame more than it holds)."""
    exact = facts["samples"] * rate / facts["rate"]
    return exact - 1 < stated <= exact + 1e-3 + rate / facts["rate"]


def _url_path(url: str) -> Path:
    parsed = urllib.parse.urlparse(url)
    assert parsed.scheme == "file" and not parsed.query and not parsed.fragment, url
    return Path(urllib.parse.unquote(parsed.path))


@pytest.fixture(scope="module")
def piece(tmp_path_factory) -> Path:
    from otio_scoreplan.audio.bwf import write_bwf

    path = tmp_path_factory.mktemp("piece") / "theme.wav"
    write_bwf(path, np.random.default_rng(3).uniform(-0.1, 0.1, (48000 * 30, 2)).astype(np.float32))
    return path


@pytest.fixture(scope="module", params=sorted(FORMATS))
def applied(request, piece: Path, tmp_path_factory) -> tuple[str, Path, Path, float]:
    """(format, output, media folder, sequence rate) of an apply with one rendered cue and silent placeholders."""
    fmt = request.param
    sample, suffix, extra = FORMATS[fmt]
    root = tmp_path_factory.mktemp(fmt)
    source = root / sample
    shutil.copyfile(SAMPLES / sample, source)
    run = run_inprocess(["spot", "--json", str(source), *extra])
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)
    if len(doc["cues"]) == 1:  # a second cue, just after the first, to play the silent placeholder
        first = doc["cues"][0]
        doc["cues"].append(dict(first, id="1M2", start_frame=first["end_frame"] + 24, end_frame=first["end_frame"] + 72,
                                hits=[], speech=[]))  # (the first cue's talk lies outside this one)
    doc["cues"][0]["temp"] = {"path": str(piece), "title": "Theme", "offset_seconds": 0.0, "reason": "pinned",
                              "pinned": True}
    (root / "plan.json").write_text(json.dumps(doc))
    media = root / MEDIA_DIR
    out = root / f"cut{suffix}"
    run = run_inprocess(["apply", str(source), "--plan", str(root / "plan.json"), "-o", str(out),
                         "--media-dir", str(media), *extra])
    assert run.code == 0, run.stderr
    rate = doc["inputs"][0]["sequence"]["rate"] if "inputs" in doc else doc["sequence"]["rate"]
    return fmt, out, media, float(rate)


def _described(fmt: str, out: Path, rate: float) -> list[dict]:
    """Each medium of ours the output describes: its path and whatever the format states about it."""
    if fmt == "fcp7":
        root = etree.parse(str(out)).getroot()
        found = []
        for f in root.iter("file"):
            if not (f.get("id") or "").startswith("scoreplan-") or f.find("pathurl") is None:
                continue
            url = f.findtext("pathurl")
            assert url.startswith("file://localhost/"), url
            sc = f.find("media/audio/samplecharacteristics")
            found.append({"path": _url_path(url), "bits": int(sc.findtext("depth")), "rate": int(sc.findtext("samplerate")),
                          "channels": int(f.findtext("media/audio/channelcount")), "frames": int(f.findtext("duration"))})
        return found
    if fmt == "fcpxml":
        root = etree.parse(str(out)).getroot()
        found = []
        for asset in root.iter("asset"):
            if not (asset.get("id") or "").startswith("scoreplan-"):
                continue
            rep = asset.find("media-rep")
            url = rep.get("src") if rep is not None else asset.get("src")
            found.append({"path": _url_path(url), "rate": int(asset.get("audioRate")),
                          "channels": int(asset.get("audioChannels")),
                          "frames": float(Fraction(asset.get("duration").rstrip("s"))) * rate})
        return found
    if fmt == "otio":
        import opentimelineio as otio

        found = []
        for clip in otio.adapters.read_from_file(str(out)).find_clips():
            if (clip.metadata.get("scoreplan") or {}).get("added"):
                ref = clip.media_reference
                found.append({"path": _url_path(ref.target_url), "frames": ref.available_range.duration.rescaled_to(rate).value})
        return found
    if fmt == "edl":
        from otio_scoreplan.formats.edl.write import companion_path

        text = companion_path(out).read_text(encoding="utf-8")
        return [{"path": out.parent / line.split(":", 1)[1].strip()} for line in text.splitlines()
                if line.startswith("* SOURCE FILE:")]
    return _described_aaf(out)


def _described_aaf(out: Path) -> list[dict]:
    """Our linked WAVs in an AAF: the WAVEDescriptor's rate, length and format chunk, and the locator."""
    import struct

    import aaf2

    found = []
    with aaf2.open(str(out), "r") as f:
        for mob in f.content.sourcemobs():
            desc = mob.descriptor
            if "scoreplan" not in (mob.name or "") or desc is None or "Summary" not in desc.keys():
                continue
            summary = bytes(desc["Summary"].value)
            at = summary.index(b"fmt ") + 8
            _tag, channels, sample_rate, _bps, _align, bits = struct.unpack("<HHIIHH", summary[at : at + 16])
            url = desc["Locator"][0]["URLString"].value
            found.append({"path": _url_path(url), "bits": bits, "rate": sample_rate, "channels": channels,
                          "samples": desc["Length"].value, "descriptor_rate": int(desc["SampleRate"].value)})
    return found


def test_every_medium_is_described_as_the_file_is(applied) -> None:
    fmt, out, media, rate = applied
    described = _described(fmt, out, rate)
    files = sorted(p for p in media.iterdir() if not p.name.startswith("."))
    assert {d["path"].resolve() for d in described} == {p.resolve() for p in files}, "every medium, and only those"
    assert {_file(p)["bits"] for p in files} == {16, 24}, "a rendered cue (24-bit) and the silent placeholder (16-bit)"
    for d in described:
        facts = _file(d["path"])
        for key in ("bits", "rate", "channels", "samples"):
            if key in d:
                assert d[key] == facts[key], (fmt, d["path"].name, key, d[key], facts[key])
        if "descriptor_rate" in d:
            assert d["descriptor_rate"] == facts["rate"]
        if "frames" in d:
            assert _frames_ok(d["frames"], facts, rate), (fmt, d["path"].name, d["frames"], facts, rate)


def test_fcp7_pathurl_is_percent_encoded_as_the_exports_are(applied) -> None:
    """``dir #1 ?x ø``: space, '#', '?' and the UTF-8 bytes of 'ø' encoded; the URL names the existing file."""
    fmt, out, media, _ = applied
    if fmt != "fcp7":
        pytest.skip("FCP7 XML only")
    urls = [f.findtext("pathurl") for f in etree.parse(str(out)).getroot().iter("file")
            if (f.get("id") or "").startswith("scoreplan-") and f.find("pathurl") is not None]
    assert urls
    for url in urls:
        assert "/dir%20%231%20%3Fx%20%C3%B8/" in url, url
        assert " " not in url and "#" not in url and "?" not in url
        assert _url_path(url).is_file()
