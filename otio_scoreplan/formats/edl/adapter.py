"""Clips for EDL events, made by the OTIO cmx_3600 adapter's own handlers from text we prepare.

The adapter turns an event line and its comments into a clip (name from ``FROM/TO CLIP NAME``,
media reference, black/bars generators, ASC CDL, ``M2`` retimes, freeze frames) and a transition.
We let its ``CommentHandler`` and ``ClipHandler`` do that for each event, and nothing else: record
placement, tracks, locators and markers are ours (``edl_timeline``). Going event by event rather
than through ``read_from_string`` avoids the adapter's failures and costs on real lists:

* header lines it does not know ("Unknown event type": a byte-order mark, EDL-X option lines);
* a transition first on its track ("Transitions can't be at the very beginning of a track");
* its line list consumed with ``list.pop(0)``, quadratic in the list's length, and its track
  assembly, which we redo at record frames anyway (100,000 events: seconds saved).

Prepared text still covers what its handlers cannot read: a dissolve written without its cut line
gets a cut line made from the dissolve's own in point; key edits (K, KB, KO) are read as cuts, with
a warning.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import opentimelineio as otio
from opentimelineio import opentime
from opentimelineio._otio import AnyDictionary, AnyVector, PyAny
from otio_cmx3600_adapter import cmx_3600

from ..common import call_adapter
from .scan import Event

log = logging.getLogger(__name__)

# Comments a plain cut may carry (CommentHandler keys), and the reels the adapter makes generators of.
_PLAIN_COMMENTS = {"clip_name", "dest_clip_name"}
_GENERATOR_REELS = {"BL", "BLACK", "BARS"}
_DF_LABEL = re.compile(r"^(\d{1,2})[:;.](\d\d)[:;.](\d\d)[:;.](\d\d)$")


def _source_tc(text: str, drop: bool) -> str:
    """Source timecode as the adapter should parse it: ';' before the frames for drop frame."""
    if not drop and len(text) == 11 and text[2] == text[5] == text[8] == ":":
        return text  # already so (or not a timecode, left as it is either way)
    m = _DF_LABEL.match(text)
    if not m:
        return text
    hh, mm, ss, ff = m.groups()
    sep = ";" if drop else ":"
    return f"{hh}:{mm}:{ss}{sep}{ff}"


def _event_text(event: Event, drop_ok: bool, warned: set[str]) -> list[str]:
    drop = event.source_drop and drop_ok
    src_in, src_out = _source_tc(event.src_in, drop), _source_tc(event.src_out, drop)
    rec_in, rec_out = _source_tc(event.rec_in, False), _source_tc(event.rec_out, False)
    edit = event.edit
    reel = event.reel.replace(" ", "_")
    lines: list[str] = []
    if event.has_transition:
        if not (edit == "D" or re.fullmatch(r"W\d{3}", edit)):
            log.debug("EDL event %s: transition type %r read as a dissolve", event.number, edit)
            edit = "D"
        lines.append(f"{event.number} {reel} V C {src_in} {src_in} {rec_in} {rec_in}")
        lines.append(f"{event.number} {reel} V {edit} {event.transition_frames} {src_in} {src_out} {rec_in} {rec_out}")
    else:
        _warn_edit(edit, warned)
        lines.append(f"{event.number} {reel} V C {src_in} {src_out} {rec_in} {rec_out}")
    lines.extend(event.adapter_lines)
    return lines


def _warn_edit(edit: str, warned: set[str]) -> None:
    if edit != "C" and edit not in warned:
        warned.add(edit)
        log.warning("EDL edits of type %r are read as cuts", edit)


# The adapter's CommentHandler, with its patterns compiled once instead of formatted and looked up
# in re's cache for every comment line and every pattern (a third of a plain cut's cost).
_COMMENT_PATTERNS = [
    (re.compile(cmx_3600.CommentHandler.regex_template.format(id=comment_id)), kind)
    for comment_id, kind in cmx_3600.CommentHandler.comment_id_map.items()
]


def read_comments(comments: list[str]) -> tuple[dict, list[str]]:
    """``(handled, unhandled)`` as ``cmx_3600.CommentHandler(comments)`` has them, by its own rules."""
    handled: dict = {}
    unhandled: list[str] = []
    for comment in comments:
        for pattern, kind in _COMMENT_PATTERNS:
            match = pattern.match(comment)
            if match:
                body = match.group("comment_body").strip()
                if kind == "locators":
                    handled.setdefault(kind, []).append(body)
                else:
                    handled[kind] = body
                break
        else:
            stripped = comment.lstrip("*").strip()
            if stripped:
                unhandled.append(stripped)
    return handled, unhandled


def adapter_clips(
    events: list[Event], rate: float, drop_ok: bool, path: Path
) -> list[tuple[otio.schema.Clip, otio.schema.Transition | None]]:
    """One ``(clip, transition or None)`` per event, in the order given.

    Each event's text goes straight to the adapter's own comment and clip handlers (what its
    ``EDLParser.add_clip`` does, less the track assembly we redo at record frames anyway), so a
    clip is built exactly as the adapter builds it, in one pass and without its quadratic line list.
    A plain cut, most events of a long list, is built here as the handler would build it.
    """
    out: list[tuple[otio.schema.Clip, otio.schema.Transition | None]] = []
    warned: set[str] = set()
    for event in events:
        out.append(call_adapter(
            path,
            lambda: _clip_of(event, drop_ok, rate, warned),  # noqa: B023 - called at once, inside this turn of the loop
            f"reading EDL event {event.number} (line {event.line_no})",
        ))
    return out


def _clip_of(event: Event, drop_ok: bool, rate: float, warned: set[str]) -> tuple[otio.schema.Clip, otio.schema.Transition | None]:
    plain = _plain_cut(event, drop_ok, rate, warned)
    if plain is not None:
        return plain, None
    return _event_clip(_event_text(event, drop_ok, warned), event.has_transition, rate)


def _set_cmx(clip: otio.schema.Clip, cmx: dict[str, str | list[str]]) -> None:
    """``clip.metadata["cmx_3600"] = cmx`` (strings and lists of strings), made as OTIO values directly.

    OTIO's Python ``__setitem__`` converts a dict through ``collections.abc`` checks, value by value
    (~25-40 us a clip, seconds on 100,000 events); building the ``AnyDictionary`` ourselves gives the
    same metadata for a fraction.
    """
    try:
        inner = AnyDictionary()
        for key, value in cmx.items():
            if isinstance(value, str):
                inner.__internal_setitem__(key, PyAny(value))
            else:
                vector = AnyVector()
                for i, text in enumerate(value):
                    vector.__internal_insert(i, PyAny(text))
                inner.__internal_setitem__(key, PyAny(vector))
        clip.metadata.__internal_setitem__("cmx_3600", PyAny(inner))
    except (AttributeError, TypeError):  # another OTIO build: its public way
        clip.metadata["cmx_3600"] = cmx


def _describe_reel(clip: otio.schema.Clip, reel: str | None, unhandled: list[str]) -> None:
    """The adapter's ``cmx_3600`` metadata: comments it did not read, and the reel (unless ``AX``)."""
    reel = reel if reel and reel != "AX" else None
    cmx: dict[str, str | list[str]] = {"comments": list(unhandled)} if unhandled else {}
    if reel is not None:
        cmx["reel"] = reel
    if cmx:
        _set_cmx(clip, cmx)


