"""Write-back for AAF (Avid Media Composer): edit a copy of the editor's own file with pyaaf2.

The input is copied to a temporary file beside the output and opened with ``aaf2.open(tmp, "rw")``;
the sequence that was read (its CompositionMob) gets:

* temp-music sound slots: TimelineMobSlots named ``TEMP MX A``, ``TEMP MX B`` ..., one per channel of
  the temp media (a stereo WAV gives a left and a right track per lane, as Media Composer lays out a
  stereo clip on mono tracks), each a Sequence of Filler and SourceClips as long as the sequence, on
  the next free audio track numbers; the clips play MasterMobs that AMA-link the WAVs, or with
  ``embed_media`` play their samples embedded in the AAF as EssenceData (``aaf_media``);
* or, first, the editor's own EMPTY music tracks: sound TimelineMobSlots named for music (``MX 1``,
  ``Musikk``: :func:`~..additions.is_music_track_name`) whose Sequence holds only Filler take the first lanes,
  one slot per channel, in track order (``[apply] new_tracks = true`` asks for new slots always); the slot
  keeps its name, id and track number, its Fillers are replaced by ours, and how they were is kept in the
  sequence's ``MobAttributeList`` (``_SCOREPLAN_EDITORS_SLOTS``) so a later run leaves the slot empty again;
* the cue and hit locators as DescriptiveMarkers in a new EventMobSlot on the first temp track (``TEMP MX A``,
  or the editor's track that took it), written as Media Composer writes its own (``aaf_markers``);
* a new MobID derived from its original MobID and the cue ids, and the name ``<name> [scoreplan temp
  score]``, so importing it never collides with the editor's own sequence. The original MobID and name
  are kept in the mob's ``MobAttributeList`` so a later run derives the same ids.

Nothing else is changed (the header, its IdentificationList and dates included). A run over our own
output first removes what an earlier run added (slots that play only mobs of ours and carry our
``_SCOREPLAN_TEMP_TRACK`` attribute or a temp track name, locators with our token or user, mobs named
with our token, and their EssenceData, unless an editor's track still plays them; the editor's music slots it
put temp on get their Fillers back, unless the editor has cut material of their own in since), so applying twice gives the same mobs,
slots and ids as applying once. The same input and plan give the same bytes (ids and timestamps are
derived, pyaaf2's directory shuffling is seeded); over our own output only the pyaaf2 view is the same.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import shutil
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...outfile import atomic_path
from .. import Source
from ..additions import Additions, ClipAdd, is_music_track_name
from ..media import media_start
from .markers import MarkerWriter, is_ours_marker
from .media import MediaLinker, bare, derived_mob_id, is_ours_mob
from .raw import find_mob
from .read import ORIGINAL_NAME_KEY, _pyaaf2_warnings_to_debug

log = logging.getLogger(__name__)

NAME_SUFFIX = " [scoreplan temp score]"
ORIGINAL_ID_KEY = "_SCOREPLAN_ORIGINAL_MOBID"
TRACK_ATTRIBUTE = "_SCOREPLAN_TEMP_TRACK"  # in the TimelineMobAttributeList of our temp-music slots
EDITORS_SLOTS_KEY = "_SCOREPLAN_EDITORS_SLOTS"  # in the sequence's MobAttributeList: the editor's empty music slots
# that took temp lanes, as they were (JSON: slot id, Sequence length, Filler data definition and lengths)
FIRST_EVENT_SLOT_ID = 1000  # Media Composer numbers its event slots from 1000 up


def write(source: Source, additions: Additions, output: Path, *, embed_media: bool = False) -> list[Path]:
    """Write ``source``'s AAF with ``additions`` to ``output`` (a copy edited in place, renamed at the end).

    ``embed_media`` puts the temp media's samples inside the AAF instead of linking the WAVs.
    """
    import aaf2

    with _pyaaf2_warnings_to_debug(), atomic_path(output, source.path) as tmp:
        shutil.copyfile(source.path, tmp)
        try:
            f = aaf2.open(str(tmp), "rw")
        except Exception as exc:
            raise InputError(f"pyaaf2 cannot open a copy of the AAF for writing: {type(exc).__name__}: {exc}", source.path) from None
        try:
            with f, _stable_random(str(source.timeline.name)):
                mob = _find_sequence(f, source)
                add_to_mob(f, mob, source, additions, embed_media=embed_media)
        except InputError:
            raise
        except Exception as exc:  # pyaaf2 tripping over a damaged compound file is the file's fault; ours stay bugs
            if not _raised_in_pyaaf2(exc):
                raise
            raise InputError(f"pyaaf2 cannot edit the AAF (damaged structure): {type(exc).__name__}: {exc}", source.path) from None
    return [output]


def _raised_in_pyaaf2(exc: BaseException) -> bool:
    """True when the innermost frame of ``exc``'s traceback is in the aaf2 package."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and f"{os.sep}aaf2{os.sep}" in tb.tb_frame.f_code.co_filename


