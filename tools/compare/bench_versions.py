#!/usr/bin/env python3
"""`make bench`'s commands at two versions, interleaved run by run (issue 12, must show: within 10 % of before).

``bench/run.py`` times the ``scoreplan`` of the running environment (the working tree, which others change while
it runs); this runs the same whole-process commands at two fixed commits, each exported with ``git archive`` (as
``tools/compare_outputs.py`` does) and run with ``PYTHONPATH`` at it, on the same inputs (``bench/generate.py`` and
``bench/scale.py`` of this tree, made once). For each repetition every command runs at the old version, then at
the new one, so the machine's drifting load hits both alike; the figure is the median CPU time (user + system of
the child, ``bench/measure.run_once``) beside the median wall time. Commands: ``apply`` per size and format (and
the scaled exports), ``--help``, ``inspect --json`` of the 100,000-event EDL.

    .venv/bin/python tools/compare/bench_versions.py --old cd7e98f --new HEAD --sizes reel,feature \\
        --formats fcp7_xml,fcpxml,edl,otio --reps 3 --out /tmp/bench_versions
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tools"))

import generate  # noqa: E402
import scale  # noqa: E402
from compare_outputs import console_entry, export_commit, git  # noqa: E402
from measure import run_once  # noqa: E402

BIG_EDL_EVENTS = 100_000


def command(root: Path, *args: str) -> list[str]:
    """The tree's ``scoreplan`` console script with ``args``, run by this interpreter (PYTHONPATH set by env)."""
    module, function = console_entry(root)
    code = f"import sys, importlib; sys.argv[0] = 'scoreplan'; sys.exit(importlib.import_module({module!r}).{function}())"
    # -P: the current folder is not put first on sys.path (run from the repository, it would import the working
    # tree's package instead of the exported commit's)
    return ["env", f"PYTHONPATH={root}", "PYTHONDONTWRITEBYTECODE=1", sys.executable, "-P", "-c", code, *args]


def check_tree(root: Path) -> None:
    """The commands run the tree's own code, not the editable install's or the working tree's."""
    found = subprocess.run(["env", f"PYTHONPATH={root}", sys.executable, "-P", "-c",
                            "import otio_scoreplan; print(otio_scoreplan.__file__)"],
                           capture_output=True, text=True, check=True).stdout.strip()
    if not Path(found).resolve().is_relative_to(root.resolve()):
        raise SystemExit(f"bench_versions: error: PYTHONPATH={root} imports {found}, not the tree's code")


def inputs(out: Path, sizes: list[str], formats: list[str], scaled: bool, big_edl: bool) -> list[tuple[str, list[str]]]:
    """(label, scoreplan args) of every command measured; the inputs made once in ``out``."""
    cases, infos = [], []
    for size in sizes:  # a format given as fmt@size runs at that size only (the feature AAF takes minutes to make)
        wanted = [f.partition("@")[0] for f in formats if f.partition("@")[2] in ("", size)]
        infos += generate.generate(out / "gen", [size], wanted)
    for info in infos:
        path, fmt = Path(info["path"]), info["key"]["format"]
        rate = ["--rate", f"{generate.RATE:.6f}"] if fmt == "edl" else []
        cases.append((f"apply {path.name}", [str(path), *rate]))
    if scaled:
        for s in scale.scale_all(out / "scaled", [f for f in (g.partition("@")[0] for g in formats) if f in scale.SOURCES]):
            cases.append((f"apply scaled {s.source}", [str(s.path), *(["--rate", repr(s.rate)] if s.rate else [])]))
    jobs = [(label, ["apply", args[0], "-o", "{work}/" + Path(args[0]).name, "--media-dir", "{work}/media", *args[1:]])
            for label, args in cases]
    jobs.append(("--help", ["--help"]))
    if big_edl:
        sys.path.insert(0, str(REPO / "tests"))
        from hostile.bigedl import RATE
        from hostile.bigedl import big_edl as make_big_edl

        path = out / "gen" / f"events_{BIG_EDL_EVENTS}.edl"
        data = make_big_edl(BIG_EDL_EVENTS)
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        jobs.append((f"inspect --json {path.name}", ["inspect", "--json", "--rate", str(RATE), str(path)]))
    return jobs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--old", default="cd7e98f")
    p.add_argument("--new", default="HEAD")
    p.add_argument("--sizes", default="reel,feature")
    p.add_argument("--formats", default=",".join(generate.FORMATS), help="comma-separated; fmt@size: at that size only")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--no-scaled", action="store_true")
    p.add_argument("--no-big-edl", action="store_true")
    p.add_argument("--out", type=Path, default=Path("/tmp/bench_versions"))
    args = p.parse_args(argv)
    out = args.out.resolve()
    trees = {}
    for which in ("old", "new"):
        commit = git("rev-parse", "--verify", f"{getattr(args, which)}^{{commit}}")
        trees[which] = (commit[:12], export_commit(commit))
        check_tree(trees[which][1])
    jobs = inputs(out, args.sizes.split(","), args.formats.split(","), not args.no_scaled, not args.no_big_edl)
    runs: dict[str, dict[str, list[dict]]] = {label: {"old": [], "new": []} for label, _ in jobs}
    for rep in range(args.reps):
        for label, job in jobs:
            for which, (_commit, root) in trees.items():
                work = out / "work" / which
                (work / "media").mkdir(parents=True, exist_ok=True)
                argv_ = command(root, *(a.replace("{work}", str(work)) for a in job))
                run = run_once(argv_, out / "logs" / f"{label.replace('/', '_').replace(' ', '_')}.{which}.{rep}.log", 900)
                runs[label][which].append({"seconds": run.seconds, "cpu_seconds": run.cpu_seconds, "rc": run.returncode,
                                           "peak_mb": run.peak_mb, "error": run.stderr_tail})
                print(f"rep {rep + 1} {which:3} {label:60} {run.cpu_seconds:7.2f} s CPU {run.seconds:7.2f} s wall"
                      f"{'' if run.returncode == 0 else ' FAILED ' + run.stderr_tail[:80]}", file=sys.stderr, flush=True)
    result = {"old": trees["old"][0], "new": trees["new"][0], "reps": args.reps, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "runs": runs}
    (out / "results.json").write_text(json.dumps(result, indent=1))
    lines = [f"| command | {trees['old'][0][:7]} CPU s | {trees['new'][0][:7]} CPU s | CPU new/old | "
             f"{trees['old'][0][:7]} wall s | {trees['new'][0][:7]} wall s | wall new/old | within 10 % (CPU) |",
             "|---|---|---|---|---|---|---|---|"]
    for label, by in runs.items():
        ok = {w: [r for r in by[w] if r["rc"] == 0] for w in by}
        if not ok["old"] or not ok["new"]:
            lines.append(f"| {label} | failed: {(by['old'] + by['new'])[0]['error'][:60]} | | | | | | |")
            continue
        med = {(w, k): statistics.median(r[k] for r in ok[w]) for w in ok for k in ("cpu_seconds", "seconds")}
        cpu = med["new", "cpu_seconds"] / med["old", "cpu_seconds"]
        wall = med["new", "seconds"] / med["old", "seconds"]
        lines.append(f"| {label} | {med['old', 'cpu_seconds']:.2f} | {med['new', 'cpu_seconds']:.2f} | {cpu:.2f} | "
                     f"{med['old', 'seconds']:.2f} | {med['new', 'seconds']:.2f} | {wall:.2f} | "
                     f"{'yes' if cpu <= 1.10 else 'NO'} |")
    table = "\n".join(lines) + "\n"
    (out / "table.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
