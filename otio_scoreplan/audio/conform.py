"""Conform a kept temp cut to a recut: the picture's edits made in the music, so what follows stays in sync.

When ``spot --previous`` keeps a cue's temp piece and the recut took picture out of the cue or put some in
(``recut.edits``: frames removed or added, where), the temp is edited at each of those points: exactly the
picture's length is taken out of the music (or the music just before is played again), at the piece's
bar line nearest the picture edit when one lies within ``tolerance`` seconds, else at the picture edit
itself. After each edit the music plays what it played before at the frame the picture now shows there.
A head trim (picture taken from or put before the cue's first frame) is made at the music's head, not inside the
cue: the music starts that much later in the piece, or earlier when the piece reaches back (else the first bar
before the picture edit is played again as for any addition).

Pure: spans in, spans out (:class:`~.edit_plan.Span`, cue seconds); the layout crossfades the joins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .edit_plan import Span

TOLERANCE_SECONDS = 2.0  # a bar line this close to the picture edit takes the music edit


@dataclass(frozen=True)
class MusicEdit:
    """A music edit made to follow a picture edit: at ``at`` (cue seconds, in the recut) the music skips ``removed``
    seconds, or plays the ``added`` seconds before it again; ``picture_at`` is where the picture edit is."""

    at: float
    picture_at: float
    removed: float = 0.0
    added: float = 0.0

    def to_json(self) -> dict[str, float]:
        out = {"at": round(self.at, 6), "picture_at": round(self.picture_at, 6)}
        out.update({"removed": round(self.removed, 6)} if self.removed else {"added": round(self.added, 6)})
        return out


def window(spans: Sequence[Span], a: float, b: float) -> list[Span]:
    """The part of the cut playing at cue times ``[a, b)``, as spans (cue times unchanged)."""
    out = []
    for s in spans:
        lo, hi = max(a, s.at), min(b, s.end)
        if hi - lo > 1e-9:
            out.append(Span(lo, s.source + lo - s.at, hi - lo))
    return out


def shifted(spans: Sequence[Span], by: float) -> list[Span]:
    return [Span(s.at + by, s.source, s.length) for s in spans]


def bar_lines(spans: Sequence[Span], bars: Sequence[float]) -> list[float]:
    """Cue times where a bar of the piece starts, in the cut as it plays."""
    return sorted(s.at + b - s.source for s in spans for b in bars if s.source <= b < s.source + s.length)


def conform(spans: Sequence[Span], edits: Sequence[Any], rate: float, bars: Sequence[float],
            tolerance: float = TOLERANCE_SECONDS) -> tuple[list[Span], list[MusicEdit]]:
    """``spans`` (the cut of the previous cue) edited for the picture ``edits``.

    ``edits`` have ``previous_at`` (frames from the previous cue's start) and ``removed`` or ``added``
    frames (:class:`~otio_scoreplan.plan.recut_edits.PictureEdit`); ``bars`` are the piece's bar lines.
    """
    out = list(spans)
    made: list[MusicEdit] = []
    shift = 0.0  # how far the cut has moved so far at this point (edits taken in picture order)
    for e in sorted(edits, key=lambda e: e.previous_at):
        x = e.previous_at / rate + shift  # the picture edit in the cut as conformed so far
        end = out[-1].end if out else 0.0
        start = out[0].at if out else 0.0
        head = _head_trimmed(out, e, rate) if e.previous_at == 0 else None
        if head is not None:  # the picture's head trimmed or extended: the music starts later or earlier, no edit
            out, edit = head
            made.append(edit)
            shift += edit.added - edit.removed
            continue
        near = [t for t in bar_lines(out, bars) if abs(t - x) <= tolerance]
        at = min(near, key=lambda t: abs(t - x)) if near else x
        if e.removed:
            gone = e.removed / rate
            at = min(at, end - gone)
            out = window(out, start, at) + shifted(window(out, at + gone, end), -gone)
            made.append(MusicEdit(at, x, removed=gone))
            shift -= gone
        else:
            more = e.added / rate
            at = max(at, start + more)
            again = shifted(window(out, at - more, at), more)
            out = window(out, start, at) + again + shifted(window(out, at, end), more)
            made.append(MusicEdit(at, x, added=more))
            shift += more
    return _merged(out), made


def _head_trimmed(spans: list[Span], edit: Any, rate: float) -> tuple[list[Span], MusicEdit] | None:
    """A picture edit at the cue's head made at the music's head: ``removed`` frames trimmed from the music's start
    (it starts that much later in the piece), or ``added`` frames of the piece before its start played first (when
    the piece reaches back that far). None when it cannot be (an addition the piece has no music before): the
    caller edits inside the cue instead."""
    if not spans:
        return None
    start, end = spans[0].at, spans[-1].end
    if edit.removed:
        gone = min(edit.removed / rate, end - start)
        return shifted(window(spans, start + gone, end), -gone), MusicEdit(start, start, removed=gone)
    more = edit.added / rate
    first = spans[0]
    if first.source < more - 1e-9:
        return None
    out = [Span(first.at, first.source - more, first.length + more)] + shifted(spans[1:], more)
    return out, MusicEdit(start, start, added=more)


def fitted_to(spans: Sequence[Span], length: float) -> list[Span]:
    """The cut ending at ``length``: its last span shortened or played on."""
    if not spans:
        return []
    out = window(spans, spans[0].at, length)
    last = out[-1]
    if last.end < length:
        out[-1] = Span(last.at, last.source, length - last.at)
    return out


def _merged(spans: Sequence[Span]) -> list[Span]:
    out: list[Span] = []
    for s in spans:
        if out and abs(out[-1].end - s.at) < 1e-9 and abs(out[-1].source + out[-1].length - s.source) < 1e-9:
            out[-1] = Span(out[-1].at, out[-1].source, out[-1].length + s.length)
        else:
            out.append(s)
    return out
