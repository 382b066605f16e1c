"""Where the previous plan's frames are in a recut: the shots both cuts share carry each frame along.

A recut moves the picture: a shot ripple-deleted near the head of a reel moves every later shot, and every
cue over them, up by its length. Matching the previous plan's cues to the recut's by their frames alone
would then lose every short cue after the edit. So the previous plan's shots (``inputs[].shots``) are keyed
on what identifies picture across recuts: the media (path or reel) and kind, plus the clip name when it
names the clip (an EDL without FROM CLIP NAME lines names each shot by its event number, which a recut
renumbers: such names are left out of the key). The keys are aligned with the recut's
(:class:`difflib.SequenceMatcher`, in film order: first with each shot's length, then without it between the
shots matched so, for trimmed shots); then shots left over whose key is unique in both cuts are
matched too (a scene moved elsewhere in the cut: its cues follow their picture). A previous frame inside a shot
the recut still holds goes to the same place in that shot (clamped to its new length: a trim); a frame inside
a shot the recut dropped goes to where the next shared shot now starts. With too few shots in common (under
:data:`MIN_SHARED` of the previous picture's frames), or no shots in the previous plan, frames stay as they
are and cues are matched by their frame overlap alone.

Shots carry the media frame they start on (``source_start_frame``, :class:`otio_scoreplan.model.Shot`): two
shots match only when they show overlapping frames of their media (shots of one key whose source frames overlap,
directly or through others of the key, form one group, and the group is part of the key), so two takes from one
reel or tape are told apart, and a trim is placed by its media frames: a frame keeps its media frame's place in
the recut's shot, frames trimmed from a shot's head are lost there (:meth:`ShotMap.head_lost` counts them, and
a kept temp piece's offset advances by them). A previous plan written before shots carried source frames (or a
shot without them: a speed change, a gap) is matched on the key alone, and a trim taken as a tail trim.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..model import Analysis, Shot
from .model import Cue, Edge, Plan
from .recut_edits import PictureEdit, joined

MIN_SHARED = 0.25  # the share of the previous picture's (non-gap) frames the matched shots must cover

_EVENT_NUMBER = re.compile(r"\d{1,6}")
_SOURCE = "source_start_frame"


def _key(shot: Shot | dict[str, Any]) -> tuple[str, str, str]:
    """What identifies a shot across cuts: its media, kind, and its clip name unless that is an event number."""
    if isinstance(shot, dict):
        name, source, kind = str(shot.get("name", "")), str(shot.get("source", "")), str(shot.get("kind", "clip"))
    else:
        name, source, kind = shot.name, shot.source, shot.kind
    if _EVENT_NUMBER.fullmatch(name.strip()):  # an EDL event number: a recut renumbers it
        name = ""
    return source, kind, name


def _first(shot: Shot | dict[str, Any]) -> int | None:
    """The media frame a shot starts on (None: not known)."""
    value = shot.get(_SOURCE) if isinstance(shot, dict) else shot.source_start_frame
    return None if value is None else int(value)


def _groups(keys: list[tuple[str, str, str]], firsts: list[int | None], lengths: list[int]) -> list[int | None]:
    """Per shot, its source group: shots of one key whose media frames overlap, directly or through others of
    the key, share a group (None: the shot's media frames are not known)."""
    by_key: dict[tuple[str, str, str], list[tuple[int, int, int]]] = {}
    for i, (key, first, n) in enumerate(zip(keys, firsts, lengths)):
        if first is not None:
            by_key.setdefault(key, []).append((first, first + n, i))
    out: list[int | None] = [None] * len(keys)
    group = -1
    for spans in by_key.values():
        spans.sort()
        end = None
        for lo, hi, i in spans:
            if end is None or lo >= end:  # no overlap with the group so far: a new one
                group += 1
                end = hi
            end = max(end, hi)
            out[i] = group
    return out


@dataclass(frozen=True)
class ShotMap:
    """Previous frame -> recut frame for one input, through the shots both cuts hold."""

    starts: tuple[int, ...]  # previous shots' start frames, in order
    ends: tuple[int, ...]
    targets: tuple[tuple[int, int] | None, ...]  # each previous shot's (start, end) in the recut; None: dropped
    moved: tuple[bool, ...] = ()  # each previous shot: matched out of order (moved in the cut)
    heads: tuple[int, ...] = ()  # each previous shot: media frames its recut shot starts later (a head trim; < 0: head
    # extended), 0 where not known

    def _head(self, k: int) -> int:
        return self.heads[k] if k < len(self.heads) else 0

    def _position(self, f: int, k: int) -> int:
        """Where previous frame ``f`` of shot ``k`` is in its recut shot, counted from that shot's first frame
        (< 0: trimmed from its head; past its length: trimmed from its tail)."""
        return f - self.starts[k] - self._head(k)

    def _shot_of(self, f: int) -> int:
        return max(0, bisect.bisect_right(self.starts, f) - 1)  # the previous shot holding f (or the nearest before)

    def frame(self, f: int) -> int:
        """Where previous frame ``f`` is in the recut."""
        k = self._shot_of(f)
        target = self.targets[k]
        if target is not None:
            if f < self.starts[k]:  # before the first shot
                return target[0] - (self.starts[k] - f)
            if f >= self.ends[k]:  # in a hole after shot k
                return target[1] + (f - self.ends[k])
            return target[0] + min(max(self._position(f, k), 0), max(0, target[1] - target[0] - 1))
        later = next((t for t in self.targets[k + 1:] if t is not None), None)
        if later is not None:  # the shot is gone: where the next shared shot now starts
            return later[0]
        earlier = next((t for t in reversed(self.targets[:k]) if t is not None), None)
        return earlier[1] if earlier is not None else f

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Where the previous range ``[start, end)`` is in the recut; empty when its picture is gone.

        When part of the range's picture moved and part did not (or its shots now lie out of order), the part
        on the run of its shots that lie one after another in the recut holding most of its frames stands for it
        (a scene moved into the middle of it: the longer side)."""
        first, k = self._shot_of(start), self._shot_of(end - 1)
        under = [j for j in range(first, k + 1) if self.starts[j] < end and self.ends[j] > start]
        held = [j for j in under if self.targets[j] is not None]
        ends = [self.targets[j] for j in held]
        apart = len({self._moved(j) for j in held}) > 1 or any(b[0] < a[1] for a, b in zip(ends, ends[1:]))
        if apart:
            runs: list[list[int]] = []  # held shots, each run's next starting in the recut where the last ends
            for j in held:
                if runs and self._joined(runs[-1][-1], j):
                    runs[-1].append(j)
                else:
                    runs.append([j])
            inside = lambda j: min(end, self.ends[j]) - max(start, self.starts[j])  # noqa: E731
            best = max(runs, key=lambda run: (sum(inside(j) for j in run), -run[0]))
            start, end = max(start, self.starts[best[0]]), min(end, self.ends[best[-1]])
            k = best[-1]
        last = end - 1
        inside = self.starts[k] <= last < self.ends[k]
        # the last frame's shot is dropped, or the last frame was trimmed from its shot's head
        gone = inside and (self.targets[k] is None or self._position(last, k) < 0)
        lo, hi = self.frame(start), self.frame(last) + (0 if gone else 1)
        return (lo, hi) if hi > lo else (lo, lo)

    def _joined(self, i: int, j: int) -> bool:
        """Whether previous shot ``j`` starts in the recut where shot ``i`` ends (both still there)."""
        a, b = self.targets[i], self.targets[j]
        return a is not None and b is not None and a[1] == b[0]

    def _moved(self, j: int) -> bool:
        return j < len(self.moved) and self.moved[j]

    def head_lost(self, start: int, end: int) -> int:
        """How many frames at the head of the previous range ``[start, end)`` lost their picture in the recut (in
        shots it dropped, trimmed from a shot's head, or past a shot's new length): the frames before its first frame
        still in the cut."""
        lost = 0
        for j in range(self._shot_of(start), len(self.starts)):
            a, b = max(start, self.starts[j]), min(end, self.ends[j])
            if self.starts[j] >= end:
                break
            if a >= b:
                continue
            t = self.targets[j]
            if t is not None:
                pos = self._position(a, j)
                if 0 <= pos < t[1] - t[0]:
                    break  # this frame's picture is still in the cut
                if pos < 0 and pos + (b - a) > 0:  # trimmed from the shot's head: the kept part follows
                    return lost - pos
            lost += b - a
        return lost

    def edits(self, start: int, end: int) -> tuple[PictureEdit, ...]:
        """The picture edits the recut made inside the previous range ``[start, end)``, in film order: frames
        removed (shots dropped, trimmed from a shot's head or tail) and frames added (new shots, or a shot's head
        or tail extended) between the previous picture it keeps. ``at`` counts from where the range starts in
        the recut (:meth:`span`), ``previous_at`` from its previous start."""
        lo = self.span(start, end)[0]
        kept: list[tuple[int, int, int]] = []  # (recut start, recut end, previous frame) of picture it keeps
        removed: list[tuple[int, int, int]] = []  # (index into kept it comes before, previous frame, frames)
        for j in range(self._shot_of(start), len(self.starts)):
            if self.starts[j] >= end:
                break
            a, b = max(start, self.starts[j]), min(end, self.ends[j])
            if a >= b:
                continue
            t = self.targets[j]
            if t is None:
                removed.append((len(kept), a, b - a))
                continue
            pa, pb, n = self._position(a, j), self._position(b, j), t[1] - t[0]
            keep_a, keep_b = max(pa, 0), min(pb, n)
            if keep_b <= keep_a:
                removed.append((len(kept), a, b - a))
                continue
            if keep_a > pa:  # trimmed from the shot's head
                removed.append((len(kept), a, keep_a - pa))
            kept.append((t[0] + keep_a, t[0] + keep_b, a + keep_a - pa))
            if pb > keep_b:  # trimmed from its tail
                removed.append((len(kept), a + keep_b - pa, pb - keep_b))
        out: list[PictureEdit] = []
        for k, (new_lo, _, old_f) in enumerate(kept):
            before = kept[k - 1][1] if k else lo
            for _, f, frames in (r for r in removed if r[0] == k):
                out.append(PictureEdit(before - lo, f - start, removed=frames))
            if new_lo > before:
                out.append(PictureEdit(before - lo, old_f - start, added=new_lo - before))
        end_at = kept[-1][1] if kept else lo
        out += [PictureEdit(end_at - lo, f - start, removed=frames) for k, f, frames in removed if k == len(kept)]
        return joined(out)

    def on_cuts(self, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
        """``(lo, hi)``, where the previous range ``[start, end)`` is in the recut (:meth:`span`), its ends moved
        onto the recut's cuts where they were on cuts: a range that began at a shot's head begins at that shot's
        head in the recut, one that ended at a shot's tail ends at its tail (when those shots are still there)."""
        k, j = self._shot_of(start), self._shot_of(max(start, end - 1))
        tk, tj = self.targets[k], self.targets[j]
        if start == self.starts[k] and tk is not None and tk[0] <= lo < tk[1] and tk[0] < hi:  # still on that shot
            lo = tk[0]
        if end == self.ends[j] and tj is not None and tj[0] < hi <= tj[1] and tj[1] > lo:
            hi = tj[1]
        return lo, hi

    def seen(self) -> tuple[tuple[int, int], ...]:
        """The recut's frames showing picture of the previous cut (the matched shots' new ranges, joined)."""
        out: list[tuple[int, int]] = []
        for a, b in sorted(t for t in self.targets if t is not None):
            if out and a <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], b))
            else:
                out.append((a, b))
        return tuple(out)

    def moved_in(self, start: int, end: int) -> bool:
        """Whether any shot under the previous range ``[start, end)`` was matched as moved material."""
        return any(self._moved(j) for j in range(self._shot_of(start), self._shot_of(max(start, end - 1)) + 1)
                   if self.starts[j] < end and self.ends[j] > start)


