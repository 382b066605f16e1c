"""Fitting: the rounding rule, lengths exact to the sample, fades and loops audible where they should be, hits."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from otio_scoreplan.audio.fit import FitSettings, cue_sample_range, fit, frame_to_sample, loop_to_length
from otio_scoreplan.library.cuespec import CueSpec, Hit
from otio_scoreplan.timecode import from_timecode

SR = 48_000
RATES = {"23.976": 24000 / 1001, "25": 25.0, "29.97": 30000 / 1001}


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def window(x: np.ndarray, start_s: float, seconds: float = 0.1) -> float:
    a = int(start_s * SR)
    return rms(x[a : a + int(seconds * SR)])


def noise(seconds: float, amp: float = 0.2, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).uniform(-amp, amp, (int(seconds * SR), 2))).astype(np.float32)


def nearest_sample(frame: int, num: int, den: int) -> int:
    """Independent check of the rule, in integers: floor(frame * SR * den / num + 1/2)."""
    return (2 * frame * SR * den + num) // (2 * num)


def test_rounding_rule_at_29_97() -> None:
    # A 29.97 frame is 1601.6 samples: each boundary goes to the sample nearest its exact time.
    assert [frame_to_sample(f, 30000 / 1001) for f in range(6)] == [0, 1602, 3203, 4805, 6406, 8008]
    assert [frame_to_sample(f + 1, 29.97) - frame_to_sample(f, 29.97) for f in range(5)] == [1602, 1601, 1602, 1601, 1602]
    assert frame_to_sample(1, 24000 / 1001) == 2002 and frame_to_sample(1, 25) == 1920
    # Halves round up: 59.94 frames are 800.8 samples; a rate giving exact halves (96 fps at 48 kHz: 500) ...
    assert frame_to_sample(1, Fraction(96000, 1)) == 1  # 0.5 -> 1
    assert frame_to_sample(3, Fraction(96000, 1)) == 2  # 1.5 -> 2


@pytest.mark.parametrize("label", list(RATES))
def test_fitted_lengths_are_exact_and_cues_tile(label: str) -> None:
    rate = RATES[label]
    num, den = Fraction(rate).limit_denominator(1001).numerator, Fraction(rate).limit_denominator(1001).denominator
    drop = label == "29.97"
    origin = from_timecode("01:00:00;00" if drop else "01:00:00:00", rate)
    rng = np.random.default_rng(7)
    bounds = np.cumsum(rng.integers(1, 400, 12))
    piece = noise(3.0)
    total = 0
    previous_end = None
    for a, b in zip(bounds[:-1], bounds[1:]):
        spec = CueSpec(id=f"c{a}", start_frame=int(a), end_frame=int(b))
        fitted = fit(piece, spec, rate, origin_frame=origin)
        expected = nearest_sample(origin + int(b), num, den) - nearest_sample(origin + int(a), num, den)
        assert len(fitted.samples) == expected
        assert fitted.start_sample == nearest_sample(origin + int(a), num, den) - nearest_sample(origin, num, den)
        if previous_end is not None:
            assert fitted.start_sample == previous_end  # no gap, no overlap
        previous_end = fitted.end_sample
        total += expected
    assert total == cue_sample_range(CueSpec("all", int(bounds[0]), int(bounds[-1])), rate, SR, origin)[1] - \
        cue_sample_range(CueSpec("all", int(bounds[0]), int(bounds[-1])), rate, SR, origin)[0]


def test_drop_frame_cue_at_a_dropped_minute() -> None:
    rate = 30000 / 1001
    origin = from_timecode("00:59:59;00", rate)
    start = from_timecode("01:01:00;02", rate) - origin  # the first frame after a drop
    spec = CueSpec("1M1", start, start + 30)
    fitted = fit(noise(2.0), spec, rate, origin_frame=origin)
    assert fitted.start_sample + frame_to_sample(origin, rate) == nearest_sample(origin + start, 30000, 1001)
    assert len(fitted.samples) == nearest_sample(origin + start + 30, 30000, 1001) - nearest_sample(origin + start, 30000, 1001)


def test_trim_keeps_the_piece_from_its_offset() -> None:
    piece = noise(10.0)
    spec = CueSpec("1M1", 0, 100, entry="hard_in", exit="hard_out")
    fitted = fit(piece, spec, 25.0, offset_seconds=2.0)
    n = len(fitted.samples)
    assert n == 100 * 1920 and fitted.loops == 0 and fitted.offset_seconds == 2.0
    middle = slice(1000, n - 1000)
    assert np.array_equal(fitted.samples[middle], piece[2 * SR :][middle])


def test_soft_entry_fades_in_and_hard_entry_does_not() -> None:
    piece = noise(20.0)
    steady = window(piece, 5.0, 1.0)
    soft = fit(piece, CueSpec("a", 0, 250, entry="fade_in"), 25.0).samples
    hard = fit(piece, CueSpec("b", 0, 250, entry="hard_in"), 25.0).samples
    assert window(soft, 0.0) < 0.15 * steady and window(soft, 1.0) > 0.4 * steady and window(soft, 2.5) > 0.9 * steady
    assert window(hard, 0.01) > 0.9 * steady


def test_exits_fade_where_they_should() -> None:
    piece = noise(20.0)
    steady = window(piece, 5.0, 1.0)
    n_seconds = 10.0
    tail = fit(piece, CueSpec("t", 0, 250, exit="tail_out", tail_seconds=3.0), 25.0).samples
    fade = fit(piece, CueSpec("f", 0, 250, exit="fade_out"), 25.0).samples
    hard = fit(piece, CueSpec("h", 0, 250, exit="hard_out"), 25.0).samples
    assert window(tail, n_seconds - 0.1) < 0.05 * steady and window(tail, n_seconds - 3.5) > 0.9 * steady
    assert window(tail, n_seconds - 1.5) < window(fade, n_seconds - 1.5), "a tail-out decays faster than a fade"
    assert window(fade, n_seconds - 0.1) < 0.1 * steady
    assert window(hard, n_seconds - 0.12) > 0.9 * steady and rms(hard[-20:]) < 0.2 * steady  # click guard only


def test_short_piece_loops_with_a_crossfade_and_no_hole() -> None:
    # One second of loud noise then two seconds of quiet: the loud part must come back at each loop.
    piece = np.concatenate([noise(1.0, 0.5, 1), noise(2.0, 0.05, 2)])
    settings = FitSettings(loop_crossfade_seconds=0.25)
    fitted = fit(piece, CueSpec("l", 0, 250, exit="hard_out"), 25.0, settings=settings)  # 10 s from a 3 s piece
    out = fitted.samples
    assert len(out) == 10 * SR and fitted.loops == 3
    period = 3.0 - 0.25
    for k in range(1, 4):
        loud_at = k * period + 0.4
        assert window(out, loud_at) > 5 * window(out, loud_at + 1.2), f"loop {k} not heard"
    # Through each join, no window falls silent (the crossfade holds the level).
    quiet = window(piece, 2.0)
    for k in range(1, 4):
        join = k * period
        assert min(window(out, join - 0.3 + i * 0.05, 0.05) for i in range(12)) > 0.5 * quiet


def test_loop_to_length_tiny_piece_terminates() -> None:
    out, joins = loop_to_length(np.ones((3, 2), np.float32), 0, 100, 480)
    assert len(out) == 100 and joins > 10 and np.all(out == 1.0)


def test_hit_alignment_puts_the_strongest_onset_on_the_hit() -> None:
    piece = noise(20.0, 0.02)
    burst_at = int(13.37 * SR)
    piece[burst_at : burst_at + SR // 2] += noise(0.5, 0.8, 3)
    spec = CueSpec("1M1", 1000, 1250, hits=(Hit(1100, "door slam"),))  # hit 4 s into a 10 s cue
    aligned = fit(piece, spec, 25.0, settings=FitSettings(align_hits=True))
    hit_sample = frame_to_sample(1100, 25.0) - frame_to_sample(1000, 25.0)
    onset = int(np.argmax(np.abs(aligned.samples[:, 0]) > 0.3))
    assert abs(onset - hit_sample) <= SR // 1000, (onset, hit_sample)
    assert aligned.offset_seconds == pytest.approx(13.37 - 4.0, abs=0.001) and "door slam" in aligned.hit
    plain = fit(piece, spec, 25.0)
    assert plain.offset_seconds == 0.0 and plain.hit == ""


def test_onset_refined_just_before_the_hit_starts_the_piece_at_zero() -> None:
    """An onset refined to a few samples before the hit's place asks for a negative offset: the piece plays from 0.

    (A negative offset used to slice from the piece's end: an empty first take and a join that was not one.)
    """
    piece = noise(10.0, 0.001, 1)
    piece[1500:] += noise(10.0, 0.5, 2)[: len(piece) - 1500]  # the level jumps at sample 1500
    spec = CueSpec("1M1", 0, 125, hits=(Hit(1, "jump"),))  # the hit 1920 samples in, the search from hop 4
    aligned = fit(piece, spec, 25.0, settings=FitSettings(align_hits=True))
    assert "onset at 0.031 s" in aligned.hit  # sample 1500: before the hit's 1920
    assert aligned.offset_seconds == 0.0 and aligned.loops == 0
    assert np.array_equal(aligned.samples[SR : 2 * SR], piece[SR : 2 * SR])
