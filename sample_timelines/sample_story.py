"""The story every sample timeline tells: one short film cut ("ANNA", reel 1), told once.

Times are (seconds, frames) from the first frame of the sequence at the format's nominal rate
(24 for 23.976, 30 for 29.97); timecodes are computed with OpenTimelineIO's ``opentime`` so drop
frame is counted the way editors' applications count it. Used by ``make_samples.py``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from lxml import etree
from opentimelineio import opentime

# ---------------------------------------------------------------------------------------------
# The story: one cut, told once
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryShot:
    """A picture shot of the cut: record range in seconds, camera file and its in-point timecode."""

    name: str  # scene-take, as the assistant editor named the clip
    start: int  # seconds from the first frame
    end: int
    camera_file: str
    source_in: str  # source timecode (hh:mm:ss) at the clip's in point


@dataclass(frozen=True)
class StoryMarker:
    """A marker of the editor's, placed at (seconds, frames) from the first frame."""

    seconds: int
    frames: int
    name: str
    comment: str = ""
    color: str = "GREEN"  # RED | GREEN | CYAN (colours every format here can carry)
    duration_seconds: int = 0


SHOTS: tuple[StoryShot, ...] = (
    StoryShot("12-1", 0, 6, "A012C003_220914_R1AB", "14:22:10"),
    StoryShot("12A-3", 6, 14, "A014C001_220914_R1AB", "14:41:02"),
    StoryShot("12B-2", 14, 22, "B009C002_220914_R2CD", "14:48:30"),
    StoryShot("12A-4", 22, 30, "A014C002_220914_R1AB", "14:44:15"),
    StoryShot("12-2", 30, 38, "A012C004_220914_R1AB", "14:25:40"),
    StoryShot("13-2", 38, 44, "A020C001_220915_R1AB", "20:05:11"),
    StoryShot("13A-1", 44, 50, "A021C003_220915_R1AB", "20:18:02"),
    StoryShot("13B-3", 50, 55, "B015C001_220915_R2CD", "20:22:47"),
    StoryShot("13-4", 55, 61, "A020C004_220915_R1AB", "20:09:33"),
    StoryShot("13C-1", 61, 68, "C003C002_220915_R3EF", "20:31:05"),
    StoryShot("13A-2", 68, 80, "A021C004_220915_R1AB", "20:20:20"),
    StoryShot("14-1", 80, 95, "A025C001_220916_R1AB", "19:02:04"),
    StoryShot("14A-2", 95, 112, "A026C002_220916_R1AB", "19:15:30"),
    StoryShot("15-3", 112, 122, "A031C003_220917_R1AB", "06:10:12"),
    StoryShot("15A-1", 122, 134, "A032C001_220917_R1AB", "06:21:40"),
    StoryShot("15B-2", 134, 154, "B022C002_220917_R2CD", "06:27:05"),
    # one second of black (after the fade to black) from 154 to 155
    StoryShot("16-1", 155, 166, "A040C001_220919_R1AB", "11:02:30"),
    StoryShot("16A-2", 166, 180, "A041C002_220919_R1AB", "11:09:45"),
)
DURATION_SECONDS = 180
DISSOLVE_AT = 95  # a one-second cross dissolve centred on the cut 14-1 / 14A-2
FADE_OUT_END = 154  # 15B-2 fades to black over its last two seconds
FADE_SECONDS = 2

SCENE_MARKERS: tuple[StoryMarker, ...] = (
    StoryMarker(0, 0, "SC 12 - INT. KITCHEN - NIGHT", color="CYAN"),
    StoryMarker(38, 0, "SC 13 - EXT. ALLEY - NIGHT", color="CYAN"),
    StoryMarker(80, 0, "SC 14 - INT. CAR - NIGHT", color="CYAN"),
    StoryMarker(112, 0, "SC 15 - EXT. ROOFTOP - DAWN", color="CYAN"),
    StoryMarker(155, 0, "SC 16 - INT. HOSPITAL - DAY", color="CYAN"),
)
MUSIC_MARKERS: tuple[StoryMarker, ...] = (
    StoryMarker(12, 0, "MUSIC IN - tension", "low strings under Anna's silence", "RED"),
    StoryMarker(36, 0, "MUSIC OUT", "out before the door slam", "RED"),
    StoryMarker(44, 0, "MX: chase", "drums and low brass, build to the gunshot", "RED", duration_seconds=30),
    StoryMarker(71, 12, "hit: gunshot", "hard sync on the muzzle flash", "GREEN"),
    StoryMarker(100, 0, "#romantic", "tentative, not the theme yet", "GREEN"),
    StoryMarker(122, 0, "THEME: Anna", "first full statement of Anna's theme", "RED"),
    StoryMarker(156, 0, "NO MUSIC", "room tone only to the end", "RED"),
)
# A marker the editor put on a clip (Premiere clip marker, FCPXML clip marker), at record 37 s.
CLIP_MARKER_SHOT = "12-2"
CLIP_MARKER = StoryMarker(37, 0, "hit: door slam", "sync point", "GREEN")
# The assistant's log note on a clip.
NOTE_SHOT = "15A-1"
CLIP_NOTE = "Anna looks to camera - director wants the theme to land here"
# The editor's temp music.
MUSIC_NAME = "KPM_0512_03 Night Pursuit"
MUSIC_FILE = "KPM_0512_03_Night_Pursuit.wav"
MUSIC_FOLDER = "/Volumes/Editorial/Music/Temp"
MUSIC_START, MUSIC_END = 40, 78
MUSIC_SOURCE_IN = 12  # seconds into the track


def all_markers() -> list[StoryMarker]:
    """Scene and music markers in record order (the clip marker left out)."""
    return sorted(SCENE_MARKERS + MUSIC_MARKERS, key=lambda m: (m.seconds, m.frames))


def frames(fps: int, seconds: int, extra: int = 0) -> int:
    return seconds * fps + extra


def timecode(frame: int, rate: float, drop_frame: bool = False) -> str:
    """Timecode of an absolute frame count, as the editor's application shows it."""
    return opentime.to_timecode(opentime.RationalTime(frame, rate), rate, drop_frame=drop_frame)


def source_frame(fps: int, hms: str) -> int:
    h, m, s = (int(p) for p in hms.split(":"))
    return (h * 3600 + m * 60 + s) * fps


def sub(parent: etree._Element, tag: str, text: object = None, **attrib: str) -> etree._Element:
    el = etree.SubElement(parent, tag, {k.replace("__", "."): v for k, v in attrib.items()})
    if text is not None:
        el.text = str(text)
    return el


def stable_uuid(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "otio-scoreplan-sample:" + seed))


HANDLE_SECONDS = 10  # media before and after each clip's in and out points
