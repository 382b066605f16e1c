"""Which stretches of a piece play where in a cue: a music editor's cut, decided in seconds, pure.

Given what listening found in a piece (:class:`~otio_scoreplan.library.analysis.PieceAnalysis`: bars,
onsets with their strength, sections with their energy, the ending) and what the cue asks (its length, its
entry and exit, its hits), :func:`plan_edit` says which source spans play at which cue times. No samples
are touched here; :mod:`.cut` turns the spans into the fitter's stretches.

The rules, in the order they win when they compete:

1. **Hits.** The cue's first hit lands on a strong onset of the piece or on a section change.
2. **The ending.** With a hard out or a tail out, the piece's button (its last strong onset, or where
   its fade starts) lands on the cue's out; its decay plays on past the out (the tail). A fade out or a
   segue leaves the end free (a segue keeps the piece's ending out of the cue: the next cue takes over).
3. **The entry.** Whatever length is left over lands at the head: the head starts where the anchors put
   it (a fade-in covers it), moved by whole bars toward a musical start when the piece allows: a quiet
   section for a soft entry, the first section with some energy for a hard one.

Lengths are made with internal edits on bar lines: a piece longer than the cue loses whole bars (whole
phrases when they fit), a shorter one repeats a stretch of bars that holds no climax. An edit sits at
least a bar from every hit and half a bar inside its region, and is crossfaded (``crossfade`` seconds).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

PHRASE_BARS = 4
STRONG_ONSET = 0.5  # a hit may land on an onset at least this strong (0..1 of the piece's strongest)
MAX_REPEAT_BARS = 16  # the longest stretch repeated whole (four phrases)
HIT_CANDIDATES = 16  # the strongest onsets tried for a hit (with every section change)
QUIET_ENERGY = 0.5
HIT_WEIGHT = 60.0  # cost of a hit on an onset of strength 0 against one of strength 1
MISS_CAP = 60.0  # the most an ending that misses the out weighs against a stronger hit  # a soft entry looks for a section at most this loud (0..1 of the loudest)
ANCHORED_EXITS = ("hard_out", "tail_out")
SOFT_ENTRIES = ("fade_in", "prelap")


@dataclass(frozen=True)
class CutRequest:
    """What a cue asks of its temp piece (seconds; cue times from the cue's first sample)."""

    length: float
    entry: str = "hard_in"
    exit: str = "hard_out"
    hits: tuple[float, ...] = ()
    offset: float | None = None  # a start in the piece a person pinned; None: the cut chooses
    lead: float = 0.0  # seconds played before the cue's start (half a segue's overlap)
    tail: float = 0.0  # seconds played past the out at most (a ring-out, half a segue's overlap)
    crossfade: float = 0.05  # seconds of each internal edit's crossfade
    frame: float = 1 / 24  # one picture frame: how close an anchor must land


@dataclass(frozen=True)
class Span:
    """``length`` seconds of the piece from ``source``, playing from cue time ``at``."""

    at: float
    source: float
    length: float

    @property
    def end(self) -> float:
        return self.at + self.length


@dataclass(frozen=True)
class EditPlan:
    """The cut: spans tiling cue time from ``-lead`` to ``length + tail``, each join an edit on a bar line."""

    spans: tuple[Span, ...]
    lead: float
    tail: float
    crossfade: float
    button_at: float | None = None  # cue time where the piece's ending lands (None: the end is free)
    hit_source: float | None = None  # piece time the first hit lands on
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def edits(self) -> tuple[float, ...]:
        """Cue times of the internal edits (the joins between spans)."""
        return tuple(s.at for s in self.spans[1:])


@dataclass
class _Region:
    """Spans for one stretch of cue time, and what the choice cost."""

    spans: list[Span]
    cost: float
    notes: list[str]


class _Grid:
    """The piece's bars and sections, and the questions the cut asks of them."""

    def __init__(self, analysis: Any) -> None:
        self.duration = float(analysis.duration)
        bars = sorted(float(b) for b in analysis.bars)
        if len(bars) < 3 and len(analysis.beats) >= 6:
            per = max(1, int(analysis.beats_per_bar or 4))
            bars = [float(b) for b in sorted(analysis.beats)[::per]]
        self.bars = bars
        gaps = sorted(b - a for a, b in zip(bars, bars[1:]))
        self.bar = gaps[len(gaps) // 2] if gaps else 0.0
        self.sections = tuple(analysis.sections)
        self.ending = analysis.ending
        self.onsets = [(float(t), float(s)) for t, s in zip(analysis.onsets, analysis.onset_strength)]
        self._phrases: list[bool] | None = None
        self.bar_energy = [self.energy(b) for b in bars]

    @property
    def usable(self) -> bool:
        return len(self.bars) >= 3 and self.bar > 0.2

    def climax(self, a: float, b: float) -> bool:
        """Whether ``[a, b)`` of the piece overlaps a section labelled climax."""
        return any(s.label == "climax" and s.start < b and a < s.end for s in self.sections)

    def energy(self, t: float) -> float:
        for s in self.sections:
            if s.start <= t < s.end:
                return float(s.energy)
        return 0.5

    def phrase(self, i: int) -> bool:
        """Whether bar ``i`` starts a phrase (a section start, or every :data:`PHRASE_BARS` bars from one)."""
        if self._phrases is None:
            starts = [s.start for s in self.sections] or [self.bars[0]]
            first, flags = 0, []
            for k, b in enumerate(self.bars):
                if any(abs(b - s) < self.bar / 2 for s in starts):
                    first = k
                flags.append((k - first) % PHRASE_BARS == 0)
            self._phrases = flags
        return self._phrases[i]

    def bars_in(self, a: float, b: float) -> list[int]:
        return [i for i, t in enumerate(self.bars) if a - 1e-6 <= t <= b + 1e-6]


def _join_ok(cue_time: float, request: CutRequest, lo: float, hi: float, bar: float) -> bool:
    """An edit at ``cue_time`` stays a bar from every hit and half a bar inside ``[lo, hi]``."""
    return lo + bar / 2 <= cue_time <= hi - bar / 2 and all(abs(cue_time - h) >= bar - 1e-6 for h in request.hits)


def _removals(grid: _Grid, need: float, src_lo: float, src_hi: float, cue_of, request: CutRequest,
              cue_lo: float, cue_hi: float) -> list[tuple[float, int, int]]:
    """Candidate removals ``(cost, i, j)``: play to bar ``i``, go on from bar ``j`` (losing about ``need`` s).

    ``cue_of(source_time, i, j)`` is the cue time of the edit for that pair.
    """
    out = []
    idx = grid.bars_in(src_lo, src_hi)
    times = [grid.bars[k] for k in idx]
    for a, i in enumerate(idx):  # only the pairs whose distance is near ``need`` (a band found by bisection)
        lo = bisect.bisect_left(times, times[a] + need - grid.bar * PHRASE_BARS, a + 1)
        hi = bisect.bisect_right(times, times[a] + need + grid.bar * 0.75, lo)
        for j in idx[lo:hi]:
            removed = grid.bars[j] - grid.bars[i]
            at = cue_of(i, j)
            if not _join_ok(at, request, cue_lo, cue_hi, grid.bar):
                continue
            cost = abs(need - removed) / grid.bar
            cost += 0.0 if grid.phrase(i) and grid.phrase(j) else 0.5
            cost += abs(grid.bar_energy[i] - grid.bar_energy[j])
            out.append((cost, i, j))
    return sorted(out)


def _repeats(grid: _Grid, need: float, src_lo: float, src_hi: float) -> list[tuple[float, int, int, int]]:
    """Candidate repeats ``(cost, i, j, times)``: bars ``i..j`` played ``times`` more, adding at least ``need`` s."""
    out = []
    idx = grid.bars_in(src_lo, src_hi)
    for a, i in enumerate(idx):
        for j in idx[a + 1 : a + 1 + MAX_REPEAT_BARS]:
            span = grid.bars[j] - grid.bars[i]
            if span < grid.bar * 0.75:
                continue
            times = max(1, math.ceil((need - 1e-6) / span))
            cost = 0.1 * (times * span - need) / grid.bar + 0.6 * (times - 1)
            cost += 0.0 if grid.phrase(i) and grid.phrase(j) else 1.0
            cost += abs(grid.bar_energy[j - 1] - grid.bar_energy[i])  # the bar before the jump back, and where it lands
            if grid.climax(grid.bars[i], grid.bars[j]):
                cost += 50.0  # never a climax twice, unless nothing else is there
            out.append((cost, i, j, times))
    return sorted(out)


def _ending_on(grid: _Grid, src_end: float, cue_end: float, cue_start: float, request: CutRequest) -> _Region:
    """The cue's stretch ``[cue_start, cue_end)`` ending at piece time ``src_end``, its head free (the entry region)."""
    want = cue_end - cue_start
    natural = src_end - want
    notes: list[str] = []
    if natural < 0:  # too short: repeat bars (no climax) before the anchor
        found = []
        for cost, i, j, times in _repeats(grid, -natural, 0.0, src_end - grid.bar / 2):
            start = natural + times * (grid.bars[j] - grid.bars[i])
            joins = [cue_start + grid.bars[j] - start + k * (grid.bars[j] - grid.bars[i]) for k in range(times)]
            if grid.bars[j] > start + grid.bar / 2 and all(_join_ok(t, request, cue_start, cue_end, grid.bar) for t in joins):
                found.append((cost + start / grid.bar * 0.1, i, j, times, start))
        if not found:
            return _Region([Span(cue_start, 0.0, want)], 100.0, ["piece too short to reach the anchor"])
        cost, i, j, times, start = min(found)
        return _repeated(grid, i, j, times, start, cue_start, cue_end, cost + 1.0, notes)
    options: list[_Region] = [_Region([Span(cue_start, natural, want)], _start_cost(grid, request, natural), notes)]

    def cue_of(i: int, j: int) -> float:
        return cue_end - (src_end - grid.bars[j])

    for p in _head_starts(grid, request, natural):
        found = [f for f in _removals(grid, natural - p, p + grid.bar, src_end - grid.bar, cue_of, request, cue_start, cue_end)
                 if -grid.bar * 0.1 <= natural - p - (grid.bars[f[2]] - grid.bars[f[1]]) < grid.bar * 0.75]
        if not found:
            continue
        cost, i, j = found[0]
        removed = grid.bars[j] - grid.bars[i]
        start, edit_at = max(0.0, natural - removed), cue_of(i, j)
        note = (f"shortened: {removed:.2f} s ({round(removed / grid.bar)} bars) from {grid.bars[i]:.2f} s lost at cue "
                f"{edit_at:.2f} s, the head from {start:.2f} s")
        options.append(_Region([Span(cue_start, start, edit_at - cue_start), Span(edit_at, grid.bars[j], cue_end - edit_at)],
                               cost + _start_cost(grid, request, start) + 0.3, [note]))
        if len(options) > 3:  # the latest few phrase starts are enough
            break
    return min(options, key=lambda r: r.cost)


def _suits(grid: _Grid, request: CutRequest, t: float) -> bool:
    """Whether the head may start at piece time ``t``: a quiet place for a soft entry, some energy for the others."""
    energy = grid.energy(t)
    if request.entry in SOFT_ENTRIES:
        return energy <= QUIET_ENERGY
    return energy > 0.3 if request.entry == "hard_in" else energy > QUIET_ENERGY


def _start_cost(grid: _Grid, request: CutRequest, t: float) -> float:
    """What starting the head at piece time ``t`` costs: off a bar line, off a phrase, in the wrong energy."""
    if request.offset is not None:
        return abs(t - max(0.0, request.offset - request.lead)) / grid.bar
    near = min(range(len(grid.bars)), key=lambda k: abs(grid.bars[k] - t))
    off_bar = abs(grid.bars[near] - t) > grid.bar * 0.05
    soft = request.entry in SOFT_ENTRIES
    cost = (0.3 if soft else 1.0) * off_bar + (0.0 if t < grid.bar * 0.05 or (not off_bar and grid.phrase(near)) else 0.3)
    return cost + (0.0 if _suits(grid, request, t) else 1.2)


def _head_starts(grid: _Grid, request: CutRequest, before: float) -> list[float]:
    """Phrase starts the head might start from (latest first), before piece time ``before``."""
    if request.offset is not None:
        return [max(0.0, request.offset - request.lead)] if request.offset - request.lead < before - grid.bar else []
    out = [grid.bars[k] for k in range(len(grid.bars)) if grid.phrase(k) and grid.bars[k] < before - grid.bar * 0.75
           and _suits(grid, request, grid.bars[k])]
    if request.entry == "hard_in" and (not out or min(out) > grid.bar):
        out.append(0.0)  # the piece's own beginning
    return sorted(set(out), reverse=True)


def _from(grid: _Grid, src_start: float, cue_start: float, cue_end: float, request: CutRequest,
          src_target: float | None, src_limit: float) -> _Region:
    """The cue's stretch ``[cue_start, cue_end)`` starting at piece time ``src_start``.

    With ``src_target`` the stretch should end there (an ending that lands on the out), else anywhere
    before ``src_limit``.
    """
    want = cue_end - cue_start
    notes: list[str] = []

    def cue_of(i: int, j: int) -> float:
        return cue_start + grid.bars[i] - src_start

    if src_target is None:
        if src_start + want <= src_limit + 1e-6:
            return _Region([Span(cue_start, src_start, want)], 0.0, notes)
        need = src_start + want - src_limit
        return _extend(grid, src_start, cue_start, cue_end, need, src_limit, request, notes, None)
    surplus = (src_target - src_start) - want
    if abs(surplus) <= request.frame / 2:
        return _Region([Span(cue_start, src_start, want)], 0.0, notes)
    if surplus < 0:
        return _extend(grid, src_start, cue_start, cue_end, -surplus, src_target, request, notes, src_target)
    found = _removals(grid, surplus, src_start + grid.bar, src_target - grid.bar, cue_of, request, cue_start, cue_end)
    if not found:
        return _Region([Span(cue_start, src_start, want)], 20.0, ["ending not reached: no bar line to cut at"])
    best = min(found, key=lambda f: _miss(grid, f[1], f[2], surplus, request) * 4 + f[0])
    cost, i, j = best
    removed = grid.bars[j] - grid.bars[i]
    edit_at = cue_of(i, j)
    notes.append(f"shortened: {removed:.2f} s lost at cue {edit_at:.2f} s (bars at {grid.bars[i]:.2f} -> {grid.bars[j]:.2f} s)")
    return _Region([Span(cue_start, src_start, edit_at - cue_start), Span(edit_at, grid.bars[j], cue_end - edit_at)],
                   cost + _miss(grid, i, j, surplus, request) * 4, notes)


def _miss(grid: _Grid, i: int, j: int, surplus: float, request: CutRequest) -> float:
    """How far (in frames) the ending misses the out after removing bars ``i..j``; a late button costs more."""
    late = surplus - (grid.bars[j] - grid.bars[i])
    frames = abs(late) / request.frame
    return frames * (3.0 if late > 0 else 1.0) if frames > 0.5 else 0.0


def _extend(grid: _Grid, src_start: float, cue_start: float, cue_end: float, need: float, src_end: float,
            request: CutRequest, notes: list[str], target: float | None) -> _Region:
    """Repeat bars between ``src_start`` and ``src_end`` so the stretch lasts to ``cue_end``."""
    found = [f for f in _repeats(grid, need, src_start + grid.bar / 2, src_end - grid.bar / 2)
             if all(_join_ok(cue_start + grid.bars[f[2]] - src_start + k * (grid.bars[f[2]] - grid.bars[f[1]]), request,
                             cue_start, cue_end, grid.bar) for k in range(f[3]))]
    if not found:
        return _Region([Span(cue_start, src_start, cue_end - cue_start)], 30.0, ["piece too short: it runs out"])
    miss = 0.0
    if target is not None:  # land the ending: prefer repeats adding just what is missing (a late button costs more)
        def missed(f: tuple[float, int, int, int]) -> float:
            late = need - f[3] * (grid.bars[f[2]] - grid.bars[f[1]])
            return abs(late) / request.frame * (3.0 if late > 0 else 1.0) if abs(late) > request.frame / 2 else 0.0
        found.sort(key=lambda f: missed(f) * 4 + f[0])
        miss = missed(found[0]) * 4
    cost, i, j, times = found[0]
    return _repeated(grid, i, j, times, src_start, cue_start, cue_end, cost + 1.0 + miss, notes)


def _repeated(grid: _Grid, i: int, j: int, times: int, start: float, cue_start: float, cue_end: float, cost: float,
              notes: list[str]) -> _Region:
    """The piece from ``start`` to bar ``j``, bars ``i..j`` ``times`` more, the last pass running on to ``cue_end``."""
    a, b = grid.bars[i], grid.bars[j]
    spans, at = [Span(cue_start, start, b - start)], cue_start + b - start
    for _ in range(times - 1):
        spans.append(Span(at, a, b - a))
        at += b - a
    spans.append(Span(at, a, cue_end - at))
    notes.append(f"extended: bars {a:.2f}-{b:.2f} s played {times + 1} times"
                 + (" (a climax: nothing else to repeat)" if grid.climax(a, b) else ""))
    return _Region(spans, cost, notes)


def _anchor_end(grid: _Grid, request: CutRequest) -> float | None:
    """The piece time that lands on the out: its button, or the last bar line before its fade; None when free."""
    if request.exit not in ANCHORED_EXITS:
        return None
    ending = grid.ending
    if ending.kind in ("button", "cut") and ending.time > grid.bar:
        return float(ending.time)
    before = [b for b in grid.bars if b <= float(ending.time) + 1e-6]
    return before[-1] if before else None


def _hit_candidates(grid: _Grid) -> list[tuple[float, float]]:
    """(piece time, strength) where a hit may land: strong onsets and section changes."""
    found = sorted(((t, s) for t, s in grid.onsets if s >= STRONG_ONSET), key=lambda o: -o[1])[:HIT_CANDIDATES]
    found += [(float(s.start), 0.6) for s in grid.sections[1:]]
    return sorted(found)


def plan_edit(analysis: Any, request: CutRequest) -> EditPlan | None:
    """The cut of ``analysis``'s piece for ``request``; None when the piece has no usable bars (the caller loops it)."""
    grid = _Grid(analysis)
    if not grid.usable or request.length <= 0:
        return None
    end = _anchor_end(grid, request)
    limit = float(grid.ending.time) if request.exit == "segue" else grid.duration
    hits = [h for h in request.hits if 0 <= h < request.length]
    best: tuple[float, list[Span], list[str], float | None] | None = None
    if hits:
        h = hits[0]
        for source, strength in _hit_candidates(grid):
            if end is not None and source >= end - grid.bar:
                continue
            head = _ending_on(grid, source, h, -request.lead, request)
            body = _from(grid, source, h, request.length, request, end, limit)
            # hits first: the stronger onset wins unless the ending would miss by more than a few frames
            cost = (1.0 - strength) * HIT_WEIGHT + head.cost + min(body.cost, MISS_CAP) * 2
            if best is None or cost < best[0]:
                best = (cost, head.spans + body.spans, head.notes + body.notes + [f"hit at cue {h:.2f} s on {source:.2f} s"], source)
    if best is None and end is not None:
        head = _ending_on(grid, end, request.length, -request.lead, request)
        best = (head.cost, head.spans, head.notes, None)
    if best is None:
        starts = _head_starts(grid, request, limit - request.length) or [0.0]
        start = request.offset if request.offset is not None else min(starts, key=lambda t: (_start_cost(grid, request, t), t))
        start = max(0.0, min(start, max(0.0, limit - request.length - request.lead)))
        body = _from(grid, start, -request.lead, request.length, request, None, limit)
        best = (body.cost, body.spans, body.notes, None)
    _, spans, notes, hit_source = best
    spans = _tidy(spans)
    last = spans[-1]
    source_at_out = last.source + (request.length - last.at)
    tail = max(0.0, min(request.tail, grid.duration - source_at_out))
    spans[-1] = Span(last.at, last.source, request.length + tail - last.at)
    button = None
    if end is not None:
        landed = [s.at + end - s.source for s in spans if s.source <= end <= s.source + s.length + 1e-6]
        button = landed[-1] if landed else None
    return EditPlan(tuple(spans), request.lead, tail, request.crossfade, button, hit_source, tuple(notes))


def _tidy(spans: Sequence[Span]) -> list[Span]:
    """Spans without empty ones, neighbours that continue each other merged."""
    out: list[Span] = []
    for s in spans:
        if s.length <= 1e-9:
            continue
        if out and abs(out[-1].source + out[-1].length - s.source) < 1e-6 and abs(out[-1].end - s.at) < 1e-6:
            out[-1] = Span(out[-1].at, out[-1].source, out[-1].length + s.length)
        else:
            out.append(s)
    return out
