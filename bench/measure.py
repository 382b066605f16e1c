"""Run a command as a whole process and measure it: wall time, exit status, peak memory (max RSS).

Peak memory comes from ``os.wait4`` on that one child (``ru_maxrss`` of its own rusage), so it is the
child's alone, not the maximum over every child this process has waited for.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Run:
    """One run of a command."""

    seconds: float
    returncode: int | None  # None: killed at the timeout
    peak_mb: float
    stderr_tail: str = ""
    cpu_seconds: float = 0.0  # user + system time of the child: less moved than wall time by other load


@dataclass
class Series:
    """Repeated runs of one command; the figure is the median wall time of the successful runs."""

    label: str
    runs: list[Run] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.returncode == 0 for r in self.runs)

    @property
    def timed_out(self) -> bool:
        return any(r.returncode is None for r in self.runs)

    @property
    def median(self) -> float | None:
        done = [r.seconds for r in self.runs if r.returncode == 0]
        return statistics.median(done) if done else None

    @property
    def cpu_median(self) -> float | None:
        done = [r.cpu_seconds for r in self.runs if r.returncode == 0]
        return statistics.median(done) if done else None

    @property
    def peak_mb(self) -> float | None:
        done = [r.peak_mb for r in self.runs if r.returncode == 0]
        return max(done) if done else None

    @property
    def error(self) -> str:
        for r in self.runs:
            if r.returncode is None:
                return f"killed after {r.seconds:.0f} s"
            if r.returncode != 0:
                return r.stderr_tail or f"exit {r.returncode}"
        return ""


def run_once(argv: list[str], log: Path, timeout: float, cwd: Path | None = None) -> Run:
    """Run ``argv`` once (stdout and stderr to ``log``); kill it after ``timeout`` seconds."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as sink:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT, cwd=cwd)
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout and not killed:
                proc.kill()
                killed = True
            time.sleep(0.002)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait for it again
    tail = ""
    if killed or proc.returncode != 0:
        lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
        tail = " ".join(lines[-1:])[:300]
    return Run(seconds=seconds, returncode=None if killed else proc.returncode,
               peak_mb=usage.ru_maxrss / 1024, stderr_tail=tail, cpu_seconds=usage.ru_utime + usage.ru_stime)
