"""The guard against unusable times (``read.unusable_time``) finds what describing every object finds.

``unusable_time`` looks at each object with one cheap expression and describes only an object that
fails it; these tests pin that it reports exactly what the plain walk (``_item_problem`` on every
object, in the same order) reports, for timelines with absurd values put anywhere in them.
"""

from __future__ import annotations

import math

import opentimelineio as otio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opentimelineio import opentime

from otio_scoreplan.formats import MAX_SEQUENCE_HOURS, _item_problem, _time_problem, unusable_time

LIMIT = MAX_SEQUENCE_HOURS * 3600
# Values and rates around every edge the guard has: zero, negative, NaN, infinities, the 48-hour bound.
VALUES = [0.0, 1.0, 12.0, -5.0, 86400.0, LIMIT * 24.0, LIMIT * 24.0 + 1, -LIMIT * 24.0 - 1, 1e308, -1e308,
          math.nan, math.inf, -math.inf]
RATES = [24.0, 25.0, 30000 / 1001, 0.0, -24.0, 1e-300, 1e308, math.nan, math.inf]


def _plain_walk(timeline: otio.schema.Timeline) -> str:
    """What ``unusable_time`` reported before it was made cheap: every object described in turn."""
    problem = _time_problem(timeline.global_start_time)
    if problem:
        return f"the start timecode {problem}"
    for obj in (timeline.tracks, *timeline.tracks.find_children()):
        problem = _item_problem(obj)
        if problem:
            return problem
    problem = _time_problem(timeline.duration())
    return f"the sequence's duration {problem}" if problem else ""


def _rt(frames: float, rate: float = 24.0) -> opentime.RationalTime:
    return opentime.RationalTime(frames, rate)


def _timeline() -> tuple[otio.schema.Timeline, list]:
    """A small timeline with a clip of every place a time can hide; also the places, as setters."""
    clip = otio.schema.Clip(name="a", source_range=opentime.TimeRange(_rt(100), _rt(48)))
    gap = otio.schema.Gap(source_range=opentime.TimeRange(_rt(0), _rt(24)))
    after = otio.schema.Clip(name="b", source_range=opentime.TimeRange(_rt(10), _rt(48)))
    dissolve = otio.schema.Transition(in_offset=_rt(0), out_offset=_rt(12))
    nested_clip = otio.schema.Clip(name="n", source_range=opentime.TimeRange(_rt(5), _rt(20)))
    stack = otio.schema.Stack(name="nest", children=[otio.schema.Track(children=[nested_clip])])
    track = otio.schema.Track(name="V1", children=[clip, gap, after, dissolve, otio.schema.Clip(
        name="c", source_range=opentime.TimeRange(_rt(0), _rt(30))), stack])
    timeline = otio.schema.Timeline(name="t", global_start_time=_rt(86400))
    timeline.tracks.append(track)
    clip.markers.append(otio.schema.Marker(name="m", marked_range=opentime.TimeRange(_rt(3), _rt(0))))
    track.markers.append(otio.schema.Marker(name="t", marked_range=opentime.TimeRange(_rt(30), _rt(1))))
    timeline.tracks.markers.append(otio.schema.Marker(name="s", marked_range=opentime.TimeRange(_rt(7), _rt(0))))

    def ranged(item, part):
        def put(t):
            rng = item.source_range
            item.source_range = opentime.TimeRange(t, rng.duration) if part == "start" else opentime.TimeRange(rng.start_time, t)
        return put

    def marked(marker, part):
        def put(t):
            rng = marker.marked_range
            marker.marked_range = opentime.TimeRange(t, rng.duration) if part == "start" else opentime.TimeRange(rng.start_time, t)
        return put

    def offset(name):
        return lambda t: setattr(dissolve, name, t)

    places = [ranged(x, p) for x in (clip, gap, after, nested_clip) for p in ("start", "duration")]
    places += [marked(m, p) for m in (clip.markers[0], track.markers[0], timeline.tracks.markers[0]) for p in ("start", "duration")]
    places += [offset("in_offset"), offset("out_offset"), lambda t: setattr(timeline, "global_start_time", t)]
    return timeline, places


def test_a_sound_timeline_has_no_problem() -> None:
    timeline, _ = _timeline()
    assert unusable_time(timeline) == "" == _plain_walk(timeline)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 16), st.sampled_from(VALUES), st.sampled_from(RATES)), min_size=1, max_size=3))
def test_absurd_times_anywhere_are_reported_as_the_plain_walk_reports_them(changes: list) -> None:
    timeline, places = _timeline()
    for where, value, rate in changes:
        places[where](opentime.RationalTime(value, rate))
    assert unusable_time(timeline) == _plain_walk(timeline)


@pytest.mark.parametrize("where", range(17))
def test_a_rate_of_zero_anywhere_is_found(where: int) -> None:
    timeline, places = _timeline()
    places[where](opentime.RationalTime(1, 0))
    assert "unusable time" in unusable_time(timeline)


def test_a_negative_clip_duration_is_found_but_a_negative_transition_offset_is_not() -> None:
    timeline, places = _timeline()
    places[15](_rt(-3))  # the dissolve's out offset
    assert unusable_time(timeline) == ""
    places[3](_rt(-3))  # the gap's duration
    assert unusable_time(timeline) == "gap has a negative duration"
