"""Cue and hit markers as a Media Composer marker list (Markers window: File > Import Markers).

The layout is the one Media Composer itself exports from the Markers window: one marker per line, six
tab-separated fields, ::

    user<TAB>timecode<TAB>track<TAB>colour<TAB>comment<TAB>duration

``timecode`` is the sequence's record timecode (``;`` before the frames in drop frame), ``track`` the
track the marker sits on (``V1``), ``colour`` one of Media Composer's marker colours in lower case
(red, green, blue, cyan, magenta, yellow, black, white), ``duration`` the marker's length in frames
(1 for a point marker; longer values make span markers in Media Composer 2019 and later). Fields hold no
tabs or line breaks. Cue markers span their cue; hit markers are one frame.
"""

from __future__ import annotations

from .markers import note_markers, single_input
from .sheet import Sheet

AVID_COLORS = ("red", "green", "blue", "cyan", "magenta", "yellow", "black", "white")


def _field(text: str) -> str:
    return " ".join(text.split())


def render_avid_markers(sheet: Sheet, user: str = "scoreplan", track: str = "V1",
                        cue_color: str = "green", hit_color: str = "red") -> str:
    """The marker list text (LF line ends, UTF-8)."""
    seq = single_input(sheet, "Avid marker list")
    for c in (cue_color, hit_color):
        if c not in AVID_COLORS:
            raise ValueError(f"{c!r} is not a Media Composer marker colour ({', '.join(AVID_COLORS)})")
    lines = []
    for m in note_markers(sheet):
        comment = f"{m.name}: {m.comment}" if m.kind == "cue" else m.comment
        color = cue_color if m.kind == "cue" else hit_color
        lines.append("\t".join((_field(user), seq.timecode(m.frame), track, color, _field(comment),
                                str(max(1, m.duration_frames)))))
    return "".join(line + "\n" for line in lines)
