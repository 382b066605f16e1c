"""Shared fixtures: the real-export corpus (collected by glob), the sample timelines, the CLI.

Reading is the slow part of the suite (the AAF adapter, the big NRK xmeml files), and many modules
read the same files: :func:`read_once` reads and analyses each file once per test session.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from otio_scoreplan.formats import Source
    from otio_scoreplan.model import Analysis

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


_READ: dict[tuple[Path, float | None, str | None], tuple[Source, Analysis] | Exception] = {}
_PRINTED: dict[tuple[Path, float | None, str | None], str] = {}


def read_once(path: Path, rate: float | None = None, sequence: str | None = None) -> tuple[Source, Analysis]:
    """``read_source(path)`` and ``analyse()`` of it, done once per test session and shared.

    Both are SHARED: never change them (a test that changes a Source's timeline reads its own with
    ``read_source``). The Source is kept here, so OTIO does not empty its timeline's stack. A file the
    reader refuses raises its InputError (a fresh copy, same message) on every call.
    ``SCOREPLAN_CHECK_READ_ONCE=1`` reads everything again at the end of the session and fails when a
    test changed a shared Source or Analysis.
    """
    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.errors import ScorePlanError
    from otio_scoreplan.formats import ReadOptions, read_source

    key = (Path(path), rate, sequence)
    if key not in _READ:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            try:
                source = read_source(key[0], ReadOptions(rate=rate, sequence=sequence))
                _READ[key] = (source, analyse(source))
            except ScorePlanError as exc:
                _READ[key] = exc
        _PRINTED[key] = printed.getvalue()
    done = _READ[key]
    if isinstance(done, Exception):
        fresh = _copy_error(done)
        raise fresh from None
    return done


def eval_case_without_music(case: str, folder: Path) -> Analysis:
    """The analysis of the evaluation case ``case`` (tools/eval/truth/<case>.json) with its music taken out by
    the evaluation's own stripper, as ``make eval-spotting`` plans it: nothing marked steers the planner."""
    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.formats import read_source

    if str(REPO / "tools" / "eval") not in sys.path:
        sys.path.insert(0, str(REPO / "tools" / "eval"))
    import strip

    truth = json.loads((REPO / "tools" / "eval" / "truth" / f"{case}.json").read_text(encoding="utf-8"))
    data, _ = strip.strip(CORPUS / truth["file"], truth)
    path = folder / f"{case}.xml"
    path.write_bytes(data)
    return analyse(read_source(path))


def printed_while_reading(path: Path, rate: float | None = None, sequence: str | None = None) -> str:
    """What the (first, shared) :func:`read_once` of ``path`` printed to stdout: it must print nothing."""
    try:
        read_once(path, rate, sequence)
    except Exception:
        pass
    return _PRINTED[(Path(path), rate, sequence)]


def _copy_error(exc: Exception) -> Exception:
    """A new exception like ``exc`` (same class, same attributes), without its old traceback."""
    import copy

    fresh = copy.copy(exc)
    fresh.__traceback__ = None
    return fresh


def _fingerprint(source: Source, analysis: Analysis) -> str:
    from otio_scoreplan.model import analysis_to_json

    return source.timeline.to_json_string() + json.dumps(analysis_to_json(analysis), sort_keys=True, default=str)


def pytest_sessionfinish(session, exitstatus) -> None:
    """With SCOREPLAN_CHECK_READ_ONCE=1: fail when a test changed a shared read (see :func:`read_once`)."""
    if os.environ.get("SCOREPLAN_CHECK_READ_ONCE") != "1":
        return
    import time

    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.formats import ReadOptions, read_source

    started = time.monotonic()
    changed = []
    for (path, rate, sequence), done in _READ.items():
        if isinstance(done, Exception) or not path.exists():
            continue
        again = read_source(path, ReadOptions(rate=rate, sequence=sequence))
        if _fingerprint(*done) != _fingerprint(again, analyse(again)):
            changed.append(path.name)
    print(f"\nread_once: {len(_READ)} shared reads checked in {time.monotonic() - started:.0f} s, "
          f"changed by a test: {changed or 'none'}")
    if changed:
        session.exitstatus = 1


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real ``scoreplan`` command as a user would, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "otio_scoreplan", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )


def run_main(*args: str) -> subprocess.CompletedProcess:
    """``scoreplan`` run in this process through ``otio_scoreplan._cli.main`` (no interpreter start-up).

    Gives what :func:`run_cli` gives (exit status, stdout, stderr), but warnings are logged, not printed
    to stderr; keep at least one :func:`run_cli` test per command for the real command.
    """
    from otio_scoreplan._cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(["scoreplan", *args], code, out.getvalue(), err.getvalue())


@pytest.fixture(autouse=True)
def no_logged_errors(caplog):
    """Fail any test during which the library logged an ERROR (habit taken from PySceneDetect)."""
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, "logged errors: " + "; ".join(r.getMessage() for r in errors)


def mounted_tmpfs(tmp_path: Path, name: str, filler: int = 0):
    """A 64 KB tmpfs at ``tmp_path/name`` holding ``filler`` bytes (60000: about 4 KB of free room), unmounted after
    the test; the test is skipped where this user may not mount one. The one body of the full- and tiny-disk
    fixtures."""
    import shutil

    point = tmp_path / name
    point.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(point)], check=False,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        if filler:
            (point / "filler").write_bytes(b"\0" * filler)
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=False, capture_output=True)


@pytest.fixture
def full_disk(tmp_path: Path):
    """A 64 KB tmpfs filled to 4 KB of free room (a file 'filler' in it), where this user may mount one."""
    yield from mounted_tmpfs(tmp_path, "full", filler=60000)


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """An empty 64 KB tmpfs, where this user may mount one (else the test is skipped)."""
    yield from mounted_tmpfs(tmp_path, "tiny")
