"""Long cues render a window at a time: the same samples as the whole-memory fit + level, in flat memory."""

from __future__ import annotations

import subprocess
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from otio_scoreplan.audio.bwf import BwfWriter, read_bext, wav_format, write_bwf
from otio_scoreplan.audio.decode import decode, ffmpeg_exe, open_piece
from otio_scoreplan.audio.fit import FitSettings, _ramp, fit, loop_stretches, loop_to_length, ramp_window
from otio_scoreplan.audio.loudness import TruePeakMeter, level, true_peak_db
from otio_scoreplan.audio.render import RenderSettings, is_long, park, prepare, render_cue, render_mix
from otio_scoreplan.audio.stream import WINDOW_FRAMES, fitted_window, layout_fit
from otio_scoreplan.library.choose import Pick
from otio_scoreplan.library.cuespec import CueSpec, Hit
from otio_scoreplan.model import SequenceInfo
from otio_scoreplan.timecode import from_timecode

SR = 48_000
RATES = [24000 / 1001, 25.0, 30000 / 1001]
CHUNKED = RenderSettings(long_cue_seconds=0.0)  # every cue a window at a time
WHOLE = RenderSettings(long_cue_seconds=1e9)  # every cue whole in memory (the reference)


def sequence(rate: float, seconds: float, start_tc: str = "01:00:00:00") -> SequenceInfo:
    drop = abs(rate - 30000 / 1001) < 1e-9
    tc = start_tc.replace(":00", ";00", 1) if drop else start_tc
    return SequenceInfo(name="long", rate=rate, drop_frame=drop, start_frame=from_timecode(tc, rate),
                        duration_frames=int(round(seconds * rate)), format="otio")


def tones_and_noise(seconds: float, seed: int = 0) -> np.ndarray:
    """A stereo piece: a chord under noise with a swell, and a few sharp attacks (onsets for hit alignment)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) * 0.08
    swell = 0.5 + 0.4 * np.sin(2 * np.pi * t / 23.0)
    x = np.stack([chord * swell, -chord * swell], axis=1) + rng.uniform(-0.05, 0.05, (len(t), 2))
    for at in rng.uniform(1.0, seconds - 1.0, 4):
        i = int(at * SR)
        x[i : i + 2400] += rng.uniform(-0.6, 0.6, (2400, 2)) * np.exp(-np.arange(2400) / 600.0)[:, None]
    return x.astype(np.float32)


def write_piece(path: Path, seconds: float, seed: int = 0) -> Path:
    """A 24-bit WAV of :func:`tones_and_noise`, written a minute at a time."""
    samples = tones_and_noise(min(seconds, 60.0), seed)
    with BwfWriter(path) as w:
        left = int(seconds * SR)
        while left > 0:
            w.write(samples[: min(left, len(samples))])
            left -= len(samples)
    return path


@pytest.fixture(scope="module")
def pieces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Synthetic pieces: a 40 s WAV (long cues loop it), a 75 s WAV, and the 40 s one as MP3 through ffmpeg."""
    folder = tmp_path_factory.mktemp("pieces")
    wav = write_piece(folder / "short.wav", 40.0, 1)
    longer = write_piece(folder / "long.wav", 75.0, 2)
    mp3 = folder / "short.mp3"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(wav), "-b:a", "192k", str(mp3)], check=True)
    return {"wav": wav, "long": longer, "mp3": mp3}


def reference(cue: CueSpec, pick: Pick, seq: SequenceInfo, settings: RenderSettings = WHOLE):
    """The whole-memory fit + level of the cue (the path short cues take)."""
    return prepare(cue, pick, seq, settings)


def chunked_samples(cue: CueSpec, pick: Pick, seq: SequenceInfo, settings: RenderSettings = CHUNKED):
    parked = park(cue, pick, seq, settings)
    try:
        return parked, parked.read_cue(0, parked.frames)
    finally:
        parked.close()


CASES = [
    # (piece, seconds into the sequence, cue seconds, offset s, entry, exit, hit at s into the cue)
    ("wav", 2.0, 25.0, 3.0, "hard_in", "hard_out", None),  # trimmed: no loop, two windows and more
    ("wav", 1.0, 130.0, 7.5, "fade_in", "tail_out", None),  # loops three times across window edges
    ("long", 0.5, 70.0, 0.0, "prelap", "fade_out", 31.0),  # hit alignment over the whole piece
    ("wav", 3.0, 95.0, 39.9, "segue", "segue", None),  # offset just before the end: loops at once
    ("mp3", 1.5, 100.0, 12.0, "fade_in", "fade_out", None),  # through ffmpeg, looped
    ("mp3", 0.0, 33.0, 2.0, "hard_in", "tail_out", 10.0),  # through ffmpeg, hit aligned
]


