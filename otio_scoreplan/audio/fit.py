"""Fit a piece of temp music to a cue, exact to the sample at the cue's frame boundaries.

**Rounding rule.** Frame ``f`` (an absolute frame count: record timecode) starts at sample
``floor(f * sample_rate / rate + 1/2)``: the sample nearest its exact time, halves rounded up, computed
in exact fractions (24000/1001, 30000/1001 ...); positions in a sequence count from its first frame's sample. A cue ``[start, end)`` therefore lasts
``sample(end) - sample(start)`` samples, and cues that touch share their boundary sample, so neither a
gap nor an overlap can open between them. At 48 kHz a 29.97 frame is 1601.6 samples, so frame lengths
alternate 1601/1602 with the remainder never drifting; 23.976 (2002) and 25 (1920) are whole.
Drop-frame timecode only renames frames, so DF and NDF share this rule.

**The fit.** The piece is read from ``offset``; when it runs past the cue it is trimmed, when it is
shorter it loops back to its start with an equal-power crossfade. The entry fades in (short click-guard
for hard entries, longer for soft ones), the exit fades out (a click-guard for a hard out, a ring-out for
a tail out, a fade, a short segue fade), all inside the cue's samples. With ``align_hits`` the offset
is moved so that the piece's strongest onset lands on the cue's first hit.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..fades import fade_points
from ..library.cuespec import CueSpec, standard_rate_fraction
from . import SAMPLE_RATE

log = logging.getLogger(__name__)

# The one fade table (:func:`fade_seconds`): seconds of the fade for each kind of entry and exit where the plan
# gives no length; the rules' [temp] keys of RULES_FADE_KEYS replace them (hard in/out: click guards, fixed).
ENTRY_SECONDS = {"hard_in": 0.005, "prelap": 0.25, "fade_in": 2.0, "segue": 1.0}
EXIT_SECONDS = {"hard_out": 0.01, "tail_out": 2.5, "fade_out": 3.0, "segue": 1.0}
RULES_FADE_KEYS = {("in", "prelap"): "prelap_fade_seconds", ("in", "fade_in"): "fade_in_seconds",
                   ("in", "segue"): "segue_fade_seconds", ("out", "tail_out"): "tail_out_seconds",
                   ("out", "fade_out"): "fade_out_seconds", ("out", "segue"): "segue_fade_seconds"}
ONSET_HOP = 480  # 10 ms at 48 kHz


@dataclass(frozen=True)
class FitSettings:
    """How pieces are fitted to cues."""

    sample_rate: int = SAMPLE_RATE
    loop_crossfade_seconds: float = 2.0
    align_hits: bool = False
    entry_seconds: dict[str, float] = field(default_factory=lambda: dict(ENTRY_SECONDS))
    exit_seconds: dict[str, float] = field(default_factory=lambda: dict(EXIT_SECONDS))


@dataclass
class Fitted:
    """A piece fitted to one cue: exactly the cue's samples."""

    cue_id: str
    start_sample: int  # from the sequence's first frame
    samples: np.ndarray  # float32 (frames, channels), len == end_sample - start_sample
    offset_seconds: float  # where in the piece the cue starts
    loops: int = 0  # crossfaded joins made
    fade_in_samples: int = 0
    fade_out_samples: int = 0
    hit: str = ""  # "onset at 12.340 s on hit 'door slam'" when aligned
    lead: int = 0  # samples before the cue's start (``start_sample`` is the cue's start minus these)
    tail: int = 0  # samples past the cue's end (a button's decay, half a segue)
    edits: tuple[int, ...] = ()  # positions (in ``samples``) of the cut's internal edits
    button: int | None = None  # position (in ``samples``) where the piece's ending lands

    @property
    def end_sample(self) -> int:
        return self.start_sample + len(self.samples)


def frame_to_sample(frame: int, rate: float | Fraction, sample_rate: int = SAMPLE_RATE) -> int:
    """The sample where ``frame`` starts: nearest to its exact time, halves rounded up (see module doc)."""
    return math.floor(Fraction(frame) * sample_rate / standard_rate_fraction(rate) + Fraction(1, 2))


