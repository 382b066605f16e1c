"""Lay the placed FCPXML items on OTIO tracks: the primary storyline, lanes, role-based audio.

Final Cut Pro has no tracks; :mod:`.fcpxml_build` places every element in record time and this
module lays them on tracks so that none overlaps another, keeping each item at its exact time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import opentimelineio as otio
from opentimelineio import opentime

from ..common import ensure_read_info
from .timing import ZERO

PRIMARY_NAME = "Primary Storyline"
ROLE_ORDER = {"Dialogue": 0, "Effects": 1, "Music": 2}


@dataclass(frozen=True)
class Clock:
    """Seconds (exact fractions) to OTIO times at the sequence rate."""

    rate: Fraction
    otio_rate: float

    def frames(self, seconds: Fraction) -> float:
        return float(seconds * self.rate)

    def rt(self, seconds: Fraction) -> opentime.RationalTime:
        return opentime.RationalTime(self.frames(seconds), self.otio_rate)

    def range(self, start: Fraction, duration: Fraction) -> opentime.TimeRange:
        return opentime.TimeRange(self.rt(start), self.rt(max(duration, ZERO)))


@dataclass
class Shown:
    """An OTIO item standing for an FCPXML element, with its place in record time (seconds)."""

    item: otio.core.Item
    start: Fraction
    duration: Fraction
    origin: Fraction  # record time of the item's OTIO local time 0
    name: str


@dataclass
class Groups:
    """Placed items waiting for their tracks."""

    primary: list[Shown] = field(default_factory=list)
    transitions: list[tuple[Fraction, Fraction, str, int]] = field(default_factory=list)  # start, dur, name, index
    video: dict[int, list[Shown]] = field(default_factory=dict)  # lane -> items
    audio: dict[str, list[Shown]] = field(default_factory=dict)  # role track name -> items


def assemble(groups: Groups, clock: Clock) -> otio.schema.Stack:
    """Tracks bottom to top: lanes below the storyline, the storyline, lanes above; then audio."""
    tracks: list[otio.schema.Track] = []
    for lane in sorted(x for x in groups.video if x < 0):
        tracks.extend(_pack(clock, groups.video[lane], otio.schema.TrackKind.Video, f"Lane {lane}"))
    tracks.append(_primary_track(clock, groups))
    for lane in sorted(x for x in groups.video if x > 0):
        tracks.extend(_pack(clock, groups.video[lane], otio.schema.TrackKind.Video, f"Lane {lane}"))
    for name in sorted(groups.audio, key=lambda n: (ROLE_ORDER.get(n, 9), n.lower())):
        tracks.extend(_pack(clock, groups.audio[name], otio.schema.TrackKind.Audio, name))
    return otio.schema.Stack(children=tracks)


def _primary_track(clock: Clock, groups: Groups) -> otio.schema.Track:
    """The primary storyline with its gaps and transitions (a transition sits on its cut)."""
    track = otio.schema.Track(name=PRIMARY_NAME, kind=otio.schema.TrackKind.Video)
    items = groups.primary
    by_index: dict[int, list[tuple[Fraction, Fraction, str]]] = {}
    for start, duration, name, index in groups.transitions:
        by_index.setdefault(index, []).append((start, duration, name))
    cursor = ZERO
    for i, shown in enumerate(items):
        if shown.start > cursor:
            track.append(otio.schema.Gap(source_range=clock.range(ZERO, shown.start - cursor)))
            cursor = shown.start
        for start, duration, name in by_index.get(i, []):
            track.append(_transition(clock, start, duration, name, shown.start))
        track.append(_fit(clock, shown, cursor))
        cursor = max(cursor, shown.start + shown.duration)
    for start, duration, name in by_index.get(len(items), []):
        track.append(_transition(clock, start, duration, name, cursor))
    return track


def _transition(clock: Clock, start: Fraction, duration: Fraction, name: str, cut: Fraction) -> otio.schema.Transition:
    cut = min(max(cut, start), start + duration)
    return otio.schema.Transition(
        name=name,
        transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve if "dissolve" in name.lower() else otio.schema.TransitionTypes.Custom,
        in_offset=clock.rt(cut - start),
        out_offset=clock.rt(start + duration - cut),
    )


def _fit(clock: Clock, shown: Shown, at: Fraction) -> otio.core.Item:
    """The item, its head trimmed when it starts before ``at`` (before the sequence, or overlapping).

    Trimming moves the item's source start with it, so its markers keep their record time.
    """
    cut = at - shown.start
    if cut <= 0:
        return shown.item
    item = shown.item
    old = item.source_range
    if old is not None:
        new_start = old.start_time + clock.rt(cut)
        new_duration = clock.rt(max(shown.duration - cut, ZERO))
        item.source_range = opentime.TimeRange(new_start, new_duration)
    ensure_read_info(item)["trimmed_frames"] = clock.frames(cut)
    return item


def _pack(clock: Clock, shown: list[Shown], kind: str, name: str) -> list[otio.schema.Track]:
    """Lay items on as few tracks as needed so that none overlaps another."""
    tracks: list[tuple[otio.schema.Track, list[Fraction]]] = []
    for s in sorted(shown, key=lambda x: x.start):
        for track, end in tracks:  # noqa: B007 - the track found is used after the break
            if end[0] <= max(s.start, ZERO):
                break
        else:
            track, end = otio.schema.Track(name=name, kind=kind), [ZERO]
            tracks.append((track, end))
        if s.start > end[0]:
            track.append(otio.schema.Gap(source_range=clock.range(ZERO, s.start - end[0])))
        track.append(_fit(clock, s, end[0]))
        end[0] = max(end[0], s.start + s.duration)
    return [t for t, _ in tracks]
