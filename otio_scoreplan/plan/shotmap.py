"""Where the previous plan's frames are in a recut: the shots both cuts share carry each frame along.

A recut moves the picture: a shot ripple-deleted near the head of a reel moves every later shot, and every
cue over them, up by its length. Matching the previous plan's cues to the recut's by their frames alone
would then lose every short cue after the edit. So the previous plan's shots (``inputs[].shots``: name,
source, kind) are aligned with the recut's (:class:`difflib.SequenceMatcher`, in film order), and a previous
frame inside a shot the recut still holds goes to the same place in that shot (clamped to its new length: a
trim); a frame inside a shot the recut dropped goes to where the next shared shot now starts. With no shot
in common (or no shots in the previous plan) frames stay as they are.
"""

from __future__ import annotations

import bisect
import difflib
from dataclasses import dataclass, replace
from typing import Any, Sequence

from ..model import Analysis, Shot
from .model import Plan


def _key(shot: Shot | dict[str, Any]) -> tuple[str, str, str]:
    """What identifies a shot across cuts: its clip name, source and kind."""
    if isinstance(shot, dict):
        return str(shot.get("name", "")), str(shot.get("source", "")), str(shot.get("kind", "clip"))
    return shot.name, shot.source, shot.kind


@dataclass(frozen=True)
class ShotMap:
    """Previous frame -> recut frame for one input, through the shots both cuts hold."""

    starts: tuple[int, ...]  # previous shots' start frames, in order
    ends: tuple[int, ...]
    targets: tuple[tuple[int, int] | None, ...]  # each previous shot's (start, end) in the recut; None: dropped

    def frame(self, f: int) -> int:
        """Where previous frame ``f`` is in the recut."""
        k = max(0, bisect.bisect_right(self.starts, f) - 1)  # the previous shot holding f (or the nearest before)
        target = self.targets[k]
        if target is not None:
            if f < self.starts[k]:  # before the first shot
                return target[0] - (self.starts[k] - f)
            if f >= self.ends[k]:  # in a hole after shot k
                return target[1] + (f - self.ends[k])
            return target[0] + min(f - self.starts[k], max(0, target[1] - target[0] - 1))
        later = next((t for t in self.targets[k + 1:] if t is not None), None)
        if later is not None:  # the shot is gone: where the next shared shot now starts
            return later[0]
        earlier = next((t for t in reversed(self.targets[:k]) if t is not None), None)
        return earlier[1] if earlier is not None else f

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Where the previous range ``[start, end)`` is in the recut; empty when its picture is gone."""
        last = end - 1
        k = max(0, bisect.bisect_right(self.starts, last) - 1)
        gone = self.targets[k] is None and self.starts[k] <= last < self.ends[k]  # the last frame's shot is dropped
        lo, hi = self.frame(start), self.frame(last) + (0 if gone else 1)
        return (lo, hi) if hi > lo else (lo, lo)


def shot_map(previous_shots: Sequence[dict[str, Any]], shots: Sequence[Shot]) -> ShotMap | None:
    """The map from a previous cut's shots to a recut's, or None when they share no shot."""
    old = sorted(previous_shots, key=lambda s: (int(s["start_frame"]), int(s["end_frame"])))
    new = sorted(shots, key=lambda s: (s.start_frame, s.end_frame))
    matcher = difflib.SequenceMatcher(None, [_key(s) for s in old], [_key(s) for s in new], autojunk=False)
    targets: list[tuple[int, int] | None] = [None] * len(old)
    for block in matcher.get_matching_blocks():
        for n in range(block.size):
            shot = new[block.b + n]
            targets[block.a + n] = (shot.start_frame, shot.end_frame)
    if not any(targets):
        return None
    return ShotMap(tuple(int(s["start_frame"]) for s in old), tuple(int(s["end_frame"]) for s in old), tuple(targets))


def previous_in_recut(previous: Plan, analyses: Sequence[Analysis]) -> Plan:
    """``previous`` with each cue's range moved to where its picture is in the recut (inputs in the same order)."""
    maps: list[ShotMap | None] = []
    for i, analysis in enumerate(analyses):
        rows = previous.analyses[i].get("shots", []) if i < len(previous.analyses) else []
        maps.append(shot_map(rows, analysis.shots) if rows else None)
    cues = []
    for cue in previous.cues:
        m = maps[cue.input] if cue.input < len(maps) else None
        if m is None:
            cues.append(cue)
            continue
        start, end = m.span(cue.start_frame, cue.end_frame)
        cues.append(replace(cue, start_frame=start, end_frame=end))
    return replace(previous, cues=cues)
