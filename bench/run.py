"""`make bench`: scoreplan beside plain OpenTimelineIO, as whole processes, medians of repeated runs.

Measures (issue 7, "Benchmarks"):

* ``scoreplan apply`` (read, analyse, plan, write back) per size and format, beside a plain OTIO round
  trip (read + write with the same adapter, :mod:`bench.roundtrip`) of the same file; the ratio
  apply / round trip is the figure. Formats whose write-back is not in the package yet are listed as such.
* growth from reel (500 shots) to feature (3,000 shots): (t_feature / t_reel) / 6, 1.0 being linear;
* ``scoreplan --help`` start time;
* ``scoreplan inspect --json`` of the hostile suite's 100,000-event EDL (``tests/hostile/bigedl.py``), whole
  process: issue 7 asks for it in seconds (target 10 s) and in bounded memory;
* ``scoreplan render`` of a 150-cue temp score over the 2-hour feature (realtime factor, peak memory),
  beside a naive whole-file pydub overlay of the same mix, when the render command exists;
* ``scoreplan library --no-cache`` over real music (:mod:`bench.library_bench`): analysis seconds per hour of music.

Repetitions: 5 (``--reps``), fewer for slow commands (3 when one run takes over ``--slow`` seconds,
1 over 3x that), and a command is killed after ``--timeout`` seconds; the table says so. Inputs are
made once by :mod:`bench.generate` and :mod:`bench.scale` and reused (bench/out/, kept out of git).

    python bench/run.py [--sizes small,reel,feature] [--formats fcp7_xml,...] [--reps 5] [--doc BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import scale  # noqa: E402
from measure import Run, Series, run_once  # noqa: E402

log = logging.getLogger("bench")

FCP7_FEATURE_TARGET = 0.5  # apply / OTIO round trip on the FCP7 XML feature
OTHER_TARGET = 1.0  # ... and no slower than OTIO anywhere else
GROWTH_TARGET = 1.1
HELP_TARGET = 0.2
BIG_EDL_EVENTS = 100_000
BIG_EDL_TARGET = 10.0  # seconds for ``inspect --json`` of the 100,000-event EDL
RENDER_RT_TARGET = 300.0
RENDER_MB_TARGET = 150.0
WRITEBACK = {"fcp7_xml": "xmeml", "fcpxml": "fcpxml", "edl": "edl", "aaf": "aaf", "otio": "otiofile"}


@dataclass
class Case:
    """One input file to benchmark."""

    name: str  # e.g. "feature.xml" or "scaled premiere_example.xml"
    fmt: str
    size: str
    origin: str  # generated | scaled
    path: Path
    shots: int
    rate: float | None = None  # given to EDL readers
    note: str = ""
    apply: Series | None = None
    otio: Series | None = None
    skipped: str = ""


@dataclass
class Results:
    machine: dict = field(default_factory=dict)
    cases: list[Case] = field(default_factory=list)
    help: Series | None = None
    big_edl: Series | None = None
    render: dict = field(default_factory=dict)
    library: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)


def scoreplan_exe() -> str:
    """The ``scoreplan`` console script of the running interpreter's environment."""
    exe = Path(sys.executable).with_name("scoreplan")
    return str(exe) if exe.exists() else shutil.which("scoreplan") or "scoreplan"


def apply_available(fmt: str) -> bool:
    """True when the package has the write-back module for ``fmt`` (others are landing as we go)."""
    return importlib.util.find_spec(f"otio_scoreplan.formats.{WRITEBACK[fmt]}.write") is not None


