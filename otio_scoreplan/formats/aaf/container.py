"""The compound file (Microsoft structured storage) an AAF lives in: is it whole?

A copy or download that stopped part way leaves a file whose allocation table (FAT) names sectors beyond its
end. pyaaf2 and the OTIO adapter then fail with whatever they hit first (``KeyError: 6``, ``IndexError: array
index out of range``); :func:`cut_short` says what happened in our words, from the header and the FAT alone.
"""

from __future__ import annotations

import struct
from pathlib import Path

FREE, END_OF_CHAIN, FAT_SECTOR, DIFAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC
HEADER_DIFAT_ENTRIES = 109  # FAT sector numbers kept in the header itself


def cut_short(path: Path) -> str:
    """Why the compound file at ``path`` is incomplete ('' when its FAT fits in it, or it cannot tell)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            header = fh.read(512)
            if len(header) < 512:
                return f"the AAF is cut short: {size} bytes, less than its 512-byte header"
            shift = struct.unpack_from("<H", header, 30)[0]
            if shift not in (9, 12):
                return ""
            sector = 1 << shift
            held = max(0, (size - sector) // sector) if size >= sector else 0  # whole sectors after the header
            fats = [n for n in struct.unpack_from(f"<{HEADER_DIFAT_ENTRIES}I", header, 76) if n < DIFAT_SECTOR]
            used = -1
            for n in fats:
                if n >= held:
                    return _said(n + 1, held, size)
                fh.seek((n + 1) * sector)
                table = fh.read(sector)
                entries = struct.unpack(f"<{len(table) // 4}I", table[: len(table) // 4 * 4])
                for i, value in enumerate(entries):
                    if value != FREE:
                        used = max(used, fats.index(n) * (sector // 4) + i)
            if used >= held:
                return _said(used + 1, held, size)
    except (OSError, struct.error):
        return ""
    return ""


def _said(needed: int, held: int, size: int) -> str:
    return (f"the AAF is cut short: its allocation table needs at least {needed} sectors, the file holds {held} "
            f"({size} bytes); a copy or download that stopped part way? copy it again")
