"""Values of xmeml elements for the timeline builder: rates in force, numbers, timecodes, media references.

Rates are inherited down the element tree as FCP7 XML defines it (an item without ``<rate>`` counts
in its track's, sequence's ... rate); a ``<rate>`` that is stated but unusable (0, negative, not a
number) is an :class:`InputError` naming the element, never a silent guess. NTSC timebases (24, 30,
60 ...) run 1000/1001 slower (:func:`ntsc_rate`).

A ``<timecode>`` is read by one rule, for the sequence's start and every ``<file>``'s media start alike
(:func:`timecode_frames`): its ``<frame>`` where it states a readable one, else its ``<string>``; where
both are given and disagree the ``<frame>`` wins and a warning says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import opentimelineio as otio
from lxml import etree
from opentimelineio import opentime

from ... import timecode as tc
from ...errors import InputError

MAX_RATE = 1000.0


def lenient_number(text: str | None, default: float = 0.0) -> float:
    """An xmeml number (``12``, ``12.0``); ``default`` when missing, unreadable or absurd (NaN, infinite,
    beyond 10**12 frames: such a value overflowed when rescaled to the sequence rate)."""
    try:
        value = float((text or "").strip())
    except ValueError:
        return default
    return value if abs(value) <= 1e12 else default  # NaN fails the comparison too


def is_true(text: str | None) -> bool:
    return (text or "").strip().upper() in ("TRUE", "1", "YES")


def ntsc_rate(timebase: float, ntsc: bool) -> float:
    """``timebase`` as a true rate: NTSC timebases 24, 30, 60 ... run 1000/1001 slower."""
    if ntsc and round(timebase) % 6 == 0:  # 24, 30, 48, 60, 120; PAL timebases have no NTSC variant
        return timebase * 1000.0 / 1001.0
    return timebase


def rate_of(element: etree._Element) -> float:
    """The frame rate in force at ``element``, found leniently (0.0 when none): its own usable ``<rate>`` or
    the nearest ancestor's. :class:`Values` reads rates strictly, down the tree, for the timeline builder."""
    for el in (element, *element.iterancestors()):
        tb = el.find("rate/timebase")
        if tb is not None and lenient_number(tb.text) > 0:
            return ntsc_rate(lenient_number(tb.text), is_true(el.findtext("rate/ntsc")))
    return 0.0


def _string_frames(text: str, rate: float, drop: bool) -> int | None:
    """Frames of a timecode string (``01:00:00:00``, ``01;00;00;00``, ``1:0:0:0``) at ``rate``; None if unreadable."""
    parts = text.replace(";", ":").replace(".", ":").split(":")
    if len(parts) != 4 or not all(p.strip().isdigit() for p in parts):
        return None
    norm = ":".join(p.strip().zfill(2) for p in parts)
    if drop:
        norm = norm[: norm.rindex(":")] + ";" + norm[norm.rindex(":") + 1:]
    try:
        return tc.from_timecode(norm, rate)
    except ValueError:
        return None


def timecode_drop_frame(tc_el: etree._Element) -> bool:
    """Whether a ``<timecode>`` counts in drop frame: its ``<displayformat>`` (DF), else a ``;`` in its string."""
    display = (tc_el.findtext("displayformat") or "").strip().upper()
    return display == "DF" if display else ";" in (tc_el.findtext("string") or "")


@dataclass(frozen=True)
class TimecodeFrames:
    """What a ``<timecode>`` says, read by the one rule (:func:`timecode_frames`)."""

    frames: int | None  # the frame count it stands for; None: neither <frame> nor <string> is readable
    string: str  # its <string>, stripped ('' when missing)
    frame_text: str  # its <frame>, stripped ('' when missing)
    note: str = ""  # where <string> and <frame> disagree (or the string is unreadable): what was used


