"""Shared fixtures: the real-export corpus (collected by glob), the sample timelines, the CLI."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_timelines"
CORPUS = Path(os.environ.get("SCOREPLAN_CORPUS", REPO.parent / "shared" / "corpus")).resolve()
VALIDATORS = Path(os.environ.get("SCOREPLAN_VALIDATORS", REPO.parent / "shared" / "validators")).resolve()

TIMELINE_SUFFIXES = (".xml", ".fcpxml", ".fcpxmld", ".edl", ".aaf", ".otio", ".otioz")


def corpus_files() -> list[Path]:
    """Every timeline file of ../shared/corpus, by glob, so new files are picked up."""
    if not CORPUS.is_dir():
        raise RuntimeError(f"the shared corpus is missing at {CORPUS}; set SCOREPLAN_CORPUS")
    return sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in TIMELINE_SUFFIXES and not p.name.startswith("."))


def corpus_id(path: Path) -> str:
    return str(path.relative_to(CORPUS))


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real ``scoreplan`` command as a user would, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "otio_scoreplan.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )


@pytest.fixture(autouse=True)
def no_logged_errors(caplog):
    """Fail any test during which the library logged an ERROR (habit taken from PySceneDetect)."""
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, "logged errors: " + "; ".join(r.getMessage() for r in errors)
