"""CMX 3600 EDLs from Avid, Resolve and Premiere (and lists such as EDL-X's from FCP X).

The steps: decode the bytes (UTF-8 with or without a byte-order mark, else the Windows code
page), scan the lines (``edl_scan``), settle the rate (``edl_rate``), let the OTIO cmx_3600
adapter's handlers make one clip per event (``edl_adapter``), then place clips, locators and Resolve markers
at the record timecode the list states (``edl_timeline``).
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

import opentimelineio as otio

from ... import TAG
from ...errors import InputError
from ...timecode import nominal_fps, supports_drop_frame
from .. import ReadOptions, Source, read_bytes
from ..common import gc_paused, make_source
from .adapter import adapter_clips, may_be_generator
from .rate import decide_rate
from .scan import Scan, scan_edl
from .timeline import (
    PlacedEvent,
    Timing,
    build_tracks,
    check_timecodes,
    crossing_midnight,
    describe_clip,
    event_tracks,
    extend_to,
    is_black_generator,
    is_marker_event,
    sequence_markers,
    trim_trailing_black,
)

log = logging.getLogger(__name__)


def decode_edl_text(data: bytes) -> str:
    """EDL text: UTF-8 (byte-order mark dropped), UTF-16 with a BOM, else the Windows code page."""
    return _decode(data)[0]


def _decode(data: bytes) -> tuple[str, str]:
    """The text and the codec that read it (for a write-back that keeps the file's own encoding)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    for codec in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1"), "latin-1"


def application(found: Scan) -> str:
    """Which application probably wrote the list (layout fingerprints, see corpus/PROVENANCE.md)."""
    prints = found.fingerprints
    if "resolve markers" in prints:
        return "resolve"
    if "avid clip name" in prints:
        return "avid"
    if (
        "audio level" in prints
        or "effects name constant power" in prints
        or re.fullmatch(r"Sequence \d+", found.title)
        or any(e.reel.upper() == "BLACK VIDEO" for e in found.events[:50])
    ):
        return "premiere"
    if found.blank_between_events and found.two_trailing_spaces and "single-space clip name" in prints:
        return "resolve"
    return "unknown"


def read(path: Path, options: ReadOptions) -> Source:
    """Read an EDL into a :class:`Source` (``document`` is the decoded text)."""
    with gc_paused():  # (a list's events, clips and tracks all live on: no collector runs over them)
        return _read(path, options)


def _read(path: Path, options: ReadOptions) -> Source:
    data = read_bytes(path)
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("not an EDL: the file is binary, not text", path)
    text, codec = _decode(data)
    found = scan_edl(text)
    if found.cut_short_line is not None:
        raise InputError(f"the file stops in the middle of line {found.cut_short_line}: it was cut short (truncated)", path)
    if not found.events:
        raise InputError("not a CMX 3600 EDL: no event lines (NNN REEL CHANNEL EDIT tc tc tc tc) found", path)
    decision = decide_rate(found, options.rate, path)  # (from the events: locators are comments, not evidence)
    timing = Timing(decision.rate, decision.drop_frame)
    # a locator's frame the rate (given or found) does not have is the locator's fault, not the list's
    unread_locators = found.unread_locator_lines + _drop_impossible_locators(found, nominal_fps(decision.rate))
    check_timecodes(found, timing, path)
    timing = crossing_midnight(found, timing)
    midnight = ["the record timecode crosses midnight: frames continue past 24:00:00:00"] if timing.day else []
    warnings = list(decision.warnings) + midnight
    if found.unread_event_lines:
        lines = ", ".join(str(n) for n in found.unread_event_lines[:5])
        warnings.append(f"{len(found.unread_event_lines)} line(s) look like events but could not be read (line {lines} ...)")
    if unread_locators:
        warnings.append(f"{len(unread_locators)} locator line(s) with no readable timecode were skipped "
                        f"(line {_listed(sorted(unread_locators))})")
    unknown = sorted({e.channel for e in found.events if not event_tracks(e) and e.channel.upper() != "NONE"})
    if unknown:
        warnings.append(f"events on unknown channel(s) {', '.join(unknown)} were not placed on a track")

    start_frame = min(timing.frames(e.rec_in) for e in found.events)
    drop_ok = supports_drop_frame(decision.rate) and (decision.drop_frame or found.any_drop_fcm)
    placed = _clips(found, decision.rate, drop_ok, timing, path)
    reversed_ = [p.event for p in placed if p.rec_out < p.rec_in]
    if reversed_:
        warnings.append(f"{len(reversed_)} event(s) end before they start (record out before record in) and were "
                        f"left out: event {_listed([f'{e.number} (line {e.line_no})' for e in reversed_])}")
    tracks = _tracks(found, placed, timing, start_frame, warnings)
    timeline = otio.schema.Timeline(name=found.title or path.stem, global_start_time=timing.time(start_frame))
    for track in tracks:
        timeline.tracks.append(track)
    newline = "\r\n" if "\r\n" in text[:4096] else "\n"
    bom = codec == "utf-8-sig" and data.startswith(codecs.BOM_UTF8)
    timeline.metadata[TAG] = {"read": {"encoding": codec, "byte_order_mark": bom, "line_ending": newline}}
    for marker in sequence_markers(found, timing, start_frame):
        timeline.tracks.markers.append(marker)
    log.debug("%s: %d events, %d tracks, rate %s (%s)", path, len(found.events), len(tracks), decision.rate, decision.evidence)
    return make_source(
        path,
        "edl",
        timeline,
        options,
        rate=decision.rate,
        drop_frame=decision.drop_frame,
        application=application(found),
        document=text,
        rate_assumed=decision.assumed,
        warnings=warnings,
    )


def _drop_impossible_locators(found: Scan, base: int) -> list[int]:
    """Take out of ``found`` the locators whose timecode does not exist at ``base`` frames a second (``01:00:72;00``,
    frame 45 at 30); their lines.

    A locator marks a place, so one naming no real frame is skipped (with a warning), not the whole list refused;
    an event's timecode that does not exist still refuses the list (:func:`.timeline.check_timecodes`)."""
    bad = [loc for loc in found.locators
           if int(loc.timecode[-2:]) >= base or int(loc.timecode[-5:-3]) > 59 or int(loc.timecode[-8:-6]) > 59]
    if bad:
        found.locators = [loc for loc in found.locators if loc not in bad]
    return [loc.line_no for loc in bad]


def _listed(items: list, most: int = 8) -> str:
    """``a, b, c`` (and ``...`` past ``most``)."""
    return ", ".join(map(str, items[:most])) + (" ..." if len(items) > most else "")


def _clips(found: Scan, rate: float, drop_ok: bool, timing: Timing, path: Path) -> list[PlacedEvent]:
    """Every event that goes on a track, with its clip (and transition) from the adapter."""
    clip_events = [e for e in found.events if event_tracks(e) and not is_marker_event(e)]
    pairs = adapter_clips(clip_events, rate, drop_ok, path) if clip_events else []
    placed = []
    frames = timing.frames
    for event, (clip, transition) in zip(clip_events, pairs):
        rng = clip.source_range
        source = rng.duration.value if rng is not None else None
        rec_in, rec_out = frames(event.rec_in), frames(event.rec_out)
        describe_clip(clip, event, int(round(source)) if source is not None else None, rec_out - rec_in)
        if transition is not None:  # "" where the list leaves the type blank
            transition.metadata[TAG] = {"read": {"edit": event.edit}}
        placed.append(PlacedEvent(event, clip, transition, source, may_be_generator(event) and is_black_generator(clip), rec_in, rec_out))
    return placed


def _tracks(found: Scan, placed: list[PlacedEvent], timing: Timing, start_frame: int, warnings: list[str]) -> list[otio.schema.Track]:
    """Tracks at record frames: overlaps resolved, endless black cut, as long as the marker events."""
    tracks, overlaps = build_tracks(placed, timing, start_frame)
    if overlaps:
        warnings.append(f"{overlaps} event(s) overlap earlier events on their track: the later event wins")
    content_end = max((p.rec_out for p in placed if not p.black), default=start_frame)
    black = trim_trailing_black(tracks, content_end - start_frame, timing)
    if black:
        warnings.append(f"black (BL) running {black} frames past the end of all other events was cut")
    marker_events = [e for e in found.events if is_marker_event(e)]
    if marker_events:
        extend_to(tracks, max(timing.frames(e.rec_out) for e in marker_events) - start_frame, timing)
        warnings.append("the list's marker events (Resolve 'Timeline Markers to EDL') were read as markers, not clips")
    return tracks
