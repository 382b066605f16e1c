"""The Final Cut Pro sample: FCPXML 1.10 as Final Cut Pro writes it, 25 fps, start 01:00:00:00."""

from __future__ import annotations

from urllib.parse import quote

from lxml import etree
from sample_story import (
    CLIP_MARKER,
    CLIP_NOTE,
    DISSOLVE_AT,
    DURATION_SECONDS,
    FADE_OUT_END,
    FADE_SECONDS,
    HANDLE_SECONDS,
    MUSIC_END,
    MUSIC_FILE,
    MUSIC_FOLDER,
    MUSIC_NAME,
    MUSIC_SOURCE_IN,
    MUSIC_START,
    NOTE_SHOT,
    SHOTS,
    StoryMarker,
    all_markers,
    frames,
    source_frame,
    stable_uuid,
    sub,
)

FCPX_FPS = 25
FCPX_START_SECONDS = 3600
FCPX_DISSOLVE_FRAMES = 24  # a 24-frame cross dissolve centred on the cut 14-1 / 14A-2


def _fcpx_time(frame: int) -> str:
    """A whole-frame time at 25 fps the way Final Cut Pro writes it (``3600s``, ``9000300/2500s``)."""
    if frame % FCPX_FPS == 0:
        return f"{frame // FCPX_FPS}s"
    return f"{frame * 100}/2500s"


def _fcpx_marker(parent: etree._Element, m: StoryMarker, local_frame: int, *, todo: bool = False) -> None:
    fps = FCPX_FPS
    duration = frames(fps, m.duration_seconds) if m.duration_seconds else 1
    attrs = {"start": _fcpx_time(local_frame), "duration": _fcpx_time(duration) if m.duration_seconds else "100/2500s", "value": m.name}
    if todo:
        attrs["completed"] = "0"
    if m.comment:
        attrs["note"] = m.comment
    etree.SubElement(parent, "marker", attrs)


FCPX_CHAPTER = StoryMarker(112, 0, "Part Two: Dawn")
FCPX_TODO = StoryMarker(40, 0, "TODO: clear the temp music licence", "KPM cue is temp only")


