"""The plan JSON's one schema, checked once where a plan is read (:func:`check_plan`).

A person edits the plan (``spot --json``) and gives it back to ``apply``, ``notes``, ``render`` and ``spot
--previous``: every field is checked here, with pydantic, before any of them looks at it. Types are strict
(``"entry": "prelap"`` is no object, ``"288"`` no frame, ``true`` no number), numbers finite and bounded,
text free of what no format can carry (lone surrogates, U+FFFE, control characters), and the plan has to
agree with itself: cues inside their sequence, hits inside their cue, pre-laps and tails no longer than it,
one cue per id and per media file name, and each input's sequence still the one its fingerprint was made of
(an edited duration or rate would otherwise render hours of silence or shift every timecode).
Keys the schema does not know are let through (a person's notes, newer fields): only known ones are checked.
"""

from __future__ import annotations

import os
import re
from typing import Annotated, Any, Literal, NotRequired

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
    model_validator,
    with_config,
)
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from ..errors import InputError
from ..schema_types import Flag, Line, Name, Text, first_problem, number, whole
from ..timecode import supports_drop_frame
from . import document

MAX_HOURS = 48  # the longest sequence read (read.MAX_SEQUENCE_HOURS)
MAX_RATE = 1000.0
MAX_FRAMES = int(MAX_HOURS * 3600 * MAX_RATE)  # a bound for any frame count; each is checked against its sequence
Frame = whole(0, MAX_FRAMES)
SignedFrames = whole(-MAX_FRAMES, MAX_FRAMES)


