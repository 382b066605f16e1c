"""The spotting sheet: a plan plus what the documents need beyond it, as plain rows of text.

Every output of :mod:`otio_scoreplan.notes` renders a :class:`Sheet`. The sheet adds to the plan:

- ``title``: the production title (``--title``), printed in every header;
- per cue, a temp pick (``temp`` in the plan JSON, written by ``otio_scoreplan.library.choose``:
  ``{path, title, offset_seconds, reason}``) and the final music (``final`` in the plan JSON:
  ``{title, composer, publisher, society, usage}``, written by a person or a later tool once the music is
  licensed or recorded). The :class:`~otio_scoreplan.plan.model.Cue` model does not carry either yet, so
  they are read from the plan JSON beside it (:func:`extras_from_plan_json`), keyed by cue id.

Timecodes are the sequence's record timecode; durations are timecode lengths (``HH:MM:SS:FF``) except
where a document asks for real time (the cue sheet: :func:`real_time`).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..model import SequenceInfo
from ..plan.model import Cue, Plan
from ..timecode import rate_label, to_timecode

log = logging.getLogger(__name__)

USAGE_CODES = {
    "BI": "background instrumental",
    "BV": "background vocal",
    "VI": "visual instrumental",
    "VV": "visual vocal",
    "MT": "main title",
    "ET": "end title",
}


@dataclass(frozen=True)
class TempPick:
    """A temp piece chosen for a cue (never printed on a cue sheet)."""

    title: str
    path: str = ""
    offset_seconds: float = 0.0
    reason: str = ""


@dataclass(frozen=True)
class FinalMusic:
    """The final music of a cue with its catalogue data, as a cue sheet needs it."""

    title: str
    composer: str = ""
    publisher: str = ""
    society: str = ""
    usage: str = ""  # one of USAGE_CODES

    @property
    def missing(self) -> tuple[str, ...]:
        """The catalogue fields a cue sheet needs that are still empty or invalid."""
        out = [name for name in ("title", "composer", "publisher", "society") if not getattr(self, name).strip()]
        if self.usage not in USAGE_CODES:
            out.append("usage")
        return tuple(out)


@dataclass(frozen=True)
class CueExtras:
    """What a cue carries in the plan JSON beyond the :class:`Cue` model."""

    temp: TempPick | None = None
    final: FinalMusic | None = None


@dataclass
class Sheet:
    """A plan ready for documents: the plan, the production title and the per-cue extras."""

    plan: Plan
    title: str = ""
    extras: dict[str, CueExtras] = field(default_factory=dict)
    reel: int | None = None  # only this reel's cues, when given

    @property
    def cues(self) -> list[Cue]:
        """The cues the documents list, in film order."""
        cues = [c for c in self.plan.cues if self.reel is None or c.reel == self.reel]
        return sorted(cues, key=lambda c: (c.input, c.start_frame, c.id))

    @property
    def inputs(self) -> list[int]:
        """Indexes of the inputs (one per reel) the documents cover."""
        if self.reel is None:
            return list(range(len(self.plan.sequences)))
        used = sorted({c.input for c in self.cues})
        if used:
            return used
        return [i for i, a in enumerate(self.plan.analyses)
                if any(r.get("number") == self.reel for r in a.get("reels", []))] or []

    def input_reel(self, index: int) -> int:
        """The reel number of an input: its cues' reel, else the reel its analysis found, else its position."""
        reels = sorted({c.reel for c in self.plan.cues if c.input == index})
        if reels:
            return reels[0]
        found = self.plan.analyses[index].get("reels", []) if index < len(self.plan.analyses) else []
        if len(self.plan.sequences) == 1 and found:
            return int(found[0].get("number", 1))
        return index + 1

    def sequence(self, cue: Cue) -> SequenceInfo:
        return self.plan.sequences[cue.input]

    def extra(self, cue: Cue) -> CueExtras:
        """The cue's temp pick and final music: from the plan JSON, else from the cue itself where the model has them."""
        found = self.extras.get(cue.id, CueExtras())
        own = getattr(cue, "temp", None)  # the Cue model's own temp pick, once it has one
        if found.temp is None and own is not None and (getattr(own, "title", "") or getattr(own, "path", "")):
            title = own.title or str(own.path).rsplit("/", 1)[-1]
            found = CueExtras(TempPick(title, str(own.path), float(own.offset_seconds or 0.0), own.reason), found.final)
        return found


@dataclass(frozen=True)
class CueRow:
    """One cue as text, the columns every tabular document shares."""

    cue: str
    reel: str
    start: str
    end: str
    duration: str
    entry: str
    exit: str
    kind: str
    moods: str
    themes: str
    palette: str
    hits: str
    description: str
    reasons: str
    temp_pick: str


