"""What the OTIO AAF adapter does not give us, read straight from the AAF with pyaaf2.

One pass over the slots of the one mob the adapter turned into our timeline: its edit rate, its
start timecode (and drop frame), and its locators (``DescriptiveMarker`` on event, data or timecode
slots). Nothing here walks the clips: that is the adapter's work, done once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .locators import Locator, slot_locators

log = logging.getLogger(__name__)

# Rates above this are audio sample rates (Pro Tools sessions count their slots in samples).
MAX_VIDEO_RATE = 1000


@dataclass
class TimecodeInfo:
    """The composition's start timecode as the file states it."""

    start: int  # frames since 00:00:00:00, counted at ``fps``
    fps: int  # nominal frames per timecode second (24, 25, 30 ...)
    drop: bool
    edit_rate: Fraction  # rate of the slot holding it


@dataclass
class MobFacts:
    """Facts about one (composition or master) mob, in the mob's own terms."""

    name: str
    edit_rate: Fraction | None  # the sequence's edit rate: first picture slot, else first timeline slot
    timecode: TimecodeInfo | None
    locators: list[Locator] = field(default_factory=list)
    user_comments: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)  # MobAttributeList (our write-back keeps notes there)

    @property
    def video_rate(self) -> Fraction | None:
        """The picture rate: the sequence's edit rate, or its timecode slot's rate in an audio session."""
        if self.edit_rate is not None and self.edit_rate <= MAX_VIDEO_RATE:
            return self.edit_rate
        if self.timecode is not None and 0 < self.timecode.edit_rate <= MAX_VIDEO_RATE:
            return self.timecode.edit_rate
        return None


def find_mob(aaf_file: Any, mob_id: str | None, name: str | None) -> Any:
    """The mob the adapter transcribed: by MobID, else the only mob of that name, else None."""
    content = aaf_file.content
    if mob_id:
        try:
            from aaf2.mobid import MobID

            mob = content.mobs.get(MobID(str(mob_id)))
            if mob is not None:
                return mob
        except (ValueError, TypeError, KeyError):
            log.debug("MobID %r not usable", mob_id)
    named = [m for m in content.mobs if m.name == name]
    return named[0] if len(named) == 1 else None


def mob_facts(mob: Any) -> MobFacts:
    """Rate, start timecode, locators and user comments of ``mob``, in one pass over its slots."""
    edit_rate: Fraction | None = None
    first_rate: Fraction | None = None
    timecodes: list[tuple[int, TimecodeInfo]] = []
    locators: list[Locator] = []
    slots = list(mob.slots)
    by_id = {s.slot_id: s for s in slots}
    for slot in slots:
        kind = _media_kind(slot)
        rate = _slot_rate(slot)
        if rate is not None and kind in ("Picture", "Sound") and first_rate is None:
            first_rate = rate
        if kind == "Picture" and edit_rate is None and rate is not None:
            edit_rate = rate
        tc = _timecode_of(slot, rate) if kind in ("Timecode", "LegacyTimecode") else None
        if tc is not None:
            timecodes.append((_physical_track(slot) or 99, tc))
        locators.extend(slot_locators(slot, by_id))
    timecodes.sort(key=lambda t: t[0])  # Avid's primary timecode is on track 1 (TC1)
    return MobFacts(
        name=str(mob.name or ""),
        edit_rate=edit_rate or first_rate,
        timecode=timecodes[0][1] if timecodes else None,
        locators=locators,
        user_comments=tagged_values(mob, "UserComments"),
        attributes=tagged_values(mob, "MobAttributeList"),
    )


def tagged_values(obj: Any, key: str) -> dict[str, str]:
    """A TaggedValue list property (UserComments, MobAttributeList ...) as a plain dict of text."""
    try:
        if key not in obj.keys():
            return {}
        values = obj[key].value or []
        return {str(t.name): str(t.value) for t in values if t.value is not None}
    except Exception:  # pyaaf2 raises many kinds of error on damaged property streams
        log.debug("cannot read %s of %r", key, obj, exc_info=True)
        return {}


def _media_kind(slot: Any) -> str:
    try:
        return str(slot.segment.media_kind)
    except Exception:
        return ""


def _slot_rate(slot: Any) -> Fraction | None:
    rate = getattr(slot, "edit_rate", None)
    try:
        value = Fraction(rate.numerator, rate.denominator) if hasattr(rate, "numerator") else Fraction(str(rate))
    except (ValueError, ZeroDivisionError, TypeError):
        return None
    return value if value > 0 else None


def _physical_track(slot: Any) -> int | None:
    try:
        prop = slot.get("PhysicalTrackNumber")
        return int(prop.value) if prop is not None and prop.value is not None else None
    except Exception:
        return None


def _timecode_of(slot: Any, rate: Fraction | None) -> TimecodeInfo | None:
    """The Timecode component of a timecode slot (directly, or first in its Sequence)."""
    import aaf2

    seg = slot.segment
    comp = seg
    if isinstance(seg, aaf2.components.Sequence):
        comp = next((c for c in seg.components if isinstance(c, aaf2.components.Timecode)), None)
    if not isinstance(comp, aaf2.components.Timecode) or rate is None:
        return None
    try:
        return TimecodeInfo(start=int(comp.start), fps=int(comp["FPS"].value), drop=bool(comp["Drop"].value), edit_rate=rate)
    except Exception:
        log.debug("unreadable Timecode in slot %r", slot, exc_info=True)
        return None
