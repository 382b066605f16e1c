"""Issue 11, the last hostile review's leftovers (session 6): each seen on the code by a careless user, each a
one-line refusal naming the file (exit 2, no traceback, nothing half-written) or a fix of what was said or written."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES
from hostile.harness import run_inprocess


def _one_line_refusal(stderr: str, code: int) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert code == 2, (code, stderr)
    assert len(lines) == 1 and lines[0].startswith("scoreplan: error: ") and "Traceback" not in stderr, stderr
    return lines[0]


def _library(folder: Path, rate: int = 48000) -> Path:
    """Three 12-second noise pieces (named by mood); at a rate other than 48 kHz they are decoded to a temporary file."""
    from otio_scoreplan.audio.bwf import write_bwf

    folder.mkdir(parents=True)
    rng = np.random.default_rng(7)
    for name in ("dark_pulse", "sad_strings", "bright_chase"):
        write_bwf(folder / f"{name}.wav", rng.uniform(-0.1, 0.1, (rate * 12, 2)).astype(np.float32), sample_rate=rate)
    return folder


@pytest.fixture
def full_disk(tmp_path: Path):
    """A 64 KB tmpfs filled to 4 KB of free room, where this user may mount one (else the test is skipped)."""
    point = tmp_path / "full"
    point.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(point)], check=False,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        (point / "filler").write_bytes(b"\0" * 60000)
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=False, capture_output=True)


# -- 1. a full temporary folder is named, not the output -------------------------------------------------------

def test_a_full_temporary_folder_is_named_not_the_output(full_disk: Path, tmp_path: Path, monkeypatch) -> None:
    """apply with a library whose pieces are decoded to temporary audio, the temporary folder full: the error names
    that folder (the file being written), never the output, which is not written."""
    library = _library(tmp_path / "lib", rate=44100)
    run_inprocess(["library", str(library)])  # the scan (and its cache) before the temporary folder fills
    monkeypatch.setenv("TMPDIR", str(full_disk))
    monkeypatch.setattr(tempfile, "tempdir", str(full_disk))
    out = tmp_path / "out" / "cut.xml"
    out.parent.mkdir()
    run = run_inprocess(["apply", str(SAMPLES / "premiere_sample.xml"), "-o", str(out), "--library", str(library),
                         "--media-dir", str(tmp_path / "media")])
    line = _one_line_refusal(run.stderr, run.code)
    assert "No space left on device" in line, line
    assert str(out) not in line and line.startswith(f"scoreplan: error: {full_disk}"), line
    assert not out.exists() and sorted(p.name for p in full_disk.iterdir()) == ["filler"]
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").iterdir())


def test_an_os_error_naming_no_file_is_not_blamed_on_the_output(tmp_path: Path, monkeypatch) -> None:
    import errno

    from otio_scoreplan._cli import entry

    def full(args) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(entry, "cmd_apply", full)
    out = tmp_path / "cut.xml"
    run = run_inprocess(["apply", str(SAMPLES / "premiere_sample.xml"), "-o", str(out)])
    line = _one_line_refusal(run.stderr, run.code)
    assert line == f"scoreplan: error: No space left on device (the system named no file; {out} was not written)"
