"""Cue and hit markers as a Media Composer marker list (Markers window: File > Import Markers).

The layout is the one Media Composer itself exports from the Markers window: one marker per line, six
tab-separated fields, ::

    user<TAB>timecode<TAB>track<TAB>colour<TAB>comment<TAB>duration

``timecode`` is the sequence's record timecode (``;`` before the frames in drop frame), ``track`` the
track the marker sits on (``V1``), ``colour`` one of Media Composer's marker colours in lower case
(red, green, blue, cyan, magenta, yellow, black, white), ``duration`` the marker's length in frames
(1 for a point marker; longer values make span markers in Media Composer 2019 and later). Fields hold no
tabs or line breaks. Cue markers span their cue; hit markers are one frame. The comment is the one ``apply``
gives an AAF locator (``1M1 tension | description ... [scoreplan]``, :func:`~otio_scoreplan.marker_names.locator_text`)
and the colours are ``apply``'s (green cues, red hits), named as Media Composer names them.
"""

from __future__ import annotations

from ..colors import AVID_COLORS as AVID_RGB
from ..colors import OTIO_MARKER_COLORS, avid_color_name
from ..formats.additions import ApplySettings
from ..marker_names import locator_text
from .markers import note_markers, single_input
from .sheet import Sheet

AVID_COLORS = tuple(name.lower() for name in AVID_RGB)  # as the Markers window writes them


def _field(text: str) -> str:
    return " ".join(text.split())


def render_avid_markers(sheet: Sheet, user: str = "scoreplan", track: str = "V1",
                        cue_color: str = ApplySettings.cue_color, hit_color: str = ApplySettings.hit_color) -> str:
    """The marker list text (LF line ends, UTF-8); colours are OTIO colour names or Media Composer's."""
    seq = single_input(sheet, "Avid marker list")
    for c in (cue_color, hit_color):
        if c.lower() not in AVID_COLORS and c.upper() not in OTIO_MARKER_COLORS:
            raise ValueError(f"{c!r} is not a Media Composer marker colour ({', '.join(AVID_COLORS)})")
    cue_color, hit_color = (avid_color_name(c).lower() for c in (cue_color, hit_color))
    lines = []
    for m in note_markers(sheet):
        comment = locator_text(m.name, m.comment)
        color = cue_color if m.kind == "cue" else hit_color
        lines.append("\t".join((_field(user), seq.timecode(m.frame), track, color, _field(comment),
                                str(max(1, m.duration_frames)))))
    return "".join(line + "\n" for line in lines)
