"""A consistent temp level: integrated loudness (ITU-R BS.1770) and a true-peak ceiling, in bounded memory.

Loudness follows pyloudnorm's BS.1770-4 meter exactly (its K-weighting coefficients, 400 ms blocks with
75% overlap, -70 LUFS absolute and -10 LU relative gates) but streams: the K-weighting runs on chunks with
its filter state carried over, and only the per-100-ms energies are kept, so a long cue never exists in
float64. The true peak is measured on the signal oversampled 4x (the polyphase Kaiser-windowed low-pass
that ``scipy.signal.resample_poly(x, 4, 1)`` uses, as BS.1770-4 Annex 2 describes) with an exact bound:
an oversampled value is at most the filter's largest phase gain times the largest sample near it, so only
the regions that could beat the sample peak are oversampled (about a tenth of typical music).

The filters run through scipy's compiled ``_sosfilt`` kernel loaded on its own: importing
``scipy.signal`` costs ~75 MB of resident memory, most of the preview mix's budget.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import SAMPLE_RATE

log = logging.getLogger(__name__)

DEFAULT_TARGET_LUFS = -20.0
DEFAULT_CEILING_DBTP = -1.0
_MIN_SECONDS = 0.4  # one BS.1770 gating block
_GATE_BLOCK = 0.4  # seconds
_GATE_STEP = 0.1  # seconds (75% overlap)
_ABSOLUTE_GATE = -70.0
_CHANNEL_GAINS = (1.0, 1.0, 1.0, 1.41, 1.41)
_CHUNK = 1 << 17  # frames filtered at a time
OVERSAMPLE = 4
_SEGMENT = 256  # samples per true-peak bound


@dataclass(frozen=True)
class Leveling:
    """What was measured and what gain was applied."""

    loudness_lufs: float  # before the gain (-inf for silence)
    true_peak_db: float  # before the gain
    gain_db: float
    ceiling_limited: bool = False
    peak_exact: bool = True  # False: the peak was measured only as far as the gain needs (see :func:`level`)

    @property
    def output_lufs(self) -> float:
        return self.loudness_lufs + self.gain_db

    @property
    def output_peak_db(self) -> float:
        return self.true_peak_db + self.gain_db


@lru_cache(maxsize=1)
def _sosfilt_kernel() -> Callable[[np.ndarray, np.ndarray, np.ndarray], None]:
    """scipy's in-place ``_sosfilt(sos, x[signals, samples], zi[signals, sections, 2])``.

    Loaded from its file without importing ``scipy.signal`` (see module doc); scipy's public
    ``sosfilt`` is the fallback when that private module is not where this scipy keeps it.
    """
    try:
        import scipy  # the bare package is small; find_spec would import scipy.signal itself

        found = [Path(root) / "signal" / f"_sosfilt{suffix}" for root in scipy.__path__
                 for suffix in importlib.machinery.EXTENSION_SUFFIXES]
        found = [p for p in found if p.is_file()]
        spec = importlib.util.spec_from_file_location("scipy.signal._sosfilt", found[0]) if found else None
        if spec is None or spec.loader is None:
            raise ImportError("scipy.signal._sosfilt not found")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        kernel = module._sosfilt
        probe = np.ones((1, 4))
        kernel(np.array([[1.0, 0.0, 0.0, 1.0, -0.5, 0.0]]), probe, np.zeros((1, 1, 2)))
        if not np.allclose(probe, [[1.0, 1.5, 1.75, 1.875]]):
            raise ImportError(f"scipy {scipy.__version__}: unexpected _sosfilt behaviour")
        return kernel
    except Exception as exc:  # noqa: BLE001 - any trouble: the public API, at its memory cost
        log.debug("using scipy.signal.sosfilt (%s)", exc)
        from scipy.signal import sosfilt

        def public(sos: np.ndarray, x: np.ndarray, zi: np.ndarray) -> None:
            y, zf = sosfilt(sos, x, axis=-1, zi=zi.transpose(1, 0, 2))
            x[...], zi[...] = y, zf.transpose(1, 0, 2)

        return public


@lru_cache(maxsize=8)
def k_weighting(sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """The BS.1770 K-weighting as second-order sections (pyloudnorm's high shelf then high pass)."""
    sections = []
    for gain_db, q, fc, kind in ((4.0, 1 / math.sqrt(2), 1500.0, "high_shelf"), (0.0, 0.5, 38.0, "high_pass")):
        a_ = 10 ** (gain_db / 40.0)
        w0 = 2.0 * math.pi * fc / sample_rate
        alpha = math.sin(w0) / (2.0 * q)
        c, s = math.cos(w0), 2 * math.sqrt(a_) * alpha
        if kind == "high_shelf":
            b = [a_ * ((a_ + 1) + (a_ - 1) * c + s), -2 * a_ * ((a_ - 1) + (a_ + 1) * c), a_ * ((a_ + 1) + (a_ - 1) * c - s)]
            a = [(a_ + 1) - (a_ - 1) * c + s, 2 * ((a_ - 1) - (a_ + 1) * c), (a_ + 1) - (a_ - 1) * c - s]
        else:
            b = [(1 + c) / 2, -(1 + c), (1 + c) / 2]
            a = [1 + alpha, -2 * c, 1 - alpha]
        sections.append([v / a[0] for v in b] + [v / a[0] for v in a])
    return np.array(sections, dtype=np.float64)


class LoudnessMeter:
    """Integrated loudness (BS.1770-4, as pyloudnorm measures it) of audio fed in chunks."""

    def __init__(self, channels: int, sample_rate: int = SAMPLE_RATE) -> None:
        if channels > len(_CHANNEL_GAINS):
            raise ValueError(f"at most {len(_CHANNEL_GAINS)} channels")
        self.sample_rate = sample_rate
        self.channels = channels
        self.frames = 0
        self.any_signal = False
        self._sos = k_weighting(sample_rate)
        self._zi = np.zeros((channels, len(self._sos), 2))
        self._hop = int(round(_GATE_STEP * sample_rate))
        self._hops: list[np.ndarray] = []  # (channels,) energy per hop
        self._carry = np.zeros(channels)  # energy of the unfinished hop
        self._carry_n = 0

    def feed(self, samples: np.ndarray) -> None:
        """Add ``samples`` shaped ``(frames, channels)``."""
        for i in range(0, len(samples), _CHUNK):
            chunk = samples[i : i + _CHUNK]
            if not self.any_signal and np.any(chunk):
                self.any_signal = True
            x = np.array(chunk.T, dtype=np.float64, order="C")
            _sosfilt_kernel()(self._sos, x, self._zi)
            np.square(x, out=x)
            n = x.shape[1]
            self.frames += n
            pos = 0
            if self._carry_n:
                take = min(n, self._hop - self._carry_n)
                self._carry += x[:, :take].sum(axis=1)
                self._carry_n += take
                pos = take
                if self._carry_n == self._hop:
                    self._hops.append(self._carry)
                    self._carry, self._carry_n = np.zeros(self.channels), 0
            whole = (n - pos) // self._hop
            if whole:
                sums = x[:, pos : pos + whole * self._hop].reshape(self.channels, whole, self._hop).sum(axis=2)
                self._hops.extend(sums.T)
                pos += whole * self._hop
            if pos < n:
                self._carry = self._carry + x[:, pos:].sum(axis=1)
                self._carry_n += n - pos

    def integrated(self) -> float:
        """Integrated loudness in LUFS (-inf for silence or less than one 400 ms block)."""
        if self.frames < int(_MIN_SECONDS * self.sample_rate) or not self.any_signal:
            return -math.inf
        hops = list(self._hops) + ([self._carry] if self._carry_n else [])
        energy = np.array(hops).reshape(-1, self.channels)
        per_block = int(round(_GATE_BLOCK / _GATE_STEP))
        # pyloudnorm's block count; a block running past the end sums what there is
        blocks = int(np.round((self.frames / self.sample_rate - _GATE_BLOCK) / _GATE_STEP)) + 1
        padded = np.vstack([energy, np.zeros((per_block, self.channels))])
        cum = np.vstack([np.zeros((1, self.channels)), np.cumsum(padded, axis=0)])
        z = (cum[per_block : per_block + blocks] - cum[:blocks]) / (_GATE_BLOCK * self.sample_rate)
        gains = np.array(_CHANNEL_GAINS[: self.channels])
        with np.errstate(divide="ignore"):
            block_lufs = -0.691 + 10.0 * np.log10(z @ gains)
        gated = z[block_lufs >= _ABSOLUTE_GATE]
        if len(gated) == 0:
            return -math.inf
        relative = -0.691 + 10.0 * math.log10(float(gated.mean(axis=0) @ gains)) - 10.0
        gated = z[(block_lufs > relative) & (block_lufs > _ABSOLUTE_GATE)]
        if len(gated) == 0:
            return -math.inf
        with np.errstate(divide="ignore"):
            return float(-0.691 + 10.0 * np.log10(gated.mean(axis=0) @ gains))


def integrated_loudness(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> float:
    """Integrated loudness in LUFS (-inf for silence or audio shorter than one 400 ms block)."""
    samples = samples if samples.ndim == 2 else samples[:, None]
    meter = LoudnessMeter(samples.shape[1], sample_rate)
    meter.feed(samples)
    return meter.integrated()


@lru_cache(maxsize=4)
def oversampling_filter(oversample: int = OVERSAMPLE) -> np.ndarray:
    """The low-pass ``resample_poly(x, oversample, 1)`` uses (Kaiser beta 5, 10 zero crossings a side), gain ``oversample``."""
    half = 10 * oversample
    n = np.arange(2 * half + 1) - half
    h = np.sinc(n / oversample) / oversample * np.kaiser(2 * half + 1, 5.0)
    return h / h.sum() * oversample


def _oversampled_peak(read: Callable[[int, int], np.ndarray], n: int, lo: int, hi: int, oversample: int) -> float:
    """Largest |value| of the signal oversampled, at the in-between output times from sample ``lo`` to ``hi`` (exclusive).

    ``read(a, b)`` gives samples ``[a, b)`` of the ``n``-sample signal. Output ``oversample * i + p`` is
    ``sum_j taps_p[j] * x[i + reach - j]`` with ``taps_p = h[p::oversample]``; phase 0 is the sample itself
    (times the filter's centre tap), which the caller counts.
    """
    h = oversampling_filter(oversample)
    reach = len(h) // 2 // oversample  # input samples reaching each side
    a, b = max(0, lo - reach), min(n, hi + reach)
    x = read(a, b)
    peak = 0.0
    for ch in range(x.shape[1]):
        region = x[:, ch].astype(np.float64)
        for p in range(1, oversample):
            y = np.convolve(region, h[p::oversample])  # y[k] = sum_j taps[j] region[k - j]: output i at k = i - a + reach
            peak = max(peak, float(np.abs(y[lo - a + reach : hi - a + reach]).max(initial=0.0)))
    return peak


class TruePeakMeter:
    """True peak (4x oversampled, exact: see module doc) of audio fed in chunks, read back only where it can be.

    :meth:`feed` keeps the largest |sample| of each ``segment`` (chunks must be whole segments but the last);
    :meth:`peak_db` then oversamples the candidate regions, reading them through ``read(a, b)``.
    """

    def __init__(self, oversample: int = OVERSAMPLE, segment: int = _SEGMENT) -> None:
        self.oversample, self.segment = oversample, segment
        self.frames = 0
        self._maxima: list[np.ndarray] = []

    def feed(self, samples: np.ndarray) -> None:
        """Add ``samples`` shaped ``(frames, channels)``."""
        segment = self.segment
        if self.frames % segment:
            raise ValueError("only the last chunk fed may end inside a segment")
        samples = samples if samples.ndim == 2 else samples[:, None]
        step = max(1, _CHUNK // segment) * segment
        for i in range(0, len(samples), step):  # largest |value| per segment over both channels, a chunk at a time
            chunk = samples[i : i + step]
            whole = len(chunk) // segment
            if whole:
                flat = chunk[: whole * segment].reshape(whole, -1)
                self._maxima.append(np.maximum(flat.max(axis=1), -flat.min(axis=1)).astype(np.float64))
            if len(chunk) % segment:
                self._maxima.append(np.array([float(np.abs(chunk[whole * segment :]).max())]))
        self.frames += len(samples)

    def peak_db(self, read: Callable[[int, int], np.ndarray], above_db: float | None = None) -> float:
        """The true peak in dBTP of everything fed; ``read(a, b)`` gives samples ``[a, b)`` of it again.

        With ``above_db`` only regions that could pass it are oversampled: the result is exact when the true
        peak is above ``above_db``, else some level at most ``above_db`` (the sample peak, or more).
        """
        n, oversample, segment = self.frames, self.oversample, self.segment
        if n == 0:
            return -math.inf
        seg_max = np.concatenate(self._maxima) if self._maxima else np.zeros(0)
        if not seg_max.any():
            return -math.inf
        h = oversampling_filter(oversample)
        bound_gain = max(float(np.abs(h[p::oversample]).sum()) for p in range(oversample))
        reach = len(h) // 2 // oversample
        # phase 0 of the filter is the sample times the centre tap (its other taps are zeros of the sinc)
        best = float(seg_max.max()) * abs(float(h[len(h) // 2]))
        spread = max(1, -(-reach // segment))  # neighbouring segments whose samples reach into a segment
        near = seg_max.copy()
        for k in range(1, spread + 1):
            near[k:] = np.maximum(near[k:], seg_max[:-k])
            near[:-k] = np.maximum(near[:-k], seg_max[k:])
        # (a hair under the allowance: a peak skipped is under it by far more than any rounding of the gain)
        floor = best if above_db is None else max(best, 10 ** (above_db / 20) * (1 - 1e-9))
        candidates = np.flatnonzero(near * bound_gain > floor)
        if len(candidates):  # oversample each run of neighbouring candidate segments in one go
            breaks = np.flatnonzero(np.diff(candidates) > 1)
            firsts = np.concatenate([candidates[:1], candidates[breaks + 1]])
            lasts = np.concatenate([candidates[breaks], candidates[-1:]])
            per_call = max(1, _CHUNK // segment)  # long runs in pieces: bounded float64 temporaries
            for s0, s1 in zip(firsts.tolist(), lasts.tolist()):
                for c0 in range(s0, s1 + 1, per_call):
                    c1 = min(s1 + 1, c0 + per_call)
                    best = max(best, _oversampled_peak(read, n, c0 * segment, min(n, c1 * segment), oversample))
        return 20 * math.log10(best) if best > 0 else -math.inf


def true_peak_db(samples: np.ndarray, oversample: int = OVERSAMPLE, segment: int = _SEGMENT) -> float:
    """Peak level in dBTP of ``samples`` oversampled ``oversample`` times (exact; see module doc)."""
    samples = samples if samples.ndim == 2 else samples[:, None]
    meter = TruePeakMeter(oversample, segment)
    meter.feed(samples)
    return meter.peak_db(lambda a, b: samples[a:b])


def leveling_for(loudness_lufs: float, peak_db: float, target_lufs: float = DEFAULT_TARGET_LUFS,
                 ceiling_db: float = DEFAULT_CEILING_DBTP) -> Leveling:
    """The gain bringing audio measured at ``loudness_lufs`` / ``peak_db`` to the target under the ceiling."""
    if not math.isfinite(loudness_lufs):
        return Leveling(loudness_lufs, peak_db, 0.0)
    gain = target_lufs - loudness_lufs
    limited = math.isfinite(peak_db) and peak_db + gain > ceiling_db
    if limited:
        gain = ceiling_db - peak_db
    return Leveling(loudness_lufs, peak_db, gain, limited)


def gain_factor(leveling: Leveling) -> np.float32:
    """The float32 factor the samples are multiplied by for ``leveling``'s gain."""
    return np.float32(10 ** (leveling.gain_db / 20))


def peak_allowance_db(loudness_lufs: float, target_lufs: float, ceiling_db: float) -> float | None:
    """The highest true peak that leaves the gain to the target unlimited by the ceiling (None: silence, no gain)."""
    return ceiling_db - (target_lufs - loudness_lufs) if math.isfinite(loudness_lufs) else None


def leveling_measured(loudness_lufs: float, meter: TruePeakMeter, read: Callable[[int, int], np.ndarray],
                      target_lufs: float = DEFAULT_TARGET_LUFS, ceiling_db: float = DEFAULT_CEILING_DBTP,
                      exact_peak: bool = True) -> Leveling:
    """:func:`leveling_for` with the true peak of what ``meter`` was fed (``read`` gives it back).

    Without ``exact_peak`` the peak is oversampled only where it could hold the gain under the ceiling: the
    gain is the same to the bit (a peak at or under the allowance does not limit it, and one above it is
    measured exactly), the peak reported may be lower than the true one (``peak_exact`` False) unless it limited.
    """
    allowance = None if exact_peak else peak_allowance_db(loudness_lufs, target_lufs, ceiling_db)
    if allowance is None:  # exact, or silence (no gain: nothing to spare)
        return leveling_for(loudness_lufs, meter.peak_db(read), target_lufs, ceiling_db)
    lv = leveling_for(loudness_lufs, meter.peak_db(read, allowance), target_lufs, ceiling_db)
    return lv if lv.ceiling_limited else replace(lv, peak_exact=False)


def level(samples: np.ndarray, target_lufs: float = DEFAULT_TARGET_LUFS, ceiling_db: float = DEFAULT_CEILING_DBTP,
          sample_rate: int = SAMPLE_RATE, *, in_place: bool = False, exact_peak: bool = True) -> tuple[np.ndarray, Leveling]:
    """``samples`` brought to ``target_lufs`` with the true peak at most ``ceiling_db``; and the measures.

    With ``in_place`` the gain is applied to ``samples`` itself (float32), sparing a copy. Without
    ``exact_peak`` the true peak is measured only as far as the gain needs (:func:`leveling_measured`):
    the same samples out, a cheaper measure (the preview mix reports no peaks).
    """
    two = samples if samples.ndim == 2 else samples[:, None]
    meter = TruePeakMeter()
    meter.feed(two)
    lv = leveling_measured(integrated_loudness(two, sample_rate), meter, lambda a, b: two[a:b], target_lufs, ceiling_db,
                           exact_peak)
    if not math.isfinite(lv.loudness_lufs):
        return samples, lv
    factor = gain_factor(lv)
    if in_place and samples.dtype == np.float32:
        samples *= factor
        return samples, lv
    return (samples * factor).astype(np.float32), lv