@pytest.mark.parametrize("rate", RATES, ids=["23.976", "25", "29.97"])
@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[2]:g}s" + ("-hit" if c[6] else "") for c in CASES])
def test_chunked_cue_equals_whole_memory_fit_and_level(pieces: dict[str, Path], rate: float, case: tuple) -> None:
    kind, at, seconds, offset, entry, exit_, hit = case
    seq = sequence(rate, 200.0)
    f0 = int(round(at * rate))
    cue = CueSpec("9M1", f0, f0 + int(round(seconds * rate)), entry=entry, exit=exit_,
                  hits=(Hit(f0 + int(round(hit * rate)), "slam"),) if hit else ())
    pick = Pick(cue.id, str(pieces[kind]), kind, offset, "test")
    fit_settings = FitSettings(align_hits=hit is not None)
    whole = RenderSettings(fit=fit_settings, long_cue_seconds=1e9)
    chunked = RenderSettings(fit=fit_settings, long_cue_seconds=0.0)
    fitted, leveling = reference(cue, pick, seq, whole)
    parked, samples = chunked_samples(cue, pick, seq, chunked)
    assert len(samples) > WINDOW_FRAMES  # more than one window
    assert parked.start_sample == fitted.start_sample and parked.frames == len(fitted.samples)
    assert parked.offset_seconds == fitted.offset_seconds and parked.layout.joins == fitted.loops
    assert parked.layout.hit == fitted.hit and (hit is None or "slam" in fitted.hit)
    assert (parked.layout.fade_in, parked.layout.fade_out) == (fitted.fade_in_samples, fitted.fade_out_samples)
    assert parked.leveling == leveling  # the same loudness, true peak and gain, to the bit
    assert np.array_equal(samples, fitted.samples)
    assert fitted.loops > 0 or seconds < 40 or kind == "long"  # the long cases over the 40 s pieces loop


def test_loop_stretches_say_what_loop_to_length_makes() -> None:
    """Every output sample of a loop, as the stretches place it, equals loop_to_length's (tiny pieces, offsets past the end)."""
    rng = np.random.default_rng(4)
    for piece_len, offset, length, xf in [(1000, 0, 5000, 100), (1000, 990, 5000, 300), (7, 0, 100, 480), (3, 0, 100, 480),
                                          (1000, 0, 600, 100), (1000, 400, 600, 100), (1000, 999, 1, 100),
                                          (800, -50, 3000, 100), (800, -50, 500, 100), (1, 0, 10, 5)]:
        piece = rng.uniform(-1, 1, (piece_len, 2)).astype(np.float32)
        want, joins = loop_to_length(piece, offset, length, xf)
        stretches, got_joins = loop_stretches(piece_len, offset, length, xf)
        assert got_joins == joins, (piece_len, offset, length)
        out = np.zeros_like(want)
        for st in stretches:
            n = st.end - st.start
            here = piece[st.source : st.source + n]
            if st.crossfade:
                out[st.start : st.end] = (here * _ramp(st.crossfade, False)[st.ramp : st.ramp + n]
                                          + piece[st.ramp : st.ramp + n] * _ramp(st.crossfade, True)[st.ramp : st.ramp + n])
            else:
                out[st.start : st.end] = here
        assert np.array_equal(out, want), (piece_len, offset, length, xf)


def test_ramp_windows_equal_the_whole_ramp() -> None:
    rng = np.random.default_rng(5)
    for _ in range(300):
        n = int(rng.integers(1, 300_000))
        a = int(rng.integers(0, n))
        b = int(rng.integers(a, n + 1))
        for rising in (True, False):
            for shape in ("sine", "ring", "linear"):
                assert np.array_equal(ramp_window(n, rising, shape, a, b), _ramp(n, rising, shape)[a:b])


