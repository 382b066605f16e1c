"""AAF from Avid Media Composer (and Premiere, Pro Tools)."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from ..errors import InputError
from . import ReadOptions, Source, choose_timeline, read_bytes
from .common import call_adapter, make_source

# An AAF is a Microsoft compound file (structured storage): it starts with this signature.
CFB_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")


def read(path: Path, options: ReadOptions) -> Source:
    if read_bytes(path, 8) != CFB_SIGNATURE:
        raise InputError("not an AAF file (no compound-file signature)", path)
    result = call_adapter(path, lambda: otio.adapters.read_from_file(str(path), adapter_name="AAF"), "reading AAF")
    timeline = choose_timeline(result, path, options.sequence)
    return make_source(path, "aaf", timeline, options, application="avid")
