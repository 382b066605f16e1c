"""Place EDL events on tracks at the record timecode the list states, and its markers on the sequence.

Frames count from the sequence's first frame: the earliest record-in of any event, which becomes
``timeline.global_start_time``. Each clip lasts what its record timecodes say (an Avid leader with
zero-length source lasts its 8 record seconds; a retime without an ``M2`` line keeps its record
length). Where events on one track overlap, the later one wins, as it does when a list is
auto-assembled; gaps fill what no event covers.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import opentimelineio as otio
from opentimelineio import opentime

from ... import OUR_TOKEN, TAG
from ...colors import resolve_otio_color
from ...errors import InputError
from ..common import ensure_read_info
from .scan import Event, Locator, ResolveMarker, Scan, largest_field

log = logging.getLogger(__name__)

# Channel codes -> track names (the adapter's names: V, A1, A2 ...).
_CHANNEL_PARTS = {"V": ["V"], "A": ["A1"], "AA": ["A1", "A2"], "B": ["V", "A1"], "NONE": []}


@dataclass(frozen=True)
class Timing:
    """How to turn timecode strings into absolute frames."""

    rate: float
    drop_frame: bool
    # A list whose record timecode crosses midnight (23:59:00:00 -> 00:01:00:00): frames below
    # ``wrap_below`` lie on the next day and count on past 24:00:00:00 (``day`` frames later).
    wrap_below: int = 0
    day: int = 0
    # One event's record-out is the next one's record-in, and each is asked for several times.
    _seen: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def frames(self, text: str) -> int:
        """Absolute frames of a timecode or frame-count string (each string worked out once)."""
        found = self._seen.get(text)
        if found is None:
            found = _frames(text, self.rate, self.drop_frame)
            if found < self.wrap_below:
                found += self.day
            self._seen[text] = found
        return found

    def time(self, frames: int) -> opentime.RationalTime:
        return opentime.RationalTime(frames, self.rate)


def crossing_midnight(scan: Scan, timing: Timing) -> Timing:
    """``timing`` that continues past 24:00:00:00 when the list's record timecode crosses midnight.

    Record timecode runs forward through a list; one that lies more than 12 hours before the first
    event's record-in is read as the next day (the 24-hour clock wrapped), not as a jump back.
    """
    if not scan.events:
        return timing
    day = _frames("24:00:00:00", timing.rate, timing.drop_frame)
    first = timing.frames(scan.events[0].rec_in)
    below = first - day // 2
    if below <= 0 or all(timing.frames(e.rec_in) >= below and timing.frames(e.rec_out) >= below for e in scan.events):
        return timing
    return Timing(timing.rate, timing.drop_frame, wrap_below=below, day=day)


def _frames(text: str, rate: float, drop_frame: bool) -> int:
    if text.isdigit():
        return int(text)
    hh, mm, ss, ff = int(text[:-9]), int(text[-8:-6]), int(text[-5:-3]), int(text[-2:])  # (h)h:mm:ss:ff, any separators
    if drop_frame:
        return int(round(opentime.from_timecode(f"{hh:02d}:{mm:02d}:{ss:02d};{ff:02d}", rate).value))
    return (hh * 3600 + mm * 60 + ss) * int(round(rate)) + ff


def event_tracks(event: Event) -> tuple[str, ...]:
    """Track names an event's channel code (and its ``AUD`` lines) put it on; () for unknown codes."""
    return _tracks_of(event.channel, tuple(event.aud))


@lru_cache(maxsize=1024)
def _tracks_of(channel: str, aud: tuple[str, ...]) -> tuple[str, ...]:
    names: list[str] = []
    for part in channel.upper().split("/"):
        if part in _CHANNEL_PARTS:
            names.extend(_CHANNEL_PARTS[part])
        elif re.fullmatch(r"[AV]\d+", part):
            names.append("V" if part in ("V1",) else part)
        else:
            return ()
    names.extend(aud)
    return tuple(dict.fromkeys(names))


