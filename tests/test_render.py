"""Rendering: loudness to target, true-peak ceiling, BWF files per cue, the streamed preview mix, the command."""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import subprocess
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from otio_scoreplan._cli.render import cli_render
from otio_scoreplan.audio.bwf import read_bext, wav_format, write_bwf
from otio_scoreplan.audio.decode import decode, ffmpeg_exe
from otio_scoreplan.audio.fit import frame_to_sample
from otio_scoreplan.audio.loudness import integrated_loudness, level, true_peak_db
from otio_scoreplan.audio.render import RenderSettings, render_cue, render_cues, render_mix
from otio_scoreplan.library.choose import Pick
from otio_scoreplan.library.cuespec import CueSpec
from otio_scoreplan.model import SequenceInfo
from otio_scoreplan.timecode import from_timecode

SR = 48_000


def noise(seconds: float, amp: float, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-amp, amp, (int(seconds * SR), 2)).astype(np.float32)


def sequence(rate: float = 25.0, seconds: float = 60.0, start_tc: str = "01:00:00:00", drop: bool = False) -> SequenceInfo:
    return SequenceInfo(name="test", rate=rate, drop_frame=drop, start_frame=from_timecode(start_tc, rate),
                        duration_frames=int(round(seconds * rate)), format="otio")


def pick_for(cue: CueSpec, path: Path) -> Pick:
    return Pick(cue.id, str(path), path.stem, 0.0, "test")


@pytest.mark.parametrize("target", [-20.0, -23.0])
def test_loudness_within_half_a_lu_of_the_target(tmp_path: Path, target: float) -> None:
    quiet = write_bwf(tmp_path / "quiet.wav", noise(12.0, 0.02))
    seq = sequence()
    spec = CueSpec("1M1", 0, 250, entry="fade_in", exit="tail_out")
    done = render_cue(spec, pick_for(spec, quiet), seq, tmp_path / "media", RenderSettings(target_lufs=target))
    measured = integrated_loudness(decode(done.path))  # measured again on the written 24-bit file
    assert abs(measured - target) < 0.5
    assert not done.leveling.ceiling_limited and done.leveling.gain_db > 10


def test_true_peak_ceiling_wins_over_loudness() -> None:
    spiky = noise(5.0, 0.01)
    spiky[SR : SR + 5] = 0.9  # a click far above the rest
    out, lv = level(spiky, -20.0, -1.0)
    assert lv.ceiling_limited and true_peak_db(out) <= -1.0 + 0.05
    assert true_peak_db(spiky) >= 20 * np.log10(0.9) - 0.01  # 4x oversampling finds at least the sample peak


def test_cue_files_are_bwf_48k_24bit_stereo_named_by_id_and_spotted_to_time(tmp_path: Path) -> None:
    src = write_bwf(tmp_path / "piece.wav", noise(8.0, 0.1))
    rate = 30000 / 1001
    seq = sequence(rate, 120.0, "01:00:00;00", drop=True)
    cues = [CueSpec("1M1", 300, 450), CueSpec("2M1/a", 1800, 1950)]
    done, skipped = render_cues(cues, [pick_for(c, src) for c in cues], seq, tmp_path / "media")
    assert skipped == [] and [d.path.name.rsplit("_", 1)[0] for d in done] == ["1M1", "2M1_a"]
    for d in done:  # named by content: <cue id>_<first 8 hex of the SHA-256 of the bytes>.wav
        assert d.path.name.endswith(f"_{hashlib.sha256(d.path.read_bytes()).hexdigest()[:8]}.wav")
    for d, c in zip(done, cues):
        rate_hz, channels, bits, frames = wav_format(d.path)
        assert (rate_hz, channels, bits) == (SR, 2, 24)
        assert frames == frame_to_sample(seq.start_frame + c.end_frame, rate) - frame_to_sample(seq.start_frame + c.start_frame, rate)
        bext = read_bext(d.path)
        assert bext.time_reference == frame_to_sample(seq.start_frame + c.start_frame, rate) == d.time_reference
        assert bext.loudness_lufs == pytest.approx(-20.0, abs=0.5)
        # An independent reader (ffmpeg's WAV demuxer) finds the same time reference.
        meta = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(d.path), "-f", "ffmetadata", "-"],
                              capture_output=True, text=True).stdout
        assert f"time_reference={d.time_reference}" in meta
    assert read_bext(done[0].path).description.startswith("1M1 temp: piece (01:00:10;00-")


