#!/usr/bin/env python3
"""Benchmark one long cue: peak memory and wall for rendering a 10-minute cue, alone and inside a mix.

Makes a 12-minute stereo piece (noise under a slow swell, 24-bit WAV; ``--mp3`` also encodes it through
ffmpeg), then in a fresh process per measure renders a ``--minutes`` cue at 23.976 to its BWF file
(``render_cue``) and a 12-minute preview mix holding it (``render_mix``). Prints wall seconds, CPU seconds
and peak RSS (``ru_maxrss``) per measure, and writes them to ``OUT/long_cue.json``.

    python tools/bench_long_cue.py [--minutes 10] [--mp3] [--out demo_out/bench_long]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

SR = 48_000


def make_piece(path: Path, seconds: float) -> None:
    """A stereo 24-bit WAV of ``seconds``: noise under a slow swell, written a minute at a time."""
    import numpy as np

    from otio_scoreplan.audio.bwf import BwfWriter

    rng = np.random.default_rng(1)
    total = int(seconds * SR)
    with BwfWriter(path) as w:
        for i in range(0, total, 60 * SR):
            n = min(60 * SR, total - i)
            t = (np.arange(i, i + n) / SR)[:, None]
            swell = 0.3 + 0.2 * np.sin(2 * np.pi * t / 37.0)
            w.write((rng.uniform(-1, 1, (n, 2)) * 0.2 * swell).astype(np.float32))


def run_measure(kind: str, piece: Path, minutes: float, out: Path) -> dict:
    """Render one way in this process; wall seconds and peak RSS."""
    from otio_scoreplan.audio.render import render_cue, render_mix
    from otio_scoreplan.library.choose import Pick
    from otio_scoreplan.library.cuespec import CueSpec
    from otio_scoreplan.model import SequenceInfo

    rate = 24000 / 1001
    frames = int(round(minutes * 60 * rate))
    seq = SequenceInfo(name="long", rate=rate, drop_frame=False, start_frame=86400, duration_frames=frames + 48 * 24,
                       format="otio")
    cue = CueSpec("9M1", 24 * 24, 24 * 24 + frames, entry="fade_in", exit="tail_out")
    pick = Pick(cue.id, str(piece), piece.stem, 5.0, "bench")
    started = time.perf_counter()
    if kind == "cue":
        render_cue(cue, pick, seq, out / "media")
    else:
        render_mix([cue], [pick], seq, out / "mix.wav")
    wall = time.perf_counter() - started
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime  # the whole process (imports too) and ffmpeg
    return {"measure": f"{kind} {piece.suffix[1:]}", "minutes": minutes, "wall_seconds": round(wall, 2),
            "cpu_seconds": round(cpu, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--mp3", action="store_true")
    parser.add_argument("--out", default="demo_out/bench_long")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: "cue|mix:<piece path>"
    args = parser.parse_args(argv)
    out = Path(args.out)
    if args.measure:
        kind, piece = args.measure.split(":", 1)
        sys.stdout.write(json.dumps(run_measure(kind, Path(piece), args.minutes, out)) + "\n")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    pieces = [out / "piece.wav"]
    if not pieces[0].is_file():
        make_piece(pieces[0], args.minutes * 60 + 120)
    if args.mp3:
        from otio_scoreplan.audio.decode import ffmpeg_exe

        pieces.append(out / "piece.mp3")
        if not pieces[1].is_file():
            subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(pieces[0]), "-b:a", "192k", str(pieces[1])],
                           check=True)
    results = []
    for piece in pieces:
        for kind in ("cue", "mix"):
            done = subprocess.run([sys.executable, __file__, "--measure", f"{kind}:{piece}", "--minutes", str(args.minutes),
                                   "--out", str(out)], capture_output=True, text=True)
            if done.returncode != 0:
                sys.stderr.write(done.stderr[-2000:])
                return 1
            r = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(r)
            sys.stdout.write(f"{r['measure']:>8}: {r['minutes']:g}-minute cue in {r['wall_seconds']} s ({r['cpu_seconds']} s CPU), peak RSS {r['peak_rss_mb']} MB\n")
    (out / "long_cue.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
