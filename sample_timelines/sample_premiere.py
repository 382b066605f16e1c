"""The Premiere Pro sample: xmeml version 4 as Premiere Pro exports it, 23.976, start 01:00:00:00."""

from __future__ import annotations

from urllib.parse import quote

from lxml import etree
from sample_story import (
    CLIP_MARKER,
    CLIP_MARKER_SHOT,
    CLIP_NOTE,
    DISSOLVE_AT,
    DURATION_SECONDS,
    FADE_OUT_END,
    FADE_SECONDS,
    HANDLE_SECONDS,
    MUSIC_END,
    MUSIC_FILE,
    MUSIC_FOLDER,
    MUSIC_SOURCE_IN,
    MUSIC_START,
    NOTE_SHOT,
    SHOTS,
    StoryShot,
    all_markers,
    frames,
    source_frame,
    stable_uuid,
    sub,
    timecode,
)

PPRO_TICKS_PER_SECOND = 254016000000
PPRO_COLORS = {"RED": "4281740498", "GREEN": "4281828977", "CYAN": "4292277273"}  # ABGR integers
PREMIERE_FPS = 24  # timebase 24, ntsc TRUE = 23.976


def _ppro_rate(parent: etree._Element) -> None:
    rate = sub(parent, "rate")
    sub(rate, "timebase", PREMIERE_FPS)
    sub(rate, "ntsc", "TRUE")