def machine() -> dict:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    packages = {}
    for name in ("otio-scoreplan", "OpenTimelineIO", "otio-fcp-adapter", "otio-fcpx-xml-adapter", "otio-cmx3600-adapter",
                 "otio-aaf-adapter", "pyaaf2", "lxml", "pydub", "numpy", "soundfile"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "os": platform.platform(),
            "packages": packages, "git": rev, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_before": os.getloadavg()[0]}


def make_cases(out: Path, sizes: list[str], formats: list[str], scaled: bool) -> list[Case]:
    """Generated inputs (every size x format) and, when ``scaled``, feature-size scaled corpus exports."""
    cases = []
    for info in generate.generate(out / "gen", sizes, formats):
        fmt, size = info["key"]["format"], info["key"]["size"]
        cases.append(Case(name=Path(info["path"]).name, fmt=fmt, size=size, origin="generated", path=Path(info["path"]),
                          shots=generate.SIZES[size].shots, rate=generate.RATE if fmt == "edl" else None))
    if scaled:
        for s in scale.scale_all(out / "scaled", [f for f in formats if f in scale.SOURCES]):
            cases.append(Case(name=f"scaled {s.source}", fmt=s.fmt, size="feature", origin="scaled", path=s.path,
                              shots=s.shots, rate=s.rate, note=s.note))
    return cases


def _apply_argv(case: Case, out: Path) -> list[str]:
    target = out / "apply" / f"{case.origin}_{case.path.name}"
    argv = [scoreplan_exe(), "apply", str(case.path), "-o", str(target), "--media-dir", str(out / "apply" / "media")]
    return argv + (["--rate", f"{case.rate:.6f}"] if case.rate else [])


def _otio_argv(case: Case, out: Path) -> list[str]:
    adapter = generate.FORMATS[case.fmt][0]
    target = out / "otio" / f"{case.origin}_{case.path.name}"
    argv = [sys.executable, str(HERE / "roundtrip.py"), adapter, str(case.path), str(target)]
    return argv + (["--rate", repr(case.rate)] if case.rate else [])


def wanted_reps(first: Run, reps: int, slow: float) -> int:
    """How many runs a command gets: all ``reps`` unless one run is slow (3 over ``slow`` s, 1 over 3x)."""
    if first.returncode != 0:
        return 1
    if first.seconds > 3 * slow:
        return 1
    if first.seconds > slow:
        return min(reps, 3)
    return reps


def measure_case(case: Case, out: Path, args: argparse.Namespace) -> None:
    """Apply and the OTIO round trip of one case, interleaved so drift hits both alike."""
    logs = out / "logs"
    stem = f"{case.origin}_{case.path.name}"
    jobs = [("apply", _apply_argv(case, out)), ("otio", _otio_argv(case, out))]
    series = {k: Series(label=k) for k, _ in jobs}
    want = {k: 1 for k, _ in jobs}
    rep = 0
    while any(len(series[k].runs) < want[k] for k, _ in jobs):
        for kind, argv in jobs:
            if len(series[kind].runs) >= want[kind]:
                continue
            timeout = args.timeout if kind == "otio" else args.apply_timeout
            run = run_once(argv, logs / f"{stem}.{kind}.{rep}.log", timeout)
            series[kind].runs.append(run)
            log.info("  %-6s %-28s run %d: %s", kind, case.name, rep + 1,
                     f"{run.seconds:.2f} s" if run.returncode == 0 else f"FAILED ({run.stderr_tail or run.returncode})")
            if rep == 0:
                want[kind] = wanted_reps(run, args.reps, args.slow)
        rep += 1
    case.apply, case.otio = series["apply"], series["otio"]


def measure_help(out: Path, reps: int) -> Series:
    """``scoreplan --help``, whole process, ``2 * reps`` runs (it is quick)."""
    s = Series(label="help")
    for i in range(2 * reps):
        s.runs.append(run_once([scoreplan_exe(), "--help"], out / "logs" / f"help.{i}.log", 60))
    return s


def measure_big_edl(out: Path, reps: int, timeout: float) -> Series:
    """``scoreplan inspect --json`` of the 100,000-event EDL the hostile suite reads, whole process."""
    sys.path.insert(0, str(ROOT / "tests"))
    from hostile.bigedl import RATE, big_edl

    path = out / "gen" / f"events_{BIG_EDL_EVENTS}.edl"
    data = big_edl(BIG_EDL_EVENTS)
    if not path.is_file() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    s = Series(label="big_edl")
    for i in range(reps):
        # (the JSON on stdout, 28 MB, goes to the log like every command's output)
        run = run_once([scoreplan_exe(), "inspect", "--json", "--rate", str(RATE), str(path)], out / "logs" / f"big_edl.{i}.log", timeout)
        s.runs.append(run)
        log.info("  run %d: %.1f s, %.1f s CPU, %.0f MB", i + 1, run.seconds, run.cpu_seconds, run.peak_mb)
        if run.returncode != 0:
            break
    return s


def render_available() -> bool:
    """True when ``scoreplan render`` is a command of the installed CLI."""
    probe = subprocess.run([scoreplan_exe(), "render", "--help"], capture_output=True, text=True)
    return probe.returncode == 0


def measure_render(out: Path, reps: int, timeout: float, naive_timeout: float) -> dict:
    """Streamed ``scoreplan render`` of a 150-cue, 2-hour temp score beside a naive whole-file pydub overlay."""
    tool = ROOT / "tools" / "bench_render.py"
    if not render_available():
        return {"skipped": "`scoreplan render` is not a command yet"}
    if not tool.exists():
        return {"skipped": "tools/bench_render.py (plan maker and naive mix) is missing"}
    spec = importlib.util.spec_from_file_location("bench_render_tool", tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    work, library = out / "render", out / "library"
    work.mkdir(parents=True, exist_ok=True)
    if not (library / "library.toml").is_file():
        subprocess.run([sys.executable, str(ROOT / "tools" / "make_demo_library.py"), str(library)], check=True,
                       cwd=ROOT, capture_output=True)
    # the scan cache in place before timing (as a user renders after `scoreplan library`): listening to the pieces
    # is the library's cost (library_bench), not the mix's; a cold first run would be the only run (> 30 s)
    subprocess.run([scoreplan_exe(), "library", str(library)], check=True, cwd=ROOT, capture_output=True)
    plan = module.make_plan(generate.SIZES["feature"].seconds / 60, 150)
    (work / "plan.json").write_text(json.dumps(plan))
    film_seconds = plan["sequence"]["duration_frames"] / plan["sequence"]["rate"]
    result = {"cues": len(plan["cues"]), "film_seconds": round(film_seconds, 1)}
    stream = Series(label="render")
    for i in range(reps):
        if i and stream.runs[0].seconds > 30:  # one run is enough for a slow mix
            break
        stream.runs.append(run_once([scoreplan_exe(), "render", str(work / "plan.json"), "--library", str(library),
                                     "-o", str(work / "mix_stream.wav")], out / "logs" / f"render.{i}.log", timeout))
        log.info("  render run %d: %.1f s, %.0f MB", i + 1, stream.runs[-1].seconds, stream.runs[-1].peak_mb)
        if stream.runs[-1].returncode != 0:
            break
    naive = Series(label="naive")
    naive.runs.append(run_once([sys.executable, str(tool), "--mode", "naive", "--out", str(work), "--library", str(library)],
                               out / "logs" / "render_naive.log", naive_timeout))
    log.info("  naive pydub overlay: %.1f s, %.0f MB", naive.runs[-1].seconds, naive.runs[-1].peak_mb)
    for key, s in (("stream", stream), ("naive", naive)):
        killed = s.runs[0].seconds if s.timed_out else None
        result[key] = {"ok": s.ok, "runs": len(s.runs), "median_s": s.median, "cpu_s": s.cpu_median, "peak_mb": s.peak_mb, "error": s.error,
                       "realtime": round(film_seconds / s.median, 1) if s.median else None, "killed_after": killed,
                       "peak_mb_at_kill": s.runs[0].peak_mb if killed else None}
    for wav in work.glob("mix_*.wav"):
        wav.unlink()
    return result


def _series_json(s: Series | None) -> dict | None:
    if s is None:
        return None
    return {"median": s.median, "cpu_median": s.cpu_median, "peak_mb": s.peak_mb, "ok": s.ok, "timed_out": s.timed_out, "error": s.error,
            "runs": [asdict(r) for r in s.runs]}


def results_json(res: Results) -> dict:
    """Plain data for results.json and the report."""
    cases = []
    for c in res.cases:
        cases.append({"name": c.name, "fmt": c.fmt, "size": c.size, "origin": c.origin, "path": str(c.path),
                      "shots": c.shots, "note": c.note, "skipped": c.skipped,
                      "apply": _series_json(c.apply), "otio": _series_json(c.otio)})
    return {"machine": res.machine, "cases": cases, "help": _series_json(res.help), "big_edl": _series_json(res.big_edl),
            "render": res.render, "library": res.library,
            "settings": res.settings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,reel,feature")
    parser.add_argument("--formats", default=",".join(generate.FORMATS))
    parser.add_argument("--reps", type=int, default=5, help="runs per command (median); fewer for slow ones")
    parser.add_argument("--slow", type=float, default=10.0, help="a first run over this many seconds gets 3 runs, over 3x 1 run")
    parser.add_argument("--timeout", type=float, default=240.0, help="kill a plain OTIO round trip after this many seconds")
    parser.add_argument("--apply-timeout", type=float, default=900.0)
    parser.add_argument("--naive-timeout", type=float, default=180.0, help="kill the naive pydub mix after this many seconds")
    parser.add_argument("--no-scaled", action="store_true", help="skip the scaled corpus exports")
    parser.add_argument("--no-render", action="store_true")
    parser.add_argument("--no-library", action="store_true", help="skip the library analysis of real music")
    parser.add_argument("--no-big-edl", action="store_true", help="skip inspect of the 100,000-event EDL")
    parser.add_argument("--out", default=str(HERE / "out"))
    parser.add_argument("--doc", help="also write the table into this Markdown file (between the bench markers)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    started = time.perf_counter()
    out = Path(args.out).resolve()
    os.chdir(ROOT)  # children run here (measure.run_once spawns without changing folder)
    for sub in ("apply", "otio", "logs"):
        shutil.rmtree(out / sub, ignore_errors=True)
        (out / sub).mkdir(parents=True)
    formats = args.formats.split(",")
    res = Results(machine=machine(), settings={"reps": args.reps, "slow": args.slow, "timeout": args.timeout})
    log.info("making inputs (reused when made before) ...")
    res.cases = make_cases(out, args.sizes.split(","), formats, not args.no_scaled)
    log.info("scoreplan --help ...")
    res.help = measure_help(out, args.reps)
    if not args.no_big_edl:
        log.info("inspect --json of a %d-event EDL ...", BIG_EDL_EVENTS)
        res.big_edl = measure_big_edl(out, min(args.reps, 3), args.apply_timeout)
    for case in res.cases:
        if not apply_available(case.fmt):
            case.skipped = f"apply: no {case.fmt} write-back yet"
            log.info("%s: skipped (%s)", case.name, case.skipped)
            continue
        log.info("%s (%s, %s, %d shots)", case.name, case.fmt, case.origin, case.shots)
        measure_case(case, out, args)
    if not args.no_render:
        log.info("render ...")
        res.render = measure_render(out, min(args.reps, 3), args.apply_timeout, args.naive_timeout)
    if not args.no_library:
        import library_bench

        log.info("library analysis ...")
        res.library = library_bench.measure_library(scoreplan_exe(), out, 1, args.apply_timeout * 2)
    res.settings["total_minutes"] = (time.perf_counter() - started) / 60
    res.machine["load_after"] = os.getloadavg()[0]
    data = results_json(res)
    (out / "results.json").write_text(json.dumps(data, indent=2) + "\n")
    import report

    text = report.table(data)
    (out / "table.md").write_text(text)
    sys.stdout.write(text)
    if args.doc:
        doc = Path(args.doc)
        doc.write_text(report.update_doc(doc.read_text() if doc.exists() else "", text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
