"""Helpers shared by the format readers."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import opentimelineio as otio

from .. import TAG
from .. import timecode as tc
from ..errors import InputError, RateError
from . import ReadOptions, Source

log = logging.getLogger(__name__)


def call_adapter(path: Path, fn: Callable[[], Any], what: str) -> Any:
    """Run an OTIO adapter call, turning its exceptions into a one-line :class:`InputError`."""
    try:
        return fn()
    except InputError:
        raise
    except RecursionError:
        raise InputError(f"{what}: the document nests too deeply", path) from None
    except MemoryError:
        raise InputError(f"{what}: the document is too large to read", path) from None
    except Exception as exc:  # adapters raise anything from KeyError to AttributeError on bad input
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise InputError(f"{what} failed: {type(exc).__name__}: {detail}", path) from None


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (it is turned back on after, if it was on).

    Building a long timeline makes hundreds of thousands of objects that all live on, and the
    collector walks them all again and again as they pile up (100,000 EDL events: 0.85 s of 5 s).
    Reference counting still frees what dies; only cycles wait until the block ends.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def timeline_rate(timeline: otio.schema.Timeline) -> float:
    """The rate a timeline counts its frames in, as OTIO read it."""
    gst = timeline.global_start_time
    if gst is not None and gst.rate > 0:
        return gst.rate
    for clip in timeline.find_clips():
        if clip.source_range is not None and clip.source_range.duration.rate > 0:
            return clip.source_range.duration.rate
    return timeline.duration().rate


def check_rate(rate: float, path: Path) -> float:
    """Refuse rates that cannot carry timecode; snap the rest to the standard rates."""
    if not rate or rate != rate or rate <= 0 or rate > 1000:
        raise RateError(f"the sequence's frame rate ({rate!r}) is not usable; pass --rate", path)
    snapped = tc.snap_rate(rate)
    if not otio.opentime.RationalTime.is_valid_timecode_rate(snapped):  # e.g. 1.0: an empty timeline's default
        raise RateError(f"the sequence's frame rate ({rate:g} fps) cannot carry SMPTE timecode; pass --rate", path)
    return snapped


def check_given_rate(given: float, own: float, path: Path) -> None:
    """Refuse a ``--rate`` that differs from the rate the file itself states."""
    if abs(tc.snap_rate(given) - tc.snap_rate(own)) > 1e-6:
        raise RateError(
            f"--rate {tc.rate_label(tc.snap_rate(given))} contradicts the file's own rate of "
            f"{tc.rate_label(tc.snap_rate(own))} fps (--rate is for files that carry no rate, such as EDLs): leave it out",
            path,
        )


def make_source(
    path: Path,
    fmt: str,
    timeline: otio.schema.Timeline,
    options: ReadOptions,
    *,
    rate: float | None = None,
    drop_frame: bool | None = None,
    application: str = "unknown",
    document: Any = None,
    element: Any = None,
    rate_assumed: bool = False,
    warnings: list[str] | None = None,
) -> Source:
    """Build a :class:`Source`, settling rate, drop frame and start timecode.

    ``rate`` is the rate the file states (None where it states none). ``--rate`` (``options.rate``)
    is for files that carry no rate: one that contradicts the file's own rate is refused, naming both.
    """
    own = rate or (timeline_rate(timeline) if fmt == "otio" else None)
    if options.rate and own and fmt != "edl":
        check_given_rate(options.rate, own, path)
    rate = check_rate(rate or options.rate or timeline_rate(timeline), path)  # (an EDL's rate already weighs --rate)
    if drop_frame is None:
        drop_frame = tc.supports_drop_frame(rate) and bool(timeline.metadata.get("drop_frame", False))
    drop_frame = bool(drop_frame) and tc.supports_drop_frame(rate)
    gst = timeline.global_start_time
    if gst is not None and not (gst.rate > 0 and abs(gst.value) < float("inf")):
        raise RateError(f"the start timecode has no usable frame rate ({gst.rate:g}); the file is damaged", path)
    start_frame = tc.frames_at(gst, rate) if gst is not None else 0
    if start_frame < 0:
        raise InputError(f"negative start timecode ({start_frame} frames)", path)
    return Source(
        path=path,
        format=fmt,
        timeline=timeline,
        rate=rate,
        drop_frame=drop_frame,
        start_frame=start_frame,
        application=application,
        rate_assumed=rate_assumed,
        document=document,
        element=element,
        warnings=list(warnings or []),
    )


def chosen_element(source: Source, copy: Any) -> Any:
    """In ``copy`` (a deep copy of ``source.document``), the element the reader chose (``source.element``), found
    by its path in the document; None when the reader kept none (a Source made by hand)."""
    element = source.element
    if element is None or source.document is None:
        return None
    found = copy.xpath(source.document.getpath(element))
    return found[0] if found else None


def ensure_read_info(marker_or_item: Any) -> dict:
    """The ``metadata["scoreplan"]["read"]`` dict of an OTIO object, created when missing."""
    meta = marker_or_item.metadata
    if TAG not in meta:
        meta[TAG] = {}
    ns = meta[TAG]
    if "read" not in ns:
        ns["read"] = {}
    return ns["read"]