@contextlib.contextmanager
def _stable_random(seed: str) -> Iterator[None]:
    """pyaaf2 shuffles compound-file directory trees with ``random``: seed it so reruns write the same bytes."""
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


def _find_sequence(f: Any, source: Source) -> Any:
    meta = source.timeline.metadata.get("AAF", {})
    mob_id = meta.get("MobID") if hasattr(meta, "get") else None
    mob = find_mob(f, mob_id, source.timeline.name)
    if mob is None:
        raise InputError(f"cannot find the sequence {source.timeline.name!r} in the AAF to write back", source.path)
    return mob


def add_to_mob(f: Any, mob: Any, source: Source, additions: Additions, *, embed_media: bool = False) -> None:
    """Remove earlier additions from ``mob``, then add ``additions`` and give it its new id and name."""
    import aaf2

    original_id, original_name = _original_identity(mob)
    removed = remove_additions(f, mob, additions.track_names)
    log.debug("%s: removed %d slots/locators/mobs of an earlier run", source.path.name, removed)
    cue_ids = sorted({c.cue_id for c in additions.clips} | {m.cue_id for m in additions.markers})
    _set_identity(f, mob, original_id, original_name, cue_ids)
    if not additions.clips and not additions.markers:
        return
    geometry = _Geometry(mob, source)
    stamp = mob["LastModified"].value if "LastModified" in mob.keys() else None
    linker = MediaLinker(f, original_id, geometry.edit_rate, stamp, embed=embed_media, rate=additions.sequence.rate,
                         drop_frame=additions.sequence.drop_frame, start_of=media_start)
    if isinstance(mob, aaf2.mobs.CompositionMob):
        slots = _add_sound_slots(f, mob, additions, geometry, linker)
    else:  # a master clip read as the "sequence": Media Composer has no tracks to add to it
        log.info("%s: %r is a master clip, not a sequence: only the cue locators are added, no temp-music tracks",
                    source.path.name, original_name)
        slots = []
    if additions.markers:
        first_slot = slots[0][0] if slots else _first_sound_slot(mob)
        first_track = slots[0][1] if slots else (_track_number(first_slot) or 1)
        _add_locators(f, mob, additions, geometry, MarkerWriter(f, original_id, stamp), first_slot, first_track)


class _Geometry:
    """Edit rate, length and free ids/track numbers of the sequence, and frame-to-edit-unit conversion."""

    def __init__(self, mob: Any, source: Source) -> None:
        import aaf2

        timeline = [s for s in mob.slots if isinstance(s, aaf2.mobslots.TimelineMobSlot)]
        media = [s for s in timeline if _kind(s) in ("Picture", "Sound")]
        picture = [s for s in media if _kind(s) == "Picture"]
        ruler = (picture or media or timeline or [None])[0]
        self.edit_rate = ruler.edit_rate if ruler is not None else source.rate
        self.units_per_frame = _units_per_frame(self.edit_rate, source.rate)
        self.length = max((_length(s) for s in media), default=0)
        ids = [s.slot_id for s in mob.slots]
        self.next_slot_id = max([i for i in ids if i < FIRST_EVENT_SLOT_ID], default=0) + 1
        self.taken_ids = set(ids)
        sound_tracks = [_track_number(s) for s in timeline if _kind(s) == "Sound"]
        self.next_track = max([n for n in sound_tracks if n is not None], default=0) + 1

    def units(self, frames: int) -> int:
        """Sequence frames as edit units of the sequence's slots."""
        return int(round(Fraction(frames) * self.units_per_frame))

    def new_slot_id(self) -> int:
        while self.next_slot_id in self.taken_ids:
            self.next_slot_id += 1
        slot_id = self.next_slot_id
        self.taken_ids.add(slot_id)
        return slot_id

    def new_event_slot_id(self) -> int:
        slot_id = max([FIRST_EVENT_SLOT_ID - 1, *self.taken_ids]) + 1
        self.taken_ids.add(slot_id)
        return slot_id