def shot_map(previous_shots: Sequence[dict[str, Any]], shots: Sequence[Shot]) -> ShotMap | None:
    """The map from a previous cut's shots to a recut's, or None when they share too few shots.

    Media frames (``source_start_frame``) are used when the previous shots carry the field (a plan written
    before it matches on the key alone)."""
    old = sorted(previous_shots, key=lambda s: (int(s["start_frame"]), int(s["end_frame"])))
    new = sorted(shots, key=lambda s: (s.start_frame, s.end_frame))
    old_len = [int(s["end_frame"]) - int(s["start_frame"]) for s in old]
    new_len = [s.end_frame - s.start_frame for s in new]
    sourced = any(_SOURCE in s for s in old)
    old_first = [_first(s) for s in old] if sourced else [None] * len(old)
    new_first = [_first(s) for s in new] if sourced else [None] * len(new)
    old_keys, new_keys = [_key(s) for s in old], [_key(s) for s in new]
    # untouched shots: the same key, length and first media frame
    old_exact = [k + (n, f) for k, n, f in zip(old_keys, old_len, old_first)]
    new_exact = [k + (n, f) for k, n, f in zip(new_keys, new_len, new_first)]
    if sourced:  # shots of a key showing none of each other's media frames are different picture
        groups = _groups(old_keys + new_keys, old_first + new_first, old_len + new_len)
        old_keys = [k + (g,) for k, g in zip(old_keys, groups)]
        new_keys = [k + (g,) for k, g in zip(new_keys, groups[len(old):])]
    targets: list[tuple[int, int] | None] = [None] * len(old)
    heads = [0] * len(old)
    moved = [False] * len(old)
    taken: set[int] = set()

    def match(i: int, j: int) -> bool:
        a, b = old_first[i], new_first[j]
        if a is not None and b is not None and not (a < b + new_len[j] and b < a + old_len[i]):
            return False  # one group through others, but no media frame in common
        targets[i] = (new[j].start_frame, new[j].end_frame)
        heads[i] = b - a if a is not None and b is not None else 0
        taken.add(j)
        return True

    for i, j in _aligned(old_exact, new_exact, old_keys, new_keys):
        match(i, j)
    # moved material: a shot left over whose key is unique in both cuts (gaps are never unique picture)
    old_count, new_count = Counter(old_keys), Counter(new_keys)
    new_at = {key: j for j, key in enumerate(new_keys) if new_count[key] == 1}
    for i, key in enumerate(old_keys):
        j = new_at.get(key)
        if targets[i] is None and j is not None and j not in taken and old_count[key] == 1 and key[1] != "gap":
            moved[i] = match(i, j)
    picture = [(n, t is not None) for s, n, t in zip(old, old_len, targets) if str(s.get("kind", "clip")) != "gap"]
    total = sum(n for n, _ in picture)
    if not any(t for t, s in zip(targets, old) if str(s.get("kind", "clip")) != "gap") or (
            total and sum(n for n, hit in picture if hit) < MIN_SHARED * total):
        return None
    return ShotMap(tuple(int(s["start_frame"]) for s in old), tuple(int(s["end_frame"]) for s in old),
                   tuple(targets), tuple(moved), tuple(heads))


