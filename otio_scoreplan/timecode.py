"""Frame rates and timecode: whole frames at a sequence rate, never floats for positions.

Rates are kept as OTIO keeps them (a float such as ``24000/1001``); they are snapped to the
standard video rates so that ``23.976`` typed by a person and ``23.976023976...`` read from a file
mean the same thing.
"""

from __future__ import annotations

from fractions import Fraction

from opentimelineio import opentime

# Standard rates: name -> exact rate.
STANDARD_RATES: dict[str, Fraction] = {
    "23.976": Fraction(24000, 1001),
    "24": Fraction(24),
    "25": Fraction(25),
    "29.97": Fraction(30000, 1001),
    "30": Fraction(30),
    "47.952": Fraction(48000, 1001),
    "48": Fraction(48),
    "50": Fraction(50),
    "59.94": Fraction(60000, 1001),
    "60": Fraction(60),
    "119.88": Fraction(120000, 1001),
    "120": Fraction(120),
}


def snap_rate(rate: float | Fraction) -> float:
    """Return ``rate`` snapped to the nearest standard rate when within 0.01 fps, as a float.

    >>> snap_rate(23.976)
    23.976023976023978
    """
    value = float(rate)
    for exact in STANDARD_RATES.values():
        if abs(float(exact) - value) < 0.01:
            return float(exact)
    return value


def parse_rate(text: str) -> float:
    """Parse a rate given by a person: ``23.976``, ``29.97``, ``30000/1001``, ``25``.

    Raises ``ValueError`` for zero, negative or unreadable rates.
    """
    text = text.strip().lower().removesuffix("fps").strip()
    if text.endswith(("df", "ndf")):
        text = text.removesuffix("ndf").removesuffix("df").strip()
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"not a frame rate: {text!r} (use e.g. 23.976, 24, 25, 29.97, 30000/1001)") from None
    if value <= 0 or value > 1000:
        raise ValueError(f"frame rate out of range: {text!r}")
    return snap_rate(value)


def is_ntsc(rate: float) -> bool:
    """True for the x/1.001 rates (23.976, 29.97, 59.94 ...)."""
    return abs(round(rate) - rate) > 0.001


def supports_drop_frame(rate: float) -> bool:
    """Drop-frame timecode exists for 29.97 and 59.94 only."""
    return any(abs(rate - float(STANDARD_RATES[k])) < 1e-6 for k in ("29.97", "59.94"))


def nominal_fps(rate: float) -> int:
    """The frame count per timecode second: 24 for 23.976, 30 for 29.97."""
    return int(round(rate))


def to_timecode(frames: int, rate: float, drop_frame: bool) -> str:
    """Timecode of an absolute frame count (frames since 00:00:00:00)."""
    if frames < 0:
        return "-" + to_timecode(-frames, rate, drop_frame)
    return opentime.to_timecode(
        opentime.RationalTime(frames, rate), rate, drop_frame=bool(drop_frame and supports_drop_frame(rate))
    )


def from_timecode(text: str, rate: float) -> int:
    """Absolute frame count of a timecode (``;`` or ``.`` before the frames means drop frame).

    Raises ``ValueError`` for timecode that does not exist at ``rate``.
    """
    text = text.strip()
    parts = text.replace(";", ":").replace(".", ":").split(":")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a timecode: {text!r}")
    hh, mm, ss, ff = (int(p) for p in parts)
    if mm > 59 or ss > 59 or ff >= nominal_fps(rate):
        raise ValueError(f"timecode {text!r} does not exist at {rate:g} fps")
    drop = (";" in text or "." in text) and supports_drop_frame(rate)
    if drop and ss == 0 and mm % 10 != 0 and ff < 2 * (nominal_fps(rate) // 30):
        raise ValueError(f"timecode {text!r} does not exist in drop frame (drop frame skips the first {2 * (nominal_fps(rate) // 30)} frame labels of every minute but each tenth)")
    if not drop:
        return (hh * 3600 + mm * 60 + ss) * nominal_fps(rate) + ff
    return int(round(opentime.from_timecode(text.replace(".", ";"), rate).value))


def frames_at(time: opentime.RationalTime, rate: float) -> int:
    """A RationalTime as whole frames at ``rate`` (nearest frame)."""
    return int(round(time.value_rescaled_to(rate)))


def rate_label(rate: float) -> str:
    """A rate as editors write it: 23.976, 24, 29.97 ..."""
    for name, exact in STANDARD_RATES.items():
        if abs(float(exact) - rate) < 1e-6:
            return name
    return f"{rate:g}"
