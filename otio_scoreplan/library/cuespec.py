"""What temp-music choosing and fitting need to know about a cue: a view of the plan's :class:`~..plan.model.Cue`.

A :class:`CueSpec` is made from a plan cue by :meth:`CueSpec.from_cue` (the plan was read and checked once, at
the edge, by :func:`~otio_scoreplan.plan.model.load_plan`): it adds what the audio side wants in seconds (the
entry and exit fades at the sequence's rate) and the cue's temp pick. Positions are whole frames from the
sequence's first frame, end exclusive.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from ..plan.model import Cue, Hit


@dataclass(frozen=True)
class CueSpec:
    """One cue, as far as temp music is concerned."""

    id: str
    start_frame: int
    end_frame: int
    reel: int = 0
    kind: str = "score"  # score | source
    entry: str = "hard_in"
    exit: str = "hard_out"
    tail_seconds: float = 0.0  # length of the exit's fade / ring-out (0: the fit's default)
    entry_seconds: float = 0.0  # length of the entry's fade (0: the fit's default)
    tail_frames: int = 0  # a tail-out's ring inside the cue (the plan's exit frames): its out is this many frames earlier
    moods: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    intensity: float | None = None  # 0 (quiet) .. 1 (full); None: unknown
    hits: tuple[Hit, ...] = ()
    pin_path: str | None = None  # the piece the plan names for the cue (its temp.path): pinned, or chosen earlier
    pin_offset_seconds: float = 0.0
    temp_cut: tuple[tuple[float, float, float], ...] = ()  # the temp's cut kept in the plan (temp.cut), see audio.cut
    pinned: bool = False  # the plan's temp says a person pinned it (else the library chose it earlier)
    pin_reason: str = ""  # the plan's temp reason (why the library chose it)
    avoid: tuple[str, ...] = ()  # the plan's ``avoid``: "theme", "theme:anna", instrument words (lower case)
    speech: tuple[tuple[int, int], ...] = ()  # the plan's talk inside the cue (timeline frames): the temp rides down

    @property
    def duration_frames(self) -> int:
        return self.end_frame - self.start_frame

    @classmethod
    def from_cue(cls, cue: Cue, rate: float | Fraction | None = None) -> CueSpec:
        """The temp-music view of a plan cue; ``rate`` (the cue's sequence's) turns edge frames into seconds.

        A tail-out's length is the plan's ``exit.seconds`` (its frames at ``rate``, to the millisecond), a
        segue's or fade-out's its frames; a segue's or a fade-in's entry frames set the entry fade. Moods, themes and
        ``avoid`` are compared in lower case; the plan's intensity 1..5 becomes 0.2..1 (0: unknown); hits are
        in frame order; a ``temp`` gives the pinned piece, its offset and its kept cut (``temp.cut``).
        """
        to_s = (lambda f: frame_seconds(f, rate) if f and rate else 0.0)  # noqa: E731
        exit_ = cue.exit.type
        tail = 0.0
        if exit_ != "hard_out":
            tail = (round(cue.exit.frames / float(rate), 3) if exit_ == "tail_out" and rate else 0.0) or to_s(cue.exit.frames)
        temp = cue.temp
        return cls(
            id=cue.id,
            start_frame=cue.start_frame,
            end_frame=cue.end_frame,
            reel=cue.reel,
            kind=cue.kind or "score",
            entry=cue.entry.type,
            exit=exit_,
            entry_seconds=to_s(cue.entry.frames) if cue.entry.type in ("segue", "fade_in") else 0.0,
            tail_seconds=tail,
            tail_frames=cue.exit.frames if exit_ == "tail_out" and 0 < cue.exit.frames < cue.end_frame - cue.start_frame else 0,
            moods=_words(cue.moods),
            themes=_words(cue.themes),
            intensity=min(1.0, max(0.0, cue.intensity / 5.0)) if cue.intensity else None,
            hits=tuple(sorted(cue.hits, key=lambda h: h.frame)),
            pin_path=temp.path if temp else None,
            pin_offset_seconds=temp.offset_seconds if temp else 0.0,
            temp_cut=_kept_cut(dict(temp.extra).get("cut") if temp else None),
            pinned=bool(temp and temp.pinned),
            pin_reason=temp.reason if temp else "",
            avoid=_words(cue.avoid),
            speech=tuple(cue.speech),
        )


TALK_REACH_SECONDS = 10.0  # how far past its in and out a cue's clip may sound (handles, a segue's overlap, a ring)


def with_talk_around(specs: Sequence[CueSpec], cues: Sequence[Cue], rate: float | Fraction) -> list[CueSpec]:
    """``specs`` each riding under the talk just outside it too: the other ``cues``' speech (of the same input)
    within :data:`TALK_REACH_SECONDS` of its in or out. A plan keeps each cue's talk inside the cue, but its clip
    sounds past its edges (a segue's overlap, a ring): without the neighbour's talk, both clips of a segue rose back
    to full inside the overlap while someone went on talking across the cut."""
    reach = int(round(TALK_REACH_SECONDS * float(rate)))
    out = []
    for spec in specs:
        lo, hi, own_input = spec.start_frame - reach, spec.end_frame + reach, _input_of(spec, cues)
        near = [(max(s, lo), min(e, hi)) for c in cues if c.id != spec.id and c.input == own_input
                for s, e in c.speech if s < hi and e > lo and (e <= spec.start_frame or s >= spec.end_frame)]
        out.append(replace(spec, speech=tuple(sorted(set(spec.speech) | set(near)))) if near else spec)
    return out


def _input_of(spec: CueSpec, cues: Sequence[Cue]) -> int:
    """The input of the plan cue ``spec`` was made from (0 when none carries its id)."""
    return next((c.input for c in cues if c.id == spec.id), 0)


def normalise_intensity(value: Any) -> float | None:
    """A catalogue intensity as 0..1: 0..1 as given, above 1 read on a 1-5 (or up to 10, a 1-10) scale.

    Words low/medium/high are understood; None or blank stays None (unknown).
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        named = {"low": 0.2, "soft": 0.2, "medium": 0.5, "mid": 0.5, "high": 0.8, "full": 1.0}
        if value.strip().lower() in named:
            return named[value.strip().lower()]
    number = float(value)
    if number > 5:
        number /= 10.0
    elif number > 1:
        number /= 5.0
    return min(1.0, max(0.0, number))


def _words(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w.strip().lower() for w in values if w.strip())


def _kept_cut(text: str | None) -> tuple[tuple[float, float, float], ...]:
    """A temp's kept cut (``temp.cut``: [[cue s, piece s, length s], ...] tiling the cue from 0), or () if none or malformed.

    ``text`` is the ``cut`` value as the plan's :class:`~..plan.model.TempPick` keeps it (JSON text)."""
    try:
        cut = json.loads(text) if text else None
        spans = tuple((float(a), float(b), float(c)) for a, b, c in cut or ())
    except (TypeError, ValueError):
        return ()
    ok = bool(spans) and abs(spans[0][0]) < 1e-6 and all(c > 0 for *_, c in spans) and \
        all(abs(x[0] + x[2] - y[0]) < 1e-6 for x, y in zip(spans, spans[1:]))
    return spans if ok else ()


def standard_rate_fraction(rate: float | Fraction) -> Fraction:
    """A frame rate as an exact fraction: the standard rate it is (24000/1001 for 23.976 ...), else as given."""
    from ..timecode import STANDARD_RATES

    if isinstance(rate, Fraction):
        return rate
    for exact in STANDARD_RATES.values():
        if abs(float(exact) - float(rate)) < 1e-6:
            return exact
    return Fraction(rate).limit_denominator(1_000_000)


def frame_seconds(frames: int, rate: float | Fraction) -> float:
    """A frame count as seconds (for people and for scoring; positions stay frames and samples)."""
    return float(Fraction(frames) / standard_rate_fraction(rate))