def _units_per_frame(edit_rate: Any, rate: float) -> Fraction:
    """Edit units per sequence frame: 1 unless the slots count samples (a Pro Tools session)."""
    er = Fraction(edit_rate.numerator, edit_rate.denominator) if hasattr(edit_rate, "numerator") else Fraction(str(edit_rate))
    if abs(float(er) - rate) < 0.01:
        return Fraction(1)
    return er / Fraction(rate).limit_denominator(1001)


def _kind(slot: Any) -> str:
    try:
        return str(slot.segment.media_kind)
    except Exception:
        return ""


def _length(slot: Any) -> int:
    try:
        return int(slot.segment.length or 0)
    except Exception:
        return 0


def _track_number(slot: Any) -> int | None:
    try:
        return int(slot["PhysicalTrackNumber"].value) if "PhysicalTrackNumber" in slot.keys() else None
    except Exception:
        return None


def _first_sound_slot(mob: Any) -> Any:
    """The slot our locators describe when we add no track: the first sound (else picture) slot."""
    for kind in ("Sound", "Picture"):
        for slot in mob.slots:
            if _kind(slot) == kind:
                return slot
    return mob.slots[0]


# --- identity -------------------------------------------------------------------------------------


def _attribute_values(mob: Any) -> dict[str, Any]:
    if "MobAttributeList" not in mob.keys():
        return {}
    return {t.name: t.value for t in mob["MobAttributeList"].value or []}


def _original_identity(mob: Any) -> tuple[Any, str]:
    """The editor's MobID and name: as stored by an earlier run, else the mob's own."""
    from aaf2.mobid import MobID

    attrs = _attribute_values(mob)
    if ORIGINAL_ID_KEY in attrs:
        return MobID(str(attrs[ORIGINAL_ID_KEY])), str(attrs.get(ORIGINAL_NAME_KEY, mob.name or ""))
    return MobID(str(mob.mob_id)), str(mob.name or "")


def _set_identity(f: Any, mob: Any, original_id: Any, original_name: str, cue_ids: list[str]) -> None:
    """New MobID from the original and the cue ids; name with our suffix; the originals kept as attributes."""
    mob.mob_id = derived_mob_id(original_id, "sequence/" + ",".join(cue_ids))
    mob.name = original_name + NAME_SUFFIX
    prop = mob["MobAttributeList"]
    if "MobAttributeList" in mob.keys():
        for index in reversed(range(len(prop.value or []))):
            if prop[index].name in (ORIGINAL_ID_KEY, ORIGINAL_NAME_KEY):
                _pop(f, prop, index)
    for key, value in ((ORIGINAL_ID_KEY, str(original_id)), (ORIGINAL_NAME_KEY, original_name)):
        prop.append(f.create.TaggedValue(key, value))


# --- removing an earlier run's additions ----------------------------------------------------------


def remove_additions(f: Any, mob: Any, track_names: list[str] = ()) -> int:
    """Remove our slots and locators from ``mob`` and our mobs from the file; returns how many went.

    A slot is ours when it plays only our mobs (and Filler) and carries our slot attribute or one of
    ``track_names``: an editor's own track that plays only our temp clips stays, with the mobs it plays.
    """
    import aaf2

    ours = {m.mob_id for m in f.content.mobs if is_ours_mob(m)}
    gone = _restore_editors_slots(f, mob, ours)  # the editor's own music slots stay, empty again
    for index in reversed(range(len(mob.slots))):
        slot = mob.slots[index]
        if isinstance(slot, aaf2.mobslots.EventMobSlot):
            markers = _remove_our_markers(f, slot)
            gone += markers
            if markers and _is_empty_event_slot(slot):
                _pop(f, mob.slots, index)
        elif ours and _plays_only(slot, ours) and (TRACK_ATTRIBUTE in _slot_attributes(slot) or slot.name in track_names):
            _pop(f, mob.slots, index)
            gone += 1
    kept = _still_used(f, mob, ours) if ours else set()
    if kept:
        log.info("keeping %d temp-music mobs of an earlier run that the editor's own tracks now use", len(kept))
    for mob_id in sorted(ours - kept, key=str):
        obj = f.content.mobs.get(mob_id)
        directory = obj.dir
        f.content.mobs.pop(mob_id)
        _rmtree(f, directory)
        essence = f.content.essencedata.get(mob_id) if "EssenceData" in f.content.keys() else None
        if essence is not None:  # the samples of a file mob we embedded
            directory = essence.dir
            f.content.essencedata.pop(mob_id)
            _rmtree(f, directory)
        gone += 1
    return gone


