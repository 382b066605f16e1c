"""The picture: shots (the topmost visible video item at each frame), cuts and transitions."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Iterator

import opentimelineio as otio

from ..model import Shot, Transition
from ..timecode import frames_at
from .walk import PlacedItem, placed_items, tracks_with_labels


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    item: PlacedItem


def _visible(item: otio.core.Item) -> bool:
    return bool(getattr(item, "enabled", True)) and not isinstance(item, otio.schema.Gap)


def shot_kind(item: otio.core.Composable) -> str:
    if isinstance(item, otio.schema.Stack) or isinstance(item, otio.schema.Track):
        return "nested"
    if isinstance(item, otio.schema.Clip):
        ref = item.media_reference
        if isinstance(ref, otio.schema.GeneratorReference):
            kind = (ref.generator_kind or "").lower()
            return "slug" if ("slug" in kind or "black" in kind or "solid" in kind) else "generator"
        name = (item.name or "").lower()
        if name in {"slug", "black", "black video", "bl", "blk"} or name.startswith("slug"):
            return "slug"
    return "clip"


def media_source(item: otio.core.Composable) -> str:
    """Where a clip's media is: the file path, URL or reel name."""
    if not isinstance(item, otio.schema.Clip):
        return ""
    ref = item.media_reference
    url = getattr(ref, "target_url", "") or ""
    if url:
        return url
    for key in ("cmx_3600", "fcp_xml", "AAF"):
        meta = item.metadata.get(key)
        if hasattr(meta, "get") and meta.get("reel"):
            return str(meta.get("reel"))
    return getattr(ref, "name", "") or ""


def video_tracks(timeline: otio.schema.Timeline) -> list[tuple[otio.schema.Track, str]]:
    """The video tracks, bottom to top, with their labels (V1, V2 ...)."""
    return [(t, label) for t, label, _ in tracks_with_labels(timeline) if t.kind == otio.schema.TrackKind.Video]


def find_shots(timeline: otio.schema.Timeline, rate: float, duration: int) -> list[Shot]:
    """The picture as a list of shots covering ``[0, duration)`` without overlap.

    Each frame belongs to the topmost enabled video item at that frame; where no video track
    has an item the frame belongs to a gap shot.
    """
    layers: list[list[_Span]] = []  # bottom to top
    for track, label in video_tracks(timeline):
        spans = [
            _Span(p.start, p.end, p)
            for p in placed_items(track, rate, label)
            if p.depth == 0 and not p.is_transition and _visible(p.item) and p.end > p.start
        ]
        layers.append(sorted(spans, key=lambda s: s.start))
    bounds = {0, duration}
    for spans in layers:
        for s in spans:
            bounds.add(min(max(s.start, 0), duration))
            bounds.add(min(max(s.end, 0), duration))
    edges = sorted(bounds)
    starts = [[s.start for s in spans] for spans in layers]
    shots: list[Shot] = []
    last_item: object = None  # the OTIO item the previous shot shows (None for a gap)
    for a, b in zip(edges, edges[1:]):
        if b <= a:
            continue
        top = _topmost(layers, starts, a)
        item = top.item.item if top else None
        if shots and item is last_item:
            prev = shots[-1]
            shots[-1] = Shot(prev.start_frame, b, prev.name, prev.kind, prev.track, prev.source)
            continue
        if top is None:
            shots.append(Shot(a, b, "", kind="gap"))
        else:
            p = top.item
            shots.append(Shot(a, b, p.item.name or "", kind=shot_kind(p.item), track=p.track, source=media_source(p.item)))
        last_item = item
    return shots


def _topmost(layers: list[list[_Span]], starts: list[list[int]], frame: int) -> _Span | None:
    for spans, st in zip(reversed(layers), reversed(starts)):
        i = bisect.bisect_right(st, frame) - 1
        if i >= 0 and spans[i].start <= frame < spans[i].end:
            return spans[i]
    return None


def find_transitions(timeline: otio.schema.Timeline, rate: float) -> list[Transition]:
    """Transitions on the video tracks, in record frames, with dissolves told from fades."""
    out: list[Transition] = []
    for track, label in video_tracks(timeline):
        out.extend(_track_transitions(track, rate, label))
    return sorted(out, key=lambda t: (t.cut_frame, t.track))


def _track_transitions(track: otio.schema.Track, rate: float, label: str) -> Iterator[Transition]:
    children = list(track)
    ranges = track.range_of_all_children()
    for i, child in enumerate(children):
        if not isinstance(child, otio.schema.Transition):
            continue
        r = ranges[child]
        start = frames_at(r.start_time, rate)
        end = frames_at(r.end_time_exclusive(), rate)
        cut = start + frames_at(child.in_offset, rate)
        before = children[i - 1] if i > 0 else None
        after = children[i + 1] if i + 1 < len(children) else None
        black_before = before is None or isinstance(before, otio.schema.Gap) or shot_kind(before) == "slug"
        black_after = after is None or isinstance(after, otio.schema.Gap) or shot_kind(after) == "slug"
        ttype = (child.transition_type or "").lower()
        if black_before and not black_after:
            kind = "fade_in"
        elif black_after and not black_before:
            kind = "fade_out"
        elif "dissolve" in ttype or "dissolve" in (child.name or "").lower() or ttype == "":
            kind = "dissolve"
        elif "wipe" in ttype or "wipe" in (child.name or "").lower():
            kind = "wipe"
        else:
            kind = "dissolve" if ttype == "smpte_dissolve" else "other"
        yield Transition(start, end, cut, kind, name=child.name or child.transition_type or "", track=label)
