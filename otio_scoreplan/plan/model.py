"""The plan: a cue list, as plain data, and its versioned JSON ("otio-scoreplan/plan", version 2; version 1 read).

Frames count from the first frame of the cue's input sequence; every range is ``[start_frame, end_frame)``.
A cue's range is where its music sounds: a pre-lap starts ``entry.frames`` before the cut
``entry.cut_frame``; a tail-out ends ``exit.frames`` after the cut ``exit.cut_frame``.
Intensity is an integer from 1 (barely there) to 5 (full out).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import InputError
from ..model import SequenceInfo, sequence_to_json
from .document import ENTRY_TYPES as ENTRY_TYPES  # the plan document's words, re-exported (see .document)
from .document import EXIT_TYPES as EXIT_TYPES
from .document import PLAN_SCHEMA as PLAN_SCHEMA
from .document import PLAN_VERSION as PLAN_VERSION
from .document import READ_VERSIONS as READ_VERSIONS
from .document import RECUT_CHANGES as RECUT_CHANGES
from .recut_edits import PictureEdit

log = logging.getLogger(__name__)


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
    """The temp music chosen (``--library``) or pinned by a person for a cue: the plan's ``temp`` object.

    Keys a person added to the object that the planner does not know are kept as written (``extra``: each
    key with its value as JSON text) and written back, so a plan round trip loses none of them."""

    path: str
    title: str = ""
    offset_seconds: float = 0.0
    reason: str = ""
    pinned: bool = False
    extra: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: json.loads(v) for k, v in self.extra}
        out.update(path=self.path, title=self.title, offset_seconds=self.offset_seconds, reason=self.reason)
        if self.pinned:
            out["pinned"] = True
        return out

    @classmethod
    def from_json(cls, d: Any) -> TempPick | None:
        if not isinstance(d, dict) or not d.get("path"):
            return None
        extra = tuple((str(k), json.dumps(v, ensure_ascii=False)) for k, v in d.items() if k not in _TEMP_KEYS)
        return cls(str(d["path"]), str(d.get("title", "")), float(d.get("offset_seconds") or 0.0),
                   str(d.get("reason", "")), bool(d.get("pinned", False)), extra)


_TEMP_KEYS = ("path", "title", "offset_seconds", "reason", "pinned")


FINAL_FIELDS = ("title", "composer", "publisher", "society", "usage")  # version 1's ``final``
PARTY_ROLES = ("writer", "publisher")  # a composer or lyricist is a writer
USAGE_CODES = {
    "BI": "background instrumental",
    "BV": "background vocal",
    "VI": "visual instrumental",
    "VV": "visual vocal",
    "MT": "main title",
    "ET": "end title",
}


@dataclass(frozen=True)
class Party:
    """A writer or publisher of a piece of final music, with their share of it (all shares add up to 100)."""

    name: str
    role: str = "writer"  # one of PARTY_ROLES
    share: float = 0.0  # percent
    society: str = ""  # ASCAP, BMI, PRS, GEMA ...
    ipi: str = ""  # the party's IPI name number

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "share": self.share, "society": self.society, "ipi": self.ipi}

    @classmethod
    def from_json(cls, d: Any) -> Party:
        if not isinstance(d, dict):
            raise ValueError(f"a party of 'final.parties' is not an object: {d!r}")
        role = str(d.get("role") or "writer").strip().lower()
        role = "writer" if role in ("composer", "lyricist", "author") else role
        return cls(str(d.get("name") or ""), role, float(d.get("share") or 0), str(d.get("society") or ""),
                   str(d.get("ipi") or ""))


FINAL_KEYS = ("title", "usage", "library", "catalogue_number", "iswc", "isrc", "parties")  # version 2's ``final``


@dataclass(frozen=True)
class FinalMusic:
    """The final music of a cue as a cue sheet reads it (from the plan's ``final`` object, kept as written).

    Version 2's ``final``: ``{title, usage, library?, catalogue_number?, iswc?, isrc?, parties: [{name, role:
    writer | publisher, share, society, ipi}]}``, the parties' shares adding up to 100. A version 1 object
    (``composer``, ``publisher``, ``society``) reads as a writer and a publisher of that society, 50 each (the
    writer 100 when there is no publisher)."""

    title: str
    parties: tuple[Party, ...] = ()
    usage: str = ""  # one of USAGE_CODES, upper case
    library: str = ""
    catalogue_number: str = ""
    iswc: str = ""
    isrc: str = ""

    @classmethod
    def from_pairs(cls, pairs: tuple[tuple[str, str], ...]) -> FinalMusic | None:
        """The catalogue fields of a cue's ``final`` pairs; None when it has none."""
        if not pairs:
            return None
        d = dict(pairs)
        if "parties" in d:
            raw = json.loads(d["parties"]) if d["parties"] else []
            parties = tuple(Party.from_json(p) for p in (raw if isinstance(raw, list) else [raw]))
        else:  # version 1
            composer, publisher, society = (d.get(k, "").strip() for k in ("composer", "publisher", "society"))
            parties = tuple(p for p in (
                Party(composer, "writer", 50.0 if publisher else 100.0, society) if composer else None,
                Party(publisher, "publisher", 50.0 if composer else 100.0, society) if publisher else None) if p)
        return cls(d.get("title", ""), parties, d.get("usage", "").strip().upper(),
                   *(d.get(k, "").strip() for k in ("library", "catalogue_number", "iswc", "isrc")))

    @property
    def composer(self) -> str:
        return " / ".join(p.name for p in self.parties if p.role == "writer")

    @property
    def publisher(self) -> str:
        return " / ".join(p.name for p in self.parties if p.role == "publisher")

    @property
    def society(self) -> str:
        return " / ".join(dict.fromkeys(p.society for p in self.parties if p.society))

    @property
    def missing(self) -> tuple[str, ...]:
        """The catalogue fields a cue sheet needs that are still empty or invalid."""
        out = [] if self.title.strip() else ["title"]
        if not any(p.role == "writer" for p in self.parties):
            out.append("composer")
        if self.parties and not any(p.role == "publisher" for p in self.parties):
            out.append("publisher")
        if any(not p.society.strip() for p in self.parties) or not self.parties:
            out.append("society")
        if any(not p.name.strip() or p.role not in PARTY_ROLES for p in self.parties):
            out.append("party names and roles")
        if self.parties and abs(sum(p.share for p in self.parties) - 100.0) > 0.01:
            out.append(f"shares adding up to 100 (they add up to {sum(p.share for p in self.parties):g})")
        if self.usage not in USAGE_CODES:
            out.append("usage")
        return tuple(out)


