"""What ``apply`` adds to a timeline, as plain data independent of the format.

From a plan's cues for one input: one marker per cue (named with the cue id and mood, the description
and hit points in the comment), one marker per hit point, and one temp-music clip per cue on checkerboarded
temp tracks (``TEMP MX A`` / ``TEMP MX B`` ...), so segues and crossfades overlap on different tracks.
Every marker comment and clip name we write carries :data:`otio_scoreplan.OUR_TOKEN` so a later run
finds and replaces it (marker names stay clean: ``1M1 tense``). The names and comments are
:mod:`otio_scoreplan.marker_names`'s, shared with every marker list of ``notes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from ..marker_names import HIT_FRAMES, cue_marker_comment, cue_marker_name, hit_marker_comment, hit_marker_name, tagged
from ..model import SequenceInfo
from ..plan.model import Cue, Plan


@dataclass(frozen=True)
class ApplySettings:
    """Names and colours of what we add (overridable from the rules file's ``[apply]`` table)."""

    cue_color: str = "GREEN"  # OTIO marker colour names: RED, PINK, ORANGE, YELLOW, GREEN, CYAN, BLUE, PURPLE, MAGENTA, BLACK, WHITE
    hit_color: str = "RED"
    track_prefix: str = "TEMP MX"  # tracks are named TEMP MX A, TEMP MX B ...
    hit_markers: bool = True
    new_tracks: bool = False  # True: temp always on new tracks; False: on the editor's own empty music tracks first
    over_editors_music: bool = False  # True: a temp clip also over music the editor laid in the cut (origin music)


@dataclass(frozen=True)
class MarkerAdd:
    """A marker to add, in record frames of the sequence."""

    frame: int
    duration_frames: int
    name: str
    comment: str
    color: str
    cue_id: str
    kind: str  # cue | hit


@dataclass(frozen=True)
class ClipAdd:
    """A temp-music clip to add on temp track ``lane`` (0 = A)."""

    lane: int
    start_frame: int
    end_frame: int
    name: str
    cue_id: str
    media: Path  # the audio file the clip plays
    media_frames: int  # the media's length in sequence frames
    source_in: int  # first frame of the media used
    assigned: bool  # False: silent placeholder, no temp music chosen yet
    fade_in_frames: int = 0  # the clip's entry fade, written as the format's own automation (clean media)
    fade_out_frames: int = 0  # its exit fade, ending at the clip's end
    ride: tuple[tuple[int, float], ...] = ()  # its level under speech: (frame from the clip's start, dB) keyframes,
    # linear in dB between them (audio.duck); written where the format has level keyframes (FCP7 XML, FCPXML)
    fade_out_shape: str = "sine"  # the exit fade's curve (fades.fade_points): 'ring' for a button's decay

    @property
    def duration_frames(self) -> int:
        return self.end_frame - self.start_frame


@dataclass
class Additions:
    sequence: SequenceInfo
    markers: list[MarkerAdd] = field(default_factory=list)
    clips: list[ClipAdd] = field(default_factory=list)
    track_names: list[str] = field(default_factory=list)
    plan: Plan | None = None  # the plan the additions come from (the .otio writer stores it in the timeline)
    input_index: int = 0  # which of the plan's inputs this timeline is
    track_prefix: str = "TEMP MX"  # our tracks' names start with it (a writer tells them from the editor's)
    editors_tracks: bool = True  # lanes go on the editor's own empty music tracks where the format has such
    notes: list[str] = field(default_factory=list)  # what the summary says: which cues play the editor's music,
    # which lanes went on the editor's tracks (writers add theirs)


def plays_editors_music(cue: Cue, settings: ApplySettings) -> bool:
    """Whether ``cue`` is music the editor laid in the cut that gets no temp clip over it (``temp.over_editors_music``)."""
    return cue.origin == "music" and not settings.over_editors_music


def is_music_track_name(name: str) -> bool:
    """Whether a track's name says it holds music ('Musikk 2', 'MX B', 'Music'): the analysis's vocabulary of roles."""
    from ..analyse.music import name_role  # (the one home of role words; analyse imports formats only at its top)

    return name_role(name) == "music"


def temp_cues(cues: list[Cue], settings: ApplySettings | None = None) -> list[Cue]:
    """The cues of ``cues`` that get a temp clip (every cue but those playing the editor's own music)."""
    settings = settings or ApplySettings()
    return [c for c in cues if not plays_editors_music(c, settings)]


def assign_lanes(cues: list[Cue]) -> list[int]:
    """Checkerboard: consecutive cues alternate A/B; a cue overlapping both takes the next free lane."""
    lane_end: list[int] = []  # end frame of the last cue on each lane
    lanes: list[int] = []
    previous = -1
    for cue in cues:
        free = [i for i, end in enumerate(lane_end) if end <= cue.start_frame]
        preferred = [i for i in free if i != previous]
        if preferred:
            lane = min(preferred)
        elif free and len(lane_end) >= 2:
            lane = min(free)
        else:
            lane = len(lane_end)
            lane_end.append(0)
        lane_end[lane] = cue.end_frame
        lanes.append(lane)
        previous = lane
    return lanes


def lane_name(prefix: str, lane: int) -> str:
    """TEMP MX A, TEMP MX B, ... TEMP MX Z, TEMP MX AA ..."""
    letters = ""
    n = lane
    while True:
        letters = chr(ord("A") + n % 26) + letters
        n = n // 26 - 1
        if n < 0:
            break
    return f"{prefix} {letters}"


def within_media(add: ClipAdd) -> ClipAdd | None:
    """``add`` cut to the frames its media holds, so no writer lays a clip reading past its file (a relink or a
    conform refuses one): a clip whose music ends before the clip does (a piece that ends inside the cue's tail)
    ends at its media's last frame, its fade-out shortened by as much (the fade still starts where it did); one
    starting before its media's first frame starts there, its fade-in and its ride shortened. None when no frame of
    the clip has media."""
    start = max(add.start_frame, add.start_frame - add.source_in)
    end = min(add.end_frame, add.start_frame - add.source_in + add.media_frames)
    if end <= start:
        return None
    if (start, end) == (add.start_frame, add.end_frame):
        return add
    shift = start - add.start_frame
    return replace(add, start_frame=start, end_frame=end, source_in=add.source_in + shift,
                   fade_in_frames=max(0, add.fade_in_frames - shift),
                   fade_out_frames=max(0, add.fade_out_frames - (add.end_frame - end)),
                   ride=tuple((f - shift, db) for f, db in add.ride if f >= shift))


def fade_level(add: ClipAdd, x):  # type: ignore[no-untyped-def]
    """The clip's fades alone at ``x`` (frames from its first frame, numpy array): the entry's equal-power points and
    the exit's (:func:`~otio_scoreplan.fades.fade_points`), linear in gain between them, 1 between the fades."""
    import numpy as np

    from ..fades import fade_points

    g = np.ones(np.shape(x))
    if add.fade_in_frames:
        points = fade_points("sine", add.fade_in_frames, True)
        g = g * np.interp(x, [f for f, _ in points], [v for _, v in points])
    if add.fade_out_frames:
        points = fade_points(add.fade_out_shape, add.fade_out_frames, False)
        at = add.duration_frames - add.fade_out_frames
        g = g * np.interp(x, [at + f for f, _ in points], [v for _, v in points])
    return g


def ride_level(add: ClipAdd, x):  # type: ignore[no-untyped-def]
    """The ride under speech at ``x`` (frames from the clip's first frame), dB, linear in dB between its keyframes."""
    import numpy as np

    if not add.ride:
        return np.zeros(np.shape(x))
    return np.interp(x, [f for f, _ in add.ride], [db for _, db in add.ride])


def level_keyframes(add: ClipAdd, in_db: bool = False) -> list[tuple[Fraction, float]]:
    """The clip's level as keyframes ``(frame from its first frame, gain)``: its fades' points times the ride under
    speech, as the mix plays them (render: the fades' points linear in gain, the ride linear in dB).

    A keyframe at every fade point and ride keyframe, and on every frame of a ride's ramp (so an NLE interpolating
    in gain plays the ride's dB ramp within a few hundredths of a dB). ``in_db`` (FCPXML: volume keyframes
    interpolate linearly in dB): where a stretch between two keyframes is linear in gain, sub-frame keyframes
    (the writer puts them on its sample grid) keep dB interpolation within a few hundredths of a dB of it: from
    silence, 3 dB steps up from 45 dB below the stretch's far end (the frame next to silence, where the two part).
    """
    import numpy as np

    from ..fades import fade_points

    n = add.duration_frames
    xs = {0, n}
    if add.fade_in_frames:
        xs |= {f for f, _ in fade_points("sine", add.fade_in_frames, True)}
    if add.fade_out_frames:
        xs |= {n - add.fade_out_frames + f for f, _ in fade_points(add.fade_out_shape, add.fade_out_frames, False)}
    for (f0, d0), (f1, d1) in zip(add.ride, add.ride[1:]):
        xs |= {f0, f1} | (set(range(f0 + 1, f1)) if d0 != d1 else set())
    frames = sorted(Fraction(x) for x in xs if 0 <= x <= n)
    if in_db:
        frames = _db_keyframes(add, frames)
    at = np.array([float(x) for x in frames])
    gains = fade_level(add, at) * 10 ** (ride_level(add, at) / 20)
    return [(x, round(float(g), 5)) for x, g in zip(frames, gains)]


def _db_keyframes(add: ClipAdd, frames: list[Fraction]) -> list[Fraction]:
    """``frames`` with the sub-frame keyframes :func:`level_keyframes` adds for an NLE that interpolates in dB."""
    import math

    import numpy as np

    out: list[Fraction] = []
    for x0, x1 in zip(frames, frames[1:]):
        out.append(x0)
        g0, g1 = (float(v) for v in fade_level(add, np.array([float(x0), float(x1)])))
        if max(g0, g1) <= 0:
            continue
        if min(g0, g1) <= 0:  # from or to silence: toward the silent end, each step 3 dB quieter, to 45 dB under the
            # far end (and no quieter than -90 dB: FCP's floor is -96)
            far = 20 * math.log10(max(g0, g1))
            steps = [k for k in range(1, 16) if far - 3.0103 * k >= -90]  # 2 ** (-k / 2): 3 dB a step
            quiet, loud = (x0, x1) if g0 <= 0 else (x1, x0)
            extra = [quiet + (loud - quiet) * Fraction(2 ** (-k / 2)).limit_denominator(1 << 20) for k in steps]
        else:  # both sound: an equal split as fine as dB and gain interpolation agree within 0.1 dB
            ratio = abs(20 * math.log10(g1 / g0))
            pieces = max(1, math.ceil(ratio / 2.0))  # 2 dB a piece: at most 0.03 dB apart
            extra = [x0 + (x1 - x0) * Fraction(k, pieces) for k in range(1, pieces)]
        out.extend(extra)
    out.append(frames[-1])
    return sorted(set(out))


def build_additions(
    plan: Plan,
    input_index: int,
    sequence: SequenceInfo,
    media_for_cue: dict[str, tuple[Path, int, int, bool]],
    settings: ApplySettings | None = None,
) -> Additions:
    """Markers and temp clips for the cues of input ``input_index``.

    ``media_for_cue`` maps a cue id to (media path, media length in frames, source in frame, assigned[, fade-in
    frames, fade-out frames[, frames the clip starts before the cue, frames it runs past it[, the ride's keyframes[,
    the fade-out's curve]]]]).
    """
    settings = settings or ApplySettings()
    cues = sorted((c for c in plan.cues if c.input == input_index), key=lambda c: (c.start_frame, c.id))
    out = Additions(sequence=sequence, plan=plan, input_index=input_index, track_prefix=settings.track_prefix,
                    editors_tracks=not settings.new_tracks)
    for cue in cues:
        out.markers.append(
            MarkerAdd(cue.start_frame, cue.duration_frames, cue_marker_name(cue), cue_marker_comment(cue, sequence),
                      settings.cue_color, cue.id, "cue")
        )
        if settings.hit_markers:
            for hit in cue.hits:
                out.markers.append(
                    MarkerAdd(hit.frame, HIT_FRAMES, hit_marker_name(cue.id, hit.label), hit_marker_comment(cue.id),
                              settings.hit_color, cue.id, "hit")
                )
    for cue in cues:
        if plays_editors_music(cue, settings):
            out.notes.append(f"{cue.id}: the editor's music plays ({cue.description or 'music in the cut'}); no temp "
                             "clip over it (rules temp.over_editors_music = false)")
    cues = temp_cues(cues, settings)
    # a clip may start before its cue and run past it (a segue's overlap: media tuple items 7 and 8)
    spans = [(cue.start_frame - int((media_for_cue[cue.id][6:7] or [0])[0]),
              cue.end_frame + int((media_for_cue[cue.id][7:8] or [0])[0])) for cue in cues]
    lanes = assign_lanes([replace(cue, start_frame=a, end_frame=b) for cue, (a, b) in zip(cues, spans)])
    for cue, lane, (a, b) in zip(cues, lanes, spans):
        media, media_frames, source_in, assigned, *fades = media_for_cue[cue.id]
        label = cue_marker_name(cue) + ("" if assigned else " (unassigned)")
        clip = within_media(ClipAdd(lane, a, b, tagged(label), cue.id, media, media_frames, source_in, assigned,
                                    *fades[:2], ride=tuple(fades[4]) if len(fades) > 4 else (),
                                    fade_out_shape=str(fades[5]) if len(fades) > 5 else "sine"))
        if clip is None:
            out.notes.append(f"{cue.id}: its temp file holds no frame of the cue; no clip laid")
        else:
            out.clips.append(clip)
    out.track_names = [lane_name(settings.track_prefix, i) for i in range(max(lanes, default=-1) + 1)]
    out.markers.sort(key=lambda m: (m.frame, m.kind != "cue", m.cue_id))
    return out


def settings_from_rules(rules) -> ApplySettings:
    """The ``[apply]`` table (and ``temp.over_editors_music``) of the planning rules as :class:`ApplySettings`."""
    table = rules.get("apply")
    return ApplySettings(
        cue_color=str(table["cue_color"]).upper(),
        hit_color=str(table["hit_color"]).upper(),
        track_prefix=str(table["track_prefix"]),
        hit_markers=bool(table["hit_markers"]),
        new_tracks=bool(table["new_tracks"]),
        over_editors_music=bool(rules.get("temp.over_editors_music")),
    )