def _media(folder: Path, cue_id: str) -> Path:
    """The one rendered file of ``cue_id`` in ``folder`` (``<id>_<hash8>.wav``)."""
    (found,) = folder.glob(f"{cue_id}_????????.wav")
    return found


def test_preview_mix_streams_cues_to_their_samples(tmp_path: Path) -> None:
    a = write_bwf(tmp_path / "a.wav", noise(5.0, 0.1, 1))
    b = write_bwf(tmp_path / "b.wav", noise(5.0, 0.1, 2))
    rate = 24000 / 1001
    seq = sequence(rate, 30.0, "00:59:58:00")
    cues = [CueSpec("1M1", 24, 120), CueSpec("1M2", 300, 500, entry="fade_in", exit="fade_out"), CueSpec("1M3", 480, 650)]
    picks = [pick_for(cues[0], a), pick_for(cues[1], b), pick_for(cues[2], a)]
    media = tmp_path / "media"
    render_cues(cues, picks, seq, media)
    settings = RenderSettings(block_seconds=0.37)  # blocks cut through every cue
    report = render_mix(cues, picks, seq, tmp_path / "mix.wav", settings)
    mix = decode(tmp_path / "mix.wav")
    origin = frame_to_sample(seq.start_frame, rate)
    assert len(mix) == report.frames == frame_to_sample(seq.start_frame + seq.duration_frames, rate) - origin
    assert read_bext(tmp_path / "mix.wav").time_reference == origin
    assert report.cues_mixed == 3 and report.max_active == 2
    first = decode(_media(media, "1M1"))
    s0 = frame_to_sample(seq.start_frame + 24, rate) - origin
    assert np.allclose(mix[s0 : s0 + len(first)], first, atol=1e-6), "the cue sits at its exact sample"
    assert not np.any(mix[: s0]) and not np.any(mix[s0 + len(first) : s0 + len(first) + 1000])
    two, three = decode(_media(media, "1M2")), decode(_media(media, "1M3"))
    s2 = frame_to_sample(seq.start_frame + 300, rate) - origin
    s3 = frame_to_sample(seq.start_frame + 480, rate) - origin
    overlap = mix[s3 : s2 + len(two)]
    assert np.allclose(overlap, two[s3 - s2 :] + three[: len(overlap)], atol=1e-5), "overlapping cues are summed"


