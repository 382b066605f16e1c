"""``make fuzz``: the hostile-input promises of issue 7 at scale, outside the test suite.

Each case is a seeded mutation (tests/hostile/mutate.py) of a real corpus file or a sample, fed to
inspect, and to spot and apply when inspect still reads it, in a sandbox checked by
tests/hostile/harness.py. Cases run in worker processes with a memory cap and a time limit; the
findings are grouped by what broke and where, with a seed that reproduces each one:

    python fuzz/run.py --cases 20000 --seed 1          # the make target
    python fuzz/run.py --replay 12345 --seed 1          # one case again, with the traceback
"""

from __future__ import annotations

import argparse
import collections
import logging
import multiprocessing as mp
import os
import random
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from conftest import SAMPLES, TIMELINE_SUFFIXES, corpus_files  # noqa: E402
from hostile.harness import Sandbox, check_file  # noqa: E402
from hostile.mutate import MUTATIONS, mutate  # noqa: E402

CASE_SECONDS = 60
MEMORY_BYTES = 3 * 2**30
EDL_RATES = ("23.976", "24", "25", "29.97", "30")


def seeds() -> list[Path]:
    """Every corpus file and sample timeline (files, not folders)."""
    found = corpus_files() + sorted(p for p in SAMPLES.iterdir() if p.suffix.lower() in TIMELINE_SUFFIXES)
    return [p for p in found if p.is_file()]


def plan_case(case: int, seed: int, files: list[Path]) -> tuple[Path, list[str], int, list[str]]:
    """The file, mutations, mutation seed and extra options of case number ``case``."""
    rng = random.Random(f"{seed}:{case}")
    path = rng.choices(files, weights=[_weight(p) for p in files])[0]
    kinds = rng.sample(sorted(MUTATIONS), rng.choice((1, 1, 1, 2, 3)))
    extra = ["--rate", rng.choice(EDL_RATES)] if path.suffix.lower() == ".edl" and rng.random() < 0.5 else []
    return path, kinds, rng.getrandbits(32), extra


def _weight(path: Path) -> float:
    """Small files are drawn more often (they cost less), every file now and then; AAFs cost most."""
    size = path.stat().st_size
    return (1.0 if path.suffix.lower() != ".aaf" else 0.3) / (1 + size / 50_000) ** 0.5


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ANN001
    raise _Timeout()


def _worker_init() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    signal.signal(signal.SIGALRM, _alarm)
    logging.basicConfig(level=logging.CRITICAL + 1, handlers=[logging.NullHandler()])  # keep the CLI's basicConfig a no-op
    logging.getLogger().handlers[:] = [_ErrorCollector()]
    logging.getLogger().setLevel(logging.WARNING)


class _ErrorCollector(logging.Handler):
    """Logged ERRORs are findings too (the test suite fails on them)."""

    records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            _ErrorCollector.records.append(f"{record.name}: {record.getMessage()[:200]}")


def run_case(job: tuple[int, int, list[Path], str]) -> tuple[int, str, list[str], float, str]:
    """Run one case; returns (case, description, broken promises, seconds, where an internal error arose)."""
    case, seed, files, tmp = job
    path, kinds, mseed, extra = plan_case(case, seed, files)
    desc = f"{path.name} {'+'.join(kinds)} seed={mseed} {' '.join(extra)}".strip()
    root = Path(tempfile.mkdtemp(prefix=f"c{case}_", dir=tmp))
    t0 = time.monotonic()
    where = ""
    _ErrorCollector.records.clear()
    try:
        data = mutate(path.read_bytes(), kinds, mseed)
        box = Sandbox(root)
        target = box.put(path.name, data)
        signal.alarm(CASE_SECONDS)
        try:
            runs, broken = check_file(target, box, extra)
        finally:
            signal.alarm(0)
        broken += [f"logged ERROR: {r}" for r in _ErrorCollector.records]
        bad = [r for r in runs if r.code not in (0, 2)]
        if bad:
            where = _locate(bad[0].argv, box)
    except _Timeout:
        broken = [f"took more than {CASE_SECONDS} s"]
    except MemoryError:
        broken = [f"ran out of its {MEMORY_BYTES >> 30} GB"]
    except Exception as exc:  # the harness itself: report, never stop the run
        broken = [f"harness: {type(exc).__name__}: {exc}"[:300]]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return case, desc, broken, time.monotonic() - t0, where


def _locate(argv: list[str], box: Sandbox) -> str:
    """The innermost frame of ours in the traceback of an internal error (rerun with --debug)."""
    import contextlib
    import io

    from otio_scoreplan._cli import main

    for p in sorted(box.out.rglob("*"), reverse=True):
        p.rmdir() if p.is_dir() else p.unlink()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            main(["--debug", *argv])
    except Exception as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "otio_scoreplan" in f.filename]
        last = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
        return f"{type(exc).__name__} at {Path(last.filename).name}:{last.lineno} ({last.name})"
    return ""


def signature(broken: str, where: str) -> str:
    """A finding's group: the promise with numbers and names taken out, plus where it arose."""
    import re

    text = re.sub(r"'[^']*'|\"[^\"]*\"|\d+", "#", broken)[:160]
    return f"{text} | {where}" if where else text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--minutes", type=float, default=0, help="stop after this long (0: run every case)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--replay", type=int, metavar="CASE", help="run one case in this process and print it")
    args = ap.parse_args(argv)
    files = seeds()
    with tempfile.TemporaryDirectory(prefix="scoreplan-fuzz-") as tmp:
        if args.replay is not None:
            _worker_init()
            case, desc, broken, secs, where = run_case((args.replay, args.seed, files, tmp))
            print(f"case {case}: {desc} ({secs:.2f} s)\n  " + "\n  ".join(broken or ["ok"]) + (f"\n  at {where}" if where else ""))
            return 1 if broken else 0
        groups: dict[str, list[tuple[int, str, str]]] = collections.defaultdict(list)
        t0 = time.monotonic()
        done = slow = 0
        with mp.get_context("fork").Pool(args.workers, initializer=_worker_init, maxtasksperchild=500) as pool:
            jobs = ((i, args.seed, files, tmp) for i in range(args.cases))
            for case, desc, broken, secs, where in pool.imap_unordered(run_case, jobs, chunksize=4):
                done += 1
                slow += secs > 10
                for b in broken:
                    groups[signature(b, where)].append((case, desc, b))
                if args.minutes and time.monotonic() - t0 > args.minutes * 60:
                    pool.terminate()
                    break
                if done % 1000 == 0:
                    print(f"{done} cases, {len(groups)} kinds of finding, {time.monotonic() - t0:.0f} s", flush=True)
    print(f"\n{done} cases in {time.monotonic() - t0:.0f} s (seed {args.seed}); {slow} took over 10 s; "
          f"{len(groups)} kinds of finding")
    for sig, hits in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        case, desc, b = hits[0]
        print(f"\n[{len(hits)}x] {sig}\n  e.g. case {case}: {desc}\n  {b[:300]}\n  replay: python fuzz/run.py --seed {args.seed} --replay {case}")
    return 1 if groups else 0


if __name__ == "__main__":
    sys.exit(main())
