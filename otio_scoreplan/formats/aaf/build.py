"""A fast path for plain Media Composer sequences: their OTIO timeline built with pyaaf2 directly.

otio-aaf-adapter transcribes every property of every mob into metadata, then simplifies the result;
on a two-hour feature that is 30 s. For the structures it knows, :func:`build_timelines` builds the
timeline that comes out of the adapter's ``read_from_file`` (after ``_fix_transitions``,
``_attach_markers`` and ``_simplify``) without that transcription:

* the composition mobs the adapter picks (top-level ones, else all composition mobs);
* picture and sound TimelineMobSlots holding a Sequence (or one component) of SourceClips on plain
  MasterMob -> SourceMob chains, Fillers and Transitions (dissolves: in/out offsets from the cut point,
  the neighbours trimmed as ``_fix_transitions`` trims them); timecode and edgecode slots and event
  slots of locators, which the adapter's simplify drops (the locators are read again by ``aaf_raw``);
* names as the adapter gives them: a slot's name where its sequence is flattened into it, the
  sequence's where transitions keep it (the adapter's ``_is_redundant_container``), AAF class names
  for unnamed gaps and transitions (``aaf._clean_names`` clears them);
* metadata only where our package reads it: the mob's MobID and Name, clips' UserComments.

Anything else (OperationGroups outside transitions, NestedScope, Selector, EssenceGroup, a SourceClip
on a composition mob, a track holding no clip, other slot classes or media kinds, master mobs only)
returns None, and the reader asks the adapter as before. tests/test_aaf_build.py compares the two
timelines on every file the builder accepts.
"""

from __future__ import annotations

import logging
from typing import Any

import opentimelineio as otio

from .build_media import MasterClips, Unsupported

log = logging.getLogger(__name__)

# Slots the adapter turns into tracks its simplify removes again (nothing valuable in them).
_DROPPED_KINDS = ("Timecode", "LegacyTimecode", "Edgecode")
_KINDS = ("Picture", "Sound", "SoundMasterTrack")


def build_timelines(aaf_file: Any) -> Any | None:
    """The adapter's result for ``aaf_file`` (a Timeline, or a collection of them), or None to ask the adapter."""
    try:
        storage = aaf_file.content
        mobs = list(storage.toplevel()) or list(storage.compositionmobs())
        if not mobs:
            raise Unsupported("no composition mob (master clips only)")
        masters = MasterClips()
        timelines = [_timeline(mob, masters) for mob in mobs]
    except Unsupported as why:
        log.debug("AAF builder leaves this file to the adapter: %s", why)
        return None
    except Exception as error:  # pyaaf2 raises many kinds of error on odd or damaged files
        log.debug("AAF builder leaves this file to the adapter: %s: %s", type(error).__name__, error)
        return None
    if len(timelines) == 1:
        return timelines[0]
    return otio.schema.SerializableCollection(children=timelines)


def _timeline(mob: Any, masters: MasterClips) -> otio.schema.Timeline:
    import aaf2
    from otio_aaf_adapter.adapters import advanced_authoring_format as adapter

    if not isinstance(mob, aaf2.mobs.CompositionMob):
        raise Unsupported(f"top-level mob {type(mob).__name__}")
    name = _adapter_name(mob)
    timeline = otio.schema.Timeline(name=name)
    timeline.metadata["AAF"] = {"ClassName": "CompositionMob", "Name": name, "MobID": str(mob.mob_id)}
    slots = list(mob.slots)
    described = _described_slots(slots)
    for slot in slots:
        track = _slot_track(slot, masters, described)
        if track is not None:
            timeline.tracks.append(track)
    start = adapter._get_mob_start_tc(mob)
    if start:
        timeline.global_start_time = start.start_time
    return timeline


def _described_slots(slots: list[Any]) -> set[int]:
    """The SlotIDs the mob's locators describe (the adapter attaches each locator to that slot's track)."""
    import aaf2

    out: set[int] = set()
    for slot in slots:
        if isinstance(slot, aaf2.mobslots.EventMobSlot):
            for marker in _components(slot.segment)[0]:
                if isinstance(marker, aaf2.components.DescriptiveMarker) and "DescribedSlots" in marker.keys():
                    out.update(int(s) for s in marker["DescribedSlots"].value or ())
    return out


