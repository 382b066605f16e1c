"""Write-back for CMX 3600 EDLs: keep every line of the editor's list, add locator lines for the cues.

An EDL holds one cut, so what we add to it is text only:

* In Avid-style lists (and any list without Resolve marker lines), one ``* LOC:`` line per cue and hit
  marker, in the layout Media Composer and the OTIO cmx_3600 writer use: record timecode (``;`` before
  the frames in drop frame), the colour word padded to seven columns, the text::

      * LOC: 01:00:12:00 GREEN   1M1 tension [scoreplan]

  A locator goes after the comment lines of the event whose record range holds its frame (a video
  event when several do).
* In Resolve-style lists (``note |C:ResolveColorBlue |M:name |D:frames`` marker lines), a Resolve
  marker line marks its event's record-in, so each marker becomes a one-frame marker event of its own,
  as Resolve's "Timeline Markers to EDL" writes it, inserted in record order and numbered after the
  list's last event number::

      014  001      V     C        01:00:12:00 01:00:12:01 01:00:12:00 01:00:12:01
      opening tension / ... [scoreplan] |C:ResolveColorGreen |M:1M1 tension |D:576

The temp-music clips go into a companion audio EDL beside the output (``OUTPUT stem + .TEMP_MX.edl``)
titled as the input plus ``TEMP MX``, with the input's FCM line and the same record timecode. A temp file is
stereo, so each clip is one event on a CMX stereo pair: ``AA`` (channels 1 and 2), or, while another clip plays
there, ``NONE`` with an ``AUD  3    4`` line (channels 3 and 4, as Premiere writes them); CMX has no pair beyond, so a third clip at once
plays its two channels as two events on ``A5``/``A6`` (and so on). The reel is ``TEMPMX`` for the silent
placeholder, else the media file's name cut to CMX's eight characters; the full clip name (tagged) and the media
file follow in ``* FROM CLIP NAME:`` and ``* SOURCE FILE:`` lines. Source timecode is the media's own: its first
sample at its BWF time reference (the cue's in minus its head handle), so a timecode relink in Media Composer or
Resolve finds the music where the list says (the placeholder, which has none, starts at 00:00:00:00).
A clip of clean temp media (the music with handles) plays from its handle's end (its source in) and carries its
fades as CMX dissolves: a fade-in dissolves from black (``BL``, silence) at the clip's first frame, a fade-out
to black ending at its last (the music runs on under it in the tail handle), so the editor can slip and extend it;
the black side is named ``BL`` in the ``FROM``/``TO CLIP NAME`` lines, as Premiere writes it.
No event reads past its file: a clip whose music ends before the clip does (a piece ending inside its tail) ends at
its media's last frame, its fade-out that much shorter (``additions.within_media``, for every writer).
Two cues that segue are one dissolve event on one pair: B from A over the clips' overlap (A's listed out is
where the dissolve starts; its music runs on in its tail handle under the dissolve).
The companion states no frame rate (no CMX line does; a header comment stops OTIO's cmx_3600 reader), so
read it at the picture list's rate (``--rate``) when its timecodes alone cannot tell.

Every original line is kept byte for byte, with its own line ending, in the file's own encoding (and
byte-order mark); a list that ends without a final newline still does. Our lines carry
:data:`~otio_scoreplan.OUR_TOKEN`; a later run removes them (and our marker events) first.
"""

from __future__ import annotations

import codecs
import heapq
import logging
import os
import re
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

from ... import OUR_TOKEN, TAG
from ...colors import loc_color, resolve_color_name
from ...errors import ScorePlanError
from ...marker_names import tagged
from ...outfile import OutputError, atomic_path, check_output_path, retire
from ...timecode import STANDARD_RATES, supports_drop_frame, to_timecode
from .. import Source
from ..additions import Additions, ClipAdd, MarkerAdd
from ..common import gc_paused
from ..media import bwf_time_reference, media_format
from .scan import EVENT_RE, FCM_RE, LOC_RE, LOOSE_EVENT_RE, RESOLVE_MARKER_RE, Event, scan_edl
from .timeline import Timing

