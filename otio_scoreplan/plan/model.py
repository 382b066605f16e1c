"""The plan: a cue list, as plain data, and its versioned JSON ("otio-scoreplan/plan", version 1).

Frames count from the first frame of the cue's input sequence; every range is ``[start_frame, end_frame)``.
A cue's range is where its music sounds: a pre-lap starts ``entry.frames`` before the cut
``entry.cut_frame``; a tail-out ends ``exit.frames`` after the cut ``exit.cut_frame``.
Intensity is an integer from 1 (barely there) to 5 (full out).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..model import SequenceInfo, sequence_to_json

PLAN_SCHEMA = "otio-scoreplan/plan"
PLAN_VERSION = 1

ENTRY_TYPES = ("hard_in", "prelap", "fade_in", "segue")
EXIT_TYPES = ("hard_out", "tail_out", "fade_out", "segue")


@dataclass(frozen=True)
class Edge:
    """How a cue enters or leaves: ``type`` plus, for pre-laps, tails and crossfades, a length in frames."""

    type: str
    frames: int = 0  # pre-lap / tail length; for a segue, the crossfade overlap with the neighbour
    cut_frame: int | None = None  # the picture cut a pre-lap or tail is anchored on


@dataclass(frozen=True)
class Hit:
    """A frame-accurate sync point inside a cue."""

    frame: int
    label: str


@dataclass(frozen=True)
class TempPick:
    """The temp music chosen (``--library``) or pinned by a person for a cue: the plan's ``temp`` object."""

    path: str
    title: str = ""
    offset_seconds: float = 0.0
    reason: str = ""
    pinned: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "title": self.title, "offset_seconds": self.offset_seconds,
                               "reason": self.reason}
        if self.pinned:
            out["pinned"] = True
        return out

    @classmethod
    def from_json(cls, d: Any) -> "TempPick | None":
        if not isinstance(d, dict) or not d.get("path"):
            return None
        return cls(str(d["path"]), str(d.get("title", "")), float(d.get("offset_seconds") or 0.0),
                   str(d.get("reason", "")), bool(d.get("pinned", False)))


@dataclass(frozen=True)
class Cue:
    """One music cue of the plan."""

    start_frame: int
    end_frame: int
    kind: str = "score"  # score | source
    origin: str = "auto"  # explicit (a direction) | music (already in the cut) | grown (mood/theme note) | auto
    entry: Edge = Edge("hard_in")
    exit: Edge = Edge("hard_out")
    moods: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    intensity: int = 0  # 1..5; 0 while planning means "from the mood table"
    palette: tuple[str, ...] = ()
    hits: tuple[Hit, ...] = ()
    description: str = ""
    reasons: tuple[str, ...] = ()
    id: str = ""
    reel: int = 1
    input: int = 0  # which input file (one per reel) the frames count in
    wanted_id: str = ""  # an id the editor wrote in a marker, kept when numbering
    temp: TempPick | None = None  # temp music chosen from a library (--library), or pinned by a person
    final: tuple[tuple[str, str], ...] = ()  # the final music's catalogue data (title, composer, publisher,
    # society, usage) as a person enters it in the plan's ``final`` object; kept as written for the cue sheet

    @property
    def duration_frames(self) -> int:
        return self.end_frame - self.start_frame


@dataclass(frozen=True)
class ThemeUse:
    """Where a theme (leitmotif) is heard: the cue that introduced it and every cue it recurs in."""

    name: str
    introduced_by: str
    cues: tuple[str, ...]


@dataclass
class Plan:
    """A cue list for one or more inputs (one per reel), with the analysis it was made from."""

    sequences: list[SequenceInfo]
    fingerprints: list[str]
    cues: list[Cue]
    themes: list[ThemeUse] = field(default_factory=list)
    retired_ids: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rules_digest: str = ""
    analyses: list[dict[str, Any]] = field(default_factory=list)  # shots, cuts, transitions, scenes, reels per input
    fingerprint: str = ""  # of all inputs together


