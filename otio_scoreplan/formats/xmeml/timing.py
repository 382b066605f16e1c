"""When things happen in an xmeml sequence, worked out once for the timeline builder and the marker placement.

* The sequence: its rate, drop frame and start frame (:func:`sequence_timing`); its start timecode,
  like every ``<file>``'s, by the one timecode rule (:func:`~.values.timecode_frames`: the ``<frame>``
  wins over the ``<string>`` where both are given and disagree, with a warning).
* Items (:class:`ItemTiming`): a clipitem's record range is ``<start>``..``<end>`` in its track's rate;
  ``-1`` next to a transition (the element right before or after it) means the transition's cut point
  (its ``<alignment>``: ``start``, ``end`` or the middle), and the item's ``<in>`` frame then sits at
  the transition's start (its source starts that much later than ``<in>`` at the cut point). The
  builder works this out as it builds each item and keeps it (``Built.times``); the marker placement
  reads it from there, and works it out by the same code only for items the builder does not build
  (the second channel of a stereo pair, nested sequences too deep to build).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from opentimelineio import opentime

from ... import timecode as tc
from ...errors import InputError
from .values import Values, children, element_label, rate_of, timecode_drop_frame, timecode_frames

TRACK_ITEM_TAGS = frozenset({"clipitem", "generatoritem", "transitionitem"})


def sequence_timing(sequence: etree._Element, path: Path, warnings: list[str]) -> tuple[float, bool, int]:
    """Rate, drop frame and start frame (at that rate) as the ``<sequence>`` states them.

    A start timecode that cannot be read at all is an :class:`InputError` (it would silently be 00:00:00:00).
    """
    rate = tc.snap_rate(rate_of(sequence)) if rate_of(sequence) > 0 else 0.0
    timecode = sequence.find("timecode")
    if timecode is None or rate <= 0:
        return rate, False, 0
    drop = timecode_drop_frame(timecode)
    if drop and not tc.supports_drop_frame(rate):
        warnings.append(f"the start timecode says drop frame, which {tc.rate_label(rate)} fps does not have")
        drop = False
    tc_rate = tc.snap_rate(rate_of(timecode)) or rate
    read = timecode_frames(timecode, tc_rate, drop)
    if read.note:
        warnings.append(f"the start of {element_label(sequence)}: {read.note}")
    if read.frames is None:
        if read.string or read.frame_text:
            stated = f"timecode {read.string!r}" if read.string else f"frame count {read.frame_text!r}"
            raise InputError(f"the sequence's start {stated} cannot be read at {tc.rate_label(tc_rate)} fps", path)
        return rate, drop, 0
    start = read.frames
    if abs(tc_rate - rate) > 1e-6:
        start = int(round(start * rate / tc_rate))
    return rate, drop, start


@dataclass(frozen=True)
class ItemTimes:
    """Where a clipitem or generatoritem sits on its track."""

    rate: float  # the item's own rate: its <in> and <out> count in it
    start: opentime.RationalTime  # its record start on the track (a -1 resolved to the head transition's cut point)
    end: opentime.RationalTime  # its record end (a -1 resolved to the tail transition's cut point)
    in_at: opentime.RationalTime  # where its <in> frame sits on the track: its start, or the head transition's start

    @property
    def offset(self) -> opentime.RationalTime:
        """How much later than its ``<in>`` the item's source starts at its record start (a plain zero, which
        adds to a time at any rate without rescaling it, where it starts at its ``<in>`` frame)."""
        return opentime.RationalTime() if self.in_at is self.start else self.start - self.in_at


class ItemTiming:
    """Record times of the items of one xmeml document, read strictly (an :class:`InputError` names the element)."""

    def __init__(self, values: Values) -> None:
        self.values = values

    def rate(self, el: etree._Element, inherited: float, fields: dict | None = None) -> float:
        """The rate in force at ``el`` (its own ``<rate>``, else ``inherited``)."""
        rate_el = fields.get("rate") if fields is not None else el.find("rate")
        return self.values.rate(el, rate_el, inherited)

    def item(self, el: etree._Element, fields: dict, head: etree._Element | None, tail: etree._Element | None,
             parent_rate: float) -> ItemTimes:
        """The times of a clipitem or generatoritem on a track counting ``parent_rate``; ``head`` and ``tail``
        are the transitions right before and after it (None where there is none)."""
        v = self.values
        start_value = v.whole(el, fields.get("start"), "start")
        end_value = v.whole(el, fields.get("end"), "end")
        if start_value == -1:
            if head is None:
                raise v.fail(el, "starts at -1 (at a transition) but follows none")
            start = self.cut_point(head, parent_rate)
            in_at = opentime.RationalTime(v.whole(head, head.find("start"), "start"), self.rate(head, parent_rate))
        else:
            start = in_at = opentime.RationalTime(start_value, parent_rate)
        if end_value == -1:
            if tail is None:
                raise v.fail(el, "ends at -1 (at a transition) but none follows")
            end = self.cut_point(tail, parent_rate)
        else:
            end = opentime.RationalTime(end_value, parent_rate)
        return ItemTimes(self.rate(el, parent_rate, fields), start, end, in_at)

    def transition(self, el: etree._Element, fields: dict, parent_rate: float) -> tuple[
            opentime.RationalTime, opentime.RationalTime, opentime.RationalTime]:
        """Start, end and cut point of a transitionitem."""
        v = self.values
        start = opentime.RationalTime(v.whole(el, fields.get("start"), "start"), parent_rate)
        end = opentime.RationalTime(v.whole(el, fields.get("end"), "end"), parent_rate)
        return start, end, self.cut_point(el, parent_rate)

    def cut_point(self, transition: etree._Element, parent_rate: float) -> opentime.RationalTime:
        """Where a transition cuts from one clip to the next: its start, end or middle by ``<alignment>``
        (the middle rounded toward zero, as the fcp_xml adapter does), in the transition's rate."""
        v = self.values
        fields = children(transition)
        alignment = fields.get("alignment")
        if alignment is None:
            raise v.fail(transition, "has no <alignment>")
        start = v.whole(transition, fields.get("start"), "start")
        end = v.whole(transition, fields.get("end"), "end")
        align = (alignment.text or "").strip()
        value = end if align in ("end", "end-black") else start if align in ("start", "start-black") else int((start + end) / 2)
        return opentime.RationalTime(value, self.rate(transition, parent_rate, fields))

    def unbuilt(self, el: etree._Element) -> ItemTimes | None:
        """The times of an item the builder did not build (read in place: its track's rate found up the tree,
        its neighbours in the track); None where they cannot be read."""
        track = el.getparent()
        parent_rate = rate_of(track) if track is not None else 0.0
        if parent_rate <= 0:
            return None
        head = _neighbour(el, preceding=True)
        tail = _neighbour(el, preceding=False)
        try:
            return self.item(el, children(el), head, tail, parent_rate)
        except InputError:
            return None


def _neighbour(el: etree._Element, preceding: bool) -> etree._Element | None:
    """The track element right before (after) ``el`` if it is a transition (the builder's rule: other items
    of the track count, anything else does not)."""
    for sib in el.itersiblings(preceding=preceding):
        if sib.tag in TRACK_ITEM_TAGS:
            return sib if sib.tag == "transitionitem" else None
    return None
