"""Read an editor's timeline into a :class:`Source`: the OTIO timeline plus the original document.

Each format has its own module with a ``read(path, options) -> Source`` function. Those modules read
through OpenTimelineIO's adapters and repair, here in our reading layer, what the adapters get wrong
(see DESIGN.md, "Traps"), so that the analysis step can treat every format alike:

* every marker of the editor's sits on the OTIO timeline with ``name``, ``comment`` and ``color`` in
  the marker's own fields, and ``metadata["scoreplan"]["read"]`` telling its ``kind``, ``origin``
  and ``user`` where the format has them;
* ``timeline.global_start_time`` is the sequence's start timecode at the true sequence rate;
* ``Source.rate`` is the true rate (23.976 stays 23.976...).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import opentimelineio as otio

from ..errors import InputError, SequenceChoiceError, UnsupportedFormatError
from ..infile import check_input, os_problem, read_input_bytes


@dataclass
class ReadOptions:
    """What the caller may tell a reader."""

    rate: float | None = None  # frames per second, overrides what the file says (EDL needs it)
    sequence: str | None = None  # name of the sequence to read when a file holds several


@dataclass
class Source:
    """A timeline as read, with what is needed to write it back in its own format."""

    path: Path
    format: str  # fcp7_xml | fcpxml | edl | aaf | otio
    timeline: otio.schema.Timeline
    rate: float
    drop_frame: bool
    start_frame: int  # start timecode as an absolute frame count at ``rate``
    application: str = "unknown"
    rate_assumed: bool = False
    document: Any = None  # lxml tree (XML formats), text (EDL), None (AAF, OTIO)
    element: Any = None  # the element of ``document`` the reader chose (the xmeml or FCPXML <sequence>): the writer's
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.timeline.name or self.path.stem


# suffix -> format
SUFFIXES = {
    ".xml": "fcp7_xml",
    ".fcpxml": "fcpxml",
    ".fcpxmld": "fcpxml",
    ".edl": "edl",
    ".aaf": "aaf",
    ".otio": "otio",
    ".otioz": "otio",
    ".otiod": "otio",
}


# format -> the module (of this package) whose ``read(path, options)`` reads it
READERS = {"fcp7_xml": "xmeml", "fcpxml": "fcpxml", "edl": "edl", "aaf": "aaf", "otio": "otiofile"}  # format -> package


def detect_format(path: Path) -> str:
    """The format of ``path`` from its suffix (and, for ``.xml``, its root element)."""
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(SUFFIXES))
        raise UnsupportedFormatError(f"unknown timeline format {path.suffix or '(no suffix)'!r}; expected one of {known}", path)
    return fmt


def read_source(path: str | os.PathLike, options: ReadOptions | None = None) -> Source:
    """Read ``path`` as a timeline.

    Raises :class:`InputError` (a :class:`~otio_scoreplan.errors.ScorePlanError`) with a one-line
    message for anything that is not a readable timeline.
    """
    path = Path(path)
    options = options or ReadOptions()
    check_input(path, "timeline", folder_ok=True)  # a pipe, a device or a missing file is refused unopened
    fmt = detect_format(path)
    if path.is_dir() and fmt not in ("fcpxml", "otio"):
        raise InputError("is a folder, not a timeline file", path)
    reader = importlib.import_module(f"{__name__}.{READERS[fmt]}.read")  # only the format's own reader
    source = reader.read(path, options)
    _check_source(source)
    return source


# Largest timeline document read whole (XML, EDL, OTIO): a feature's FCP7 XML is tens of MB.
MAX_TIMELINE_BYTES = 2 * 1024 * 1024 * 1024


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The first ``limit`` bytes of the regular file ``path`` (all of it when None, refused beyond
    :data:`MAX_TIMELINE_BYTES`), as an :class:`InputError` naming it when unreadable."""
    if limit is None:
        return read_input_bytes(path, "timeline", MAX_TIMELINE_BYTES)
    check_input(path, "timeline")
    try:
        with open(path, "rb") as fh:
            return fh.read(limit)
    except OSError as exc:
        raise InputError(f"cannot read the timeline: {os_problem(exc)}", path) from None


