"""A fingerprint of a cut: a hash of its rate, start, shots and cuts, so a plan can be refused by another cut."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..model import Analysis, SequenceInfo
from ..timecode import rate_label


def fingerprint(analysis: Analysis) -> str:
    """``sha256:<hex>`` of the rate, drop frame, start timecode, duration, shots and cuts of ``analysis``."""
    seq = analysis.sequence
    return digest(seq.rate, seq.drop_frame, seq.start_frame, seq.duration_frames,
                  [[s.start_frame, s.end_frame, s.kind] for s in analysis.shots], analysis.cuts)


def digest(rate: float, drop_frame: bool, start_frame: int, duration_frames: int, shots: list[list[Any]],
           cuts: list[int]) -> str:
    """The fingerprint of these facts of a cut (the plan schema checks an edited plan's sequence with it)."""
    doc = {
        "rate": rate_label(rate),
        "drop_frame": drop_frame,
        "start_frame": start_frame,
        "duration_frames": duration_frames,
        "shots": shots,
        "cuts": cuts,
    }
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def combined(prints: list[str]) -> str:
    """One fingerprint for several inputs (the single input's own when there is one)."""
    if len(prints) == 1:
        return prints[0]
    return "sha256:" + hashlib.sha256("\n".join(prints).encode()).hexdigest()


def same_cut(plan_fingerprints: list[str], analyses: list[Analysis]) -> bool:
    """True when ``analyses`` are the cut(s) a plan with ``plan_fingerprints`` was made from (for ``apply --plan``)."""
    return list(plan_fingerprints) == [fingerprint(a) for a in analyses]


def sequence_mismatch(planned: SequenceInfo, cut: SequenceInfo) -> str:
    """How a plan's sequence differs from the cut's in what frames and timecodes depend on, or ''."""
    for what, mine, theirs in (("rate", rate_label(planned.rate), rate_label(cut.rate)),
                               ("drop frame", planned.drop_frame, cut.drop_frame),
                               ("start frame", planned.start_frame, cut.start_frame),
                               ("duration in frames", planned.duration_frames, cut.duration_frames)):
        if mine != theirs:
            return f"its {what} is {mine}, the cut's {theirs}"
    return ""