def _still_used(f: Any, mob: Any, ours: set) -> set:
    """Our mobs that the sequence's remaining (editor's) slots play, with the mobs those play in turn.

    An editor may have cut one of our temp clips into a track of their own: its master clip stays.
    """
    used: set = set()
    for slot in mob.slots:
        used |= _source_ids(slot) & ours
    todo = list(used)
    while todo:
        found = f.content.mobs.get(todo.pop())
        for slot in found.slots if found is not None else []:
            for mob_id in (_source_ids(slot) & ours) - used:
                used.add(mob_id)
                todo.append(mob_id)
    return used


def _source_ids(obj: Any) -> set:
    """Every SourceID under ``obj`` (any depth of strong references: nested scopes, effects, transitions)."""
    import aaf2.properties as props

    ids = set()
    stack = [obj]
    while stack:
        item = stack.pop()
        for p in item.properties():
            if isinstance(p, props.StrongRefProperty):
                stack.append(p.value)
            elif isinstance(p, (props.StrongRefVectorProperty, props.StrongRefSetProperty)):
                stack.extend(p.value)
            elif p.name == "SourceID" and p.value is not None:
                ids.add(p.value)
    return ids


def _remove_our_markers(f: Any, slot: Any) -> int:
    import aaf2

    seg = slot.segment
    if not isinstance(seg, aaf2.components.Sequence):
        return 0
    gone = 0
    for index in reversed(range(len(seg.components))):
        comp = seg.components[index]
        if isinstance(comp, aaf2.components.DescriptiveMarker) and is_ours_marker(comp):
            _pop(f, seg.components, index)
            gone += 1
    return gone


def _is_empty_event_slot(slot: Any) -> bool:
    import aaf2

    seg = slot.segment
    return isinstance(seg, aaf2.components.Sequence) and len(seg.components) == 0


def _slot_attributes(slot: Any) -> dict[str, Any]:
    try:
        if "TimelineMobAttributeList" not in slot.keys():
            return {}
        return {t.name: t.value for t in slot["TimelineMobAttributeList"].value or []}
    except Exception:  # a damaged attribute list is not ours
        return {}


def _plays_only(slot: Any, ours: set) -> bool:
    """True for a timeline slot whose Sequence holds SourceClips of our mobs, Fillers and the fades between them only."""
    import aaf2

    seg = getattr(slot, "segment", None)
    if not isinstance(slot, aaf2.mobslots.TimelineMobSlot) or not isinstance(seg, aaf2.components.Sequence):
        return False
    clips = 0
    for comp in seg.components:
        if isinstance(comp, aaf2.components.SourceClip):
            if comp.mob_id not in ours:
                return False
            clips += 1
        elif not isinstance(comp, (aaf2.components.Filler, aaf2.components.Transition)):
            return False
    return clips > 0


def _pop(f: Any, vector: Any, index: int) -> None:
    """Remove item ``index`` of a strong-reference vector and its storage in the compound file."""
    directory = vector[index].dir
    vector.pop(index)
    _rmtree(f, directory)


def _rmtree(f: Any, directory: Any) -> None:
    if directory is not None:
        with contextlib.suppress(Exception):  # the entry may already be gone with its parent
            f.cfb.rmtree(directory)


# --- adding ---------------------------------------------------------------------------------------