class _Doc(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow", frozen=True)


class SequenceDoc(_Doc):
    name: Text
    rate: number(1.0, MAX_RATE)  # type: ignore[valid-type]
    drop_frame: Flag
    start_frame: Frame
    duration_frames: whole(0, MAX_FRAMES)  # type: ignore[valid-type]  # an empty sequence: a plan of no cues
    format: Line = ""
    application: Line = ""
    rate_assumed: Flag = False
    path: Text = ""

    @model_validator(mode="after")
    def _fits(self) -> SequenceDoc:
        if self.drop_frame and not supports_drop_frame(self.rate):
            raise ValueError(f"drop frame exists at 29.97 and 59.94 only, not at rate {self.rate:g}")
        if self.duration_frames / self.rate > MAX_HOURS * 3600:
            raise ValueError(f"duration_frames {self.duration_frames} lasts more than {MAX_HOURS} hours")
        return self


@with_config(ConfigDict(strict=True, extra="allow"))
class ShotDoc(TypedDict):
    """A shot of the analysis: checked as a dict, not made a model (a feature holds 100,000 of them: 0.1 s)."""

    start_frame: Frame
    end_frame: Frame
    kind: NotRequired[StrictStr]
    source_start_frame: NotRequired[SignedFrames | None]  # type: ignore[valid-type]


class SpanDoc(_Doc):
    """A scene or a reel of the analysis: ``[start_frame, end_frame)`` and a label."""

    start_frame: Frame = 0
    end_frame: Frame = 0
    label: Text = ""
    number: whole(0, 9999) = 1  # type: ignore[valid-type]


class InputDoc(_Doc):
    sequence: SequenceDoc
    fingerprint: Line = ""
    shots: list[ShotDoc] | None = None
    cuts: list[Frame] | None = None  # type: ignore[valid-type]
    scenes: list[SpanDoc] = []
    reels: list[SpanDoc] = []
    transitions: list[dict[str, Any]] = []


class EdgeDoc(_Doc):
    type: Line
    frames: Frame = 0
    cut_frame: SignedFrames | None = None  # type: ignore[valid-type]


class HitDoc(_Doc):
    frame: StrictInt  # any whole number here: the cue's own check says a hit lies outside it
    label: Line = ""


class PreviousHitDoc(HitDoc):
    frame: SignedFrames  # type: ignore[valid-type]  # a frame of the previous cut


MAX_SECONDS = MAX_HOURS * 3600.0
Seconds = number(0.0, MAX_SECONDS)


class MusicEditDoc(_Doc):
    """A music edit the temp conform made (``temp.edits``): seconds ``removed`` or ``added`` at cue second ``at``."""

    at: Seconds  # type: ignore[valid-type]
    picture_at: Seconds = 0.0  # type: ignore[valid-type]
    removed: Seconds = 0.0  # type: ignore[valid-type]
    added: Seconds = 0.0  # type: ignore[valid-type]


class TempDoc(_Doc):
    path: Text
    title: Line = ""
    offset_seconds: Seconds = 0.0  # type: ignore[valid-type]
    reason: Text = ""
    pinned: Flag = False
    # the temp's kept cut: [cue s, piece s, length s] spans tiling the cue from 0 (the piece's end is checked
    # against the piece itself where it is played: tempscore.check_temp_reach)
    cut: list[Annotated[list[Seconds], Field(min_length=3, max_length=3)]] | None = None  # type: ignore[valid-type]
    edits: list[MusicEditDoc] = []

    @model_validator(mode="after")
    def _tiles(self) -> TempDoc:
        spans = self.cut or []
        for n, span in enumerate(spans):
            if span[2] <= 0:
                raise ValueError(f"cut[{n}] lasts {span[2]:g} s: each [cue s, piece s, length s] span needs a length")
        if spans and spans[0][0] > 1e-5:
            raise ValueError(f"cut[0] starts at cue second {spans[0][0]:g}, not at 0: the kept cut must tile the cue")
        for n, (a, b) in enumerate(zip(spans, spans[1:]), 1):
            if abs(a[0] + a[2] - b[0]) > 1e-5:  # the plan keeps them to the microsecond
                raise ValueError(f"cut[{n}] starts at cue second {b[0]:g}, not where cut[{n - 1}] ends "
                                 f"({a[0] + a[2]:g}): the kept cut must tile the cue")
        return self


class PartyDoc(_Doc):
    name: Line = ""
    role: Line = "writer"
    share: number(0.0, 100.0) = 0.0  # type: ignore[valid-type]
    society: Line = ""
    ipi: Line = ""


class FinalDoc(_Doc):
    title: Line | None = None
    composer: Line | None = None
    publisher: Line | None = None
    society: Line | None = None
    usage: Line | None = None
    parties: list[PartyDoc] | None = None
    library: Line | None = None  # version 2: a library piece's library name and catalogue number
    catalogue_number: Line | None = None
    iswc: Line | None = None
    isrc: Line | None = None


class PictureEditDoc(_Doc):
    """A picture edit a recut made inside a cue (``recut.edits``): frames ``removed`` or ``added`` at ``at``."""

    at: Frame  # type: ignore[valid-type]
    previous_at: SignedFrames | None = None  # type: ignore[valid-type]
    removed: Frame = 0  # type: ignore[valid-type]
    added: Frame = 0  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _one_kind(self) -> PictureEditDoc:
        if (self.removed > 0) == (self.added > 0):
            raise ValueError("a recut edit needs either 'removed' or 'added' frames (more than 0), not both")
        return self


class CueChangeDoc(_Doc):
    change: Literal[document.RECUT_CHANGES]  # type: ignore[valid-type]
    previous_id: Line = ""
    previous_start_frame: SignedFrames | None = None  # type: ignore[valid-type]
    previous_end_frame: SignedFrames | None = None  # type: ignore[valid-type]
    moved_frames: SignedFrames = 0  # type: ignore[valid-type]
    length_frames: SignedFrames = 0  # type: ignore[valid-type]
    kept: list[Line] = []
    notes: list[Text] = []
    previous_hits: list[PreviousHitDoc] = []
    edits: list[PictureEditDoc] = []


class SpeechDoc(_Doc):
    start_frame: Frame  # type: ignore[valid-type]
    end_frame: Frame  # type: ignore[valid-type]


class CueDoc(_Doc):
    id: Name
    start_frame: Frame
    end_frame: Frame
    reel: whole(0, 9999) = 1  # type: ignore[valid-type]
    input: whole(0, 9999) = 0  # type: ignore[valid-type]
    kind: Literal["score", "source"] = "score"
    origin: Line = "explicit"
    entry: EdgeDoc | None = None
    exit: EdgeDoc | None = None
    moods: list[Line] = []
    themes: list[Line] = []
    intensity: whole(0, 5) = 3  # type: ignore[valid-type]
    palette: list[Line] = []
    hits: list[HitDoc] = []
    description: Text = ""
    description_digest: Line = ""
    reasons: list[Text] = []
    avoid: list[Line] = []
    temp: TempDoc | None = None
    final: FinalDoc | None = None
    recut: CueChangeDoc | None = None
    speech: list[SpeechDoc] = []  # talk inside the cue, where its temp rides down (optional: older plans have none)

    @model_validator(mode="after")
    def _inside(self) -> CueDoc:
        start, end = self.start_frame, self.end_frame
        if end <= start:
            raise ValueError(f"end_frame {end} is not after start_frame {start}")
        for side, edge, allowed in (("entry", self.entry, document.ENTRY_TYPES), ("exit", self.exit, document.EXIT_TYPES)):
            if edge is None:
                continue
            if edge.type not in allowed:
                raise ValueError(f"{side} type {edge.type!r} is not one of {', '.join(allowed)}")
            if edge.frames > end - start:
                raise ValueError(f"{side} frames {edge.frames} is longer than the cue ({end - start} frames)")
            if edge.cut_frame is not None and not start <= edge.cut_frame <= end:
                raise ValueError(f"{side} cut_frame {edge.cut_frame} lies outside the cue ({start}-{end})")
        for hit in self.hits:
            if not start <= hit.frame <= end:
                raise ValueError(f"hit {hit.label!r} at frame {hit.frame} lies outside its cue ({start}-{end})")
        for talk in self.speech:
            if not start <= talk.start_frame < talk.end_frame <= end:
                raise ValueError(f"speech {talk.start_frame}-{talk.end_frame} is not a span inside its cue ({start}-{end})")
        return self


class ThemeDoc(_Doc):
    name: Line
    introduced_by: Line = ""
    cues: list[Line] = []


class DroppedDoc(_Doc):
    id: Line
    input: whole(0, 9999) = 0  # type: ignore[valid-type]
    start_frame: SignedFrames  # type: ignore[valid-type]
    end_frame: SignedFrames  # type: ignore[valid-type]
    note: Text = ""
    merged_into: Line = ""
    temp: TempDoc | None = None
    final: FinalDoc | None = None


class RecutDoc(_Doc):
    previous_fingerprint: Line = ""
    dropped: list[DroppedDoc] = []


class PlanDoc(_Doc):
    schema_: Literal[document.PLAN_SCHEMA] = Field(alias="schema")  # type: ignore[valid-type]
    version: whole(1, 1_000)  # type: ignore[valid-type]
    sequence: SequenceDoc | None = None
    fingerprint: Line = ""
    rules_digest: Line = ""
    revision: whole(1, 1_000_000) = 1  # type: ignore[valid-type]
    date: Line = ""
    cues: list[CueDoc]
    themes: list[ThemeDoc] = []
    retired_ids: list[Line] = []
    warnings: list[Text] = []
    inputs: list[InputDoc] | None = Field(default=None, min_length=1)
    recut: RecutDoc | None = None

    @model_validator(mode="after")
    def _consistent(self) -> PlanDoc:
        versions = document.READ_VERSIONS
        if self.version not in versions:
            raise ValueError(f"plan version {self.version} is not supported (versions read: "
                             f"{', '.join(map(str, versions))})")
        if self.inputs is None and self.sequence is None:
            raise ValueError("the plan has neither 'inputs' nor a 'sequence'")
        return self

    def sequences(self) -> list[SequenceDoc]:
        return [i.sequence for i in self.inputs] if self.inputs else [self.sequence]  # type: ignore[list-item]


_FILE_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def cue_file_stem(cue_id: str) -> str:
    """The part of a cue's media file names its id gives: anything but letters, digits, ``.-_`` replaced."""
    return _FILE_UNSAFE.sub("_", cue_id).strip("._")


def _cue_place(doc: Any, loc: tuple[Any, ...]) -> str:
    """``cues[2] (1M3).entry`` for a problem inside a cue that has a readable id."""
    if len(loc) >= 2 and loc[0] == "cues" and isinstance(loc[1], int):
        try:
            cue_id = doc["cues"][loc[1]]["id"]
        except (KeyError, IndexError, TypeError):
            cue_id = None
        rest = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[2:])
        label = f" ({cue_id})" if isinstance(cue_id, str) and 0 < len(cue_id.strip()) <= 40 and cue_id.isprintable() else ""
        return f"cues[{loc[1]}]{label}{rest}"
    return ""