COLUMNS: tuple[tuple[str, str], ...] = (
    ("cue", "cue"), ("reel", "reel"), ("start", "start"), ("end", "end"), ("duration", "duration"),
    ("entry", "entry"), ("exit", "exit"), ("kind", "kind"), ("moods", "moods"), ("themes", "themes"),
    ("palette", "palette"), ("hits", "hits"), ("description", "description"), ("reasons", "reasons"),
    ("temp pick", "temp_pick"),
)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def extras_from_plan_json(doc: Mapping[str, Any]) -> dict[str, CueExtras]:
    """The ``temp`` and ``final`` objects of each cue of a plan JSON, by cue id (malformed ones skipped, logged)."""
    out: dict[str, CueExtras] = {}
    for cue in doc.get("cues", []) if isinstance(doc, Mapping) else []:
        if not isinstance(cue, Mapping):
            continue
        cue_id = _text(cue.get("id"))
        temp = final = None
        t = cue.get("temp")
        if isinstance(t, Mapping) and (t.get("title") or t.get("path")):
            try:
                offset = float(t.get("offset_seconds") or 0.0)
            except (TypeError, ValueError):
                offset = 0.0
            temp = TempPick(_text(t.get("title")) or _text(t.get("path")).rsplit("/", 1)[-1],
                            _text(t.get("path")), offset, _text(t.get("reason")))
        f = cue.get("final")
        if isinstance(f, Mapping):
            final = FinalMusic(_text(f.get("title")), _text(f.get("composer")), _text(f.get("publisher")),
                               _text(f.get("society")), _text(f.get("usage")).strip().upper())
        elif f is not None:
            log.warning("cue %s: 'final' is not an object; ignored", cue_id)
        if temp or final:
            out[cue_id] = CueExtras(temp, final)
    return out


def tc_length(frames: int, rate: float) -> str:
    """A length in frames as non-drop timecode digits (``00:00:24:00``), as editors measure cue lengths."""
    return to_timecode(frames, rate, False)


def real_time(frames: int, rate: float) -> str:
    """A length in real time, ``m:ss``, rounded up to the next whole second (frames at the true rate)."""
    seconds = math.ceil(frames / rate - 1e-9)
    return f"{seconds // 60}:{seconds % 60:02d}"


def edge_text(cue: Cue, seq: SequenceInfo, which: str) -> str:
    """The entry or exit of a cue in words: ``hard in``, ``pre-lap 12f before 01:00:40:00``, ``tail out 2.0s``."""
    edge = cue.entry if which == "entry" else cue.exit
    words = edge.type.replace("_", " ").replace("prelap", "pre-lap")
    if edge.frames:
        words += f" {edge.frames}f"
        if edge.type == "tail_out":
            words += f" ({edge.frames / seq.rate:.1f}s)"
    if edge.cut_frame is not None and edge.type in ("prelap", "tail_out"):
        words += f" {'before' if edge.type == 'prelap' else 'after'} cut {seq.timecode(edge.cut_frame)}"
    return words


def cue_row(sheet: Sheet, cue: Cue) -> CueRow:
    """The text columns of one cue."""
    seq = sheet.sequence(cue)
    temp = sheet.extra(cue).temp
    return CueRow(
        cue=cue.id,
        reel=str(cue.reel),
        start=seq.timecode(cue.start_frame),
        end=seq.timecode(cue.end_frame),
        duration=tc_length(cue.duration_frames, seq.rate),
        entry=edge_text(cue, seq, "entry"),
        exit=edge_text(cue, seq, "exit"),
        kind=cue.kind,
        moods=", ".join(cue.moods),
        themes=", ".join(cue.themes),
        palette=", ".join(cue.palette),
        hits="; ".join(f"{seq.timecode(h.frame)} {h.label}".strip() for h in cue.hits),
        description=cue.description,
        reasons="; ".join(cue.reasons),
        temp_pick=temp.title if temp else "",
    )


def cue_rows(sheet: Sheet) -> list[CueRow]:
    """Every listed cue as text, in film order."""
    return [cue_row(sheet, c) for c in sheet.cues]


def header_facts(sheet: Sheet) -> list[tuple[str, str]]:
    """The production header as (label, value) pairs: title, cut version, rate, start timecode, cue count."""
    facts: list[tuple[str, str]] = []
    if sheet.title:
        facts.append(("Production", sheet.title))
    for i in sheet.inputs:
        seq = sheet.plan.sequences[i]
        prefix = f"R{sheet.input_reel(i)} " if len(sheet.inputs) > 1 else ""
        facts.append((f"{prefix}Cut", seq.name))
        rate = rate_label(seq.rate) + (" DF" if seq.drop_frame else "") + (" (assumed)" if seq.rate_assumed else "")
        facts.append((f"{prefix}Rate", rate))
        facts.append((f"{prefix}Start", seq.start_timecode))
        facts.append((f"{prefix}Length", tc_length(seq.duration_frames, seq.rate)))
    cues = sheet.cues
    facts.append(("Cues", str(len(cues))))
    if cues:
        music = round(sum(c.duration_frames / sheet.sequence(c).rate for c in cues))
        hours = f"{music // 3600}:{music // 60 % 60:02d}" if music >= 3600 else f"{music // 60}"
        facts.append(("Music", f"{hours}:{music % 60:02d}"))
    if sheet.reel is not None:
        facts.append(("Reel", str(sheet.reel)))
    return facts


def document_title(sheet: Sheet) -> str:
    """The heading of a document: the production title and the first cut's name."""
    names = [sheet.plan.sequences[i].name for i in sheet.inputs]
    cut = names[0] if len(names) == 1 else f"{len(names)} reels"
    return f"{sheet.title} - {cut}" if sheet.title else cut
