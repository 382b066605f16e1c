"""Marker colours as each application writes them, mapped to OTIO's colour names.

Premiere Pro writes a marker's colour in xmeml as ``<pproColor>``, an unsigned 32-bit 0xAABBGGRR
integer, and leaves it out for green, its default (values read from a Premiere export with one marker
of each colour, as documented in public exporters). Only Premiere reads it; Resolve ignores it.
"""

from __future__ import annotations

PREMIERE_DEFAULT = "GREEN"
PREMIERE_MARKER_COLORS: dict[str, int] = {
    "RED": 4281740498,
    "YELLOW": 4281049552,
    "PURPLE": 4289825711,
    "ORANGE": 4280578025,
    "WHITE": 4294967295,
    "BLUE": 4294741314,
    "CYAN": 4292277273,
}
_PREMIERE_BY_VALUE = {v: k for k, v in PREMIERE_MARKER_COLORS.items()}


def premiere_color_name(value: str | int | None) -> str:
    """The OTIO colour name of a ``<pproColor>`` value (green when absent); '' for unknown values."""
    if value is None or str(value).strip() == "":
        return PREMIERE_DEFAULT
    try:
        number = int(str(value).strip())
    except ValueError:
        return ""
    return _PREMIERE_BY_VALUE.get(number, "")


def premiere_color_value(name: str) -> int | None:
    """The ``<pproColor>`` value for an OTIO colour name; None for green (Premiere writes no tag)."""
    name = (name or "").upper()
    if name == PREMIERE_DEFAULT:
        return None
    return PREMIERE_MARKER_COLORS.get(name, PREMIERE_MARKER_COLORS["RED"] if name in ("PINK", "MAGENTA") else None)