def _add_sound_slots(f: Any, mob: Any, additions: Additions, geo: _Geometry, linker: MediaLinker) -> list[tuple[Any, int]]:
    """One slot per lane and channel; returns (slot, track number) in the order added."""
    masters = {}
    channels = 1
    for add in additions.clips:
        master = linker.master_mob(add, geo.units(add.media_frames))
        masters[add.cue_id] = master
        channels = max(channels, len(master.slots))
    homes = editors_music_slots(mob, additions.track_prefix) if additions.editors_tracks else []
    homes = homes[: channels * len(additions.track_names)]
    homes = homes[: len(homes) - len(homes) % channels]  # whole lanes only: one slot per channel
    records = []
    added: list[tuple[Any, int]] = []
    for lane, name in enumerate(additions.track_names):
        clips = sorted((c for c in additions.clips if c.lane == lane), key=lambda c: c.start_frame)
        if (lane + 1) * channels <= len(homes):  # the editor's own empty music slots take the lane
            taken = homes[lane * channels: (lane + 1) * channels]
            for channel, slot in enumerate(taken, start=1):
                records.append(_fill_editors_slot(f, slot, clips, masters, channel, geo))
                added.append((slot, _track_number(slot) or 0))
            labels = ", ".join(f"A{_track_number(s)} {s.name!r}" for s in taken)
            additions.notes.append(f"temp track {name}: on the editor's empty music track{'s' if channels > 1 else ''} "
                                   f"{labels}")
            continue
        for channel in range(1, channels + 1):
            track = geo.next_track
            geo.next_track += 1
            slot = bare(f, "TimelineMobSlot")  # Media Composer's property order
            slot["TimelineMobAttributeList"].value = [f.create.TaggedValue(TRACK_ATTRIBUTE, name)]
            slot["Origin"].value = 0
            slot["EditRate"].value = geo.edit_rate
            slot["Segment"].value = _lane_sequence(f, clips, masters, channel, geo)
            slot["PhysicalTrackNumber"].value = track
            slot["SlotID"].value = geo.new_slot_id()
            slot["SlotName"].value = name
            mob.slots.append(slot)
            added.append((slot, track))
    if records:
        mob["MobAttributeList"].append(f.create.TaggedValue(EDITORS_SLOTS_KEY, json.dumps(records)))
        new = additions.track_names[len(homes) // channels:]
        if new:
            additions.notes.append(f"temp track{'s' if len(new) > 1 else ''} {', '.join(new)}: new, below the last track")
    return added


def editors_music_slots(mob: Any, prefix: str) -> list[Any]:
    """The editor's own empty music tracks, in track order: sound TimelineMobSlots named for music ('MX 1',
    'Musikk 2') whose Sequence holds nothing but plain Filler (one data definition), not named like ours."""
    import aaf2

    out = []
    for slot in mob.slots:
        name = (slot.name or "").strip() if isinstance(slot, aaf2.mobslots.TimelineMobSlot) else ""
        if not name or name.startswith(prefix) or _kind(slot) != "Sound" or not is_music_track_name(name):
            continue
        if TRACK_ATTRIBUTE in _slot_attributes(slot) or _track_number(slot) is None:
            continue
        seq = slot.segment
        if not isinstance(seq, aaf2.components.Sequence) or "Length" not in seq.keys():
            continue
        comps = list(seq.components)
        if all(isinstance(c, aaf2.components.Filler) and set(c.keys()) <= {"Length", "DataDefinition"} for c in comps) \
                and len({str(c["DataDefinition"].value.auid) for c in comps if "DataDefinition" in c.keys()}) <= 1 \
                and all("DataDefinition" in c.keys() and "Length" in c.keys() for c in comps):
            out.append(slot)
    return sorted(out, key=lambda s: (_track_number(s) or 0, s.slot_id))


def _fill_editors_slot(f: Any, slot: Any, clips: list[ClipAdd], masters: dict[str, Any], channel: int,
                       geo: _Geometry) -> dict[str, Any]:
    """Put a lane's ``clips`` (one channel) in the editor's empty slot; returns how its Sequence was."""
    seq = slot.segment
    comps = list(seq.components)
    record = {"slot": slot.slot_id, "length": int(seq.length or 0), "fillers": [int(c.length or 0) for c in comps],
              "datadef": str(comps[0]["DataDefinition"].value.auid) if comps else None}
    for index in reversed(range(len(comps))):
        _pop(f, seq["Components"], index)
    components, length = _lane_components(f, clips, masters, channel, geo)
    seq["Components"].value = components
    seq["Length"].value = max(length, record["length"])
    return record


def _restore_editors_slots(f: Any, mob: Any, ours: set) -> int:
    """Empty again the editor's music slots an earlier run put temp on (as they were); returns how many."""
    import aaf2

    prop = mob["MobAttributeList"] if "MobAttributeList" in mob.keys() else None
    index = next((i for i, t in enumerate(prop.value or []) if t.name == EDITORS_SLOTS_KEY), None) if prop else None
    if index is None:
        return 0
    try:
        records = json.loads(str(prop[index].value))
    except ValueError:
        records = None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        log.warning("the record of the editor's music tracks an earlier run filled (%s) is damaged: their temp clips "
                    "are left on them", EDITORS_SLOTS_KEY)
        records = [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []
    gone = 0
    by_id = {s.slot_id: s for s in mob.slots}
    for record in records if isinstance(records, list) else []:
        slot = by_id.get(record.get("slot")) if isinstance(record, dict) else None
        if slot is None or not _plays_only(slot, ours):  # the editor has since cut their own material in: theirs
            log.info("the editor's track %r holds more than an earlier run's temp: left as it is", getattr(slot, "name", ""))
            continue
        fillers, length, datadef = record.get("fillers"), record.get("length"), None
        try:
            if record.get("datadef"):
                datadef = f.dictionary.lookup_datadef(aaf2.auid.AUID(str(record["datadef"])))
        except (ValueError, TypeError):
            datadef = None
        if not isinstance(length, int) or not isinstance(fillers, list) or (fillers and datadef is None) \
                or not all(isinstance(n, int) and n >= 0 for n in fillers) \
                or not 0 <= length < 2**31 or sum(fillers) != length:  # (a hand-edited record: leave the slot)
            log.warning("the record of the editor's track %r is damaged: its temp clips are left on it", slot.name)
            continue
        seq = slot.segment
        for i in reversed(range(len(seq.components))):
            _pop(f, seq["Components"], i)
        seq["Components"].value = [_filler(f, n, datadef) for n in fillers]
        seq["Length"].value = length
        gone += 1
    _pop(f, prop, index)
    return gone


def _lane_sequence(f: Any, clips: list[ClipAdd], masters: dict[str, Any], channel: int, geo: _Geometry) -> Any:
    """Filler and SourceClips placing ``clips`` at their record frames, as long as the sequence."""
    components, length = _lane_components(f, clips, masters, channel, geo)
    seq = bare(f, "Sequence")
    seq["Components"].value = components
    seq["Length"].value = length
    seq["DataDefinition"].value = f.dictionary.lookup_datadef("sound")
    return seq


def _lane_components(f: Any, clips: list[ClipAdd], masters: dict[str, Any], channel: int,
                     geo: _Geometry) -> tuple[list[Any], int]:
    """The components of a lane's Sequence (one channel) and its length in edit units."""
    sound = f.dictionary.lookup_datadef("sound")
    components = []
    cursor = 0
    fades = _lane_fades(clips, geo)
    for k, add in enumerate(clips):
        start, end = geo.units(add.start_frame), geo.units(add.end_frame)
        fade_in, fade_out_before = fades[k][0], fades[k - 1][1] if k else 0
        if start > cursor or fade_in or fade_out_before:  # a fade overlaps the filler beside the clip
            components.append(_filler(f, start - cursor + fade_in + fade_out_before, sound))
        if fade_in:  # a fade-in is an audio dissolve from the filler, starting at the clip's first frame
            components.append(_audio_dissolve(f, fade_in, 0, sound))
        master = masters[add.cue_id]
        clip = bare(f, "SourceClip")
        clip["StartTime"].value = geo.units(add.source_in)
        clip["SourceMobSlotID"].value = min(channel, len(master.slots))
        clip["SourceID"].value = master.mob_id
        clip["Length"].value = end - start
        clip["DataDefinition"].value = sound
        components.append(clip)
        if fades[k][1]:  # a fade-out is an audio dissolve to the filler after it, ending at the clip's last frame
            components.append(_audio_dissolve(f, fades[k][1], fades[k][1], sound))
        cursor = end
    last_fade = fades[-1][1] if clips else 0
    if geo.length > cursor or last_fade:
        components.append(_filler(f, max(geo.length, cursor) - cursor + last_fade, sound))
    return components, max(geo.length, cursor)


AUDIO_DISSOLVE = ("0c3bea41-fc05-11d2-8a29-0050040ef7d2", "Audio Dissolve")  # Media Composer's (AAF's MonoAudioDissolve)


def _lane_fades(clips: list[ClipAdd], geo: _Geometry) -> list[tuple[int, int]]:
    """(fade-in, fade-out) edit units of each clip of a lane, as audio dissolves to and from the filler around it.

    A dissolve needs room: at most half its clip, and the filler between two clips of one lane holds the
    previous clip's fade-out and the next one's fade-in side by side (Media Composer cannot overlap two
    transitions): fades that do not fit are shortened to share it, with a warning naming both clips (the mix and
    the other formats fade over the whole length).
    """
    out = []
    for add in clips:
        length = geo.units(add.end_frame) - geo.units(add.start_frame)
        out.append((min(geo.units(add.fade_in_frames), length // 2), min(geo.units(add.fade_out_frames), length // 2)))
    for k in range(1, len(clips)):
        gap = max(0, geo.units(clips[k].start_frame) - geo.units(clips[k - 1].end_frame))
        fade_out, fade_in = out[k - 1][1], out[k][0]
        if fade_out + fade_in > gap:
            kept_out = fade_out * gap // (fade_out + fade_in)
            out[k - 1], out[k] = (out[k - 1][0], kept_out), (gap - kept_out, out[k][1])
            log.warning("%s and %s: their fades (%d and %d edit units) do not fit the %d between them on one AAF "
                        "track (Media Composer cannot overlap two dissolves): shortened to %d and %d",
                        clips[k - 1].name, clips[k].name, fade_out, fade_in, gap, kept_out, gap - kept_out)
    return out


def _audio_dissolve(f: Any, length: int, cut_point: int, sound: Any) -> Any:
    """A Transition of ``length`` edit units playing an audio dissolve (a fade to or from the filler beside it)."""
    import uuid

    op_def = f.dictionary.lookup_operationdef(uuid.UUID(AUDIO_DISSOLVE[0]))
    if op_def is None:
        op_def = f.create.OperationDef(uuid.UUID(AUDIO_DISSOLVE[0]), AUDIO_DISSOLVE[1], "")
        f.dictionary.register_def(op_def)
        op_def["IsTimeWarp"].value = False
        op_def["NumberInputs"].value = 2
        op_def["OperationCategory"].value = "OperationCategory_Effect"
        op_def["DataDefinition"].value = sound
    group = f.create.OperationGroup(op_def, length)
    group["DataDefinition"].value = sound
    transition = f.create.Transition(sound, length)
    transition["OperationGroup"].value = group
    transition["CutPoint"].value = cut_point
    transition["DataDefinition"].value = sound
    return transition


def _filler(f: Any, length: int, datadef: Any) -> Any:
    filler = bare(f, "Filler")
    filler["Length"].value = length
    filler["DataDefinition"].value = datadef
    return filler


def _add_locators(f: Any, mob: Any, additions: Additions, geo: _Geometry, writer: MarkerWriter, slot: Any, track: int) -> None:
    """Our locators, in record order, in one new event slot on ``slot`` (the first TEMP MX track)."""
    event = writer.event_slot(mob, geo.new_event_slot_id(), geo.edit_rate, track)
    label = f"A{track}" if _kind(slot) == "Sound" else f"V{track}"
    counts: dict[tuple[str, str], int] = {}
    for add in sorted(additions.markers, key=lambda m: (m.frame, m.kind != "cue", m.cue_id)):
        n = counts.get((add.cue_id, add.kind), 0)
        counts[(add.cue_id, add.kind)] = n + 1
        marker = writer.marker(add, geo.units(add.frame), geo.units(add.duration_frames), slot.slot_id, label, n)
        event.segment.components.append(marker)


def describe_written(written: list[Path]) -> list[str]:
    """Notes for the user: the name the sequence now has, when only locators could be added, and what
    temp media is embedded."""
    import aaf2

    if not written:
        return []
    try:
        with _pyaaf2_warnings_to_debug(), aaf2.open(str(written[0]), "r") as f:
            for mob in f.content.mobs:
                if ORIGINAL_ID_KEY not in _attribute_values(mob):
                    continue
                if isinstance(mob, aaf2.mobs.CompositionMob):
                    notes = [f"the sequence is now {mob.name!r} with a new MobID, so importing it into Media Composer "
                             "does not replace the editor's own"]
                else:
                    notes = [f"the AAF holds a master clip, not a sequence: only the cue locators were added, on a copy "
                             f"of the master clip named {mob.name!r} with a new MobID, so importing it into Media "
                             "Composer does not replace the editor's own"]
                embedded = [e for e in (f.content.essencedata if "EssenceData" in f.content.keys() else [])
                            if e.mob is not None and is_ours_mob(e.mob)]
                if embedded:
                    notes.append(f"the temp music's samples are embedded in the AAF ({len(embedded)} mono channels)")
                return notes
    except Exception:  # a note is a courtesy; the file itself was checked when written
        log.debug("cannot describe %s", written[0], exc_info=True)
    return []
