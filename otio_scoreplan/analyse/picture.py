"""The picture: shots (the topmost visible video item at each frame), cuts and transitions.

A frame's shot is the topmost *enabled* item of the *enabled* video tracks. Gaps are transparent;
nested stacks (nested sequences, compound clips) are opened and resolved the same way inside;
titles and other non-black generators laid over picture are overlays (a lower third is not a
cut), though a title over nothing is a shot of its own (a title card). Black slug is picture:
it hides what is below.

Every track's children are placed once with ``range_of_all_children`` (see ``walk``), and the
topmost item per stretch is found by bisection, so the whole pass is linear in the number of items
(times the number of video tracks).
"""

from __future__ import annotations

import bisect
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import opentimelineio as otio
from opentimelineio import opentime

from .. import otiometa
from ..model import Shot, Transition
from ..timecode import frames_at
from .walk import PlacedItem, PlacedTrack, TimelineWalk, walk_timeline

log = logging.getLogger(__name__)

_BLACK_WORDS = ("slug", "black", "solid", "bars")
_BLACK_NAMES = {"slug", "black", "black video", "bl", "blk", "black slug", "filler"}
_DISSOLVE_WORDS = ("dissolve", "cross fade", "crossfade", "cross-fade", "fade", "morph", "blend", "mix")
_WIPE_WORDS = ("wipe", "iris", "push", "slide", "split", "clock", "band", "checker", "barn door", "venetian", "zoom")
_DIP_WORDS = ("dip to", "dip-to", "fade in fade out", "fade to color", "fade to colour", "fade to black", "dip")


@dataclass(slots=True)
class _Span:
    """A visible stretch of one layer: what the layer shows over ``[start, end)`` (read-only by agreement)."""

    start: int
    end: int
    item: otio.core.Composable
    track: str  # top-level track label (V1 ...)
    kind: str  # clip | slug | generator | nested
    overlay: bool  # a title/graphic: hidden by picture below it
    snap: dict = field(default_factory=dict, compare=False)  # the item's metadata snapshot
    origin: int = 0  # the item's own first record frame (``start`` is later where only part of it shows)


def _enabled(item: object) -> bool:
    return bool(getattr(item, "enabled", True))


def shot_kind(item: otio.core.Composable) -> str:
    """'clip', 'slug' (black), 'generator' (titles, mattes, bars ...) or 'nested'."""
    if isinstance(item, (otio.schema.Stack, otio.schema.Track)):
        return "nested"
    if isinstance(item, otio.schema.Clip):
        ref = item.media_reference
        name = (item.name or "").strip().lower()
        if isinstance(ref, otio.schema.GeneratorReference):
            kind = (ref.generator_kind or "").lower()
            names = [n for n in (name, (ref.name or "").strip().lower()) if n]
            if "title" in kind or "text" in kind or any("title" in n or "text" in n for n in names):
                return "generator"
            if "black" in kind or any(n in _BLACK_NAMES or "black" in n or n.startswith("slug") for n in names):
                return "slug"
            if any(w in kind for w in _BLACK_WORDS) and not names:
                return "slug"
            # Premiere gives every synthetic clip a 'Slug' source: its titles and supers ('super H nede',
            # 'Vegard Copy 01') are generators laid over picture, not black.
            return "generator"
        if name in _BLACK_NAMES or name.startswith("slug"):
            return "slug"
    return "clip"


def is_black(kind: str) -> bool:
    """True for the shot kinds that show black: gaps with nothing below, and slug."""
    return kind in ("gap", "slug")


def media_source(item: otio.core.Composable, snap: dict | None = None) -> str:
    """Where a clip's media is: the file path, URL or reel name (``snap``: its metadata snapshot)."""
    if not isinstance(item, otio.schema.Clip):
        return ""
    ref = item.media_reference
    url = getattr(ref, "target_url", "") or ""
    if url:
        return url
    snap = otiometa.snapshot(item) if snap is None else snap
    for key in ("cmx_3600", "fcp_xml", "AAF"):
        reel = otiometa.field(snap, key, "reel")
        if reel:
            return str(reel)
    return getattr(ref, "name", "") or ""


