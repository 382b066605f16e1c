"""Explicit directions: the editor's music ranges, MUSIC IN/OUT pairs, NO MUSIC, and music already in the cut.

Their frames are kept exactly: the editor put them there on purpose. A stated pre-lap starts the music that many
frames before the marker (the marker marks the cut); a stated tail rings on that long after the OUT marker.
A written range over temp music laid in the cut beats the temp clip's edges (``explicit.written_range_wins``;
false: the clip's edges win); either way the cue keeps both reasons and the plan warns with both ranges.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from ..analyse.leaders import find_leaders
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
    empty: list[Annotation] = field(default_factory=list)  # MUSIC IN/OUT markers warned as holding no music
    # head and tail leaders, 2-pops, slates (:mod:`..analyse.leaders`): the planner proposes and grows nothing there
    leaders: list[tuple[Range, str]] = field(default_factory=list)


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


def _cue(starts: list[Noted], ends: list[Noted], start: int, end: int, cut: CutInfo, why: list[str]) -> Cue | None:
    """A cue from IN (or range) directions and OUT directions, frames kept, pre-lap and tail applied."""
    din = next((d for _, d in starts if d.entry), starts[0][1] if starts else Direction())
    dout = next((d for _, d in ends if d.exit), ends[0][1] if ends else din)
    pre, tail = _prelap(din, cut), _tail(dout, cut)
    s, e = max(0, start - pre), min(cut.duration, end + tail)
    if e <= s or (pre and e <= start):  # nothing, or a pre-lap alone: the music would stop before its cut
        return None
    entry = Edge("prelap", start - s, start) if pre else Edge(din.entry if din.entry in ("fade_in", "segue") else "hard_in")
    exit_ = Edge("tail_out", e - end, end) if tail else Edge(dout.exit if dout.exit in ("fade_out", "segue") else "hard_out")
    notes = starts + ends
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
    out = Explicit(leaders=[((x.start_frame, x.end_frame), x.reason) for x in find_leaders(cut.analysis)])
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
        elif d.action in ("in", "out"):  # a point, even when the marker has a length
            out.directions.append((ann, d))
            points.append((ann, d))
        elif _is_range(ann, cut) and (d.action == "range" or d.music or d.cue_id):
            out.directions.append((ann, d))
            cue = _cue([(ann, d)], [], ann.frame, ann.frame + ann.duration_frames, cut, [])
            if cue is not None:
                out.cues.append(cue)
            else:
                out.warnings.append(f"music range holds no frame of the sequence: {_where(ann, cut)}")
                out.empty.append(ann)
        elif d.says_music:
            out.loose.append((ann, d))
    out.cues.extend(_pairs(points, cut, out))
    out.cues = _written_over_music(out.cues, music_cues(cut), cut, out.warnings)
    out.cues.sort(key=lambda c: (c.start_frame, c.end_frame))
    return out


def _pairs(points: list[Noted], cut: CutInfo, out: Explicit) -> list[Cue]:
    """MUSIC IN / MUSIC OUT point markers paired in time order (markers of one kind on one frame act as one)."""
    groups: list[list[Noted]] = []
    for note in sorted(points, key=lambda n: (n[0].frame, 0 if n[1].action == "out" else 1)):
        if groups and (groups[-1][0][0].frame, groups[-1][0][1].action) == (note[0].frame, note[1].action):
            groups[-1].append(note)
        else:
            groups.append([note])
    cues: list[Cue] = []
    open_in: list[Noted] = []
    last_end = 0
    for group in groups:
        frame = group[0][0].frame
        if group[0][1].action == "in":
            if open_in:  # IN after IN: the first cue segues into the second
                nxt = next((d for _, d in group if d.entry), group[0][1])
                cue = _cue(open_in, [], open_in[0][0].frame, frame - _prelap(nxt, cut), cut, ["MUSIC IN followed by another MUSIC IN: segue"])
                if cue is not None:
                    cues.append(replace(cue, exit=Edge("segue")))
                else:
                    out.warnings += [f"MUSIC IN holds no music (the next MUSIC IN starts first): {_where(a, cut)}" for a, _ in open_in]
                    out.empty += [a for a, _ in open_in]
            open_in = group
            continue
        if open_in:
            cue = _cue(open_in, group, open_in[0][0].frame, frame, cut, [])
            open_in = []
        else:
            start = max(_scene_span(max(frame - 1, 0), cut)[0], min(last_end, frame))
            cue = _cue([], group, start, frame, cut, ["MUSIC OUT with no MUSIC IN before it: starts where its scene (or the cue before) ends"])
            out.warnings.append(f"MUSIC OUT without a MUSIC IN: {_where(group[0][0], cut)}")
        if cue is not None:
            cues.append(cue)
            last_end = max(last_end, frame)
        else:
            out.warnings.append(f"MUSIC OUT holds no music (nothing before it): {_where(group[0][0], cut)}")
            out.empty += [a for a, _ in group]
    if open_in:
        ann = open_in[0][0]
        end = _scene_span(ann.frame, cut)[1]
        if end <= ann.frame:
            end = cut.duration
        cue = _cue(open_in, [], ann.frame, end, cut, ["MUSIC IN with no MUSIC OUT after it: ends where its scene ends"])
        out.warnings.append(f"MUSIC IN without a MUSIC OUT: {_where(ann, cut)}")
        if cue is not None:
            cues.append(cue)
        else:
            out.warnings += [f"MUSIC IN holds no music (at the sequence's end): {_where(a, cut)}" for a, _ in open_in]
            out.empty += [a for a, _ in open_in]
    return cues


def _layered(a: Cue, b: Cue) -> bool:
    overlap = min(a.end_frame, b.end_frame) - max(a.start_frame, b.start_frame)
    return overlap > 0 and overlap * 2 >= min(a.duration_frames, b.duration_frames)


def _written_over_music(written: list[Cue], music: list[Cue], cut: CutInfo, warnings: list[str]) -> list[Cue]:
    """Written cues and music-in-the-cut cues as one list: where a written range lies over temp laid in the cut,
    one cue with the written range (or the temp's, when ``explicit.written_range_wins`` is false), warned."""
    wins = bool(cut.rules.get("explicit.written_range_wins"))
    tc = cut.analysis.sequence.timecode
    out = list(written)
    for m in music:
        i = next((i for i, w in enumerate(out) if w.origin == "explicit" and _layered(w, m)), None)
        if i is None:
            out.append(m)
            continue
        w = out[i]
        if (w.start_frame, w.end_frame) == (m.start_frame, m.end_frame):
            out[i] = replace(w, reasons=w.reasons + m.reasons)
            continue
        kept, other = (w, m) if wins else (m, w)
        say = (f"written range {tc(w.start_frame)}-{tc(w.end_frame)} and the temp laid in the cut "
               f"{tc(m.start_frame)}-{tc(m.end_frame)} ({m.description}) disagree: kept the "
               f"{'written range' if wins else 'temp edges'} (rules explicit.written_range_wins = {str(wins).lower()})")
        warnings.append(say)
        out[i] = replace(w, start_frame=kept.start_frame, end_frame=kept.end_frame, entry=kept.entry, exit=kept.exit,
                         reasons=w.reasons + m.reasons + (say,))
    return out


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
        entry, exit_, said = _editors_fades(group, start, end, cut)
        cues.append(
            Cue(
                start_frame=start,
                end_frame=end,
                entry=entry,
                exit=exit_,
                kind="source" if source else "score",
                origin="music",
                description=" + ".join(names),
                reasons=tuple(reasons + said),
                input=cut.index,
            )
        )
    return cues


def _editors_fades(group: list[MusicClip], start: int, end: int, cut: CutInfo) -> tuple[Edge, Edge, list[str]]:
    """The entry and exit of the editor's laid music: a fade up from silence at its head is ``fade_in`` with its
    length, a fade down to silence at its tail ``fade_out`` with its length (the clips' own fades, read off the
    transitions to and from nothing on their tracks and off their level keyframes: FCP7/Premiere Audio Levels, see
    ``analyse.tracks.keyframe_fades``); else it starts and stops hard. And the reasons saying so."""
    fade_in = max((c.fade_in_frames for c in group if c.start_frame == start), default=0)
    fade_out = max((c.fade_out_frames for c in group if c.end_frame == end), default=0)
    length = end - start
    fade_in, fade_out = min(fade_in, length), min(fade_out, length)
    said = []
    if fade_in:
        said.append(f"fades in over {fade_in} frames ({fade_in / cut.rate:.1f} s): the editor's fade up from silence")
    if fade_out:
        said.append(f"fades out over {fade_out} frames ({fade_out / cut.rate:.1f} s): the editor's fade down to silence")
    return (Edge("fade_in", fade_in) if fade_in else Edge("hard_in"),
            Edge("fade_out", fade_out) if fade_out else Edge("hard_out"), said)
