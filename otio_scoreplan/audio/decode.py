"""Decode any audio file to float32 samples through the ffmpeg binary that imageio-ffmpeg ships.

pydub's ``AudioSegment.from_file`` asks ffprobe for the stream's sample format unless a codec is given,
and imageio-ffmpeg ships only ffmpeg: so we call ffmpeg ourselves, asking it for raw float32 at the
rate and channel count we mix at, and read its output in blocks straight into the sample array (a long
file never sits in memory twice). The ffmpeg binary is found without PATH, so no system ffmpeg or ffprobe is needed.
"""

from __future__ import annotations

import logging
import os
import struct
import subprocess
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ..errors import ScorePlanError
from ..infile import not_a_file
from ..outfile import spill_file
from ..riff import wave_chunks
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
        raise DecodeError(f"the audio file {not_a_file(path)}", path)
    native = _read_plain_wav(path, sample_rate, channels, start_frame, max_frames)
    if native is not None:
        return native
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
        _finish(proc, stopped_early, path)
    got -= got % frame_bytes
    if not got and start_frame == 0:
        raise DecodeError("no audio decoded (empty or not an audio file)", path)
    if got < len(buf) // 2 or got < len(buf) - (16 << 20):  # much too big: keep only what was read
        buf = buf[:got].copy()
    return buf[:got].view("<f4").reshape(-1, channels)


