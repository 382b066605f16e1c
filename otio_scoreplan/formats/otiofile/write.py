"""Write-back for OpenTimelineIO files: add through the OTIO API, keep everything else.

No copy of the editor's timeline is made (a deep copy of a 15,000-clip feature costs longer than OTIO's
whole JSON write): the written timeline is a new ``Timeline`` with the editor's name, start, metadata
and unknown fields, sharing the editor's stack, on which our markers and tracks are laid (and an earlier
run's taken off) only while the JSON is written, then put back as they were (:func:`additions_applied`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import opentimelineio as otio
from opentimelineio import opentime

from ... import TAG, otiometa
from ...outfile import write_bytes_atomic
from ...plan.model import Plan, plan_to_json
from .. import Source
from ..additions import Additions, ClipAdd, MarkerAdd, is_music_track_name

# What the stored plan leaves out of each input's analysis summary: no reader of the written .otio uses
# them (spotting_notes lists the cues; a recut plans from the timeline itself, which holds them), and on a
# feature they are most of the plan (shots, cuts and transitions: 720 KB of 1.2 MB for 3,000 shots).
STORED_PLAN_OMITS = ("shots", "cuts", "transitions")


def _ours(obj: Any) -> bool:
    return bool(otiometa.namespace(obj).get("added"))


def _marker(add: MarkerAdd, rate: float, offset: opentime.RationalTime) -> otio.schema.Marker:
    marker = otio.schema.Marker(
        name=add.name,
        marked_range=opentime.TimeRange(offset + opentime.RationalTime(add.frame, rate), opentime.RationalTime(add.duration_frames, rate)),
        color=add.color,
        comment=add.comment,
    )
    marker.metadata[TAG] = {"added": True, "cue_id": add.cue_id, "kind": add.kind}
    return marker


def _clip(add: ClipAdd, rate: float, output: Path) -> otio.schema.Clip:
    ref = otio.schema.ExternalReference(
        target_url=add.media.resolve().as_uri(),
        available_range=opentime.TimeRange(opentime.RationalTime(0, rate), opentime.RationalTime(add.media_frames, rate)),
    )
    clip = otio.schema.Clip(
        name=add.name,
        media_reference=ref,
        source_range=opentime.TimeRange(opentime.RationalTime(add.source_in, rate), opentime.RationalTime(add.duration_frames, rate)),
    )
    clip.metadata[TAG] = {"added": True, "cue_id": add.cue_id, "assigned": add.assigned}
    return clip


def stored_plan_json(plan: Plan) -> dict[str, Any]:
    """The plan JSON as a written ``.otio`` keeps it: all of it but :data:`STORED_PLAN_OMITS` of each input."""
    doc = plan_to_json(plan)
    doc["inputs"] = [{k: v for k, v in entry.items() if k not in STORED_PLAN_OMITS} for entry in doc["inputs"]]
    return doc


def store_plan(timeline: otio.schema.Timeline, plan: Plan, input_index: int, drop_frame: bool) -> None:
    """Keep the plan in ``timeline.metadata["scoreplan"]``: ``plan`` (:func:`stored_plan_json`), ``plan_input``
    (which of its inputs this timeline is) and ``drop_frame``, so the OTIO plugin's ``spotting_notes`` adapter
    rebuilds it. Other keys of the namespace are kept."""
    ns = otiometa.namespace(timeline)
    ns["plan"] = stored_plan_json(plan)
    ns["plan_input"] = input_index
    ns["drop_frame"] = bool(drop_frame)
    timeline.metadata[TAG] = ns


def _sharing_stack(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A new Timeline with ``timeline``'s name, start, metadata and unknown fields, and the very same stack."""
    out = otio.schema.Timeline(name=timeline.name, global_start_time=timeline.global_start_time)
    for key, value in otiometa.snapshot(timeline).items():
        out.metadata[key] = value  # copied by OTIO: ours is changed without touching the editor's
    dynamic = getattr(timeline, "_dynamic_fields", None)
    if dynamic is not None and len(dynamic):
        for key, value in otiometa.plain(dynamic).items():
            out._dynamic_fields[key] = value
    out.tracks = timeline.tracks
    return out


