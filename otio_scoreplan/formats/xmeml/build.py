"""Build the OTIO timeline of an xmeml ``<sequence>`` straight from the lxml tree.

The reading is otio-fcp-adapter 1.0.0's (``FCP7XMLParser``), element for element, without its costs
(an ElementPath search per value and per level of inheritance, a metadata copy of every XML child)
and with its mistakes repaired:

* tracks: one OTIO track per ``<track>`` of ``<media>``'s ``<video>`` and ``<audio>``, in document
  order, except the second channel of an exploded stereo pair (``items.is_primary_channel``),
  which the first channel's track stands for; names from ``<name>``, else Premiere's
  ``MZ.TrackName``; ``<enabled>FALSE`` tracks and items are disabled (the adapter ignores it);
* items: ``<clipitem>`` and ``<generatoritem>`` as clips, ``<transitionitem>`` as dissolves, gaps
  where the record time jumps. An item's record range and where its ``<in>`` frame sits are
  ``timing.ItemTiming``'s (kept in ``Built.times`` for the marker placement). The source range counts
  from the media's timecode (``<in>`` + the file's start timecode, ``values.timecode_frames``), in the
  item's own rate (an item whose ``<rate>`` differs from the sequence keeps it);
* overlaps: an item that starts before the one before it ends on the same track (Premiere writes
  such audio) loses its head up to where that one ends, its source starting as much later (an OTIO
  track cannot overlap; otio-fcp-adapter instead pushed it, and everything after it on the track,
  late). Every item keeps its true record frames, except the lost head; a warning names them;
* media: ``<pathurl>`` as an external reference, ``<mediaSource>`` (Premiere's Slug) and generator
  effects as generator references, else a missing reference; ``<file id="x"/>`` references resolve
  to the first ``<file>`` with that id that has content (the adapter took the first it met, even an
  empty one); a clipitem that names only its ``<masterclipid>`` (Premiere multicam) shows the content
  of another clipitem of that master clip (``items.MasterClips``); a clip whose media or source
  in point cannot be read is kept at its place and length with no media and a warning naming it
  (otio-fcp-adapter refused the whole cut);
* nested sequences (a clipitem holding a ``<sequence>``) as stacks holding the nested sequence's own
  tracks, built the same way, down to ``MAX_DEPTH`` levels (the adapter left them empty); a sequence
  that contains itself is an :class:`InputError`, and so is one whose items, nested sequences counted
  once per use, number more than ``MAX_ITEMS``: a few KB of XML whose nested sequences are used many
  times each would need gigabytes of OTIO objects, so the whole sequence's items are counted (each
  nested sequence once, memoised) when the first nested sequence is met, before it is built;
* no markers: the reader places every marker from the XML (see ``markers``), with the item times
  worked out here.

Tracks, items and nested stacks whose name carries our token (an earlier run's additions) are flagged
``metadata["scoreplan"]["added"]``. ``metadata["fcp_xml"]`` holds only what the package reads: a track's ``@MZ.TrackName``, a
transition's ``alignment`` and a clip's ``reel`` (a ``<reel>`` child of the item, if any).

Which element made which OTIO object is recorded as it is built (:class:`~.items.Pairing`, one
per sequence built), for clip notes, track names and marker placement.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import opentimelineio as otio
from lxml import etree
from opentimelineio import opentime

from ... import OUR_TOKEN, TAG
from ...errors import InputError, SequenceChoiceError
from .items import MasterClips, Pairing, is_primary_channel
from .timing import ItemTimes, ItemTiming
from .values import Files, Values, children, element_label, generator_effect, generator_reference, text_of

log = logging.getLogger(__name__)

MAX_DEPTH = 16  # nested sequences inside nested sequences: deeper ones stay empty stacks
# Items built in all, nested sequences once per use. Real features hold tens of thousands; 499,359
# items (inspect or spot, nested 3 levels deep) peak at ~1.0 GB resident, within the hostile tests'
# 1.5 GB address-space cap.
MAX_ITEMS = 500_000
ITEM_TAGS = frozenset({"clipitem", "generatoritem", "transitionitem"})
KINDS = {"video": otio.schema.TrackKind.Video, "audio": otio.schema.TrackKind.Audio}

OURS = {TAG: {"added": True}}  # what an earlier run of ours added (its name carries our token)

Deref = Callable[[etree._Element | None], etree._Element | None]


def top_level_sequences(root: etree._Element, deref: Deref) -> list[etree._Element]:
    """The sequences a reader offers: the top-level ones, then those in projects and bins (the adapter's order)."""
    return [deref(e) for e in root.iterfind("./sequence")] + [deref(e) for e in root.iterfind(".//children/sequence")]


def choose_xmeml_sequence(root: etree._Element, deref: Deref, path: Path, wanted: str | None) -> etree._Element:
    """The one sequence to read: the only one, or the one named ``wanted``."""
    sequences = top_level_sequences(root, deref)
    if not sequences:
        raise InputError("the file holds no sequence (timeline)", path)
    names = [text_of(s.find("name")) for s in sequences]
    if wanted is not None:
        for seq, name in zip(sequences, names):
            if name == wanted:
                return seq
        listed = ", ".join(repr(n) for n in names)
        raise SequenceChoiceError(f"no sequence named {wanted!r}; the file holds: {listed}", path)
    if len(sequences) > 1:
        listed = ", ".join(repr(n) for n in names)
        raise SequenceChoiceError(f"the file holds {len(sequences)} sequences; choose one with --sequence: {listed}", path)
    return sequences[0]


@dataclass
class Built:
    """A sequence read: its timeline, the pairing of its top level, and each nested stack's pairing."""

    timeline: otio.schema.Timeline
    pairing: Pairing
    nested: list[tuple[Pairing, otio.schema.Stack]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    media_starts: dict[etree._Element, opentime.RationalTime] = field(default_factory=dict)
    times: dict[etree._Element, ItemTimes] = field(default_factory=dict)  # clip and generator items built


class SequenceBuilder:
    """Builds OTIO timelines from the sequences of one xmeml document."""

    def __init__(self, path: Path, deref: Deref) -> None:
        self.path = path
        self.deref = deref
        self.values = Values(path)
        self.timing = ItemTiming(self.values)
        self.files = Files(self.values)
        self._counted: dict[tuple[etree._Element, int], int] = {}  # (sequence, nesting level) -> its items
        self._count = 0  # items built so far
        self._top: tuple[etree._Element, etree._Element] | None = None  # the sequence built and its <media>
        self._total: int | None = None  # the items it makes, counted when the first nested sequence is met
        self._built: Built | None = None
        self._overlaps: list[str] = []
        self.masters = MasterClips(deref)

    def timeline(self, sequence: etree._Element) -> Built:
        """The timeline of ``sequence`` (its global start time is left to the caller, which knows the timecode)."""
        name = text_of(sequence.find("name"))
        built = self._built = Built(otio.schema.Timeline(name=name), Pairing())
        rate = self.values.own_rate(sequence, sequence.find("rate"))
        media = self.deref(sequence.find("media"))
        stack = otio.schema.Stack(name=name)
        if media is not None:
            self._top, self._total, self._count, self._overlaps = (sequence, media), None, 0, []
            self._fill(stack, media, rate, built.pairing, (sequence,))
        built.timeline.tracks = stack
        for master, count in sorted(self.masters.ambiguous.items()):
            built.warnings.append(f"clipitems that name only their master clip {master!r} were read with its first "
                                  f"content, but its other clipitems show {count} different ones (multicam angles?)")
        if self._overlaps:
            shown = "; ".join(self._overlaps[:3]) + (f"; and {len(self._overlaps) - 3} more" if len(self._overlaps) > 3 else "")
            built.warnings.append(f"{len(self._overlaps)} item(s) start before the item before them on the same track "
                                  f"ends; each is read from where that one ends (its head left out): {shown}")
        built.warnings.extend(self.values.warnings)
        return built

    # -- how many items a build makes, before building --------------------------------------------
    def _check_total(self) -> None:
        """Count the items the whole sequence makes (once, when the first nested sequence is met: only
        nesting multiplies items) and refuse more than ``MAX_ITEMS``; a flat sequence is held to the
        cap as its tracks are built."""
        if self._total is None:
            sequence, media = self._top
            self._total = self._media_items(media, (sequence,))
        if self._total > MAX_ITEMS:
            raise InputError(f"the sequence holds {self._total:,} items, nested sequences counted once per use "
                             f"(at most {MAX_ITEMS:,} are read)", self.path)

    def _media_items(self, media: etree._Element, chain: tuple[etree._Element, ...]) -> int:
        """The items :meth:`_fill` would build for ``media`` (the tracks it builds, nested sequences once per use)."""
        total = 0
        for media_type in media:
            media_type = self.deref(media_type)
            kind = media_type.tag.lower() if isinstance(media_type.tag, str) else ""
            if kind not in KINDS:
                continue
            for track_el in media_type.iterfind("track"):
                track_el = self.deref(track_el)
                if kind == "audio" and not is_primary_channel(track_el):
                    continue
                for raw in track_el:
                    if raw.tag not in ITEM_TAGS:
                        continue
                    total += 1
                    el = self.deref(raw)
                    nested = el.find("sequence") if el.tag != "transitionitem" else None  # as _clip reads it
                    if nested is None and el.tag == "clipitem" and el.find("file") is None:
                        nested = self.masters.content(el, children(el))[0]
                    if nested is not None:
                        total += self._nested_items(self.deref(nested), chain)
        return total

    def _nested_items(self, sequence: etree._Element, chain: tuple[etree._Element, ...]) -> int:
        """The items :meth:`_nested` would build for one use of ``sequence`` (memoised per sequence and level)."""
        if sequence in chain:
            raise InputError(f"nested sequence {element_label(sequence)} contains itself", self.path)
        media = self.deref(sequence.find("media"))
        if media is None or len(chain) > MAX_DEPTH + 1:
            return 0
        key = (sequence, len(chain))
        found = self._counted.get(key)
        if found is None:
            found = self._counted[key] = self._media_items(media, (*chain, sequence))
        return found

    # -- tracks ---------------------------------------------------------------------------------
    def _fill(self, stack: otio.schema.Stack, media: etree._Element, rate: float | None, pairing: Pairing,
              chain: tuple[etree._Element, ...]) -> None:
        """Put the tracks of ``media`` into ``stack``, pairing each element with what it became."""
        media_rate = self.values.own_rate(media, media.find("rate")) or rate
        tracks: list[otio.schema.Track] = []
        counts = {"video": 0, "audio": 0}
        for media_type in media:
            media_type = self.deref(media_type)
            kind = media_type.tag.lower() if isinstance(media_type.tag, str) else ""
            if kind not in KINDS:
                continue
            type_rate = self.values.own_rate(media_type, media_type.find("rate")) or media_rate
            primary: tuple[etree._Element, otio.schema.Track] | None = None
            for track_el in media_type.iterfind("track"):
                track_el = self.deref(track_el)
                if kind == "audio" and not is_primary_channel(track_el):
                    pairing.tracks.append((track_el, None))
                    if primary is not None:
                        pairing.stands_for[track_el] = primary[1]
                        pairing.labels[track_el] = pairing.labels.get(primary[0], "")
                    continue
                counts[kind] += 1
                track = self._track(track_el, KINDS[kind], type_rate, pairing, chain)
                tracks.append(track)
                primary = (track_el, track)
                pairing.tracks.append((track_el, track))
                pairing.stands_for[track_el] = track
                pairing.labels[track_el] = f"{'V' if kind == 'video' else 'A'}{counts[kind]}"
        stack.extend(tracks)

    def _track(self, track_el: etree._Element, kind: str, rate: float | None, pairing: Pairing,
               chain: tuple[etree._Element, ...]) -> otio.schema.Track:
        """One OTIO track: its items in document order, a gap wherever the record time jumps ahead (an item
        that starts before the last one ends loses its head: see :meth:`_overlapping`)."""
        fields = children(track_el)
        mz_name = track_el.get("MZ.TrackName")
        name = text_of(fields.get("name")) or (mz_name or "").strip()
        metadata: dict = {"fcp_xml": {"@MZ.TrackName": mz_name}} if mz_name is not None else {}
        if OUR_TOKEN in name:
            metadata.update(OURS)
        track = otio.schema.Track(name=name, kind=kind, metadata=metadata or None)
        if _disabled(fields):
            track.enabled = False
        track_rate = self.values.rate(track_el, fields.get("rate"), rate)
        elements = [c for c in track_el if c.tag in ITEM_TAGS]
        self._count += len(elements)
        if self._count > MAX_ITEMS:
            self._check_total()
        items: list[otio.core.Composable] = []
        now = opentime.RationalTime(0, track_rate)  # where the last clip ends on the OTIO track (gaps included)
        head: etree._Element | None = None  # the transition right before this element, if it is one
        for i, raw in enumerate(elements):
            el = self.deref(raw)
            nxt = elements[i + 1] if i + 1 < len(elements) else None
            tail = self.deref(nxt) if nxt is not None and nxt.tag == "transitionitem" else None
            item, start, end = self._item(el, head, tail, track_rate, chain)
            if el.tag == "transitionitem":
                # transitions take no room: a gap before one brings the track to its cut point
                start = self._next_start(el, self.deref(nxt) if nxt is not None else None, track_rate)
            if now < start:
                items.append(otio.schema.Gap(source_range=opentime.TimeRange(duration=(start - now).rescaled_to(track_rate))))
                now = start
            elif start < now and el.tag != "transitionitem":
                self._overlapping(el, item, now - start, end - start, track_rate)
            items.append(item)
            pairing.items[el] = item
            if el.tag != "transitionitem":
                now = max(now, end)
            head = el if el.tag == "transitionitem" else None
        track.extend(items)
        return track

    def _next_start(self, transition: etree._Element, nxt: etree._Element | None, rate: float) -> opentime.RationalTime:
        """Where the track must be when ``transition`` comes: at its cut point, or where the clip right after
        it starts if that is earlier (a clip with a ``<start>`` of its own inside the transition)."""
        cut = self.timing.cut_point(transition, rate)
        if nxt is None or nxt.tag == "transitionitem":
            return cut
        value = self.values.whole(nxt, nxt.find("start"), "start")
        return cut if value == -1 else min(cut, opentime.RationalTime(value, rate))

    def _overlapping(self, el: etree._Element, item: otio.core.Item, overlap: opentime.RationalTime,
                     duration: opentime.RationalTime, track_rate: float) -> None:
        """Trim the head of ``item``, which starts ``overlap`` before the item before it ends, so it starts
        where that one ends and shows the same frames there as the XML says (its source starts as much later);
        an item the one before covers whole is left with no duration."""
        cut = min(overlap, duration)
        src = item.source_range
        rate = src.start_time.rate
        item.source_range = opentime.TimeRange(src.start_time + cut.rescaled_to(rate), src.duration - cut.rescaled_to(rate))
        frames = round(overlap.value_rescaled_to(track_rate), 3)
        what = f"{element_label(el)}: {frames:g} frame(s)" + (" (all of it)" if overlap >= duration else "")
        log.debug("overlapping item, head trimmed: %s", what)
        self._overlaps.append(what)

    # -- items ----------------------------------------------------------------------------------
    def _item(self, el: etree._Element, head: etree._Element | None, tail: etree._Element | None, parent_rate: float,
              chain: tuple[etree._Element, ...]) -> tuple[otio.core.Composable, opentime.RationalTime, opentime.RationalTime]:
        """The OTIO item of a track element, with its record start and end."""
        v = self.values
        fields = children(el)
        if el.tag == "transitionitem":
            start, end, cut = self.timing.transition(el, fields, parent_rate)
            effect = fields.get("effect")
            if effect is None:
                raise v.fail(el, "has no <effect>")
            name = text_of(effect.find("name"))
            metadata = {"fcp_xml": {"alignment": text_of(fields.get("alignment")).strip()}}
            if OUR_TOKEN in name:
                metadata.update(OURS)
            transition = otio.schema.Transition(
                name=name, transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                in_offset=cut - start, out_offset=end - cut, metadata=metadata,
            )
            return transition, start, end
        times = self._built.times[el] = self.timing.item(el, fields, head, tail, parent_rate)
        start, end, offset = times.start, times.end, times.offset
        clip_rate = times.rate
        try:
            source_in = v.number(el, fields.get("in"), "in")
        except InputError as error:  # its place and length are known: the clip is kept, its media frames are not
            source_in = 0.0
            item = self._opaque(el, text_of(fields.get("name")), {}, f"its source in point cannot be read ({error.message})")
        else:
            item = self._clip(el, fields, clip_rate, chain)
        media_start = self._built.media_starts.get(el, opentime.RationalTime())
        source_start = opentime.RationalTime(source_in, clip_rate) + media_start + offset
        item.source_range = opentime.TimeRange(source_start.rescaled_to(clip_rate), (end - start).rescaled_to(clip_rate))
        if _disabled(fields):
            item.enabled = False
        return item, start, end

    def _clip(self, el: etree._Element, fields: dict, clip_rate: float, chain: tuple[etree._Element, ...]) -> otio.core.Item:
        """A clip, or a stack for a nested sequence (its source range is set by the caller)."""
        name = text_of(fields.get("name"))
        sequence = self.deref(fields.get("sequence"))
        file_el = self.deref(fields.get("file")) if sequence is None else None
        if sequence is None and file_el is None and el.tag == "clipitem":
            sequence, file_el = self.masters.content(el, fields)  # a multicam item naming only its master clip
        if sequence is not None:
            return self._nested(sequence, clip_rate, chain)
        reel = fields.get("reel")
        metadata = {"fcp_xml": {"reel": (text_of(reel.find("name")) if len(reel) else text_of(reel)).strip()}} if reel is not None else {}
        if OUR_TOKEN in name:
            metadata[TAG] = {"added": True}
        if file_el is not None:
            try:
                facts = self.files.facts(file_el, clip_rate)
            except InputError as error:
                return self._opaque(el, name, metadata, f"its <file> cannot be read ({error.message})")
            self._built.media_starts[el] = facts.media_start
            return otio.schema.Clip(name=name, media_reference=facts.reference(), metadata=metadata or None)
        effect = generator_effect(el) if el.tag == "generatoritem" else None
        if effect is not None:
            return otio.schema.Clip(name=name, media_reference=generator_reference(effect), metadata=metadata or None)
        return self._opaque(el, name, metadata, "it has no media (no <file>, nested <sequence>, master clip or generator effect)")

    def _opaque(self, el: etree._Element, name: str, metadata: dict, why: str) -> otio.schema.Clip:
        """A clip whose media (or source in point) cannot be read: kept at its length with no media, and a
        warning naming it (one unreadable clip never refuses the whole cut)."""
        self._built.warnings.append(f"{element_label(el)} was read as a clip with no media: {why}")
        return otio.schema.Clip(name=name, media_reference=otio.schema.MissingReference(), metadata=metadata or None)

    def _nested(self, sequence: etree._Element, clip_rate: float, chain: tuple[etree._Element, ...]) -> otio.schema.Stack:
        """A nested sequence as a stack of its own tracks (empty beyond ``MAX_DEPTH``)."""
        name = text_of(sequence.find("name"))
        stack = otio.schema.Stack(name=name, metadata=OURS if OUR_TOKEN in name else None)
        if sequence in chain:
            raise InputError(f"nested sequence {element_label(sequence)} contains itself", self.path)
        media = self.deref(sequence.find("media"))
        if media is None:
            return stack
        if len(chain) > MAX_DEPTH + 1:
            note = f"nested sequences deeper than {MAX_DEPTH} levels are read as single shots"
            if note not in self._built.warnings:
                self._built.warnings.append(note)
            return stack
        self._check_total()
        rate = self.values.own_rate(sequence, sequence.find("rate")) or clip_rate
        pairing = Pairing()
        self._fill(stack, media, rate, pairing, (*chain, sequence))
        self._built.nested.append((pairing, stack))
        return stack


def _disabled(fields: dict) -> bool:
    enabled = fields.get("enabled")
    return enabled is not None and (enabled.text or "").strip().upper() == "FALSE"
