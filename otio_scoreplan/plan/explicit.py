"""Explicit directions: the editor's music ranges, MUSIC IN/OUT pairs, NO MUSIC, and music already in the cut.

Their frames are kept exactly: the editor put them there on purpose. A stated pre-lap starts the music that many
frames before the marker (the marker marks the cut); a stated tail rings on that long after the OUT marker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from ..model import Annotation, MusicClip
from .context import CutInfo, Range
from .model import Cue, Edge, Hit
from .vocabulary import Direction, parse_annotation, says_source

log = logging.getLogger(__name__)

Noted = tuple[Annotation, Direction]


@dataclass
class Explicit:
    """What the editor asked for in one input."""

    cues: list[Cue] = field(default_factory=list)
    forbidden: list[tuple[Range, str]] = field(default_factory=list)  # NO MUSIC ranges, with the reason
    loose: list[Noted] = field(default_factory=list)  # music words without a range: moods, themes, hits, "MUSIC"
    warnings: list[str] = field(default_factory=list)
    directions: list[Noted] = field(default_factory=list)  # every annotation that gave a direction


def _where(ann: Annotation, cut: CutInfo) -> str:
    return f"{ann.kind} {ann.text!r} at {cut.analysis.sequence.timecode(ann.frame)} ({ann.origin})"


def _is_range(ann: Annotation, cut: CutInfo) -> bool:
    return ann.duration_frames > cut.rules.get("lengths.point_marker_max_frames")


def _prelap(d: Direction, cut: CutInfo) -> int:
    if d.entry != "prelap":
        return 0
    return d.prelap_frames if d.prelap_frames is not None else cut.rules.get("lengths.default_prelap_frames")


def _tail(d: Direction, cut: CutInfo) -> int:
    if d.exit != "tail_out":
        return 0
    return d.tail_frames if d.tail_frames is not None else cut.frames(cut.rules.get("lengths.tail_seconds"))


def _cue(start_ann: Noted | None, end_ann: Noted | None, start: int, end: int, cut: CutInfo, why: list[str]) -> Cue | None:
    """A cue from an IN (or range) direction and an OUT direction, frames kept, pre-lap and tail applied."""
    din = start_ann[1] if start_ann else Direction()
    dout = end_ann[1] if end_ann else din
    pre, tail = _prelap(din, cut), _tail(dout, cut)
    s, e = max(0, start - pre), min(cut.duration, end + tail)
    if e <= s:
        return None
    entry = Edge("prelap", start - s, start) if pre else Edge(din.entry if din.entry in ("fade_in", "segue") else "hard_in")
    exit_ = Edge("tail_out", e - end, end) if tail else Edge(dout.exit if dout.exit in ("fade_out", "segue") else "hard_out")
    notes = [n for n in (start_ann, end_ann) if n is not None]
    dirs = [d for _, d in notes]
    hits = tuple(Hit(a.frame, label) for a, d in notes for label in d.hits)
    return Cue(
        start_frame=s,
        end_frame=e,
        kind="source" if any(d.source for d in dirs) else "score",
        origin="explicit",
        entry=entry,
        exit=exit_,
        moods=tuple(dict.fromkeys(m for d in dirs for m in d.moods)),
        themes=tuple(dict.fromkeys(t for d in dirs for t in d.themes)),
        hits=hits,
        description=next((d.rest for d in dirs if d.rest), ""),
        reasons=tuple(why + [f"marked: {_where(a, cut)}" for a, _ in notes]),
        input=cut.index,
        wanted_id=next((d.cue_id for d in dirs if d.cue_id), ""),
    )


def _scene_span(frame: int, cut: CutInfo) -> Range:
    scene = cut.scene_at(frame)
    if scene is not None:
        return scene.start_frame, scene.end_frame
    return cut.cut_at_or_before(frame), cut.cut_at_or_after(frame + 1)


def find_explicit(cut: CutInfo) -> Explicit:
    """Explicit cues, forbidden ranges and loose music words of one input."""
    out = Explicit()
    rate = cut.rate
    noted = [(a, parse_annotation(a, cut.rules, rate)) for a in cut.analysis.editor_annotations]
    points: list[Noted] = []
    for ann, d in noted:
        if d.action == "no_music":
            out.directions.append((ann, d))
            if _is_range(ann, cut):
                span, how = (ann.frame, min(cut.duration, ann.frame + ann.duration_frames)), "its range"
            elif cut.scene_at(ann.frame) is not None:
                span, how = _scene_span(ann.frame, cut), "its scene"
            else:  # no scenes: from the marker to the next cut (to the end when there is none)
                span, how = (ann.frame, cut.cut_at_or_after(ann.frame + 1)), "the marker to the next cut"
            out.forbidden.append((span, f"NO MUSIC over {how}: {_where(ann, cut)}"))
        elif _is_range(ann, cut) and (d.action in ("range", "in", "out") or d.music or d.cue_id):
            out.directions.append((ann, d))
            cue = _cue((ann, d), None, ann.frame, ann.frame + ann.duration_frames, cut, [])
            if cue is not None:
                out.cues.append(cue)
        elif d.action in ("in", "out"):
            out.directions.append((ann, d))
            points.append((ann, d))
        elif d.says_music:
            out.loose.append((ann, d))
    out.cues.extend(_pairs(points, cut, out))
    out.cues.extend(music_cues(cut))
    out.cues.sort(key=lambda c: (c.start_frame, c.end_frame))
    return out


def _pairs(points: list[Noted], cut: CutInfo, out: Explicit) -> list[Cue]:
    """MUSIC IN / MUSIC OUT point markers paired in time order."""
    cues: list[Cue] = []
    points = sorted(points, key=lambda n: (n[0].frame, 0 if n[1].action == "out" else 1))
    open_in: Noted | None = None
    for ann, d in points:
        if d.action == "in":
            if open_in is not None:  # IN after IN: the first cue segues into the second
                cue = _cue(open_in, None, open_in[0].frame, ann.frame, cut, ["MUSIC IN followed by another MUSIC IN: segue"])
                if cue is not None:
                    cues.append(replace(cue, exit=Edge("segue")))
            open_in = (ann, d)
            continue
        if open_in is not None:
            cue = _cue(open_in, (ann, d), open_in[0].frame, ann.frame, cut, [])
            open_in = None
        else:
            start = _scene_span(max(ann.frame - 1, 0), cut)[0]
            cue = _cue(None, (ann, d), start, ann.frame, cut, ["MUSIC OUT with no MUSIC IN before it: starts where its scene starts"])
            out.warnings.append(f"MUSIC OUT without a MUSIC IN: {_where(ann, cut)}")
        if cue is not None:
            cues.append(cue)
    if open_in is not None:
        ann = open_in[0]
        end = _scene_span(ann.frame, cut)[1]
        if end <= ann.frame:
            end = cut.duration
        cue = _cue(open_in, None, ann.frame, end, cut, ["MUSIC IN with no MUSIC OUT after it: ends where its scene ends"])
        out.warnings.append(f"MUSIC IN without a MUSIC OUT: {_where(ann, cut)}")
        if cue is not None:
            cues.append(cue)
    return cues


def _same_music(a: MusicClip, b: MusicClip) -> bool:
    overlap = min(a.end_frame, b.end_frame) - max(a.start_frame, b.start_frame)
    shorter = min(a.end_frame - a.start_frame, b.end_frame - b.start_frame)
    same = (a.name and a.name == b.name) or (a.source and a.source == b.source)
    return overlap >= 0 and bool(same) or overlap * 2 >= shorter > 0


def music_cues(cut: CutInfo) -> list[Cue]:
    """Music the editor already laid in the cut, one cue per piece (layers and same-source edits merged)."""
    clips = sorted(cut.analysis.music, key=lambda m: (m.start_frame, m.end_frame, m.track, m.name))
    groups: list[list[MusicClip]] = []
    for clip in clips:
        if clip.end_frame <= clip.start_frame:
            continue
        for group in groups:
            if any(_same_music(clip, other) for other in group):
                group.append(clip)
                break
        else:
            groups.append([clip])
    seq = cut.analysis.sequence
    cues = []
    for group in groups:
        start, end = min(c.start_frame for c in group), max(c.end_frame for c in group)
        start, end = max(0, start), min(cut.duration, end)
        if end <= start:
            continue
        names = list(dict.fromkeys(c.name or c.source or "untitled" for c in group))
        source = any(says_source(f"{c.name} {c.source}", cut.rules) for c in group)
        reasons = [
            f"music in the cut: {c.name!r} on {c.track} {seq.timecode(c.start_frame)}-{seq.timecode(c.end_frame)} ({c.evidence})"
            for c in group
        ]
        cues.append(
            Cue(
                start_frame=start,
                end_frame=end,
                kind="source" if source else "score",
                origin="music",
                description=" + ".join(names),
                reasons=tuple(reasons),
                input=cut.index,
            )
        )
    return cues