def _in_order(a: Sequence[Any], b: Sequence[Any], a0: int, b0: int) -> list[tuple[int, int]]:
    """The pairs of equal items of ``a`` and ``b`` matched in order (indexes offset by ``a0``, ``b0``); the common
    head and tail first, so a recut that leaves most of the cut alone is matched in linear time."""
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    pairs = [(a0 + k, b0 + k) for k in range(head)]
    mid_a, mid_b = a[head:len(a) - tail], b[head:len(b) - tail]
    if mid_a and mid_b:
        matcher = difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=False)
        pairs += [(a0 + head + blk.a + n, b0 + head + blk.b + n) for blk in matcher.get_matching_blocks()
                  for n in range(blk.size)]
    pairs += [(a0 + len(a) - tail + k, b0 + len(b) - tail + k) for k in range(tail)]
    return pairs


def _aligned(old_exact: list[tuple[Any, ...]], new_exact: list[tuple[Any, ...]], old_keys: list[tuple[Any, ...]],
             new_keys: list[tuple[Any, ...]]) -> list[tuple[int, int]]:
    """Old and new shots matched in film order: first on their exact keys (key, length and first media frame: an
    untouched shot; lengths make the keys of one reel's many shots near-unique, which keeps the alignment fast),
    then, between those, on the key alone (a trimmed shot)."""
    exact = _in_order(old_exact, new_exact, 0, 0)
    pairs = list(exact)
    for (a0, b0), (a1, b1) in zip([(-1, -1)] + exact, exact + [(len(old_keys), len(new_keys))]):
        if a1 - a0 > 1 and b1 - b0 > 1:  # shots left between two matched ones, in both cuts
            pairs += _in_order(old_keys[a0 + 1:a1], new_keys[b0 + 1:b1], a0 + 1, b0 + 1)
    return pairs


