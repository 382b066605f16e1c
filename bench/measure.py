"""Run a command as a whole process and measure it: wall time, exit status, peak memory (max RSS).

Peak memory comes from ``os.wait4`` on that one child (``ru_maxrss`` of its own rusage), so it is the
child's alone, not the maximum over every child this process has waited for.
"""

from __future__ import annotations

import os
import signal
import statistics
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


GNU_TIME = "/usr/bin/time"


def _high_water_kb(pid: int) -> int:
    """Largest VmHWM (peak resident memory) of ``pid`` and its children, from /proc; 0 if unknown."""
    best = 0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for p in [str(pid), *children]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    best = max(best, int(line.split()[1]))
        except OSError:
            continue
    return best


def run_once(argv: list[str], log: Path, timeout: float) -> Run:
    """Run ``argv`` once in the current folder (stdout and stderr to ``log``); kill it after ``timeout`` seconds.

    Peak memory and CPU time come from GNU time, which forks the command itself: a child forked (or
    vforked) from this harness would carry the harness's own size into its ``ru_maxrss`` (Linux keeps the
    high-water mark of the memory image it replaced at exec). Without GNU time, ``wait4``'s figures are used.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    stats = log.with_suffix(".rusage")
    stats.unlink(missing_ok=True)
    use_time = os.path.exists(GNU_TIME)
    full = [GNU_TIME, "-f", "%M %U %S", "-o", str(stats), *argv] if use_time else argv
    actions = [(os.POSIX_SPAWN_OPEN, 1, str(log), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
               (os.POSIX_SPAWN_DUP2, 1, 2)]
    started = time.perf_counter()
    pid = os.posix_spawn(full[0], full, os.environ, file_actions=actions, setpgroup=0)
    killed = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.perf_counter() - started > timeout and not killed:
            hwm_kb = _high_water_kb(pid)
            os.killpg(pid, signal.SIGKILL)
            killed = True
        time.sleep(0.002)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    peak_kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    if killed:
        peak_kb = hwm_kb  # the command's own high-water mark read just before the kill
    if use_time and stats.exists():
        last = (stats.read_text().strip().splitlines() or [""])[-1].split()
        if len(last) == 3:
            peak_kb, cpu = int(last[0]), float(last[1]) + float(last[2])
    tail = ""
    if killed or code != 0:
        lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
        tail = " ".join(lines[-1:])[:300] or ("killed at the timeout" if killed else "")
    return Run(seconds=seconds, returncode=None if killed else code, peak_mb=peak_kb / 1024, stderr_tail=tail,
               cpu_seconds=cpu)