def _peak_mix_memory(tmp_path: Path, seconds: float, name: str) -> int:
    piece = tmp_path / "p.wav"
    if not piece.exists():
        write_bwf(piece, noise(4.0, 0.1))
    seq = sequence(25.0, seconds)
    cues = [CueSpec(f"{i}M1", int(i * 25 * 20), int(i * 25 * 20 + 75)) for i in range(int(seconds // 20))]
    tracemalloc.start()
    render_mix(cues, [pick_for(c, piece) for c in cues], seq, tmp_path / name, RenderSettings(block_seconds=5.0))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_mix_memory_is_flat_with_film_length(tmp_path: Path) -> None:
    short = _peak_mix_memory(tmp_path, 60.0, "short.wav")
    long = _peak_mix_memory(tmp_path, 600.0, "long.wav")  # ten times the film, ten times the cues
    # cues are prepared ahead on worker threads, so how many are in memory at once varies with the machine's load
    # (9.7 vs 18.6 MB seen under load): a mix that grew with the film would be ~10x here, not under 3x
    assert long < 3 * short + (2 << 20), (short, long)
    assert long < 64 << 20  # a whole 10-minute float mix would be 230 MB


def test_unreadable_piece_is_left_out_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    good = write_bwf(tmp_path / "good.wav", noise(3.0, 0.1))
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"\xff\xfb not mp3" * 100)
    seq = sequence(25.0, 20.0)
    cues = [CueSpec("1M1", 0, 100), CueSpec("1M2", 200, 300)]
    with caplog.at_level(logging.WARNING):
        report = render_mix(cues, [pick_for(cues[0], good), pick_for(cues[1], bad)], seq, tmp_path / "mix.wav")
    assert report.cues_mixed == 1 and [s[0] for s in report.skipped] == ["1M2"]
    assert any("1M2" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


def test_render_command_on_a_plan_json(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    write_bwf(lib / "dark_pulse.wav", noise(6.0, 0.1, 1))
    write_bwf(lib / "sad_strings.wav", noise(6.0, 0.05, 2))
    plan = {
        "schema": "otio-scoreplan/plan", "version": 1,
        "sequence": {"name": "cmd", "rate": 25.0, "drop_frame": False, "start_frame": 90000, "duration_frames": 500},
        "cues": [
            {"id": "1M1", "start_frame": 0, "end_frame": 150, "moods": ["dark"], "entry": {"type": "hard_in", "frames": 0},
             "exit": {"type": "tail_out", "frames": 25}, "intensity": 3, "hits": []},
            {"id": "1M2", "start_frame": 200, "end_frame": 400, "moods": ["sad"], "intensity": 2},
        ],
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    args = argparse.Namespace(input=str(tmp_path / "plan.json"), library=str(lib), output=str(tmp_path / "mix.wav"),
                              media=str(tmp_path / "media"), seed=0, align_hits=False, target_lufs=-20.0, ceiling=-1.0)
    out = io.StringIO()
    assert cli_render(args, out=out) == 0
    text = out.getvalue()
    assert "1M1\tDark Pulse" in text and "1M2\tSad Strings" in text and "2 cues mixed" in text
    assert wav_format(tmp_path / "mix.wav")[3] == 500 * 1920
    assert sorted(p.name[:-13] for p in (tmp_path / "media").iterdir()) == ["1M1", "1M2"]  # <id>_<hash8>.wav


def test_loudness_meter_matches_pyloudnorm() -> None:
    """The streaming BS.1770 meter gives pyloudnorm's figure, whatever the length (partial hops, short blocks)."""
    import pyloudnorm

    rng = np.random.default_rng(3)
    tone = np.sin(2 * np.pi * 440 * np.arange(9 * SR + 1234) / SR)[:, None] * np.array([0.3, 0.1])
    swell = tone * np.linspace(0.01, 1.0, len(tone))[:, None]  # the relative gate drops the quiet start
    for signal in (noise(7.3, 0.2), swell.astype(np.float32), (rng.standard_normal((SR // 2 + 7, 2)) * 0.05).astype(np.float32)):
        ours = integrated_loudness(signal)
        theirs = pyloudnorm.Meter(SR).integrated_loudness(signal.astype(np.float64))
        assert abs(ours - theirs) < 1e-6, (ours, theirs)
    assert integrated_loudness(np.zeros((SR, 2), np.float32)) == -np.inf
    assert integrated_loudness(noise(0.3, 0.2)) == -np.inf  # shorter than one gating block


def test_true_peak_equals_whole_signal_4x_oversampling() -> None:
    """Oversampling only where the peak can be gives what oversampling everything gives (scipy's resample_poly)."""
    from scipy.signal import resample_poly

    n = np.arange(3 * SR)
    quarter = (0.5 * np.sin(np.pi / 2 * n + np.pi / 4))[:, None].repeat(2, axis=1)  # fs/4, samples at 0.354
    t = np.arange(5 * SR) / SR
    chords = sum(np.sin(2 * np.pi * f * t) * np.exp(-((t % 0.5) * 6)) for f in (220, 277, 330, 9000)) * 0.24
    cases = [quarter.astype(np.float32), noise(4.1, 0.5, seed=7), np.stack([chords, -chords], axis=1).astype(np.float32)]
    spiky = noise(2.0, 0.01)
    spiky[5000:5002] = [[0.8, -0.8], [-0.8, 0.8]]  # an inter-sample overshoot far above the rest
    cases.append(spiky)
    for signal in cases:
        whole = 20 * np.log10(np.abs(resample_poly(signal.astype(np.float64), 4, 1, axis=0)).max())
        assert abs(true_peak_db(signal) - whole) < 1e-6
    assert true_peak_db(quarter.astype(np.float32)) > 20 * np.log10(0.354) + 2.5  # the inter-sample peak is found
    assert true_peak_db(np.zeros((100, 2), np.float32)) == -np.inf


@pytest.mark.parametrize("codec", ["pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le"])
def test_plain_wav_read_directly_equals_ffmpeg(tmp_path: Path, codec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A WAV at the mix rate is read without ffmpeg, to the same samples ffmpeg decodes, exact at start and length."""
    import otio_scoreplan.audio.decode as dec

    raw = tmp_path / "x.f32"
    noise(2.0, 0.9, seed=5).astype("<f4").tofile(raw)
    wav = tmp_path / f"{codec}.wav"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "f32le", "-ar", str(SR), "-ac", "2", "-i", str(raw),
                    "-c:a", codec, str(wav)], check=True)
    ranges = [{}, {"start_frame": 1001, "max_frames": 2345}, {"start_frame": 2 * SR - 10}, {"max_frames": 10**9}]
    direct = [dec.decode(wav, **kw) for kw in ranges]
    assert dec._read_plain_wav(wav, SR, 2, 0, None) is not None  # the direct path was taken
    monkeypatch.setattr(dec, "_read_plain_wav", lambda *a: None)
    for kw, got in zip(ranges, direct):
        assert np.array_equal(got, dec.decode(wav, **kw)), kw
    assert [len(d) for d in direct] == [2 * SR, 2345, 10, 2 * SR]


def test_mix_is_deterministic_whatever_the_worker_count(tmp_path: Path) -> None:
    """Cues prepared ahead on worker threads and parked on disk mix to the same bytes as one at a time."""
    piece = write_bwf(tmp_path / "p.wav", noise(9.0, 0.3, seed=2))
    seq = sequence(24000 / 1001, 40.0)
    cues = [CueSpec(f"1M{i}", i * 100, i * 100 + 150, entry="fade_in", exit="tail_out") for i in range(9)]  # overlapping
    outs = []
    for workers in (1, 2, 3):
        target = tmp_path / f"mix{workers}.wav"
        report = render_mix(cues, [pick_for(c, piece) for c in cues], seq, target,
                            RenderSettings(workers=workers, block_seconds=1.3, spill_dir=str(tmp_path)))
        assert report.cues_mixed == 9 and report.max_active >= 2
        outs.append(target.read_bytes()[target.read_bytes().index(b"data"):])
    assert outs[0] == outs[1] == outs[2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mix1.wav", "mix2.wav", "mix3.wav", "p.wav"]  # spills gone


def test_level_measures_the_peak_only_as_far_as_the_gain_needs() -> None:
    """The mix's measure (exact_peak=False) gives the same samples and gain as the exact one, oversampling less."""
    from otio_scoreplan.audio.loudness import TruePeakMeter, peak_allowance_db

    n = np.arange(3 * SR)
    quarter = (0.5 * np.sin(np.pi / 2 * n + np.pi / 4))[:, None].repeat(2, axis=1).astype(np.float32)  # overshoots
    spiky = noise(5.0, 0.01)
    spiky[SR : SR + 5] = 0.9  # the ceiling holds the gain
    cases = [(noise(6.0, 0.5, 3), -20.0), (noise(6.0, 0.02, 4), -20.0), (spiky, -20.0), (quarter, -20.0),
             (quarter, 3.0), (np.zeros((SR, 2), np.float32), -20.0)]
    seen = {True: 0, False: 0}
    for signal, target in cases:
        exact_out, exact = level(signal.copy(), target, -1.0)
        out, lv = level(signal.copy(), target, -1.0, exact_peak=False)
        assert np.array_equal(out, exact_out) and out.dtype == exact_out.dtype
        assert (lv.gain_db, lv.ceiling_limited, lv.loudness_lufs) == (exact.gain_db, exact.ceiling_limited, exact.loudness_lufs)
        if lv.peak_exact:
            assert lv.true_peak_db == exact.true_peak_db
        else:  # unlimited: the peak shown is at most the true one and under what would have limited the gain
            assert lv.true_peak_db <= exact.true_peak_db <= peak_allowance_db(lv.loudness_lufs, target, -1.0)
        seen[exact.ceiling_limited] += 1
    assert seen[True] >= 2 and seen[False] >= 3  # both branches were tried
    # a loud piece levelled down: no region can reach the allowance, so nothing is read back to oversample
    loud = noise(6.0, 0.5, 5)
    meter = TruePeakMeter()
    meter.feed(loud)
    reads: list[tuple[int, int]] = []
    allowance = peak_allowance_db(integrated_loudness(loud), -20.0, -1.0)
    assert meter.peak_db(lambda a, b: reads.append((a, b)) or loud[a:b], allowance) <= allowance
    assert reads == []
    assert meter.peak_db(lambda a, b: reads.append((a, b)) or loud[a:b]) == true_peak_db(loud) and reads
