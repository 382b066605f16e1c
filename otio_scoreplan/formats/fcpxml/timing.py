"""FCPXML time values: rational seconds (``"1001/30000s"``, ``"5s"``) as exact fractions.

FCPXML writes every time as seconds; we keep them as :class:`~fractions.Fraction` until the last
step, where they become whole frames (or OTIO ``RationalTime``) at the sequence rate.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

from lxml import etree

from ...errors import InputError
from .document import Resources

ZERO = Fraction(0)

# A marker exactly on a frame boundary can land a hair before it when its clip runs at another
# rate (23.976 media in a 24 fps project); allow this much of a frame before flooring.
FLOOR_TOLERANCE = Fraction(1, 1000)


def parse_time(text: str | None, path: Path, where: str = "") -> Fraction | None:
    """``"1001/30000s"`` -> ``Fraction(1001, 30000)``; None for a missing attribute.

    Raises :class:`InputError` for text that is not an FCPXML time.
    """
    if text is None:
        return None
    raw = text.strip()
    body = raw[:-1] if raw.endswith("s") else raw
    try:
        if "/" in body:
            num, den = body.split("/", 1)
            value = Fraction(int(num), int(den))
        else:
            value = Fraction(body)
    except (ValueError, ZeroDivisionError):
        raise InputError(f"bad FCPXML time {raw!r}{' in ' + where if where else ''}", path) from None
    return value


def attr_time(el: etree._Element, name: str, path: Path, default: Fraction | None = None) -> Fraction | None:
    """The time attribute ``name`` of ``el``, or ``default``."""
    value = parse_time(el.get(name), path, f"<{el.tag} {name}=...> (line {el.sourceline})")
    return default if value is None else value


def default_start(el: etree._Element, res: Resources) -> Fraction:
    """Where a story element's local time starts when it states no ``start``: its asset's ``start``, or
    the ``tcStart`` of the sequence (or multicam) of the media it refers to; else 0."""
    found = res.get(el.get("ref"))
    if found is None:
        return ZERO
    if found.tag == "asset":
        return attr_time(found, "start", res.path, ZERO)
    if found.tag == "media":
        inner = found.find("sequence")
        inner = inner if inner is not None else found.find("multicam")
        return attr_time(inner, "tcStart", res.path, ZERO) if inner is not None else ZERO
    return ZERO


def story_timing(el: etree._Element, res: Resources) -> tuple[Fraction, Fraction]:
    """(start, duration) of a story element in its own local time (the reader's and the writer's reading:
    a missing ``duration`` is the rest of its media's sequence or asset after ``start``)."""
    default = default_start(el, res)
    start = attr_time(el, "start", res.path, default)
    duration = attr_time(el, "duration", res.path)
    if duration is None:
        found = res.get(el.get("ref"))
        inner = found.find("sequence") if found is not None and found.tag == "media" else found
        whole = attr_time(inner, "duration", res.path) if inner is not None else None
        duration = (whole - (start - default)) if whole is not None else ZERO
    return start, max(duration, ZERO)


def rate_of_format(fmt: etree._Element | None, path: Path) -> Fraction | None:
    """Frames per second of a ``<format>`` from its ``frameDuration`` (None when it has none)."""
    if fmt is None:
        return None
    frame = attr_time(fmt, "frameDuration", path)
    if frame is None or frame <= 0:
        return None
    return 1 / frame


def floor_frame(seconds: Fraction, rate: Fraction) -> int:
    """The frame a time falls in, as Final Cut Pro shows it (timecode drops the sub-frame)."""
    return math.floor(seconds * rate + FLOOR_TOLERANCE)