def _components(segment: Any) -> tuple[list[Any], Any]:
    """A slot segment's components, and the Sequence holding them (None for a single component)."""
    import aaf2

    if isinstance(segment, aaf2.components.Sequence):
        return list(segment.components), segment
    return [segment], None


def _slot_track(slot: Any, masters: MasterClips, described: set[int]) -> otio.schema.Track | None:
    """The top-level track the adapter keeps for ``slot``, or None where its simplify drops it.

    ``described``: the SlotIDs locators point at (a locator on a track of gaps keeps that track).
    """
    import aaf2

    if isinstance(slot, aaf2.mobslots.EventMobSlot):
        if not all(isinstance(c, aaf2.components.DescriptiveMarker) for c in _components(slot.segment)[0]):
            raise Unsupported("an event slot holding more than locators")
        return None
    if not isinstance(slot, aaf2.mobslots.TimelineMobSlot):
        raise Unsupported(f"a {type(slot).__name__}")
    segment = slot.segment
    kind = str(segment.media_kind)
    if kind in _DROPPED_KINDS:
        allowed = (aaf2.components.Timecode, aaf2.components.EdgeCode, aaf2.components.Pulldown, aaf2.components.Filler)
        if int(slot.slot_id) in described or not all(type(c) in allowed for c in _components(segment)[0]):
            raise Unsupported(f"a {kind} slot holding other components")
        return None
    if kind not in _KINDS:
        raise Unsupported(f"a slot of media kind {kind}")
    rate = float(slot.edit_rate)
    if rate <= 0:
        raise Unsupported("a slot edit rate of 0")
    group = None
    if isinstance(segment, aaf2.components.OperationGroup):
        group, segment = segment, _group_input(segment)
    parts, sequence = _components(segment)
    if sequence is not None and str(sequence.media_kind) not in _KINDS:
        raise Unsupported(f"a sequence of media kind {sequence.media_kind}")
    built = [_item(c, rate, masters) for c in parts]
    items = [item for item, _ in built]
    transitions = any(isinstance(i, otio.schema.Transition) for i in items)
    if not any(isinstance(i, otio.schema.Clip) for i in items):
        if group is None and not transitions and int(slot.slot_id) not in described:
            return None  # gaps only: not valuable to the adapter's simplify
        raise Unsupported("a track holding no clip")
    _fix_transitions(items, [wrapper for _, wrapper in built])
    if group is not None:
        if sequence is None or len(items) < 2:
            raise Unsupported("an OperationGroup over a single component")
        return _group_track(group, sequence, items, rate, transitions)
    if transitions:
        if sequence is None or len(items) == 1:
            raise Unsupported("a transition outside a sequence")
        track = _track(sequence, "Sequence")
    else:
        track = _track(slot, "TimelineMobSlot")
    for item in items:
        track.append(item)
    return track


def _track(obj: Any, class_name: str) -> otio.schema.Track:
    """A track named as the adapter names ``obj`` (a slot or a sequence)."""
    name = _adapter_name(obj)
    track = otio.schema.Track(name=name, kind=_kind(str(obj.segment.media_kind if class_name == "TimelineMobSlot" else obj.media_kind)))
    track.metadata["AAF"] = {"ClassName": class_name, "Name": name}
    return track


def _group_input(group: Any) -> Any:
    """The one Sequence a slot-wide OperationGroup (Audio Pan, gain ...) applies to; else Unsupported."""
    import aaf2

    operation = group.operation
    if operation is None or operation.get("IsTimeWarp") is None or operation["IsTimeWarp"].value:
        raise Unsupported("a time warp or an OperationGroup without an operation")
    if group.getvalue("Rendering") is not None:
        raise Unsupported("an OperationGroup with a rendering")
    inputs = list(group.getvalue("InputSegments", []))
    if len(inputs) != 1 or not isinstance(inputs[0], aaf2.components.Sequence):
        raise Unsupported("an OperationGroup not over one sequence")
    return inputs[0]


