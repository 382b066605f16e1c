"""Broadcast Wave files: 24-bit PCM WAV with a ``bext`` chunk whose TimeReference spots the file to time.

The writer streams: samples are written block by block and the chunk sizes are patched on close, so a
two-hour mix never sits in memory. TimeReference is the sample count since midnight of the file's first
sample (EBU Tech 3285); we write bext version 2 with the measured loudness when it is known.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np

from ..errors import ScorePlanError
from . import CHANNELS, SAMPLE_RATE

log = logging.getLogger(__name__)

_BEXT_FIXED = 602  # bytes of the bext chunk before CodingHistory
_RIFF_LIMIT = 0xFFFFFFFF
_WRITE_FRAMES = 1 << 16  # frames converted to 24-bit at a time


@dataclass(frozen=True)
class Bext:
    """The fields of a bext chunk we write (and read back)."""

    time_reference: int = 0  # samples since midnight of the first sample
    description: str = ""
    originator: str = "otio-scoreplan"
    originator_reference: str = ""
    origination_date: str = ""  # yyyy-mm-dd (empty: see ``dated``)
    origination_time: str = ""  # hh:mm:ss (empty: see ``dated``)
    loudness_lufs: float | None = None
    max_true_peak_db: float | None = None
    coding_history: str = ""
    # True: an empty OriginationDate/Time is stamped with SOURCE_DATE_EPOCH's time, else now (UTC). False (the
    # default): left blank, so the same plan renders the same bytes (two renders of one plan are identical)
    dated: bool = False


def _fixed(text: str, size: int) -> bytes:
    return text.encode("ascii", errors="replace")[:size].ljust(size, b"\0")


def _loudness_word(value: float | None) -> int:
    """bext v2 loudness fields are int16 in 0.01 units; 0x7FFF marks 'not measured'."""
    if value is None or not np.isfinite(value):
        return 0x7FFF
    return int(max(-32767, min(32766, round(value * 100))))


def bext_chunk(bext: Bext) -> bytes:
    """The bytes of a ``bext`` chunk, header included, padded to an even length."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    now = (_dt.datetime.fromtimestamp(int(epoch), _dt.UTC) if epoch.isdigit() else _dt.datetime.now(_dt.UTC))
    date = bext.origination_date or (now.strftime("%Y-%m-%d") if bext.dated else "")
    time = bext.origination_time or (now.strftime("%H:%M:%S") if bext.dated else "")
    ref = int(bext.time_reference)
    if ref < 0:
        raise ValueError(f"time reference {ref} is negative")
    body = b"".join([
        _fixed(bext.description, 256),
        _fixed(bext.originator, 32),
        _fixed(bext.originator_reference, 32),
        _fixed(date, 10),
        _fixed(time, 8),
        struct.pack("<IIH", ref & 0xFFFFFFFF, ref >> 32, 2),
        b"\0" * 64,  # UMID
        struct.pack("<hhhhh", _loudness_word(bext.loudness_lufs), 0x7FFF, _loudness_word(bext.max_true_peak_db), 0x7FFF, 0x7FFF),
        b"\0" * 180,
        bext.coding_history.encode("ascii", errors="replace"),
    ])
    assert len(body) >= _BEXT_FIXED
    if len(body) % 2:
        body += b"\0"
    return b"bext" + struct.pack("<I", len(body)) + body


def to_pcm24(samples: np.ndarray) -> bytes:
    """float samples in [-1, 1] as little-endian 24-bit PCM bytes (clipped, rounded to nearest, halves to even)."""
    scaled = np.clip(samples, -1.0, 1.0).astype(np.float64).reshape(-1)
    scaled *= 8388607.0
    np.rint(scaled, out=scaled)
    word = scaled.astype("<i4").view(np.uint8).reshape(-1, 4)
    out = np.empty(3 * len(word), dtype=np.uint8)
    for i in range(3):  # three byte planes: faster than copying 3-byte strides
        out[i::3] = word[:, i]
    return out.tobytes()


