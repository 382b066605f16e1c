"""Decode any audio file to float32 samples through the ffmpeg binary that imageio-ffmpeg ships.

pydub's ``AudioSegment.from_file`` asks ffprobe for the stream's sample format unless a codec is given,
and imageio-ffmpeg ships only ffmpeg: so we call ffmpeg ourselves, asking it for raw float32 at the
rate and channel count we mix at, and read its output in blocks straight into the sample array (a long
file never sits in memory twice). The ffmpeg binary is found without PATH, so no system ffmpeg or ffprobe is needed.
"""

from __future__ import annotations

import logging
import os
import subprocess
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import ScorePlanError
from . import CHANNELS, SAMPLE_RATE

log = logging.getLogger(__name__)

_BLOCK_FRAMES = 1 << 16
_SIZE_HINT_CAP = 1 << 30  # a max_frames beyond this is not allocated up front


class DecodeError(ScorePlanError):
    """An audio file could not be decoded."""


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary bundled with imageio-ffmpeg (IMAGEIO_FFMPEG_EXE overrides it)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def decode(
    path: str | os.PathLike,
    *,
    sample_rate: int = SAMPLE_RATE,
    channels: int = CHANNELS,
    start_frame: int = 0,
    max_frames: int | None = None,
) -> np.ndarray:
    """Decode ``path`` to float32 samples shaped ``(frames, channels)`` at ``sample_rate``.

    ``start_frame`` and ``max_frames`` count sample frames at ``sample_rate`` and are applied to the
    decoded stream, so they are exact to the sample whatever the codec. Decoding stops (and ffmpeg
    is ended) once ``max_frames`` are read. Raises :class:`DecodeError` naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise DecodeError("audio file not found", path)
    cmd = [
        ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error",
        "-i", str(path), "-map", "0:a:0", "-vn",
        "-f", "f32le", "-acodec", "pcm_f32le", "-ac", str(channels), "-ar", str(sample_rate), "pipe:1",
    ]
    frame_bytes = 4 * channels
    skip = max(0, int(start_frame)) * frame_bytes
    limit = None if max_frames is None else max(0, int(max_frames)) * frame_bytes
    # Read straight into one growing float32 buffer: the samples exist once, never as bytes beside an array.
    buf = np.empty(limit if limit is not None and limit <= _SIZE_HINT_CAP else _BLOCK_FRAMES * frame_bytes, dtype=np.uint8)
    got = 0
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        stopped_early = limit is not None and limit == 0
        while not stopped_early:
            if skip:
                data = proc.stdout.read(min(skip, _BLOCK_FRAMES * frame_bytes))
                if not data:
                    break
                skip -= len(data)
                continue
            want = _BLOCK_FRAMES * frame_bytes if limit is None else min(_BLOCK_FRAMES * frame_bytes, limit - got)
            if got + want > len(buf):
                grown = np.empty(max(got + want, len(buf) * 3 // 2), dtype=np.uint8)
                grown[:got] = buf[:got]
                buf = grown
            n = proc.stdout.readinto(memoryview(buf)[got : got + want])
            if not n:
                break
            got += n
            if limit is not None and got >= limit:
                stopped_early = True
        if stopped_early:
            proc.kill()
        _, err = proc.communicate()
        if not stopped_early and proc.returncode != 0:
            message = " ".join(err.decode(errors="replace").split())[:300] or f"ffmpeg exit {proc.returncode}"
            raise DecodeError(f"cannot decode audio: {message}", path)
    got -= got % frame_bytes
    if not got and start_frame == 0:
        raise DecodeError("no audio decoded (empty or not an audio file)", path)
    if got < len(buf) // 2 or got < len(buf) - (16 << 20):  # much too big: keep only what was read
        buf = buf[:got].copy()
    return buf[:got].view("<f4").reshape(-1, channels)


def count_frames(path: str | os.PathLike, *, sample_rate: int = SAMPLE_RATE) -> int:
    """Length of ``path`` in sample frames at ``sample_rate``, by decoding it (for files tags cannot time)."""
    return int(decode(path, sample_rate=sample_rate, channels=1).shape[0])


def audio_segment_class():
    """pydub's ``AudioSegment``, set to the bundled ffmpeg (its import-time warning about PATH silenced)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment
    AudioSegment.converter = ffmpeg_exe()
    return AudioSegment


def to_segment(samples: np.ndarray, sample_rate: int = SAMPLE_RATE):
    """float32 samples ``(frames, channels)`` as a pydub ``AudioSegment`` (32-bit integer PCM)."""
    AudioSegment = audio_segment_class()  # noqa: N806

    ints = np.clip(np.round(samples.astype(np.float64) * 2147483647.0), -2147483648, 2147483647).astype("<i4")
    return AudioSegment(ints.tobytes(), frame_rate=sample_rate, sample_width=4, channels=samples.shape[1])


def from_segment(segment) -> np.ndarray:
    """A pydub ``AudioSegment`` as float32 samples ``(frames, channels)``."""
    width = segment.sample_width
    if width == 1:
        ints = np.frombuffer(segment.raw_data, dtype=np.uint8).astype(np.float32) - 128.0
        scale = 128.0
    elif width == 3:
        b = np.frombuffer(segment.raw_data, dtype=np.uint8).reshape(-1, 3)
        ints = (b[:, 0].astype(np.int32) | (b[:, 1].astype(np.int32) << 8) | (b[:, 2].astype(np.int32) << 16))
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints).astype(np.float32)
        scale = float(1 << 23)
    else:
        ints = np.frombuffer(segment.raw_data, dtype={2: "<i2", 4: "<i4"}[width]).astype(np.float64)
        scale = float(1 << (8 * width - 1))
    return (np.asarray(ints) / scale).astype(np.float32).reshape(-1, segment.channels)


def decode_segment(path: str | os.PathLike, *, sample_rate: int = SAMPLE_RATE, channels: int = CHANNELS):
    """Decode ``path`` to a pydub ``AudioSegment`` without ffprobe (see module docstring)."""
    return to_segment(decode(path, sample_rate=sample_rate, channels=channels), sample_rate)
