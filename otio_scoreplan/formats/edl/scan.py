"""A line scanner for CMX 3600 EDLs: events, locators, Resolve marker lines, notes, rate hints.

The OTIO cmx_3600 adapter builds clips well, but it reads at a rate it is told, hangs ``* LOC:``
locators on clips in source time, trips over header lines it does not know, and places clips where
their *source* durations say. This scanner reads what the adapter does not, straight from the text,
so that ``edl.py`` can place every event and annotation at the record timecode the list states.

Nothing here depends on the frame rate: timecodes stay strings until the rate is settled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...colors import LOC_COLOR_WORDS

# A timecode (":" or ";" or "." separators) or a bare frame count.
_TC = r"(?:\d{1,2}[:;.]\d\d[:;.]\d\d[:;.]\d\d|\d+)"
EVENT_RE = re.compile(
    rf"^(?P<num>\d+)\s+(?P<reel>\S+)\s+(?P<channel>\S+)\s+(?P<edit>\S+)\s+(?:(?P<dur>\d+)\s+)?"
    rf"(?P<src_in>{_TC})\s+(?P<src_out>{_TC})\s+(?P<rec_in>{_TC})\s+(?P<rec_out>{_TC})\s*$"
)
# The same with a reel name holding spaces (some writers do not keep to CMX's 8 characters).
LOOSE_EVENT_RE = re.compile(
    rf"^(?P<num>\d+)\s+(?P<reel>\S.*?)\s+(?P<channel>V\d*|A\d*|AA|B|NONE|AA/V|A\d*/V)\s+(?P<edit>C|D|W\d{{3}}|K[BO]?)\s+"
    rf"(?:(?P<dur>\d+)\s+)?(?P<src_in>{_TC})\s+(?P<src_out>{_TC})\s+(?P<rec_in>{_TC})\s+(?P<rec_out>{_TC})\s*$"
)
_LOOKS_LIKE_EVENT = re.compile(r"^\d+\s.*(?:\d\d[:;.]\d\d[:;.]\d\d[:;.]\d\d\s+){3}\d\d[:;.]\d\d[:;.]\d\d[:;.]\d\d\s*$")
_LOC_WORD_RE = re.compile(r"^\*\s*LOC\b", re.IGNORECASE)
LOC_RE = re.compile(r"^\*\s*LOC\s*:?\s*(?P<tc>\d{1,2}[:;.]\d\d[:;.]\d\d[:;.]\d\d)(?P<rest>.*)$", re.IGNORECASE)
RESOLVE_MARKER_RE = re.compile(
    r"^(?P<note>[^|]*)\|C:(?P<color>[^|]*?)\s*\|M:(?P<name>[^|]*?)\s*(?:\|D:(?P<dur>\d+))?\s*$"
)
FCM_RE = re.compile(r"^FCM\s*:\s*(?P<mode>.*)$", re.IGNORECASE)
AUD_RE = re.compile(r"^AUD\s+(?P<chans>[\dA\s]+)$", re.IGNORECASE)
# "KEY:" comment lines that carry structure, not an editor's note.
_KEYED_RE = re.compile(r"^\*+\s*(?P<key>[A-Z][A-Z0-9 _./\-]*?)\s*:")
_NOTE_KEYS = {"COMMENT", "COMMENTS", "NOTE", "NOTES", "DESCRIPTION", "REM", "REMARK"}
_STRUCTURED_PREFIXES = ("FREEZE FRAME", "AUDIO LEVEL", "OTIO ", "EFFECTS NAME", "EFFECT NAME", "ASC_", "LOC")
# Rates stated in header comments: "* FORMAT: 3840X2160 P 59.94FPS", "* FRAME RATE: 25".
_STATED_RATE_RES = (
    re.compile(r"(?<![\d.])(\d{2,3}(?:\.\d+)?)\s*(?:FPS|P\b|FRAMES PER SECOND)", re.IGNORECASE),
    re.compile(r"FRAME\s*RATE\s*[:=]?\s*(\d{2,3}(?:\.\d+)?)", re.IGNORECASE),
)
_LEAD_RE = re.compile(r"^[\s*]+")
_CLIP_NAME_RE = re.compile(r"(FROM|TO) CLIP NAME\s*:\s*(.*)$", re.IGNORECASE)
_AVID_NAME_RE = re.compile(r"^\*\s*FROM CLIP NAME:  \S")  # layout fingerprints of the writers
_SINGLE_SPACE_NAME_RE = re.compile(r"^\* FROM CLIP NAME: \S")
_MAX_EVENT_LINE = 400
# Wrapped comment lines (Avid writes long comments as 80-column lines) are at least this long.
_WRAP_WIDTH = 78

@dataclass(slots=True)
class Locator:
    """A ``* LOC:`` line: record timecode, colour word (or ""), text."""

    timecode: str
    color: str
    text: str
    line_no: int
    event: int | None  # index of the event it follows, None in the header


@dataclass(slots=True)
class ResolveMarker:
    """A Resolve marker line ``note |C:ResolveColorBlue |M:name |D:frames`` after an event."""

    note: str
    color: str  # "Blue", "Fuchsia" ... (the word after "ResolveColor")
    name: str
    duration: int | None
    line_no: int
    event: int


@dataclass(slots=True)
class Event:
    """One edit: its (effective) event line, and the lines that follow it."""

    index: int  # order in the file, 0-based
    number: str
    reel: str
    channel: str
    edit: str  # C, D, W001, K ...
    transition_frames: int | None
    src_in: str
    src_out: str
    rec_in: str
    rec_out: str
    line_no: int
    a_side: str | None = None  # the cut line before a transition line of the same event
    adapter_lines: list[str] = field(default_factory=list)  # comment lines the OTIO adapter may read
    notes: list[str] = field(default_factory=list)
    aud: list[str] = field(default_factory=list)  # extra audio channels from "AUD 3 4" lines
    clip_name: str | None = None
    to_clip_name: str | None = None
    wrapped_name: bool = False  # a clip name went on over a second comment line
    source_drop: bool = False  # the FCM in force for this event says drop frame
    markers: list[ResolveMarker] = field(default_factory=list)
    _wrap: str = ""  # what the last comment line was, when it was full width (wrapped)

    @property
    def has_transition(self) -> bool:
        return self.transition_frames is not None

    @property
    def timecodes(self) -> tuple[str, str, str, str]:
        return self.src_in, self.src_out, self.rec_in, self.rec_out


@dataclass
class Scan:
    """Everything the scanner read from an EDL's text."""

    title: str = ""
    header_fcm: list[str] = field(default_factory=list)  # FCM modes before the first event
    header_comments: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    locators: list[Locator] = field(default_factory=list)
    any_drop_fcm: bool = False
    unread_event_lines: list[int] = field(default_factory=list)  # look like events, do not parse
    unread_locator_lines: list[int] = field(default_factory=list)  # "* LOC" lines whose timecode does not parse
    cut_short_line: int | None = None  # the file ends inside this event or locator line (truncated)
    skipped_lines: int = 0  # lines before the first event that are neither title, FCM nor comments
    blank_between_events: bool = False
    two_trailing_spaces: bool = False
    fingerprints: set[str] = field(default_factory=set)

    @property
    def markers(self) -> list[ResolveMarker]:
        return [m for e in self.events for m in e.markers]

    def max_frame_number(self) -> int:
        """The highest frames field of any event's timecode (-1 when there is none).

        Locators are comments, not evidence of the rate: one damaged ``* LOC`` line (frame 45) would
        otherwise change the rate of the whole list; a locator whose frame the rate found has not is
        skipped by the reader, with a warning naming its line.
        """
        return largest_field([text[-2:] for text in self.all_timecodes() if not text.isdigit()])

    def all_timecodes(self) -> list[str]:
        """Every event's four timecodes (or frame counts), event by event."""
        return [text for e in self.events for text in (e.src_in, e.src_out, e.rec_in, e.rec_out)]

    def stated_rates(self) -> list[str]:
        """Frame rates written in header comments, e.g. '59.94' from '* FORMAT: ... 59.94FPS'."""
        found = []
        for line in self.header_comments:
            for rx in _STATED_RATE_RES:
                found.extend(m.group(1) for m in rx.finditer(line))
        return found


