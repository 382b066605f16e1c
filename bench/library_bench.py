"""Library analysis cost (issue 14): ``scoreplan library DIR --no-cache`` over real music, per hour of music.

The folder is Debian's wesnoth-1.16-music (about 2.1 hours of Ogg Vorbis; ``.ci/run`` installs it). The
command runs as a whole process (probe, decode, listen to every piece; ``--no-cache``: nothing kept or
written), and the figure is its wall time (and CPU time) per hour of music; the target is at most 180 s
(3 minutes) per hour on the bench machine.

    python bench/library_bench.py [--folder DIR] [--reps 1]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import Series, run_once  # noqa: E402

FOLDER = Path("/usr/share/games/wesnoth/1.16/data/core/music")
TARGET_S_PER_HOUR = 180.0


def music_seconds(exe: str, folder: Path) -> float:
    """Total length of the pieces in ``folder`` as ``scoreplan library --json`` lists them (no listening)."""
    done = subprocess.run([exe, "library", str(folder), "--json", "--no-cache", "--no-listen"],
                          capture_output=True, text=True, check=True)
    return sum(p["duration_seconds"] for p in json.loads(done.stdout)["pieces"])


def measure_library(exe: str, out: Path, reps: int = 1, timeout: float = 1800.0, folder: Path = FOLDER) -> dict:
    """Seconds of ``scoreplan library --no-cache`` per hour of music (wall and CPU), or why it was not measured."""
    if not folder.is_dir():
        return {"skipped": f"{folder} missing (apt-get install wesnoth-1.16-music)"}
    seconds = music_seconds(exe, folder)
    series = Series(label="library")
    (out / "logs").mkdir(parents=True, exist_ok=True)
    for i in range(reps):
        series.runs.append(run_once([exe, "library", str(folder), "--no-cache"], out / "logs" / f"library.{i}.log", timeout))
    if not series.ok:
        return {"folder": str(folder), "music_seconds": seconds, "error": series.error}
    hours = seconds / 3600.0
    return {"folder": str(folder), "music_seconds": seconds, "runs": len(series.runs), "wall_s": series.median,
            "cpu_s": series.cpu_median, "peak_mb": series.peak_mb, "wall_s_per_hour": series.median / hours,
            "cpu_s_per_hour": series.cpu_median / hours, "target_s_per_hour": TARGET_S_PER_HOUR}


def report_lines(r: dict) -> list[str]:
    """The Markdown paragraph of the report."""
    if not r:
        return []
    if r.get("skipped"):
        return ["", f"Library analysis: not measured ({r['skipped']})."]
    if r.get("error"):
        return ["", f"Library analysis: failed ({r['error'][:120]})."]
    met = r["wall_s_per_hour"] <= r["target_s_per_hour"]
    return ["", f"Library analysis (`scoreplan library --no-cache`, {r['music_seconds'] / 3600:.2f} h of Debian's "
            f"wesnoth-1.16-music, whole process, {r['runs']} run(s)): {r['wall_s']:.0f} s wall, {r['cpu_s']:.0f} s CPU, "
            f"peak {r['peak_mb']:.0f} MB: {r['wall_s_per_hour']:.0f} s per hour of music ({r['cpu_s_per_hour']:.0f} s CPU) "
            f"(target ≤ {r['target_s_per_hour']:.0f} s: {'met' if met else 'MISSED'})."]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default=str(FOLDER))
    parser.add_argument("--reps", type=int, default=1)
    args = parser.parse_args(argv)
    exe = str(Path(sys.executable).with_name("scoreplan"))
    result = measure_library(exe, HERE / "out", args.reps, folder=Path(args.folder))
    print(json.dumps(result, indent=2))
    print("\n".join(report_lines(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
