"""Odd entries in a temp-music folder are named among the skipped files with their reason, never opened (issue 11
follow-up, hostile review: a FIFO, a folder named ``x.wav``, a broken symbolic link and a link to /dev/zero were
left out of the listing without a word). Through the real command, with a timeout: a FIFO opened would hang."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from conftest import run_cli


@pytest.fixture
def odd_library(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    (lib / "x.wav").mkdir(parents=True)
    (lib / "x.wav" / "readme.txt").write_text("a folder named like a piece")
    (lib / "sub").mkdir()
    t = np.arange(48000 * 4) / 48000
    sf.write(lib / "tone.wav", np.stack([0.2 * np.sin(2 * np.pi * 220 * t)] * 2, axis=1), 48000, subtype="PCM_24")
    os.mkfifo(lib / "pipe.wav")
    (lib / "broken.wav").symlink_to(tmp_path / "gone.wav")
    (lib / "zero.wav").symlink_to("/dev/zero")
    (lib / "sub" / "linked.wav").symlink_to(lib / "tone.wav")  # a link to a piece is that piece
    (lib / ".hidden.wav").symlink_to("/dev/zero")  # hidden entries are passed over, as ever
    return lib


def test_every_odd_entry_is_named_with_its_reason(odd_library: Path) -> None:
    proc = run_cli("library", "--json", "--no-listen", str(odd_library), timeout=120)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads(proc.stdout)
    skipped = {s["path"]: s["reason"] for s in doc["skipped"]}
    assert skipped == {
        "broken.wav": f"a broken symbolic link (to {str(odd_library.parent / 'gone.wav')!r}, which does not exist)",
        "pipe.wav": "a pipe (FIFO), not a regular file; not read",
        "x.wav": "a folder, not an audio file",
        "zero.wav": "a symbolic link to '/dev/zero', which is a character device, not a regular file; not read",
    }
    assert sorted(p["path"] for p in doc["pieces"]) == ["sub/linked.wav", "tone.wav"]


def test_the_listing_names_them_too(odd_library: Path) -> None:
    proc = run_cli("library", "--no-listen", str(odd_library), timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("skipped: ")]
    assert [ln.split(":")[1].strip() for ln in lines] == ["broken.wav", "pipe.wav", "x.wav", "zero.wav"]
    assert "4 skipped" in proc.stdout.splitlines()[0]