def _ppro_ticks(frame: int) -> str:
    return str(frame * PPRO_TICKS_PER_SECOND * 1001 // (PREMIERE_FPS * 1000))


def _ppro_timecode(parent: etree._Element, frame: int, reel: str | None = None) -> None:
    tc = sub(parent, "timecode")
    _ppro_rate(tc)
    sub(tc, "string", timecode(frame, PREMIERE_FPS))
    sub(tc, "frame", frame)
    sub(tc, "displayformat", "NDF")
    if reel is not None:
        sub(sub(tc, "reel"), "name", reel)


def _ppro_marker(parent: etree._Element, name: str, comment: str, in_frame: int, out_frame: int, color: str) -> None:
    m = sub(parent, "marker")
    sub(m, "comment", comment)
    sub(m, "name", name)
    sub(m, "in", in_frame)
    sub(m, "out", out_frame)
    if color in PPRO_COLORS:
        sub(m, "pproColor", PPRO_COLORS[color])


class _PremiereIds:
    """Premiere numbers clipitems, files and master clips as it writes them."""

    def __init__(self) -> None:
        self.clip = 0
        self.files: dict[str, str] = {}
        self.masters: dict[str, str] = {}

    def next_clip(self) -> str:
        self.clip += 1
        return f"clipitem-{self.clip}"

    def master(self, key: str) -> str:
        """The master clip id of a media file."""
        return self.masters.setdefault(key, f"masterclip-{len(self.masters) + 1}")

    def file(self, key: str) -> tuple[str, bool]:
        """The file id for ``key`` and whether this is its first use (full element)."""
        if key in self.files:
            return self.files[key], False
        self.files[key] = f"file-{len(self.files) + 1}"
        return self.files[key], True


def _ppro_file(parent, ids: _PremiereIds, key: str, name: str, url: str, media_start: int, media_len: int, video: bool, reel: str | None):
    file_id, first = ids.file(key)
    f = sub(parent, "file", id=file_id)
    if not first:
        return
    sub(f, "name", name)
    sub(f, "pathurl", "file://localhost" + quote(url))
    _ppro_rate(f)
    sub(f, "duration", media_len)
    _ppro_timecode(f, media_start, reel)
    media = sub(f, "media")
    if video:
        sc = sub(sub(media, "video"), "samplecharacteristics")
        _ppro_rate(sc)
        for tag, text in (("width", 1920), ("height", 1080), ("anamorphic", "FALSE"), ("pixelaspectratio", "square"), ("fielddominance", "none")):
            sub(sc, tag, text)
    audio = sub(media, "audio")
    asc = sub(audio, "samplecharacteristics")
    sub(asc, "depth", 24)
    sub(asc, "samplerate", 48000)
    sub(audio, "channelcount", 2)


def _ppro_clipitem(track, ids: _PremiereIds, *, clip_id: str, name: str, key: str, start: int, end: int,
                   in_f: int, out_f: int, media_start: int, media_len: int, url: str, file_name: str,
                   video: bool, reel: str | None, source_track: int | None = None) -> etree._Element:
    ci = sub(track, "clipitem", id=clip_id)
    if video:
        ci.set("frameBlend", "FALSE")
    else:
        ci.set("premiereChannelType", "mono")
    sub(ci, "masterclipid", ids.master(key))
    sub(ci, "name", name)
    sub(ci, "enabled", "TRUE")
    sub(ci, "duration", media_len)
    _ppro_rate(ci)
    sub(ci, "start", start)
    sub(ci, "end", end)
    sub(ci, "in", in_f)
    sub(ci, "out", out_f)
    sub(ci, "pproTicksIn", _ppro_ticks(in_f))
    sub(ci, "pproTicksOut", _ppro_ticks(out_f))
    if video:
        sub(ci, "alphatype", "none")
        sub(ci, "pixelaspectratio", "square")
        sub(ci, "anamorphic", "FALSE")
    _ppro_file(ci, ids, key, file_name, url, media_start, media_len, video, reel)
    if source_track is not None:
        st = sub(ci, "sourcetrack")
        sub(st, "mediatype", "audio")
        sub(st, "trackindex", source_track)
    return ci


def _ppro_tail(ci: etree._Element, scene: str = "", take: str = "", lognote: str = "", label: str = "Iris") -> None:
    li = sub(ci, "logginginfo")
    sub(li, "description", "")
    sub(li, "scene", scene)
    sub(li, "shottake", take)
    sub(li, "lognote", lognote)
    sub(sub(ci, "labels"), "label2", label)


def _ppro_link(ci: etree._Element, ref: str, mediatype: str, trackindex: int, clipindex: int, group: bool) -> None:
    link = sub(ci, "link")
    sub(link, "linkclipref", ref)
    sub(link, "mediatype", mediatype)
    sub(link, "trackindex", trackindex)
    sub(link, "clipindex", clipindex)
    if group:
        sub(link, "groupindex", 1)


def _ppro_transition(track: etree._Element, start: int, end: int, alignment: str) -> None:
    t = sub(track, "transitionitem")
    sub(t, "start", start)
    sub(t, "end", end)
    sub(t, "alignment", alignment)
    sub(t, "cutPointTicks", _ppro_ticks((end - start) // 2 if alignment == "center" else end - start))
    _ppro_rate(t)
    e = sub(t, "effect")
    for tag, text in (("name", "Cross Dissolve"), ("effectid", "Cross Dissolve"), ("effectcategory", "Dissolve"),
                      ("effecttype", "transition"), ("mediatype", "video"), ("wipecode", 0), ("wipeaccuracy", 100),
                      ("startratio", 0), ("endratio", 1), ("reverse", "FALSE")):
        sub(e, tag, text)


SEQUENCE_ATTRS = {
    "id": "sequence-1",
    "TL.SQAudioVisibleBase": "0",
    "TL.SQVideoVisibleBase": "0",
    "TL.SQVisibleBaseTime": "0",
    "TL.SQAVDividerPosition": "0.5",
    "TL.SQHideShyTracks": "0",
    "TL.SQHeaderWidth": "204",
    "Monitor.ProgramZoomOut": "45768127104000",
    "Monitor.ProgramZoomIn": "0",
    "TL.SQTimePerPixel": "0.16673340006673341",
    "MZ.EditLine": "0",
    "MZ.Sequence.PreviewFrameSizeHeight": "1080",
    "MZ.Sequence.PreviewFrameSizeWidth": "1920",
    "MZ.Sequence.AudioTimeDisplayFormat": "200",
    "MZ.Sequence.PreviewRenderingClassID": "1297106761",
    "MZ.Sequence.PreviewRenderingPresetCodec": "1297107278",
    "MZ.Sequence.PreviewRenderingPresetPath": "EncoderPresets\\SequencePreview\\9678af98-a7b7-4bdb-b477-7ac9c8df4a4e\\I-Frame Only MPEG.epr",
    "MZ.Sequence.PreviewUseMaxRenderQuality": "false",
    "MZ.Sequence.PreviewUseMaxBitDepth": "false",
    "MZ.Sequence.EditingModeGUID": "9678af98-a7b7-4bdb-b477-7ac9c8df4a4e",
    "MZ.Sequence.VideoTimeDisplayFormat": "100",
    "MZ.WorkOutPoint": "45768127104000",
    "MZ.WorkInPoint": "0",
    "explodedTracks": "true",
}
PREMIERE_START = 3600 * PREMIERE_FPS  # 01:00:00:00


def _split(shot: StoryShot) -> tuple[str, str]:
    scene, _, take = shot.name.partition("-")
    return scene, take


def premiere_xml() -> bytes:
    """The Premiere Pro sample (xmeml version 4)."""
    fps = PREMIERE_FPS
    ids = _PremiereIds()
    root = etree.Element("xmeml", version="4")
    seq = sub(root, "sequence", **{k.replace(".", "__"): v for k, v in SEQUENCE_ATTRS.items()})
    sub(seq, "uuid", stable_uuid("premiere-sequence"))
    sub(seq, "duration", frames(fps, DURATION_SECONDS))
    _ppro_rate(seq)
    sub(seq, "name", "ANNA_R1_v12_MX_SPOT")
    media = sub(seq, "media")
    video = sub(media, "video")
    fmt = sub(sub(video, "format"), "samplecharacteristics")
    _ppro_rate(fmt)
    for tag, text in (("width", 1920), ("height", 1080), ("anamorphic", "FALSE"), ("pixelaspectratio", "square"),
                      ("fielddominance", "none"), ("colordepth", 24)):
        sub(fmt, tag, text)
    v1 = sub(video, "track", **{"TL__SQTrackShy": "0", "TL__SQTrackExpandedHeight": "41", "TL__SQTrackExpanded": "0", "MZ__TrackTargeted": "1"})
    # ids: V1 clipitems first, then A1, A2 (linked), then music on A3 (stereo, two exploded tracks)
    n = len(SHOTS)
    v_ids = [f"clipitem-{i + 1}" for i in range(n)]
    a1_ids = [f"clipitem-{n + i + 1}" for i in range(n)]
    a2_ids = [f"clipitem-{2 * n + i + 1}" for i in range(n)]
    mx_ids = [f"clipitem-{3 * n + 1}", f"clipitem-{3 * n + 2}"]

    def shot_timing(shot: StoryShot) -> tuple[int, int, int, int, int, int]:
        start, end = frames(fps, shot.start), frames(fps, shot.end)
        media_start = source_frame(fps, shot.source_in) - frames(fps, HANDLE_SECONDS)
        in_f = frames(fps, HANDLE_SECONDS)
        out_f = in_f + (end - start)
        media_len = out_f + frames(fps, HANDLE_SECONDS)
        return start, end, in_f, out_f, media_start, media_len

    for i, shot in enumerate(SHOTS):
        start, end, in_f, out_f, media_start, media_len = shot_timing(shot)
        rec_start, rec_end = start, end
        if shot.end == DISSOLVE_AT or shot.end == FADE_OUT_END:
            rec_end = -1
        if shot.start == DISSOLVE_AT:
            rec_start = -1
        url = f"/Volumes/ANNA_MEDIA/OCF/{shot.camera_file[:4]}/{shot.camera_file}.mov"
        ci = _ppro_clipitem(v1, ids, clip_id=v_ids[i], name=shot.name, key=shot.camera_file, start=rec_start, end=rec_end,
                            in_f=in_f, out_f=out_f, media_start=media_start, media_len=media_len, url=url,
                            file_name=shot.camera_file + ".mov", video=True, reel=shot.camera_file[:4])
        if shot.name == CLIP_MARKER_SHOT:
            at = in_f + frames(fps, CLIP_MARKER.seconds - shot.start, CLIP_MARKER.frames)
            _ppro_marker(ci, CLIP_MARKER.name, CLIP_MARKER.comment, at, -1, CLIP_MARKER.color)
        _ppro_link(ci, v_ids[i], "video", 1, i + 1, False)
        _ppro_link(ci, a1_ids[i], "audio", 1, i + 1, True)
        _ppro_link(ci, a2_ids[i], "audio", 2, i + 1, True)
        scene, take = _split(shot)
        _ppro_tail(ci, scene, take, CLIP_NOTE if shot.name == NOTE_SHOT else "")
        if shot.end == DISSOLVE_AT:
            half = fps // 2
            _ppro_transition(v1, frames(fps, DISSOLVE_AT) - half, frames(fps, DISSOLVE_AT) + half, "center")
        if shot.end == FADE_OUT_END:
            _ppro_transition(v1, frames(fps, FADE_OUT_END - FADE_SECONDS), frames(fps, FADE_OUT_END), "end-black")
    sub(v1, "enabled", "TRUE")
    sub(v1, "locked", "FALSE")

    audio = sub(media, "audio")
    sub(audio, "numOutputChannels", 2)
    afmt = sub(sub(audio, "format"), "samplecharacteristics")
    sub(afmt, "depth", 16)
    sub(afmt, "samplerate", 48000)
    outputs = sub(audio, "outputs")
    for ch in (1, 2):
        g = sub(outputs, "group")
        sub(g, "index", ch)
        sub(g, "numchannels", 1)
        sub(g, "downmix", 0)
        sub(sub(g, "channel"), "index", ch)
    track_attrs = {"TL__SQTrackAudioKeyframeStyle": "0", "TL__SQTrackShy": "0", "TL__SQTrackExpandedHeight": "41",
                   "TL__SQTrackExpanded": "0", "MZ__TrackTargeted": "1", "PannerCurrentValue": "0.5",
                   "PannerIsInverted": "true", "PannerName": "Balance"}
    for index, clip_ids in ((1, a1_ids), (2, a2_ids)):
        track = sub(audio, "track", **track_attrs, currentExplodedTrackIndex="0", totalExplodedTrackCount="1", premiereTrackType="Mono")
        for i, shot in enumerate(SHOTS):
            start, end, in_f, out_f, media_start, media_len = shot_timing(shot)
            url = f"/Volumes/ANNA_MEDIA/OCF/{shot.camera_file[:4]}/{shot.camera_file}.mov"
            ci = _ppro_clipitem(track, ids, clip_id=clip_ids[i], name=shot.name, key=shot.camera_file, start=start, end=end,
                                in_f=in_f, out_f=out_f, media_start=media_start, media_len=media_len, url=url,
                                file_name=shot.camera_file + ".mov", video=False, reel=shot.camera_file[:4], source_track=index)
            _ppro_link(ci, v_ids[i], "video", 1, i + 1, False)
            _ppro_link(ci, a1_ids[i], "audio", 1, i + 1, True)
            _ppro_link(ci, a2_ids[i], "audio", 2, i + 1, True)
            scene, take = _split(shot)
            _ppro_tail(ci, scene, take)
        sub(track, "enabled", "TRUE")
        sub(track, "locked", "FALSE")
        sub(track, "outputchannelindex", index)

    start, end = frames(fps, MUSIC_START), frames(fps, MUSIC_END)
    in_f = frames(fps, MUSIC_SOURCE_IN)
    for channel in (1, 2):
        track = sub(audio, "track", **track_attrs, currentExplodedTrackIndex=str(channel - 1), totalExplodedTrackCount="2", premiereTrackType="Stereo")
        ci = _ppro_clipitem(track, ids, clip_id=mx_ids[channel - 1], name=MUSIC_FILE, key="music", start=start, end=end,
                            in_f=in_f, out_f=in_f + end - start, media_start=0, media_len=frames(fps, 154),
                            url=f"{MUSIC_FOLDER}/{MUSIC_FILE}", file_name=MUSIC_FILE, video=False, reel=None, source_track=channel)
        ci.set("premiereChannelType", "stereo")
        _ppro_link(ci, mx_ids[0], "audio", 3, 1, True)
        _ppro_link(ci, mx_ids[1], "audio", 4, 1, True)
        _ppro_tail(ci, label="Mango")
        sub(track, "enabled", "TRUE")
        sub(track, "locked", "FALSE")
        sub(track, "outputchannelindex", channel)

    _ppro_timecode(seq, PREMIERE_START)
    for m in all_markers():
        at = frames(fps, m.seconds, m.frames)
        out = at + frames(fps, m.duration_seconds) if m.duration_seconds else -1
        _ppro_marker(seq, m.name, m.comment, at, out, m.color)
    sub(sub(seq, "labels"), "label2", "Forest")
    li = sub(seq, "logginginfo")
    for tag in ("description", "scene", "shottake", "lognote", "good", "originalvideofilename", "originalaudiofilename"):
        sub(li, tag, "")
    etree.indent(root, space="\t")
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n' + body + b"\n"