log = logging.getLogger(__name__)

COMPANION_SUFFIX = ".TEMP_MX.edl"
PLACEHOLDER_REEL = "TEMPMX"
BLACK_REEL = "BL"  # CMX's black (for audio: silence), the other side of a fade's dissolve
COMPANION_TITLE = " TEMP MX"  # the companion's title: the picture list's and this
TITLE_MAX = 70  # characters of an EDL title (CMX 3600's limit as commonly documented)
_TITLE_RE = re.compile(r"^\s*TITLE:", re.IGNORECASE)
# The locator colours of Avid EDLs (Media Composer's palette), and the nearest for OTIO's others.
_LINE_ENDINGS = ("\r\n", "\n", "\r")


def companion_path(output: Path) -> Path:
    """Where the temp-music audio EDL of ``output`` goes: ``cut.edl`` -> ``cut.TEMP_MX.edl``."""
    return output.with_name(output.stem + COMPANION_SUFFIX)


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _split_ending(line: str) -> tuple[str, str]:
    for ending in _LINE_ENDINGS:
        if line.endswith(ending):
            return line[: -len(ending)], ending
    body = line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
    return body, line[len(body):]


def _event_match(stripped: str) -> re.Match | None:
    if len(stripped) > 400:
        return None
    return EVENT_RE.match(stripped) or LOOSE_EVENT_RE.match(stripped)


def _is_our_line(stripped: str) -> bool:
    if OUR_TOKEN not in stripped:
        return False
    return bool(LOC_RE.match(stripped)) or ("|C:" in stripped and bool(RESOLVE_MARKER_RE.match(stripped)))


def _is_marker_event_line(stripped: str) -> bool:
    """An event line of the shape Resolve gives marker events (source range = record range); an editor's
    clip event is never taken for one (its marker lines follow its clip name, not its event line)."""
    m = _event_match(stripped)
    return bool(m) and (m["src_in"], m["src_out"]) == (m["rec_in"], m["rec_out"])


def remove_additions(text: str) -> tuple[str, int]:
    """``text`` without our locator lines and marker events of an earlier run; also how many went.

    A removed line takes the line break before it along, so the line before gets back its own ending.
    """
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    gone = 0
    for line in lines:
        stripped = line.strip()
        if not kept or not _is_our_line(stripped):
            kept.append(line)
            continue
        gone += 1
        ending = _split_ending(line)[1]
        if "|C:" in stripped and len(kept) > 1 and _is_marker_event_line(kept[-1].strip()):
            kept.pop()  # our one-frame marker event
            if len(kept) > 1 and not kept[-1].strip():
                kept.pop()  # and the blank line we put before it
        kept[-1] = _split_ending(kept[-1])[0] + ending
    return "".join(kept), gone


@dataclass
class _Layout:
    """What the write needs to know of the list: its events, where each ends, its style."""

    lines: list[str]
    events: list[Event]
    block_end: list[int]  # per event: 0-based index of its last line (event line or comment)
    resolve: bool
    blank_between_events: bool
    title_line: str | None
    fcm_line: str | None
    max_number: int


def _layout(text: str) -> _Layout:
    found = scan_edl(text)
    lines = text.splitlines(keepends=True)
    ends = []
    for event in found.events:
        i = event.line_no - 1
        while i + 1 < len(lines):
            nxt = lines[i + 1].strip()
            m = _event_match(nxt)
            if not nxt or (m and int(m["num"]) != int(event.number)) or FCM_RE.match(nxt) \
                    or nxt.upper().startswith(("SPLIT", "TITLE:")):
                break
            i += 1
        ends.append(i)
    first_event = found.events[0].line_no - 1 if found.events else len(lines)
    header = [_split_ending(line)[0] for line in lines[:first_event]]
    title = next((h for h in header if h.strip().upper().startswith("TITLE:")), None)
    fcm = next((h for h in header if FCM_RE.match(h.strip())), None)
    return _Layout(
        lines=lines,
        events=found.events,
        block_end=ends,
        resolve="resolve markers" in found.fingerprints,
        blank_between_events=found.blank_between_events,
        title_line=title,
        fcm_line=fcm,
        max_number=max((int(e.number) for e in found.events), default=0),
    )


