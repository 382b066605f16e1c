"""Listening to a piece (library/analysis.py) on made signals whose beats, bars, sections and ending are known.

Real music is tested in test_real_music.py; here each rule is pinned on a signal built to have (or not
have) the property, so a rule that stops working fails here first.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from otio_scoreplan.library.analysis import (
    ANALYSIS_RATE,
    INTENSITY_FEATURES,
    Ending,
    PieceAnalysis,
    Section,
    analyse_audio,
    group_bars,
    intensity_from,
    label_sections,
    mood_hints,
    rules_mood_table,
)

SR = ANALYSIS_RATE


def note(seconds: float, freq: float, amp: float, decay: float = 6.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    tone = sum(np.sin(2 * np.pi * freq * k * t) / k for k in (1, 2, 3))
    return (amp * tone * np.exp(-decay * t)).astype(np.float32)


def music(seconds: float, bpm: float = 120.0, metre: int = 4, amp: float = 0.3, gain=None) -> np.ndarray:
    """Notes on every beat (the bar's first louder and lower), over a quiet sustained pad."""
    out = np.zeros(int(seconds * SR), dtype=np.float32)
    beat = 60.0 / bpm
    for i, start in enumerate(np.arange(0.0, seconds - 0.05, beat)):
        down = i % metre == 0
        n = note(min(beat * 1.5, seconds - start), 110.0 if down else 220.0 * (1 + (i % 3) / 4), amp * (1.0 if down else 0.45))
        a = int(start * SR)
        out[a:a + len(n)] += n[:len(out) - a]
    t = np.arange(len(out)) / SR
    out += (0.04 * np.sin(2 * np.pi * 330 * t)).astype(np.float32)
    if gain is not None:
        out *= gain(t).astype(np.float32)
    return out


def test_bars_group_beats_by_the_metre_given_or_the_accent() -> None:
    beats = np.arange(24) * 0.5
    accent = np.where(np.arange(24) % 3 == 1, 3.0, 1.0)  # downbeats on the second beat, every third
    bars, metre = group_bars(beats, accent, None)
    assert metre == 3 and list(bars) == list(beats[1::3])
    bars, metre = group_bars(beats, np.where(np.arange(24) % 4 == 2, 3.0, 1.0), None)
    assert metre == 4 and list(bars) == list(beats[2::4])
    bars, metre = group_bars(beats, accent, 2)  # the catalogue's metre wins
    assert metre == 2 and len(bars) == 12
    assert group_bars(np.array([]), np.array([]), None)[0].size == 0


def test_tempo_beats_and_downbeats_of_a_metronome() -> None:
    a = analyse_audio(music(30.0, bpm=120.0, metre=4), SR)
    assert a.tempo == pytest.approx(120.0, rel=0.04)
    assert a.beats_per_bar == 4
    assert np.median(np.diff(a.beats)) == pytest.approx(0.5, abs=0.02)
    # downbeats fall on the loud low notes: every 2 s from 0
    phase = [(b % 2.0) for b in a.bars]
    assert all(min(p, 2.0 - p) < 0.06 for p in phase), a.bars[:6]
    assert len(a.onsets) == len(a.onset_strength) and max(a.onset_strength) == 1.0
    waltz = analyse_audio(music(30.0, bpm=150.0, metre=3), SR)
    assert waltz.beats_per_bar == 3


def test_a_button_is_the_last_strong_onset_with_only_decay_after_it() -> None:
    body = music(20.0)
    hit = note(4.0, 110.0, 0.9, decay=2.0)
    a = analyse_audio(np.concatenate([body, hit, np.zeros(SR, np.float32)]), SR)
    assert a.ending.kind == "button"
    assert a.ending.time == pytest.approx(20.0, abs=0.05)
    assert 21.5 < a.ending.end <= 24.0


def test_a_fade_is_a_falling_level_while_the_music_goes_on() -> None:
    gain = lambda t: np.clip((30.0 - t) / 10.0, 0.0, 1.0) ** 2  # noqa: E731 - full until 20 s, silent at 30 s
    a = analyse_audio(music(31.0, gain=gain), SR)
    assert a.ending.kind == "fade"
    assert 18.5 <= a.ending.time <= 23.0
    assert 26.0 <= a.ending.end <= 31.0


def test_a_cut_is_a_file_ending_at_full_level() -> None:
    a = analyse_audio(music(30.0)[: int(25.3 * SR)], SR)
    assert a.ending == Ending("cut", pytest.approx(25.3, abs=0.01), pytest.approx(25.3, abs=0.01))


def test_sections_are_labelled_by_their_level() -> None:
    bounds = [(0.0, 10.0), (10.0, 20.0), (20.0, 30.0), (30.0, 40.0), (40.0, 50.0)]
    got = label_sections(bounds, [-30.0, -18.0, -14.0, -8.0, -26.0], [0.0, 2.0, 5.0, 0.0, -3.0])
    assert [s.label for s in got] == ["intro", "body", "build", "climax", "outro"]
    assert got[3].energy == 1.0 and all(0 < s.energy < 1 for i, s in enumerate(got) if i != 3)
    flat = label_sections(bounds[:3], [-12.0, -12.5, -12.2], [0.0, 0.0, 0.0])
    assert [s.label for s in flat] == ["body"] * 3  # no contrast, no climax


def test_sections_of_a_piece_with_a_quiet_intro_and_a_loud_middle() -> None:
    parts = [music(24.0, amp=0.04), music(24.0, amp=0.12), music(24.0, amp=0.6), music(24.0, amp=0.15)]
    a = analyse_audio(np.concatenate(parts), SR)
    assert a.sections[0].start == 0.0 and a.sections[-1].end == pytest.approx(a.duration)
    assert a.sections[0].label == "intro"
    loudest = max(a.sections, key=lambda s: s.energy)
    assert loudest.label == "climax" and 44.0 <= (loudest.start + loudest.end) / 2 <= 76.0
    bars = set(a.bars)
    assert all(s.start in bars for s in a.sections[1:])  # section changes on bar lines


def test_intensity_rises_with_loudness_and_activity() -> None:
    quiet = {name: lo - (hi - lo) for name, (_, lo, hi) in INTENSITY_FEATURES.items()}  # beyond each quiet bound
    loud = {name: hi + (hi - lo) for name, (_, lo, hi) in INTENSITY_FEATURES.items()}
    assert intensity_from(quiet) == 1.0 and intensity_from(loud) == 5.0
    soft = analyse_audio(music(20.0, bpm=70, amp=0.03), SR)
    busy = analyse_audio(music(20.0, bpm=160, amp=0.8) + np.random.default_rng(1).normal(0, 0.05, 20 * SR).astype(np.float32), SR)
    assert 1.0 <= soft.intensity < busy.intensity <= 5.0


def test_mood_hints_come_from_the_rules_mood_table() -> None:
    table = rules_mood_table()
    for level in (1.0, 2.0, 3.0, 4.0, 5.0):
        for minor in (False, True):
            hints = mood_hints(level, minor, table)
            assert hints and set(hints) <= set(table)
            assert all(abs(table[m] - level) <= 1.0 for m in hints)
    assert mood_hints(2.0, False, {"lullaby": 2, "battle": 5}) == ("lullaby",)
    assert mood_hints(5.0, False, {"lullaby": 2, "battle": 5}) == ("battle",)


def test_to_dict_and_back_through_json() -> None:
    a = analyse_audio(music(12.0), SR)
    assert PieceAnalysis.from_dict(json.loads(json.dumps(a.to_dict()))) == a
    assert isinstance(a.sections[0], Section) and a.estimated
    with pytest.raises((KeyError, TypeError, ValueError)):
        PieceAnalysis.from_dict({"duration": 1.0})


def test_silence_and_a_blip_do_not_fail() -> None:
    a = analyse_audio(np.zeros(SR * 3, np.float32), SR)
    assert a.duration == pytest.approx(3.0) and 1.0 <= a.intensity <= 5.0
    b = analyse_audio(np.zeros(100, np.float32), 48_000)
    assert b.beats == () and b.ending.kind == "cut"
