"""Plain data produced by the analysis step: what a cut holds, in whole frames of record time.

Frames count from the sequence's first frame (0); every range is ``[start_frame, end_frame)``.
Timecodes are record timecode (the sequence's start timecode plus the frame).
Everything here is JSON-serialisable through :func:`analysis_to_json`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from . import timecode as tc

INSPECT_SCHEMA = "otio-scoreplan/inspect"
INSPECT_VERSION = 1


@dataclass(frozen=True)
class SequenceInfo:
    """The sequence (timeline) that was read."""

    name: str
    rate: float
    drop_frame: bool
    start_frame: int  # record timecode of frame 0, as an absolute frame count
    duration_frames: int
    format: str  # fcp7_xml | fcpxml | edl | aaf | otio
    application: str = "unknown"  # premiere | resolve | avid | fcpx | fcp7 | lightworks | ...
    rate_assumed: bool = False  # True when no rate was given nor found (EDL): 24 was assumed
    path: str = ""

    def timecode(self, frame: int) -> str:
        """Record timecode of a frame counted from the sequence's first frame."""
        return tc.to_timecode(self.start_frame + frame, self.rate, self.drop_frame)

    @property
    def start_timecode(self) -> str:
        return self.timecode(0)

    @property
    def end_timecode(self) -> str:
        return self.timecode(self.duration_frames)


@dataclass(frozen=True)
class TrackInfo:
    """One track of the sequence."""

    index: int  # 1-based within its kind, as editors number them (V1, A1 ...)
    kind: str  # video | audio | other
    name: str
    items: int  # clips on the track
    role: str = ""  # dialogue | music | effects | "" (guessed from names, see analyse.music)

    @property
    def label(self) -> str:
        prefix = {"video": "V", "audio": "A"}.get(self.kind, "T")
        return f"{prefix}{self.index}"


@dataclass(frozen=True)
class Shot:
    """A stretch of the picture: the topmost video item over ``[start_frame, end_frame)``.

    ``source_start_frame`` is the frame of the item's media shown at ``start_frame``: its source in point
    (later by as much when a transition or a higher track hides the item's head), counted at the sequence's rate
    (media at another rate by its time, to the nearest frame). None where media frames do not follow the
    picture's one for one or there is no media: gaps, slug, generators, reference-video cuts, a speed change or
    freeze frame, a clip without a source range. A plan or JSON written before the field reads as None.
    """

    start_frame: int
    end_frame: int
    name: str
    kind: str = "clip"  # clip | gap | slug | nested | generator | reference (cut from a reference video)
    track: str = ""  # V1 ...
    source: str = ""  # media path or reel
    scene: str = ""  # scene number the reader found in the clip's metadata (Avid Scene column ...)
    source_start_frame: int | None = None  # the media's frame shown at start_frame (sequence-rate frames)


@dataclass(frozen=True)
class Overlay:
    """A title or graphic on the video tracks over ``[start_frame, end_frame)`` (``analyse.overlays.find_overlays``).

    ``kind``: ``title`` (a text generator or an item named for a title or credits), ``lower_third`` (a super,
    caption or name strap over picture: names over an interview, no cue for music), ``graphic`` (a still, an
    After Effects/Motion render or media from a graphics folder), ``overlay`` (another generator laid over
    picture: a matte, a shape). ``over_picture``: picture lies below it where it starts (else it is a card).
    """

    start_frame: int
    end_frame: int
    name: str
    kind: str
    track: str = ""
    source: str = ""
    over_picture: bool = True


@dataclass(frozen=True)
class Transition:
    """A transition in the picture; ``cut_frame`` is where the cut would be without it."""

    start_frame: int
    end_frame: int
    cut_frame: int
    kind: str  # dissolve | fade_in | fade_out | dip (to black/colour) | wipe | other
    name: str = ""
    track: str = ""


@dataclass(frozen=True)
class Annotation:
    """A marker, locator or clip note, in record time."""

    frame: int
    duration_frames: int
    name: str
    comment: str = ""
    color: str = ""
    origin: str = ""  # e.g. "sequence marker", "clip marker: 'A001_C002' on V1", "locator on V1", "clip note"
    kind: str = "marker"  # marker | locator | clip_note | chapter | todo
    user: str = ""
    ours: bool = False  # written by otio-scoreplan (carries our tag)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def text(self) -> str:
        """Name and comment together, for matching words."""
        if self.comment and self.name and self.comment.strip() == self.name.strip():
            return self.name  # Avid locators and EDL LOCs carry one text, read as both name and comment
        return " ".join(p for p in (self.name, self.comment) if p)


@dataclass(frozen=True)
class Scene:
    start_frame: int
    end_frame: int
    label: str
    evidence: str  # what the boundary rests on: "scene marker 'SC 12'", "clip names", "fade to black" ...


