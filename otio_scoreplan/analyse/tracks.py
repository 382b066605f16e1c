"""Tracks, and the clips on the audio tracks with their roles (dialogue, music, effects).

A clip's role is the one the reader found on it (FCPXML roles: ``read_info(clip)["role"]``), else
its track's (from the track's name), else its media folder's ('/03-Lyd/VO/', '/Lydeffekter/').
A track's role is its name's, else the role most of its clips share. Muted tracks and disabled
clips are not in the cut and are left out; nested sequences on audio tracks are opened.
"""

from __future__ import annotations

import re
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
    'FILM_Break_ufo' bumpers, 'PROMO', 'STING'), and the company logos and cards at the head
    (:func:`head_logos`): a music editor lays no score over them."""
    wanted = {w.lower() for w in words}
    out: list[Shot | AudioClip] = []
    for item in list(analysis.shots) + list(analysis.audio_clips):
        if item.end_frame <= item.start_frame or getattr(item, "kind", "clip") in ("gap", "slug"):
            continue
        if any(t in wanted or t.rstrip("s") in wanted for t in _item_words(item)):
            out.append(item)
    seen = {id(x) for x in out}
    out += [x for x in head_logos(analysis) if id(x) not in seen]
    return sorted(out, key=lambda x: (x.start_frame, x.end_frame))


def _item_words(item: Shot | AudioClip) -> list[str]:
    """The words of a clip's name and of its media's file name."""
    return tokens(item.name) + tokens(str(getattr(item, "source", "")).replace("\\", "/").rsplit("/", 1)[-1])


# Names of the company cards a feature opens on ('BLUMHOUSE_PRODUCTIONS', 'X PICTURES PRESENTS', 'Y FILMS',
# 'Z ENTERTAINMENT'), as whole words: the singular 'production', 'picture', 'film' or 'studio' names shots too.
COMPANY_CARD_WORDS = frozenset("productions pictures films studios entertainment presents distribution releasing".split())
HEAD_LOGO_SECONDS = 120.0  # logos and company cards play within the programme's first two minutes
MAX_LOGO_SECONDS = 60.0  # one logo or card runs 5-30 s: a longer clip is the programme, whatever its name


def _logo_named(item: Shot | AudioClip) -> bool:
    words = _item_words(item)
    return any("logo" in w for w in words) or not COMPANY_CARD_WORDS.isdisjoint(words)


def head_logos(analysis: Analysis) -> list[Shot | AudioClip]:
    """The company logos and cards a programme opens on, after its head leader: studio and distributor logos
    ('UNILOGO_2012_S235', any name with 'logo' in a word) and production company cards ('BLUMHOUSE_PRODUCTIONS').
    Each brings its own sound (the logo's fanfare or sound design), like an ident: no score over it.

    Only at the head: the run of such shots (black between them allowed) that the picture starts with, each at
    most :data:`MAX_LOGO_SECONDS` long and starting within :data:`HEAD_LOGO_SECONDS` of the programme's start;
    the first other shot ends the run. An audio-only list (no picture) is read the same way on its clips. The
    audio clips named so inside the run are part of it."""
    from .leaders import find_leaders  # leaders read names with .music, as this module does

    rate = analysis.sequence.rate
    start = max([x.end_frame for x in find_leaders(analysis) if x.where == "head"] or [0])
    shots = [s for s in analysis.shots if s.end_frame > s.start_frame]
    picture = [s for s in shots if s.kind not in ("gap", "slug")]
    sound = [c for c in analysis.audio_clips if c.end_frame > c.start_frame and not c.ours and c.role != "music"]
    items: list[Shot | AudioClip] = sorted((shots if picture else sound), key=lambda x: (x.start_frame, x.end_frame))
    run: list[Shot | AudioClip] = []
    for item in items:
        if item.end_frame <= start:
            continue
        if getattr(item, "kind", "clip") in ("gap", "slug"):
            continue  # black between logos
        if (item.start_frame - start > HEAD_LOGO_SECONDS * rate or item.end_frame - item.start_frame > MAX_LOGO_SECONDS * rate
                or not _logo_named(item)):
            break
        run.append(item)
    if not run or not picture:
        return run
    first, last = min(x.start_frame for x in run), max(x.end_frame for x in run)
    return run + [c for c in sound if c.start_frame >= first and c.end_frame <= last and _logo_named(c)]


def music_list_name(timeline: otio.schema.Timeline) -> str:
    """The sequence's name when it is an audio-only list named for music ('12_16 TL01 MUSIC'), else ''."""
    name = timeline.name or ""
    if name_role(name) != "music":
        return ""
    for track in timeline.tracks:
        if track.kind == otio.schema.TrackKind.Video and any(isinstance(c, otio.schema.Clip) for c in track.find_clips()):
            return ""
    return name


def dialogue_list_name(timeline: otio.schema.Timeline, file_name: str = "", walk: TimelineWalk | None = None) -> str:
    """The name that says an audio-only list is the dialogue's ('INS4_R1_DX_092117', 'R2 DIALOGUE'): the
    sequence's, else the file's (an Avid list keeps 'DX' in its file name, not in its TITLE); '' for any other.

    A dialogue editor's list (production sound, ADR, group loop) is what is said in the reel: its clips are
    dialogue even on tracks named 'A1', 'A2'."""
    if music_list_name(timeline) or any(
            track.kind == otio.schema.TrackKind.Video and any(isinstance(c, otio.schema.Clip) for c in track.find_clips())
            for track in timeline.tracks):
        return ""
    stem = file_name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    named = next((n for n in (timeline.name or "", stem) if n and name_role(n) == "dialogue"), "")
    return named or (f"{timeline.name or stem or 'the list'} (production sound)" if _mostly_camera_sound(timeline, walk) else "")


# a camera's own clip name (ARRI/Canon 'A068C008_160823_R1BY', RED 'A001_C001_0101AB'): production sound recorded with
# the picture; an audio-only list made mostly of it is the dialogue's, whatever the list or its file is called
_CAMERA_CLIP = re.compile(r"^[A-Z]\d{3}_?C\d{3}_\d{4,6}", re.IGNORECASE)


def _mostly_camera_sound(timeline: otio.schema.Timeline, walk: TimelineWalk | None = None) -> bool:
    """Whether at least half the audio of an audio-only list (by length) comes from camera clips (:data:`_CAMERA_CLIP`):
    the content says it is a dialogue list when the name does not (our own output of an Avid DX list, renamed).
    ``walk``: the timeline already walked, whose metadata snapshots are read (each object's metadata once)."""
    walk = walk if walk is not None else walk_timeline(timeline, 24.0)
    camera = total = 0
    for top in walk.tracks:
        if top.track.kind != otio.schema.TrackKind.Audio:
            continue
        for placed in top.placed.items:
            item, snap = placed.item, placed.snap
            if not isinstance(item, otio.schema.Clip) or placed.end <= placed.start or otiometa.is_added(item, snap):
                continue
            total += placed.end - placed.start
            comments = otiometa.field(snap, "cmx_3600", "comments") or []  # an EDL's '* SOURCE FILE:' line
            files = [str(c).split(":", 1)[1].strip() for c in comments if str(c).upper().startswith("SOURCE FILE:")]
            names = [n.replace("\\", "/").rsplit("/", 1)[-1] for n in (media_source(item, snap), item.name or "", *files)]
            if any(_CAMERA_CLIP.match(n) for n in names):
                camera += placed.end - placed.start
    return total > 0 and camera >= 0.5 * total


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
    timeline: otio.schema.Timeline, rate: float, walk: TimelineWalk | None = None, roles: RoleCache | None = None,
    file_name: str = "",
) -> list[AudioClip]:
    """Every enabled clip on an enabled audio track (nested ones included), in record frames.

    ``walk``: the timeline already walked (:func:`.walk.walk_timeline`); ``roles``: the run's memo of
    folder and name roles, shared with :func:`.music.find_music` so each path is judged once; ``file_name``:
    the file read, whose name may say the list is the dialogue's (:func:`dialogue_list_name`).
    """
    walk = walk if walk is not None else walk_timeline(timeline, rate)
    roles = roles if roles is not None else RoleCache()
    out: list[AudioClip] = []
    list_role = "music" if music_list_name(timeline) else "dialogue" if dialogue_list_name(timeline, file_name, walk) else ""
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
            info = otiometa.read_info(item, snap)
            role = role_of(str(info.get("role") or "")) or t_role or roles.folder(source)[0]
            fade_in, fade_out = fades.get(id(placed), (0, 0))
            levels = info.get("levels")
            if levels:  # the editor's Audio Levels keyframes: a fade only where the clip's edge is its own
                ramp_in, ramp_out = keyframe_fades(levels, placed.end - placed.start)
                fade_in = max(fade_in, ramp_in if start == placed.start else 0)
                fade_out = max(fade_out, ramp_out if end == placed.end else 0)
            out.append(AudioClip(start, end, item.name or "", top.label, track_name=name, source=source, role=role,
                                 ours=otiometa.is_added(item, snap) or t_ours, fade_in_frames=fade_in,
                                 fade_out_frames=fade_out))
    out.sort(key=lambda c: (c.start_frame, c.track))
    return out


