"""Which xmeml element made which OTIO object, and the facts of a clipitem the timeline does not carry.

``xmeml_build`` records a :class:`Pairing` per sequence as it builds it (one OTIO track per
``<track>`` except the second channel of stereo audio pairs, one OTIO item per ``<clipitem>``,
``<generatoritem>`` and ``<transitionitem>``), so facts the OTIO objects do not hold (clip notes,
marker placement) can be put on the right object.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import opentimelineio as otio
from lxml import etree

from .markers import repair_text

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


class MasterClips:
    """Premiere's master clips (``<masterclipid>``), for items that name only theirs.

    Premiere writes a master clip's content (its ``<file>``, or for a multicam clip its nested
    ``<sequence>``) at one clipitem and may give a later clipitem of it only the ``<masterclipid>``.
    Such an item shows the content of the first clipitem of the same master clip that gives one (Premiere
    writes it in full at the first use), one on the same kind of track (video, audio) preferred. Where
    the master clip's clipitems give different contents (a multicam clip's angles), the first is taken
    and ``ambiguous`` says which master clips, with how many contents, for a warning. The document's
    clipitems are indexed once, when first needed.
    """

    def __init__(self, deref) -> None:
        self.deref = deref
        self._index: dict[str, list[etree._Element]] | None = None
        self.ambiguous: dict[str, int] = {}  # master clip id -> distinct contents its clipitems give (> 1)
        self._found: dict[tuple[str, str], tuple[etree._Element | None, etree._Element | None]] = {}

    def content(self, el: etree._Element, fields: dict) -> tuple[etree._Element | None, etree._Element | None]:
        """The (nested sequence, file) another clipitem of ``el``'s master clip gives; (None, None) if none."""
        master = (fields["masterclipid"].text or "").strip() if "masterclipid" in fields else ""
        if not master:
            return None, None
        if self._index is None:
            self._index = self._build(el.getroottree().getroot())
        key = (master, _track_kind(el))
        if key not in self._found:
            self._found[key] = self._first_content(master, key[1])
        return self._found[key]

    def _first_content(self, master: str, kind: str) -> tuple[etree._Element | None, etree._Element | None]:
        holders = self._index.get(master, [])
        same_kind = [h for h in holders if _track_kind(h) == kind]
        found: list[tuple[etree._Element | None, etree._Element | None]] = []
        for holder in same_kind or holders:
            sequence = self.deref(holder.find("sequence"))
            file_el = self.deref(holder.find("file")) if sequence is None else None
            if (sequence is not None and len(sequence)) or (file_el is not None and len(file_el)):
                content = (sequence, None) if sequence is not None else (None, file_el)
                if content not in found:
                    found.append(content)
        if len(found) > 1:
            self.ambiguous[master] = len(found)
        return found[0] if found else (None, None)

    @staticmethod
    def _build(root: etree._Element) -> dict[str, list[etree._Element]]:
        index: dict[str, list[etree._Element]] = {}
        for item in root.iter("clipitem"):
            master = (item.findtext("masterclipid") or "").strip()
            if master and (item.find("sequence") is not None or item.find("file") is not None):
                index.setdefault(master, []).append(item)
        return index


def _track_kind(item: etree._Element) -> str:
    track = item.getparent()
    kind = track.getparent() if track is not None else None
    return kind.tag if kind is not None and isinstance(kind.tag, str) else ""


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



def level_points(item_el: etree._Element, offset: float = 0.0) -> list[list[float]]:
    """The clip's own Audio Levels keyframes (FCP7 and Premiere: ``filter/effect`` ``audiolevels``, parameter
    ``level``, gain 0..3.98) as ``[frames from the clip's first frame, gain]``, in time order. ``<when>`` counts the
    media's frames like ``<in>`` and ``<out>``, one for each frame of the clip on its track (Premiere gives a clip
    the media's ``<rate>`` while its in-out span has as many frames as its start-end); the clip's first frame is its
    ``<in>`` plus ``offset`` frames (a clip starting in a transition: ``timing.ItemTimes.offset``). A master clip's
    keyframes cover all of its media: only those inside the clip and the one on either side of it (to interpolate
    its edges) are kept. [] when the clip has none (or no ``<in>``/``<out>``)."""
    try:
        first = float(item_el.findtext("in") or "") + offset
        last = float(item_el.findtext("out") or "")
    except ValueError:
        return []
    if not (math.isfinite(first) and math.isfinite(last)):
        return []
    points: list[tuple[float, float]] = []
    for effect in item_el.findall("filter/effect"):  # the clip's own filters, not those of a nested sequence's clips
        if (effect.findtext("effectid") or "").strip().lower() not in ("audiolevels", "audio levels"):
            continue
        for param in effect.findall("parameter"):
            if (param.findtext("parameterid") or param.findtext("name") or "").strip().lower() != "level":
                continue
            for kf in param.findall("keyframe"):
                try:
                    when, value = float(kf.findtext("when") or ""), float(kf.findtext("value") or "")
                except ValueError:
                    continue
                if math.isfinite(when) and math.isfinite(value) and value >= 0:
                    points.append((when - first, value))
    if not points:
        return []
    points.sort(key=lambda p: p[0])
    length = last - first
    before = [p for p in points if p[0] < 0][-1:]
    after = [p for p in points if p[0] > length][:1]
    return [[x, v] for x, v in before + [p for p in points if 0 <= p[0] <= length] + after]