def maps_for(previous: Plan, analyses: Sequence[Analysis]) -> list[ShotMap | None]:
    """Per input of the recut, the map from the previous plan's shots (None: frames stay as they are)."""
    maps: list[ShotMap | None] = []
    for i, analysis in enumerate(analyses):
        rows = previous.analyses[i].get("shots", []) if i < len(previous.analyses) else []
        maps.append(shot_map(rows, analysis.shots) if rows else None)
    return maps


@dataclass(frozen=True)
class Placed:
    """The previous plan placed on the recut: its cues where their picture now is, and what the cut did there."""

    plan: Plan  # the previous plan, each cue's range (and its cut frames and hits) where its picture is in the recut
    moved: frozenset[str]  # ids of cues some of whose picture the cut moved elsewhere
    head_lost: dict[str, int]  # id -> frames at the cue's head whose picture the recut removed (when any)
    edits: dict[str, tuple[PictureEdit, ...]] = field(default_factory=dict)  # id -> picture edits inside it
    followed: tuple[bool, ...] = ()  # per input of the recut: its picture was followed through a shot map
    seen: tuple[tuple[tuple[int, int], ...], ...] = ()  # per input: the recut's frames of the previous picture


def place_previous(previous: Plan, analyses: Sequence[Analysis]) -> Placed:
    """``previous`` placed on the recut ``analyses`` (inputs in the same order)."""
    maps = maps_for(previous, analyses)
    cues, moved, lost, edits = [], set(), {}, {}
    for cue in previous.cues:
        m = maps[cue.input] if cue.input < len(maps) else None
        if m is None:
            cues.append(cue)
            continue
        cues.append(_placed_cue(cue, m, analyses[cue.input].sequence.duration_frames))
        if m.moved_in(cue.start_frame, cue.end_frame):
            moved.add(cue.id)
        if head := m.head_lost(cue.start_frame, cue.end_frame):
            lost[cue.id] = head
        if cue.end_frame > cue.start_frame and (inside := m.edits(cue.start_frame, cue.end_frame)):
            edits[cue.id] = inside
    seen = tuple(m.seen() if m is not None else () for m in maps)
    return Placed(replace(previous, cues=cues), frozenset(moved), lost, edits, tuple(m is not None for m in maps), seen)