def find_shots(timeline: otio.schema.Timeline, rate: float, duration: int, walk: TimelineWalk | None = None) -> list[Shot]:
    """The picture as a list of shots covering ``[0, duration)`` in order, without overlap.

    Where no video track shows anything the frames form a ``gap`` shot (black). ``walk``: the
    timeline already walked (:func:`.walk.walk_timeline`), else it is walked here.
    """
    walk = walk if walk is not None else walk_timeline(timeline, rate)
    layers = [
        _track_spans(top.placed)
        for top in walk.tracks
        if top.track.kind == otio.schema.TrackKind.Video and _enabled(top.track)
    ]
    shots: list[Shot] = []
    last: _Span | None = None
    for a, b, top in _resolve(layers, 0, duration):
        if shots and top is not None and last is not None and top.item is last.item and shots[-1].end_frame == a:
            prev = shots[-1]
            shots[-1] = Shot(prev.start_frame, b, prev.name, prev.kind, prev.track, prev.source, prev.scene,
                             prev.source_start_frame)
        elif top is None:
            if shots and shots[-1].kind == "gap":
                prev = shots[-1]
                shots[-1] = Shot(prev.start_frame, b, "", "gap")
            else:
                shots.append(Shot(a, b, "", kind="gap"))
        else:
            shots.append(_shot(top, a, b, rate))
        last = top
    return shots


def _shot(span: _Span, start: int, end: int, rate: float) -> Shot:
    item, snap = span.item, span.snap
    scene = str(otiometa.read_info(item, snap).get("scene") or "").strip()
    first = source_frame(item, rate) if span.kind in ("clip", "nested") else None
    return Shot(start, end, item.name or "", kind=span.kind, track=span.track, source=media_source(item, snap), scene=scene,
                source_start_frame=None if first is None else first + start - span.origin)


def source_frame(item: otio.core.Composable, rate: float) -> int | None:
    """The frame of ``item``'s media (or nested sequence) at its first record frame, counted at ``rate`` (media at
    another rate by its time, to the nearest frame); None when its media frames do not follow the picture's one
    for one (an enabled time effect other than 1x: speed change, freeze frame) or it has no source range."""
    effects = getattr(item, "effects", None)
    if effects:  # iterating OTIO's effects costs ~9 us even when there are none: looked into only when there are
        for effect in effects:
            if isinstance(effect, otio.schema.TimeEffect) and getattr(effect, "enabled", True) and not (
                    isinstance(effect, otio.schema.LinearTimeWarp) and not isinstance(effect, otio.schema.FreezeFrame)
                    and effect.time_scalar == 1.0):
                return None
    try:
        value = item.trimmed_range().start_time.value_rescaled_to(rate)
    except otio.exceptions.OTIOError:  # no source range and no available range
        return None
    return math.floor(value + 0.5) if math.isfinite(value) else None


def _track_spans(placed: PlacedTrack) -> list[_Span]:
    """What one track shows, as sorted non-overlapping spans in record frames (nested stacks opened)."""
    label = placed.label
    spans: list[_Span] = []
    for p in placed.items:
        child = p.item
        if isinstance(child, (otio.schema.Transition, otio.schema.Gap)) or not _enabled(child):
            continue
        if p.end <= p.start:
            continue
        if isinstance(child, otio.schema.Stack):
            spans.extend(_stack_spans(p, label))
            continue
        kind = shot_kind(child)
        spans.append(_Span(p.start, p.end, child, label, kind, kind == "generator", p.snap, p.start))
    spans.sort(key=lambda s: s.start)
    return spans


def _stack_spans(stack: PlacedItem, label: str) -> list[_Span]:
    """A nested stack's picture, resolved inside it and clipped to where it sits."""
    inner = [_track_spans(t) for t in stack.inner if t.kind == otio.schema.TrackKind.Video and t.enabled]
    out = [_Span(a, b, top.item, label, top.kind, top.overlay, top.snap, top.origin)
           for a, b, top in _resolve(inner, stack.start, stack.end) if top is not None]
    if not out:  # an opaque nest (its content was not read, or holds no video): one shot
        return [_Span(stack.start, stack.end, stack.item, label, "nested", False, stack.snap, stack.start)]
    return out


def _resolve(layers: list[list[_Span]], lo: int, hi: int) -> Iterator[tuple[int, int, _Span | None]]:
    """Cut ``[lo, hi)`` at every span edge and yield each stretch with the span seen there."""
    bounds = {lo, hi}
    for spans in layers:
        for s in spans:
            if s.end > lo and s.start < hi:
                bounds.add(max(s.start, lo))
                bounds.add(min(s.end, hi))
    edges = sorted(bounds)
    starts = [[s.start for s in spans] for spans in layers]
    for a, b in zip(edges, edges[1:]):
        if b > a:
            yield a, b, _topmost(layers, starts, a)