def largest_field(fields: list[str]) -> int:
    """The largest of two-digit timecode fields (-1 for none).

    Two ASCII digits sort as their numbers do, so the largest string is found without converting
    each; digits of other scripts (which ``\\d`` also matches) are converted one by one.
    """
    if not fields:
        return -1
    if "".join(fields).isascii():
        return int(max(fields))
    return max(int(f) for f in fields)


def _is_drop(mode: str) -> bool:
    mode = mode.upper().replace("-", " ").replace("_", " ")
    return "DROP" in mode and "NON" not in mode


def scan_edl(text: str) -> Scan:
    """Scan an EDL's text (already decoded) into a :class:`Scan`."""
    result = Scan()
    current: Event | None = None
    drop_now = False
    split_pending = 0
    saw_blank = False
    lines = text.splitlines()
    for line_no, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            saw_blank = saw_blank or current is not None
            continue
        # (no event line is long; the length check keeps the regexes linear on hostile input; every
        # event pattern starts with a digit)
        m = None
        if line[0].isdigit() and len(line) <= _MAX_EVENT_LINE:
            m = EVENT_RE.match(line) or LOOSE_EVENT_RE.match(line)
            if not m and _LOOKS_LIKE_EVENT.match(line):
                result.unread_event_lines.append(line_no)
        if m:
            same_event = current is not None and int(m["num"]) == int(current.number) and not split_pending
            if same_event and current.a_side is None and _edit_of(m)[1] is not None and not current.has_transition:
                _take_transition(current, m)
                continue
            if split_pending:
                split_pending -= 1
            if current is not None and saw_blank:
                result.blank_between_events = True
            saw_blank = False
            if raw.rstrip("\r\n").endswith("  "):
                result.two_trailing_spaces = True
            current = _new_event(len(result.events), m, line_no, drop_now)
            result.events.append(current)
            continue
        first = line[0]  # (FCM_RE and LOC_RE start with these: most lines need neither)
        fcm = FCM_RE.match(line) if first in "Ff" else None
        if fcm:
            drop_now = _is_drop(fcm["mode"])
            result.any_drop_fcm = result.any_drop_fcm or drop_now
            if current is None:
                result.header_fcm.append(fcm["mode"].strip())
            continue
        loc = LOC_RE.match(line) if first == "*" else None
        if loc:
            result.locators.append(_locator(loc, line_no, current))
            continue
        if first == "*" and _LOC_WORD_RE.match(line):  # a locator without a readable timecode: skipped, said
            result.unread_locator_lines.append(line_no)
            continue
        upper = line.upper()
        if current is None:
            if upper.startswith("TITLE:"):
                result.title = line[6:].strip()
            elif line.startswith("*"):
                result.header_comments.append(line)
            else:
                result.header_comments.append(line)  # EDL-X option lines and the like
                result.skipped_lines += 1
            continue
        if upper.startswith("SPLIT"):
            split_pending = 2
            continue
        _event_line(result, current, line, raw, line_no)
    result.cut_short_line = _cut_short(text, lines)
    return result


