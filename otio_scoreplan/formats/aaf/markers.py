"""Cue and hit locators for AAF write-back, written the way Media Composer writes its own.

Media Composer (checked on its exports in ../shared/corpus/avid: 8.6 to 2023.12) keeps the locators
of one track in an ``EventMobSlot`` (``EditRate``, a ``Sequence`` of ``DescriptiveMarker`` with no
``Length``, ``PhysicalTrackNumber`` = the track's number, ``SlotID`` from 1000 up). Each marker has,
in this order: ``CommentMarkerTime`` ("HH:MM"), ``CommentMarkerDate`` ("MM/DD/YYYY"),
``CommentMarkerUSer`` (Avid's own spelling), ``CommentMarkerColor`` (16-bit RGB),
``CommentMarkerAttributeList`` (``_ATN_CRM_*`` tagged values repeating the above, plus track, length and
id), ``DescribedSlots`` (the marked slot), ``Comment``, ``Position`` (edit units from the sequence's
first frame), ``UserComments`` (Comment, DatabaseID) and ``DataDefinition`` (Descriptive Metadata).

A Media Composer locator has only a comment, so ours reads "``1M1 tense | description ... [scoreplan]``"
(the marker name, then the comment with our token) and carries the user ``scoreplan``.
"""

from __future__ import annotations

import calendar
import logging
from datetime import datetime
from typing import Any

from ... import OUR_TOKEN
from ...colors import AVID_COLORS, avid_color_name
from ...marker_names import locator_text
from ..additions import MarkerAdd
from .media import bare, derived_mob_id

log = logging.getLogger(__name__)

USER = "scoreplan"
DESCRIPTIVE_AUID = "01030201-1000-0000-060e-2b3404010101"
USER_PROPERTY_AUID = "c4c45d9a-0967-11d4-a08a-006094eb75cb"  # CommentMarkerUser, spelt CommentMarkerUSer by Avid


def is_ours_marker(marker: Any) -> bool:
    """A DescriptiveMarker we wrote: our token in its comment, or our user."""
    for key in ("Comment", "CommentMarkerUSer", "CommentMarkerUser"):
        try:
            value = marker[key].value if key in marker.keys() else None
        except Exception:
            value = None
        if value and (OUR_TOKEN in str(value) or (key != "Comment" and str(value) == USER)):
            return True
    return False


def avid_marker_id(mob_id: Any) -> str:
    """A MobID in the form Avid writes in ``_ATN_CRM_ID`` / DatabaseID: label+length-instance-material."""
    hexes = str(mob_id).split(":")[-1].replace(".", "")
    return f"{hexes[0:26]}-{hexes[26:32]}-{hexes[32:48]}-{hexes[48:60]}-{hexes[60:64]}"


def descriptive_datadef(f: Any) -> Any:
    """The file's "Descriptive Metadata" DataDef (by its AUID; Avid names it with a space), added if missing."""
    from aaf2.auid import AUID

    auid = AUID(DESCRIPTIVE_AUID)
    found = f.dictionary.lookup_datadef(auid)
    if found is not None:
        return found
    datadef = f.create.DataDef(auid, "DataDef_DescriptiveMetadata", "Descriptive metadata")
    f.dictionary.register_def(datadef)
    return datadef


def _user_property(marker: Any) -> str:
    """The name this file's dictionary gives CommentMarkerUser (Avid files spell it CommentMarkerUSer)."""
    for pdef in marker.classdef.all_propertydefs():
        if str(pdef.auid) == USER_PROPERTY_AUID:
            return pdef.property_name
    return "CommentMarkerUser"


class MarkerWriter:
    """Writes our locators into one new EventMobSlot describing one track."""

    def __init__(self, f: Any, base_id: Any, stamp: datetime | None) -> None:
        self.f = f
        self.base_id = base_id
        self.stamp = stamp or datetime(2000, 1, 1)

    def event_slot(self, mob: Any, slot_id: int, edit_rate: Any, track_number: int) -> Any:
        """An empty event slot appended to ``mob`` (Avid's property order)."""
        slot = bare(self.f, "EventMobSlot")
        slot["EditRate"].value = edit_rate
        seq = bare(self.f, "Sequence")
        seq["Components"].value = []
        seq["DataDefinition"].value = descriptive_datadef(self.f)
        slot["Segment"].value = seq
        slot["PhysicalTrackNumber"].value = track_number
        slot["SlotID"].value = slot_id
        mob.slots.append(slot)
        return slot

    def marker(self, add: MarkerAdd, position: int, length: int, described_slot: int, track_label: str, index: int) -> Any:
        """One DescriptiveMarker for ``add`` at ``position`` (edit units), ``length`` units long (0: a point)."""
        f = self.f
        comment = locator_text(add.name, add.comment)  # the name first: it reads as the locator's title
        color = avid_color_name(add.color)
        r, g, b = AVID_COLORS[color]
        date = self.stamp.strftime("%m/%d/%Y")
        time = self.stamp.strftime("%H:%M")
        epoch = calendar.timegm(self.stamp.timetuple())
        marker_id = avid_marker_id(derived_mob_id(self.base_id, f"locator/{add.cue_id}/{add.kind}/{index}"))
        m = bare(f, "DescriptiveMarker")
        m["CommentMarkerTime"].value = time
        m["CommentMarkerDate"].value = date
        m[_user_property(m)].value = USER
        m["CommentMarkerColor"].value = {"red": r, "green": g, "blue": b}
        attrs = [
            ("_ATN_CRM_LONG_CREATE_DATE", epoch),
            ("_ATN_CRM_DATE", date),
            ("_ATN_CRM_TIME", time),
            ("_ATN_CRM_COM", comment),
            ("_ATN_CRM_USER", USER),
            ("_ATN_CRM_LONG_MOD_DATE", epoch),
            ("_ATN_CRM_COLOR", color),
            ("_ATN_CRM_TRK", track_label),
            ("_ATN_CRM_LENGTH", max(1, length)),
            ("_ATN_CRM_ID", marker_id),
        ]
        m["CommentMarkerAttributeList"].value = [f.create.TaggedValue(k, v) for k, v in attrs]
        m["DescribedSlots"].value = {described_slot}
        m["Comment"].value = comment
        m["Position"].value = position
        m["UserComments"].value = [f.create.TaggedValue("Comment", comment), f.create.TaggedValue("DatabaseID", marker_id)]
        m["DataDefinition"].value = descriptive_datadef(f)
        return m
