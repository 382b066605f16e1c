"""Marker colours per application in both directions, in one module (issue 12: the tables lived in ten places and
two of them, NEAREST_AVID and NEAREST_LOC, were one mapping)."""

from __future__ import annotations

import ast
from pathlib import Path

import opentimelineio as otio
import pytest

from otio_scoreplan import colors

PACKAGE = Path(__file__).resolve().parents[1] / "otio_scoreplan"


def test_otio_names_are_opentimelineio_s() -> None:
    assert set(colors.OTIO_MARKER_COLORS) == {k for k in dir(otio.schema.MarkerColor) if k.isupper()}
    assert all(getattr(otio.schema.MarkerColor, name) == name for name in colors.OTIO_MARKER_COLORS)


@pytest.mark.parametrize("name", colors.OTIO_MARKER_COLORS)
def test_every_otio_colour_goes_out_and_comes_back_as_near_as_the_application_allows(name: str) -> None:
    resolve = colors.resolve_color_name(name)
    assert resolve in colors.RESOLVE_COLORS
    assert colors.resolve_otio_color(resolve) == ("ORANGE" if name == "BLACK" else name)  # Resolve has no black
    avid = colors.avid_color_name(name)
    assert avid in colors.AVID_COLORS and colors.loc_color(name) == avid.upper()
    back = colors.avid_otio_color(avid)
    assert back == name or (name, back) in {("PINK", "MAGENTA"), ("PURPLE", "MAGENTA"), ("ORANGE", "YELLOW")}
    value = colors.premiere_color_value(name)
    if value is None:
        assert name == "GREEN" or name not in colors.PREMIERE_MARKER_COLORS
    else:
        assert colors.premiere_color_name(value) in (name, "RED")


def test_avid_rgb_names_its_own_colour_and_premiere_values_their_names() -> None:
    for name, (r, g, b) in colors.AVID_COLORS.items():
        assert colors.avid_color_of({"red": r, "green": g, "blue": b}, None) == name
        assert colors.avid_color_of(None, name.lower()) == name
    for name, value in colors.PREMIERE_MARKER_COLORS.items():
        assert colors.premiere_color_name(value) == name and colors.premiere_color_value(name) == value
    assert colors.premiere_color_name(None) == "GREEN" and colors.premiere_color_name(12345) == ""
    for name, rgb in colors.RGB_PALETTE.items():
        assert colors.nearest_color(rgb) == name
    assert colors.FCPX_KIND_COLORS["todo"] == "RED" and set(colors.FCPX_KIND_COLORS.values()) <= set(colors.OTIO_MARKER_COLORS)


def _colour_tables(path: Path) -> list[str]:
    """Module-level literal tables naming three or more OTIO colours (in any case) in a module."""
    found = []
    names = {c.lower() for c in colors.OTIO_MARKER_COLORS}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, (ast.Dict, ast.Tuple, ast.List, ast.Set)):
            words = {c.value.lower() for c in ast.walk(value) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
            if len(words & names) >= 3:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return found


def test_colour_tables_live_only_in_colors_py() -> None:
    tables = [t for p in sorted(PACKAGE.rglob("*.py")) for t in _colour_tables(p)]
    assert tables and all(t.startswith("colors.py:") for t in tables), tables
