"""Write the sample timelines of this folder, one per format, from one short film cut ("ANNA", reel 1).

Run ``python sample_timelines/make_samples.py`` from the repository root (deterministic: the same
bytes every time; the outputs are checked in next to this script). The Avid AAF sample is made
by ``make_avid_sample.py``, not here.

Every file tells the same story in its own application's dialect (see README.md for the exact
contents): five scenes of shots named by scene/take ("12A-3"), the music editor's markers
("MUSIC IN - tension", "MX: chase", "hit: gunshot", "THEME: Anna", "NO MUSIC" ...), and, where
the format carries audio, the editor's own temp music on a music track.

Times in the story are (seconds, frames) from the first frame of the sequence at the format's
nominal rate (24 for 23.976, 30 for 29.97); timecodes are computed with OpenTimelineIO's
``opentime`` so drop frame is counted the way editors' applications count it.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from opentimelineio import opentime

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the sample_* modules next to this script

from sample_edl import avid_edl, resolve_edl  # noqa: E402
from sample_fcpxml import FCPX_CHAPTER, FCPX_TODO, fcpxml  # noqa: E402
from sample_premiere import premiere_xml  # noqa: E402
from sample_story import (  # noqa: E402
    CLIP_MARKER,
    CLIP_MARKER_SHOT,
    CLIP_NOTE,
    DURATION_SECONDS,
    HANDLE_SECONDS,
    MUSIC_END,
    MUSIC_FILE,
    MUSIC_FOLDER,
    MUSIC_NAME,
    MUSIC_SOURCE_IN,
    MUSIC_START,
    NOTE_SHOT,
    SCENE_MARKERS,
    SHOTS,
    StoryMarker,
    all_markers,
    frames,
    source_frame,
    timecode,
)

# ---------------------------------------------------------------------------------------------
# OpenTimelineIO: written through the OTIO API, 24 fps, start 01:00:00:00, two scenes
# ---------------------------------------------------------------------------------------------

OTIO_FPS = 24
OTIO_SCENES = ("12", "13")  # the first two scenes only (0 - 80 s)


def otio_sample() -> str:
    """The .otio sample: V1 picture, A1 dialogue, A2 'MUSIC' with the temp cue; markers with metadata."""
    import opentimelineio as otio

    fps = OTIO_FPS
    rt = lambda f: opentime.RationalTime(f, fps)  # noqa: E731
    shots = [s for s in SHOTS if s.name.split("-")[0].rstrip("ABC") in OTIO_SCENES]
    end_seconds = shots[-1].end
    tl = otio.schema.Timeline(name="ANNA_R1_v12_MX_SPOT (scenes 12-13)", global_start_time=rt(3600 * fps))
    v1 = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    a1 = otio.schema.Track(name="Dialogue", kind=otio.schema.TrackKind.Audio)
    a2 = otio.schema.Track(name="MUSIC", kind=otio.schema.TrackKind.Audio)
    for shot in shots:
        src = source_frame(fps, shot.source_in)
        ref = otio.schema.ExternalReference(
            target_url=f"file:///Volumes/ANNA_MEDIA/OCF/{shot.camera_file[:4]}/{shot.camera_file}.mov",
            available_range=opentime.TimeRange(rt(src - frames(fps, HANDLE_SECONDS)), rt(frames(fps, shot.end - shot.start + 2 * HANDLE_SECONDS))),
        )
        rng = opentime.TimeRange(rt(src), rt(frames(fps, shot.end - shot.start)))
        clip = otio.schema.Clip(name=shot.name, media_reference=ref, source_range=rng)
        if shot.name == CLIP_MARKER_SHOT:
            clip.markers.append(otio.schema.Marker(
                name=CLIP_MARKER.name, color=CLIP_MARKER.color, comment=CLIP_MARKER.comment,
                marked_range=opentime.TimeRange(rt(src + frames(fps, CLIP_MARKER.seconds - shot.start, CLIP_MARKER.frames)), rt(0)),
                metadata={"editorial": {"author": "maya.k", "purpose": "sync"}},
            ))
        v1.append(clip)
        a1.append(otio.schema.Clip(name=shot.name, media_reference=ref.clone(), source_range=rng))
    a2.append(otio.schema.Gap(source_range=opentime.TimeRange(rt(0), rt(frames(fps, MUSIC_START)))))
    music_ref = otio.schema.ExternalReference(target_url="file://" + quote(f"{MUSIC_FOLDER}/{MUSIC_FILE}"),
                                              available_range=opentime.TimeRange(rt(0), rt(frames(fps, 154))))
    a2.append(otio.schema.Clip(name=MUSIC_NAME, media_reference=music_ref,
                               source_range=opentime.TimeRange(rt(frames(fps, MUSIC_SOURCE_IN)), rt(frames(fps, MUSIC_END - MUSIC_START)))))
    tl.tracks.extend([v1, a1, a2])
    for m in all_markers():
        if m.seconds >= end_seconds:
            continue
        tl.tracks.markers.append(otio.schema.Marker(
            name=m.name, color=m.color, comment=m.comment,
            marked_range=opentime.TimeRange(rt(frames(fps, m.seconds, m.frames)), rt(frames(fps, m.duration_seconds))),
            metadata={"editorial": {"author": "maya.k", "purpose": "scene" if m in SCENE_MARKERS else "music"}},
        ))
    return otio.adapters.write_to_string(tl, "otio_json") + "\n"


# ---------------------------------------------------------------------------------------------
# README tables and main
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleSpec:
    """What one sample file holds, for its README section."""

    file: str
    title: str
    rate_label: str
    rate: float
    fps: int
    drop_frame: bool
    start_frame: int  # start timecode as an absolute frame count
    end_frame: int  # sequence length in frames
    markers: tuple[StoryMarker, ...]
    style: str  # how the format keeps markers: story | fcpx | locator | resolve
    music_track: str
    music_clip: str
    clip_note: bool
    notes: str


def _tc(spec: SampleSpec, frame: int) -> str:
    return timecode(spec.start_frame + frame, spec.rate, spec.drop_frame)


def _marker_row(spec: SampleSpec, m: StoryMarker) -> str:
    at = frames(spec.fps, m.seconds, m.frames)
    length = frames(spec.fps, m.duration_seconds)
    comment, color = m.comment, m.color
    if spec.style == "fcpx":  # as Final Cut Pro shows them: standard blue, to-do red, chapter orange
        color = "ORANGE" if m is FCPX_CHAPTER else "RED" if m is FCPX_TODO else "BLUE"
        length = length or 1
    elif spec.style == "locator":  # an EDL locator has one text and no length
        comment, length = "", 0
    elif spec.style == "resolve":
        length = length or 1
    return f"| {_tc(spec, at)} | {m.name} | {comment} | {color} | {length or ''} |"


def readme_section(spec: SampleSpec) -> str:
    """A README section: rate, start, scenes, markers and music of one sample, with record timecodes."""
    lines = [f"## `{spec.file}`: {spec.title}", "", spec.notes, "",
             f"Rate {spec.rate_label}, start timecode {_tc(spec, 0)}, {spec.end_frame} frames "
             f"(ends at {_tc(spec, spec.end_frame)}).", ""]
    scenes = [m for m in SCENE_MARKERS if frames(spec.fps, m.seconds) < spec.end_frame]
    lines += ["| scene (marker) | from | to |", "|---|---|---|"]
    for i, m in enumerate(scenes):
        end = frames(spec.fps, scenes[i + 1].seconds) if i + 1 < len(scenes) else spec.end_frame
        lines.append(f"| {m.name} | {_tc(spec, frames(spec.fps, m.seconds))} | {_tc(spec, end)} |")
    lines += ["", "| record TC | marker | comment | colour | length (frames) |", "|---|---|---|---|---|"]
    lines += [_marker_row(spec, m) for m in spec.markers]
    if spec.clip_note:
        lines += ["", f"Clip note on `{NOTE_SHOT}` ({_tc(spec, frames(spec.fps, _shot(NOTE_SHOT).start))}): \"{CLIP_NOTE}\"."]
    if spec.music_track:
        lines += ["", f"Temp music: clip `{spec.music_clip}` on {spec.music_track}, {_tc(spec, frames(spec.fps, MUSIC_START))} - "
                  f"{_tc(spec, frames(spec.fps, MUSIC_END))} (media `{MUSIC_FOLDER}/{MUSIC_FILE}`, from {MUSIC_SOURCE_IN} s "
                  "into the track)."]
    return "\n".join(lines) + "\n"


def _shot(name: str):
    return next(s for s in SHOTS if s.name == name)


def specs() -> list[SampleSpec]:
    markers = tuple(sorted(all_markers() + [CLIP_MARKER], key=lambda m: (m.seconds, m.frames)))
    fcpx_markers = tuple(sorted(markers + (FCPX_TODO, FCPX_CHAPTER), key=lambda m: (m.seconds, m.frames)))
    last = markers[-1]
    return [
        SampleSpec("premiere_sample.xml", "Premiere Pro xmeml", "23.976 (timebase 24, ntsc TRUE), non-drop", 24000 / 1001, 24,
                   False, 86400, frames(24, DURATION_SECONDS), markers, "story", "A3 (a stereo track: two exploded tracks in the file)", MUSIC_FILE, True,
                   "xmeml version 4 as Premiere Pro exports it (MZ.*/TL.* sequence attributes, pproTicks, exploded stereo "
                   "tracks, linked clips, logging info). V1 picture, A1/A2 mono dialogue (the camera files' two channels), "
                   "A3 stereo temp music. Sequence markers with `<comment>` and `pproColor` (Premiere's ABGR integer: "
                   "red 4281740498, green 4281828977, cyan 4292277273); one clip marker (`hit: door slam` on `12-2`, "
                   "in the clip's media frames); a log note on `15A-1`; a 24-frame cross dissolve centred on the "
                   "14-1/14A-2 cut at 01:01:35:00; a two-second fade to black (`end-black`) at the end of `15B-2`, "
                   "then one second of empty track before scene 16. Camera files carry their own source timecode."),
        SampleSpec("resolve_sample.fcpxml", "Final Cut Pro FCPXML 1.10", "25", 25, 25, False, 90000, frames(25, DURATION_SECONDS),
                   fcpx_markers, "fcpx", "a connected clip (lane -1, audioRole music.music-1), read as an audio track", MUSIC_NAME, True,
                   "FCPXML 1.10 library/event/project as Final Cut Pro writes it; it validates against "
                   "FCPXMLv1_10.dtd. Clips carry their own audio (audioRole dialogue). Every marker sits on the clip "
                   "under it, in that clip's source time, with the comment in `note=`; plus a to-do marker "
                   "(`completed=\"0\"`) and a chapter marker. A `<note>` on `15A-1`. FCPXML markers have no colour "
                   "field: the colour column is what Final Cut Pro shows (marker blue, to-do red, chapter orange), "
                   "and point markers are one frame long. A 24-frame cross dissolve centred on the cut at 01:01:35:00, "
                   "a two-second fade to black ending at 01:02:34:00, then a one-second gap."),
        SampleSpec("avid_sample.edl", "Avid Media Composer CMX 3600 EDL", "29.97 drop frame (read with `--rate 29.97`)", 30000 / 1001, 30,
                   True, 107892, frames(30, DURATION_SECONDS), markers, "locator", "A3 and A4 (a stereo pair, one event each)", MUSIC_FILE, False,
                   "CMX 3600 as Avid's EDL Manager writes it: `FCM: DROP FRAME`, drop-frame timecode with `;`, CRLF "
                   "line ends, `* FROM CLIP NAME:  ` with two spaces, `* SOURCE FILE:`, picture and dialogue as `AA/V` "
                   "(split into `V` and `AA` around the dissolve and the fade), a 30-frame dissolve `D 030` centred on "
                   "the 14-1/14A-2 cut, a fade to black as a 60-frame dissolve into `BL`, and `* LOC:` locators "
                   "(record timecode, Avid colour, text) under the event they fall in. A locator has one text and no "
                   "length (`MX: chase` is a point here). Frames count 30 a second from 01:00:00;00, so after the "
                   "first minute the labels run two frames ahead of the seconds (scene 13 at 38 s is 01:00:38;00, "
                   "scene 14 at 80 s is 01:01:20;02). The temp music is named by its library catalogue id, the only "
                   "music evidence an EDL can carry."),
        SampleSpec("resolve_sample.edl", "DaVinci Resolve 'Timeline Markers to EDL'", "25 (read with `--rate 25`)", 25, 25, False, 90000,
                   frames(25, last.seconds, last.frames) + 1, markers, "resolve", "", "", False,
                   "What Resolve writes for Timelines > Export > Timeline Markers to EDL: one event per marker (reel "
                   "`001`, source = record = the marker's range, `MX: chase` overlapping the gunshot as Resolve writes "
                   "it), then a line `note |C:ResolveColor… |M:name |D:frames`; a blank line after each event and two "
                   "trailing spaces after the record out. No picture and no audio: the sequence is as long as its "
                   "markers, so scene 16 runs to the end of the last marker."),
        SampleSpec("sample.otio", "OpenTimelineIO", "24", 24, 24, False, 86400, frames(24, 80),
                   tuple(m for m in markers if m.seconds < 80), "story", "A2 'MUSIC'", MUSIC_NAME, False,
                   "Written with the OTIO API: scenes 12 and 13 only (80 s). Tracks V1 'V1', A1 'Dialogue', A2 'MUSIC'. "
                   "Markers on the timeline's stack with name, colour, comment and metadata "
                   "`{\"editorial\": {\"author\": \"maya.k\", \"purpose\": …}}`; the clip marker `hit: door slam` on `12-2`."),
    ]


README_HEAD = """# Sample timelines

