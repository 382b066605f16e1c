"""Which xmeml element made which OTIO object, and the facts of a clipitem the timeline does not carry.

``xmeml_build`` records a :class:`Pairing` per sequence as it builds it (one OTIO track per
``<track>`` except the second channel of stereo audio pairs, one OTIO item per ``<clipitem>``,
``<generatoritem>`` and ``<transitionitem>``), so facts the OTIO objects do not hold (clip notes,
marker placement) can be put on the right object.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import opentimelineio as otio
from lxml import etree

from .xmeml_markers import repair_text

log = logging.getLogger(__name__)

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
    """XML elements of one sequence with their OTIO counterparts (``None``: a stereo pair's second channel)."""

    tracks: list[tuple[etree._Element, otio.schema.Track | None]] = field(default_factory=list)
    # keyed by the lxml elements themselves (their id() is not stable: lxml makes proxies on demand)
    items: dict[etree._Element, otio.core.Composable] = field(default_factory=dict)
    # track element -> OTIO track that stands for it (a stereo pair's first channel for its second)
    stands_for: dict[etree._Element, otio.schema.Track] = field(default_factory=dict)
    labels: dict[etree._Element, str] = field(default_factory=dict)  # track element -> V1, A2 ... (OTIO numbering)

    def otio_item(self, element: etree._Element) -> otio.core.Composable | None:
        return self.items.get(element)


def is_primary_channel(track: etree._Element) -> bool:
    """The first channel of an exploded stereo pair, or a track that is not one (the fcp_xml adapter's rule:
    the second channel reads as the same audio, so only the first becomes an OTIO track)."""
    return track.get("currentExplodedTrackIndex", "0") == "0" or track.get("totalExplodedTrackCount", "1") == "1"


def clip_facts(item_el: etree._Element) -> dict:
    """Notes, scene, take and the good-take flag of a clipitem, as the ``read`` dict wants them."""
    facts: dict = {}
    logging_info = item_el.find("logginginfo")
    comments = item_el.find("comments")
    if logging_info is None and comments is None:
        return facts
    notes = []
    for path, label in NOTE_FIELDS:
        parent, _, tag = path.partition("/")
        holder = logging_info if parent == "logginginfo" else comments
        text = repair_text((holder.findtext(tag) or "").strip()) if holder is not None else ""
        if text:
            notes.append({"field": label, "text": text})
    if notes:
        facts["notes"] = notes
    if logging_info is not None:
        scene = (logging_info.findtext("scene") or "").strip()
        take = (logging_info.findtext("shottake") or "").strip()
        if scene:
            facts["scene"] = scene
        if take:
            facts["take"] = take
        if (logging_info.findtext("good") or "").strip().upper() == "TRUE":
            facts["good"] = True
    return facts
