"""What temp-music choosing and fitting need to know about a cue, apart from the planner's own classes.

A :class:`CueSpec` is built from one cue of the plan JSON by :func:`cue_spec_from_plan`, so wiring the
planner in is that one adapter. Positions are whole frames from the sequence's first frame, end exclusive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

ENTRIES = ("hard_in", "prelap", "fade_in", "segue")
EXITS = ("hard_out", "tail_out", "fade_out", "segue")


@dataclass(frozen=True)
class Hit:
    """A moment in the picture the music should catch."""

    frame: int
    label: str = ""


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
    moods: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    intensity: float | None = None  # 0 (quiet) .. 1 (full); None: unknown
    hits: tuple[Hit, ...] = ()
    pin_path: str | None = None  # a person pinned this piece in the plan (cue["temp"]["path"])
    pin_offset_seconds: float = 0.0
    temp_cut: tuple[tuple[float, float, float], ...] = ()  # the temp's cut kept in the plan (temp.cut), see audio.cut
    pinned: bool = False  # the plan's temp says a person pinned it (else the library chose it earlier)
    pin_reason: str = ""  # the plan's temp reason (why the library chose it)
    avoid: tuple[str, ...] = ()  # the plan's ``avoid``: "theme", "theme:anna", instrument words (lower case)

    @property
    def duration_frames(self) -> int:
        return self.end_frame - self.start_frame


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


def _words(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    return tuple(w.strip().lower() for w in value if str(w).strip())


def _edge(value: Any, default: str) -> tuple[str, int | None, float | None]:
    """(type, frames, seconds) of a plan edge given as ``{"type", "frames", "seconds"}`` or a bare type."""
    if isinstance(value, Mapping):
        frames = value.get("frames")
        seconds = value.get("seconds")
        return (str(value.get("type") or default), int(frames) if frames else None,
                float(seconds) if seconds else None)
    return str(value or default), None, None


def cue_spec_from_plan(cue: Mapping[str, Any], rate: float | Fraction | None = None) -> CueSpec:
    """Build a :class:`CueSpec` from one cue of the plan JSON (``spot --json``).

    Reads ``id``, ``reel``, ``start_frame``, ``end_frame``, ``kind``, ``entry``/``exit`` (``{"type",
    "frames"}`` objects or bare type names; a tail-out's or segue's ``frames`` set the exit fade, a
    pre-lap's or segue's the entry fade, converted with ``rate``), ``moods``, ``themes``, ``intensity``
    (the plan's 1..5; 0 or missing: unknown), ``hits`` ([{frame, label}]) and a pinned ``temp.path`` /
    ``temp.offset_seconds``. Raises ``ValueError`` naming the cue when a field is missing or wrong.
    """
    cue_id = str(cue.get("id", "")).strip()
    try:
        start, end = int(cue["start_frame"]), int(cue["end_frame"])
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"cue {cue_id or '?'}: start_frame and end_frame must be whole frames") from None
    if not cue_id:
        raise ValueError(f"cue at frame {start}: no id")
    if end <= start:
        raise ValueError(f"cue {cue_id}: empty range {start}-{end}")
    entry, entry_frames, _ = _edge(cue.get("entry"), "hard_in")
    exit_, exit_frames, exit_secs = _edge(cue.get("exit"), "hard_out")
    if entry not in ENTRIES:
        raise ValueError(f"cue {cue_id}: unknown entry {entry!r} (one of {', '.join(ENTRIES)})")
    if exit_ not in EXITS:
        raise ValueError(f"cue {cue_id}: unknown exit {exit_!r} (one of {', '.join(EXITS)})")
    to_s = (lambda f: frame_seconds(f, rate) if f and rate else 0.0)  # noqa: E731
    tail = float(cue.get("tail_seconds") or exit_secs or to_s(exit_frames))
    from ..plan.model import TempPick  # the plan's one reading of a cue's temp object

    temp = TempPick.from_json(cue.get("temp"))
    hits = [Hit(int(h["frame"]), str(h.get("label", ""))) for h in cue.get("hits") or ()
            if isinstance(h, Mapping) and h.get("frame") is not None]
    raw_intensity = cue.get("intensity")
    intensity = None if raw_intensity in (None, "", 0) else min(1.0, max(0.0, float(raw_intensity) / 5.0))
    return CueSpec(
        id=cue_id,
        start_frame=start,
        end_frame=end,
        reel=int(cue.get("reel") or 0),
        kind=str(cue.get("kind") or "score"),
        entry=entry,
        exit=exit_,
        entry_seconds=to_s(entry_frames) if entry == "segue" else 0.0,
        tail_seconds=tail if exit_ != "hard_out" else 0.0,
        moods=_words(cue.get("moods")),
        themes=_words(cue.get("themes")),
        intensity=intensity,
        hits=tuple(sorted(hits, key=lambda h: h.frame)),
        pin_path=temp.path if temp else None,
        pin_offset_seconds=temp.offset_seconds if temp else 0.0,
        temp_cut=_kept_cut(cue.get("temp")),
        pinned=bool(temp and temp.pinned),
        pin_reason=temp.reason if temp else "",
        avoid=_words(cue.get("avoid")),
    )


def _kept_cut(temp: Any) -> tuple[tuple[float, float, float], ...]:
    """A temp's kept cut (``temp.cut``: [[cue s, piece s, length s], ...] tiling the cue from 0), or () if none or malformed."""
    cut = temp.get("cut") if isinstance(temp, Mapping) else None
    try:
        spans = tuple((float(a), float(b), float(c)) for a, b, c in cut or ())
    except (TypeError, ValueError):
        return ()
    ok = bool(spans) and abs(spans[0][0]) < 1e-6 and all(c > 0 for *_, c in spans) and \
        all(abs(x[0] + x[2] - y[0]) < 1e-6 for x, y in zip(spans, spans[1:]))
    return spans if ok else ()


def exact_rate(rate: float | Fraction) -> Fraction:
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
    return float(Fraction(frames) / exact_rate(rate))
