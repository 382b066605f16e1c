"""A library piece that is a symbolic link is saved in the plan as the library names it (issue 14 left (5)): the
plan's ``temp.path`` was the link's target, so repointing the link (a music editor swapping a take in a shared temp
folder) left the plan on the old file. Loading follows the link as before: an apply after the link is repointed
plays the new file. Through the real commands; the two "takes" are tones we write (220 Hz, then 330 Hz)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import soundfile as sf
from conftest import SAMPLES, run_cli

from otio_scoreplan.plan.model import load_plan

SAMPLE = SAMPLES / "avid_sample.edl"
SR = 48000


def _tone(path: Path, hz: float, seconds: float = 20.0) -> None:
    t = np.arange(int(SR * seconds)) / SR
    sf.write(path, np.stack([0.2 * np.sin(2 * np.pi * hz * t)] * 2, axis=1), SR, subtype="PCM_24")


def _pitch(path: Path) -> float:
    """The strongest frequency of the file's first channel (Hz)."""
    data, sr = sf.read(path, always_2d=True)
    mono = data[:, 0][: sr * 4]
    spectrum = np.abs(np.fft.rfft(mono * np.hanning(len(mono))))
    return float(np.fft.rfftfreq(len(mono), 1 / sr)[int(np.argmax(spectrum))])


def test_a_linked_piece_is_saved_as_the_link_and_followed_when_loaded(tmp_path: Path) -> None:
    takes, lib = tmp_path / "takes", tmp_path / "lib"
    takes.mkdir()
    lib.mkdir()
    _tone(takes / "take1.wav", 220.0)
    _tone(takes / "take2.wav", 330.0)
    link = lib / "tension_cue.wav"
    link.symlink_to(takes / "take1.wav")
    proc = run_cli("spot", "--json", "--library", str(lib), str(SAMPLE))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    paths = {c["temp"]["path"] for c in doc["cues"] if c.get("temp")}
    assert paths == {str(link)}, paths  # the link as the library names it, not take1.wav
    plan = tmp_path / "plan.json"
    plan.write_text(proc.stdout, encoding="utf-8")
    # the link repointed: the plan still names it, and what is loaded and played is the new take
    link.unlink()
    link.symlink_to(takes / "take2.wav")
    loaded = load_plan(plan)
    assert {Path(c.temp.path).resolve() for c in loaded.cues if c.temp} == {(takes / "take2.wav").resolve()}
    out, media = tmp_path / "cut.edl", tmp_path / "media"
    proc = run_cli("apply", str(SAMPLE), "--plan", str(plan), "-o", str(out), "--media-dir", str(media))
    assert proc.returncode == 0, proc.stderr
    rendered = sorted(media.glob("*.wav"))
    assert rendered
    for wav in rendered:
        assert abs(_pitch(wav) - 330.0) < 2.0, (wav.name, _pitch(wav))
    assert os.readlink(link) == str(takes / "take2.wav")
