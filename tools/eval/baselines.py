"""Baselines of the spotting evaluation, scored in the same run and table as the planner.

* ``every 90 s``: a cue starting every 90 s from the first frame, each 45 s long (half the running time);
* ``every cut``: a cue at every picture cut (and the first frame), each running to the next cut;
* ``random cuts``: as many cues as the planner proposed, started at cuts drawn at random and given the
  planner's own cue lengths in random order, averaged over 20 seeds (numpy's default_rng(seed), seeds 0-19).
"""

from __future__ import annotations

import numpy as np
from metrics import Range, Score, score

SEEDS = range(20)


def every_90s(duration: int, rate: float) -> list[Range]:
    step, length = int(round(90 * rate)), int(round(45 * rate))
    return [(s, min(duration, s + length)) for s in range(0, duration, step)]


def every_cut(cuts: list[int], duration: int) -> list[Range]:
    starts = sorted({0, *[c for c in cuts if 0 < c < duration]})
    return [(s, e) for s, e in zip(starts, starts[1:] + [duration])]


def random_cuts(cuts: list[int], duration: int, rate: float, proposed: list[Range], real: list[Range]) -> Score:
    """The mean figures of 20 seeded draws (counts averaged, so the figures are of the mean counts)."""
    starts = sorted({0, *[c for c in cuts if 0 < c < duration]})
    n = min(len(proposed), len(starts))
    lengths = [e - s for s, e in proposed]
    scores = []
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        picked = sorted(rng.choice(starts, size=n, replace=False).tolist()) if n else []
        order = rng.permutation(len(lengths)).tolist() if lengths else []
        ranges = [(s, min(duration, s + lengths[order[i]])) for i, s in enumerate(picked)]
        scores.append(score(ranges, real, duration, rate))
    return mean_score(scores)


def mean_score(scores: list[Score]) -> MeanScore:
    return MeanScore(scores)


class MeanScore(Score):
    """A score whose figures are the mean of several draws' figures (counts kept as means too)."""

    def __init__(self, scores: list[Score]) -> None:
        k = max(1, len(scores))
        super().__init__(
            tp=sum(s.tp for s in scores) / k, n_proposed=sum(s.n_proposed for s in scores) / k,
            n_real=sum(s.n_real for s in scores) / k, frames_both=sum(s.frames_both for s in scores) / k,
            frames_proposed=sum(s.frames_proposed for s in scores) / k, frames_real=sum(s.frames_real for s in scores) / k,
            share_proposed=sum(s.share_proposed for s in scores) / k, share_real=sum(s.share_real for s in scores) / k,
        )
        self._f1 = sum(s.f1 for s in scores) / k

    @property
    def f1(self) -> float:  # the mean of the draws' F1, not the F1 of mean counts
        return self._f1