def fcpxml() -> bytes:
    """The Final Cut Pro sample (FCPXML 1.10): markers on clips, music as a connected clip."""
    fps = FCPX_FPS
    root = etree.Element("fcpxml", version="1.10")
    res = sub(root, "resources")
    sub(res, "format", id="r1", name="FFVideoFormat1080p25", frameDuration="100/2500s", width="1920", height="1080",
         colorSpace="1-1-1 (Rec. 709)")
    asset_ids: dict[str, str] = {}
    for shot in SHOTS:
        if shot.camera_file in asset_ids:
            continue
        rid = f"r{len(asset_ids) + 2}"
        asset_ids[shot.camera_file] = rid
        media_start = source_frame(fps, shot.source_in) - frames(fps, HANDLE_SECONDS)
        length = frames(fps, shot.end - shot.start + 2 * HANDLE_SECONDS)
        a = sub(res, "asset", id=rid, name=shot.camera_file, uid=stable_uuid("asset " + shot.camera_file).replace("-", "").upper(),
                 start=_fcpx_time(media_start), duration=_fcpx_time(length), hasVideo="1", format="r1", hasAudio="1",
                 videoSources="1", audioSources="1", audioChannels="2", audioRate="48000")
        sub(a, "media-rep", kind="original-media",
             src=f"file:///Volumes/ANNA_MEDIA/OCF/{shot.camera_file[:4]}/{shot.camera_file}.mov")
    music_id = f"r{len(asset_ids) + 2}"
    a = sub(res, "asset", id=music_id, name=MUSIC_NAME, uid=stable_uuid("asset music").replace("-", "").upper(), start="0s",
             duration=_fcpx_time(frames(fps, 154)), hasAudio="1", audioSources="1", audioChannels="2", audioRate="48000")
    sub(a, "media-rep", kind="original-media", src="file://" + quote(f"{MUSIC_FOLDER}/{MUSIC_FILE}"))
    dissolve_id = f"r{len(asset_ids) + 3}"
    sub(res, "effect", id=dissolve_id, name="Cross Dissolve", uid="FxPlug:4731E73A-8DAC-4113-9A30-AE85B1761265")

    library = sub(root, "library", location="file:///Users/maya/Movies/ANNA.fcpbundle/")
    event = sub(library, "event", name="ANNA Reel 1", uid=stable_uuid("event").upper())
    project = sub(event, "project", name="ANNA_R1_v12_MX_SPOT", uid=stable_uuid("project").upper(), modDate="2026-11-20 18:04:11 +0100")
    start = frames(fps, FCPX_START_SECONDS)
    seq = sub(project, "sequence", format="r1", duration=_fcpx_time(frames(fps, DURATION_SECONDS)), tcStart=_fcpx_time(start),
               tcFormat="NDF", audioLayout="stereo", audioRate="48k")
    spine = sub(seq, "spine")
    markers = all_markers() + [CLIP_MARKER]
    previous_end = 0
    for shot in SHOTS:
        if shot.start > previous_end:  # black between scenes
            sub(spine, "gap", name="Gap", offset=_fcpx_time(start + frames(fps, previous_end)),
                 duration=_fcpx_time(frames(fps, shot.start - previous_end)), start="3600s")
        if shot.start == DISSOLVE_AT:
            half = FCPX_DISSOLVE_FRAMES // 2
            t = sub(spine, "transition", name="Cross Dissolve", offset=_fcpx_time(start + frames(fps, DISSOLVE_AT) - half),
                     duration=_fcpx_time(FCPX_DISSOLVE_FRAMES))
            sub(t, "filter-video", ref=dissolve_id, name="Cross Dissolve")
        clip_start = source_frame(fps, shot.source_in)  # the clip's in point, in its media's time
        clip = sub(spine, "asset-clip", ref=asset_ids[shot.camera_file], offset=_fcpx_time(start + frames(fps, shot.start)),
                    name=shot.name, start=_fcpx_time(clip_start), duration=_fcpx_time(frames(fps, shot.end - shot.start)),
                    format="r1", tcFormat="NDF", audioRole="dialogue")
        if shot.name == NOTE_SHOT:
            sub(clip, "note", CLIP_NOTE)

        def local(seconds: int, extra: int = 0) -> int:
            return clip_start + frames(fps, seconds - shot.start, extra)  # noqa: B023 - used only within this turn of the loop

        if shot.start <= MUSIC_START < shot.end:
            sub(clip, "asset-clip", ref=music_id, lane="-1", offset=_fcpx_time(local(MUSIC_START)), name=MUSIC_NAME,
                 start=_fcpx_time(frames(fps, MUSIC_SOURCE_IN)), duration=_fcpx_time(frames(fps, MUSIC_END - MUSIC_START)),
                 audioRole="music.music-1")
        for m in markers:
            if shot.start <= m.seconds < shot.end:
                _fcpx_marker(clip, m, local(m.seconds, m.frames))
        if shot.start <= FCPX_TODO.seconds < shot.end:
            _fcpx_marker(clip, FCPX_TODO, local(FCPX_TODO.seconds), todo=True)
        if shot.start <= FCPX_CHAPTER.seconds < shot.end:
            etree.SubElement(clip, "chapter-marker", start=_fcpx_time(local(FCPX_CHAPTER.seconds)), duration="100/2500s",
                             value=FCPX_CHAPTER.name, posterOffset="11/25s")
        if shot.end == FADE_OUT_END:  # fade to black, ending on the edit into the black gap
            t = sub(spine, "transition", name="Cross Dissolve", offset=_fcpx_time(start + frames(fps, FADE_OUT_END - FADE_SECONDS)),
                     duration=_fcpx_time(frames(fps, FADE_SECONDS)))
            sub(t, "filter-video", ref=dissolve_id, name="Cross Dissolve")
        previous_end = shot.end
    for name, rule in (("Projects", ("match-clip", {"rule": "is", "type": "project"})),):
        sc = sub(library, "smart-collection", name=name, match="all")
        sub(sc, rule[0], **rule[1])
    etree.indent(root, space="    ")
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n\n' + body + b"\n"
