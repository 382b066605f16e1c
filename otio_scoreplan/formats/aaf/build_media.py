"""A SourceClip's clip, built as otio-aaf-adapter builds it: SourceClip -> MasterMob slot -> SourceMob chain.

The adapter turns the MasterMob a SourceClip points at into a whole timeline (every property of every
mob transcribed into metadata), clones the track of the clip's slot, and later collapses it into the
one clip it holds. Here only what that clip ends up with is built: the master mob's name, the range
the chain of source mobs makes available, one media reference per source mob (a NetworkLocator URL,
else a missing reference) and the metadata our package reads (MobID, Name, UserComments, MediaKind).
The range arithmetic is the adapter's own (``_get_source_clip_ranges``, ``_get_mob_start_tc``), so the
two paths cannot drift apart on it. Anything else in the chain raises :class:`Unsupported`.
"""

from __future__ import annotations

import collections
import logging
from dataclasses import dataclass
from typing import Any

import opentimelineio as otio

log = logging.getLogger(__name__)


class Unsupported(Exception):
    """The file holds a structure the builder does not know: the adapter reads it instead."""


@dataclass(frozen=True)
class MasterClip:
    """What every use of one master mob slot shares: built once, copied into a Clip per use."""

    name: str
    source_range: otio.opentime.TimeRange
    references: tuple[tuple[str, str | None, str, otio.opentime.TimeRange], ...]  # key, url, name, available
    metadata: dict[str, Any]

    def clip(self, media_kind: str) -> otio.schema.Clip:
        """A new Clip (the adapter's clip before its parent track is collapsed into it)."""
        clip = otio.schema.Clip(name=self.name, source_range=self.source_range)
        if self.references:
            refs = collections.OrderedDict()
            for key, url, name, available in self.references:
                if url:
                    ref = otio.schema.ExternalReference(target_url=url, available_range=available)
                else:
                    ref = otio.schema.MissingReference(name=name, available_range=available)
                ref.name = name
                refs[key] = ref
            clip.set_media_references(refs, otio.schema.Clip.DEFAULT_MEDIA_KEY)
        meta = dict(self.metadata)
        meta["MediaKind"] = media_kind
        clip.metadata["AAF"] = meta
        return clip


class MasterClips:
    """Master mob slots already built, by (MobID, SlotID): a feature uses each one many times."""

    def __init__(self) -> None:
        self._done: dict[tuple[str, int], MasterClip] = {}
        self._mobs: dict[str, tuple[Any, list[str]]] = {}  # MobID -> start timecode range, locator URLs

    def get(self, master: Any, slot_id: int) -> MasterClip:
        """The clip of ``master``'s slot ``slot_id``; :class:`Unsupported` unless it is a plain chain."""
        key = (str(master.mob_id), int(slot_id))
        found = self._done.get(key)
        if found is None:
            found = self._done[key] = _master_clip(master, slot_id, self._mob_facts)
        return found

    def _mob_facts(self, mob: Any, urls: bool) -> tuple[Any, list[str]]:
        """A mob's start timecode (the adapter's ``_get_mob_start_tc``) and its locators' URLs, read once per mob."""
        from otio_aaf_adapter.adapters import advanced_authoring_format as adapter

        key = str(mob.mob_id)
        facts = self._mobs.get(key)
        if facts is None:
            facts = self._mobs[key] = (adapter._get_mob_start_tc(mob), _locator_urls(mob) if urls else [])
        return facts


