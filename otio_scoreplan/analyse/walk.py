"""Walk a timeline once, placing every item (and nested item) in record frames.

``Item.range_in_parent()`` walks its track on every call, so placing clip by clip is quadratic;
here each track's ``range_of_all_children()`` is taken once and the offsets are carried down into
nested stacks (DESIGN.md, "Traps").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import opentimelineio as otio
from opentimelineio import opentime

from ..timecode import frames_at


@dataclass(frozen=True)
class PlacedItem:
    """An item with its range in timeline (record) frames."""

    item: otio.core.Composable
    start: int
    end: int
    track: str  # label of the top-level track: V1, A2 ...
    track_name: str
    depth: int  # 0 on a top-level track, 1 inside a nested stack ...
    offset: opentime.RationalTime  # add to a time in the item's own (trimmed) space to get timeline time
    parent_name: str = ""  # the nested stack holding it, if any

    @property
    def is_transition(self) -> bool:
        return isinstance(self.item, otio.schema.Transition)


def placed_items(
    track: otio.schema.Track,
    rate: float,
    label: str,
    offset: opentime.RationalTime | None = None,
    depth: int = 0,
    track_name: str | None = None,
    parent_name: str = "",
) -> Iterator[PlacedItem]:
    """Every child of ``track`` (recursing into nested stacks) with its record-frame range."""
    offset = offset if offset is not None else opentime.RationalTime(0, rate)
    name = track.name if track_name is None else track_name
    if track.source_range is not None:
        offset = offset - track.source_range.start_time
    ranges = track.range_of_all_children()
    for child in track:
        r = ranges[child]
        start_t = offset + r.start_time
        yield_item = PlacedItem(
            child,
            frames_at(start_t, rate),
            frames_at(start_t + r.duration, rate),
            label,
            name,
            depth,
            _item_offset(child, start_t),
            parent_name,
        )
        yield yield_item
        if isinstance(child, otio.schema.Stack):
            inner_offset = yield_item.offset
            for inner in child:
                if isinstance(inner, otio.schema.Track):
                    yield from placed_items(inner, rate, label, inner_offset, depth + 1, name, child.name or parent_name)


def _item_offset(child: otio.core.Composable, start_in_timeline: opentime.RationalTime) -> opentime.RationalTime:
    if isinstance(child, otio.schema.Transition):
        return start_in_timeline
    trimmed = child.trimmed_range()
    return start_in_timeline - trimmed.start_time


def tracks_with_labels(timeline: otio.schema.Timeline) -> Iterator[tuple[otio.schema.Track, str, int]]:
    """Top-level tracks with their editor labels (V1.., A1..) and 1-based index within their kind."""
    counts: dict[str, int] = {}
    for track in timeline.tracks:
        kind = "video" if track.kind == otio.schema.TrackKind.Video else "audio" if track.kind == otio.schema.TrackKind.Audio else "other"
        counts[kind] = counts.get(kind, 0) + 1
        prefix = {"video": "V", "audio": "A"}.get(kind, "T")
        yield track, f"{prefix}{counts[kind]}", counts[kind]