def _cut_short(text: str, lines: list[str]) -> int | None:
    """The last line's number when the text stops inside an event or locator line (no newline after it).

    Avid ends lists without a final newline after a complete comment line, so only lines that
    cannot be complete count: an event line or ``* LOC:`` line that does not parse.
    """
    if not text or text.endswith(("\n", "\r")):
        return None
    last = lines[-1].strip()
    if len(last) > _MAX_EVENT_LINE:
        return None
    if re.match(r"^\d+\s", last) and not (EVENT_RE.match(last) or LOOSE_EVENT_RE.match(last)):
        return len(lines)
    if re.match(r"^\*\s*LOC\b", last, re.IGNORECASE) and not LOC_RE.match(last):
        return len(lines)
    return None


def _edit_of(m: re.Match) -> tuple[str, int | None]:
    """Edit type and transition length; Avid leaves the type blank for effects CMX has no code for."""
    edit, dur = m["edit"].upper(), m["dur"]
    if dur is None and edit.isdigit():
        return "", int(edit)
    return edit, int(dur) if dur is not None else None


def _new_event(index: int, m: re.Match, line_no: int, drop_now: bool) -> Event:
    edit, dur = _edit_of(m)
    return Event(
        index=index,
        number=m["num"],
        reel=m["reel"],
        channel=m["channel"],
        edit=edit,
        transition_frames=dur,
        src_in=m["src_in"],
        src_out=m["src_out"],
        rec_in=m["rec_in"],
        rec_out=m["rec_out"],
        line_no=line_no,
        source_drop=drop_now,
    )


