"""Write-back for OpenTimelineIO files: add through the OTIO API, keep everything else."""

from __future__ import annotations

import copy
from pathlib import Path

import opentimelineio as otio
from opentimelineio import opentime

from .. import TAG
from ..read import Source
from ..outfile import write_bytes_atomic
from ..plan.model import Plan, plan_to_json
from .additions import Additions, ClipAdd, MarkerAdd


def _ours(obj) -> bool:
    ns = obj.metadata.get(TAG) if hasattr(obj.metadata, "get") else None
    return bool(ns.get("added")) if hasattr(ns, "get") else False


def without_additions(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A copy of ``timeline`` with every marker and track of ours (from an earlier run) removed."""
    tl = copy.deepcopy(timeline)
    stack = tl.tracks
    keep = [m for m in stack.markers if not _ours(m)]
    del stack.markers[:]
    stack.markers.extend(keep)
    for i in reversed(range(len(stack))):
        if _ours(stack[i]):
            del stack[i]
    return tl


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


def store_plan(timeline: otio.schema.Timeline, plan: Plan, input_index: int, drop_frame: bool) -> None:
    """Keep the plan in ``timeline.metadata["scoreplan"]``: ``plan`` (the plan JSON), ``plan_input`` (which of
    its inputs this timeline is) and ``drop_frame``, so the OTIO plugin's ``spotting_notes`` adapter rebuilds it."""
    ns = timeline.metadata[TAG] if TAG in timeline.metadata else {}
    ns["plan"] = plan_to_json(plan)
    ns["plan_input"] = input_index
    ns["drop_frame"] = bool(drop_frame)
    timeline.metadata[TAG] = ns


def with_additions(timeline: otio.schema.Timeline, additions: Additions, rate: float, output: Path) -> otio.schema.Timeline:
    """A copy of ``timeline`` (earlier additions removed) with our markers and temp tracks added."""
    tl = without_additions(timeline)
    if additions.plan is not None:
        store_plan(tl, additions.plan, additions.input_index, additions.sequence.drop_frame)
    stack = tl.tracks
    offset = stack.source_range.start_time if stack.source_range is not None else opentime.RationalTime(0, rate)
    for add in additions.markers:
        stack.markers.append(_marker(add, rate, offset))
    for lane, name in enumerate(additions.track_names):
        track = otio.schema.Track(name=name, kind=otio.schema.TrackKind.Audio)
        track.metadata[TAG] = {"added": True, "lane": lane}
        cursor = 0
        for add in sorted((c for c in additions.clips if c.lane == lane), key=lambda c: c.start_frame):
            if add.start_frame > cursor:
                track.append(otio.schema.Gap(duration=opentime.RationalTime(add.start_frame - cursor, rate)))
            track.append(_clip(add, rate, output))
            cursor = add.end_frame
        stack.append(track)
    return tl


def write(source: Source, additions: Additions, output: Path) -> list[Path]:
    """Write ``source`` with ``additions`` as an OTIO JSON file at ``output``."""
    tl = with_additions(source.timeline, additions, source.rate, output)
    text = otio.adapters.write_to_string(tl, adapter_name="otio_json")
    write_bytes_atomic(output, text.encode("utf-8"), source.path)
    return [output]