def _is_video(event: Event) -> bool:
    channel = event.channel.upper()
    return "V" in channel or channel == "B"


def anchors(layout: _Layout, ranges: list[tuple[int, int]], frames: list[int]) -> list[int]:
    """For each frame, the index of the event a marker there goes after: the first (in list order) whose
    record range holds it, a video event before others; else the latest starting before it (the first
    listed of equal starts); else the first event.

    One sweep over events and frames, both in time order (a marker by marker search of every event
    took 19 s for 1,000 markers on a 100,000-event list).
    """
    by_start = sorted(range(len(ranges)), key=lambda i: (ranges[i][0], -i))
    video = [_is_video(e) for e in layout.events]
    started = 0
    holding: list[tuple[int, int]] = []  # (index, end) of events started so far: smallest index on top
    holding_video: list[tuple[int, int]] = []
    found = [0] * len(frames)
    for k in sorted(range(len(frames)), key=frames.__getitem__):
        frame = frames[k]
        while started < len(by_start) and ranges[by_start[started]][0] <= frame:
            i = by_start[started]
            heapq.heappush(holding, (i, ranges[i][1]))
            if video[i]:
                heapq.heappush(holding_video, (i, ranges[i][1]))
            started += 1
        for heap in (holding_video, holding):
            # An event on top that ended at or before this frame has ended for every later one too; once
            # the top holds the frame, it is the first listed of those that do (the rest have larger indices).
            while heap and heap[0][1] <= frame:
                heapq.heappop(heap)
        if holding_video or holding:
            found[k] = (holding_video or holding)[0][0]
        elif started:
            found[k] = by_start[started - 1]
    return found


def locator_line(add: MarkerAdd, timecode: str) -> str:
    """``* LOC: 01:00:12:00 GREEN   1M1 tension [scoreplan]``."""
    text = tagged(_one_line(add.name))
    return f"* LOC: {timecode} {loc_color(add.color):<7} {text}"


def _resolve_field(text: str) -> str:
    return _one_line(text).replace("|", "/")


def resolve_marker_lines(add: MarkerAdd, number: int, tc_in: str, tc_out: str) -> list[str]:
    """A one-frame marker event and its marker line, as Resolve's 'Timeline Markers to EDL' writes them."""
    note = tagged(_resolve_field(add.comment))
    color = resolve_color_name(add.color)
    event = f"{number:03d}  001      V     C        {tc_in} {tc_out} {tc_in} {tc_out}  "
    return [event, f"{note} |C:ResolveColor{color} |M:{_resolve_field(add.name)} |D:{max(1, add.duration_frames)}"]


def add_markers(layout: _Layout, source: Source, markers: list[MarkerAdd], newline: str) -> str:
    """The list's text with our markers inserted after the events they fall in."""
    if not markers or not layout.events:
        return "".join(layout.lines)
    timing = Timing(source.rate, source.drop_frame)
    ranges = [(timing.frames(e.rec_in) - source.start_frame, timing.frames(e.rec_out) - source.start_frame)
              for e in layout.events]
    per_line: dict[int, list[str]] = {}
    number = layout.max_number
    for add, anchor in zip(markers, anchors(layout, ranges, [add.frame for add in markers])):
        line_index = layout.block_end[anchor]
        if layout.resolve:
            number += 1
            new = resolve_marker_lines(add, number, _tc(source, add.frame), _tc(source, add.frame + 1))
            if layout.blank_between_events:
                new.insert(0, "")
        else:
            new = [locator_line(add, _tc(source, add.frame))]
        per_line.setdefault(line_index, []).extend(new)
    out = []
    for i, line in enumerate(layout.lines):
        if i not in per_line:
            out.append(line)
            continue
        body, ending = _split_ending(line)
        sep = ending if ending in _LINE_ENDINGS else newline
        out.append(body + "".join(sep + added for added in per_line[i]) + ending)
    return "".join(out)


