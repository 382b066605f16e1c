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

from .. import OUR_TOKEN, TAG
from ..model import AudioClip, TrackInfo
from ..timecode import frames_at
from .music import folder_role, name_role, role_of, track_role
from .picture import media_source
from .walk import tracks_with_labels


def _ns(obj: object) -> dict:
    meta = getattr(obj, "metadata", None)
    if not meta:  # an OTIO dictionary's miss costs ~20 us (a translated KeyError): skip empty ones
        return {}
    ns = meta.get(TAG) if hasattr(meta, "get") else None
    return ns if hasattr(ns, "get") else {}


def _ours(obj: object) -> bool:
    """Added by an earlier run: flagged by the reader, or carrying our visible token in its name."""
    return bool(_ns(obj).get("added")) or OUR_TOKEN in (getattr(obj, "name", "") or "")


def _read_role(obj: object) -> str:
    read = _ns(obj).get("read")
    return str(read.get("role") or "") if hasattr(read, "get") else ""


def track_name(track: otio.schema.Track) -> str:
    """The name the editor gave the track (Premiere keeps it only in ``MZ.TrackName`` of the xmeml)."""
    if track.name:
        return track.name
    fcp = track.metadata.get("fcp_xml")
    return str(fcp.get("@MZ.TrackName") or "") if hasattr(fcp, "get") else ""


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
        t_role, t_ours = track_role(name) or list_role, _ours(track)
        for item, start, end in _clips(track, rate, opentime.RationalTime(0, rate)):
            source = media_source(item)
            role = role_of(_read_role(item)) or t_role or folder_role(source)[0]
            out.append(AudioClip(start, end, item.name or "", label, track_name=name, source=source, role=role,
                                 ours=_ours(item) or t_ours))
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