class BwfWriter:
    """Write a 24-bit PCM Broadcast Wave file block by block (use as a context manager)."""

    def __init__(
        self, path: str | os.PathLike, bext: Bext | None = None, *, sample_rate: int = SAMPLE_RATE, channels: int = CHANNELS
    ) -> None:
        self.path = Path(path)
        self.sample_rate = sample_rate
        self.channels = channels
        self.frames = 0
        self._fh = open(self.path, "wb")
        fmt = struct.pack("<HHIIHH", 1, channels, sample_rate, sample_rate * channels * 3, channels * 3, 24)
        self._fh.write(b"RIFF\0\0\0\0WAVE")
        if bext is not None:
            self._fh.write(bext_chunk(bext))
        self._fh.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt)
        self._fh.write(b"data\0\0\0\0")
        self._data_start = self._fh.tell()

    def write(self, samples: np.ndarray) -> None:
        """Append float samples shaped ``(frames, channels)``."""
        if samples.ndim != 2 or samples.shape[1] != self.channels:
            raise ValueError(f"expected (frames, {self.channels}) samples, got {samples.shape}")
        if self._data_start + (self.frames + len(samples)) * 3 * self.channels > _RIFF_LIMIT - 8:
            raise ScorePlanError("the WAV file would pass 4 GiB; render a shorter range", self.path)
        for i in range(0, len(samples), _WRITE_FRAMES):  # bounded temporaries whatever the block size
            self._fh.write(to_pcm24(samples[i : i + _WRITE_FRAMES]))
        self.frames += len(samples)

    def close(self) -> None:
        """Pad the data chunk and write the RIFF and data sizes."""
        if self._fh.closed:
            return
        data_bytes = self.frames * 3 * self.channels
        if data_bytes % 2:
            self._fh.write(b"\0")
        end = self._fh.tell()
        self._fh.seek(4)
        self._fh.write(struct.pack("<I", end - 8))
        self._fh.seek(self._data_start - 4)
        self._fh.write(struct.pack("<I", data_bytes))
        self._fh.close()

    def __enter__(self) -> BwfWriter:
        return self

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
        if exc_type is not None:
            self.path.unlink(missing_ok=True)


def write_bwf(path: str | os.PathLike, samples: np.ndarray, bext: Bext | None = None, *, sample_rate: int = SAMPLE_RATE) -> Path:
    """Write ``samples`` to a 24-bit Broadcast Wave file in one call."""
    with BwfWriter(path, bext, sample_rate=sample_rate, channels=samples.shape[1]) as w:
        w.write(samples)
    return Path(path)


def _chunks(path: Path) -> dict[bytes, tuple[int, int]]:
    """Offsets and sizes of a RIFF file's top-level chunks."""
    out: dict[bytes, tuple[int, int]] = {}
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise ScorePlanError("not a RIFF WAVE file", path)
        while True:
            h = fh.read(8)
            if len(h) < 8:
                break
            cid, size = h[:4], struct.unpack("<I", h[4:])[0]
            out.setdefault(cid, (fh.tell(), size))
            fh.seek(size + (size % 2), 1)
    return out


def read_bext(path: str | os.PathLike) -> Bext | None:
    """The bext chunk of a WAV file, or None when it has none."""
    path = Path(path)
    where = _chunks(path).get(b"bext")
    if where is None:
        return None
    with open(path, "rb") as fh:
        fh.seek(where[0])
        body = fh.read(where[1])
    text = lambda a, b: body[a:b].split(b"\0", 1)[0].decode("ascii", errors="replace")  # noqa: E731
    low, high, _version = struct.unpack("<IIH", body[338:348])
    loud, _lra, peak = struct.unpack("<hhh", body[412:418])
    return Bext(
        time_reference=low | (high << 32),
        description=text(0, 256),
        originator=text(256, 288),
        originator_reference=text(288, 320),
        origination_date=text(320, 330),
        origination_time=text(330, 338),
        loudness_lufs=None if loud == 0x7FFF else loud / 100.0,
        max_true_peak_db=None if peak == 0x7FFF else peak / 100.0,
        coding_history=body[_BEXT_FIXED:].split(b"\0", 1)[0].decode("ascii", errors="replace"),
    )


def wav_format(path: str | os.PathLike) -> tuple[int, int, int, int]:
    """(sample_rate, channels, bits, frames) of a PCM WAV file."""
    path = Path(path)
    chunks = _chunks(path)
    if b"fmt " not in chunks or b"data" not in chunks:
        raise ScorePlanError("WAV file without fmt or data chunk", path)
    with open(path, "rb") as fh:
        fh.seek(chunks[b"fmt "][0])
        _tag, channels, rate, _bps, align, bits = struct.unpack("<HHIIHH", fh.read(16))
    return rate, channels, bits, chunks[b"data"][1] // align
