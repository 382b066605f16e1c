"""Mood, theme and hit notes grow into a cue over the scene that holds them, snapped to the scene's cuts.

A note inside an explicit cue (or music already in the cut) adds its moods, themes and hits to that cue instead.
With no scenes found, a note grows over the shots around it to about ``lengths.grow_seconds``.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from .context import CutInfo, Range, expand_on_cuts, free_piece
from .explicit import Explicit, Noted, _where
from .model import Cue, Hit

log = logging.getLogger(__name__)


def _attach(cue: Cue, notes: list[Noted], cut: CutInfo) -> Cue:
    return replace(
        cue,
        moods=tuple(dict.fromkeys(cue.moods + tuple(m for _, d in notes for m in d.moods))),
        themes=tuple(dict.fromkeys(cue.themes + tuple(t for _, d in notes for t in d.themes))),
        hits=cue.hits + tuple(Hit(a.frame, label) for a, d in notes for label in d.hits),
        kind="source" if cue.kind == "source" or any(d.source for _, d in notes) else cue.kind,
        wanted_id=cue.wanted_id or next((d.cue_id for _, d in notes if d.cue_id), ""),
        reasons=cue.reasons + tuple(f"note: {_where(a, cut)}" for a, _ in notes),
    )


def _span(frame: int, limit: Range, cut: CutInfo) -> tuple[Range, str]:
    """The scene around ``frame`` inside ``limit`` (else shots around it to about ``grow_seconds``), and why."""
    min_len = cut.frames(cut.rules.get("lengths.min_cue_seconds"))
    scene = cut.scene_at(frame)
    if scene is not None:  # the scene is the cue: it never grows past the scene's cuts
        s, e = max(scene.start_frame, limit[0]), min(scene.end_frame, limit[1])
        return (s, e), f"grown over scene {scene.label or '(unnamed)'!r} ({scene.evidence})"
    s, e = cut.cut_at_or_before(frame), cut.cut_at_or_after(frame + 1)
    s, e = max(s, limit[0]), min(e, limit[1])
    min_len = max(min_len, cut.frames(cut.rules.get("lengths.grow_seconds")))
    return expand_on_cuts((s, e), limit, cut, min_len), "grown over the shots around it (no scenes found)"


def grow(cut: CutInfo, explicit: Explicit) -> tuple[list[Cue], list[Cue], list[str]]:
    """(explicit cues with notes attached, grown cues, warnings)."""
    cues = list(explicit.cues)
    blocked = [(c.start_frame, c.end_frame) for c in cues] + [r for r, _ in explicit.forbidden + explicit.leaders]
    inside: dict[int, list[Noted]] = {}
    groups: dict[Range, tuple[str, list[Noted]]] = {}
    warnings: list[str] = []
    for ann, d in explicit.loose:
        holder = next((i for i, c in enumerate(cues) if c.start_frame <= ann.frame < c.end_frame and c.kind == "score"), None)
        holder = holder if holder is not None else next((i for i, c in enumerate(cues) if c.start_frame <= ann.frame < c.end_frame), None)
        if holder is not None:
            inside.setdefault(holder, []).append((ann, d))
            continue
        limit = free_piece(min(ann.frame, max(cut.duration - 1, 0)), cut.duration, blocked)
        if limit is None:
            warnings.append(f"music note inside a NO MUSIC range (or at a cue's end) not planned: {_where(ann, cut)}")
            continue
        span, why = _span(ann.frame, limit, cut)
        if span[1] - span[0] < cut.frames(cut.rules.get("lengths.min_cue_seconds")):
            warnings.append(f"music note outside every cue, with no room for a cue of the minimum length: {_where(ann, cut)}")
            continue
        groups.setdefault(span, (why, []))[1].append((ann, d))
    cues = [_attach(c, inside[i], cut) if i in inside else c for i, c in enumerate(cues)]
    grown = [
        _attach(Cue(start_frame=s, end_frame=e, origin="grown", input=cut.index, reasons=(why,)), notes, cut)
        for (s, e), (why, notes) in sorted(groups.items())
        if e > s
    ]
    return cues, _merge_overlapping(grown), warnings


def _merge_overlapping(cues: list[Cue]) -> list[Cue]:
    out: list[Cue] = []
    for cue in sorted(cues, key=lambda c: (c.start_frame, c.end_frame)):
        if out and cue.start_frame < out[-1].end_frame:
            prev = out[-1]
            out[-1] = replace(
                prev,
                end_frame=max(prev.end_frame, cue.end_frame),
                moods=tuple(dict.fromkeys(prev.moods + cue.moods)),
                themes=tuple(dict.fromkeys(prev.themes + cue.themes)),
                hits=prev.hits + cue.hits,
                kind="source" if "source" in (prev.kind, cue.kind) else "score",
                wanted_id=prev.wanted_id or cue.wanted_id,
                reasons=prev.reasons + tuple(r for r in cue.reasons if r not in prev.reasons),
            )
        else:
            out.append(cue)
    return out