class DecodedPiece:
    """A decoded piece read a window at a time (see :func:`open_piece`); close it when done."""

    def __init__(self, path: Path, frames: int, channels: int, read_window: Callable[[int, int], np.ndarray],
                 closer: Callable[[], None] | None = None) -> None:
        self.path, self.frames, self.channels = path, frames, channels
        self._read, self._closer = read_window, closer

    def read(self, start: int, stop: int) -> np.ndarray:
        """Samples ``[start, stop)`` (clipped to the piece), float32 ``(frames, channels)``: what :func:`decode` gives there."""
        start, stop = max(0, start), min(self.frames, stop)
        if stop <= start:
            return np.zeros((0, self.channels), dtype=np.float32)
        return self._read(start, stop - start)

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __enter__(self) -> DecodedPiece:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_piece(path: str | os.PathLike, *, sample_rate: int = SAMPLE_RATE, channels: int = CHANNELS,
               max_frames: int | None = None, folder: str | None = None) -> DecodedPiece:
    """``path`` decoded for reading in windows, in bounded memory: the same samples :func:`decode` gives.

    A plain WAV at ``sample_rate`` is read where it lies; anything else is decoded once by ffmpeg into a
    raw float32 temporary file in ``folder`` (the first ``max_frames`` frames when given). Raises
    :class:`DecodeError` naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise DecodeError(f"the audio file {not_a_file(path)}", path)
    layout = _plain_wav_layout(path)
    if layout is not None:
        kind, bits, ch, rate, _offset, nbytes = layout
        if rate == sample_rate and ch == channels and (kind, bits) in _DIRECT:
            frames = nbytes // (bits // 8 * ch)
            if frames == 0:
                raise DecodeError("no audio decoded (empty or not an audio file)", path)

            def read_wav(start: int, count: int) -> np.ndarray:
                got = _read_plain_wav(path, sample_rate, channels, start, count)
                return got if got is not None else decode(path, sample_rate=sample_rate, channels=channels,
                                                          start_frame=start, max_frames=count)

            return DecodedPiece(path, frames, channels, read_wav)
    fh = spill_file(folder)
    try:
        frames = _decode_to_file(path, fh, sample_rate, channels, max_frames)
    except BaseException:
        fh.close()
        raise
    frame_bytes = 4 * channels

    def read_raw(start: int, count: int) -> np.ndarray:
        fh.seek(start * frame_bytes)
        return np.fromfile(fh, dtype="<f4", count=count * channels).reshape(-1, channels)

    return DecodedPiece(path, frames, channels, read_raw, fh.close)


def _decode_to_file(path: Path, fh: BinaryIO, sample_rate: int, channels: int,
                    max_frames: int | None) -> int:
    """Decode ``path`` through ffmpeg as raw float32 into ``fh``, block by block; the frames written."""
    cmd = [
        ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error",
        "-i", str(path), "-map", "0:a:0", "-vn",
        "-f", "f32le", "-acodec", "pcm_f32le", "-ac", str(channels), "-ar", str(sample_rate), "pipe:1",
    ]
    frame_bytes = 4 * channels
    limit = None if max_frames is None else max(0, int(max_frames)) * frame_bytes
    buf = bytearray(_BLOCK_FRAMES * frame_bytes)
    got = 0
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        stopped_early = limit is not None and limit == 0
        while not stopped_early:
            want = len(buf) if limit is None else min(len(buf), limit - got)
            n = proc.stdout.readinto(memoryview(buf)[:want])
            if not n:
                break
            fh.write(memoryview(buf)[:n])
            got += n
            if limit is not None and got >= limit:
                stopped_early = True
        _finish(proc, stopped_early, path)
    fh.flush()
    if got < frame_bytes:
        raise DecodeError("no audio decoded (empty or not an audio file)", path)
    return got // frame_bytes


_WAV_CODES = {1: "pcm", 3: "float"}
_DIRECT = {("pcm", 16), ("pcm", 24), ("pcm", 32), ("float", 32)}  # read without ffmpeg


def _finish(proc: subprocess.Popen, stopped_early: bool, path: Path) -> None:
    """End an ffmpeg decode: stop it when we read all we wanted, else a failed run is a :class:`DecodeError`."""
    if stopped_early:
        proc.kill()
    _, err = proc.communicate()
    if not stopped_early and proc.returncode != 0:
        message = " ".join(err.decode(errors="replace").split())[:300] or f"ffmpeg exit {proc.returncode}"
        raise DecodeError(f"cannot decode audio: {message}", path)


def _plain_wav_layout(path: Path) -> tuple[str, int, int, int, int, int] | None:
    """(kind, bits, channels, rate, data offset, data bytes) of a plain RIFF WAV, or None for anything else."""
    try:
        with open(path, "rb") as fh:
            size = path.stat().st_size
            fmt = None
            for cid, n, at in wave_chunks(fh):
                if cid == b"fmt ":
                    body = fh.read(n)
                    if len(body) < 16:
                        return None
                    tag, ch, rate, _bps, align, bits = struct.unpack("<HHIIHH", body[:16])
                    if tag == 0xFFFE and len(body) >= 26:  # WAVE_FORMAT_EXTENSIBLE: the sub-format's code
                        tag = struct.unpack("<H", body[24:26])[0]
                    if tag not in _WAV_CODES or align != ch * bits // 8 or ch < 1:
                        return None
                    fmt = (_WAV_CODES[tag], bits, ch, rate)
                elif cid == b"data":
                    return None if fmt is None else (*fmt, at, min(n, size - at))
            return None
    except OSError:
        return None


def _read_plain_wav(path: Path, sample_rate: int, channels: int, start_frame: int, max_frames: int | None) -> np.ndarray | None:
    """Samples of a plain PCM or float WAV already at ``sample_rate`` with ``channels``, read directly; else None.

    Sample values are converted exactly as ffmpeg converts them to float (integer / 2^(bits-1)), so the
    result equals the ffmpeg path's, without a process per read nor decoding the part before ``start_frame``.
    """
    layout = _plain_wav_layout(path)
    if layout is None:
        return None
    kind, bits, ch, rate, offset, nbytes = layout
    if rate != sample_rate or ch != channels or (kind, bits) not in _DIRECT:
        return None
    width = bits // 8 * ch
    total = nbytes // width
    first = min(max(0, int(start_frame)), total)
    count = total - first if max_frames is None else min(total - first, max(0, int(max_frames)))
    if count == 0 and int(start_frame) <= 0:
        raise DecodeError("no audio decoded (empty or not an audio file)", path)
    out = np.empty((count, ch), dtype=np.float32)
    step = _BLOCK_FRAMES * 4
    with open(path, "rb") as fh:
        fh.seek(offset + first * width)
        for i in range(0, count, step):
            n = min(step, count - i)
            raw = fh.read(n * width)
            if len(raw) < n * width:
                return None  # shorter than its header says: ffmpeg decides
            if kind == "float":
                out[i : i + n] = np.frombuffer(raw, dtype="<f4").reshape(n, ch)
            elif bits == 16:
                np.multiply(np.frombuffer(raw, dtype="<i2").reshape(n, ch), np.float32(1 / (1 << 15)), out=out[i : i + n], casting="unsafe")
            elif bits == 32:
                np.multiply(np.frombuffer(raw, dtype="<i4").reshape(n, ch).astype(np.float32), np.float32(1 / (1 << 31)), out=out[i : i + n])
            else:
                b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
                word = np.zeros((len(b), 4), dtype=np.uint8)
                word[:, 1:] = b  # the 24 bits as the top of an int32, as ffmpeg widens them
                np.multiply(word.view("<i4").reshape(n, ch).astype(np.float32), np.float32(1 / (1 << 31)), out=out[i : i + n])
    return out


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


def decode_segment(path: str | os.PathLike, *, sample_rate: int = SAMPLE_RATE, channels: int = CHANNELS):
    """Decode ``path`` to a pydub ``AudioSegment`` without ffprobe (see module docstring)."""
    return to_segment(decode(path, sample_rate=sample_rate, channels=channels), sample_rate)