def is_marker_event(event: Event) -> bool:
    """A Resolve 'Timeline Markers to EDL' event: a placeholder for its marker, not picture."""
    return bool(event.markers) and event.clip_name is None


def _track_sort_key(name: str) -> tuple[int, int, str]:
    kind = 0 if name.startswith("V") else 1 if name.startswith("A") else 2
    digits = re.sub(r"\D", "", name)
    return kind, int(digits) if digits else 1, name


@dataclass(slots=True)
class PlacedEvent:
    """An event's clip (and transition) to place, with what placing it needs to know."""

    event: Event
    clip: otio.schema.Clip
    transition: otio.schema.Transition | None
    source_frames: float | None  # the clip's source duration in frames at the list's rate, as the adapter made it
    black: bool  # a black (BL) generator
    rec_in: int  # record frames (absolute) the list states
    rec_out: int


def build_tracks(placed: list[PlacedEvent], timing: Timing, start_frame: int) -> tuple[list[otio.schema.Track], int]:
    """Tracks holding the clips at their record frames; also the count of overlapped events."""
    per_track: dict[str, list[tuple[int, int, int, PlacedEvent, otio.schema.Clip, otio.schema.Transition | None]]] = {}
    for p in placed:
        event, rec_in, rec_out = p.event, p.rec_in, p.rec_out
        if rec_out <= rec_in:
            log.debug("EDL event %s (line %d) has no record length: not placed", event.number, event.line_no)
            continue
        for i, name in enumerate(event_tracks(event)):
            c = p.clip if i == 0 else p.clip.deepcopy()
            t = p.transition if i == 0 or p.transition is None else p.transition.deepcopy()
            per_track.setdefault(name, []).append((rec_in, event.index, rec_out, p, c, t))
    tracks = []
    overlaps = 0
    for name in sorted(per_track, key=_track_sort_key):
        entries = sorted(per_track[name], key=lambda e: (e[0], e[1]))
        kind = otio.schema.TrackKind.Audio if name.startswith("A") else otio.schema.TrackKind.Video
        track, n = _fill_track(name, kind, entries, timing, start_frame)
        overlaps += n
        tracks.append(track)
    return tracks, overlaps


def _fill_track(name, kind, entries, timing: Timing, start_frame: int) -> tuple[otio.schema.Track, int]:
    items: list[otio.core.Composable] = []
    lengths: list[int] = []  # frames each item takes (0 for transitions)
    cursor = start_frame
    overlaps = 0
    last_key = None
    for rec_in, _, rec_out, placed, clip, transition in entries:
        event = placed.event
        key = (rec_in, rec_out, event.reel, event.src_in, event.src_out, event.edit)
        if key == last_key:  # Premiere writes some events twice, word for word but the number
            continue
        last_key = key
        if rec_in < cursor:
            overlaps += 1
            cursor = _cut_back(items, lengths, cursor, rec_in, timing)
        if rec_in > cursor:
            items.append(otio.schema.Gap(source_range=opentime.TimeRange(timing.time(0), timing.time(rec_in - cursor))))
            lengths.append(rec_in - cursor)
        length = rec_out - rec_in
        if placed.source_frames != length:  # (the clip is at the list's rate: equal frames, the same range)
            clip.source_range = opentime.TimeRange(clip.source_range.start_time, timing.time(length))
        if transition is not None:
            transition.in_offset = timing.time(0)
            frames = min(max(0, int(round(transition.out_offset.value_rescaled_to(timing.rate)))), length)
            transition.out_offset = timing.time(frames)
            items.append(transition)
            lengths.append(0)
        items.append(clip)
        lengths.append(length)
        cursor = rec_out
    # (given at construction, the children go in at C++ speed: 100,000 appends take 0.1 s)
    return otio.schema.Track(name=name, kind=kind, children=items), overlaps


def is_black_generator(item: otio.core.Composable) -> bool:
    ref = getattr(item, "media_reference", None)
    return isinstance(ref, otio.schema.GeneratorReference) and ref.generator_kind == "black"


