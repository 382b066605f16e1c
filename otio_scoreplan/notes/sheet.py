"""The spotting sheet: a plan plus what the documents need beyond it, as plain rows of text.

Every output of :mod:`otio_scoreplan.notes` renders a :class:`Sheet`: the plan, the production title
(``--title``, printed in every header) and the reel to list. A cue's temp pick and final music are the plan
model's own (:class:`~otio_scoreplan.plan.model.Cue` ``temp`` and ``final``, read by
:func:`~otio_scoreplan.plan.model.plan_from_json`): the documents read them from the cue, nowhere else.

Timecodes are the sequence's record timecode; durations are timecode lengths (``HH:MM:SS:FF``) except
where a document asks for real time (the cue sheet: :func:`real_time`).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from ..model import SequenceInfo
from ..plan.model import Cue, Plan, TempPick
from ..timecode import rate_label, to_timecode

log = logging.getLogger(__name__)


@dataclass
class Sheet:
    """A plan ready for documents: the plan, the production title and the reel to list."""

    plan: Plan
    title: str = ""
    reel: int | None = None  # only this reel's cues, when given
    episode: str = ""  # the episode a TV cue sheet names (``notes --episode``)

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


def temp_title(temp: TempPick | None) -> str:
    """What the documents call a temp pick: its title, else its file's name; "" without one."""
    if temp is None:
        return ""
    return temp.title or str(temp.path).replace("\\", "/").rsplit("/", 1)[-1]


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
        temp_pick=temp_title(cue.temp),
    )


def cue_rows(sheet: Sheet) -> list[CueRow]:
    """Every listed cue as text, in film order."""
    return [cue_row(sheet, c) for c in sheet.cues]


def document_date(sheet: Sheet) -> str:
    """The date a document carries (YYYY-MM-DD): the plan's, else ``SOURCE_DATE_EPOCH``'s day, else today (UTC)."""
    from ..plan import plan_date

    return sheet.plan.date or plan_date()


def cut_names(sheet: Sheet) -> str:
    """The cut(s) a document covers, by their sequence names."""
    return " + ".join(sheet.plan.sequences[i].name for i in sheet.inputs)


def header_facts(sheet: Sheet) -> list[tuple[str, str]]:
    """The production header as (label, value) pairs: title, cut version, rate, start timecode, the plan's
    revision and date, cue count."""
    facts: list[tuple[str, str]] = []
    if sheet.title:
        facts.append(("Production", sheet.title))
    if sheet.episode:
        facts.append(("Episode", sheet.episode))
    for i in sheet.inputs:
        seq = sheet.plan.sequences[i]
        prefix = f"R{sheet.input_reel(i)} " if len(sheet.inputs) > 1 else ""
        facts.append((f"{prefix}Cut", seq.name))
        rate = rate_label(seq.rate) + (" DF" if seq.drop_frame else "") + (" (assumed)" if seq.rate_assumed else "")
        facts.append((f"{prefix}Rate", rate))
        facts.append((f"{prefix}Start", seq.start_timecode))
        facts.append((f"{prefix}Length", tc_length(seq.duration_frames, seq.rate)))
    facts.append(("Revision", sheet.plan.revision_label))
    facts.append(("Date", document_date(sheet)))
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
