"""OpenTimelineIO's own files: ``.otio``, ``.otioz`` bundles and ``.otiod`` folders."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from .. import timecode as tc
from . import ReadOptions, Source, choose_timeline
from .common import call_adapter, make_source


def read(path: Path, options: ReadOptions) -> Source:
    """Read an OTIO file; its markers already carry name, comment and colour."""
    result = call_adapter(path, lambda: otio.adapters.read_from_file(str(path)), "reading OTIO")
    timeline = choose_timeline(result, path, options.sequence)
    return source_from_timeline(timeline, path, options)


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