SILENT_GAIN = 0.001  # a level keyframe at or below this gain (-60 dB; the editor's -inf is 0) is silence
RAMP_STEP_DB = 3.0  # a fade's keyframes step the level by at least this much each, or follow each other within
RAMP_CURVE_FRAMES = 12  # this many frames (a curve drawn with many keyframes); a smaller, longer step rides the level
_RAMP_STEP = 10 ** (RAMP_STEP_DB / 20)


def _level_at(points: list[tuple[float, float]], x: float) -> float:
    """The level at ``x`` (frames from the clip's first frame), linear in gain between keyframes, held past them."""
    if x <= points[0][0]:
        return points[0][1]
    for (a, ga), (b, gb) in zip(points, points[1:]):
        if x <= b:
            return ga if b == a else ga + (gb - ga) * (x - a) / (b - a)
    return points[-1][1]


def _ramp_end(points: list[tuple[float, float]]) -> float | None:
    """Where the rise out of silence at the head of ``points`` (in time order, starting silent) tops out: past the
    silent keyframes, the last of the keyframes rising one after another, each by at least :data:`RAMP_STEP_DB` or
    within :data:`RAMP_CURVE_FRAMES` of the last (a smaller, longer step is a level ride after the fade); None when
    none rises."""
    i = 0
    while i < len(points) and points[i][1] <= SILENT_GAIN:
        i += 1
    top = None
    while i < len(points) and (top is None or _steep(points[i - 1], points[i])):
        top = points[i][0]
        i += 1
    return top


