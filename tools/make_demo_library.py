#!/usr/bin/env python3
"""Make the demo temp-music library: twelve short synthesised pieces and their ``library.toml``.

No real music can ship with the project, so ``make demo`` uses these: each piece has its own mood,
tempo, key and length (30-120 s), built from a pad, a bass line, an arpeggio and (for the driving
ones) drums, with an energy curve so that each has a clear loudest moment. Deterministic: the same
files every run. Output (default ``demo_out/library``) stays out of git.

    python tools/make_demo_library.py [OUT_DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from otio_scoreplan.audio.bwf import BwfWriter
from otio_scoreplan.audio.decode import ffmpeg_exe

RATE = 48_000
MODES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}


@dataclass(frozen=True)
class Design:
    """One demo piece: what it sounds like and what the catalogue says about it."""

    file: str
    title: str
    moods: tuple[str, ...]
    tempo: int
    root: int  # MIDI note of the key
    mode: str
    seconds: int
    intensity: float
    progression: tuple[int, ...] = (0, 5, 3, 4)  # scale degrees, one chord per bar
    layers: tuple[str, ...] = ("pad", "bass", "arp")
    themes: tuple[str, ...] = ()
    climax: float = 0.7  # where in the piece the energy peaks (0..1)
    notes: str = ""
    extra: dict = field(default_factory=dict)


PIECES: tuple[Design, ...] = (
    Design("night_pursuit.wav", "Night Pursuit", ("action", "tension"), 140, 50, "minor", 75, 0.9,
           (0, 0, 5, 6), ("pad", "bass", "arp", "drums"), ("chase",), 0.8),
    Design("quiet_kitchen.wav", "Quiet Kitchen", ("intimate", "calm"), 72, 53, "major", 60, 0.2, (0, 3, 4, 0), ("pad", "arp")),
    Design("anna_theme.wav", "Anna's Theme", ("romantic", "sad"), 66, 57, "minor", 90, 0.35, (0, 5, 2, 6), ("pad", "bass", "arp"),
           ("anna",), 0.6),
    Design("anna_theme_hopeful.flac", "Anna's Theme (Hopeful)", ("hopeful", "romantic"), 84, 60, "major", 45, 0.5,
           (0, 4, 5, 3), ("pad", "bass", "arp"), ("anna",), 0.75),
    Design("under_the_floorboards.wav", "Under the Floorboards", ("horror", "mystery"), 60, 38, "minor", 110, 0.55,
           (0, 1, 0, 6), ("pad", "bass"), (), 0.85),
    Design("clockwork_suspicion.wav", "Clockwork Suspicion", ("tension", "mystery"), 108, 52, "minor", 50, 0.65,
           (0, 3, 0, 4), ("bass", "arp", "drums")),
    Design("sunday_market.mp3", "Sunday Market", ("comedy", "hopeful"), 120, 55, "major", 40, 0.6, (0, 3, 4, 4), ("bass", "arp", "drums")),
    Design("the_long_drive.wav", "The Long Drive", ("hopeful", "underscore"), 92, 50, "major", 120, 0.45, (0, 4, 5, 3),
           ("pad", "bass", "arp"), ("road",), 0.65),
    Design("grief_letter.wav", "Grief Letter", ("sad", "emotional"), 56, 47, "minor", 80, 0.3, (0, 5, 3, 4), ("pad", "arp"), (), 0.5),
    Design("rooftop_fight.wav", "Rooftop Fight", ("action", "heroic"), 160, 40, "minor", 35, 1.0, (0, 6, 5, 6),
           ("pad", "bass", "arp", "drums"), ("chase",), 0.6),
    Design("morning_fog.wav", "Morning Fog", ("wonder", "intimate"), 50, 45, "minor", 100, 0.15, (0, 3, 5, 3), ("pad",), (), 0.5),
    Design("last_light.wav", "Last Light", ("heroic", "emotional", "hopeful"), 100, 46, "major", 65, 0.75, (0, 4, 5, 3),
           ("pad", "bass", "arp", "drums"), ("finale",), 0.9),
)


def _hz(midi: float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def _note(freq: float, seconds: float, kind: str, rng: np.random.Generator) -> np.ndarray:
    """One mono note: 'pad' (slow detuned saws), 'bass' (sine+octave), 'pluck' (decaying harmonics)."""
    n = max(1, int(seconds * RATE))
    t = np.arange(n) / RATE
    if kind == "pad":
        wave = sum(np.sin(2 * np.pi * freq * d * k * t) / k**1.5 for d in (0.997, 1.0, 1.003) for k in (1, 2, 3)) / 6
        attack = np.minimum(1.0, t / min(0.8, seconds / 3))
        release = np.minimum(1.0, (seconds - t) / min(0.8, seconds / 3))
        return (wave * attack * release).astype(np.float32)
    if kind == "bass":
        wave = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(4 * np.pi * freq * t)
        return (wave * np.exp(-t * 2.5) * np.minimum(1.0, t / 0.005) * np.minimum(1.0, (seconds - t) / 0.02)).astype(np.float32)
    wave = sum(np.sin(2 * np.pi * freq * k * t + rng.uniform(0, 6.28)) * np.exp(-t * 3 * k) / k for k in (1, 2, 3, 4))
    return (wave * np.minimum(1.0, t / 0.003) * np.minimum(1.0, (seconds - t) / 0.01)).astype(np.float32)


def _drum(kind: str, rng: np.random.Generator) -> np.ndarray:
    if kind == "kick":
        t = np.arange(int(0.35 * RATE)) / RATE
        return (np.sin(2 * np.pi * (50 * t + 60 * (1 - np.exp(-t * 30)) / 30)) * np.exp(-t * 9)).astype(np.float32)
    t = np.arange(int(0.08 * RATE)) / RATE
    return (rng.standard_normal(len(t)) * np.exp(-t * 60) * 0.3).astype(np.float32)


def _add(buf: np.ndarray, at: float, sound: np.ndarray, gain: float, pan: float) -> None:
    i = int(at * RATE)
    if i >= len(buf):
        return
    s = sound[: len(buf) - i] * gain
    buf[i : i + len(s), 0] += s * np.cos((pan + 1) * np.pi / 4)
    buf[i : i + len(s), 1] += s * np.sin((pan + 1) * np.pi / 4)


def synthesise(d: Design, seed: int) -> np.ndarray:
    """The piece as float32 stereo at 48 kHz, peak-normalised to -3 dBFS."""
    rng = np.random.default_rng(seed)
    beat = 60.0 / d.tempo
    bar = 4 * beat
    scale = MODES[d.mode]
    buf = np.zeros((d.seconds * RATE, 2), dtype=np.float32)
    n_bars = int(np.ceil(d.seconds / bar))
    for b in range(n_bars):
        start = b * bar
        pos = start / d.seconds
        energy = 0.35 + 0.65 * np.exp(-(((pos - d.climax) / 0.22) ** 2))  # swells to the climax
        degree = d.progression[b % len(d.progression)]
        chord = [d.root + 12 + scale[(degree + k) % 7] + 12 * ((degree + k) // 7) for k in (0, 2, 4)]
        if "pad" in d.layers:
            for i, m in enumerate(chord):
                _add(buf, start, _note(_hz(m), bar * 1.05, "pad", rng), 0.22 * energy, (i - 1) * 0.5)
        if "bass" in d.layers:
            for k in range(4 if d.tempo < 100 else 8):
                step = bar / (4 if d.tempo < 100 else 8)
                _add(buf, start + k * step, _note(_hz(chord[0] - 24), step * 0.95, "bass", rng), 0.4 * energy, 0.0)
        if "arp" in d.layers:
            steps = 8 if d.tempo < 90 else 16
            for k in range(steps):
                m = chord[k % 3] + 12 * ((k // 3) % 2)
                _add(buf, start + k * bar / steps, _note(_hz(m), 0.6, "pluck", rng), 0.18 * energy, rng.uniform(-0.6, 0.6))
        if "drums" in d.layers:
            for k in range(4):
                _add(buf, start + k * beat, _drum("kick", rng), 0.6 * energy, 0.0)
                _add(buf, start + (k + 0.5) * beat, _drum("hat", rng), 0.5 * energy, 0.3)
    climax_at = d.climax * d.seconds  # the strong moment: a full-band accent on the bar nearest the climax
    accent_bar = round(climax_at / bar) * bar
    if accent_bar < d.seconds - 1:
        for m in (d.root, d.root + 12, d.root + 19):
            _add(buf, accent_bar, _note(_hz(m), 2.5, "pluck", rng), 0.9, 0.0)
        _add(buf, accent_bar, _drum("kick", rng), 1.2, 0.0)
    fade = int(1.5 * RATE)
    buf[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)[:, None]
    return master(buf)


def master(buf: np.ndarray, loudness: float = -16.0, knee: float = 0.5, top: float = 0.9) -> np.ndarray:
    """Bring a piece to ``loudness`` LUFS and round its peaks off softly above ``knee`` (never past ``top``)."""
    import pyloudnorm

    buf = buf * np.float32(10 ** ((loudness - pyloudnorm.Meter(RATE).integrated_loudness(buf.astype(np.float64))) / 20))
    mag = np.abs(buf)
    over = mag > knee
    buf[over] = np.sign(buf[over]) * (knee + (top - knee) * np.tanh((mag[over] - knee) / (top - knee)))
    return buf.astype(np.float32)


def _toml_list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def catalogue_text(pieces: tuple[Design, ...]) -> str:
    """The ``library.toml`` for the demo pieces."""
    lines = ["# Demo temp-music library, synthesised by tools/make_demo_library.py (no real music ships).", ""]
    for d in pieces:
        lines += [
            "[[piece]]",
            f'file = "{d.file}"',
            f'title = "{d.title}"',
            'composer = "otio-scoreplan synthesiser"',
            'publisher = "none (generated)"',
            'society = ""',
            f"moods = {_toml_list(d.moods)}",
            f"themes = {_toml_list(d.themes)}",
            f"tempo = {d.tempo}",
            f"intensity = {d.intensity}",
            'rights = "generated for the demo; free to use"',
            f'notes = "{d.mode} key, {d.seconds} s, loudest moment near {int(d.climax * 100)}%"',
            "",
        ]
    return "\n".join(lines)


def write_piece(d: Design, samples: np.ndarray, out: Path) -> Path:
    """Write one piece: WAV directly, other formats through the bundled ffmpeg."""
    target = out / d.file
    if target.suffix == ".wav":
        with BwfWriter(target) as w:
            w.write(samples)
        return target
    tmp = target.with_suffix(".tmp.wav")
    with BwfWriter(tmp) as w:
        w.write(samples)
    codec = {".mp3": ["-c:a", "libmp3lame", "-b:a", "192k"], ".flac": ["-c:a", "flac"]}[target.suffix]
    subprocess.run([ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", "-i", str(tmp), *codec, str(target)], check=True)
    tmp.unlink()
    return target


def make_library(out: Path, pieces: tuple[Design, ...] = PIECES) -> list[Path]:
    """Write every piece and ``library.toml`` into ``out``; returns the audio files."""
    out.mkdir(parents=True, exist_ok=True)
    written = [write_piece(d, synthesise(d, seed=i), out) for i, d in enumerate(pieces)]
    (out / "library.toml").write_text(catalogue_text(pieces), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="demo_out/library", help="output folder (default demo_out/library)")
    args = parser.parse_args(argv)
    files = make_library(Path(args.out))
    sys.stdout.write(f"{len(files)} pieces and library.toml written to {args.out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