Small timelines we made ourselves, one per format, all cut from the same short film ("ANNA", reel 1),
for the demo (`make demo` runs `scoreplan inspect premiere_sample.xml`) and the tests
(`tests/test_samples.py` checks every promise below, the AAF's excepted, through the real command line).

They are written by `make_samples.py` (deterministic; run `python sample_timelines/make_samples.py`
and commit its outputs with it); `avid_sample.aaf` is written by `make_avid_sample.py`.

The cut: five scenes, each opened by a scene marker, with the shots named by scene and take as an
assistant editor names them (`12A-3`); a cross dissolve inside scene 14; a fade to black at the end of
scene 15 and one second of black before scene 16; the music editor's spotting markers; and the
picture editor's temp music (`KPM_0512_03 Night Pursuit`, media in a `/Music/` folder, named by its
library catalogue id) from 40 s to 78 s, under the chase. Record timecodes below are what the
editor's application shows. Markers and scenes are listed by record timecode; the
shot list is in `sample_story.py` (`SHOTS`).

Shots: 12-1, 12A-3, 12B-2, 12A-4, 12-2 (scene 12); 13-2, 13A-1, 13B-3, 13-4, 13C-1, 13A-2 (scene 13);
14-1, 14A-2 (scene 14); 15-3, 15A-1, 15B-2 (scene 15); 16-1, 16A-2 (scene 16).

