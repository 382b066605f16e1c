"""Write ``avid_sample.aaf``: a two-minute Avid-style sequence with locators for the music editor.

Run ``python sample_timelines/make_avid_sample.py`` from the repository root (pyaaf2 only). The
file is laid out the way Media Composer exports a sequence (compare ../shared/corpus/avid/*.aaf):

* one top-level CompositionMob, 24 fps, with its primary timecode on a Timecode slot whose
  PhysicalTrackNumber is 1 (start 01:00:00:00, non-drop);
* a picture slot (V1) and two sound slots (A1 "DIA", A2 "MX"), each a Sequence of SourceClips
  pointing at MasterMobs, which point at file SourceMobs, which point at tape SourceMobs with their
  own source timecode; Fillers between clips;
* the locators as DescriptiveMarkers in EventMobSlots, one event slot per marked track: the event
  slot's PhysicalTrackNumber is the track number, ``DescribedSlots`` the marked slot, ``Position``
  the record frame counted from the first frame of the sequence; comment, user and colour both in
  the marker's properties and in its ``CommentMarkerAttributeList`` (``_ATN_CRM_*``), as Media
  Composer writes them.

Clip names follow the script-supervisor style "12A-3" (scene 12A, take 3); the A2 track "MX" holds
the editor's temp music, one clip. MobIDs are derived from names, so reruns make the same mobs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import aaf2
from aaf2.auid import AUID
from aaf2.mobid import MobID

HERE = Path(__file__).resolve().parent
OUT = HERE / "avid_sample.aaf"

RATE = 24  # edit rate and timecode fps
START_TC = 3600 * RATE  # 01:00:00:00
SEQUENCE_NAME = "ANNA R1 v3 - music spotting"


@dataclass(frozen=True)
class Shot:
    name: str  # scene-take
    start: int  # record frame from the first frame of the sequence
    end: int
    source_in: int  # source timecode of the in point, as frames at RATE


@dataclass(frozen=True)
class Locator:
    frame: int  # record frame from the first frame of the sequence
    comment: str
    color: str  # Media Composer's name
    user: str
    track: str  # "V1" or "A2"


def s(seconds: int, frames: int = 0) -> int:
    return seconds * RATE + frames


SHOTS: tuple[Shot, ...] = (
    Shot("12-1", s(0), s(6), s(14 * 3600 + 22 * 60 + 10)),
    Shot("12A-3", s(6), s(14), s(14 * 3600 + 41 * 60 + 2)),
    Shot("12B-2", s(14), s(22), s(14 * 3600 + 48 * 60 + 30)),
    Shot("12A-4", s(22), s(30), s(14 * 3600 + 44 * 60 + 15)),
    Shot("12-2", s(30), s(38), s(14 * 3600 + 25 * 60 + 40)),
    Shot("13-2", s(38), s(50), s(20 * 3600 + 5 * 60 + 11)),
    Shot("13A-1", s(50), s(68), s(20 * 3600 + 18 * 60 + 2)),
    Shot("13B-3", s(68), s(80), s(20 * 3600 + 22 * 60 + 47)),
    Shot("14-1", s(80), s(98), s(19 * 3600 + 2 * 60)),
    Shot("14A-2", s(98), s(120), s(19 * 3600 + 15 * 60 + 30)),
)
DURATION = s(120)

# The editor's temp music on A2 "MX": 00:40 to 01:18 of the sequence, from 12 s into the track.
MUSIC_NAME = "KPM_0512_03 Night Pursuit"
MUSIC_START, MUSIC_END, MUSIC_SOURCE_IN = s(40), s(78), s(12)

LOCATORS: tuple[Locator, ...] = (
    Locator(s(12), "MUSIC IN - tension", "Red", "mdavies", "V1"),
    Locator(s(37, 12), "hit: door slam", "Yellow", "mdavies", "A2"),
    Locator(s(80), "THEME: Anna", "Cyan", "jsmith", "V1"),
    Locator(s(112, 6), "MUSIC OUT", "Red", "mdavies", "V1"),
)

# The assistant editor's notes in the bin's Comments column.
CLIP_COMMENTS = {"13A-1": "Anna looks to camera - director wants the theme to land here"}

# Media Composer's CommentMarkerColor values (16-bit RGB), as found in its exports.
AVID_RGB = {
    "Red": (41471, 12134, 6564),
    "Green": (13107, 52428, 13107),
    "Blue": (13107, 13107, 52428),
    "Cyan": (13107, 52428, 52428),
    "Magenta": (52428, 13107, 52428),
    "Yellow": (58981, 58981, 6553),
}

PICTURE_SLOT, DIA_SLOT, MX_SLOT = 9, 10, 11
TRACK_SLOTS = {"V1": (PICTURE_SLOT, 1), "A1": (DIA_SLOT, 1), "A2": (MX_SLOT, 2)}


def mob_id(name: str) -> MobID:
    """A MobID derived from ``name``, so that reruns write the same mobs."""
    mid = MobID.new()  # a SMPTE UMID label with a random material number ...
    mid.material = AUID(uuid.uuid5(uuid.NAMESPACE_URL, f"otio-scoreplan/avid_sample/{name}"))  # ... made stable
    return mid


def master_clip(f: aaf2.AAFFile, name: str, media_kind: str, source_start: int, length: int) -> aaf2.mobs.MasterMob:
    """MasterMob -> file SourceMob -> tape SourceMob (with source timecode), as Avid links them."""
    tape = f.create.SourceMob(f"{name} tape")
    tape.mob_id = mob_id(f"tape/{name}")
    f.content.mobs.append(tape)
    tape_slot, tc_slot = tape.create_tape_slots(name, RATE, RATE, media_kind=media_kind)
    tc_slot.segment.start = 0

    file_mob = f.create.SourceMob(f"{name} file")
    file_mob.mob_id = mob_id(f"file/{name}")
    f.content.mobs.append(file_mob)
    file_mob.descriptor = f.create.ImportDescriptor()
    file_slot = file_mob.create_timeline_slot(RATE)
    file_clip = file_mob.create_source_clip(file_slot.slot_id, start=source_start, length=length, media_kind=media_kind)
    file_clip.mob = tape
    file_clip.slot = tape_slot
    file_slot.segment = file_clip

    master = f.create.MasterMob(name)
    master.mob_id = mob_id(f"master/{name}")
    f.content.mobs.append(master)
    master_slot = master.create_timeline_slot(RATE)
    clip = master.create_source_clip(master_slot.slot_id, start=0, length=length, media_kind=media_kind)
    clip.mob = file_mob
    clip.slot = file_slot
    master_slot.segment = clip
    return master


def record_clip(f: aaf2.AAFFile, master: aaf2.mobs.MasterMob, media_kind: str, length: int) -> aaf2.components.SourceClip:
    clip = f.create.SourceClip(media_kind=media_kind, length=length)
    clip.mob = master
    clip.slot = master.slots[0]
    clip.start = 0
    return clip


def track_slot(f: aaf2.AAFFile, comp: aaf2.mobs.CompositionMob, slot_id: int, name: str, media_kind: str, number: int):
    slot = comp.create_timeline_slot(RATE, slot_id=slot_id)
    slot.name = name
    slot["PhysicalTrackNumber"].value = number
    seq = f.create.Sequence(media_kind=media_kind)
    slot.segment = seq
    return seq


def add_locators(f: aaf2.AAFFile, comp: aaf2.mobs.CompositionMob) -> None:
    """One EventMobSlot per marked track, holding that track's DescriptiveMarkers in record order."""
    for n, track in enumerate(sorted({loc.track for loc in LOCATORS})):
        described, number = TRACK_SLOTS[track]
        ev = f.create.EventMobSlot()
        ev["SlotID"].value = 1008 + n
        ev["EditRate"].value = RATE
        ev["PhysicalTrackNumber"].value = number
        seq = f.create.Sequence(media_kind="DescriptiveMetadata")
        ev.segment = seq
        comp.slots.append(ev)
        for loc in sorted((l for l in LOCATORS if l.track == track), key=lambda l: l.frame):  # noqa: E741 - a short-lived name in a comprehension
            marker = f.create.DescriptiveMarker()
            marker["DataDefinition"].value = f.dictionary.lookup_datadef("DescriptiveMetadata")
            marker["Position"].value = loc.frame
            marker["Comment"].value = loc.comment
            marker["CommentMarkerUser"].value = loc.user
            r, g, b = AVID_RGB[loc.color]
            marker["CommentMarkerColor"].value = {"red": r, "green": g, "blue": b}
            marker["DescribedSlots"].value = {described}
            for key, value in (
                ("_ATN_CRM_COLOR", loc.color),
                ("_ATN_CRM_USER", loc.user),
                ("_ATN_CRM_COM", loc.comment),
                ("_ATN_CRM_TRK", track),
                ("_ATN_CRM_LENGTH", 1),
            ):
                marker["CommentMarkerAttributeList"].append(f.create.TaggedValue(key, value))
            seq.components.append(marker)