def _steep(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """The step from keyframe ``a`` up to ``b`` is part of a fade: up by 3 dB or more, or up within 12 frames (the
    flat top of a sine curve drawn keyframe by keyframe); not a ride of a dB or two over seconds."""
    return b[1] > a[1] and (b[1] >= a[1] * _RAMP_STEP or abs(b[0] - a[0]) <= RAMP_CURVE_FRAMES)


def keyframe_fades(levels, length: int) -> tuple[int, int]:
    """(fade-in, fade-out) frames a clip ``length`` frames long makes with its level keyframes (``[frames from its
    first frame, gain]``, as the readers record them: FCP7/Premiere Audio Levels): a fade up from silence when the
    level at its first frame is silent, lasting to the top of the rise that follows (keyframes rising one after
    another); a fade down to silence when the level at its end is silent, from where the fall that ends in silence
    begins. A level ride that never reaches silence at an edge is no fade (the clip starts or stops at its level)."""
    try:
        points = sorted((float(x), float(g)) for x, g in levels)
    except (TypeError, ValueError):
        return 0, 0
    if not points or length <= 0:
        return 0, 0
    inside = [p for p in points if 0 < p[0] < length]
    fade_in = fade_out = 0
    if _level_at(points, 0) <= SILENT_GAIN:
        top = _ramp_end(inside)
        fade_in = int(round(top)) if top is not None else 0
    if _level_at(points, length) <= SILENT_GAIN:
        start = _ramp_end([(length - x, g) for x, g in reversed(inside)])  # the fall, read backwards from the end
        fade_out = int(round(start)) if start is not None else 0
    return max(0, min(fade_in, length)), max(0, min(fade_out, length))


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
