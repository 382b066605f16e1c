"""The temp's ride under speech: a gain envelope over each cue, the same in ``render`` and in the written clips.

A cue's talk (``Cue.speech``, timeline frames) becomes keyframes of gain in dB: down by ``duck_db`` over
``ramp`` frames before each span starts, held through it, back up over ``ramp`` frames after it ends (spans
closer than two ramps ride as one, so the level does not pump between lines). ``render`` applies the envelope
to the mix (and to a cue's file whose fades are baked in), interpolating linearly in dB between keyframes; FCP7
XML and FCPXML write the same keyframes on the clip (Audio Levels, ``adjust-volume``), so a clean file plays
the ride the mix plays. AAF and EDL clips carry no level automation: there the clip plays without the ride.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

Point = tuple[int, float]  # (timeline frame, gain dB)


def ride_points(speech: Sequence[tuple[int, int]], start: int, end: int, duck_db: float,
                ramp_frames: int) -> tuple[Point, ...]:
    """The ride's keyframes over the frames ``start``..``end`` (a clip's, its overlaps included); () for none.

    Keyframes lie inside ``start``..``end``; a ramp cut by either end starts or stops at its value there.
    """
    if not duck_db or not speech or end <= start:
        return ()
    ramp = max(1, int(ramp_frames))
    merged: list[list[int]] = []
    for s, e in sorted(speech):
        s, e = max(s, start), min(e, end)
        if e <= s:
            continue
        if merged and s - ramp <= merged[-1][1] + ramp:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    if not merged:
        return ()
    full: list[tuple[float, float]] = []
    for s, e in merged:
        full += [(s - ramp, 0.0), (s, duck_db), (e, duck_db), (e + ramp, 0.0)]
    xs, ys = [x for x, _ in full], [y for _, y in full]
    at = lambda f: float(np.interp(f, xs, ys, left=0.0, right=0.0))  # noqa: E731
    frames = sorted({int(x) for x in xs if start < x < end} | {start, end})
    points = [(f, round(at(f), 6)) for f in frames]
    # keep only the corners: a keyframe between two of equal value on a flat stretch says nothing
    out = [p for i, p in enumerate(points) if i in (0, len(points) - 1) or not (
        points[i - 1][1] == p[1] == points[i + 1][1])]
    return tuple(out)


def ride_gain(points: Sequence[Point], frame_sample, lo: int, hi: int) -> np.ndarray | None:  # type: ignore[no-untyped-def]
    """Linear gain for samples ``lo``..``hi`` (one per sample) of the ride ``points``; None when there is no ride.

    ``frame_sample(frame)`` is the sample position (in the same count as ``lo``) where a timeline frame starts.
    """
    if not points or hi <= lo:
        return None
    xs = np.array([frame_sample(f) for f, _ in points], dtype=np.float64)
    ys = np.array([db for _, db in points], dtype=np.float64)
    db = np.interp(np.arange(lo, hi, dtype=np.float64), xs, ys)
    return np.power(10.0, db / 20.0).astype(np.float32)


def gain_at(points: Sequence[Point], frame: float) -> float:
    """The ride's gain in dB at ``frame`` (0 outside its keyframes' reach)."""
    if not points:
        return 0.0
    return float(np.interp(frame, [f for f, _ in points], [g for _, g in points]))


def ramp_frames(seconds: float, rate: float | Fraction) -> int:
    """A ramp of ``seconds`` in whole frames at ``rate`` (at least one)."""
    return max(1, int(round(seconds * float(rate))))