def _tc(source: Source, frame: int) -> str:
    return to_timecode(source.start_frame + frame, source.rate, source.drop_frame)


def _reel(add: ClipAdd) -> str:
    if not add.assigned:
        return PLACEHOLDER_REEL
    reel = re.sub(r"[^A-Z0-9_]", "", add.media.stem.upper().replace(" ", "_"))[:8]
    return reel or PLACEHOLDER_REEL


def _channels(group: int) -> list[tuple[str, str | None]]:
    """The CMX channel fields (and ``AUD`` line) a group of the companion plays a stereo file on, one per event.

    Group 0 is the pair ``AA`` (channels 1 and 2), group 1 the pair CMX extends to with an ``AUD  3    4`` line
    (channel field ``NONE``, as Premiere writes channels 3 and 4); CMX has no pair beyond those, so a further group
    (three temp clips at once that do not segue) plays its file's two channels as two events on ``A5``/``A6`` ...
    """
    if group == 0:
        return [("AA", None)]
    if group == 1:
        return [("NONE", "AUD  3    4")]
    return [(f"A{2 * group + 1}", None), (f"A{2 * group + 2}", None)]


def _media_text(media: Path, folder: Path) -> str:
    """The media file as seen from the companion's folder (relative when it lies below it)."""
    try:
        return Path(os.path.relpath(media.resolve(), folder.resolve())).as_posix() \
            if media.resolve().is_relative_to(folder.resolve()) else media.resolve().as_posix()
    except ValueError:
        return media.resolve().as_posix()


def _exact_rate(rate: float) -> Fraction:
    for exact in STANDARD_RATES.values():
        if abs(float(exact) - float(rate)) < 1e-6:
            return exact
    return Fraction(rate).limit_denominator(1_000_000)


def media_origin(media: Path, rate: float) -> int:
    """The frame (record timecode, frames since midnight) of ``media``'s first sample: its BWF time reference at
    ``rate``; 0 for a file without one (the silent placeholder)."""
    reference = bwf_time_reference(media)
    if not reference:
        return 0
    try:
        sample_rate = media_format(media).sample_rate
    except ScorePlanError:
        return 0
    return int(round(Fraction(reference) * _exact_rate(rate) / sample_rate))


def segue_chains(clips: list[ClipAdd]) -> list[list[ClipAdd]]:
    """``clips`` (in record order) in chains joined by segues: a clip that starts inside another's fade-out and
    before it ends, the overlap inside its own fade-in, is the next of that clip's chain (one dissolve from it)."""
    nxt: dict[int, int] = {}
    taken: set[int] = set()
    for i, x in enumerate(clips):
        for j in range(i + 1, len(clips)):
            y = clips[j]
            if y.start_frame >= x.end_frame:
                break
            overlap = x.end_frame - y.start_frame
            if (j not in taken and y.start_frame > x.start_frame and y.end_frame > x.end_frame
                    and overlap <= min(x.fade_out_frames, y.fade_in_frames)):
                nxt[i], taken = j, taken | {j}
                break
    chains = []
    for i in range(len(clips)):
        if i in taken:
            continue
        chain = [i]
        while chain[-1] in nxt:
            chain.append(nxt[chain[-1]])
        chains.append([clips[k] for k in chain])
    return chains


def channel_groups(chains: list[list[ClipAdd]]) -> list[int]:
    """Per chain, the channel group it plays on: the first whose last chain has ended (group 0, ``AA``, first)."""
    ends: list[int] = []
    groups = []
    for chain in chains:
        start, end = chain[0].start_frame, chain[-1].end_frame
        group = next((g for g, e in enumerate(ends) if e <= start), len(ends))
        if group == len(ends):
            ends.append(end)
        ends[group] = end
        groups.append(group)
    return groups


