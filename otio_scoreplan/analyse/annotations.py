"""Every annotation of the editor's, wherever the format keeps it, placed in record frames."""

from __future__ import annotations

from collections.abc import Iterator

import opentimelineio as otio
from opentimelineio import opentime

from .. import otiometa
from ..model import Annotation
from ..timecode import frames_at
from .walk import PlacedTrack, TimelineWalk, flattened, walk_timeline


def _color(marker: otio.schema.Marker, info: dict) -> str:
    if "color" in info:  # the reader knows better (e.g. xmeml has no marker colour at all)
        return str(info["color"] or "")
    return str(marker.color or "")


def _marker(marker: otio.schema.Marker, at: opentime.RationalTime, rate: float, origin: str) -> Annotation:
    snap = otiometa.snapshot(marker)
    ns = otiometa.namespace(marker, snap)
    info = otiometa.plain(ns.get("read"))
    ours = otiometa.is_added(marker, snap)
    start = frames_at(at, rate)
    extra = {k: v for k, v in info.items() if k not in {"kind", "origin", "user", "color"}}
    if ours:
        extra.update({k: v for k, v in ns.items() if k != "read"})
    return Annotation(
        frame=start,
        duration_frames=max(0, frames_at(marker.marked_range.duration, rate)),
        name=marker.name or "",
        comment=marker.comment or "",
        color=_color(marker, info),
        origin=str(info.get("origin") or origin),
        kind=str(info.get("kind") or "marker"),
        user=str(info.get("user") or ""),
        ours=ours,
        extra=extra,
    )


def collect_annotations(timeline: otio.schema.Timeline, rate: float, walk: TimelineWalk | None = None) -> list[Annotation]:
    """Markers on the sequence, its tracks and every item in them, plus clip notes, sorted by frame.

    ``walk``: the timeline already walked (:func:`.walk.walk_timeline`), else it is walked here.
    """
    walk = walk if walk is not None else walk_timeline(timeline, rate)
    zero = opentime.RationalTime(0, rate)
    found: list[Annotation] = []
    stack = timeline.tracks
    stack_offset = -(stack.source_range.start_time) if stack.source_range is not None else zero
    for m in stack.markers:
        found.append(_marker(m, stack_offset + m.marked_range.start_time, rate, "sequence marker"))
    for top in walk.tracks:
        found.extend(_track_annotations(top.placed, top.label, rate))
    found.sort(key=lambda a: (a.frame, a.origin, a.name))
    return found


def _track_annotations(placed_track: PlacedTrack, label: str, rate: float) -> Iterator[Annotation]:
    track = placed_track.track
    t_offset = -(track.source_range.start_time) if track.source_range is not None else opentime.RationalTime(0, rate)
    for m in track.markers:
        yield _marker(m, t_offset + m.marked_range.start_time, rate, f"track marker on {label}")
    for placed in flattened(placed_track.items):
        item = placed.item
        if placed.is_transition:
            continue
        markers = getattr(item, "markers", None)
        notes = otiometa.read_info(item, placed.snap).get("notes") if placed.snap else None
        if not markers and not notes:
            continue
        where = f"{label}" + (f" inside {placed.parent_name!r}" if placed.parent_name else "")
        what = "nested sequence" if isinstance(item, otio.schema.Stack) else "gap" if isinstance(item, otio.schema.Gap) else "clip"
        offset = placed.offset if markers else None
        for m in markers or []:
            origin = f"{what} marker on {where}: {item.name!r}" if item.name else f"{what} marker on {where}"
            yield _marker(m, offset + m.marked_range.start_time, rate, origin)
        ours = otiometa.is_added(item, placed.snap) if notes else False
        for note in notes or []:
            text = str(note.get("text", "")) if hasattr(note, "get") else str(note)
            if not text.strip():
                continue
            field = str(note.get("field", "note")) if hasattr(note, "get") else "note"
            yield Annotation(
                frame=placed.start,
                duration_frames=max(0, placed.end - placed.start),
                name=text.strip().splitlines()[0][:200],
                comment=text.strip(),
                origin=f"clip {field} on {where}: {item.name!r}",
                kind="clip_note",
                ours=ours,
            )