def cue_sample_range(cue: CueSpec, rate: float | Fraction, sample_rate: int = SAMPLE_RATE, origin_frame: int = 0) -> tuple[int, int]:
    """``(start_sample, end_sample)`` of a cue from the sequence's first frame, end exclusive.

    ``origin_frame`` is the sequence's start as an absolute frame (record timecode): boundaries are
    placed at the sample nearest their time of day, so per-cue files (spotted by their bext time
    reference) and the preview mix agree to the sample.
    """
    origin = frame_to_sample(origin_frame, rate, sample_rate)
    return (frame_to_sample(origin_frame + cue.start_frame, rate, sample_rate) - origin,
            frame_to_sample(origin_frame + cue.end_frame, rate, sample_rate) - origin)


def _ramp(n: int, rising: bool, shape: str = "sine") -> np.ndarray:
    """A fade curve of ``n`` samples: 'sine' (equal power), 'linear', or 'ring' (quick then long decay)."""
    return ramp_window(n, rising, shape, 0, n)


def ramp_window(n: int, rising: bool, shape: str, a: int, b: int) -> np.ndarray:
    """``_ramp(n, rising, shape)[a:b]``, made without the rest of the curve (each value computed as there)."""
    a, b = max(0, a), min(n, b)
    if b <= a:
        return np.zeros((0, 1), dtype=np.float32)
    j = np.arange(a, b, dtype=np.float64) if rising else np.arange(n - b, n - a, dtype=np.float64)
    x = (j + 0.5) / max(n, 1)
    if shape == "linear":
        g = x
    elif shape == "ring":
        g = x**2
    else:
        g = np.sin(x * np.pi / 2)
    g = g if rising else g[::-1]
    return g.astype(np.float32)[:, None]


def fade_gain(n: int, frames: int, rising: bool, shape: str, a: int, b: int) -> np.ndarray:
    """Gains (float32 ``(b - a, 1)``) of samples ``[a, b)`` of a fade ``n`` samples long over ``frames`` whole frames:
    :func:`fade_points` interpolated linearly in gain at each sample's time (``p * frames / n`` frames from the fade's
    start), as an NLE plays the keyframes written from them. A fade shorter than a frame (a click guard, written as
    no keyframe) is the sample curve of :func:`ramp_window`."""
    if frames < 1:
        return ramp_window(n, rising, shape, a, b)
    a, b = max(0, a), min(n, b)
    if b <= a:
        return np.zeros((0, 1), dtype=np.float32)
    points = fade_points(shape, frames, rising)
    x = np.arange(a, b, dtype=np.float64) * (frames / n)
    return np.interp(x, [p[0] for p in points], [p[1] for p in points]).astype(np.float32)[:, None]


def fade_frames(samples: int, rate: float | Fraction | None, sample_rate: int = SAMPLE_RATE) -> int:
    """Whole frames of a fade ``samples`` long: a clip's automation; 0 for a fade under half a frame (a click guard)."""
    if not rate:
        return 0
    frames = samples * float(standard_rate_fraction(rate)) / sample_rate
    return int(round(frames)) if frames >= 0.5 else 0


