"""Avid locators: the ``DescriptiveMarker`` objects of an AAF, read with pyaaf2.

Media Composer writes each locator as a DescriptiveMarker in an EventMobSlot of the sequence's
composition mob. ``Position`` counts edit units of that slot from the sequence's first frame (less
the slot's ``EventSlotOrigin`` when it has one);
``DescribedSlots`` names the slot it marks (the picture NestedScope for every video track, or one
audio slot), and the event slot's ``PhysicalTrackNumber`` the track within it (V2, A3 ...). The
comment, user and colour are in the marker's own properties and again in its
``CommentMarkerAttributeList`` (``_ATN_CRM_COM``, ``_ATN_CRM_USER``, ``_ATN_CRM_COLOR``,
``_ATN_CRM_TRK``, ``_ATN_CRM_LENGTH``), which the newer versions fill more reliably.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ...colors import avid_color_of

log = logging.getLogger(__name__)

# Track letters Media Composer shows, by the media kind of the slot a locator describes.
TRACK_LETTER = {"Picture": "V", "Sound": "A", "DataEssenceTrack": "D", "Timecode": "TC", "Edgecode": "EC"}


@dataclass(frozen=True)
class Locator:
    """One locator, with its position in the edit units of the slot that holds it."""

    position: int
    rate: Fraction  # edit rate of the holding slot
    length: int  # 0 for a point locator
    comment: str
    user: str
    color: str  # Avid colour name: Red, Green ... ("" when the file gives none)
    track: str  # V1, A3, D1 ... as Media Composer shows it ("" when unknown)
    slot_kind: str  # EventMobSlot, TimelineMobSlot ...

    def frame_at(self, rate: float | Fraction) -> int:
        """The position in whole frames at ``rate`` (the sequence rate)."""
        return round(Fraction(self.position) * Fraction(rate).limit_denominator(100000) / self.rate)

    def frames_long_at(self, rate: float | Fraction) -> int:
        return round(Fraction(self.length) * Fraction(rate).limit_denominator(100000) / self.rate)


def slot_locators(slot: Any, slots_by_id: dict[int, Any]) -> Iterator[Locator]:
    """Every DescriptiveMarker held by ``slot`` (directly or in its Sequence).

    Only event slots and descriptive-metadata slots are opened: the picture and sound slots of a
    feature hold thousands of components that pyaaf2 would load for nothing.
    """
    import aaf2

    try:
        seg = slot.segment
        kind = str(seg.media_kind)
    except Exception:
        return
    if not isinstance(slot, aaf2.mobslots.EventMobSlot) and "descriptive" not in kind.lower():
        return
    if isinstance(seg, aaf2.components.Sequence):
        components = list(seg.components)
    else:
        components = [seg]
    markers = [c for c in components if isinstance(c, aaf2.components.DescriptiveMarker)]
    if not markers:
        return
    rate = _rate(slot)
    if rate is None:
        log.warning("locators in slot %s have no edit rate; skipped", getattr(slot, "slot_id", "?"))
        return
    # An event slot may state where its own time starts (EventSlotOrigin); Media Composer writes none.
    origin = _int_prop(slot, "EventSlotOrigin") or _int_prop(slot, "Origin") or 0
    slot_track = _int_prop(slot, "PhysicalTrackNumber")
    for marker in markers:
        yield _locator(marker, rate, origin, slot_track, type(slot).__name__, slots_by_id)


def _locator(marker: Any, rate: Fraction, origin: int, slot_track: int | None, slot_kind: str, slots_by_id: dict) -> Locator:
    attrs = _attributes(marker)
    comment = _text_prop(marker, "Comment") or attrs.get("_ATN_CRM_COM", "")
    user = _text_prop(marker, "CommentMarkerUser") or _text_prop(marker, "CommentMarkerUSer") or attrs.get("_ATN_CRM_USER", "")
    rgb = marker["CommentMarkerColor"].value if "CommentMarkerColor" in marker.keys() else None
    length = _int_prop(marker, "Length")
    if length is None:
        try:
            length = int(attrs.get("_ATN_CRM_LENGTH", "1"))
        except ValueError:
            length = 1
    position = (_int_prop(marker, "Position") or 0) - origin
    return Locator(
        position=position,
        rate=rate,
        length=length if length > 1 else 0,
        comment=comment,
        user=user,
        color=avid_color_of(rgb, attrs.get("_ATN_CRM_COLOR")),
        track=attrs.get("_ATN_CRM_TRK") or _track_label(marker, slot_track, slots_by_id),
        slot_kind=slot_kind,
    )


def _track_label(marker: Any, slot_track: int | None, slots_by_id: dict) -> str:
    described = None
    try:
        ids = marker["DescribedSlots"].value if "DescribedSlots" in marker.keys() else None
        if ids:
            described = slots_by_id.get(sorted(ids)[0])
    except Exception:
        described = None
    if described is None:
        return ""
    try:
        kind = str(described.segment.media_kind)
    except Exception:
        kind = ""
    number = slot_track or _int_prop(described, "PhysicalTrackNumber")
    letter = TRACK_LETTER.get(kind)
    return f"{letter}{number}" if letter and number else ""


def _attributes(marker: Any) -> dict[str, str]:
    try:
        if "CommentMarkerAttributeList" not in marker.keys():
            return {}
        return {str(t.name): str(t.value) for t in marker["CommentMarkerAttributeList"].value or [] if t.value is not None}
    except Exception:
        log.debug("unreadable CommentMarkerAttributeList", exc_info=True)
        return {}


def _text_prop(obj: Any, key: str) -> str:
    try:
        value = obj[key].value if key in obj.keys() else None
    except Exception:
        return ""
    return str(value) if value is not None else ""


def _int_prop(obj: Any, key: str) -> int | None:
    try:
        value = obj[key].value if key in obj.keys() else None
        return int(value) if value is not None else None
    except Exception:
        return None


def _rate(slot: Any) -> Fraction | None:
    rate = getattr(slot, "edit_rate", None)
    try:
        value = Fraction(rate.numerator, rate.denominator)
    except (AttributeError, ZeroDivisionError, TypeError, ValueError):
        return None
    return value if value > 0 else None