def may_be_generator(event: Event) -> bool:
    """Whether the adapter may make a generator (black, bars) of the event's clip, as it does for its reels."""
    return event.reel.replace(" ", "_") in _GENERATOR_REELS


def _plain_cut(event: Event, drop_ok: bool, rate: float, warned: set[str]) -> otio.schema.Clip | None:
    """The clip ``ClipHandler`` makes of a plain cut (no media path, generator, CDL or retime), else None.

    Most events of a long list are such cuts; building the clip here from the scanned event costs a
    fraction of writing its text out and running the handler on it. Anything else goes to the handler.
    """
    reel = event.reel.replace(" ", "_")
    if event.has_transition or reel in _GENERATOR_REELS or len(reel.split()) != 1:
        return None
    drop = event.source_drop and drop_ok
    src_in, src_out = _source_tc(event.src_in, drop), _source_tc(event.src_out, drop)
    if ":" not in src_in or ":" not in src_out:
        return None  # frame counts: the handler turns them into timecode first
    handled, unhandled = read_comments(event.adapter_lines)
    if not handled.keys() <= _PLAIN_COMMENTS:
        return None
    _warn_edit(event.edit, warned)
    name = handled.get("dest_clip_name", handled.get("clip_name", event.number))
    source = opentime.range_from_start_end_time(opentime.from_timecode(src_in, rate), opentime.from_timecode(src_out, rate))
    clip = otio.schema.Clip(name=name, media_reference=otio.schema.MissingReference(), source_range=source)
    _describe_reel(clip, reel, unhandled)
    return clip


def _event_clip(lines: list[str], transition: bool, rate: float) -> tuple[otio.schema.Clip, otio.schema.Transition | None]:
    """The adapter's clip (and transition) for one event's prepared lines (``EDLParser.add_clip``)."""
    line, transition_line = (lines[0], lines[1]) if transition else (lines[0], None)
    comments = lines[2:] if transition else lines[1:]
    handled, unhandled = read_comments(comments)
    handler = cmx_3600.ClipHandler(line, handled, rate=rate, transition_line=transition_line)
    clip = handler.clip
    _describe_reel(clip, handler.reel, unhandled)
    edl_rate = handler.edl_rate
    record_in = opentime.from_timecode(handler.record_tc_in, edl_rate)
    record_out = opentime.from_timecode(handler.record_tc_out, edl_rate)
    rec_duration = record_out - record_in
    if rec_duration != clip.source_range.duration:
        motion = handled.get("motion_effect")
        freeze = handled.get("freeze_frame")
        if motion is not None or freeze is not None:
            clip.source_range = opentime.TimeRange(clip.source_range.start_time, rec_duration)
            if freeze is not None:
                clip.effects.append(otio.schema.FreezeFrame())
                if clip.name.endswith(" FF"):  # the adapter drops the suffix its writer adds back
                    clip.name = clip.name[:-3]
            else:
                fps = float(cmx_3600.SPEED_EFFECT_RE.match(motion).group("speed"))
                clip.effects.append(otio.schema.LinearTimeWarp(time_scalar=fps / rate))
    return clip, handler.transition
