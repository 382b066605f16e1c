"""Tracks, and the clips on the audio tracks with their roles (dialogue, music, effects).

A clip's role is the one the reader found on it (FCPXML roles: ``read_info(clip)["role"]``), else
its track's (from the track's name), else its media folder's ('/03-Lyd/VO/', '/Lydeffekter/').
A track's role is its name's, else the role most of its clips share. Muted tracks and disabled
clips are not in the cut and are left out; nested sequences on audio tracks are opened.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterator

import opentimelineio as otio
from opentimelineio import opentime

from ..model import AudioClip, TrackInfo
from ..timecode import frames_at
from .. import otiometa
from .music import folder_role, name_role, role_of, track_role
from .picture import media_source
from .walk import tracks_with_labels


def track_name(track: otio.schema.Track) -> str:
    """The name the editor gave the track (Premiere keeps it only in ``MZ.TrackName`` of the xmeml)."""
    if track.name:
        return track.name
    return str(otiometa.field(otiometa.snapshot(track), "fcp_xml", "@MZ.TrackName") or "")


def describe_tracks(timeline: otio.schema.Timeline, clips: list[AudioClip] | None = None) -> list[TrackInfo]:
    """One :class:`TrackInfo` per top-level track, with the role its name or its clips give it."""
    by_track: dict[str, Counter] = {}
    for c in clips or []:
        by_track.setdefault(c.track, Counter())[c.role] += 1
    out = []
    for track, label, index in tracks_with_labels(timeline):
        kind = "video" if label.startswith("V") else "audio" if label.startswith("A") else "other"
        items = sum(1 for c in track if isinstance(c, (otio.schema.Clip, otio.schema.Stack)))
        name = track_name(track)
        role = track_role(name) if kind == "audio" else ""
        if kind == "audio" and not role and label in by_track:
            counts = by_track[label]
            top, n = counts.most_common(1)[0]
            if top and n * 10 >= sum(counts.values()) * 6:
                role = top
        out.append(TrackInfo(index=index, kind=kind, name=name, items=items, role=role))
    return out


def music_list_name(timeline: otio.schema.Timeline) -> str:
    """The sequence's name when it is an audio-only list named for music ('12_16 TL01 MUSIC'), else ''."""
    name = timeline.name or ""
    if name_role(name) != "music":
        return ""
    for track in timeline.tracks:
        if track.kind == otio.schema.TrackKind.Video and any(isinstance(c, otio.schema.Clip) for c in track.find_clips()):
            return ""
    return name


def audio_clips(timeline: otio.schema.Timeline, rate: float) -> list[AudioClip]:
    """Every enabled clip on an enabled audio track (nested ones included), in record frames."""
    out: list[AudioClip] = []
    list_role = "music" if music_list_name(timeline) else ""
    for track, label, _ in tracks_with_labels(timeline):
        if track.kind != otio.schema.TrackKind.Audio or not getattr(track, "enabled", True):
            continue
        name = track_name(track)
        t_role, t_ours = track_role(name) or list_role, otiometa.is_added(track)
        for item, start, end in _clips(track, rate, opentime.RationalTime(0, rate)):
            snap = otiometa.snapshot(item)
            source = media_source(item, snap)
            role = role_of(str(otiometa.read_info(item, snap).get("role") or "")) or t_role or folder_role(source)[0]
            out.append(AudioClip(start, end, item.name or "", label, track_name=name, source=source, role=role,
                                 ours=otiometa.is_added(item, snap) or t_ours))
    out.sort(key=lambda c: (c.start_frame, c.track))
    return out


def _clips(track: otio.schema.Track, rate: float, offset: opentime.RationalTime) -> Iterator[tuple[otio.schema.Clip, int, int]]:
    """Enabled clips of an audio track and of the audio tracks of its nested stacks, placed once per track."""
    if track.source_range is not None:
        offset = offset - track.source_range.start_time
    ranges = track.range_of_all_children()
    for child in track:
        if not getattr(child, "enabled", True) or isinstance(child, (otio.schema.Gap, otio.schema.Transition)):
            continue
        r = ranges[child]
        start_t = offset + r.start_time
        start, end = frames_at(start_t, rate), frames_at(start_t + r.duration, rate)
        if end <= start:
            continue
        if isinstance(child, otio.schema.Clip):
            yield child, start, end
        elif isinstance(child, otio.schema.Stack):
            inner = start_t - child.trimmed_range().start_time
            for t in child:
                if isinstance(t, otio.schema.Track) and t.kind == otio.schema.TrackKind.Audio and getattr(t, "enabled", True):
                    for clip, a, b in _clips(t, rate, inner):
                        if b > start and a < end:
                            yield clip, max(a, start), min(b, end)