def build(path: Path = OUT) -> Path:
    """Write the sample to ``path`` and return it."""
    with aaf2.open(str(path), "w") as f:
        comp = f.create.CompositionMob(SEQUENCE_NAME)
        comp.mob_id = mob_id("sequence")
        comp.usage = "Usage_TopLevel"
        f.content.mobs.append(comp)

        tc_slot = comp.create_timeline_slot(RATE, slot_id=1)
        tc_slot["PhysicalTrackNumber"].value = 1
        tc_slot.segment = f.create.Timecode(RATE, drop=False, length=DURATION)
        tc_slot.segment.start = START_TC

        picture = track_slot(f, comp, PICTURE_SLOT, "", "picture", 1)
        dialogue = track_slot(f, comp, DIA_SLOT, "DIA", "sound", 1)
        for shot in SHOTS:
            length = shot.end - shot.start
            master = master_clip(f, shot.name, "picture", shot.source_in, length)
            scene, take = shot.name.rsplit("-", 1)
            master.comments["Scene"] = scene  # Avid bin columns travel as the MasterMob's UserComments
            master.comments["Take"] = take
            if shot.name in CLIP_COMMENTS:
                master.comments["Comments"] = CLIP_COMMENTS[shot.name]
            picture.components.append(record_clip(f, master, "picture", length))
            sound = master_clip(f, f"{shot.name}.A1", "sound", shot.source_in, length)
            clip = record_clip(f, sound, "sound", length)
            dialogue.components.append(clip)

        music = track_slot(f, comp, MX_SLOT, "MX", "sound", 2)
        music.components.append(f.create.Filler("sound", MUSIC_START))
        mx = master_clip(f, MUSIC_NAME, "sound", MUSIC_SOURCE_IN, MUSIC_END - MUSIC_START)
        music.components.append(record_clip(f, mx, "sound", MUSIC_END - MUSIC_START))
        music.components.append(f.create.Filler("sound", DURATION - MUSIC_END))

        add_locators(f, comp)
    return path


if __name__ == "__main__":
    print(build())
