"""Small OTIO timelines for the analysis tests, built with the OTIO API as a reader would leave them.

``cut([[...V1...], [...V2...]], [(frame, name, comment)], audio=[("MX", [...])])`` builds a timeline; track items are
``clip(...)``, ``gap(n)``, ``trans(...)`` and ``nest(...)``. Everything counts whole frames at ``rate``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import opentimelineio as otio
from opentimelineio.opentime import RationalTime, TimeRange

from otio_scoreplan import TAG
from otio_scoreplan.analyse import AnalysisSettings, analyse
from otio_scoreplan.formats import ReadOptions
from otio_scoreplan.formats.common import ensure_read_info, make_source
from otio_scoreplan.model import Analysis
from otio_scoreplan.timecode import from_timecode

RATE = 24.0


def _rt(frames: float, rate: float = RATE) -> RationalTime:
    return RationalTime(frames, rate)


def clip(
    name: str,
    frames: int,
    *,
    rate: float = RATE,
    enabled: bool = True,
    url: str | None = None,
    generator: str | None = None,
    generator_name: str = "",
    read: dict[str, Any] | None = None,
    added: bool = False,
    markers: Sequence[tuple[int, str, str]] = (),
) -> otio.schema.Clip:
    """A clip of ``frames`` frames; ``read`` goes to metadata["scoreplan"]["read"] as a reader puts it."""
    if generator is not None:
        ref: otio.core.MediaReference = otio.schema.GeneratorReference(name=generator_name, generator_kind=generator)
    elif url is not None:
        ref = otio.schema.ExternalReference(target_url=url)
    else:
        ref = otio.schema.MissingReference()
    c = otio.schema.Clip(name=name, media_reference=ref, source_range=TimeRange(_rt(0, rate), _rt(frames, rate)))
    c.enabled = enabled
    if read:
        ensure_read_info(c).update(read)
    if added:
        c.metadata.setdefault(TAG, {})["added"] = True
    for frame, mname, comment in markers:
        c.markers.append(otio.schema.Marker(name=mname, marked_range=TimeRange(_rt(frame, rate), _rt(0, rate)), comment=comment))
    return c


def gap(frames: int, rate: float = RATE) -> otio.schema.Gap:
    return otio.schema.Gap(source_range=TimeRange(_rt(0, rate), _rt(frames, rate)))


def trans(in_frames: int, out_frames: int, name: str = "Cross Dissolve", kind: str = "SMPTE_Dissolve", rate: float = RATE) -> otio.schema.Transition:
    return otio.schema.Transition(name=name, transition_type=kind, in_offset=_rt(in_frames, rate), out_offset=_rt(out_frames, rate))


def nest(name: str, tracks: Sequence[Sequence[otio.core.Composable]], start: int, frames: int, rate: float = RATE) -> otio.schema.Stack:
    """A nested sequence of video tracks, showing ``[start, start + frames)`` of its content."""
    stack = otio.schema.Stack(name=name, source_range=TimeRange(_rt(start, rate), _rt(frames, rate)))
    for items in tracks:
        t = otio.schema.Track(kind=otio.schema.TrackKind.Video)
        t.extend(items)
        stack.append(t)
    return stack


def cut(
    video: Sequence[Sequence[otio.core.Composable]] = (),
    markers: Sequence[tuple[int, str, str]] = (),
    *,
    audio: Sequence[tuple[str, Sequence[otio.core.Composable]]] = (),
    name: str = "Cut",
    start: str = "00:00:00:00",
    rate: float = RATE,
    disabled_video: Sequence[int] = (),
    our_markers: Sequence[tuple[int, str, str]] = (),
) -> otio.schema.Timeline:
    """A timeline: video tracks bottom to top, named audio tracks, markers on the sequence."""
    tl = otio.schema.Timeline(name=name)
    tl.global_start_time = _rt(from_timecode(start, rate), rate)
    for i, items in enumerate(video):
        t = otio.schema.Track(name=f"V{i + 1}", kind=otio.schema.TrackKind.Video)
        t.extend(items)
        t.enabled = i not in disabled_video
        tl.tracks.append(t)
    for tname, items in audio:
        t = otio.schema.Track(name=tname, kind=otio.schema.TrackKind.Audio)
        t.extend(items)
        tl.tracks.append(t)
    for frame, mname, comment in markers:
        tl.tracks.markers.append(otio.schema.Marker(name=mname, marked_range=TimeRange(_rt(frame, rate), _rt(0, rate)), comment=comment))
    for frame, mname, comment in our_markers:
        m = otio.schema.Marker(name=mname, marked_range=TimeRange(_rt(frame, rate), _rt(0, rate)), comment=comment)
        m.metadata[TAG] = {"added": True}
        tl.tracks.markers.append(m)
    return tl


def analysed(timeline: otio.schema.Timeline, rate: float = RATE, reel_minutes: float = 0.0) -> Analysis:
    """Run the real analysis step on ``timeline`` as if a reader had returned it."""
    source = make_source(Path(f"{timeline.name or 'cut'}.otio"), "otio", timeline, ReadOptions(), rate=rate)
    return analyse(source, AnalysisSettings(reel_minutes=reel_minutes))
