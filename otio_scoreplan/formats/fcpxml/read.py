"""FCPXML from Final Cut Pro and Resolve (``.fcpxml`` files and ``.fcpxmld`` bundles).

The OTIO ``fcpx_xml`` adapter is not used: on the corpus it truncates NTSC rates (23.976 -> 23),
crashes on compound clips and FCPXML 1.2, silently reads nothing from spines holding titles,
auditions, multicam or compound clips, drops marker notes and to-do/chapter kinds and ignores
``media-rep`` (see corpus/PROVENANCE.md). We build the OTIO timeline from the XML ourselves
(:mod:`.fcpxml_build`), following Apple's DTDs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
from lxml import etree
from opentimelineio import opentime

from ... import timecode as tc
from ...errors import InputError, RateError, SequenceChoiceError
from .. import ReadOptions, Source, read_bytes
from ..common import ensure_read_info, make_source
from ..safexml import parse_xml
from .build import SequenceBuilder
from .document import Resources
from .timing import ZERO, attr_time, rate_of_format

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SequenceCandidate:
    """A sequence the file offers: a project's, or (for a browser export) a compound clip's."""

    name: str
    sequence: etree._Element
    what: str  # "project" | "compound clip"


def document_path(path: Path) -> Path:
    """The XML file inside a ``.fcpxmld`` bundle, or ``path`` itself."""
    if path.is_dir():
        inner = path / "Info.fcpxml"
        if not inner.is_file():
            raise InputError("the .fcpxmld bundle holds no Info.fcpxml", path)
        return inner
    return path


def read(path: Path, options: ReadOptions) -> Source:
    """Read the chosen sequence of an FCPXML document into a :class:`Source`."""
    data = read_bytes(document_path(path))
    tree = parse_xml(data, path)
    root = tree.getroot()
    if root.tag != "fcpxml":
        raise InputError(f"not an FCPXML file: the root element is <{root.tag}>", path)
    chosen = choose_sequence(root, path, options.sequence)
    res = Resources(root, path)
    seq = chosen.sequence
    rate = sequence_rate(seq, res, path, options.rate)
    otio_rate = tc.snap_rate(rate)
    builder = SequenceBuilder(res, rate, otio_rate)
    stack = builder.build(seq)
    duration = attr_time(seq, "duration", path)
    if duration is None:
        duration = Fraction(stack.duration().to_seconds()).limit_denominator(10**9)
    stack.source_range = opentime.TimeRange(opentime.RationalTime(0, otio_rate), opentime.RationalTime(float(duration * rate), otio_rate))
    tc_start = attr_time(seq, "tcStart", path, ZERO)
    timeline = otio.schema.Timeline(
        name=chosen.name,
        global_start_time=opentime.RationalTime(float(tc_start * rate), otio_rate),
    )
    timeline.tracks = stack
    stack.name = chosen.name
    info = ensure_read_info(timeline)
    info.update({"fcpxml_version": root.get("version") or "", "sequence_of": chosen.what, "markers": builder.markers})
    warnings = []
    if chosen.what != "project":
        warnings.append(f"the file holds no project; read the {chosen.what} {chosen.name!r} as the sequence")
    warnings.extend(f"marker {what} states no start: left out" for what in builder.unreadable)
    drop = (seq.get("tcFormat") or "").upper() == "DF"
    log.debug("%s: %s %r, %d markers", path, chosen.what, chosen.name, builder.markers)
    return make_source(
        path, "fcpxml", timeline, options, rate=otio_rate, drop_frame=drop,
        application=application(root), document=tree, element=seq, warnings=warnings,
    )


def sequence_rate(seq: etree._Element, res: Resources, path: Path, given: float | None) -> Fraction:
    """The sequence's exact frame rate from its format's ``frameDuration`` (``--rate`` only where it has none;
    a ``--rate`` that contradicts it is refused by ``make_source``)."""
    fmt = res.get(seq.get("format"))
    rate = rate_of_format(fmt, path)
    if rate is None and given:
        return Fraction(given).limit_denominator(1001) if tc.is_ntsc(given) else Fraction(round(given * 1000), 1000)
    if rate is None:
        name = fmt.get("name") if fmt is not None else seq.get("format")
        raise RateError(f"the sequence's format {name!r} has no frameDuration; pass --rate", path)
    return rate


def sequence_candidates(root: etree._Element) -> list[SequenceCandidate]:
    """The sequences a user can mean: every project; failing that, top-level compound clips."""
    found = []
    for project in root.iter("project"):
        seq = project.find("sequence")
        if seq is not None:
            found.append(SequenceCandidate(project.get("name") or "", seq, "project"))
    if found:
        return found
    ids = {el.get("id"): el for el in root.iter("media") if el.get("id")}
    for ref in _browser_items(root, "ref-clip"):
        media = ids.get(ref.get("ref"))
        seq = media.find("sequence") if media is not None else None
        if seq is not None:
            found.append(SequenceCandidate(ref.get("name") or media.get("name") or "", seq, "compound clip"))
    return found


def _browser_items(root: etree._Element, tag: str) -> list[etree._Element]:
    """Items exported from the browser: children of the root, of events, and of 1.0-1.2 projects."""
    parents = [root] + list(root.iter("event")) + [p for p in root.iter("project") if p.find("sequence") is None]
    return [c for p in parents for c in p if c.tag == tag]


def choose_sequence(root: etree._Element, path: Path, wanted: str | None) -> SequenceCandidate:
    """The sequence named ``wanted``, else the only one; a listing error otherwise."""
    found = sequence_candidates(root)
    if not found:
        clips = sum(len(_browser_items(root, t)) for t in ("clip", "asset-clip", "mc-clip", "sync-clip", "audition", "ref-clip"))
        what = f"an event export of {clips} clip(s)" if clips else "no project"
        raise InputError(f"the file holds no sequence: it is {what}, with no project timeline; export the project instead", path)
    names = ", ".join(repr(c.name) for c in found)
    if wanted is not None:
        named = [c for c in found if c.name == wanted]
        if not named:
            raise SequenceChoiceError(f"no sequence named {wanted!r}; the file holds: {names}", path)
        return named[0]
    if len(found) > 1:
        raise SequenceChoiceError(f"the file holds {len(found)} sequences; choose one with --sequence: {names}", path)
    return found[0]


def application(root: etree._Element) -> str:
    """``resolve`` or ``fcpx`` from the writer's fingerprints (see corpus/PROVENANCE.md)."""
    names = [el.get("name") or "" for el in root.iter("event", "project")]
    if any(n.endswith("(Resolve)") for n in names):
        return "resolve"
    if any(el.get("uid") or el.get("modDate") for el in root.iter("library", "event", "project", "media")):
        return "fcpx"
    if any((md.get("key") or "").startswith("com.apple.proapps") for md in root.iter("md")):
        return "fcpx"
    return "unknown"