def timecode_frames(tc_el: etree._Element, rate: float, drop: bool | None = None) -> TimecodeFrames:
    """The frame count of a ``<timecode>`` at ``rate``: its ``<frame>`` where it states a readable one (a
    whole number, not negative), else its ``<string>`` (drop frame as :func:`timecode_drop_frame` says,
    unless ``drop`` is given). Where both are given and disagree, the ``<frame>`` wins and ``note`` says so."""
    string = (tc_el.findtext("string") or "").strip()
    frame_text = (tc_el.findtext("frame") or "").strip()
    from_frame: int | None = int(round(lenient_number(frame_text, -1.0))) if frame_text else None
    if from_frame is not None and from_frame < 0:
        from_frame = None
    if drop is None:
        drop = timecode_drop_frame(tc_el)
    from_string = _string_frames(string, rate, drop) if string else None
    if from_frame is None:
        return TimecodeFrames(from_string, string, frame_text)
    note = ""
    if string and from_string is None:
        note = f"the timecode {string!r} cannot be read at {tc.rate_label(rate)} fps; its frame count {from_frame} was used"
    elif from_string is not None and from_string != from_frame:
        note = (f"the timecode {string!r} ({from_string} frames at {tc.rate_label(rate)} fps) and its frame count "
                f"{from_frame} disagree; the frame count was used")
    return TimecodeFrames(from_frame, string, frame_text, note)


def children(el: etree._Element) -> dict:
    """The first child of each tag (one pass over the children; comments land under a non-string key)."""
    found: dict = {}
    for c in el:
        if c.tag not in found:
            found[c.tag] = c
    return found


def text_of(el: etree._Element | None) -> str:
    """An element's text ('' when missing or empty), as the adapter reads names (names are kept as they
    stand; values the package matches or points at, such as URLs, kinds and reels, are stripped by the caller)."""
    return (el.text or "") if el is not None else ""


def element_label(el: etree._Element) -> str:
    """``<clipitem> 'name' (id clipitem-3, line 120)``: enough to find the element in the file."""
    name = el.findtext("name")
    where = ", ".join(p for p in (f"id {el.get('id')}" if el.get("id") else "", f"line {el.sourceline}" if el.sourceline else "") if p)
    return f"<{el.tag}>" + (f" {name.strip()!r}" if name and name.strip() else "") + (f" ({where})" if where else "")


