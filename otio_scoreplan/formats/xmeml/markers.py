"""Where each ``<marker>`` of an xmeml sequence lands, worked out from the XML itself.

The timeline builder (``build``) makes no markers: every marker is placed from the XML here,
because the fcp_xml adapter got xmeml markers wrong in four ways (checked with otio-fcp-adapter 1.0.0):

* a clip marker's ``<in>`` counts media frames from the media's first frame, but the adapter's clip
  source range includes the media's start timecode, so clip markers land hours away;
* it drops the second channel of stereo audio tracks (``currentExplodedTrackIndex`` 1), and the
  markers on it;
* it reads nested sequences as empty stacks, so markers on clips inside them are lost;
* a nested sequence used several times has its markers repeated on every use.

Here every ``<marker>`` that belongs to the chosen sequence is found once, with the item of that
sequence it lands on (its *host*) and its time there, and whether the editor can see it in the cut
(a marker on the unused part of a clip's media cannot). Where an item sits in its sequence is the
builder's reading (``timing.ItemTimes``, handed over as ``Built.times``), not worked out again here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from opentimelineio import opentime

from ...colors import nearest_color, premiere_color_name
from .timing import ItemTimes, ItemTiming
from .values import Values, lenient_number, rate_of

ITEM_TAGS = ("clipitem", "generatoritem")
MAX_NESTING = 32

# Some Premiere versions write each byte of a UTF-8 character sign-extended to 16 bits ("så" becomes
# "sￃﾥ"): runs of U+FF80..U+FFFF that decode as UTF-8 once the high byte is dropped.
_SIGN_EXTENDED = re.compile("[\uff80-\uffff]{2,}")


@dataclass(frozen=True)
class Landing:
    """Where one ``<marker>`` lands in the chosen sequence."""

    marker: etree._Element
    host: etree._Element | None  # item on a track of the chosen sequence; None: the sequence itself
    time: opentime.RationalTime  # in the host's frames (media frames from 0, nested-sequence frames)
    record: opentime.RationalTime | None  # frames from the sequence's first frame; None if unknown
    visible: bool
    reason: str = ""  # why the editor cannot see it in the cut
    via: tuple[str, ...] = ()  # names of the nested sequences it sits in, outermost first
    also_at: tuple[int, ...] = field(default=())  # record frames of the other uses that show it


def repair_text(text: str) -> str:
    """Undo the sign-extended UTF-8 some Premiere versions write; other text is returned unchanged."""

    def fix(match: re.Match) -> str:
        raw = bytes(ord(c) - 0xFF00 for c in match.group())
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return match.group()

    return _SIGN_EXTENDED.sub(fix, text) if text else text


def marker_color(marker: etree._Element) -> str | None:
    """The colour a marker element states (Premiere ``<pproColor>``, or ``<color>`` RGB), else None."""
    ppro = (marker.findtext("pproColor") or "").strip()
    if ppro:
        try:
            value = int(float(ppro))
        except ValueError:
            return None
        return premiere_color_name(value) or nearest_color((value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF))
    color = marker.find("color")
    if color is not None and color.find("red") is not None:
        rgb = [lenient_number(color.findtext(c)) for c in ("red", "green", "blue")]
        top = max(max(rgb), 1.0)
        scale = 255.0 / (65535.0 if top > 255 else 255.0)
        return nearest_color(tuple(int(round(v * scale)) for v in rgb))
    return None


def _rt(value: float, rate: float) -> opentime.RationalTime:
    return opentime.RationalTime(value, rate)


class SequenceMarkers:
    """Locates the markers of one ``<sequence>`` element of an xmeml document.

    ``times`` are the builder's item times (``Built.times``); items it did not build (a stereo pair's
    second channel, nested sequences too deep) are timed in place by ``timing`` (the same reading).
    """

    def __init__(self, chosen: etree._Element, times: dict[etree._Element, ItemTimes] | None = None,
                 timing: ItemTiming | None = None) -> None:
        self.chosen = chosen
        self.root = chosen.getroottree().getroot()
        self.seq_rate = rate_of(chosen)
        self._times: dict[etree._Element, ItemTimes | None] = dict(times or {})
        self._timing = timing or ItemTiming(Values(Path(chosen.getroottree().docinfo.URL or "")))
        self._instances: dict[object, list[etree._Element]] = {}
        self._definitions: dict[str, etree._Element] = {}
        for seq in self.root.iter("sequence"):
            sid = seq.get("id")
            if sid and len(seq) and sid not in self._definitions:
                self._definitions[sid] = seq
        for item in self.root.iter(*ITEM_TAGS):
            nested = item.find("sequence")
            if nested is not None:
                self._instances.setdefault(nested.get("id") or nested, []).append(item)

    # -- items ------------------------------------------------------------------------------
    @staticmethod
    def sequence_of(item: etree._Element) -> etree._Element | None:
        """The sequence whose track holds ``item`` (track/video|audio/media/sequence)."""
        track = item.getparent()
        if track is None or track.tag != "track":
            return None
        for el in track.iterancestors():
            if el.tag == "sequence":
                return el
            if el.tag in ITEM_TAGS:
                return None
        return None

    def item_times(self, item: etree._Element) -> ItemTimes | None:
        """Where ``item`` sits on its track (None where that cannot be read)."""
        if item not in self._times:
            self._times[item] = self._timing.unbuilt(item)
        return self._times[item]

    def item_rate(self, item: etree._Element) -> float:
        """The rate ``item``'s ``<in>``, ``<out>`` and markers count in."""
        times = self.item_times(item)
        return times.rate if times is not None else rate_of(item)

    def item_range(self, item: etree._Element) -> tuple[opentime.RationalTime, opentime.RationalTime]:
        """``<in>`` and ``<out>`` of an item, in its own rate."""
        rate = self.item_rate(item)
        return _rt(lenient_number(item.findtext("in")), rate), _rt(lenient_number(item.findtext("out")), rate)

    def item_start(self, item: etree._Element) -> opentime.RationalTime | None:
        """Where the item's ``<in>`` frame sits in its sequence (``-1`` next to a transition resolved)."""
        times = self.item_times(item)
        return times.in_at if times is not None else None

    # -- markers ----------------------------------------------------------------------------
    def markers(self) -> Iterator[etree._Element]:
        """Every ``<marker>`` element of the chosen sequence and of the nested sequences it uses."""
        seen: set[etree._Element] = set()  # lxml proxies: keep the elements, not their id()
        stack = [self.chosen]
        while stack:
            seq = stack.pop()
            if seq in seen:
                continue
            seen.add(seq)
            defined_here = {el.get("id") for el in seq.iter("sequence") if len(el)}
            for el in seq.iter("marker", "sequence"):
                if el.tag == "marker":
                    yield el
                elif el is not seq and not len(el) and el.get("id") not in defined_here:
                    full = self._definitions.get(el.get("id") or "")
                    if full is not None:
                        stack.append(full)

    def landings(self) -> Iterator[Landing]:
        """One :class:`Landing` per marker element, each marker once."""
        done: set[etree._Element] = set()
        for marker in self.markers():
            if marker in done:
                continue
            done.add(marker)
            yield self.land(marker)

    def land(self, marker: etree._Element) -> Landing:
        """Where ``marker`` lands: the first use that shows it, else the first use at all."""
        paths = list(self._paths(marker))
        if not paths:
            parent = marker.getparent()
            return Landing(marker, None, _rt(lenient_number(marker.findtext("in")), self.seq_rate), None, False,
                           f"marker on <{parent.tag if parent is not None else '?'}>, which has no place in the sequence")
        shown = sorted((p for p in paths if p.visible and p.record is not None), key=lambda p: p.record.to_seconds())
        best = shown[0] if shown else paths[0]
        # other uses that show it elsewhere (a nested clip's video and audio items share one place)
        others = tuple(sorted({self.frame(p.record) for p in shown[1:]} - {self.frame(best.record)}))
        return Landing(best.marker, best.host, best.time, best.record, best.visible, best.reason, best.via, others)

    def frame(self, t: opentime.RationalTime | None) -> int:
        return int(round(t.value_rescaled_to(self.seq_rate))) if t is not None else 0

    def _paths(self, marker: etree._Element) -> Iterator[Landing]:
        parent = marker.getparent()
        if parent is None:
            return
        m_in = lenient_number(marker.findtext("in"))
        if parent.tag == "sequence":
            t = _rt(m_in, rate_of(parent))
            if parent is self.chosen:
                yield Landing(marker, None, t, t, True)
            else:
                yield from self._lift(marker, parent, t, True, "", (), 0)
            return
        if parent.tag not in ITEM_TAGS:
            return
        seq = self.sequence_of(parent)
        if seq is None:
            return
        t = _rt(m_in, self.item_rate(parent))
        item_in, item_out = self.item_range(parent)
        visible = item_in <= t < item_out
        reason = "" if visible else "on the clip's media outside the part used in the cut"
        start = self.item_start(parent)
        if seq is self.chosen:
            record = start + (t - item_in) if start is not None else None
            yield Landing(marker, parent, t, record, visible and record is not None, reason or _no_start(record))
            return
        if start is None:
            return
        yield from self._lift(marker, seq, start + (t - item_in), visible, reason, (), 0)

    def _lift(
        self, marker: etree._Element, seq: etree._Element, t: opentime.RationalTime, visible: bool, reason: str,
        via: tuple[str, ...], depth: int,
    ) -> Iterator[Landing]:
        """Carry time ``t`` of nested sequence ``seq`` up through every use of it to the chosen sequence."""
        if depth > MAX_NESTING:
            return
        name = (seq.findtext("name") or seq.get("id") or "").strip()
        via = (name, *via)
        for inst in self._instances.get(seq.get("id") or seq, []):
            outer = self.sequence_of(inst)
            if outer is None:
                continue
            item_in, item_out = self.item_range(inst)
            local = t.rescaled_to(self.item_rate(inst))
            shown = visible and item_in <= local < item_out
            why = reason or ("" if shown else f"outside the part of nested sequence {name!r} used in the cut")
            start = self.item_start(inst)
            if outer is self.chosen:
                record = start + (local - item_in) if start is not None else None
                yield Landing(marker, inst, local, record, shown and record is not None, why or _no_start(record), via)
            elif start is not None:
                yield from self._lift(marker, outer, start + (local - item_in), shown, why, via, depth + 1)


def _no_start(record: opentime.RationalTime | None) -> str:
    return "" if record is not None else "the clip's place in the sequence is not stated"