def _placed_cue(cue: Cue, m: ShotMap, duration: int) -> Cue:
    """``cue`` where its picture is in the recut: its range, the cuts its pre-lap and tail hang on, its hits (those
    whose picture is gone are left out). A proposed cue (origin ``auto``, kept on its picture by the recut) that
    began or ended on a cut does so in the recut too (on its shot's new head or tail: a trim or an extension
    there moves it with the cut), and its pre-lap and tail keep their lengths off the cuts they hang on."""
    start, end = m.span(cue.start_frame, cue.end_frame)
    entry, exit_ = cue.entry, cue.exit
    if entry.cut_frame is not None:
        entry = replace(entry, cut_frame=m.frame(entry.cut_frame))
    if exit_.cut_frame is not None:
        exit_ = replace(exit_, cut_frame=m.frame(exit_.cut_frame))
    if cue.origin == "auto" and end > start:
        start, end = m.on_cuts(cue.start_frame, cue.end_frame, start, end)
        if entry.type == "prelap" and entry.cut_frame is not None:
            start = max(0, entry.cut_frame - entry.frames)
            entry = replace(entry, frames=entry.cut_frame - start) if entry.cut_frame > start else Edge("hard_in")
        if exit_.type == "tail_out" and exit_.cut_frame is not None:
            end = min(duration, exit_.cut_frame + exit_.frames)
            exit_ = replace(exit_, frames=end - exit_.cut_frame) if end > exit_.cut_frame else Edge("hard_out")
        end = max(end, start + 1)
    hits = tuple(replace(h, frame=f) for h in cue.hits
                 if (f := m.frame(h.frame)) is not None and start <= f < end and m.span(h.frame, h.frame + 1)[1] > f)
    return replace(cue, start_frame=start, end_frame=end, entry=entry, exit=exit_, hits=hits)
