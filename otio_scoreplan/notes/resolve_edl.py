"""Cue and hit markers as a DaVinci Resolve marker EDL (Timeline > Import > Timeline Markers from EDL).

The layout is the one Resolve writes with Export > Timeline Markers to EDL: a CMX 3600 header, then per
marker a one-frame event at the marker's record timecode and a comment line holding the marker::

    001  001      V     C        01:00:12:00 01:00:12:01 01:00:12:00 01:00:12:01
     note |C:ResolveColorGreen |M:1M1 tension |D:576

``|C:`` is the colour (ResolveColorBlue, Cyan, Green, Yellow, Red, Pink, Purple, Fuchsia, Rose,
Lavender, Sky, Mint, Lemon, Sand, Cocoa, Cream), ``|M:`` the marker name, ``|D:`` its duration in
frames, and the text before ``|C:`` (after one space) the marker's note. ``|`` never appears inside a field.
The colours are ``apply``'s (green cues, red hits), named as Resolve names them.
"""

from __future__ import annotations

from ..colors import OTIO_MARKER_COLORS, RESOLVE_COLORS, resolve_color_name
from ..formats.additions import ApplySettings
from ..timecode import supports_drop_frame
from .markers import note_markers, single_input
from .sheet import Sheet, document_date, document_title


def _field(text: str) -> str:
    return " ".join(text.replace("|", "/").split())


def render_resolve_edl(sheet: Sheet, cue_color: str = ApplySettings.cue_color,
                       hit_color: str = ApplySettings.hit_color) -> str:
    """The marker EDL text (CRLF line ends, as Resolve writes EDLs); colours are OTIO colour names or Resolve's."""
    seq = single_input(sheet, "Resolve marker EDL")
    for c in (cue_color, hit_color):
        if c not in RESOLVE_COLORS and c.upper() not in OTIO_MARKER_COLORS:
            raise ValueError(f"{c!r} is not a Resolve marker colour ({', '.join(RESOLVE_COLORS)})")
    cue_color, hit_color = (c if c in RESOLVE_COLORS else resolve_color_name(c) for c in (cue_color, hit_color))
    title = _field(f"{document_title(sheet)} rev {sheet.plan.revision_label} {document_date(sheet)}") or "markers"
    drop = seq.drop_frame and supports_drop_frame(seq.rate)
    lines = [f"TITLE: {title}", f"FCM: {'DROP FRAME' if drop else 'NON-DROP FRAME'}", ""]
    for n, m in enumerate(note_markers(sheet), start=1):
        tc_in, tc_out = seq.timecode(m.frame), seq.timecode(m.frame + 1)
        color = cue_color if m.kind == "cue" else hit_color
        lines.append(f"{n:03d}  001      V     C        {tc_in} {tc_out} {tc_in} {tc_out}  ")
        note = _field(m.comment)
        lines.append(f" {note + ' ' if note else ''}|C:ResolveColor{color} |M:{_field(m.name)} |D:{max(1, m.duration_frames)}")
        lines.append("")
    return "\r\n".join(lines) + "\r\n"
