"""Marker colours as each application writes them, mapped to and from OTIO's colour names: one home (issue 12).

Every reader turns an application's colour into an OTIO colour name (``otio.schema.MarkerColor``: RED,
PINK, ORANGE, YELLOW, GREEN, CYAN, BLUE, PURPLE, MAGENTA, BLACK, WHITE) with these tables, and every writer
(``apply``'s write-back and the marker lists of ``notes``) turns an OTIO name back into the application's:

* **Premiere Pro** writes a marker's colour in xmeml as ``<pproColor>``, an unsigned 32-bit 0xAABBGGRR
  integer, and leaves it out for green, its default (values read from a Premiere export with one marker
  of each colour, as documented in public exporters). Only Premiere reads it; Resolve ignores it. Other
  tools write ``<color>`` RGB, named by the nearest colour of :data:`RGB_PALETTE`.
* **Media Composer** has eight locator colours (Red, Green, Blue, Cyan, Magenta, Yellow, Black, White),
  named in an AAF's ``_ATN_CRM_COLOR``, as 16-bit RGB in ``CommentMarkerColor``, in capitals on an EDL's
  ``* LOC:`` line and in lower case in a Markers window list; the OTIO colours it lacks take the nearest.
* **DaVinci Resolve** has sixteen marker colours (``|C:ResolveColorBlue`` in a marker EDL).
* **Final Cut Pro** stores no colour: it draws a marker by its kind (standard blue, to-do red, completed
  green, chapter orange).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

OTIO_MARKER_COLORS = ("RED", "PINK", "ORANGE", "YELLOW", "GREEN", "CYAN", "BLUE", "PURPLE", "MAGENTA", "BLACK",
                      "WHITE")

# -- Premiere Pro (xmeml) ------------------------------------------------------------------------
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
# Approximate sRGB of Premiere's colours plus green and black, to name colours written by other tools.
RGB_PALETTE: dict[str, tuple[int, int, int]] = {
    "RED": (210, 44, 54),
    "YELLOW": (208, 161, 43),
    "PURPLE": (175, 139, 177),
    "ORANGE": (233, 111, 36),
    "WHITE": (255, 255, 255),
    "BLUE": (66, 141, 252),
    "CYAN": (25, 244, 214),
    "GREEN": (60, 200, 70),
    "BLACK": (0, 0, 0),
}


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


def nearest_color(rgb: Sequence[int], palette: Mapping[str, Sequence[int]] = RGB_PALETTE) -> str:
    """The name of the ``palette`` colour nearest to ``rgb`` (squared distance)."""
    return min(palette, key=lambda name: sum((a - b) ** 2 for a, b in zip(palette[name], rgb)))


# -- Media Composer (AAF locators, EDL ``* LOC:`` lines, Markers window lists) --------------------
# As it writes them in CommentMarkerColor (16-bit RGB), checked against the _ATN_CRM_COLOR names of every
# locator in the corpus; Black and White are the pure values.
AVID_COLORS: dict[str, tuple[int, int, int]] = {
    "Red": (41471, 12134, 6564),
    "Green": (13107, 52428, 13107),
    "Blue": (13107, 13107, 52428),
    "Cyan": (13107, 52428, 52428),
    "Magenta": (52428, 13107, 52428),
    "Yellow": (58981, 58981, 6553),
    "Black": (0, 0, 0),
    "White": (65535, 65535, 65535),
}
AVID_DEFAULT = "Green"
# OTIO marker colours that Media Composer's palette lacks, mapped to the nearest Avid colour.
NEAREST_AVID = {"PINK": "Magenta", "PURPLE": "Magenta", "ORANGE": "Yellow"}
# Colour words an EDL's ``* LOC:`` line may start with (Media Composer's, and the OTIO names others write).
LOC_COLOR_WORDS = frozenset(OTIO_MARKER_COLORS)


def avid_color_name(otio_color: str) -> str:
    """The Media Composer colour for an OTIO colour name (``Magenta`` for PINK; ``Green`` for unknown names)."""
    key = (otio_color or "").upper()
    if key in NEAREST_AVID:
        return NEAREST_AVID[key]
    for name in AVID_COLORS:
        if name.upper() == key:
            return name
    return AVID_DEFAULT


def avid_otio_color(avid_name: str) -> str:
    """The OTIO colour name for a Media Composer colour (they share the names)."""
    return avid_name.upper() if avid_name else ""


def avid_color_of(rgb: object, name: str | None) -> str:
    """The Avid colour of a locator: the one the file names, else the palette colour nearest to its 16-bit RGB
    (a mapping with red, green, blue); '' when it gives neither."""
    if name:
        for known in AVID_COLORS:
            if known.lower() == str(name).strip().lower():
                return known
        return str(name).strip().capitalize()
    get = getattr(rgb, "get", None)
    if get is None:
        return ""
    try:
        r, g, b = (int(get(k, 0)) for k in ("red", "green", "blue"))
    except (TypeError, ValueError):
        return ""
    return nearest_color((r, g, b), AVID_COLORS)


def loc_color(otio_color: str) -> str:
    """The colour word of an EDL ``* LOC:`` line for an OTIO colour name (GREEN for unknown names)."""
    return avid_color_name(otio_color).upper()


# -- DaVinci Resolve (marker EDLs) ----------------------------------------------------------------
RESOLVE_TO_OTIO = {
    "Blue": "BLUE", "Cyan": "CYAN", "Green": "GREEN", "Yellow": "YELLOW", "Red": "RED", "Pink": "PINK",
    "Purple": "PURPLE", "Fuchsia": "MAGENTA", "Rose": "PINK", "Lavender": "PURPLE", "Sky": "CYAN",
    "Mint": "GREEN", "Lemon": "YELLOW", "Sand": "ORANGE", "Cocoa": "ORANGE", "Cream": "WHITE",
}
RESOLVE_COLORS = tuple(RESOLVE_TO_OTIO)
RESOLVE_DEFAULT = "Green"
# OTIO colour -> the Resolve colour written for it (the first Resolve colour read as it; BLACK has none: Cocoa).
OTIO_TO_RESOLVE = {
    "BLUE": "Blue", "CYAN": "Cyan", "GREEN": "Green", "YELLOW": "Yellow", "RED": "Red", "PINK": "Pink",
    "PURPLE": "Purple", "MAGENTA": "Fuchsia", "ORANGE": "Sand", "WHITE": "Cream", "BLACK": "Cocoa",
}


def resolve_color_name(otio_color: str) -> str:
    """The Resolve marker colour for an OTIO colour name (Green for unknown names)."""
    return OTIO_TO_RESOLVE.get((otio_color or "").upper(), RESOLVE_DEFAULT)


def resolve_otio_color(resolve_name: str) -> str | None:
    """The OTIO colour name for a Resolve marker colour; None for a name Resolve does not have."""
    return RESOLVE_TO_OTIO.get(resolve_name)


# -- Final Cut Pro (FCPXML): the colour a marker is drawn in, by kind -------------------------------
FCPX_KIND_COLORS = {"marker": "BLUE", "todo": "RED", "completed": "GREEN", "chapter": "ORANGE"}