_NUMBERED = "\x00"  # an edit line of an event block: numbered when the blocks are in record order


@dataclass
class _Companion:
    """What the companion's event blocks are written with: the list's timing, each media's own first frame."""

    source: Source
    drop: bool
    folder: Path
    origins: dict[Path, int]

    def src(self, add: ClipAdd, frame: int) -> str:
        """The timecode of the clip's media ``frame`` frames from its first (the file's own timecode)."""
        return to_timecode(self.origins[add.media] + frame, self.source.rate, self.drop)

    def black(self, frame: int) -> str:
        return to_timecode(frame, self.source.rate, self.drop)

    def file(self, add: ClipAdd) -> str:
        return f"* SOURCE FILE: {_media_text(add.media, self.folder)}"


def _edit(out: _Companion, channel: tuple[str, str | None], reel: str, how: str, a: str, b: str, rec_a: int,
          rec_b: int) -> list[str]:
    """One edit line (and its ``AUD`` line): ``how`` is ``C`` or ``D 030`` (a dissolve of 30 frames)."""
    field, aud = channel
    how = "C       " if how == "C" else how
    line = f"{_NUMBERED}  {reel:<8} {field:<5} {how} {a} {b} {_tc(out.source, rec_a)} {_tc(out.source, rec_b)} "
    return [line, aud] if aud else [line]


def chain_events(out: _Companion, chain: list[ClipAdd], channel: tuple[str, str | None]) -> list[tuple[int, list[str]]]:
    """The event blocks of a chain of clips on one channel: each clip from its first frame (a cut, a dissolve
    from black for its fade-in, or one dissolve from the clip before it over their overlap: a segue), and a
    dissolve to black ending at the last clip's last frame for its fade-out. (record in, lines) per event."""
    events = []
    for i, add in enumerate(chain):
        reel, name, last = _reel(add), _one_line(add.name), i == len(chain) - 1
        # a fade-in is a dissolve from black (silence) at the clip's first frame; a segue one dissolve from the
        # chain's previous clip over their overlap; CMX counts a dissolve in three digits
        entry = add.fade_in_frames if i == 0 else chain[i - 1].end_frame - add.start_frame
        longest = max(entry, add.fade_out_frames if last else 0)
        if longest > 999:
            log.warning("%s: its fade of %d frames is written as a dissolve of 999, the longest a CMX list counts (the "
                        "mix and the other formats fade over all of it)", add.name, longest)
        entry = max(0, min(entry, add.duration_frames, 999))
        fade_out = max(0, min(add.fade_out_frames, add.duration_frames - entry, 999)) if last else 0
        listed_end = add.end_frame - fade_out if last else chain[i + 1].start_frame
        into = min(entry, listed_end - add.start_frame)
        a, b = add.source_in, add.source_in + listed_end - add.start_frame
        incoming = _edit(out, channel, reel, f"D    {into:03d}" if into else "C", out.src(add, a), out.src(add, b),
                         add.start_frame, listed_end)
        if i == 0 and not into:
            block = incoming + [f"* FROM CLIP NAME:  {name} ", out.file(add)]
        elif i == 0:
            # both sides named, as Premiere names them: OTIO's reader and pycmx then call the black BL
            block = _edit(out, channel, BLACK_REEL, "C", out.black(0), out.black(0), add.start_frame, add.start_frame)
            block += incoming + [f"* FROM CLIP NAME:  {BLACK_REEL} ", f"* TO CLIP NAME:  {name} ", out.file(add)]
        else:
            prev = chain[i - 1]
            at = out.src(prev, prev.source_in + add.start_frame - prev.start_frame)  # where the dissolve leaves it
            block = _edit(out, channel, _reel(prev), "C", at, at, add.start_frame, add.start_frame) + incoming
            block += [f"* FROM CLIP NAME:  {_one_line(prev.name)} ", f"* TO CLIP NAME:  {name} ", out.file(prev),
                      out.file(add)]
        events.append((add.start_frame, block))
        if fade_out:  # a fade-out: a dissolve to black ending at the clip's last frame (the media runs on)
            block = _edit(out, channel, reel, "C", out.src(add, b), out.src(add, b), listed_end, listed_end)
            block += _edit(out, channel, BLACK_REEL, f"D    {fade_out:03d}", out.black(0), out.black(fade_out),
                           listed_end, add.end_frame)
            # the incoming side is black: named BL (OTIO's reader names the clip it makes of it by TO CLIP NAME, else
            # FROM: the cue's), and no SOURCE FILE (the clip's file is its event's above; pycmx would give it to both)
            events.append((listed_end, block + [f"* FROM CLIP NAME:  {name} ", f"* TO CLIP NAME:  {BLACK_REEL} "]))
    return events


