"""Where each ``<marker>`` of an xmeml sequence lands, worked out from the XML itself.

The timeline builder (``xmeml_build``) makes no markers: every marker is placed from the XML here,
because the fcp_xml adapter got xmeml markers wrong in four ways (checked with otio-fcp-adapter 1.0.0):

* a clip marker's ``<in>`` counts media frames from the media's first frame, but the adapter's clip
  source range includes the media's start timecode, so clip markers land hours away;
* it drops the second channel of stereo audio tracks (``currentExplodedTrackIndex`` 1), and the
  markers on it;
* it reads nested sequences as empty stacks, so markers on clips inside them are lost;
* a nested sequence used several times has its markers repeated on every use.

Here every ``<marker>`` that belongs to the chosen sequence is found once, with the item of that
sequence it lands on (its *host*) and its time there, and whether the editor can see it in the cut
(a marker on the unused part of a clip's media cannot).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree
from opentimelineio import opentime

from ...colors import PREMIERE_MARKER_COLORS

ITEM_TAGS = ("clipitem", "generatoritem")
MAX_NESTING = 32

# Premiere's marker colours as it writes them in <pproColor> (0xAABBGGRR); green, its default, has no tag.
PREMIERE_COLORS: dict[int, str] = {value: name for name, value in PREMIERE_MARKER_COLORS.items()}
# Approximate sRGB of the colours above plus green, to name colours written by other tools.
_PALETTE: dict[str, tuple[int, int, int]] = {
    "RED": (210, 44, 54),
    "YELLOW": (208, 161, 43),
    "PURPLE": (175, 139, 177),
    "ORANGE": (233, 111, 36),
    "WHITE": (255, 255, 255),
    "BLUE": (66, 141, 252),
    "CYAN": (25, 244, 214),
    "GREEN": (60, 200, 70),
    "BLACK": (0, 0, 0),
}

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


def number(text: str | None, default: float = 0.0) -> float:
    """An xmeml number (``12``, ``12.0``); ``default`` when missing, unreadable or absurd (NaN, infinite,
    beyond 10**12 frames: such a value overflowed when rescaled to the sequence rate)."""
    try:
        value = float((text or "").strip())
    except ValueError:
        return default
    return value if abs(value) <= 1e12 else default  # NaN fails the comparison too


def is_true(text: str | None) -> bool:
    return (text or "").strip().upper() in ("TRUE", "1", "YES")


def rate_of(element: etree._Element) -> float:
    """The frame rate in force at ``element``: its own ``<rate>`` or the nearest ancestor's."""
    for el in (element, *element.iterancestors()):
        tb = el.find("rate/timebase")
        if tb is not None and number(tb.text) > 0:
            return ntsc_rate(number(tb.text), is_true(el.findtext("rate/ntsc")))
    return 0.0


def ntsc_rate(timebase: float, ntsc: bool) -> float:
    """``timebase`` as a true rate: NTSC timebases 24, 30, 60 ... run 1000/1001 slower."""
    if ntsc and round(timebase) % 6 == 0:  # 24, 30, 48, 60, 120; PAL timebases have no NTSC variant
        return timebase * 1000.0 / 1001.0
    return timebase


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
        if value in PREMIERE_COLORS:
            return PREMIERE_COLORS[value]
        return _nearest((value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF))
    color = marker.find("color")
    if color is not None and color.find("red") is not None:
        rgb = [number(color.findtext(c)) for c in ("red", "green", "blue")]
        top = max(max(rgb), 1.0)
        scale = 255.0 / (65535.0 if top > 255 else 255.0)
        return _nearest(tuple(int(round(v * scale)) for v in rgb))
    return None


def _nearest(rgb: tuple[int, ...]) -> str:
    return min(_PALETTE, key=lambda name: sum((a - b) ** 2 for a, b in zip(_PALETTE[name], rgb)))


def _rt(value: float, rate: float) -> opentime.RationalTime:
    return opentime.RationalTime(value, rate)


class SequenceMarkers:
    """Locates the markers of one ``<sequence>`` element of an xmeml document."""

    def __init__(self, chosen: etree._Element) -> None:
        self.chosen = chosen
        self.root = chosen.getroottree().getroot()
        self.seq_rate = rate_of(chosen)
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

    @staticmethod
    def item_range(item: etree._Element) -> tuple[opentime.RationalTime, opentime.RationalTime]:
        """``<in>`` and ``<out>`` of an item, in its own rate."""
        rate = rate_of(item)
        return _rt(number(item.findtext("in")), rate), _rt(number(item.findtext("out")), rate)

    @staticmethod
    def item_start(item: etree._Element) -> opentime.RationalTime | None:
        """Where the item's ``<in>`` frame sits in its sequence (resolving ``-1`` next to transitions)."""
        parent_rate = rate_of(item.getparent())
        start = number(item.findtext("start"), -1.0)
        if start >= 0:
            return _rt(start, parent_rate)
        prev = item.getprevious()
        while prev is not None and not isinstance(prev.tag, str):
            prev = prev.getprevious()
        if prev is not None and prev.tag == "transitionitem" and number(prev.findtext("start"), -1.0) >= 0:
            # the head transition's start shows the item's <in> frame (the adapter's reading too)
            return _rt(number(prev.findtext("start")), rate_of(prev))
        end = number(item.findtext("end"), -1.0)
        if end >= 0:
            item_in, item_out = SequenceMarkers.item_range(item)
            return _rt(end, parent_rate) - (item_out - item_in)
        return None

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
            return Landing(marker, None, _rt(number(marker.findtext("in")), self.seq_rate), None, False,
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
        m_in = number(marker.findtext("in"))
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
        t = _rt(m_in, rate_of(parent))
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
            local = t.rescaled_to(rate_of(inst))
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
