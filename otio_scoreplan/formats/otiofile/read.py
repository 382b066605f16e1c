"""OpenTimelineIO's own files: ``.otio``, ``.otioz`` bundles and ``.otiod`` folders."""

from __future__ import annotations

import operator
import zipfile
from itertools import accumulate, count
from pathlib import Path

import opentimelineio as otio

from ... import timecode as tc
from ...errors import InputError
from .. import ReadOptions, Source, choose_timeline, read_bytes
from ..common import call_adapter, make_source


def read(path: Path, options: ReadOptions) -> Source:
    """Read an OTIO file; its markers already carry name, comment and colour."""
    if path.is_file():
        _check_json(_json_bytes(path), path)
    result = call_adapter(path, lambda: otio.adapters.read_from_file(str(path)), "reading OTIO")
    timeline = choose_timeline(result, path, options.sequence)
    return source_from_timeline(timeline, path, options)


# OTIO's C++ JSON reader recurses per nesting level and overflows the C stack (a crash, no exception)
# somewhere past 20,000 levels; a real timeline nests a few dozen.
MAX_JSON_DEPTH = 1000
MAX_JSON_BYTES = 2**30  # content of an .otioz, uncompressed
_NOT_QUOTE_OR_BRACKET = bytes(b for b in range(256) if b not in b'"[]{}')  # for bytes.translate(None, ...)
_OPEN_TWO = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")  # an opening bracket 2, a closing one 0


def _json_bytes(path: Path) -> bytes:
    """The JSON text of an .otio, or of an .otioz bundle's content.otio (read with a size cap)."""
    if path.suffix.lower() != ".otioz":
        return read_bytes(path)
    try:
        with zipfile.ZipFile(path) as z:
            if z.getinfo("content.otio").file_size > MAX_JSON_BYTES:  # zipfile reads no further than this size
                raise InputError(f"the bundle's content.otio is larger than {MAX_JSON_BYTES >> 20} MB uncompressed", path)
            with z.open("content.otio") as fh:
                data = fh.read(MAX_JSON_BYTES + 1)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise InputError(f"not a readable OTIO bundle (.otioz): {type(exc).__name__}: {exc}", path) from None
    if len(data) > MAX_JSON_BYTES:
        raise InputError(f"the bundle's content.otio is larger than {MAX_JSON_BYTES >> 20} MB uncompressed", path)
    return data


def _check_json(data: bytes, path: Path) -> None:
    """Refuse, before OTIO sees them, bytes that are not UTF-8 (OTIO keeps them in names it cannot
    write back) and nesting deep enough to crash OTIO's reader."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (an OTIO file is UTF-8 JSON): byte 0x{data[exc.start]:02x} at offset {exc.start}", path) from None
    depth = json_depth(data)
    if depth > MAX_JSON_DEPTH:
        raise InputError(f"the JSON nests {depth} levels deep (more than {MAX_JSON_DEPTH}); refusing to read it", path)


def json_depth(data: bytes) -> int:
    """How deep the brackets of JSON text nest, brackets inside strings not counted.

    No Python code runs per byte (35 MB in about 0.04 s): escaped backslashes and quotes are dropped
    (left to right, as JSON pairs them), then everything but quotes and brackets, then every two
    quotes with nothing left between them (strings without brackets; dropping a pair keeps every later
    quote's parity); what lies between a quote and the next is a string. Of the brackets left, an
    opening one counts 2 and a closing one 0, so the running sum less the position is the depth there.
    """
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    kept = data.translate(None, _NOT_QUOTE_OR_BRACKET).replace(b'""', b"")
    brackets = b"".join(kept.split(b'"')[::2]) if b'"' in kept else kept
    return max(map(operator.sub, accumulate(brackets.translate(_OPEN_TWO)), count(1)), default=0)


def source_from_timeline(timeline: otio.schema.Timeline, path: Path, options: ReadOptions) -> Source:
    """A :class:`Source` for an OTIO timeline already in memory (``path`` names it in messages)."""
    meta = timeline.metadata.get("scoreplan", {}) if hasattr(timeline.metadata, "get") else {}
    drop = None
    if hasattr(meta, "get") and "drop_frame" in meta:
        drop = bool(meta["drop_frame"])
    elif timeline.global_start_time is not None and tc.supports_drop_frame(tc.snap_rate(timeline.global_start_time.rate)):
        # OTIO stores no drop-frame flag; the editors' habit at 29.97/59.94 is drop frame
        # unless the file says otherwise (Resolve's export writes it in its metadata).
        resolve = timeline.metadata.get("Resolve_OTIO", {}) if hasattr(timeline.metadata, "get") else {}
        drop = bool(resolve.get("Drop Frame", False)) if hasattr(resolve, "get") else False
    return make_source(path, "otio", timeline, options, drop_frame=drop, application=_application(timeline))


def _application(timeline: otio.schema.Timeline) -> str:
    keys = set(timeline.metadata.keys()) if hasattr(timeline.metadata, "keys") else set()
    if "Resolve_OTIO" in keys:
        return "resolve"
    return "otio"
