"""A consistent temp level: integrated loudness (ITU-R BS.1770 via pyloudnorm) and a true-peak ceiling.

pyloudnorm has no true-peak meter, so the peak is measured on the signal oversampled 4x (polyphase
resampling, as BS.1770-4 Annex 2 describes). The gain brings the cue to the target loudness unless that
would push the true peak above the ceiling; then the ceiling wins and the result says so.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np

from . import SAMPLE_RATE

log = logging.getLogger(__name__)

DEFAULT_TARGET_LUFS = -20.0
DEFAULT_CEILING_DBTP = -1.0
_MIN_SECONDS = 0.4  # one BS.1770 gating block


@dataclass(frozen=True)
class Leveling:
    """What was measured and what gain was applied."""

    loudness_lufs: float  # before the gain (-inf for silence)
    true_peak_db: float  # before the gain
    gain_db: float
    ceiling_limited: bool = False

    @property
    def output_lufs(self) -> float:
        return self.loudness_lufs + self.gain_db

    @property
    def output_peak_db(self) -> float:
        return self.true_peak_db + self.gain_db


def integrated_loudness(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> float:
    """Integrated loudness in LUFS (-inf for silence or audio shorter than one 400 ms block)."""
    import pyloudnorm

    if len(samples) < int(_MIN_SECONDS * sample_rate) or not np.any(samples):
        return -math.inf
    value = pyloudnorm.Meter(sample_rate).integrated_loudness(samples.astype(np.float64))
    return float(value)


def true_peak_db(samples: np.ndarray, oversample: int = 4, block: int = 1 << 18) -> float:
    """Peak level in dBTP, measured on ``samples`` oversampled ``oversample`` times (block by block)."""
    from scipy.signal import resample_poly

    if len(samples) == 0:
        return -math.inf
    peak = 0.0
    pad = 64  # filter overlap between blocks
    for i in range(0, len(samples), block):
        chunk = samples[max(0, i - pad) : i + block + pad].astype(np.float64)
        up = resample_poly(chunk, oversample, 1, axis=0)
        peak = max(peak, float(np.max(np.abs(up))))
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def level(samples: np.ndarray, target_lufs: float = DEFAULT_TARGET_LUFS, ceiling_db: float = DEFAULT_CEILING_DBTP,
          sample_rate: int = SAMPLE_RATE) -> tuple[np.ndarray, Leveling]:
    """``samples`` brought to ``target_lufs`` with the true peak at most ``ceiling_db``; and the measures."""
    loud = integrated_loudness(samples, sample_rate)
    peak = true_peak_db(samples)
    if not math.isfinite(loud):
        return samples, Leveling(loud, peak, 0.0)
    gain = target_lufs - loud
    limited = math.isfinite(peak) and peak + gain > ceiling_db
    if limited:
        gain = ceiling_db - peak
    out = (samples * np.float32(10 ** (gain / 20))).astype(np.float32)
    return out, Leveling(loud, peak, gain, limited)
