"""CMX 3600 EDLs from Avid, Resolve and Premiere."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from . import ReadOptions, Source, read_bytes
from .common import call_adapter, make_source

ASSUMED_RATE = 24.0


def decode(data: bytes) -> str:
    """EDL text: UTF-8 (byte-order mark dropped), else the Windows code page editors' PCs wrote."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read(path: Path, options: ReadOptions) -> Source:
    text = decode(read_bytes(path))
    rate = options.rate or ASSUMED_RATE
    timeline = call_adapter(
        path,
        lambda: otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=rate, ignore_timecode_mismatch=True),
        "reading EDL",
    )
    return make_source(path, "edl", timeline, options, rate=rate, document=text, rate_assumed=options.rate is None)
