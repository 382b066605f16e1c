"""Pairing an xmeml sequence's tracks and items with the OTIO objects the fcp_xml adapter made of them.

The adapter walks ``<media>`` in document order, one OTIO track per ``<track>`` except the second
channel of stereo audio pairs, and one OTIO item per ``<clipitem>``, ``<generatoritem>`` and
``<transitionitem>`` (adding gaps between them). Walking the XML the same way pairs each element
with its OTIO object, so facts the adapter leaves out (clip notes, Premiere track names, marker
placement) can be put on the right object.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import opentimelineio as otio
from lxml import etree

from .xmeml_markers import ITEM_TAGS, repair_text

log = logging.getLogger(__name__)

TRACK_ITEM_TAGS = (*ITEM_TAGS, "transitionitem")

# (path under the clipitem, the note's field name as the editor knows it)
NOTE_FIELDS: tuple[tuple[str, str], ...] = (
    ("logginginfo/description", "description"),
    ("logginginfo/lognote", "log note"),
    ("comments/mastercomment1", "master comment 1"),
    ("comments/mastercomment2", "master comment 2"),
    ("comments/mastercomment3", "master comment 3"),
    ("comments/mastercomment4", "master comment 4"),
    ("comments/clipcommenta", "clip comment A"),
    ("comments/clipcommentb", "clip comment B"),
)


@dataclass
class Pairing:
    """XML elements of one sequence with their OTIO counterparts (``None``: the adapter left it out)."""

    tracks: list[tuple[etree._Element, otio.schema.Track | None]] = field(default_factory=list)
    # keyed by the lxml elements themselves (their id() is not stable: lxml makes proxies on demand)
    items: dict[etree._Element, otio.core.Composable] = field(default_factory=dict)
    # track element -> OTIO track that stands for it (a stereo pair's first channel for its second)
    stands_for: dict[etree._Element, otio.schema.Track] = field(default_factory=dict)
    labels: dict[etree._Element, str] = field(default_factory=dict)  # track element -> V1, A2 ... (OTIO numbering)
    problems: list[str] = field(default_factory=list)

    def otio_item(self, element: etree._Element) -> otio.core.Composable | None:
        return self.items.get(element)


def is_primary_channel(track: etree._Element) -> bool:
    """The adapter's rule: the first channel of an exploded stereo pair, or a track that is not one."""
    return track.get("currentExplodedTrackIndex", "0") == "0" or track.get("totalExplodedTrackCount", "1") == "1"


def pair(sequence: etree._Element, tracks: otio.schema.Stack, deref) -> Pairing:
    """Pair the tracks and items of ``sequence`` with the OTIO ``tracks`` read from it (a timeline's
    stack or a nested sequence's); problems are listed, not raised."""
    result = Pairing()
    media = deref(sequence.find("media"))
    otio_tracks = list(tracks)
    if media is None:
        return result
    index = 0
    counts = {"video": 0, "audio": 0}
    for media_type in media:
        kind = media_type.tag.lower() if isinstance(media_type.tag, str) else ""
        if kind not in counts:
            continue
        primary: otio.schema.Track | None = None  # the kept (first) channel a second channel stands for
        primary_el: etree._Element | None = None
        for track_el in media_type.iterfind("track"):
            track_el = deref(track_el)
            if kind == "audio" and not is_primary_channel(track_el):
                result.tracks.append((track_el, None))
                if primary is not None:
                    result.stands_for[track_el] = primary
                    result.labels[track_el] = result.labels.get(primary_el, "")
                continue
            if index >= len(otio_tracks):
                result.problems.append("the adapter read fewer tracks than the file holds")
                return result
            track = otio_tracks[index]
            index += 1
            counts[kind] += 1
            primary, primary_el = track, track_el
            result.tracks.append((track_el, track))
            result.stands_for[track_el] = track
            result.labels[track_el] = f"{'V' if kind == 'video' else 'A'}{counts[kind]}"
            _pair_items(track_el, track, deref, result)
    if index != len(otio_tracks):
        result.problems.append("the adapter read more tracks than the file holds")
    return result


def _pair_items(track_el: etree._Element, track: otio.schema.Track, deref, result: Pairing) -> None:
    elements = [deref(e) for e in track_el if isinstance(e.tag, str) and e.tag in TRACK_ITEM_TAGS]
    items = [c for c in track if not isinstance(c, otio.schema.Gap)]
    if len(elements) != len(items):
        result.problems.append(f"track {track.name!r}: {len(elements)} items in the file, {len(items)} read")
        return
    for el, item in zip(elements, items):
        if not _same_kind(el, item):
            result.problems.append(f"track {track.name!r}: <{el.tag}> read as {type(item).__name__}")
            return
    for el, item in zip(elements, items):
        result.items[el] = item


def _same_kind(el: etree._Element, item: otio.core.Composable) -> bool:
    if el.tag == "transitionitem":
        return isinstance(item, otio.schema.Transition)
    if el.find("sequence") is not None and el.tag == "clipitem":
        return isinstance(item, otio.schema.Stack)
    return isinstance(item, otio.schema.Clip) and item.name == (el.findtext("name") or "")


def name_tracks(pairing: Pairing) -> None:
    """Give OTIO tracks the names Premiere keeps in the ``MZ.TrackName`` attribute (the adapter reads only ``<name>``)."""
    for track_el, track in pairing.tracks:
        if track is not None and not track.name:
            name = (track_el.get("MZ.TrackName") or "").strip()
            if name:
                track.name = name


def clip_facts(item_el: etree._Element) -> dict:
    """Notes, scene, take and the good-take flag of a clipitem, as the ``read`` dict wants them."""
    facts: dict = {}
    notes = []
    for path, label in NOTE_FIELDS:
        text = repair_text((item_el.findtext(path) or "").strip())
        if text:
            notes.append({"field": label, "text": text})
    if notes:
        facts["notes"] = notes
    scene = (item_el.findtext("logginginfo/scene") or "").strip()
    take = (item_el.findtext("logginginfo/shottake") or "").strip()
    if scene:
        facts["scene"] = scene
    if take:
        facts["take"] = take
    if (item_el.findtext("logginginfo/good") or "").strip().upper() == "TRUE":
        facts["good"] = True
    return facts
