"""Hand-made plans for write-back tests: cues spread over a sequence, with an overlap and hits."""

from __future__ import annotations

from otio_scoreplan.model import Analysis
from otio_scoreplan.plan.model import Cue, Edge, Hit, Plan


def spread_plan(analysis: Analysis) -> Plan:
    """Three cues (the first two overlapping as a segue, the last with two hits), or none for short sequences."""
    seq = analysis.sequence
    n = seq.duration_frames
    cues: list[Cue] = []
    if n >= 100:
        a, b, c, d = n // 10, n * 3 // 10, n * 6 // 10, n * 7 // 10
        cues = [
            Cue(a, b + 8, moods=("tension",), id="1M1", exit=Edge("segue", 8), description="opening tension"),
            Cue(b, c, moods=("romantic",), themes=("Anna",), id="1M2", entry=Edge("segue", 8)),
            Cue(d, n - 5, moods=("action",), id="1M3", hits=(Hit(d + 10, "gunshot"), Hit(d + 20, "door")),
                exit=Edge("tail_out", 24)),
        ]
    return Plan(sequences=[seq], fingerprints=[""], cues=cues)
