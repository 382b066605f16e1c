"""Tracks and the clips on audio tracks."""

from __future__ import annotations

import opentimelineio as otio

from ..model import AudioClip, TrackInfo
from .picture import media_source
from .walk import placed_items, tracks_with_labels


def _ours(obj) -> bool:
    from .. import TAG

    ns = obj.metadata.get(TAG) if hasattr(obj.metadata, "get") else None
    return bool(ns.get("added")) if hasattr(ns, "get") else False


def describe_tracks(timeline: otio.schema.Timeline, roles: dict[str, str]) -> list[TrackInfo]:
    """One :class:`TrackInfo` per top-level track; ``roles`` maps labels (A1 ...) to guessed roles."""
    out = []
    for track, label, index in tracks_with_labels(timeline):
        kind = "video" if label.startswith("V") else "audio" if label.startswith("A") else "other"
        clips = sum(1 for c in track if isinstance(c, (otio.schema.Clip, otio.schema.Stack)))
        out.append(TrackInfo(index=index, kind=kind, name=track.name or "", items=clips, role=roles.get(label, "")))
    return out


def audio_clips(timeline: otio.schema.Timeline, rate: float) -> list[AudioClip]:
    """Every enabled clip on an audio track (nested ones included), in record frames."""
    out: list[AudioClip] = []
    for track, label, _ in tracks_with_labels(timeline):
        if track.kind != otio.schema.TrackKind.Audio:
            continue
        for p in placed_items(track, rate, label):
            if not isinstance(p.item, otio.schema.Clip) or not getattr(p.item, "enabled", True) or p.end <= p.start:
                continue
            out.append(
                AudioClip(
                    p.start, p.end, p.item.name or "", label, track_name=track.name or "",
                    source=media_source(p.item), ours=_ours(p.item) or _ours(track),
                )
            )
    out.sort(key=lambda c: (c.start_frame, c.track))
    return out