def companion_title(title_line: str | None, name: str) -> str:
    """The companion's TITLE line: the picture list's title (``name`` when it has no TITLE line) + `` TEMP MX``,
    the title shortened to keep it within :data:`TITLE_MAX` characters (so the two lists differ in a bin)."""
    title = _one_line(_TITLE_RE.sub("", title_line or "", count=1).strip() or name)
    if len(title) + len(COMPANION_TITLE) > TITLE_MAX:
        title = title[:TITLE_MAX - len(COMPANION_TITLE)].rstrip(" -_.,;:")
    return f"TITLE: {title}{COMPANION_TITLE}"


def companion_text(source: Source, additions: Additions, title_line: str | None, fcm_line: str | None,
                   folder: Path, newline: str) -> str:
    """The temp-music audio EDL: the input's title + TEMP MX and its FCM line, then the temp clips' events in record
    order."""
    drop = source.drop_frame and supports_drop_frame(source.rate)
    if fcm_line is None or _fcm_drop(fcm_line) != drop:
        fcm_line = f"FCM: {'DROP FRAME' if drop else 'NON-DROP FRAME'}"
    lines = [companion_title(title_line, source.timeline.name or source.path.stem), fcm_line]
    clips = sorted(additions.clips, key=lambda c: (c.start_frame, c.lane, c.cue_id))  # each within its media
    origins: dict[Path, int] = {}
    for add in clips:
        if add.media not in origins:
            origins[add.media] = media_origin(add.media, source.rate) if add.assigned else 0
    out = _Companion(source, drop, folder, origins)
    events: list[tuple[int, int, int, list[str]]] = []  # (record in, group, channel, lines)
    chains = segue_chains(clips)
    for chain, group in zip(chains, channel_groups(chains)):
        for k, channel in enumerate(_channels(group)):
            events.extend((rec_in, group, k, block) for rec_in, block in chain_events(out, chain, channel))
    events.sort(key=lambda e: e[:3])
    for n, (_, _, _, block) in enumerate(events, start=1):
        lines.extend(f"{n:03d}{line[1:]}" if line.startswith(_NUMBERED) else line for line in block)
    return newline.join(lines) + newline


def _fcm_drop(line: str) -> bool:
    m = FCM_RE.match(line.strip())
    mode = (m["mode"] if m else "").upper().replace("-", " ")
    return "DROP" in mode and "NON" not in mode


class _Encoding:
    """The input's own encoding, byte-order mark included when it had one."""

    def __init__(self, source: Source) -> None:
        info = (source.timeline.metadata.get(TAG) or {}).get("read") or {}
        codec = str(info.get("encoding") or "utf-8-sig")
        self.bom = b""
        if codec == "utf-16":
            head = source.path.read_bytes()[:2] if source.path.is_file() else b""
            codec = "utf-16-be" if head == codecs.BOM_UTF16_BE else "utf-16-le"
            self.bom = codecs.BOM_UTF16_BE if codec == "utf-16-be" else codecs.BOM_UTF16_LE
        elif codec == "utf-8-sig":
            codec = "utf-8"
            self.bom = codecs.BOM_UTF8 if info.get("byte_order_mark") else b""
        self.codec = codec

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.codec)

    def fit(self, text: str) -> str:
        """``text`` reduced to what the encoding holds (for our text; the editor's always fits)."""
        return text.encode(self.codec, errors="replace").decode(self.codec)


