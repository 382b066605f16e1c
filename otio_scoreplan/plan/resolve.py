"""Fitting the cues together: layered explicit cues merge, close cues segue, planner cues get pre-laps and tails.

Explicit frames never move. Planner cues (grown, auto) move only onto a neighbour's edge (a segue), a pre-lap
before their cut or a tail past it. After this, two score cues of one input overlap only in a planned crossfade:
each side says ``segue`` (with the overlap in ``frames``), a stated ``tail_out`` ringing into the next cue, or a
stated ``prelap`` starting inside the previous one.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from .context import CutInfo, Range
from .model import Cue, Edge

log = logging.getLogger(__name__)

PLANNER = ("grown", "auto")


def merge(a: Cue, b: Cue, why: str) -> Cue:
    """One cue covering both ``a`` and ``b`` (``a`` the earlier), words and reasons joined."""
    first_end = b if b.end_frame > a.end_frame else a
    return replace(
        a,
        end_frame=max(a.end_frame, b.end_frame),
        exit=first_end.exit,
        kind="source" if a.kind == b.kind == "source" else "score",
        origin=a.origin if a.origin not in PLANNER else b.origin,
        moods=tuple(dict.fromkeys(a.moods + b.moods)),
        themes=tuple(dict.fromkeys(a.themes + b.themes)),
        hits=a.hits + b.hits,
        description=a.description or b.description,
        reasons=a.reasons + (why,) + tuple(r for r in b.reasons if r not in a.reasons),
        wanted_id=a.wanted_id or b.wanted_id,
        intensity=max(a.intensity, b.intensity),
    )


def _layered(a: Cue, b: Cue) -> bool:
    overlap = min(a.end_frame, b.end_frame) - max(a.start_frame, b.start_frame)
    return overlap > 0 and overlap * 2 >= min(a.duration_frames, b.duration_frames)


def resolve(cut: CutInfo, cues: list[Cue], forbidden: list[Range]) -> tuple[list[Cue], list[str]]:
    """The cues of one input fitted together, in time order, and warnings for what could not be fitted."""
    warnings: list[str] = []
    seq = cut.analysis.sequence
    score = sorted((c for c in cues if c.kind == "score"), key=lambda c: (c.start_frame, c.end_frame))
    source = sorted((c for c in cues if c.kind == "source"), key=lambda c: (c.start_frame, c.end_frame))
    merged: list[Cue] = []
    for cue in score:
        if merged and _layered(merged[-1], cue):
            merged[-1] = merge(merged[-1], cue, f"layered with {cue.description or cue.origin!r} at {seq.timecode(cue.start_frame)}: one cue")
        else:
            merged.append(cue)
    fitted = _segues(cut, merged, forbidden, warnings)
    fitted = _edges(cut, fitted, forbidden)
    everything = fitted + source
    return sorted([_abutting(c, everything) for c in fitted] + [_abutting(c, everything) for c in source],
                  key=lambda c: (c.start_frame, c.end_frame, c.kind)), warnings


def _abutting(cue: Cue, cues: list[Cue]) -> Cue:
    """A planner cue that starts where another ends (or ends where another starts) segues from (into) it."""
    if cue.origin not in PLANNER:
        return cue
    if cue.entry.type == "hard_in" and any(c is not cue and c.end_frame == cue.start_frame for c in cues):
        cue = replace(cue, entry=Edge("segue"))
    if cue.exit.type == "hard_out" and any(c is not cue and c.start_frame == cue.end_frame for c in cues):
        cue = replace(cue, exit=Edge("segue"))
    return cue


def _segues(cut: CutInfo, cues: list[Cue], forbidden: list[Range], warnings: list[str]) -> list[Cue]:
    """Close or overlapping neighbours become segues; a stated tail or pre-lap keeps its type and rings into it."""
    min_gap = cut.frames(cut.rules.get("lengths.min_gap_seconds"))
    seq = cut.analysis.sequence
    out = list(cues)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        gap = b.start_frame - a.end_frame
        if gap >= min_gap or (gap > 0 and not _free((a.end_frame, b.start_frame), forbidden)):
            continue  # far enough apart, or NO MUSIC between them
        if gap < 0 and b.end_frame <= a.end_frame:
            warnings.append(f"cue at {seq.timecode(b.start_frame)} lies inside the cue at {seq.timecode(a.start_frame)}")
            continue
        if 0 < gap and a.origin in PLANNER:
            a = replace(a, end_frame=b.start_frame)
        elif 0 < gap and b.origin in PLANNER:
            b = replace(b, start_frame=a.end_frame)
        overlap = max(0, a.end_frame - b.start_frame)
        stated = (a.exit.type == "tail_out", b.entry.type == "prelap")
        if not stated[0]:
            a = replace(a, exit=Edge("segue", overlap))
        if not stated[1]:  # a stated tail ringing into a stated pre-lap is the editor's own crossfade
            b = replace(b, entry=Edge("segue", overlap))
        why = f"crossfades from the previous cue over {overlap} frames" if overlap else f"segue: {max(gap, 0)} frames after the previous cue (closer than the minimum gap)"
        out[i], out[i + 1] = a, replace(b, reasons=b.reasons + (why,))
    return out


def _edges(cut: CutInfo, cues: list[Cue], forbidden: list[Range]) -> list[Cue]:
    """Pre-laps and tail-outs for planner cues where there is room for them."""
    rules = cut.rules
    prelap = int(rules.get("lengths.prelap_frames"))
    tail = cut.frames(rules.get("lengths.tail_seconds"))
    min_gap = cut.frames(rules.get("lengths.min_gap_seconds"))
    out = list(cues)
    for i, cue in enumerate(out):
        if cue.origin not in PLANNER:
            continue
        prev_end = out[i - 1].end_frame if i else None
        next_start = out[i + 1].start_frame if i + 1 < len(out) else None
        cue = _fades(cut, cue, prev_end, next_start, forbidden)
        if prelap and cue.entry.type == "hard_in" and cue.start_frame > 0 and cue.start_frame in cut.boundaries:
            s = cue.start_frame - prelap
            if s >= 0 and (prev_end is None or s - prev_end >= min_gap) and _free((s, cue.start_frame), forbidden):
                cue = replace(cue, start_frame=s, entry=Edge("prelap", prelap, cue.start_frame))
        if tail and cue.exit.type == "hard_out" and cue.end_frame < cut.duration and cue.end_frame in cut.boundaries:
            e = cue.end_frame + tail
            if e <= cut.duration and (next_start is None or next_start - e >= min_gap) and _free((cue.end_frame, e), forbidden):
                cue = replace(cue, end_frame=e, exit=Edge("tail_out", tail, cue.end_frame))
        out[i] = cue
    return out


def _fades(cut: CutInfo, cue: Cue, prev_end: int | None = None, next_start: int | None = None,
           forbidden: list[Range] | None = None) -> Cue:
    """A planner cue that starts out of black fades in; one that ends into black fades out; and the music's fade
    follows the picture's (issue 14): a fade in from black (or a dissolve a fading cue starts on) makes the music
    fade in over the same frames, from the picture fade's first frame; a fade to black (or a dissolve a fading cue
    ends on) makes it fade out over the picture fade's frames, ending with the picture at black. The cue moves to
    the picture fade only where that takes no frame of a neighbour or of a NO MUSIC range; the fade is at least a
    frame (a click guard), never longer than the cue. Without a picture fade, or with rules
    ``temp.fades_follow_picture = false``, the fade table applies on the cue's frames as found."""
    near = cut.frames(1.0)
    for t in cut.analysis.transitions:
        if cue.entry.type == "hard_in" and t.kind == "fade_in" and t.start_frame - near <= cue.start_frame <= t.end_frame + near:
            cue = replace(cue, entry=Edge("fade_in"))
        if cue.exit.type == "hard_out" and t.kind == "fade_out" and t.start_frame <= cue.end_frame <= t.end_frame + near:
            cue = replace(cue, exit=Edge("fade_out"))
    if not cut.rules.get("temp.fades_follow_picture"):
        return cue
    if cue.entry.type == "fade_in" and not cue.entry.frames:
        picture = [t for t in cut.analysis.transitions if t.start_frame - near <= cue.start_frame <= t.end_frame + near
                   and (t.kind == "fade_in" or (t.kind == "dissolve" and t.start_frame <= cue.start_frame <= t.end_frame))]
        if picture:
            t = min(picture, key=lambda t: abs(t.start_frame - cue.start_frame))
            start = t.start_frame
            if (prev_end is not None and start < prev_end) or not _free((start, cue.start_frame), forbidden or []):
                start = cue.start_frame
            length = max(1, min(t.end_frame - start, cue.end_frame - start))
            cue = replace(cue, start_frame=start, entry=Edge("fade_in", length))
    if cue.exit.type == "fade_out" and not cue.exit.frames:
        picture = [t for t in cut.analysis.transitions if t.start_frame <= cue.end_frame <= t.end_frame + near
                   and (t.kind == "fade_out" or (t.kind == "dissolve" and cue.end_frame <= t.end_frame))]
        if picture:
            t = min(picture, key=lambda t: abs(t.end_frame - cue.end_frame))
            end = t.end_frame
            if end > cue.end_frame and ((next_start is not None and end > next_start)
                                        or not _free((cue.end_frame, end), forbidden or [])):
                end = cue.end_frame
            length = max(1, min(end - t.start_frame, end - cue.start_frame))
            cue = replace(cue, end_frame=end, exit=Edge("fade_out", length))
    return cue


def _free(span: Range, forbidden: list[Range]) -> bool:
    return all(span[1] <= f0 or span[0] >= f1 for f0, f1 in forbidden)
