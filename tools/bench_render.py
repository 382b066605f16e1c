#!/usr/bin/env python3
"""Benchmark the preview mix: a long film with many cues, streamed (ours) beside a naive pydub overlay.

Makes a plan of ``--cues`` cues over a ``--minutes`` film at 23.976 (moods, themes, entries and exits
varied, seeded), chooses from the demo library (made if missing), and renders the mix both ways, each in
its own process so peak memory (max RSS) is that mode's alone. Prints realtime factor and peak memory,
and writes them to ``OUT/bench.json``.

    python tools/bench_render.py [--minutes 120] [--cues 150] [--modes stream,naive] [--out demo_out/bench]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

MOODS = ["tension", "action", "sad", "romantic", "intimate", "mystery", "hopeful", "heroic", "horror", "comedy", "wonder"]
THEMES = ["anna", "chase", "road", "finale"]


def make_plan(minutes: float, cues: int, seed: int = 1) -> dict:
    """A plan JSON of ``cues`` cues spread over a ``minutes``-long film at 23.976, 01:00:00:00."""
    rng = random.Random(seed)
    rate = 24000 / 1001
    frames = int(minutes * 60 * rate)
    slot = frames // cues
    out = []
    for i in range(cues):
        length = min(slot - 24, int(rng.uniform(15, 90) * rate))
        start = i * slot + rng.randint(0, max(0, slot - length - 1))
        out.append({
            "id": f"{i // 20 + 1}M{i % 20 + 1}", "input": 0, "start_frame": start, "end_frame": start + length,
            "moods": rng.sample(MOODS, rng.randint(1, 2)), "themes": [rng.choice(THEMES)] if rng.random() < 0.3 else [],
            "intensity": rng.randint(1, 5), "entry": {"type": rng.choice(["hard_in", "fade_in", "prelap"]), "frames": 12},
            "exit": {"type": rng.choice(["hard_out", "tail_out", "fade_out"]), "frames": 48},
            "hits": [{"frame": start + length // 2, "label": "hit"}] if rng.random() < 0.3 else [],
        })
    seq = {"name": f"bench {minutes:g} min", "rate": rate, "drop_frame": False, "start_frame": 86400,
           "duration_frames": frames}
    return {"schema": "otio-scoreplan/plan", "version": 1, "sequence": seq, "cues": out}


def run_mode(mode: str, plan_path: Path, library: Path, out: Path) -> dict:
    """Render one way in this process; the measures."""
    from otio_scoreplan.library.choose import choose
    from otio_scoreplan.library.cuespec import CueSpec
    from otio_scoreplan.library.scan import scan
    from otio_scoreplan.plan.model import load_plan

    plan = load_plan(plan_path)
    seq = plan.sequences[0]
    cues = [CueSpec.from_cue(c, seq.rate) for c in plan.cues]
    started = time.perf_counter()
    lib = scan(library)
    picks = choose(cues, lib, seq.rate)
    from otio_scoreplan.audio.cut import remember_library

    remember_library(lib)  # as `scoreplan render` does: the scan's analyses serve the cutting
    target = out / f"mix_{mode}.wav"
    if mode == "stream":
        from otio_scoreplan.audio.render import render_mix

        mixed = render_mix(cues, picks, seq, target).cues_mixed
    else:
        from otio_scoreplan.audio.naive import render_mix_naive

        mixed = render_mix_naive(cues, picks, seq, target)
    seconds = time.perf_counter() - started
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime  # this process and its ffmpeg decoders
    film_seconds = seq.duration_frames / seq.rate
    return {"mode": mode, "cues": mixed, "film_seconds": round(film_seconds, 1), "wall_seconds": round(seconds, 1),
            "realtime_factor": round(film_seconds / seconds, 1),
            "cpu_seconds": round(cpu, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "output_mb": round(target.stat().st_size / 2**20, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=120.0)
    parser.add_argument("--cues", type=int, default=150)
    parser.add_argument("--modes", default="stream,naive")
    parser.add_argument("--library", default="demo_out/library")
    parser.add_argument("--out", default="demo_out/bench")
    parser.add_argument("--mode", help=argparse.SUPPRESS)  # internal: run one mode in this process
    args = parser.parse_args(argv)
    out, library = Path(args.out), Path(args.library)
    plan_path = out / "plan.json"
    if args.mode:
        sys.stdout.write(json.dumps(run_mode(args.mode, plan_path, library, out)) + "\n")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    if not (library / "library.toml").is_file():
        subprocess.run([sys.executable, str(Path(__file__).with_name("make_demo_library.py")), str(library)], check=True)
    plan_path.write_text(json.dumps(make_plan(args.minutes, args.cues)))
    results = []
    for mode in args.modes.split(","):
        done = subprocess.run([sys.executable, __file__, "--mode", mode, "--out", str(out), "--library", str(library)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(f"{mode}: failed\n{done.stderr[-2000:]}\n")
            results.append({"mode": mode, "error": done.stderr.strip().splitlines()[-1:]})
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        (out / f"mix_{mode}.wav").unlink(missing_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    for r in results:
        if "error" in r:
            sys.stdout.write(f"{r['mode']:>6}: error {r['error']}\n")
        else:
            sys.stdout.write(f"{r['mode']:>6}: {r['cues']} cues over {r['film_seconds'] / 60:.0f} min in {r['wall_seconds']} s "
                             f"= {r['realtime_factor']}x realtime ({r['cpu_seconds']} s CPU with ffmpeg), peak RSS {r['peak_rss_mb']} MB\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