def loop_to_length(piece: np.ndarray, offset: int, length: int, crossfade: int) -> tuple[np.ndarray, int]:
    """``length`` samples of ``piece`` from ``offset``, looping back to its start with an equal-power crossfade.

    Returns the samples and the number of joins made.
    """
    channels = piece.shape[1]
    out = np.zeros((length, channels), dtype=np.float32)
    first = piece[offset : offset + length]
    out[: len(first)] = first
    pos, joins = len(first), 0
    if len(piece) == 0:
        return out, 0
    xf = max(0, min(crossfade, len(piece) // 4, len(first) // 2))
    while pos < length:
        join = pos - xf
        take = piece[: length - join]
        if xf:
            n = min(xf, len(take))
            out[join : join + n] = out[join : join + n] * _ramp(xf, False)[:n] + take[:n] * _ramp(xf, True)[:n]
            out[join + n : join + len(take)] = take[n:]
        else:
            out[join : join + len(take)] = take
        pos = join + len(take)
        joins += 1
        xf = max(0, min(crossfade, len(piece) // 4))
    return out, joins


@dataclass(frozen=True)
class Stretch:
    """Output samples ``[start, end)`` of a loop: the piece from ``source``, or a crossfade.

    In a crossfade (``crossfade > 0``) output ``start + i`` is ``piece[source + i] * fall[ramp + i] +
    piece[rise_source + ramp + i] * rise[ramp + i]`` with the ramps of :func:`_ramp` ``(crossfade)``, as
    :func:`loop_to_length` makes it (a loop rises from the piece's start; an edit from its bar line).
    """

    start: int
    end: int
    source: int
    crossfade: int = 0
    ramp: int = 0
    rise_source: int = 0


def loop_stretches(piece_frames: int, offset: int, length: int, crossfade: int) -> tuple[list[Stretch], int]:
    """Where each output sample of :func:`loop_to_length` comes from, without the samples; and the joins made.

    The same walk as :func:`loop_to_length` (its slicing included), so a fit can be made a window at a time.
    """
    if piece_frames == 0 or length <= 0:
        return [], 0
    first0, first1, _ = slice(offset, offset + length).indices(piece_frames)
    size = max(0, first1 - first0)
    stretches = [Stretch(0, size, first0)] if size else []
    pos, joins = size, 0
    xf = max(0, min(crossfade, piece_frames // 4, size // 2))
    while pos < length:
        join = pos - xf
        take = min(piece_frames, length - join)
        n = min(xf, take)
        if n:
            last = stretches.pop()  # the crossfade lies inside the last plain stretch (xf <= a quarter of it)
            if join > last.start:
                stretches.append(Stretch(last.start, join, last.source))
            stretches.append(Stretch(join, join + n, last.source + join - last.start, xf, 0))
        if take > n:
            stretches.append(Stretch(join + n, join + take, n))
        pos = join + take
        joins += 1
        xf = max(0, min(crossfade, piece_frames // 4))
    return stretches, joins


def hop_rms(piece: np.ndarray, hop: int = ONSET_HOP) -> np.ndarray:
    """RMS level (linear) of each whole hop of ``piece``, mono; a piece read in runs of whole hops gives the same values."""
    mono = piece.mean(axis=1) if piece.ndim == 2 else piece
    n = len(mono) // hop
    if n == 0:
        return np.zeros(0)
    return np.sqrt(np.mean(mono[: n * hop].astype(np.float64).reshape(n, hop) ** 2, axis=1))


def strength_from_rms(rms: np.ndarray) -> np.ndarray:
    """Per hop: how far the level jumps above the mean level of the 10 hops before it."""
    n = len(rms)
    if n == 0:
        return np.zeros(0)
    sums = np.concatenate([[0.0], np.cumsum(np.concatenate([np.zeros(10), rms]))])
    before = (sums[10 : 10 + n] - sums[:n]) / 10.0  # mean of the 10 hops before each
    return np.maximum(0.0, rms - before)


def onset_strength(piece: np.ndarray, hop: int = ONSET_HOP) -> np.ndarray:
    """Per hop: how far the level jumps above the level of the preceding 100 ms (RMS, linear)."""
    return strength_from_rms(hop_rms(piece, hop))


Reader = Callable[[int, int], np.ndarray]  # samples [a, b) of a piece


def _strongest(strength: np.ndarray, read: Reader, earliest: int, latest: int, hop: int) -> int | None:
    """Sample of the strongest onset of a strength curve between ``earliest`` and ``latest``, refined to the first
    sample above half its peak, reading only the window around the onset found."""
    lo, hi = max(0, -(-earliest // hop)), min(len(strength), latest // hop + 1)
    if hi <= lo or float(strength[lo:hi].max(initial=0.0)) <= 0:
        return None
    i = lo + int(np.argmax(strength[lo:hi]))
    window = np.abs(read(max(0, (i - 1) * hop), (i + 2) * hop)).max(axis=1)
    if len(window) == 0:
        return i * hop
    above = np.flatnonzero(window >= 0.5 * window.max())
    return max(0, (i - 1) * hop) + int(above[0])


def place_in_piece(cue: CueSpec, rate: float | Fraction, offset_seconds: float, settings: FitSettings, origin_frame: int,
                   piece_frames: int, strength: Callable[[], np.ndarray], read: Reader) -> tuple[int, int, int, str]:
    """Where a fit of ``cue`` sits: its start sample, its length, the piece offset it starts from and the hit note.

    The offset is ``offset_seconds``; with ``align_hits`` and a hit inside the cue it is moved to put the piece's
    strongest onset on the first hit (``strength()``, the piece's onset strength, is only asked for then); an
    offset past the piece's end starts the piece at 0. Shared by the in-memory fit and the windowed one.
    """
    sr = settings.sample_rate
    start, end = cue_sample_range(cue, rate, sr, origin_frame)
    offset = max(0, int(round(offset_seconds * sr)))
    hit_note = ""
    if settings.align_hits and any(cue.start_frame <= h.frame < cue.end_frame for h in cue.hits):
        found = aligned_offset_read(strength(), piece_frames, read, cue, rate, sr, origin_frame)
        if found is not None:
            offset, hit_note = found
    if offset >= piece_frames:
        log.warning("cue %s: offset %.3f s is past the piece's end; starting at 0", cue.id, offset / sr)
        offset = 0
    return start, end - start, offset, hit_note


def aligned_offset_read(strength: np.ndarray, piece_frames: int, read: Reader, cue: CueSpec, rate: float | Fraction,
                        sample_rate: int = SAMPLE_RATE, origin_frame: int = 0) -> tuple[int, str] | None:
    """An offset (samples) putting the piece's strongest onset on the cue's first hit, or None: from the piece's onset ``strength`` (:func:`hop_rms`, :func:`strength_from_rms`) and a reader."""
    start, end = cue_sample_range(cue, rate, sample_rate, origin_frame)
    hits = [h for h in cue.hits if cue.start_frame <= h.frame < cue.end_frame]
    if not hits:
        return None
    hit = hits[0]
    into = frame_to_sample(origin_frame + hit.frame, rate, sample_rate) - frame_to_sample(origin_frame, rate, sample_rate) - start
    length = end - start
    # Prefer onsets that leave enough piece after them to reach the cue's end without looping.
    onset = _strongest(strength, read, into, piece_frames - (length - into), ONSET_HOP)
    if onset is None:
        onset = _strongest(strength, read, into, piece_frames, ONSET_HOP)
    if onset is None:
        return None
    label = f" '{hit.label}'" if hit.label else ""
    # an onset refined to just before the hit would ask for a negative offset: the piece starts at 0
    return max(0, onset - into), f"onset at {onset / sample_rate:.3f} s on hit{label} (frame {hit.frame})"


def fade_seconds(cue: CueSpec, settings: FitSettings) -> tuple[float, float]:
    """The one fade table: seconds of ``cue``'s entry fade and of its exit fade.

    The plan's length where it gives one (a fade-in's or a segue's entry frames, a fade-out's, tail's or segue's
    exit frames: :meth:`~..library.cuespec.CueSpec.from_cue`), else the table for the edge's kind
    (``settings.entry_seconds`` / ``exit_seconds``: :data:`ENTRY_SECONDS`, :data:`EXIT_SECONDS`, or the rules'
    ``[temp]`` fade lengths by :func:`fit_settings_from_rules`). A hard in or out is a click guard, never a fade.
    Render (this module, :mod:`.cut`, :mod:`.stream`) and every writer's automation (the clip fades apply hands
    to the writers come from the same samples) read it, so the clip and the mix fade over the same frames.
    """
    fin = cue.entry_seconds if cue.entry_seconds > 0 and cue.entry != "hard_in" else settings.entry_seconds.get(cue.entry, 0.005)
    fout = cue.tail_seconds if cue.tail_seconds > 0 and cue.exit != "hard_out" else settings.exit_seconds.get(cue.exit, 0.01)
    return fin, fout


def fit_settings_from_rules(rules, **overrides) -> FitSettings:  # type: ignore[no-untyped-def]
    """Fit settings whose fade table takes the rules' ``[temp]`` fade lengths (a rules file without them: the defaults)."""
    table = rules.get("temp")
    entry, exit_ = dict(ENTRY_SECONDS), dict(EXIT_SECONDS)
    for kinds, side in ((entry, "in"), (exit_, "out")):
        for kind in list(kinds):
            key = RULES_FADE_KEYS.get((side, kind))
            if key and key in table:
                kinds[kind] = float(table[key])
    return FitSettings(entry_seconds=entry, exit_seconds=exit_, **overrides)


def whole_frame_samples(seconds: float, first_frame: int, rate: float | Fraction | None, sample_rate: int,
                        backward: bool = False) -> int:
    """Samples of a fade lasting ``seconds``: whole frames from ``first_frame`` (absolute; back from it when
    ``backward``) once it lasts a frame or more, so a clip's automation (whole frames) fades where the audio does;
    a shorter one (a click guard) to the sample. Without ``rate``, to the sample."""
    frames = round(seconds * float(standard_rate_fraction(rate))) if rate else 0
    if frames < 1:
        return int(round(seconds * sample_rate))
    if backward:
        return frame_to_sample(first_frame, rate, sample_rate) - frame_to_sample(first_frame - frames, rate, sample_rate)
    return frame_to_sample(first_frame + frames, rate, sample_rate) - frame_to_sample(first_frame, rate, sample_rate)


def fade_lengths(cue: CueSpec, settings: FitSettings, length: int, rate: float | Fraction | None = None,
                 origin_frame: int = 0) -> tuple[int, int]:
    """Samples of the entry fade and of the exit fade of a cue ``length`` samples long (sharing a short cue), from
    :func:`fade_seconds`; with the sequence's ``rate`` (and its start, ``origin_frame``) each fade of a frame or
    more is whole frames at the cue's in and out (:func:`whole_frame_samples`)."""
    sr = settings.sample_rate
    fin_seconds, fout_seconds = fade_seconds(cue, settings)
    fin = whole_frame_samples(fin_seconds, origin_frame + cue.start_frame, rate, sr)
    fout = whole_frame_samples(fout_seconds, origin_frame + cue.end_frame, rate, sr, backward=True)
    if fin + fout > length:  # a very short cue: share it between the fades
        total = max(fin + fout, 1)
        fin, fout = length * fin // total, length - length * fin // total
    return fin, fout


def fade_out_shape(cue: CueSpec) -> str:
    """The exit fade's curve: a ring-out for a tail, else equal power."""
    return "ring" if cue.exit == "tail_out" else "sine"


def fit(piece: np.ndarray, cue: CueSpec, rate: float | Fraction, offset_seconds: float = 0.0,
        settings: FitSettings = FitSettings(), origin_frame: int = 0, *, in_place: bool = False) -> Fitted:
    """Fit ``piece`` (float32 ``(frames, channels)`` at ``settings.sample_rate``) to ``cue``.

    ``origin_frame`` is the sequence's start timecode as an absolute frame (see :func:`cue_sample_range`).
    With ``in_place``, a piece long enough to need no loop is faded where it lies and the result is a
    view of it (no copy: the caller gives up the piece).
    """
    sr = settings.sample_rate
    start, length, offset, hit_note = place_in_piece(cue, rate, offset_seconds, settings, origin_frame, len(piece),
                                                     lambda: onset_strength(piece), lambda a, b: piece[a:b])
    if in_place and piece.dtype == np.float32 and offset + length <= len(piece):
        out, joins = piece[offset : offset + length], 0
    else:
        out, joins = loop_to_length(piece, offset, length, int(round(settings.loop_crossfade_seconds * sr)))
    fin, fout = fade_lengths(cue, settings, length, rate, origin_frame)
    if fin:
        out[:fin] *= fade_gain(fin, fade_frames(fin, rate, sr), True, "sine", 0, fin)
    if fout:
        out[length - fout :] *= fade_gain(fout, fade_frames(fout, rate, sr), False, fade_out_shape(cue), 0, fout)
    return Fitted(cue.id, start, out, offset / sr, joins, fin, fout, hit_note)
