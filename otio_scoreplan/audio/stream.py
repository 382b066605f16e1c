"""Fit and level a long cue in bounded memory: the same samples as :func:`~.fit.fit` + :func:`~.loudness.level`.

A 10-minute cue is 230 MB of float32 stereo; an end-credits or reel-long cue would take the preview mix
far past its budget if it were held whole. Here the cue is made a window at a time, in two passes:

1. Each window of the fit is computed from the piece's samples there (:func:`~.fit.loop_stretches` says
   where every output sample of the loop comes from; the equal-power crossfades and the entry/exit fades
   are position-wise, :func:`~.fit.ramp_window`), fed to the streaming loudness meter and the true-peak
   meter, and parked on disk as raw float32. Hit alignment scans the piece's onset strength hop by hop
   and reads only the window around the onset it picks.
2. The one gain is known then; :class:`ParkedCue` applies it as the cue is read back, for its BWF file or
   the mix. Candidate true-peak regions are read back from the parked file too.

Windows are whole multiples of the loudness meter's filter chunk and of the true-peak segment, so the
meters see exactly what they see on the whole cue: the output is identical to the sample.
"""

from __future__ import annotations

import bisect
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..library.cuespec import CueSpec
from ..outfile import spill_file
from .decode import DecodedPiece, open_piece
from .fit import (
    ONSET_HOP,
    FitSettings,
    Stretch,
    cue_sample_range,
    fade_frames,
    fade_gain,
    fade_lengths,
    fade_out_shape,
    hop_rms,
    loop_stretches,
    place_in_piece,
    ramp_window,
    strength_from_rms,
)
from .loudness import _CHUNK as _METER_CHUNK
from .loudness import (
    _SEGMENT,
    DEFAULT_CEILING_DBTP,
    DEFAULT_TARGET_LUFS,
    Leveling,
    LoudnessMeter,
    TruePeakMeter,
    gain_factor,
    leveling_measured,
)

log = logging.getLogger(__name__)

WINDOW_FRAMES = 4 * _METER_CHUNK  # 524,288 frames (~11 s at 48 kHz): whole meter chunks and true-peak segments
_ONSET_WINDOW = ONSET_HOP * 1024  # whole hops per read while scanning onsets
assert WINDOW_FRAMES % _METER_CHUNK == 0 and WINDOW_FRAMES % _SEGMENT == 0


@dataclass(frozen=True)
class FitLayout:
    """Where every sample of a fitted cue comes from (the piece, loop joins, fades), without the samples."""

    cue_id: str
    start_sample: int
    length: int
    offset: int  # samples into the piece
    stretches: tuple[Stretch, ...]
    joins: int
    fade_in: int
    fade_out: int
    fade_out_shape: str
    hit: str = ""
    lead: int = 0  # samples before the cue's start (the layout starts there: ``start_sample`` is the cue's minus this)
    tail: int = 0  # samples past the cue's end (``length`` counts lead, cue and tail)
    fade_in_at: int = 0  # where the entry fade starts
    fade_out_end: int | None = None  # where the exit fade ends (None: at ``length``); silence after it
    edits: tuple[int, ...] = ()  # layout positions of internal edits (bar-line joins)
    button: int | None = None  # layout position where the piece's ending lands
    notes: tuple[str, ...] = ()
    fade_in_frames: int = 0  # whole frames the entry fade lasts (its keyframes: :func:`~.fit.fade_points`); 0: a guard
    fade_out_frames: int = 0  # whole frames the exit fade lasts; 0: a click guard, the sample curve


def piece_onset_strength(piece: DecodedPiece) -> np.ndarray:
    """:func:`~.fit.onset_strength` of the whole piece, read a window of whole hops at a time."""
    parts = [hop_rms(piece.read(a, a + _ONSET_WINDOW)) for a in range(0, piece.frames, _ONSET_WINDOW)]
    return strength_from_rms(np.concatenate(parts) if parts else np.zeros(0))


def layout_fit(piece: DecodedPiece, cue: CueSpec, rate: float | Fraction, offset_seconds: float = 0.0,
               settings: FitSettings = FitSettings(), origin_frame: int = 0) -> FitLayout:
    """The layout :func:`~.fit.fit` gives ``cue`` over ``piece`` (same offset, hit alignment, loops, fades)."""
    sr = settings.sample_rate
    start, length, offset, hit_note = place_in_piece(cue, rate, offset_seconds, settings, origin_frame, piece.frames,
                                                     lambda: piece_onset_strength(piece), piece.read)
    stretches, joins = loop_stretches(piece.frames, offset, length, int(round(settings.loop_crossfade_seconds * sr)))
    fin, fout = fade_lengths(cue, settings, length, rate, origin_frame)
    return FitLayout(cue.id, start, length, offset, tuple(stretches), joins, fin, fout, fade_out_shape(cue), hit_note,
                     fade_in_frames=fade_frames(fin, rate, sr), fade_out_frames=fade_frames(fout, rate, sr))


def _read(piece: DecodedPiece, a: int, b: int) -> np.ndarray:
    """Samples ``[a, b)`` of the piece, zeros where it has none."""
    x = piece.read(a, b)
    if len(x) == b - a:
        return x
    out = np.zeros((max(0, b - a), piece.channels), dtype=np.float32)
    lo = max(0, -a)
    out[lo : lo + len(x)] = x
    return out