def _master_clip(master: Any, slot_id: int, mob_facts: Any) -> MasterClip:
    import aaf2
    from otio_aaf_adapter.adapters import advanced_authoring_format as adapter

    if not isinstance(master, aaf2.mobs.MasterMob) or not master.name:
        raise Unsupported(f"a SourceClip points at {type(master).__name__} {getattr(master, 'name', None)!r}")
    slot = next((s for s in master.slots if s.slot_id == slot_id), None)
    if not isinstance(slot, aaf2.mobslots.TimelineMobSlot) or not _is_only_mob_slot(master, slot):
        raise Unsupported(f"master mob {master.name!r} has no plain timeline slot {slot_id}")
    components = [c for c in adapter._resolve_slot_components(slot) if c.length]
    if len(components) != 1 or not isinstance(components[0], aaf2.components.SourceClip):
        raise Unsupported(f"master mob {master.name!r} slot {slot_id} is not one SourceClip")
    comments = _user_comments(master)
    global_start = mob_facts(master, False)[0]
    chain = adapter._get_source_mob_reference_chain(master, slot, components[0], [])
    in_range = None
    found: list[tuple[str, str | None, otio.opentime.TimeRange]] = []
    clip_range = None
    for chain_mob, chain_slot, chain_clip in reversed(chain):
        is_source = isinstance(chain_mob, aaf2.mobs.SourceMob)
        start_tc, urls = mob_facts(chain_mob, True) if is_source else (None, [])
        available = adapter._get_source_clip_ranges(chain_slot, chain_clip, in_range, start_tc)
        if is_source:
            found.extend(_source_references(chain_mob, urls, available, global_start))
        elif chain_mob is master:
            clip_range = available
        else:
            raise Unsupported(f"a {type(chain_mob).__name__} in the source chain of {master.name!r}")
        in_range = available
    if clip_range is None:
        raise Unsupported(f"no master mob in the source chain of {master.name!r}")
    if global_start:
        clip_range = otio.opentime.TimeRange(clip_range.start_time + global_start.start_time, clip_range.duration)
    found.reverse()
    unc_path = comments.get("UNC Path")
    if unc_path:  # the adapter's "custom behaviour": the path a bin's UNC Path column gives comes first
        found.insert(0, ("UNC Path", adapter._transcribe_url(str(unc_path)), clip_range))
    meta: dict[str, Any] = {"ClassName": "MasterMob", "Name": master.name, "MobID": str(master.mob_id)}
    if comments:
        meta["UserComments"] = comments
    return MasterClip(master.name, clip_range, _keyed(found), meta)


def _is_only_mob_slot(master: Any, slot: Any) -> bool:
    """The adapter takes the first slot with this SlotID among timeline and event slots."""
    import aaf2

    for s in master.slots:
        if isinstance(s, (aaf2.mobslots.TimelineMobSlot, aaf2.mobslots.EventMobSlot)) and s.slot_id == slot.slot_id:
            return s is slot
    return False


def _locator_urls(mob: Any) -> list[str]:
    """The URLs of a source mob's locators, as ``_transcribe_source_mob`` writes them."""
    from otio_aaf_adapter.adapters import advanced_authoring_format as adapter

    urls = []
    for locator in mob.descriptor["Locator"].value:
        url = locator["URLString"].value
        if url:
            urls.append(adapter._transcribe_url(url))
    return urls


def _source_references(mob: Any, urls: list[str], available: otio.opentime.TimeRange, global_start: Any) -> list[tuple[str, str | None, otio.opentime.TimeRange]]:
    """(name, url, available range) per locator of a source mob, as ``_transcribe_source_mob`` makes them."""
    name = mob.name or str(mob.mob_id)
    if global_start:
        available = otio.opentime.TimeRange(available.start_time + global_start.start_time, available.duration)
    return [(name, url, available) for url in (urls or [None])]


def _keyed(found: list[tuple[str, str | None, otio.opentime.TimeRange]]) -> tuple:
    """The adapter's keys: the first is DEFAULT_MEDIA, the others their name (``_01`` ... when taken)."""
    out = []
    keys: set[str] = set()
    for i, (name, url, available) in enumerate(found):
        if i == 0:
            key = otio.schema.Clip.DEFAULT_MEDIA_KEY
        else:
            key, n = name, 1
            while key in keys:
                key = name + "_%02d" % n  # noqa: UP031 - the layout Avid writes, spelled as a C format
                n += 1
        keys.add(key)
        out.append((key, url, name, available))
    return tuple(out)


def _user_comments(mob: Any) -> dict[str, Any]:
    """UserComments as the adapter transcribes them: named values only, text and numbers kept as they are."""
    import numbers

    if "UserComments" not in mob.keys():
        return {}
    out: dict[str, Any] = {}
    for tag in mob["UserComments"].value or []:
        if not tag.name:
            continue
        value = tag.value
        out[tag.name] = value if isinstance(value, (str, numbers.Integral, float)) else str(value)
    return out