@dataclass(frozen=True)
class Reel:
    number: int
    start_frame: int
    end_frame: int
    evidence: str


@dataclass(frozen=True)
class AudioClip:
    """A clip on an audio track (used for dialogue density and music already in the cut)."""

    start_frame: int
    end_frame: int
    name: str
    track: str  # A1 ...
    track_name: str = ""
    source: str = ""  # media path
    role: str = ""  # dialogue | music | effects | "" (from track names, roles, folders)
    ours: bool = False
    fade_in_frames: int = 0  # a fade up from silence at its head (a transition from nothing on its track)
    fade_out_frames: int = 0  # a fade down to silence at its tail (a transition to nothing)


@dataclass(frozen=True)
class MusicClip:
    """Music the editor already laid in the cut."""

    start_frame: int
    end_frame: int
    name: str
    track: str
    source: str
    evidence: str
    fade_in_frames: int = 0  # the editor's fade up from silence at its head (0: it starts hard)
    fade_out_frames: int = 0  # the editor's fade down to silence at its tail (0: it stops hard)


@dataclass
class Analysis:
    """Everything the planner needs to know about a cut."""

    sequence: SequenceInfo
    tracks: list[TrackInfo] = field(default_factory=list)
    shots: list[Shot] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    # Annotations the file holds that fall outside the sequence (e.g. markers on the unused part of
    # a clip's media); kept so nothing of the editor's is silently lost, never planned from.
    unplaced_annotations: list[Annotation] = field(default_factory=list)
    scenes: list[Scene] = field(default_factory=list)
    scene_note: str = ""  # e.g. "no scene structure found"
    reels: list[Reel] = field(default_factory=list)
    audio_clips: list[AudioClip] = field(default_factory=list)
    music: list[MusicClip] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Edit points of every enabled video track, those hidden under a flattened export laid over the edit included
    # (``analyse.music.picture_layout``); the shots above show only the topmost picture.
    picture_edits: list[int] = field(default_factory=list)
    # Titles, supers and graphics on the video tracks (those over picture included, which ``shots`` leave out)
    overlays: list[Overlay] = field(default_factory=list)

    @property
    def cuts(self) -> list[int]:
        """Frames where the picture changes from one shot to the next (0 and the end excluded)."""
        return [s.start_frame for s in self.shots[1:]]

    @property
    def editor_annotations(self) -> list[Annotation]:
        """The editor's own annotations: ours (from an earlier run) left out."""
        return [a for a in self.annotations if not a.ours]


def _with_timecodes(seq: SequenceInfo, item: dict[str, Any]) -> dict[str, Any]:
    out = dict(item)
    if "start_frame" in out:
        out["start_timecode"] = seq.timecode(out["start_frame"])
    if "end_frame" in out:
        out["end_timecode"] = seq.timecode(out["end_frame"])
    if "frame" in out:
        out["timecode"] = seq.timecode(out["frame"])
    return out


def sequence_to_json(seq: SequenceInfo) -> dict[str, Any]:
    """The ``sequence`` object shared by ``inspect --json`` and the plan."""
    return {
        "name": seq.name,
        "rate": round(seq.rate, 9),
        "rate_label": tc.rate_label(seq.rate),
        "drop_frame": seq.drop_frame,
        "start_timecode": seq.start_timecode,
        "start_frame": seq.start_frame,
        "duration_frames": seq.duration_frames,
        "end_timecode": seq.end_timecode,
        "format": seq.format,
        "application": seq.application,
        "rate_assumed": seq.rate_assumed,
        "path": seq.path,
    }


def analysis_to_json(analysis: Analysis) -> dict[str, Any]:
    """The documented, versioned JSON of ``scoreplan inspect --json`` (see README)."""
    seq = analysis.sequence
    rows = lambda items: [_with_timecodes(seq, asdict(i)) for i in items]  # noqa: E731
    tracks = [dict(asdict(t), label=t.label) for t in analysis.tracks]
    return {
        "schema": INSPECT_SCHEMA,
        "version": INSPECT_VERSION,
        "sequence": sequence_to_json(seq),
        "tracks": tracks,
        "shots": rows(analysis.shots),
        "cuts": analysis.cuts,
        "transitions": rows(analysis.transitions),
        "scenes": rows(analysis.scenes),
        "scene_note": analysis.scene_note,
        "reels": rows(analysis.reels),
        "annotations": rows(analysis.annotations),
        "unplaced_annotations": rows(analysis.unplaced_annotations),
        "music": rows(analysis.music),
        "audio_clips": rows(analysis.audio_clips),
        "overlays": rows(analysis.overlays),
        "warnings": list(analysis.warnings),
    }