def final_to_json(pairs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """A cue's ``final`` pairs as the JSON object they were read from (``parties`` is kept as JSON text)."""
    return {k: (json.loads(v) if k == "parties" and v else v) for k, v in pairs}


@dataclass(frozen=True)
class CueChange:
    """What a recut did to a cue, against the previous plan (``spot --previous``): the cue's ``recut`` object."""

    change: str  # one of RECUT_CHANGES
    previous_id: str = ""  # the previous plan's cue this one continues (split: the cue it was split from)
    previous_start_frame: int | None = None
    previous_end_frame: int | None = None
    moved_frames: int = 0  # start_frame minus the previous start_frame
    length_frames: int = 0  # duration minus the previous duration
    kept: tuple[str, ...] = ()  # fields carried from the previous plan (final, temp, moods ...)
    notes: tuple[str, ...] = ()  # what the music editor should look at
    previous_hits: tuple[Hit, ...] = ()  # the previous cue's sync points (frames in the previous cut)
    edits: tuple[PictureEdit, ...] = ()  # picture edits the recut made inside it (frames removed or added, where)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"change": self.change}
        if self.previous_id:
            out.update(previous_id=self.previous_id, previous_start_frame=self.previous_start_frame,
                       previous_end_frame=self.previous_end_frame, moved_frames=self.moved_frames,
                       length_frames=self.length_frames)
        out.update(kept=list(self.kept), notes=list(self.notes))
        if self.previous_hits:
            out["previous_hits"] = [{"frame": h.frame, "label": h.label} for h in self.previous_hits]
        if self.edits:
            out["edits"] = [e.to_json() for e in self.edits]
        return out

    @classmethod
    def from_json(cls, d: Any) -> CueChange | None:
        if not isinstance(d, dict):
            return None
        change = str(d.get("change", ""))
        if change not in RECUT_CHANGES:
            raise ValueError(f"recut change {change!r} is not one of {', '.join(RECUT_CHANGES)}")
        start, end = d.get("previous_start_frame"), d.get("previous_end_frame")
        made = cls(change, str(d.get("previous_id", "")), int(start) if start is not None else None,
                   int(end) if end is not None else None, int(d.get("moved_frames", 0)), int(d.get("length_frames", 0)),
                   tuple(str(k) for k in d.get("kept", [])), tuple(str(n) for n in d.get("notes", [])),
                   tuple(Hit(int(h["frame"]), str(h.get("label", ""))) for h in d.get("previous_hits", [])))
        edits = tuple(PictureEdit.from_json(e) for e in d.get("edits") or [])
        return replace(made, edits=edits) if edits else made


@dataclass(frozen=True)
class DroppedCue:
    """A cue of the previous plan that no cue of the recut continues (its id is retired).

    Its final music and temp piece are kept here as the previous plan had them: a person's work is never lost
    silently (a cue it merged into says so in its ``recut`` notes)."""

    id: str
    input: int
    start_frame: int  # in the previous cut
    end_frame: int
    note: str = ""  # "merged into 1M3", "its picture is gone"
    final: tuple[tuple[str, str], ...] = ()  # the previous cue's ``final`` object, as written
    temp: TempPick | None = None
    merged_into: str = ""  # the recut's cue now playing over its picture, if any

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "input": self.input, "start_frame": self.start_frame,
                               "end_frame": self.end_frame, "note": self.note}
        if self.merged_into:
            out["merged_into"] = self.merged_into
        if self.final:
            out["final"] = final_to_json(self.final)
        if self.temp is not None:
            out["temp"] = self.temp.to_json()
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> DroppedCue:
        return cls(str(d["id"]), int(d.get("input", 0)), int(d["start_frame"]), int(d["end_frame"]),
                   str(d.get("note", "")), _final_from_json(d), TempPick.from_json(d.get("temp")),
                   str(d.get("merged_into", "")))

    @property
    def final_music(self) -> FinalMusic | None:
        """The final music's catalogue fields, read from ``final``; None when it had none."""
        return FinalMusic.from_pairs(self.final)


