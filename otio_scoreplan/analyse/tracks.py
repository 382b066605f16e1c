"""Tracks, and the clips on the audio tracks with their roles (dialogue, music, effects).

A clip's role is the one the reader found on it (FCPXML roles: ``read_info(clip)["role"]``), else
its track's (from the track's name), else its media folder's ('/03-Lyd/VO/', '/Lydeffekter/').
A track's role is its name's, else the role most of its clips share. Muted tracks and disabled
clips are not in the cut and are left out; nested sequences on audio tracks are opened.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

import opentimelineio as otio

from .. import otiometa
from ..model import Analysis, AudioClip, Shot, TrackInfo
from .music import RoleCache, name_role, role_of, tokens
from .picture import media_source
from .walk import PlacedItem, PlacedTrack, TimelineWalk, tracks_with_labels, walk_timeline


def track_name(track: otio.schema.Track, snap: dict | None = None) -> str:
    """The name the editor gave the track (Premiere keeps it only in ``MZ.TrackName`` of the xmeml)."""
    if track.name:
        return track.name
    snap = otiometa.snapshot(track) if snap is None else snap
    return str(otiometa.field(snap, "fcp_xml", "@MZ.TrackName") or "")


def describe_tracks(
    timeline: otio.schema.Timeline,
    clips: list[AudioClip] | None = None,
    walk: TimelineWalk | None = None,
    roles: RoleCache | None = None,
) -> list[TrackInfo]:
    """One :class:`TrackInfo` per top-level track, with the role its name or its clips give it."""
    roles = roles if roles is not None else RoleCache()
    by_track: dict[str, Counter] = {}
    for c in clips or []:
        by_track.setdefault(c.track, Counter())[c.role] += 1
    out = []
    for track, label, index, snap, children in _top_tracks(timeline, walk):
        kind = "video" if label.startswith("V") else "audio" if label.startswith("A") else "other"
        items = sum(1 for c in children if isinstance(c, (otio.schema.Clip, otio.schema.Stack)))
        name = track_name(track, snap)
        role = roles.name(name) if kind == "audio" else ""
        if kind == "audio" and not role and label in by_track:
            counts = by_track[label]
            top, n = counts.most_common(1)[0]
            if top and n * 10 >= sum(counts.values()) * 6:
                role = top
        out.append(TrackInfo(index=index, kind=kind, name=name, items=items, role=role))
    return out


def own_mix_segments(analysis: Analysis, words: list[str]) -> list[Shot | AudioClip]:
    """Shots and audio clips whose names say they bring their own finished mix ('TEASER', 'Vignett vår 2013',
    'FILM_Break_ufo' bumpers, 'PROMO', 'STING'): a music editor lays no score over them."""
    wanted = {w.lower() for w in words}
    out: list[Shot | AudioClip] = []
    for item in list(analysis.shots) + list(analysis.audio_clips):
        if item.end_frame <= item.start_frame or getattr(item, "kind", "clip") in ("gap", "slug"):
            continue
        toks = tokens(item.name) + tokens(str(getattr(item, "source", "")).replace("\\", "/").rsplit("/", 1)[-1])
        if any(t in wanted or t.rstrip("s") in wanted for t in toks):
            out.append(item)
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


def _top_tracks(
    timeline: otio.schema.Timeline, walk: TimelineWalk | None
) -> Iterator[tuple[otio.schema.Track, str, int, dict | None, Iterable[otio.core.Composable]]]:
    """(track, label, index, metadata snapshot or None, children) of every top-level track, from ``walk`` when given."""
    if walk is None:
        for track, label, index in tracks_with_labels(timeline):
            yield track, label, index, None, track
        return
    for top in walk.tracks:
        yield top.track, top.label, top.index, top.snap, (p.item for p in top.placed.items)


def audio_clips(
    timeline: otio.schema.Timeline, rate: float, walk: TimelineWalk | None = None, roles: RoleCache | None = None
) -> list[AudioClip]:
    """Every enabled clip on an enabled audio track (nested ones included), in record frames.

    ``walk``: the timeline already walked (:func:`.walk.walk_timeline`); ``roles``: the run's memo of
    folder and name roles, shared with :func:`.music.find_music` so each path is judged once.
    """
    walk = walk if walk is not None else walk_timeline(timeline, rate)
    roles = roles if roles is not None else RoleCache()
    out: list[AudioClip] = []
    list_role = "music" if music_list_name(timeline) else ""
    for top in walk.tracks:
        track = top.track
        if track.kind != otio.schema.TrackKind.Audio or not getattr(track, "enabled", True):
            continue
        name = track_name(track, top.snap)
        t_role, t_ours = roles.name(name) or list_role, otiometa.is_added(track, top.snap)
        fades = silence_fades(top.placed)
        for placed, start, end in _clips(top.placed):
            item, snap = placed.item, placed.snap
            source = media_source(item, snap)
            role = role_of(str(otiometa.read_info(item, snap).get("role") or "")) or t_role or roles.folder(source)[0]
            fade_in, fade_out = fades.get(id(placed), (0, 0))
            out.append(AudioClip(start, end, item.name or "", top.label, track_name=name, source=source, role=role,
                                 ours=otiometa.is_added(item, snap) or t_ours, fade_in_frames=fade_in,
                                 fade_out_frames=fade_out))
    out.sort(key=lambda c: (c.start_frame, c.track))
    return out


def silence_fades(placed: PlacedTrack) -> dict[int, tuple[int, int]]:
    """Per clip of a track (by ``id`` of its placed item), the frames of its fade up from silence and down to
    silence: a transition between the clip and nothing (the track's first or last item, a gap, a disabled clip;
    Premiere's cross fade aligned ``start-black``/``end-black``), as long as the transition. Clips with none are
    left out. A cross fade between two clips is no fade from silence: the music plays on through it."""
    items = placed.items

    def silent(i: int) -> bool:
        return not 0 <= i < len(items) or isinstance(items[i].item, otio.schema.Gap) or not getattr(
            items[i].item, "enabled", True)

    out: dict[int, tuple[int, int]] = {}
    for i, p in enumerate(items):
        if not isinstance(p.item, otio.schema.Clip):
            continue
        before = items[i - 1] if i > 0 and isinstance(items[i - 1].item, otio.schema.Transition) else None
        after = items[i + 1] if i + 1 < len(items) and isinstance(items[i + 1].item, otio.schema.Transition) else None
        fade_in = before.end - before.start if before is not None and silent(i - 2) else 0
        fade_out = after.end - after.start if after is not None and silent(i + 2) else 0
        if fade_in > 0 or fade_out > 0:
            out[id(p)] = (max(0, fade_in), max(0, fade_out))
    return out


def _clips(placed: PlacedTrack) -> Iterator[tuple[PlacedItem, int, int]]:
    """Enabled clips of an audio track and of the audio tracks of its nested stacks, clipped to each stack."""
    for p in placed.items:
        child = p.item
        if not getattr(child, "enabled", True) or isinstance(child, (otio.schema.Gap, otio.schema.Transition)):
            continue
        start, end = p.start, p.end
        if end <= start:
            continue
        if isinstance(child, otio.schema.Clip):
            yield p, start, end
        elif isinstance(child, otio.schema.Stack):
            for t in p.inner:
                if t.kind == otio.schema.TrackKind.Audio and t.enabled:
                    for clip, a, b in _clips(t):
                        if b > start and a < end:
                            yield clip, max(a, start), min(b, end)