def _edge_json(edge: Edge, rate: float) -> dict[str, Any]:
    out: dict[str, Any] = {"type": edge.type, "frames": edge.frames}
    if edge.type == "tail_out":
        out["seconds"] = round(edge.frames / rate, 3)
    if edge.cut_frame is not None:
        out["cut_frame"] = edge.cut_frame
    return out


def cue_to_json(cue: Cue, seq: SequenceInfo) -> dict[str, Any]:
    """One entry of the plan's ``cues`` list."""
    return {
        "id": cue.id,
        "reel": cue.reel,
        "input": cue.input,
        "start_frame": cue.start_frame,
        "end_frame": cue.end_frame,
        "start_timecode": seq.timecode(cue.start_frame),
        "end_timecode": seq.timecode(cue.end_frame),
        "duration_frames": cue.duration_frames,
        "duration_seconds": round(cue.duration_frames / seq.rate, 3),
        "kind": cue.kind,
        "origin": cue.origin,
        "entry": _edge_json(cue.entry, seq.rate),
        "exit": _edge_json(cue.exit, seq.rate),
        "moods": list(cue.moods),
        "themes": list(cue.themes),
        "intensity": cue.intensity,
        "palette": list(cue.palette),
        "hits": [{"frame": h.frame, "timecode": seq.timecode(h.frame), "label": h.label} for h in cue.hits],
        "description": cue.description,
        "reasons": list(cue.reasons),
        **({"temp": cue.temp.to_json()} if cue.temp else {}),
        **({"final": dict(cue.final)} if cue.final else {}),
    }


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The documented plan JSON (see the module docstring of :mod:`otio_scoreplan.plan`)."""
    inputs = []
    for i, seq in enumerate(plan.sequences):
        entry = {"sequence": sequence_to_json(seq), "fingerprint": plan.fingerprints[i]}
        entry.update(plan.analyses[i] if i < len(plan.analyses) else {})
        inputs.append(entry)
    return {
        "schema": PLAN_SCHEMA,
        "version": PLAN_VERSION,
        "sequence": sequence_to_json(plan.sequences[0]),
        "fingerprint": plan.fingerprint,
        "rules_digest": plan.rules_digest,
        "cues": [cue_to_json(c, plan.sequences[c.input]) for c in plan.cues],
        "themes": [{"name": t.name, "introduced_by": t.introduced_by, "cues": list(t.cues)} for t in plan.themes],
        "retired_ids": list(plan.retired_ids),
        "warnings": list(plan.warnings),
        "inputs": inputs,
    }


def sequence_from_json(d: dict[str, Any]) -> SequenceInfo:
    """A :class:`~otio_scoreplan.model.SequenceInfo` from the ``sequence`` object of a plan or inspect JSON."""
    return SequenceInfo(
        name=str(d["name"]),
        rate=float(d["rate"]),
        drop_frame=bool(d["drop_frame"]),
        start_frame=int(d["start_frame"]),
        duration_frames=int(d["duration_frames"]),
        format=str(d.get("format", "")),
        application=str(d.get("application", "unknown")),
        rate_assumed=bool(d.get("rate_assumed", False)),
        path=str(d.get("path", "")),
    )


def _edge_from_json(d: dict[str, Any], allowed: tuple[str, ...]) -> Edge:
    kind = str(d.get("type", allowed[0]))
    if kind not in allowed:
        raise ValueError(f"edge type {kind!r} is not one of {', '.join(allowed)}")
    cut = d.get("cut_frame")
    return Edge(kind, int(d.get("frames", 0)), int(cut) if cut is not None else None)


def _cue_from_json(d: dict[str, Any]) -> Cue:
    return Cue(
        start_frame=int(d["start_frame"]),
        end_frame=int(d["end_frame"]),
        kind=str(d.get("kind", "score")),
        origin=str(d.get("origin", "explicit")),
        entry=_edge_from_json(d.get("entry") or {}, ENTRY_TYPES),
        exit=_edge_from_json(d.get("exit") or {}, EXIT_TYPES),
        moods=tuple(str(m) for m in d.get("moods", [])),
        themes=tuple(str(t) for t in d.get("themes", [])),
        intensity=int(d.get("intensity", 3)),
        palette=tuple(str(p) for p in d.get("palette", [])),
        hits=tuple(Hit(int(h["frame"]), str(h.get("label", ""))) for h in d.get("hits", [])),
        description=str(d.get("description", "")),
        reasons=tuple(str(r) for r in d.get("reasons", [])),
        id=str(d["id"]),
        reel=int(d.get("reel", 1)),
        input=int(d.get("input", 0)),
        temp=TempPick.from_json(d.get("temp")),
        final=tuple((str(k), str(v)) for k, v in d["final"].items()) if isinstance(d.get("final"), dict) else (),
    )


# C0 control characters other than tab and line ends: XML cannot hold them, editors never type them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plan_from_json(doc: Any, path: str | os.PathLike | None = None) -> Plan:
    """A :class:`Plan` from its JSON; an :class:`InputError` naming ``path`` when it is not one."""
    if not isinstance(doc, dict) or doc.get("schema") != PLAN_SCHEMA:
        raise InputError(f"not an otio-scoreplan plan (expected schema {PLAN_SCHEMA!r})", path)
    if doc.get("version") != PLAN_VERSION:
        raise InputError(f"plan version {doc.get('version')!r} is not supported (this is version {PLAN_VERSION})", path)
    try:
        inputs = doc.get("inputs") or [{"sequence": doc["sequence"], "fingerprint": doc.get("fingerprint", "")}]
        sequences = [sequence_from_json(i["sequence"]) for i in inputs]
        cues = [_cue_from_json(c) for c in doc.get("cues", [])]
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed plan: {type(exc).__name__}: {exc}", path) from None
    for c in cues:
        if not 0 <= c.input < len(sequences) or c.end_frame <= c.start_frame or c.kind not in ("score", "source"):
            raise InputError(f"malformed plan: cue {c.id!r} has a bad input, range or kind", path)
        texts = (c.id, c.description, *c.moods, *c.themes, *c.palette, *c.reasons, *(h.label for h in c.hits))
        if any(_CONTROL.search(t) for t in texts):
            raise InputError(f"malformed plan: cue {_CONTROL.sub('?', c.id)!r} holds control characters "
                             "(no timeline format can carry them)", path)
        if c.start_frame < 0 or c.end_frame > sequences[c.input].duration_frames:
            # an edited plan must not send apply writing hours of temp media past the cut
            raise InputError(f"malformed plan: cue {c.id!r} ({c.start_frame}-{c.end_frame}) lies outside its sequence "
                             f"(0-{sequences[c.input].duration_frames})", path)
    return Plan(
        sequences=sequences,
        fingerprints=[str(i.get("fingerprint", "")) for i in inputs],
        cues=cues,
        themes=[ThemeUse(str(t["name"]), str(t.get("introduced_by", "")), tuple(t.get("cues", []))) for t in doc.get("themes", [])],
        retired_ids=[str(r) for r in doc.get("retired_ids", [])],
        warnings=[str(w) for w in doc.get("warnings", [])],
        rules_digest=str(doc.get("rules_digest", "")),
        analyses=[{k: v for k, v in i.items() if k not in ("sequence", "fingerprint")} for i in inputs],
        fingerprint=str(doc.get("fingerprint", "")),
    )


def read_plan_json(path: str | os.PathLike) -> dict[str, Any]:
    """A plan JSON document as read from disk, checked to be a plan; :class:`InputError` naming the file."""
    import json

    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as exc:
        raise InputError(f"cannot read the plan: {exc.strerror or exc}", path) from None
    except ValueError as exc:
        raise InputError(f"the plan is not JSON: {exc}", path) from None
    plan_from_json(doc, path)  # refuses anything that is not a well-formed plan, in one line
    return doc


def load_plan(path: str | os.PathLike) -> Plan:
    """The :class:`Plan` in the JSON file ``path``."""
    return plan_from_json(read_plan_json(path), path)
