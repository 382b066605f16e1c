"""Media the timeline's temp clips point at when no temp music is chosen: a silent WAV we write.

One silent file serves every unassigned cue: 48 kHz, 16-bit stereo PCM (every editing application
imports it), as long as the longest cue plus a second, so each clip's range lies inside its media.
"""

from __future__ import annotations

import math
import wave
from pathlib import Path

from ..outfile import atomic_path

SAMPLE_RATE = 48000
SILENCE_NAME = "scoreplan_silence_{seconds}s.wav"


def silent_wav(folder: Path, min_seconds: float) -> tuple[Path, float]:
    """Write (or reuse) a silent stereo WAV of at least ``min_seconds``; returns (path, seconds)."""
    seconds = int(math.ceil(min_seconds)) + 1
    path = folder / SILENCE_NAME.format(seconds=seconds)
    frames = seconds * SAMPLE_RATE
    if path.is_file() and _wav_frames(path) == frames:
        return path, float(seconds)
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            block = b"\x00" * (4 * SAMPLE_RATE)
            for _ in range(seconds):
                w.writeframesraw(block)
    return path, float(seconds)


def _wav_frames(path: Path) -> int:
    try:
        with wave.open(str(path), "rb") as w:
            return w.getnframes()
    except (wave.Error, OSError, EOFError):
        return -1