@contextmanager
def additions_applied(
    timeline: otio.schema.Timeline, additions: Additions, rate: float, output: Path
) -> Iterator[otio.schema.Timeline]:
    """A timeline to write: ``timeline`` without the markers and tracks of an earlier run, with ours added and
    the plan stored. It shares ``timeline``'s stack, which is changed for the ``with`` block only: on leaving
    (also by an error), its markers and tracks are ``timeline``'s own again, and ``timeline`` itself never changes."""
    out = _sharing_stack(timeline)
    stack = out.tracks
    markers = list(stack.markers)
    children = list(stack)
    homes = editors_music_tracks(stack, additions.track_prefix)[: len(additions.track_names)] \
        if additions.editors_tracks else []
    held = [list(track) for track in homes]  # the editor's tracks' own children (gaps, an earlier run's temp)
    try:
        kept = [m for m in markers if not _ours(m)]
        if len(kept) != len(markers):
            del stack.markers[:]
            stack.markers.extend(kept)
        for i in reversed(range(len(children))):
            if _ours(children[i]):
                del stack[i]
        if additions.plan is not None:
            store_plan(out, additions.plan, additions.input_index, additions.sequence.drop_frame)
        offset = stack.source_range.start_time if stack.source_range is not None else opentime.RationalTime(0, rate)
        for add in additions.markers:
            stack.markers.append(_marker(add, rate, offset))
        for lane, name in enumerate(additions.track_names):
            if lane < len(homes):  # the editor's own empty music track takes the lane
                del homes[lane][:]
                homes[lane].extend(_temp_track(additions, lane, name, rate, output, into=homes[lane]))
                additions.notes.append(f"temp track {name}: on the editor's empty music track {homes[lane].name!r}")
            else:
                stack.append(_temp_track(additions, lane, name, rate, output))
        if homes and len(additions.track_names) > len(homes):
            names = ", ".join(additions.track_names[len(homes):])
            additions.notes.append(f"temp track{'s' if len(additions.track_names) - len(homes) > 1 else ''} {names}: "
                                   "new, below the last track")
        yield out
    finally:
        for track, own in zip(homes, held):
            del track[:]
            track.extend(own)
        del stack.markers[:]
        stack.markers.extend(markers)
        while len(stack):
            del stack[len(stack) - 1]
        stack.extend(children)
        out.tracks = otio.schema.Stack()  # ``out`` lets go of the editor's stack


def editors_music_tracks(stack: otio.schema.Stack, prefix: str) -> list[otio.schema.Track]:
    """The editor's own empty music tracks, in order: audio tracks named for music ('Musikk 2', 'MX B') that are
    enabled and hold nothing but gaps (and temp clips of an earlier run of ours)."""
    out = []
    for track in stack:
        if not isinstance(track, otio.schema.Track) or track.kind != otio.schema.TrackKind.Audio or _ours(track):
            continue
        name = (track.name or "").strip()
        if not name or name.startswith(prefix) or not track.enabled or not is_music_track_name(name):
            continue
        if all(isinstance(c, otio.schema.Gap) or _ours(c) for c in track):
            out.append(track)
    return out


def _temp_track(additions: Additions, lane: int, name: str, rate: float, output: Path,
                into: otio.schema.Track | None = None) -> otio.schema.Track | list[otio.schema.Item]:
    """Our track for ``lane`` (or, ``into`` the editor's own track, the items to put on it)."""
    track = otio.schema.Track(name=name, kind=otio.schema.TrackKind.Audio)
    track.metadata[TAG] = {"added": True, "lane": lane}
    items: list[otio.schema.Item] = []
    cursor = 0
    for add in sorted((c for c in additions.clips if c.lane == lane), key=lambda c: c.start_frame):
        if add.start_frame > cursor:
            gap = otio.schema.Gap(duration=opentime.RationalTime(add.start_frame - cursor, rate))
            if into is not None:
                gap.metadata[TAG] = {"added": True}  # (ours: a later run clears the editor's track of it)
            items.append(gap)
        items.append(_clip(add, rate, output))
        cursor = add.end_frame
    if into is not None:
        return items
    track.extend(items)
    return track


def write(source: Source, additions: Additions, output: Path) -> list[Path]:
    """Write ``source`` with ``additions`` as an OTIO JSON file at ``output``."""
    with additions_applied(source.timeline, additions, source.rate, output) as tl:
        text = otio.adapters.write_to_string(tl, adapter_name="otio_json")
    write_bytes_atomic(output, text.encode("utf-8"), source.path)
    return [output]