def choose_timeline(result: Any, path: Path, wanted: str | None) -> otio.schema.Timeline:
    """Pick one timeline out of what an adapter returned (a Timeline or a collection of them)."""
    if isinstance(result, otio.schema.Timeline):
        timelines = [result]
    else:
        timelines = [t for t in result.find_children(descended_from_type=otio.schema.Timeline, shallow_search=False)] \
            if hasattr(result, "find_children") else []
        if not timelines and isinstance(result, otio.schema.SerializableCollection):
            timelines = [t for t in result if isinstance(t, otio.schema.Timeline)]
    if not timelines:
        raise InputError("the file holds no sequence (timeline)", path)
    if wanted is not None:
        named = [t for t in timelines if t.name == wanted]
        if not named:
            names = ", ".join(repr(t.name) for t in timelines)
            raise SequenceChoiceError(f"no sequence named {wanted!r}; the file holds: {names}", path)
        return named[0]
    if len(timelines) > 1:
        names = ", ".join(repr(t.name) for t in timelines)
        raise SequenceChoiceError(f"the file holds {len(timelines)} sequences; choose one with --sequence: {names}", path)
    return timelines[0]


# Longest sequence we plan for: a day of material is already far beyond any real cut.
MAX_SEQUENCE_HOURS = 48
_LIMIT_SECONDS = MAX_SEQUENCE_HOURS * 3600
_INF = float("inf")


def _check_source(source: Source) -> None:
    if source.rate <= 0:
        raise InputError("the sequence has no frame rate", source.path)
    problem = unusable_time(source.timeline)
    if problem:
        raise InputError(f"{problem}; the file is damaged", source.path)


def _time_problem(t: otio.opentime.RationalTime | None) -> str:
    if t is None:
        return ""
    rate, value = t.rate, t.value
    if not 0 < rate < float("inf") or value != value or abs(value) == float("inf"):
        return f"has an unusable time ({value:g} at rate {rate:g})"
    if abs(value / rate) > _LIMIT_SECONDS:
        return f"lies beyond {MAX_SEQUENCE_HOURS} hours ({value / rate / 3600:.3g} h)"
    return ""


def _named(obj: Any) -> str:
    name = getattr(obj, "name", "")
    return f"{type(obj).__name__.lower()} {name!r}" if name else type(obj).__name__.lower()


def _item_problem(obj: Any) -> str:
    rng = getattr(obj, "source_range", None)
    if rng is not None:
        problem = _time_problem(rng.start_time) or _time_problem(rng.duration)
        if problem or rng.duration.value < 0:
            return f"{_named(obj)} {problem or 'has a negative duration'}"
    if isinstance(obj, otio.schema.Transition):
        problem = _time_problem(obj.in_offset) or _time_problem(obj.out_offset)
        if problem:
            return f"{_named(obj)} {problem}"
    for m in getattr(obj, "markers", ()):
        problem = _time_problem(m.marked_range.start_time) or _time_problem(m.marked_range.duration)
        if problem:
            return f"marker {m.name!r} {problem}"
    return ""


def _fine(start: otio.opentime.RationalTime, duration: otio.opentime.RationalTime) -> bool:
    """True when :func:`_time_problem` finds nothing in either time and ``duration`` is not negative.

    The same arithmetic in one expression (NaN and infinities fail the comparisons), so that a usable
    object costs no description.
    """
    rate, length, start_rate = duration.rate, duration.value, start.rate
    return (
        0 < start_rate < _INF and 0 < rate < _INF
        and abs(start.value / start_rate) <= _LIMIT_SECONDS and 0 <= length / rate <= _LIMIT_SECONDS
    )


def unusable_time(timeline: otio.schema.Timeline) -> str:
    """What makes the timeline's times unusable (a rate of 0, an infinite or absurdly long time), or ''.

    Every item's source range, every transition's offsets and every marker's range is looked at. An
    object that passes :func:`_fine` costs a handful of attribute reads (100,000 clips: ~0.2 s, not the
    1.2 s of describing each one); only one that fails it is described, by :func:`_item_problem`.
    """
    problem = _time_problem(timeline.global_start_time)
    if problem:
        return f"the start timecode {problem}"
    transition = otio.schema.Transition
    for obj in (timeline.tracks, *timeline.tracks.find_children()):
        if isinstance(obj, transition):  # (no markers; a negative offset fails here and is allowed below)
            fine = _fine(obj.in_offset, obj.out_offset)
        else:
            rng = obj.source_range
            fine = rng is None or _fine(rng.start_time, rng.duration)
            if fine and obj.markers:
                fine = all(_fine(r.start_time, r.duration) for r in (m.marked_range for m in obj.markers))
        if not fine:
            problem = _item_problem(obj)
            if problem:
                return problem
    problem = _time_problem(timeline.duration())
    return f"the sequence's duration {problem}" if problem else ""