def _topmost(layers: list[list[_Span]], starts: list[list[int]], frame: int) -> _Span | None:
    """The topmost span covering ``frame``; an overlay only when no picture lies below it."""
    overlay: _Span | None = None
    for spans, st in zip(reversed(layers), reversed(starts)):
        i = bisect.bisect_right(st, frame) - 1
        if i >= 0 and spans[i].start <= frame < spans[i].end:
            if not spans[i].overlay:
                return spans[i]
            overlay = overlay or spans[i]
    return overlay


def find_transitions(
    timeline: otio.schema.Timeline, rate: float, shots: list[Shot] | None = None, walk: TimelineWalk | None = None
) -> list[Transition]:
    """Transitions on the enabled video tracks, in record frames, dissolves told from fades.

    With ``shots`` (from :func:`find_shots`) a transition hidden under a higher track is left out,
    and fades are judged by what is really seen: a fade is to or from black only where the
    picture on the other side of the cut is black (a gap with nothing below, or slug).
    ``walk``: the timeline already walked (:func:`.walk.walk_timeline`), else it is walked here.
    """
    walk = walk if walk is not None else walk_timeline(timeline, rate)
    out: list[Transition] = []
    for top in walk.tracks:
        if top.track.kind == otio.schema.TrackKind.Video and _enabled(top.track):
            out.extend(_track_transitions(top.placed, rate))
    if shots:
        starts = [s.start_frame for s in shots]
        out = [t for t in (_as_seen(t, shots, starts) for t in out) if t is not None]
    return sorted(out, key=lambda t: (t.cut_frame, t.track))


def _shot_at(shots: list[Shot], starts: list[int], frame: int) -> Shot | None:
    i = bisect.bisect_right(starts, frame) - 1
    return shots[i] if 0 <= i < len(shots) and shots[i].start_frame <= frame < shots[i].end_frame else None


def _as_seen(t: Transition, shots: list[Shot], starts: list[int]) -> Transition | None:
    before = _shot_at(shots, starts, t.cut_frame - 1)
    after = _shot_at(shots, starts, t.cut_frame)
    if not any(s is not None and s.track == t.track for s in (before, after)):
        return None  # covered by a higher track
    if t.kind in ("fade_in", "fade_out"):
        black_before = before is None or is_black(before.kind)
        black_after = after is None or is_black(after.kind)
        if t.kind == "fade_in" and not black_before or t.kind == "fade_out" and not black_after:
            # a fade of an upper track onto the picture below: a dissolve (or a dip) as seen
            return Transition(t.start_frame, t.end_frame, t.cut_frame, _kind_by_name(t.name, ""), t.name, t.track)
    return t


def _transition_kind(child: otio.schema.Transition, black_before: bool, black_after: bool) -> str:
    if black_before and not black_after:
        return "fade_in"
    if black_after and not black_before:
        return "fade_out"
    return _kind_by_name(child.name or "", child.transition_type or "")


def _kind_by_name(name: str, ttype: str) -> str:
    """'dip', 'wipe', 'dissolve' or 'other' from a transition's name and OTIO type."""
    name, ttype = name.lower(), ttype.lower()
    if any(w in name for w in _DIP_WORDS):
        return "dip"
    if any(w in name for w in _WIPE_WORDS) or "wipe" in ttype:
        return "wipe"
    if any(w in name for w in _DISSOLVE_WORDS) or not name or "dissolve" in ttype or ttype == "":
        return "dissolve"
    return "other"


def _track_transitions(placed: PlacedTrack, rate: float) -> Iterator[Transition]:
    track, items, ranges = placed.track, placed.items, placed.ranges
    offset = -track.source_range.start_time if track.source_range is not None else opentime.RationalTime(0, rate)
    for i, p in enumerate(items):
        child = p.item
        if not isinstance(child, otio.schema.Transition):
            continue
        r = ranges[child]
        start = frames_at(offset + r.start_time, rate)
        end = frames_at(offset + r.end_time_exclusive(), rate)
        cut = start + frames_at(child.in_offset, rate)
        before = items[i - 1].item if i > 0 else None
        after = items[i + 1].item if i + 1 < len(items) else None
        fcp = p.snap.get("fcp_xml")
        align = str(fcp.get("alignment", "")) if hasattr(fcp, "get") else ""
        black_before = _shows_black(before) or align == "start-black"
        black_after = _shows_black(after) or align == "end-black"
        kind = _transition_kind(child, black_before, black_after)
        yield Transition(start, end, cut, kind, name=child.name or child.transition_type or "", track=placed.label)


def _shows_black(item: otio.core.Composable | None) -> bool:
    return item is None or isinstance(item, otio.schema.Gap) or (_enabled(item) and shot_kind(item) == "slug")