def _group_track(group: Any, sequence: Any, items: list[Any], rate: float, transitions: bool) -> otio.schema.Track:
    """The adapter's Stack for the group, trimmed to its length and collapsed into the sequence's track.

    The track keeps the group as an Effect (not a time effect) and the Stack's range, as
    ``_simplify`` leaves them: without transitions the Stack is trimmed and its start set at rate 1
    (``TimeRange(duration=...)``); with them it keeps its own range.
    """
    track = _track(sequence, "Sequence")
    for item in items:
        track.append(item)
    length = otio.opentime.RationalTime(group.length, rate)
    if not transitions and track.duration() > length:
        track = otio.algorithms.track_trimmed_to_range(track, otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate), length))
    name = str(group.operation.name)
    effect = otio.schema.Effect(name=name, effect_name="")
    effect.metadata["AAF"] = {"Operation": {"Name": name, "IsTimeWarp": False}}
    track.effects.append(effect)
    if transitions:
        stack_range = otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate), length)
    else:
        stack_range = otio.opentime.TimeRange(duration=length)
    own = track.trimmed_range()
    track.source_range = otio.opentime.TimeRange(own.start_time + stack_range.start_time, stack_range.duration)
    return track


def _adapter_name(obj: Any) -> str:
    """The object's name, else its AAF class name (the adapter's ``_get_name``)."""
    from otio_aaf_adapter.adapters import advanced_authoring_format as adapter

    return str(adapter._get_name(obj))


def _kind(media_kind: str) -> str:
    return otio.schema.TrackKind.Video if media_kind == "Picture" else otio.schema.TrackKind.Audio


def _item(component: Any, rate: float, masters: MasterClips) -> tuple[Any, otio.opentime.TimeRange | None]:
    """One sequence component as the adapter's item (before ``_fix_transitions``).

    A clip comes with the range of the track the adapter wraps it in (the SourceClip's start and length).
    """
    import aaf2

    cls = type(component)
    length = component.length
    if cls is aaf2.components.SourceClip:
        if not length:
            raise Unsupported("a SourceClip of no length")
        master = component.mob
        if master is None:
            raise Unsupported("a SourceClip whose mob is missing")
        clip = masters.get(master, component.slot_id).clip(str(component.media_kind))
        wrapper = otio.opentime.TimeRange(otio.opentime.RationalTime(component.start, rate), otio.opentime.RationalTime(length, rate))
        return clip, wrapper
    if cls is aaf2.components.Filler:
        name = _adapter_name(component)
        gap = otio.schema.Gap(
            name=name,
            source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(length, rate)),
        )
        gap.metadata["AAF"] = {"ClassName": "Filler", "Name": name}
        return gap, None
    if cls is aaf2.components.Transition:
        return _transition(component, rate), None
    raise Unsupported(f"a {cls.__name__} in a sequence")


def _transition(component: Any, rate: float) -> otio.schema.Transition:
    import aaf2

    group = component.getvalue("OperationGroup")
    if not isinstance(group, aaf2.components.OperationGroup):
        raise Unsupported("a transition without an OperationGroup")
    cut = component.getvalue("CutPoint")
    in_offset = int(cut) if cut is not None else 0
    name = _adapter_name(component)
    transition = otio.schema.Transition(
        name=name,
        transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
        in_offset=otio.opentime.RationalTime(in_offset, rate),
        out_offset=otio.opentime.RationalTime(component.length - in_offset, rate),
    )
    transition.metadata["AAF"] = {"ClassName": "Transition", "Name": name, "CutPoint": in_offset}
    return transition


def _fix_transitions(items: list[Any], wrappers: list[otio.opentime.TimeRange | None]) -> None:
    """Trim the neighbours of transitions as ``_fix_transitions`` does, then collapse clip wrappers.

    A clip's wrapper range (the SourceClip's start and length) is trimmed, then the adapter's
    ``_is_redundant_container`` moves it onto the clip: start added to the clip's, length taken.
    """
    for i, item in enumerate(items):
        if isinstance(item, otio.schema.Transition):
            continue
        wrapper = wrappers[i]
        rng = wrapper if wrapper is not None else item.source_range
        if i > 0 and isinstance(items[i - 1], otio.schema.Transition):
            pre = items[i - 1]
            rng = otio.opentime.TimeRange(rng.start_time + pre.in_offset, rng.duration - pre.in_offset)
        if i < len(items) - 1 and isinstance(items[i + 1], otio.schema.Transition):
            rng = otio.opentime.TimeRange(rng.start_time, rng.duration - items[i + 1].out_offset)
        if wrapper is None:
            item.source_range = rng
            continue
        own = item.source_range
        item.source_range = otio.opentime.TimeRange(own.start_time + rng.start_time, rng.duration)
