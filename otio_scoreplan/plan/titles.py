"""Main titles and end credits: where the cut says they are, and the cues over them labelled so.

A title segment is a clip on the picture named for one (``Rulletekst_plaket02.mov``, ``NRK_sluttplakat``,
``Vignett vår 2013``, ``Main Titles v3``), a title or graphic laid over picture so named (the analysis' overlays:
a credits roll on V6 over the last shots; supers never) or a marker saying so (``END CREDITS``, ``INTRO``); the words are the
rules' ``titles.main_title_words`` and ``titles.end_credits_words``, matched as whole words. A marker with a
range covers its range; a point marker for end credits covers the rest of the cut, one for a main title the
frame it sits on. A cue over a segment (half of it or more, or its point) says so: its description starts
``Main title:`` / ``End credits:`` and a reason names the clip or marker (the cue sheet's MT/ET usage stays
the music editor's call in ``final``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import unquote

from ..analyse.music import tokens
from ..model import Analysis
from .model import Cue, text_digest
from .rules import Rules

MAIN_TITLE = "main title"
END_CREDITS = "end credits"


@dataclass(frozen=True)
class TitleSegment:
    """Frames ``[start_frame, end_frame)`` of a main title or end credits, and what says so."""

    start_frame: int
    end_frame: int
    label: str  # MAIN_TITLE | END_CREDITS
    what: str  # "clip 'Rulletekst' on V6 at 00:19:31:14", "marker 'END CREDITS' at ..."


def _says(text: str, phrases: list[list[str]]) -> bool:
    toks = tokens(text)
    return any(toks[i:i + len(p)] == p for p in phrases for i in range(len(toks) - len(p) + 1))


def find_titles(analysis: Analysis, rules: Rules) -> list[TitleSegment]:
    """The main-title and end-credits segments of a cut, in film order (clips on the picture and markers)."""
    seq, n = analysis.sequence, analysis.sequence.duration_frames
    words = {MAIN_TITLE: [tokens(w) for w in rules.get("titles.main_title_words")],
             END_CREDITS: [tokens(w) for w in rules.get("titles.end_credits_words")]}
    found: list[TitleSegment] = []
    for label, phrases in words.items():
        for shot in analysis.shots:
            if shot.kind not in ("gap", "slug") and shot.name and _says(shot.name, phrases):
                found.append(TitleSegment(shot.start_frame, shot.end_frame, label,
                                          f"clip {shot.name!r} on {shot.track} at {seq.timecode(shot.start_frame)}"))
        for o in analysis.overlays:  # a title or graphic laid over picture (a card on top is a shot as well)
            if o.kind != "lower_third" and (_says(o.name, phrases) or _says(_file_name(o.source), phrases)):
                found.append(TitleSegment(o.start_frame, o.end_frame, label,
                                          f"{o.kind} {o.name!r} on {o.track} at {seq.timecode(o.start_frame)}"))
        for a in analysis.editor_annotations:
            if not _says(a.name or a.text, phrases):
                continue
            end = a.frame + a.duration_frames if a.duration_frames > 1 else n if label == END_CREDITS else a.frame + 1
            found.append(TitleSegment(a.frame, min(n, max(end, a.frame + 1)), label,
                                      f"marker {a.name or a.text!r} at {seq.timecode(a.frame)}"))
    unique = {(t.start_frame, t.end_frame, t.label): t for t in reversed(found)}  # a card is a shot and an overlay
    return sorted(unique.values(), key=lambda t: (t.start_frame, t.end_frame, t.label))


def _file_name(source: str) -> str:
    return unquote(source or "").replace("\\", "/").rpartition("/")[2]


def labelled(cue: Cue, segments: list[TitleSegment]) -> Cue:
    """``cue`` saying it is a main title or end credits when it plays over half of such a segment (or its point)."""
    labels: dict[str, str] = {}
    for seg in segments:
        overlap = min(cue.end_frame, seg.end_frame) - max(cue.start_frame, seg.start_frame)
        if overlap > 0 and overlap * 2 >= seg.end_frame - seg.start_frame:
            labels.setdefault(seg.label, seg.what)
    if not labels:
        return cue
    heads = [label for label in (MAIN_TITLE, END_CREDITS) if label in labels]
    head = " and ".join(heads)
    head = head[0].upper() + head[1:]
    description = cue.description
    if not description.lower().startswith(head.lower()):
        description = f"{head}: {description}" if description else head
    reasons = cue.reasons + tuple(f"{label}: {labels[label]}" for label in heads
                                  if f"{label}: {labels[label]}" not in cue.reasons)
    digest = text_digest(description) if cue.planner_description is not False else cue.description_digest
    return replace(cue, description=description, reasons=reasons, description_digest=digest)