def _cross_checks(plan: PlanDoc) -> str:
    """What the plan's parts say against each other, or ''."""
    sequences = plan.sequences()
    seen: dict[str, str] = {}
    for n, cue in enumerate(plan.cues):
        where = f"cues[{n}] ({cue.id})"
        if cue.input >= len(sequences):
            return f"{where}: input {cue.input} is not one of the plan's {len(sequences)} input(s)"
        duration = sequences[cue.input].duration_frames
        if cue.end_frame > duration:
            return f"{where}: the cue ({cue.start_frame}-{cue.end_frame}) runs past its sequence's end ({duration})"
        stem = cue_file_stem(cue.id)
        if not stem:
            return f"{where}: the id gives no file name for its media (use letters and digits, e.g. 1M1)"
        other = seen.get(stem.lower())
        if other is not None:
            same = "the same id" if other == cue.id else f"the same media file name as cue {other!r} ({stem}.wav)"
            return f"{where}: {same}; every cue needs an id of its own"
        seen[stem.lower()] = cue.id
    for n, entry in enumerate(plan.inputs or ()):
        problem = _fingerprint_problem(entry)
        if problem:
            return f"inputs[{n}].sequence: {problem}"
    return ""


def _fingerprint_problem(entry: InputDoc) -> str:
    """Whether the input's sequence and shots still give its fingerprint (when the plan holds its shots)."""
    from .fingerprint import digest

    if entry.shots is None or entry.cuts is None or not entry.fingerprint:
        return ""
    seq = entry.sequence
    shots = [[s["start_frame"], s["end_frame"], s.get("kind", "clip")] for s in entry.shots]
    if digest(seq.rate, seq.drop_frame, seq.start_frame, seq.duration_frames, shots, entry.cuts) == entry.fingerprint:
        return ""
    return ("the sequence (rate, drop frame, start or duration) or its shots were edited: they no longer give the "
            "plan's fingerprint; a plan's sequence must stay the cut's (run `scoreplan spot` on the cut again)")


def check_plan(doc: Any, path: str | os.PathLike | None = None) -> PlanDoc:
    """``doc`` checked against the plan schema; :class:`InputError` naming ``path`` and the first problem."""
    if not isinstance(doc, dict) or doc.get("schema") != document.PLAN_SCHEMA:
        raise InputError(f"not an otio-scoreplan plan (expected schema {document.PLAN_SCHEMA!r})", path)
    try:
        plan = PlanDoc.model_validate(doc)
    except ValidationError as exc:
        raise InputError(f"malformed plan: {first_problem(exc, lambda loc: _cue_place(doc, loc))}", path) from None
    problem = _cross_checks(plan)
    if problem:
        raise InputError(f"malformed plan: {problem}", path)
    return plan
