"""The cut as the planner sees it: where cuts and scenes are, and small helpers over frame ranges."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from functools import cached_property

from ..model import Analysis, Scene
from .rules import Rules

Range = tuple[int, int]


@dataclass(frozen=True, eq=False)
class CutInfo:
    """One input's analysis with fast lookups; ``index`` is the input's position among the inputs."""

    analysis: Analysis
    rules: Rules
    index: int = 0
    hidden_cuts: tuple[int, ...] = ()  # edits under a flattened export laid over the cut (see ``auto.hidden_cuts``)

    @property
    def rate(self) -> float:
        return self.analysis.sequence.rate

    @property
    def duration(self) -> int:
        return self.analysis.sequence.duration_frames

    @cached_property
    def boundaries(self) -> tuple[int, ...]:
        """Frames a planner-chosen boundary may land on: 0, every cut, the end."""
        frames = {0, self.duration}
        frames.update(c for c in (*self.analysis.cuts, *self.hidden_cuts) if 0 < c < self.duration)
        return tuple(sorted(frames))

    @cached_property
    def scenes(self) -> tuple[Scene, ...]:
        """The scenes, each edge moved onto the nearest cut within ``lengths.snap_seconds`` (a fade-in scene
        starts where its shot does); an edge with no cut near keeps its own frame (a scene marker's)."""
        near = self.frames(self.rules.get("lengths.snap_seconds"))
        scenes = sorted(self.analysis.scenes, key=lambda s: s.start_frame)
        edges = sorted({s.start_frame for s in scenes} | {s.end_frame for s in scenes})
        moved: dict[int, int] = {}
        last = -1
        for i, edge in enumerate(edges):
            cut = self.nearest_cut(edge)
            following = edges[i + 1] if i + 1 < len(edges) else None
            ok = abs(cut - edge) <= near and cut > last and (following is None or cut < following)
            moved[edge] = cut if ok else edge
            last = moved[edge]
        out = [replace(s, start_frame=moved[s.start_frame], end_frame=moved[s.end_frame]) for s in scenes]
        out = [s for s in out if s.end_frame > s.start_frame]
        return tuple(out)

    def nearest_cut(self, frame: int) -> int:
        before, after = self.cut_at_or_before(frame), self.cut_at_or_after(frame)
        return before if frame - before <= after - frame else after

    def frames(self, seconds: float) -> int:
        """Whole frames for a length in seconds at this rate."""
        return int(round(seconds * self.rate))

    def cut_at_or_before(self, frame: int) -> int:
        i = bisect.bisect_right(self.boundaries, frame) - 1
        return self.boundaries[max(i, 0)]

    def cut_at_or_after(self, frame: int) -> int:
        i = bisect.bisect_left(self.boundaries, frame)
        return self.boundaries[min(i, len(self.boundaries) - 1)]

    def scene_at(self, frame: int) -> Scene | None:
        starts = [s.start_frame for s in self.scenes]
        i = bisect.bisect_right(starts, frame) - 1
        if i >= 0 and self.scenes[i].start_frame <= frame < self.scenes[i].end_frame:
            return self.scenes[i]
        return None

    def scenes_over(self, start: int, end: int) -> list[Scene]:
        return [s for s in self.scenes if s.start_frame < end and s.end_frame > start]


def subtract(span: Range, blocked: list[Range]) -> list[Range]:
    """The parts of ``span`` not covered by any of ``blocked``."""
    pieces = [span]
    for b0, b1 in sorted(blocked):
        out = []
        for s, e in pieces:
            if b1 <= s or b0 >= e:
                out.append((s, e))
                continue
            if s < b0:
                out.append((s, b0))
            if b1 < e:
                out.append((b1, e))
        pieces = out
    return [p for p in pieces if p[1] > p[0]]


def union_length(ranges: list[Range], within: Range | None = None) -> int:
    """Frames covered by ``ranges`` (clipped to ``within``), overlaps counted once."""
    total, cur_s, cur_e = 0, None, None
    for s, e in sorted(ranges):
        if within is not None:
            s, e = max(s, within[0]), min(e, within[1])
        if e <= s:
            continue
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += cur_e - cur_s
    return total


def free_piece(frame: int, duration: int, blocked: list[Range]) -> Range | None:
    """The stretch of ``[0, duration)`` around ``frame`` that no blocked range covers."""
    for s, e in subtract((0, duration), blocked):
        if s <= frame < e:
            return s, e
    return None


def expand_on_cuts(span: Range, limit: Range, cut: CutInfo, min_len: int) -> Range:
    """``span`` widened cut by cut (alternately later and earlier) inside ``limit`` until ``min_len`` long."""
    s, e = span
    while e - s < min_len:
        later = cut.cut_at_or_after(e + 1) if e < limit[1] else e
        later = min(later, limit[1])
        earlier = cut.cut_at_or_before(s - 1) if s > limit[0] else s
        earlier = max(earlier, limit[0])
        if later == e and earlier == s:
            break
        if later != e and (later - e <= s - earlier or earlier == s):
            e = later
        else:
            s = earlier
    return s, e
