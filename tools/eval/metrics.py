"""Scores of a spotting against the truth: cue starts (optimal one-to-one matching within a tolerance),
frame-level precision/recall of "music on", and the share of the running time under music."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

Range = tuple[int, int]


def matched_starts(proposed: list[int], real: list[int], tolerance: int) -> int:
    """How many proposed starts match a real start within ``tolerance`` frames, one to one, as many as possible.

    The assignment minimises the summed distance with a forbidding cost on pairs too far apart: a solution with
    one more pair always costs less than one without it, so the count is the maximum matching.
    """
    if not proposed or not real:
        return 0
    p, r = np.asarray(proposed, dtype=float), np.asarray(real, dtype=float)
    dist = np.abs(p[:, None] - r[None, :])
    big = (tolerance + 1.0) * (len(proposed) + len(real) + 1)
    cost = np.where(dist <= tolerance, dist, big)
    rows, cols = linear_sum_assignment(cost)
    return int(np.sum(dist[rows, cols] <= tolerance))


def frames_of(ranges: list[Range], duration: int) -> np.ndarray:
    """A boolean per frame of ``[0, duration)``: under one of ``ranges``."""
    on = np.zeros(max(0, duration), dtype=bool)
    for s, e in ranges:
        on[max(0, s) : max(0, min(e, duration))] = True
    return on


@dataclass
class Score:
    """Counts of one edit (or pooled), and the figures from them."""

    tp: int = 0
    n_proposed: int = 0
    n_real: int = 0
    frames_both: int = 0
    frames_proposed: int = 0
    frames_real: int = 0
    share_proposed: float = 0.0
    share_real: float = 0.0

    @property
    def precision(self) -> float:
        return self.tp / self.n_proposed if self.n_proposed else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_real if self.n_real else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def frame_precision(self) -> float:
        return self.frames_both / self.frames_proposed if self.frames_proposed else 0.0

    @property
    def frame_recall(self) -> float:
        return self.frames_both / self.frames_real if self.frames_real else 0.0

    @property
    def share_error(self) -> float:
        return abs(self.share_proposed - self.share_real)

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.n_proposed + other.n_proposed, self.n_real + other.n_real,
                     self.frames_both + other.frames_both, self.frames_proposed + other.frames_proposed,
                     self.frames_real + other.frames_real)


def score(proposed: list[Range], real: list[Range], duration: int, rate: float, tolerance_s: float = 5.0) -> Score:
    """The figures of one edit: ``proposed`` and ``real`` cues as [start, end) frames."""
    tol = int(round(tolerance_s * rate))
    tp = matched_starts([s for s, _ in proposed], [s for s, _ in real], tol)
    p_on, r_on = frames_of(proposed, duration), frames_of(real, duration)
    return Score(tp, len(proposed), len(real), int(np.sum(p_on & r_on)), int(p_on.sum()), int(r_on.sum()),
                 float(p_on.mean()) if duration else 0.0, float(r_on.mean()) if duration else 0.0)