class Values:
    """Reads numbers, rates and timecodes of one document, refusing unusable ones with an :class:`InputError`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._rates: dict[tuple[str | None, str | None], float] = {}  # (timebase, ntsc) texts -> rate
        self.warnings: list[str] = []  # timecodes whose <string> and <frame> disagree, each once
        self._noted: set[etree._Element] = set()

    def fail(self, el: etree._Element, problem: str) -> InputError:
        return InputError(f"{element_label(el)}: {problem}", self.path)

    def number(self, el: etree._Element, child: etree._Element | None, tag: str) -> float:
        """The number in ``child`` (the ``<tag>`` of ``el``); missing, not a number, NaN, infinite or beyond
        10**12 is an error."""
        if child is None:
            raise self.fail(el, f"has no <{tag}>")
        text = (child.text or "").strip()
        try:
            value = float(text)
        except ValueError:
            raise self.fail(el, f"<{tag}> is not a number ({text[:40]!r})") from None
        if not abs(value) <= 1e12:
            raise self.fail(el, f"<{tag}> is out of range ({text[:40]!r})")
        return value

    def whole(self, el: etree._Element, child: etree._Element | None, tag: str) -> int:
        """A frame count (``12`` or ``12.0``), rounded to the nearest whole frame."""
        return int(round(self.number(el, child, tag)))

    def own_rate(self, el: etree._Element, rate_el: etree._Element | None) -> float | None:
        """The rate ``el`` states in its ``<rate>`` (``rate_el``), or None when it states no timebase."""
        if rate_el is None:
            return None
        tb = rate_el.find("timebase")
        if tb is None:
            return None
        ntsc = rate_el.find("ntsc")
        key = (tb.text, ntsc.text if ntsc is not None else None)
        rate = self._rates.get(key)
        if rate is None:
            timebase = self.number(el, tb, "rate/timebase")
            if not 0 < timebase <= MAX_RATE:
                raise self.fail(el, f"has an unusable frame rate (timebase {(tb.text or '').strip()[:40]!r})")
            rate = self._rates[key] = ntsc_rate(timebase, is_true(key[1]))
        return rate

    def rate(self, el: etree._Element, rate_el: etree._Element | None, inherited: float | None) -> float:
        """The rate in force at ``el``: its own, else ``inherited``; none at all is an error."""
        rate = self.own_rate(el, rate_el)
        if rate is None:
            rate = inherited
        if rate is None:
            raise self.fail(el, "states no frame rate and inherits none")
        return rate

    def timecode(self, tc_el: etree._Element, rate: float) -> opentime.RationalTime:
        """A ``<timecode>``'s time at ``rate`` (:func:`timecode_frames`: its ``<frame>``, else its ``<string>``;
        a disagreement between them is warned of once per element)."""
        read = timecode_frames(tc_el, rate)
        if read.note and tc_el not in self._noted:
            self._noted.add(tc_el)
            owner = tc_el.getparent()
            self.warnings.append(f"{element_label(owner if owner is not None else tc_el)}: {read.note}")
        if read.frames is not None:
            return opentime.RationalTime(read.frames, rate)
        if not read.string and not read.frame_text:
            raise self.fail(tc_el, "has neither <frame> nor <string>")
        stated = f"timecode {read.string[:40]!r}" if read.string else f"frame count {read.frame_text[:40]!r}"
        raise self.fail(tc_el, f"unreadable {stated} at {tc.rate_label(rate)} fps")


@dataclass(frozen=True)
class FileFacts:
    """What a ``<file>`` gives every clip that uses it (read once per file element)."""

    name: str
    url: str | None  # <pathurl>
    media_source: str | None  # <mediaSource> (Premiere's Slug, bars ...)
    available_range: opentime.TimeRange | None
    media_start: opentime.RationalTime  # where the media's first frame sits in source time

    def reference(self) -> otio.core.MediaReference:
        """A new media reference (each clip owns its own), as the fcp_xml adapter makes it."""
        if self.url is not None:
            ref = otio.schema.ExternalReference(target_url=self.url, available_range=self.available_range)
            ref.name = self.name
            return ref
        if self.media_source is not None:
            return otio.schema.GeneratorReference(name=self.name, generator_kind=self.media_source,
                                                  available_range=self.available_range)
        return otio.schema.MissingReference(name=self.name, available_range=self.available_range)


class Files:
    """The ``<file>`` elements of a document, read once each."""

    def __init__(self, values: Values) -> None:
        self.values = values
        self._facts: dict[tuple[etree._Element, float], FileFacts] = {}

    def facts(self, file_el: etree._Element, clip_rate: float) -> FileFacts:
        """``file_el`` read in the context of a clip whose rate is ``clip_rate``."""
        key = (file_el, clip_rate)
        found = self._facts.get(key)
        if found is None:
            found = self._facts[key] = self._read(file_el, clip_rate)
        return found

    def _read(self, file_el: etree._Element, clip_rate: float) -> FileFacts:
        v = self.values
        fields = children(file_el)
        rate = v.rate(file_el, fields.get("rate"), clip_rate)
        tc_el = fields.get("timecode")
        start = opentime.RationalTime(0, rate)
        if tc_el is not None:
            start = v.timecode(tc_el, v.rate(tc_el, tc_el.find("rate"), rate)).rescaled_to(rate)
        duration = fields.get("duration")
        if duration is not None:
            available = opentime.TimeRange(start, opentime.RationalTime(v.number(file_el, duration, "duration"), rate))
        elif tc_el is not None:
            available = opentime.TimeRange(start, opentime.RationalTime(0, rate))
        else:
            available = None
        url = fields.get("pathurl")
        source = fields.get("mediaSource")
        return FileFacts(
            name=text_of(fields.get("name")),
            url=text_of(url).strip() if url is not None else None,
            media_source=text_of(source).strip() if source is not None else None,
            available_range=available,
            media_start=self._media_start(tc_el, clip_rate),
        )

    def _media_start(self, tc_el: etree._Element | None, clip_rate: float) -> opentime.RationalTime:
        """The media's start timecode (at the timecode's rate, else the clip's): the fcp_xml adapter's
        reading, which puts clips' source ranges in timecode time."""
        if tc_el is None:
            return opentime.RationalTime()
        return self.values.timecode(tc_el, self.values.rate(tc_el, tc_el.find("rate"), clip_rate))


def generator_reference(effect_el: etree._Element) -> otio.schema.GeneratorReference:
    """The reference of a ``<generatoritem>`` without a file: its generator ``<effect>``."""
    fields = children(effect_el)
    return otio.schema.GeneratorReference(name=text_of(fields.get("name")), generator_kind=text_of(fields.get("effectid")).strip())


def generator_effect(item_el: etree._Element) -> etree._Element | None:
    """The first ``<effect>`` of a generatoritem whose ``<effecttype>`` is ``generator``."""
    for effect in item_el.iterfind("effect"):
        if (effect.findtext("effecttype") or "").strip() == "generator":
            return effect
    return None
