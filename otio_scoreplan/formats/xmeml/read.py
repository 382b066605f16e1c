"""FCP7 XML (xmeml) as Premiere Pro, Resolve, Final Cut Pro 7 and others export it.

The chosen ``<sequence>`` is built into an OTIO timeline straight from the lxml tree (``xmeml_build``:
the fcp_xml adapter's reading, without its cost and with nested sequences, disabled items and id
references read right), then completed from the XML (see ``xmeml_markers`` and ``xmeml_items``):
every marker once, in the right place, with its comment and true colour; clip notes; the sequence's
rate, start timecode and drop frame as the file states them; the application that wrote the file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import opentimelineio as otio
from lxml import etree
from opentimelineio import opentime

from ... import OUR_TOKEN, TAG
from ...colors import PREMIERE_DEFAULT
from ...errors import InputError
from .. import ReadOptions, Source, read_bytes
from ..common import ensure_read_info, make_source
from ..safexml import parse_xml
from .build import Built, SequenceBuilder, choose_xmeml_sequence
from .items import Pairing, clip_facts, level_points
from .markers import Landing, SequenceMarkers, marker_color, repair_text
from .timing import sequence_timing
from .values import lenient_number

log = logging.getLogger(__name__)

ZERO = opentime.RationalTime()


def read(path: Path, options: ReadOptions) -> Source:
    """Read an xmeml file; ``options.sequence`` picks one of several sequences."""
    data = read_bytes(path)
    tree = parse_xml(data, path)
    root = tree.getroot()
    if root.tag != "xmeml":
        raise InputError(f"not an FCP7 XML (xmeml) file: the root element is <{root.tag}>", path)
    deref = _dereferencer(root)
    sequence = choose_xmeml_sequence(root, deref, path, options.sequence)
    app = application(tree)
    warnings: list[str] = []
    rate, drop_frame, start_frame = sequence_timing(sequence, path, warnings)
    try:
        built = SequenceBuilder(path, deref).timeline(sequence)
    except RecursionError:
        raise InputError("reading FCP7 XML: the document nests too deeply", path) from None
    timeline = built.timeline
    warnings.extend(built.warnings)
    if rate > 0:
        timeline.global_start_time = opentime.RationalTime(start_frame, rate)
    _clip_facts(built.pairing, times=built.times)
    for inner, stack in built.nested:
        _clip_facts(inner, stack.source_range, built.times)
    _place_markers(timeline, sequence, built, default_color(root, app), warnings)
    return make_source(path, "fcp7_xml", timeline, options, rate=rate or None, drop_frame=drop_frame,
                       application=app, document=tree, element=sequence, warnings=warnings)


# -- the sequence ---------------------------------------------------------------------------
def _dereferencer(root: etree._Element) -> Callable[[etree._Element | None], etree._Element | None]:
    """Resolve ``<tag id="x"/>`` references to the first element with that tag and id that has content
    (each tag's elements are indexed the first time a reference to one is met)."""
    full: dict[str, dict[str, etree._Element]] = {}

    def deref(el: etree._Element | None) -> etree._Element | None:
        if el is None or len(el):
            return el
        ref = el.get("id")
        if not ref:
            return el
        index = full.get(el.tag)
        if index is None:
            index = full[el.tag] = {}
            for found in root.iter(el.tag):
                if len(found):
                    index.setdefault(found.get("id"), found)
        return index.get(ref, el)

    return deref


def application(tree: etree._ElementTree) -> str:
    """Which application wrote this xmeml (fingerprints from corpus/PROVENANCE.md)."""
    root = tree.getroot()
    for node in root.itersiblings(preceding=True):
        if isinstance(node, etree._Comment) and "lightworks" in (node.text or "").lower():
            return "lightworks"
    seq = root.find(".//sequence")
    if seq is None:
        return "unknown"
    if any(k.startswith(("MZ.", "TL.")) for k in seq.attrib):
        return "premiere"
    if seq.find("uuid") is not None or seq.find("updatebehavior") is not None:
        return "fcp7"
    name = (seq.findtext("name") or "").strip()
    first_rate = seq.find("rate")
    timebase_first = first_rate is not None and len(first_rate) and first_rate[0].tag == "timebase"
    if name.endswith("(Resolve)") or (root.get("version") == "5" and timebase_first):
        return "resolve"
    if root.get("version") in ("1", "2", "3") or "Final Cut Pro" in (root.findtext(".//appname") or ""):
        return "fcp7"  # xmeml 1-3 come from Final Cut Pro 4.5-6 only
    timecode = seq.find("timecode")
    if timecode is not None and len(timecode) and timecode[-1].tag == "string" and timecode.find("displayformat") is not None:
        return "hiero"  # Hiero/Nuke Studio writes <frame>, <displayformat>, then <string>, and float in/out
    return "unknown"


# -- markers --------------------------------------------------------------------------------
def default_color(root: etree._Element, app: str) -> str:
    """The colour of a marker that states none: Premiere omits its default, green, once it writes colours."""
    if app == "premiere" and root.find(".//marker/pproColor") is not None:
        return PREMIERE_DEFAULT
    return ""


def _place_markers(
    timeline: otio.schema.Timeline, sequence: etree._Element, built: Built, fallback_color: str, warnings: list[str]
) -> None:
    """Put every marker of the file on the timeline, once each, where it belongs (the builder made none).

    A marker whose frame (``<in>``) is missing or unreadable is left out with a warning naming it (it
    would otherwise sit at frame 0 of its clip or sequence, a place nobody put it).
    """
    pairing = built.pairing
    finder = SequenceMarkers(sequence, built.times)
    seen: set[tuple] = set()
    unreadable = [m for m in finder.markers() if lenient_number(m.findtext("in"), None) is None]
    for m in unreadable:
        name = repair_text(m.findtext("name") or "")
        warnings.append(f"marker {name!r} (line {m.sourceline}) has no readable frame "
                        f"(<in>{(m.findtext('in') or '').strip()[:20]}</in>): left out")
    skip = set(unreadable)
    for landing in finder.landings():
        if landing.marker in skip:
            continue
        host = pairing.otio_item(landing.host) if landing.host is not None else None
        copy = _master_clip_key(landing, finder)
        linked = copy is not None and copy in seen
        seen.add(copy)
        if landing.host is None:
            timeline.tracks.markers.append(_marker(landing, landing.time, fallback_color, linked=linked))
        elif isinstance(host, otio.schema.Clip):
            start = (built.media_starts.get(landing.host, ZERO) + landing.time).rescaled_to(landing.time.rate)
            host.markers.append(_marker(landing, start, fallback_color, linked=linked))
        elif isinstance(host, otio.schema.Stack):
            host.markers.append(_marker(landing, landing.time, fallback_color, linked=linked))
        else:
            _place_on_track(timeline, landing, pairing, finder, fallback_color, linked)


def _master_clip_key(landing: Landing, finder: SequenceMarkers) -> tuple | None:
    """Premiere repeats a master clip's markers on every clipitem of it (the picture and each audio
    channel): the same marker, master clip and record frame mean a linked copy."""
    parent = landing.marker.getparent()
    if parent is None or parent.tag not in ("clipitem", "generatoritem"):
        return None
    master = parent.findtext("masterclipid") or (parent.find("file").get("id") if parent.find("file") is not None else None)
    if not master:
        return None
    m = landing.marker
    return (master, m.findtext("in"), m.findtext("name"), m.findtext("comment"), finder.frame(landing.record))


def _place_on_track(timeline: otio.schema.Timeline, landing: Landing, pairing: Pairing, finder: SequenceMarkers,
                    fallback_color: str, linked: bool) -> None:
    """A marker on an item the adapter did not read (a stereo pair's second channel): on the track, at record time."""
    item = landing.host
    track_el = item.getparent()
    track = pairing.stands_for.get(track_el)
    at = landing.record if landing.record is not None else landing.time
    label = pairing.labels.get(track_el, "")
    channel = int(lenient_number(track_el.get("currentExplodedTrackIndex"), 0)) + 1
    name = (item.findtext("name") or "").strip()
    origin = f"clip marker on {label or 'a track'} channel {channel}: {name!r}"
    marker = _marker(landing, at.rescaled_to(finder.seq_rate), fallback_color, origin, linked)
    (track.markers if track is not None else timeline.tracks.markers).append(marker)


def _marker(
    landing: Landing, start: opentime.RationalTime, fallback_color: str, origin: str = "", linked: bool = False
) -> otio.schema.Marker:
    """An OTIO marker for ``landing`` at ``start`` in its host's time; its metadata is built in one go (it is slow to edit)."""
    el = landing.marker
    raw_name = el.findtext("name") or ""
    raw_comment = el.findtext("comment") or ""
    name, comment = repair_text(raw_name), repair_text(raw_comment)
    m_in, m_out = lenient_number(el.findtext("in")), lenient_number(el.findtext("out"), -1.0)
    duration = opentime.RationalTime(m_out - m_in if m_out > m_in else 0.0, landing.time.rate).rescaled_to(start.rate)
    color = marker_color(el)
    info: dict[str, Any] = {"kind": "marker", "color": color or fallback_color}
    if origin:
        info["origin"] = origin
    if (name, comment) != (raw_name, raw_comment):
        info["text_repaired"] = True
    if not landing.visible:
        info["unplaced"] = landing.reason or "not shown in the cut"
    if landing.via:
        info["nested_in"] = " > ".join(landing.via)
    if linked:
        info["linked_copy"] = True  # the same master-clip marker on a linked item (picture/other channel)
    if landing.also_at:
        info["also_at_frames"] = ", ".join(str(f) for f in landing.also_at)  # a string: lists become AnyVector
    metadata: dict[str, Any] = {TAG: {"read": info, "added": True} if OUR_TOKEN in comment or OUR_TOKEN in name else {"read": info}}
    fcp = {c.tag: (c.text or "") for c in el if isinstance(c.tag, str) and c.tag not in ("in", "out", "name")}
    if fcp:
        metadata["fcp_xml"] = fcp
    marker = otio.schema.Marker(name=name, marked_range=opentime.TimeRange(start, duration), metadata=metadata)
    marker.comment = comment
    if color:
        marker.color = color
    return marker


# -- clips ----------------------------------------------------------------------------------
def _clip_facts(pairing: Pairing, shown: opentime.TimeRange | None = None, times: dict | None = None) -> None:
    """Clip notes, scene and take on the OTIO items; inside a nested sequence only on items its use shows. And an
    audio clip's level keyframes (``levels``: :func:`.items.level_points`), placed by its ``times``."""
    ranges: dict = {}  # track -> its children's ranges, taken once per track
    for el, item in pairing.items.items():
        if el.tag == "transitionitem":
            continue
        if shown is not None:
            track = item.parent()
            if track not in ranges:
                ranges[track] = track.range_of_all_children()
            r = ranges[track].get(item)
            if r is None or not r.overlaps(shown):
                continue
        facts = clip_facts(el)
        timing = (times or {}).get(el)
        if timing is not None and isinstance(item, otio.schema.Clip):
            levels = level_points(el, timing.offset.value_rescaled_to(timing.start.rate))
            if levels:
                facts["levels"] = levels
        if facts:
            ensure_read_info(item).update(facts)