def text_digest(text: str) -> str:
    """The fingerprint the planner stores of a description it wrote: a description that no longer matches it
    was written (or edited) by a person."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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
    recut: CueChange | None = None  # what the recut did to it, when planned with a previous plan
    description_digest: str = ""  # the :func:`text_digest` of the description the planner wrote ("" none)
    avoid: tuple[str, ...] = ()  # what the editor's notes rule out: "theme", "theme:Anna", instruments ("drums")
    speech: tuple[tuple[int, int], ...] = ()  # talk and voice-over inside the cue (timeline frames, end exclusive,
    # in order): the temp rides down under it (rules ``temp.duck_db``); the planner refills it on every spot

    @property
    def planner_description(self) -> bool | None:
        """Whether ``description`` is still the planner's own text (None: the plan does not say, older plans)."""
        if not self.description_digest:
            return None
        return text_digest(self.description) == self.description_digest

    @property
    def duration_frames(self) -> int:
        return self.end_frame - self.start_frame

    @property
    def final_music(self) -> FinalMusic | None:
        """The final music's catalogue fields, read from ``final``; None when the plan gives none."""
        return FinalMusic.from_pairs(self.final)


@dataclass(frozen=True)
class ThemeUse:
    """Where a theme (leitmotif) is heard: the cue that introduced it and every cue it recurs in."""

    name: str
    introduced_by: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class FreeStretch:
    """A stretch of an input the plan leaves without music, and why (``spot --why-not``)."""

    input: int
    start_frame: int
    end_frame: int
    why: tuple[str, ...]

    def to_json(self, seq: SequenceInfo) -> dict[str, Any]:
        return {"input": self.input, "start_frame": self.start_frame, "end_frame": self.end_frame,
                "start_timecode": seq.timecode(self.start_frame), "end_timecode": seq.timecode(self.end_frame),
                "why": list(self.why)}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> FreeStretch:
        return cls(int(doc.get("input", 0)), int(doc["start_frame"]), int(doc["end_frame"]),
                   tuple(str(w) for w in doc.get("why", [])))


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
    recut_from: str = ""  # fingerprint of the previous plan (``spot --previous``); "" when planned afresh
    dropped: list[DroppedCue] = field(default_factory=list)  # the previous plan's cues no cue continues
    revision: int = 1  # 1 for a plan made afresh; ``spot --previous`` gives the previous plan's plus one
    date: str = ""  # YYYY-MM-DD (UTC) the plan was made: SOURCE_DATE_EPOCH's day when set ("" in version 1 plans)
    without_music: list[FreeStretch] = field(default_factory=list)  # stretches left free, and why

    @property
    def revision_label(self) -> str:
        """The revision as documents print it: the count and the fingerprint's first characters (``2 (680153d2)``)."""
        short = self.fingerprint.split(":", 1)[-1][:8]
        return f"{self.revision} ({short})" if short else str(self.revision)


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
        **({"description_digest": cue.description_digest} if cue.description_digest else {}),
        "reasons": list(cue.reasons),
        **({"temp": cue.temp.to_json()} if cue.temp else {}),
        **({"final": final_to_json(cue.final)} if cue.final else {}),
        **({"recut": cue.recut.to_json()} if cue.recut else {}),
        **({"avoid": list(cue.avoid)} if cue.avoid else {}),
        **({"speech": [{"start_frame": s, "end_frame": e} for s, e in cue.speech]} if cue.speech else {}),
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
        "revision": plan.revision,
        **({"date": plan.date} if plan.date else {}),
        "rules_digest": plan.rules_digest,
        "cues": [cue_to_json(c, plan.sequences[c.input]) for c in plan.cues],
        "themes": [{"name": t.name, "introduced_by": t.introduced_by, "cues": list(t.cues)} for t in plan.themes],
        "retired_ids": list(plan.retired_ids),
        "warnings": list(plan.warnings),
        "without_music": [f.to_json(plan.sequences[f.input]) for f in plan.without_music],
        "inputs": inputs,
        **({"recut": {"previous_fingerprint": plan.recut_from, "dropped": [d.to_json() for d in plan.dropped]}}
           if plan.recut_from else {}),
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
        description_digest=str(d.get("description_digest", "")),
        reasons=tuple(str(r) for r in d.get("reasons", [])),
        id=str(d["id"]),
        reel=int(d.get("reel", 1)),
        input=int(d.get("input", 0)),
        temp=_temp_from_json(d),
        final=_final_from_json(d),
        recut=CueChange.from_json(d.get("recut")),
        avoid=tuple(str(a) for a in d.get("avoid", [])),
        speech=tuple((int(r["start_frame"]), int(r["end_frame"])) for r in d.get("speech", [])),
    )