def fitted_window(piece: DecodedPiece, layout: FitLayout, a: int, b: int) -> np.ndarray:
    """Samples ``[a, b)`` of the fitted cue (layout positions), float32 ``(b - a, channels)``."""
    out = np.zeros((b - a, piece.channels), dtype=np.float32)
    starts = [s.start for s in layout.stretches]
    for st in layout.stretches[max(0, bisect.bisect_right(starts, a) - 1) :]:
        if st.start >= b:
            break
        lo, hi = max(a, st.start), min(b, st.end)
        if hi <= lo:
            continue
        into = lo - st.start
        here = _read(piece, st.source + into, st.source + into + hi - lo)
        if st.crossfade:
            k = st.ramp + into
            rise = _read(piece, st.rise_source + k, st.rise_source + k + hi - lo)
            out[lo - a : hi - a] = (here * ramp_window(st.crossfade, False, "sine", k, k + hi - lo)
                                    + rise * ramp_window(st.crossfade, True, "sine", k, k + hi - lo))
        else:
            out[lo - a : hi - a] = here
    f0 = layout.fade_in_at
    if a < f0:
        out[: min(b, f0) - a] = 0.0
    if layout.fade_in and a < f0 + layout.fade_in and b > f0:
        lo, hi = max(a, f0), min(b, f0 + layout.fade_in)
        out[lo - a : hi - a] *= fade_gain(layout.fade_in, layout.fade_in_frames, True, "sine", lo - f0, hi - f0)
    end = layout.length if layout.fade_out_end is None else layout.fade_out_end
    tail = end - layout.fade_out
    if layout.fade_out and b > tail and a < end:
        lo, hi = max(a, tail), min(b, end)
        out[lo - a : hi - a] *= fade_gain(layout.fade_out, layout.fade_out_frames, False, layout.fade_out_shape, lo - tail,
                                          hi - tail)
    if b > end:
        out[max(a, end) - a :] = 0.0
    return out


class ParkedCue:
    """A fitted cue parked on disk as raw float32; its gain is applied as it is read back (same interface as the mix's spills)."""

    def __init__(self, layout: FitLayout, channels: int, folder: str | None, sample_rate: int) -> None:
        self.layout = layout
        self.start_sample, self.end_sample = layout.start_sample, layout.start_sample + layout.length
        self.channels = channels
        self.offset_seconds = layout.offset / sample_rate
        self.leveling: Leveling | None = None
        self.factor: np.float32 | None = None
        self._fh = spill_file(folder)

    @property
    def frames(self) -> int:
        return self.layout.length

    def write(self, samples: np.ndarray) -> None:
        """Append fitted samples (before the gain)."""
        self._fh.write(np.ascontiguousarray(samples, dtype="<f4"))  # its buffer as it is: no bytes copy

    def read_unlevelled(self, a: int, b: int) -> np.ndarray:
        """Cue samples ``[a, b)`` as fitted, before the gain."""
        a, b = max(0, a), min(self.frames, b)
        self._fh.seek(a * 4 * self.channels)
        return np.fromfile(self._fh, dtype="<f4", count=max(0, b - a) * self.channels).reshape(-1, self.channels)

    def read_cue(self, a: int, b: int) -> np.ndarray:
        """Cue samples ``[a, b)`` levelled: what the whole-memory fit and level give there."""
        x = self.read_unlevelled(a, b)
        if self.factor is not None:
            x *= self.factor
        return x

    def read(self, lo: int, hi: int) -> np.ndarray:
        """Samples ``lo`` to ``hi`` (mix positions) of the cue, levelled."""
        return self.read_cue(lo - self.start_sample, hi - self.start_sample)

    def close(self) -> None:
        self._fh.close()


def park_cue(cue: CueSpec, path: str, offset_seconds: float, rate: float | Fraction, origin_frame: int,
             settings: FitSettings, *, normalise: bool = True, target_lufs: float = DEFAULT_TARGET_LUFS,
             ceiling_db: float = DEFAULT_CEILING_DBTP, folder: str | None = None,
             layout_of: Callable[[DecodedPiece], FitLayout | None] | None = None, exact_peak: bool = True) -> ParkedCue:
    """Decode, fit and measure ``cue`` a window at a time, parked in ``folder``; the gain is set, not yet applied.

    ``layout_of(piece)`` gives the cut's layout (:func:`~.cut.cut_layout`); when it gives None, or is not
    given, the piece is laid from its offset and looped (:func:`layout_fit`). Without ``exact_peak`` the true peak is
    measured only as far as the gain needs (:func:`~.loudness.leveling_measured`: the same gain, a cheaper measure).
    Raises :class:`~.decode.DecodeError`.
    """
    sr = settings.sample_rate
    start, end = cue_sample_range(cue, rate, sr, origin_frame)
    need_all = (settings.align_hits and bool(cue.hits)) or layout_of is not None
    offset = max(0, int(round(offset_seconds * sr)))
    with open_piece(path, sample_rate=sr, max_frames=None if need_all else offset + (end - start), folder=folder) as piece:
        layout = (layout_of(piece) if layout_of is not None else None) or layout_fit(piece, cue, rate, offset_seconds, settings, origin_frame)
        parked = ParkedCue(layout, piece.channels, folder, sr)
        try:
            loudness, peak = LoudnessMeter(piece.channels, sr), TruePeakMeter()
            for a in range(0, layout.length, WINDOW_FRAMES):
                window = fitted_window(piece, layout, a, min(layout.length, a + WINDOW_FRAMES))
                if normalise:
                    loudness.feed(window)
                    peak.feed(window)
                parked.write(window)
                del window
            if normalise:
                lv = leveling_measured(loudness.integrated(), peak, parked.read_unlevelled, target_lufs, ceiling_db,
                                       exact_peak)
                parked.leveling = lv
                if math.isfinite(lv.loudness_lufs):
                    parked.factor = gain_factor(lv)
        except BaseException:
            parked.close()
            raise
    return parked
