"""The frame rate and drop-frame mode of an EDL, which the list never states outright.

Evidence, strongest first: ``--rate``; a rate written in a header comment (EDL-X writes
``* FORMAT: 3840X2160 P 59.94FPS``) when the timecodes agree with it; drop-frame FCM lines (drop
frame exists at 29.97 and 59.94 only); the highest frame number in any event's timecode (frames up
to 24 mean 25 fps, up to 29 a 30-frame count, ...); locators are comments and do not count. A 30-frame count without drop frame is read as
29.97 (NTSC video; true 30 fps lists are rare) and said so; a list whose frames stay below 24 is
read at 24 with ``rate_assumed`` set, since 23.976 and 24 count frames alike.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ... import timecode as tc
from ...errors import RateError
from .scan import Scan

log = logging.getLogger(__name__)

ASSUMED_RATE = 24.0


@dataclass(frozen=True)
class RateDecision:
    """The rate to read an EDL at, and how sure we are of it."""

    rate: float  # exact for NTSC rates (float of 30000/1001 ...), as the adapter needs
    drop_frame: bool
    assumed: bool = False
    warnings: list[str] = field(default_factory=list)
    evidence: str = ""


def nearest_standard_rate(rate: float) -> float:
    """The standard rate nearest ``rate`` as the float of its exact fraction (29.97 -> 30000/1001)."""
    snapped = tc.snap_rate(rate)
    for exact in tc.STANDARD_RATES.values():
        if abs(float(exact) - snapped) < 1e-9:
            return float(exact)
    return snapped


def _nominal_from_frames(max_ff: int) -> int | None:
    """The smallest timecode base a frame number up to ``max_ff`` fits: 24, 25, 30, 50, 60."""
    for base in (24, 25, 30, 50, 60):
        if max_ff < base:
            return base
    return None


def _stated_rate(scan: Scan) -> float | None:
    for text in scan.stated_rates():
        try:
            value = float(Fraction(text))
        except (ValueError, ZeroDivisionError):
            continue
        if 10 <= value <= 120:
            return nearest_standard_rate(value)
    return None


def decide_rate(scan: Scan, given: float | None, path: Path) -> RateDecision:
    """Settle rate and drop frame for ``scan`` (``given`` is ``--rate``)."""
    max_ff = scan.max_frame_number()
    header_drop = bool(scan.header_fcm) and _header_drop(scan)
    semicolons = any(";" in e.rec_in or ";" in e.rec_out for e in scan.events)
    seq_drop = header_drop or semicolons
    if given:
        rate = nearest_standard_rate(given)
        if max_ff >= tc.nominal_fps(rate):
            raise RateError(
                f"the list has timecode frame {max_ff:02d}, which does not exist at --rate {tc.rate_label(rate)}", path
            )
        return _given_rate(rate, seq_drop, scan.any_drop_fcm, path)
    base = _nominal_from_frames(max(max_ff, 0))
    if base is None:
        raise RateError(f"the list has timecode frame {max_ff}, more than any standard rate counts; pass --rate", path)
    stated = _stated_rate(scan)
    if stated is not None:
        if max_ff < tc.nominal_fps(stated):
            drop = seq_drop and tc.supports_drop_frame(stated)
            return RateDecision(stated, drop, evidence="rate stated in the EDL header")
        log.warning("%s: the header states %s fps but timecodes reach frame %d; ignoring the stated rate", path, stated, max_ff)
    if seq_drop or scan.any_drop_fcm:
        rate = float(tc.STANDARD_RATES["59.94" if base >= 50 else "29.97"])
        return RateDecision(rate, seq_drop, evidence="drop-frame FCM" if not semicolons else "drop-frame timecode")
    if base == 30 or base == 60:
        name = "29.97" if base == 30 else "59.94"
        rate = float(tc.STANDARD_RATES[name])
        note = (
            f"timecode counts {base} frames a second without drop frame: read as {name} fps non-drop "
            f"(NTSC video); pass --rate {base} if the list is true {base} fps"
        )
        return RateDecision(rate, False, warnings=[note], evidence=f"{base}-frame timecode")
    if base in (25, 50):
        return RateDecision(float(base), False, evidence=f"timecode frames up to {max_ff}")
    log.info("%s: timecode frames stay below 24 and nothing states a rate: assuming 24 fps", path)
    return RateDecision(ASSUMED_RATE, False, assumed=True, evidence="assumed")


def _given_rate(rate: float, seq_drop: bool, any_drop: bool, path: Path) -> RateDecision:
    """``--rate`` with the list's own drop-frame modes: ``--rate`` gives the frame count, FCM drop frame.

    Drop frame exists at 29.97 and 59.94 only: a list that says DROP FRAME is read at 29.97 (59.94)
    drop frame under ``--rate 30`` or ``29.97`` (``60``, ``59.94``) and refused under any other rate.
    """
    nominal = tc.nominal_fps(rate)
    if (seq_drop or any_drop) and nominal not in (30, 60):
        raise RateError(
            f"the list says DROP FRAME, which exists at 29.97 and 59.94 fps only, not at --rate {tc.rate_label(rate)}", path
        )
    if seq_drop:
        rate = float(tc.STANDARD_RATES["29.97" if nominal == 30 else "59.94"])
    return RateDecision(rate, seq_drop, evidence="--rate")


def _header_drop(scan: Scan) -> bool:
    """The record (sequence) mode is the first FCM of the header (EDL-X writes record, then source)."""
    mode = scan.header_fcm[0].upper().replace("-", " ")
    return "DROP" in mode and "NON" not in mode
