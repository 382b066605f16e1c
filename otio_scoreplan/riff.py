"""The chunks of a RIFF/WAVE file, walked once for everyone who reads one (the decoder's plain-WAV fast path,
the BWF time reference the EDL companion needs). A neutral module: formats and audio both import it."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import BinaryIO


def wave_chunks(fh: BinaryIO) -> Iterator[tuple[bytes, int, int]]:
    """(chunk id, size, offset of its body) of each chunk of the RIFF/WAVE file open at its start in ``fh``;
    nothing when it is no RIFF/WAVE file. The caller may read a body: the walk seeks on to the next chunk
    (bodies are padded to even lengths) and stops at a chunk header cut short."""
    head = fh.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return
    at = 12
    while True:
        fh.seek(at)
        header = fh.read(8)
        if len(header) < 8:
            return
        size = struct.unpack("<I", header[4:])[0]
        yield header[:4], size, at + 8
        at += 8 + size + (size & 1)
