"""Two scoreplan processes listening at once on a fresh install must not crash (library/analysis.py).

librosa's numba code is compiled on first use and cached on disk; two processes compiling it at the same
time can pair cache files from different processes, and the next call is a segmentation fault (numba issue
#10128). The project's CI hit exactly that: both test workers scanned a library in a new virtualenv, and one
died in ``librosa.beat``. ``load_librosa`` makes every process take one lock around that first compile.

Here, with an empty numba cache of its own and a temp folder of its own (so the lock file is this test's):
the test holds the lock, starts two processes that listen to a made signal, and checks that neither writes
to the cache while the lock is held (before the fix both compiled at once, at once); then it lets go, and
both must finish with the same analysis, having compiled once and read the cache once.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

from otio_scoreplan.library.analysis import COMPILE_LOCK_NAME

LISTEN = """
import sys
import numpy as np
print("started", flush=True)
from otio_scoreplan.library.analysis import ANALYSIS_RATE, analyse_audio
y = np.zeros(ANALYSIS_RATE * 8, dtype=np.float32)
y[:: ANALYSIS_RATE // 2] = 1.0
print("tempo", round(analyse_audio(y, ANALYSIS_RATE).tempo), flush=True)
"""
WAIT_SECONDS = 8.0  # long enough for an unlocked process to import librosa and write its first cache file


def _cache_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".nbi", ".nbc"))


def test_two_processes_compile_librosa_one_at_a_time(tmp_path: Path) -> None:
    cache, temp = tmp_path / "numba-cache", tmp_path / "tmp"
    cache.mkdir()
    temp.mkdir()
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "TMPDIR": str(temp)}
    env.pop("NUMBA_DISABLE_JIT", None)
    lock = os.open(temp / COMPILE_LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    fcntl.flock(lock, fcntl.LOCK_EX)
    procs = [subprocess.Popen([sys.executable, "-c", LISTEN], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1])
             for _ in range(2)]
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "started"
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and not _cache_files(cache):
            time.sleep(0.2)
        assert not _cache_files(cache), "librosa compiled while another process held the compile lock"
        assert all(p.poll() is None for p in procs), "a process finished without taking the lock"
    finally:
        os.close(lock)  # let go: one compiles, the other reads what it wrote
    results = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, f"exit {p.returncode}: {err[-2000:]}"
        assert out.startswith("tempo ")
    assert results[0][0] == results[1][0]
    assert _cache_files(cache), "the compiled code was not cached for the next process"


def test_a_lock_held_too_long_is_not_waited_for(tmp_path: Path, monkeypatch, caplog) -> None:
    """A stopped run or another user holding the lock file must not freeze every run: after a while the run
    says so and goes on without the lock (hostile review: a blocking flock waited forever, in silence)."""
    import tempfile

    from otio_scoreplan.library import analysis

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(analysis, "COMPILE_LOCK_SAY_SECONDS", 0.5)
    monkeypatch.setattr(analysis, "COMPILE_LOCK_WAIT_SECONDS", 1.5)
    holder = os.open(tmp_path / COMPILE_LOCK_NAME, os.O_RDONLY | os.O_CREAT, 0o644)  # read-only is enough to hold it
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        with caplog.at_level("WARNING"), analysis._compile_lock():
            entered = True
    finally:
        os.close(holder)
    assert entered
    said = [r.getMessage() for r in caplog.records]
    assert any("waiting for another scoreplan run" in m for m in said), said
    assert any("going on without it" in m for m in said), said