def test_true_peak_meter_fed_in_windows_equals_the_whole() -> None:
    x = tones_and_noise(9.0, 3)
    x[SR * 4 : SR * 4 + 2] = [[0.8, -0.8], [-0.8, 0.8]]  # an inter-sample overshoot
    meter = TruePeakMeter()
    for a in range(0, len(x), 3 * 256 * 100):
        meter.feed(x[a : a + 3 * 256 * 100])
    assert meter.peak_db(lambda a, b: x[a:b]) == true_peak_db(x)
    with pytest.raises(ValueError):
        meter.feed(x[:10])  # after a partial segment


def test_fitted_windows_tile_the_cue(pieces: dict[str, Path]) -> None:
    """Any window boundaries give the same cue: windows are a view, not a state."""
    cue = CueSpec("1M1", 0, 25 * 90, entry="fade_in", exit="tail_out")
    with open_piece(pieces["wav"]) as piece:
        layout = layout_fit(piece, cue, 25.0, 4.0)
        whole = fitted_window(piece, layout, 0, layout.length)
        ragged = np.concatenate([fitted_window(piece, layout, a, min(layout.length, a + 77_777))
                                 for a in range(0, layout.length, 77_777)])
        assert np.array_equal(whole, ragged)
        assert np.array_equal(whole, fit(decode(pieces["wav"]), cue, 25.0, 4.0).samples)


@pytest.mark.parametrize("rate", RATES, ids=["23.976", "25", "29.97"])
def test_long_cue_file_equals_the_whole_memory_render(pieces: dict[str, Path], tmp_path: Path, rate: float) -> None:
    """render_cue of a 2-minute cue, chunked (the default above 30 s) and whole: the same BWF, byte for byte."""
    seq = sequence(rate, 300.0)
    cue = CueSpec("4M2", int(10 * rate), int(130 * rate), entry="fade_in", exit="tail_out")
    pick = Pick(cue.id, str(pieces["wav"]), "piece", 1.0, "test")
    assert is_long(cue, seq, RenderSettings()) and not is_long(cue, seq, WHOLE)
    chunked = render_cue(cue, pick, seq, tmp_path / "chunked")
    whole = render_cue(cue, pick, seq, tmp_path / "whole", WHOLE)
    strip = lambda p: p.read_bytes()[p.read_bytes().index(b"fmt "):]  # noqa: E731 - bext holds today's date
    assert strip(chunked.path) == strip(whole.path)
    assert read_bext(chunked.path).time_reference == whole.time_reference == chunked.time_reference
    assert read_bext(chunked.path).loudness_lufs == pytest.approx(-20.0, abs=0.5)
    assert wav_format(chunked.path)[3] == chunked.frames == whole.frames
    assert (chunked.loops, chunked.offset_seconds, chunked.leveling) == (whole.loops, whole.offset_seconds, whole.leveling)


def test_long_cue_in_the_mix_equals_the_whole_memory_mix(pieces: dict[str, Path], tmp_path: Path) -> None:
    seq = sequence(24000 / 1001, 200.0)
    cues = [CueSpec("1M1", 24, 24 * 20), CueSpec("1M2", 24 * 15, 24 * 170, entry="fade_in", exit="fade_out"),
            CueSpec("1M3", 24 * 160, 24 * 190)]
    picks = [Pick(c.id, str(pieces[k]), k, 0.5, "test") for c, k in zip(cues, ["wav", "mp3", "long"])]
    data = []
    for name, settings in (("chunked", RenderSettings(block_seconds=3.3)), ("whole", RenderSettings(block_seconds=3.3, long_cue_seconds=1e9))):
        report = render_mix(cues, picks, seq, tmp_path / f"{name}.wav", settings)
        assert report.cues_mixed == 3 and report.max_active == 2
        raw = (tmp_path / f"{name}.wav").read_bytes()
        data.append(raw[raw.index(b"fmt "):])
    assert data[0] == data[1]


def test_silent_piece_is_parked_without_gain(tmp_path: Path) -> None:
    silent = write_bwf(tmp_path / "silence.wav", np.zeros((SR * 3, 2), np.float32))
    seq = sequence(25.0, 60.0)
    cue = CueSpec("1M1", 0, 25 * 40)
    pick = Pick(cue.id, str(silent), "silence", 0.0, "test")
    fitted, leveling = reference(cue, pick, seq)
    parked, samples = chunked_samples(cue, pick, seq)
    assert parked.leveling == leveling and leveling.loudness_lufs == -np.inf and parked.factor is None
    assert np.array_equal(samples, fitted.samples) and not samples.any()