def _take_transition(event: Event, m: re.Match) -> None:
    """The second line of a dissolve/wipe event: it holds the incoming clip and the record range."""
    event.a_side = f"{event.number} {event.reel} {event.channel} {event.edit} {' '.join(event.timecodes)}"
    event.reel, event.channel = m["reel"], m["channel"]
    event.edit, event.transition_frames = _edit_of(m)
    event.src_in, event.src_out, event.rec_in, event.rec_out = m["src_in"], m["src_out"], m["rec_in"], m["rec_out"]


def _locator(m: re.Match, line_no: int, current: Event | None) -> Locator:
    rest = m["rest"].strip()
    color = ""
    first, _, after = rest.partition(" ")
    if first.upper() in LOC_COLOR_WORDS:
        color, rest = first.upper(), after.strip()
    return Locator(m["tc"], color, rest, line_no, current.index if current is not None else None)


def _event_line(result: Scan, event: Event, line: str, raw: str, line_no: int) -> None:
    """A line inside an event: comment, marker, M2, AUD ..."""
    if "|C:" in line and "|M:" in line:
        rm = RESOLVE_MARKER_RE.match(line)
        if rm:
            color = rm["color"].strip()
            color = color[len("ResolveColor"):] if color.startswith("ResolveColor") else color
            dur = int(rm["dur"]) if rm["dur"] else None
            event.markers.append(ResolveMarker(rm["note"].strip(), color, rm["name"].strip(), dur, line_no, event.index))
            result.fingerprints.add("resolve markers")
            return
    aud = AUD_RE.match(line) if line[0] in "Aa" else None
    if aud:
        event.aud.extend(f"A{c}" for c in aud["chans"].replace("A", " ").split())
        return
    upper = line.upper()
    if upper.startswith("M2"):
        event.adapter_lines.append(line)
        event._wrap = ""
        return
    if not line.startswith("*"):
        if upper.startswith("EFFECTS NAME IS"):
            result.fingerprints.add("effects name " + upper[len("EFFECTS NAME IS"):].strip().lower())
        event._wrap = ""
        return  # EFFECTS NAME IS ..., "=> CMX 3600 ..." trailers: nothing the adapter needs
    body = _LEAD_RE.sub("", line)
    wrapped = event._wrap
    event._wrap = ""
    if wrapped:  # the previous comment line was full width: this one goes on with it
        _continue(event, wrapped, body, raw)
        return
    event.adapter_lines.append(line)
    name = _CLIP_NAME_RE.match(body)
    if name:
        kind = "clip_name" if name[1].upper() == "FROM" else "to_clip_name"
        setattr(event, kind, name[2].strip())
        if kind == "clip_name":
            if _AVID_NAME_RE.match(raw):
                result.fingerprints.add("avid clip name")
            elif _SINGLE_SPACE_NAME_RE.match(raw):
                result.fingerprints.add("single-space clip name")
        _open_wrap(event, kind, raw)
        return
    if upper.startswith("* AUDIO LEVEL AT"):
        result.fingerprints.add("audio level")
    _note_line(event, body, raw)


def _open_wrap(event: Event, kind: str, raw: str) -> None:
    """Remember a full-width comment line: Avid wraps long comments and names at 80 columns."""
    event._wrap = kind if len(raw.rstrip("\r\n")) >= _WRAP_WIDTH else ""


def _continue(event: Event, kind: str, body: str, raw: str) -> None:
    if kind in ("clip_name", "to_clip_name"):
        setattr(event, kind, (getattr(event, kind) or "") + body.strip())
        event.wrapped_name = True
    elif kind == "note" and event.notes:
        event.notes[-1] += body.strip()
    _open_wrap(event, kind, raw)


def _note_line(event: Event, body: str, raw: str) -> None:
    """Free comment text (an editor's clip comment) becomes a note; keyed fields do not."""
    upper = body.upper()
    keyed = _KEYED_RE.match("* " + body)
    if keyed and keyed["key"].strip().upper() in _NOTE_KEYS:
        text = body.split(":", 1)[1].strip()
        if text:
            event.notes.append(text)
            _open_wrap(event, "note", raw)
        return
    if keyed or upper.startswith(_STRUCTURED_PREFIXES) or not body:
        _open_wrap(event, "field", raw)
        return
    event.notes.append(body.strip())
    _open_wrap(event, "note", raw)