"""

OUTPUTS = {
    "premiere_sample.xml": premiere_xml,
    "resolve_sample.fcpxml": fcpxml,
    "avid_sample.edl": avid_edl,
    "resolve_sample.edl": resolve_edl,
}


def write_all(out: Path) -> list[Path]:
    """Write every sample and README.md into ``out``; return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in OUTPUTS.items():
        (out / name).write_bytes(make())
        written.append(out / name)
    (out / "sample.otio").write_bytes(otio_sample().encode("utf-8"))
    body = README_HEAD + "\n".join(readme_section(s) for s in specs()) + AAF_SECTION
    (out / "README.md").write_bytes(body.encode("utf-8"))
    return written + [out / "sample.otio", out / "README.md"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the sample timelines (and README.md).")
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into (default: this folder)")
    write_all(parser.parse_args(argv).out)


AAF_SECTION = """
## `avid_sample.aaf`: Avid Media Composer AAF

Written by `make_avid_sample.py` (pyaaf2; its own docstring describes the layout), not by
`make_samples.py`, and checked by that script's tests, not by `tests/test_samples.py`. As of its first
commit it holds a shorter cut of the same film: sequence `ANNA R1 v3 - music spotting`, 24 fps
non-drop, start 01:00:00:00, 2 minutes (ends 01:02:00:00); V1 with the ten shots 12-1 … 14A-2 (scenes
12, 13 and 14 from the clips' scene/take, no scene markers), A1 `DIA` dialogue and A2 `MX` with the temp
music `KPM_0512_03 Night Pursuit` from 01:00:40:00 to 01:01:18:00; Avid locators (colour, user, track):

| record TC | locator | colour | user | track |
|---|---|---|---|---|
| 01:00:12:00 | MUSIC IN - tension | Red | mdavies | V1 |
| 01:00:37:12 | hit: door slam | Yellow | mdavies | A2 |
| 01:01:20:00 | THEME: Anna | Cyan | jsmith | V1 |
| 01:01:52:06 | MUSIC OUT | Red | mdavies | V1 |

and a bin Comments note on `13A-1`: "Anna looks to camera - director wants the theme to land here".
"""


if __name__ == "__main__":
    main()
