"""Walk a timeline once, placing every item (and nested item) in record frames.

``Item.range_in_parent()`` walks its track on every call, so placing clip by clip is quadratic;
here each track's ``range_of_all_children()`` is taken once and the offsets are carried down into
nested stacks (DESIGN.md, "Traps"). Every item's metadata is read once here too (``PlacedItem.snap``,
see :mod:`otio_scoreplan.otiometa`): the picture, the audio clips and the annotations all fold over
the same :class:`TimelineWalk` instead of walking and reading metadata each on their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import opentimelineio as otio
from opentimelineio import opentime

from .. import otiometa
from ..timecode import frames_at

_TRANSITION = otio.schema.Transition
_STACK = otio.schema.Stack
_TRACK = otio.schema.Track


@dataclass(slots=True)
class PlacedItem:
    """An item with its range in timeline (record) frames, its metadata snapshot and, for a stack, its tracks.

    Read-only by agreement, not frozen: a frozen dataclass costs five times as much to make, which a
    100,000-event list feels.
    """

    item: otio.core.Composable
    start: int
    end: int
    track: str  # label of the top-level track: V1, A2 ...
    track_name: str
    depth: int  # 0 on a top-level track, 1 inside a nested stack ...
    start_time: opentime.RationalTime  # where the item starts, in timeline time
    parent_name: str = ""  # the nested stack holding it, if any
    snap: dict[str, Any] = field(default_factory=dict, compare=False)  # otiometa.snapshot(item)
    inner: tuple[PlacedTrack, ...] = ()  # a nested stack's tracks, placed

    @property
    def is_transition(self) -> bool:
        return isinstance(self.item, _TRANSITION)

    @property
    def offset(self) -> opentime.RationalTime:
        """What to add to a time in the item's own (trimmed) space to get timeline time."""
        return _item_offset(self.item, self.start_time)


@dataclass(frozen=True, slots=True)
class PlacedTrack:
    """A track's children placed in record frames, in the track's order (a top-level track or one in a stack)."""

    track: otio.schema.Track
    label: str  # of the top-level track it belongs to
    items: list[PlacedItem]
    ranges: dict[otio.core.Composable, opentime.TimeRange]  # the track's range_of_all_children()

    @property
    def enabled(self) -> bool:
        return bool(getattr(self.track, "enabled", True))

    @property
    def kind(self) -> str:
        return self.track.kind


@dataclass(frozen=True, slots=True)
class TopTrack:
    """A top-level track with its editor label (V1, A1 ...), 1-based index within its kind and placed items."""

    placed: PlacedTrack
    label: str
    index: int
    snap: dict[str, Any]  # the track's metadata snapshot

    @property
    def track(self) -> otio.schema.Track:
        return self.placed.track


@dataclass(frozen=True, slots=True)
class TimelineWalk:
    """Every top-level track of a timeline, walked once (see the module docstring)."""

    rate: float
    tracks: list[TopTrack]


def walk_timeline(timeline: otio.schema.Timeline, rate: float) -> TimelineWalk:
    """Place every item of every track of ``timeline`` (nested stacks opened) and read its metadata once."""
    tracks = []
    for track, label, index in tracks_with_labels(timeline):
        tracks.append(TopTrack(_place_track(track, rate, label, None, 0, None, ""), label, index, otiometa.snapshot(track)))
    return TimelineWalk(rate, tracks)


def _place_track(
    track: otio.schema.Track,
    rate: float,
    label: str,
    offset: opentime.RationalTime | None,
    depth: int,
    track_name: str | None,
    parent_name: str,
) -> PlacedTrack:
    offset = offset if offset is not None else opentime.RationalTime(0, rate)
    name = track.name if track_name is None else track_name
    if track.source_range is not None:
        offset = offset - track.source_range.start_time
    ranges = track.range_of_all_children()
    snapshot = otiometa.snapshot
    items: list[PlacedItem] = []
    for child in track:
        r = ranges[child]
        start_t = offset + r.start_time
        inner: tuple[PlacedTrack, ...] = ()
        if isinstance(child, _STACK):
            item_offset = _item_offset(child, start_t)
            inner = tuple(
                _place_track(t, rate, label, item_offset, depth + 1, name, child.name or parent_name)
                for t in child
                if isinstance(t, _TRACK)
            )
        items.append(PlacedItem(
            child,
            frames_at(start_t, rate),
            frames_at(start_t + r.duration, rate),
            label,
            name,
            depth,
            start_t,
            parent_name,
            snapshot(child),
            inner,
        ))
    return PlacedTrack(track, label, items, ranges)


def _item_offset(child: otio.core.Composable, start_in_timeline: opentime.RationalTime) -> opentime.RationalTime:
    if isinstance(child, _TRANSITION):
        return start_in_timeline
    return start_in_timeline - child.trimmed_range().start_time


def flattened(items: list[PlacedItem]) -> Iterator[PlacedItem]:
    """``items`` and, after each nested stack, everything inside it (depth first, in track order)."""
    for placed in items:
        yield placed
        for inner in placed.inner:
            yield from flattened(inner.items)


def tracks_with_labels(timeline: otio.schema.Timeline) -> Iterator[tuple[otio.schema.Track, str, int]]:
    """Top-level tracks with their editor labels (V1.., A1..) and 1-based index within their kind."""
    counts: dict[str, int] = {}
    for track in timeline.tracks:
        kind = "video" if track.kind == otio.schema.TrackKind.Video else "audio" if track.kind == otio.schema.TrackKind.Audio else "other"
        counts[kind] = counts.get(kind, 0) + 1
        prefix = {"video": "V", "audio": "A"}.get(kind, "T")
        yield track, f"{prefix}{counts[kind]}", counts[kind]