def _frames_of(item: otio.core.Composable, timing: Timing) -> int:
    if isinstance(item, otio.schema.Transition):
        return 0
    return int(round(item.duration().value_rescaled_to(timing.rate)))


def trim_trailing_black(tracks: list[otio.schema.Track], content_end: int, timing: Timing) -> int:
    """Cut black (BL) that runs on past ``content_end`` (the end of everything else); return the frames cut.

    Premiere writes a fade to black at the end of a track as a dissolve into a BL event that runs to
    an arbitrary far timecode (04:00:00:00 in the corpus), which would make the sequence hours long.
    The fade itself is kept.
    """
    cut = 0
    for track in tracks:
        if not len(track) or not is_black_generator(track[-1]):
            continue
        last = track[-1]
        end = _frames_of(track, timing)
        start = end - _frames_of(last, timing)
        fade = _frames_of_offset(track[-2], timing) if len(track) > 1 and isinstance(track[-2], otio.schema.Transition) else 0
        new_end = max(content_end, start + fade)
        if new_end < end:
            last.source_range = opentime.TimeRange(last.source_range.start_time, timing.time(new_end - start))
            cut = max(cut, end - new_end)
    return cut


def _frames_of_offset(transition: otio.schema.Transition, timing: Timing) -> int:
    return int(round(transition.out_offset.value_rescaled_to(timing.rate)))


def extend_to(tracks: list[otio.schema.Track], frames: int, timing: Timing) -> None:
    """Make the first video track (made if there is none) at least ``frames`` long, with a gap."""
    video = next((t for t in tracks if t.kind == otio.schema.TrackKind.Video), None)
    if video is None:
        video = otio.schema.Track(name="V", kind=otio.schema.TrackKind.Video)
        tracks.insert(0, video)
    have = sum(int(round(c.duration().value_rescaled_to(timing.rate))) for c in video if not isinstance(c, otio.schema.Transition))
    if frames > have:
        video.append(otio.schema.Gap(source_range=opentime.TimeRange(timing.time(0), timing.time(frames - have))))


def _cut_back(items: list, lengths: list[int], cursor: int, rec_in: int, timing: Timing) -> int:
    """Trim (or drop) what lies after ``rec_in``: the later event overwrites the earlier."""
    while items and cursor > rec_in:
        excess = cursor - rec_in
        item, length = items[-1], lengths[-1]
        if isinstance(item, otio.schema.Transition):
            items.pop(), lengths.pop()
            continue
        if length > excess:
            item.source_range = opentime.TimeRange(item.source_range.start_time, timing.time(length - excess))
            lengths[-1] = length - excess
            return rec_in
        items.pop(), lengths.pop()
        cursor -= length
        if items and isinstance(items[-1], otio.schema.Transition):
            items.pop(), lengths.pop()
    return cursor


def describe_clip(clip: otio.schema.Clip, event: Event, source_frames: int | None, record_frames: int) -> None:
    """Our per-clip facts: event number, reel, channel, notes, our own additions."""
    # The clip is the incoming one (TO CLIP NAME) of a transition, the FROM clip of a cut; names
    # Avid wrapped over two comment lines are whole here (the adapter keeps the first line only).
    name = (event.to_clip_name or event.clip_name) if event.has_transition else (event.clip_name or event.to_clip_name)
    current = clip.name
    if name and name != current:  # (setting an OTIO attribute costs a Python call: only when it changes)
        clip.name = name
    info: dict = {}
    if event.notes:
        info["notes"] = [{"field": "comment", "text": n} for n in event.notes]
    if source_frames is not None and source_frames != record_frames and not clip.effects:
        info["source_frames"] = source_frames
    added = OUR_TOKEN in (name or current or "") or any(OUR_TOKEN in n for n in event.notes)
    if not info and not added:
        return  # OTIO converts metadata slowly (~50 us a write): 100,000 events, seconds
    info.update({"event": event.number, "reel": event.reel, "channel": event.channel})
    ours: dict = {"read": info}
    if added:
        ours["added"] = True
    clip.metadata[TAG] = ours