def test_level_of_the_reference_is_the_level_function(pieces: dict[str, Path]) -> None:
    """The reference really is fit + level on the whole cue (so the equalities above compare against them).

    (This is the path of a piece laid from its offset and looped: a source cue's, or one whose piece has no bars.)
    """
    seq = sequence(25.0, 100.0)
    cue = CueSpec("1M1", 0, 25 * 50, entry="fade_in")
    pick = Pick(cue.id, str(pieces["wav"]), "p", 0.0, "test")
    fitted, leveling = reference(cue, pick, seq, RenderSettings(long_cue_seconds=1e9, cut=False))
    raw = fit(decode(pieces["wav"]), cue, 25.0, 0.0, FitSettings(), origin_frame=seq.start_frame)
    levelled, lv = level(raw.samples)
    assert lv == leveling and np.array_equal(levelled, fitted.samples)


def _peak_cue_memory(piece: Path, tmp_path: Path, rate: float, minutes: float, mix: bool) -> int:
    seq = sequence(rate, minutes * 60 + 20)
    cue = CueSpec("9M1", int(5 * rate), int(5 * rate) + int(round(minutes * 60 * rate)), entry="fade_in", exit="tail_out")
    pick = Pick(cue.id, str(piece), "p", 2.0, "test")
    tracemalloc.start()
    try:
        if mix:
            render_mix([cue], [pick], seq, tmp_path / f"mix{minutes:g}.wav", RenderSettings(block_seconds=10.0))
        else:
            render_cue(cue, pick, seq, tmp_path / f"media{minutes:g}")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("rate", RATES, ids=["23.976", "25", "29.97"])
def test_cue_memory_is_flat_with_cue_length(pieces: dict[str, Path], tmp_path: Path, rate: float) -> None:
    """A 10-minute cue renders (own file and mix) in the memory of a 1-minute cue: a whole one would be 230 MB."""
    for mix in (False, True):
        short = _peak_cue_memory(pieces["long"], tmp_path, rate, 1.0, mix)
        long = _peak_cue_memory(pieces["long"], tmp_path, rate, 10.0, mix)
        assert long < 1.15 * short + (1 << 20), (mix, short, long)
        assert long < 40 << 20, (mix, long)


def test_long_cue_without_normalising_equals_the_whole_memory_fit(pieces: dict[str, Path]) -> None:
    seq = sequence(25.0, 200.0)
    cue = CueSpec("1M1", 50, 50 + 25 * 100, entry="fade_in", exit="tail_out")
    pick = Pick(cue.id, str(pieces["mp3"]), "p", 3.0, "test")
    fitted, leveling = reference(cue, pick, seq, RenderSettings(normalise=False, long_cue_seconds=1e9))
    parked, samples = chunked_samples(cue, pick, seq, RenderSettings(normalise=False, long_cue_seconds=0.0))
    assert leveling is None and parked.leveling is None and parked.factor is None
    assert np.array_equal(samples, fitted.samples)


def test_unreadable_long_cue_is_left_out_and_leaves_no_files(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"\xff\xfb not mp3" * 100)
    good = write_piece(tmp_path / "good.wav", 5.0)
    seq = sequence(25.0, 120.0)
    cues = [CueSpec("1M1", 0, 25 * 50), CueSpec("1M2", 25 * 55, 25 * 110)]
    picks = [Pick("1M1", str(bad), "bad", 0.0, "test"), Pick("1M2", str(good), "good", 0.0, "test")]
    spill = tmp_path / "spill"
    spill.mkdir()
    report = render_mix(cues, picks, seq, tmp_path / "mix.wav", RenderSettings(spill_dir=str(spill)))
    assert report.cues_mixed == 1 and [s[0] for s in report.skipped] == ["1M1"] and "bad.mp3" in report.skipped[0][1]
    assert any("1M1" in r.getMessage() for r in caplog.records)
    assert list(spill.iterdir()) == []
    from otio_scoreplan.audio.render import render_cues

    done, skipped = render_cues(cues, picks, seq, tmp_path / "media", RenderSettings(spill_dir=str(spill)))
    assert [d.cue_id for d in done] == ["1M2"] and [s[0] for s in skipped] == ["1M1"]
    assert list(spill.iterdir()) == [] and [p.name[:4] for p in (tmp_path / "media").iterdir()] == ["1M2_"]