def write(source: Source, additions: Additions, output: Path) -> list[Path]:
    """Write ``source``'s EDL with our markers to ``output`` and the temp clips to its companion EDL.

    Returns ``[output]``, or ``[output, companion]`` when there are temp clips.
    """
    info = (source.timeline.metadata.get(TAG) or {}).get("read") or {}
    newline = str(info.get("line_ending") or "\n")
    encoding = _Encoding(source)
    text, gone = remove_additions(source.document)
    if gone:
        log.info("%s: removed %d lines of an earlier run", source.path, gone)
    with gc_paused():  # (the scan's events all live on: no collector runs over them)
        layout = _layout(text)
    markers = [replace(m, name=encoding.fit(m.name), comment=encoding.fit(m.comment)) for m in additions.markers]
    data = encoding.encode(add_markers(layout, source, markers, newline))
    if not additions.clips:
        companion = companion_path(output)
        stale = _earlier_companion(companion, refuse=False) and _may_write(companion, source.path, output)
        with atomic_path(output, source.path) as tmp:
            tmp.write_bytes(data)
        if stale:  # an earlier run's temp events beside a cut that now has none: false, so taken away
            retire(companion)
            additions.notes.append(f"removed {companion}, the companion list of an earlier run: this cut has no temp clips")
        return [output]
    companion = companion_path(output)
    check_output_path(companion, source.path, output)  # never onto an input (the input may be a companion list)
    if _earlier_companion(companion):  # ours, from an earlier run: replaced, and the summary says so
        additions.notes.append(f"replaced {companion}, the companion list of an earlier run (marked {OUR_TOKEN})")
    body = companion_text(source, additions, layout.title_line, layout.fcm_line, output.parent, newline)
    with atomic_path(output, source.path) as tmp, atomic_path(companion, source.path, output) as tmp2:
        tmp.write_bytes(data)
        tmp2.write_bytes(encoding.encode(encoding.fit(body)))
    return [output, companion]


def _may_write(path: Path, *inputs: Path) -> bool:
    """Whether the safe writer would write at ``path`` (no input, link or folder there)."""
    try:
        check_output_path(path, *inputs)
    except OutputError:
        return False
    return True


COMPANION_READ_MAX = 256 * 1024 * 1024  # a file this large at the companion's name is no list of ours


def _earlier_companion(path: Path, refuse: bool = True) -> bool:
    """True when a companion list of ours (an earlier run's: :data:`OUR_TOKEN` in it, in any encoding we write) is at
    ``path``, False when nothing is; anything else there (an editor's own file of that name, a pipe) is refused in
    one line naming it: the tool never writes over a file it did not make. A link or a folder is left to the safe
    writer, which refuses them."""
    if path.is_symlink() or path.is_dir() or not os.path.lexists(path):
        return False
    marks = [OUR_TOKEN.encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be")]
    try:
        ours = path.is_file() and path.stat().st_size <= COMPANION_READ_MAX and any(m in path.read_bytes() for m in marks)
    except OSError:
        ours = False
    if not ours and refuse:
        raise OutputError(f"a file of the companion list's name is there and is not ours (no {OUR_TOKEN} in it); the "
                          "tool never writes over an editor's file: move it, or write the cut under another name", path)
    return ours


def describe_written(written: list[Path]) -> list[str]:
    """Notes for the user about the files :func:`write` wrote."""
    if len(written) < 2:
        return []
    return [f"the temp-music events are in a companion audio EDL, {written[1]} (same record timecode; "
            "an EDL holds one list, so import it beside the picture list)"]