def _temp_from_json(d: dict[str, Any]) -> TempPick | None:
    temp = TempPick.from_json(d.get("temp"))
    if temp is None and d.get("temp"):
        log.warning("cue %s: 'temp' names no piece (it needs a \"path\"); ignored", d.get("id"))
    return temp


def _final_from_json(d: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The ``final`` object as written (null values as empty text); a ``final`` that is not an object is ignored."""
    final = d.get("final")
    if isinstance(final, dict):
        return tuple((str(k), json.dumps(v, ensure_ascii=False) if k == "parties" else "" if v is None else str(v))
                     for k, v in final.items())
    if final is not None:
        log.warning("cue %s: 'final' is not an object {title, composer, publisher, society, usage}; ignored", d.get("id"))
    return ()


def plan_from_json(doc: Any, path: str | os.PathLike[str] | None = None) -> Plan:
    """A :class:`Plan` from its JSON; an :class:`InputError` naming ``path`` when it is not one."""
    from .schema import check_plan

    check_plan(doc, path)  # the one check of every field, in one line naming the first problem
    try:
        inputs = doc.get("inputs") or [{"sequence": doc["sequence"], "fingerprint": doc.get("fingerprint", "")}]
        sequences = [sequence_from_json(i["sequence"]) for i in inputs]
        cues = [_cue_from_json(c) for c in doc.get("cues", [])]
        recut = doc.get("recut") or {}
        if not isinstance(recut, dict):
            raise TypeError("'recut' is not an object")
        dropped = [DroppedCue.from_json(x) for x in recut.get("dropped", [])]
        revision = int(doc.get("revision") or 1)
        free = [FreeStretch.from_json(f) for f in doc.get("without_music") or []]
        for c in cues:
            FinalMusic.from_pairs(c.final)  # a malformed party list is refused here, in one line
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed plan: {type(exc).__name__}: {exc}", path) from None
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
        recut_from=str(recut.get("previous_fingerprint", "")),
        dropped=dropped,
        revision=revision,
        date=str(doc.get("date") or ""),
        without_music=free,
    )


MAX_PLAN_BYTES = 256 * 1024 * 1024  # far above any real plan (a 100,000-event cut with its analysis)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number (write a finite number)")


def _parse_plan_file(path: str | os.PathLike[str]) -> Any:
    """The JSON of the plan file ``path`` (a regular file, UTF-8, no NaN or Infinity), not yet checked."""
    from ..infile import read_input_text

    text = read_input_text(path, "plan", MAX_PLAN_BYTES)
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"the plan is not JSON: {' '.join(str(exc).split())[:200]}", path) from None


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """The :class:`Plan` in the JSON file ``path``: the one reading of a plan file, parsed and checked once
    (:func:`plan_from_json`); every command that takes a plan works on this object from here on.

    A relative temp piece (``temp.path``) is read from the plan file's folder, wherever the command runs: a plan
    and its music travel together (issue 11 follow-up; it was read from the working folder). The folder is the plan
    file's real one, links resolved (:func:`plan_folder`): a plan reached through a symbolic link elsewhere reads its
    music where the file itself lies, beside which it was saved."""
    return with_temp_paths_from(plan_from_json(_parse_plan_file(path), path), plan_folder(path))


def plan_folder(path: str | os.PathLike[str]) -> str:
    """The folder a plan file's relative ``temp.path`` values are read from (and are to be written relative to): the
    folder the file really lies in, every symbolic link on the way (the file's own name included) resolved."""
    return os.path.dirname(os.path.realpath(path))


def with_temp_paths_from(plan: Plan, folder: str) -> Plan:
    """``plan`` with every relative ``temp.path`` (its cues' and its dropped cues') made absolute from ``folder``."""
    def fixed(temp: TempPick | None) -> TempPick | None:
        if temp is None or os.path.isabs(temp.path):
            return temp
        return replace(temp, path=os.path.normpath(os.path.join(folder, temp.path)))

    if not any(t is not None and not os.path.isabs(t.path) for t in [c.temp for c in plan.cues] + [d.temp for d in plan.dropped]):
        return plan
    return replace(plan, cues=[replace(c, temp=fixed(c.temp)) for c in plan.cues],
                   dropped=[replace(d, temp=fixed(d.temp)) for d in plan.dropped])