def locator_marker(loc: Locator, timing: Timing, start_frame: int, events: list[Event]) -> otio.schema.Marker:
    """A ``* LOC:`` line as a sequence marker at the record frame it states."""
    frame = timing.frames(loc.timecode) - start_frame
    marker = otio.schema.Marker(
        name=loc.text,
        marked_range=opentime.TimeRange(timing.time(frame), timing.time(0)),
        color=loc.color or otio.schema.MarkerColor.RED,
    )
    where = f"event {events[loc.event].number}" if loc.event is not None else "the header"
    info = ensure_read_info(marker)
    info.update({"kind": "locator", "origin": f"EDL locator (LOC line {loc.line_no}, {where})"})
    if not loc.color:
        info["color"] = ""
    info["timecode"] = loc.timecode
    if OUR_TOKEN in loc.text:
        marker.metadata[TAG]["added"] = True
    return marker


def resolve_marker(rm: ResolveMarker, event: Event, timing: Timing, start_frame: int) -> otio.schema.Marker:
    """A Resolve marker line: it marks its event's record-in, lasting ``|D:`` frames."""
    frame = timing.frames(event.rec_in) - start_frame
    duration = rm.duration if rm.duration is not None else 0
    marker = otio.schema.Marker(
        name=rm.name,
        marked_range=opentime.TimeRange(timing.time(frame), timing.time(duration)),
        color=resolve_otio_color(rm.color) or otio.schema.MarkerColor.RED,
        comment=rm.note,
    )
    info = ensure_read_info(marker)
    info.update({"kind": "marker", "origin": f"Resolve marker (line {rm.line_no}, event {event.number})"})
    if resolve_otio_color(rm.color) is None:
        info["color"] = rm.color
    info["color_name"] = rm.color
    if OUR_TOKEN in rm.name or OUR_TOKEN in rm.note:
        marker.metadata[TAG]["added"] = True
    return marker


def sequence_markers(scan: Scan, timing: Timing, start_frame: int) -> list[otio.schema.Marker]:
    """Every locator and Resolve marker of the list, in file order."""
    found = [(loc.line_no, locator_marker(loc, timing, start_frame, scan.events)) for loc in scan.locators]
    for event in scan.events:
        for rm in event.markers:
            found.append((rm.line_no, resolve_marker(rm, event, timing, start_frame)))
    return [m for _, m in sorted(found, key=lambda pair: pair[0])]


def check_timecodes(scan: Scan, timing: Timing, path: Path) -> None:
    """Refuse, in one line, a timecode that does not exist at the rate (naming its line)."""
    base = int(round(timing.rate))
    codes = [text for text in scan.all_timecodes() if not text.isdigit()]
    codes.extend(loc.timecode for loc in scan.locators)
    # The largest of each field says whether any is wrong; only then is each looked at, to name its line.
    if (largest_field([t[-2:] for t in codes]) < base and largest_field([t[-5:-3] for t in codes]) <= 59
            and largest_field([t[-8:-6] for t in codes]) <= 59):
        return
    for event in scan.events:
        for text in event.timecodes:
            if not text.isdigit() and (int(text[-2:]) >= base or int(text[-5:-3]) > 59 or int(text[-8:-6]) > 59):
                raise InputError(f"line {event.line_no}: timecode {text} does not exist at {timing.rate:.6g} fps", path)
    for loc in scan.locators:  # (a locator read at a time that does not exist would mark a place nobody marked)
        if int(loc.timecode[-2:]) >= base or int(loc.timecode[-5:-3]) > 59 or int(loc.timecode[-8:-6]) > 59:
            raise InputError(f"line {loc.line_no}: timecode {loc.timecode} does not exist at {timing.rate:.6g} fps", path)
