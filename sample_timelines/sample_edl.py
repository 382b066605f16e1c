"""The EDL samples: Avid Media Composer (29.97 DF, locators) and Resolve's "Timeline Markers to EDL" (25 fps)."""

from __future__ import annotations

from opentimelineio import opentime
from sample_story import (
    CLIP_MARKER,
    DISSOLVE_AT,
    FADE_OUT_END,
    FADE_SECONDS,
    MUSIC_END,
    MUSIC_FILE,
    MUSIC_SOURCE_IN,
    MUSIC_START,
    SHOTS,
    all_markers,
    frames,
    timecode,
)

AVID_RATE = 30000 / 1001
AVID_FPS = 30
AVID_DISSOLVE_FRAMES = 30
AVID_LOCATOR_COLORS = {"GREEN": "GREEN", "RED": "RED", "BLUE": "BLUE", "CYAN": "CYAN", "YELLOW": "YELLOW"}


def _df(frame: int) -> str:
    return timecode(frame, AVID_RATE, drop_frame=True)


def _df_frame(label: str) -> int:
    return int(round(opentime.from_timecode(label, AVID_RATE).value))


def _avid_event(number: int, reel: str, channel: str, kind: str, src_in: int, src_out: int, rec_in: int, rec_out: int) -> str:
    return f"{number:03d}  {reel[:8]:<8} {channel:<6}{kind:<9}{_df(src_in)} {_df(src_out)} {_df(rec_in)} {_df(rec_out)} "


def avid_edl() -> bytes:
    """The Avid sample: picture (V), dialogue (AA), temp music (A3/A4) and locators, in record order."""
    fps = AVID_FPS
    rec0 = _df_frame("01:00:00;00")
    rec = lambda seconds, extra=0: rec0 + frames(fps, seconds, extra)  # noqa: E731
    events: list[tuple[int, int, list[str]]] = []  # (record in, order, lines)
    locators = all_markers() + [CLIP_MARKER]

    def loc_lines(lo: int, hi: int) -> list[str]:
        out = []
        for m in locators:
            at = rec(m.seconds, m.frames)
            if lo <= at < hi:
                out.append(f"* LOC: {_df(at)} {AVID_LOCATOR_COLORS.get(m.color, 'RED'):<7} {m.name}")
        return out

    half = AVID_DISSOLVE_FRAMES // 2
    for shot in SHOTS:
        src_in = _df_frame(shot.source_in + ";00")
        r_in, r_out = rec(shot.start), rec(shot.end)
        names = [f"* FROM CLIP NAME:  {shot.name} "]
        source = [f"* SOURCE FILE: {shot.camera_file}"]
        if shot.end == DISSOLVE_AT:
            v_out = r_out - half
            events.append((r_in, 0, [_avid_event(0, shot.camera_file, "V", "C", src_in, src_in + v_out - r_in, r_in, v_out)] + names + loc_lines(r_in, v_out) + source))
            events.append((r_in, 1, [_avid_event(0, shot.camera_file, "AA", "C", src_in, src_in + r_out - r_in, r_in, r_out)] + names + source))
        elif shot.start == DISSOLVE_AT:
            prev = next(s for s in SHOTS if s.end == DISSOLVE_AT)
            prev_src_out = _df_frame(prev.source_in + ";00") + (r_in - half) - rec(prev.start)
            v_in = r_in - half
            lines = [_avid_event(0, prev.camera_file, "V", "C", prev_src_out, prev_src_out, v_in, v_in),
                     _avid_event(0, shot.camera_file, "V", f"D    {AVID_DISSOLVE_FRAMES:03d}", src_in - half, src_in + r_out - r_in, v_in, r_out),
                     "* EFFECT NAME: CROSS DISSOLVE ",
                     f"* FROM CLIP NAME:  {prev.name} ",
                     f"* TO CLIP NAME:  {shot.name} "] + loc_lines(v_in, r_out) + source
            events.append((v_in, 0, lines))
            events.append((r_in, 1, [_avid_event(0, shot.camera_file, "AA", "C", src_in, src_in + r_out - r_in, r_in, r_out)] + names + source))
        elif shot.end == FADE_OUT_END:
            fade_in = r_out - frames(fps, FADE_SECONDS)
            events.append((r_in, 0, [_avid_event(0, shot.camera_file, "AA/V", "C", src_in, src_in + fade_in - r_in, r_in, fade_in)] + names + loc_lines(r_in, fade_in) + source))
            black_end = rec(next(s.start for s in SHOTS if s.start >= FADE_OUT_END))
            src_fade = src_in + fade_in - r_in
            events.append((fade_in, 0, [_avid_event(0, shot.camera_file, "V", "C", src_fade, src_fade, fade_in, fade_in),
                                        _avid_event(0, "BL", "V", f"D    {frames(fps, FADE_SECONDS):03d}", 0, black_end - fade_in, fade_in, black_end),
                                        "* EFFECT NAME: CROSS DISSOLVE ",
                                        f"* FROM CLIP NAME:  {shot.name} "] + loc_lines(fade_in, black_end)))
            events.append((fade_in, 1, [_avid_event(0, shot.camera_file, "AA", "C", src_fade, src_fade + r_out - fade_in, fade_in, r_out)] + names + source))
        else:
            events.append((r_in, 0, [_avid_event(0, shot.camera_file, "AA/V", "C", src_in, src_in + r_out - r_in, r_in, r_out)] + names + loc_lines(r_in, r_out) + source))
    m_in, m_out = rec(MUSIC_START), rec(MUSIC_END)
    m_src = _df_frame("00:00:00;00") + frames(fps, MUSIC_SOURCE_IN)
    for order, channel in ((2, "A3"), (3, "A4")):
        events.append((m_in, order, [_avid_event(0, "KPM_0512", channel, "C", m_src, m_src + m_out - m_in, m_in, m_out),
                                     f"* FROM CLIP NAME:  {MUSIC_FILE} ", f"* SOURCE FILE: {MUSIC_FILE}"]))
    events.sort(key=lambda e: (e[0], e[1]))
    lines = ["TITLE:   ANNA_R1_v12_MX_SPOT ", "FCM: DROP FRAME"]
    for number, (_, _, ev) in enumerate(events, start=1):
        lines.extend(line.replace("000  ", f"{number:03d}  ", 1) if line.startswith("000  ") else line for line in ev)
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


# ---------------------------------------------------------------------------------------------
# DaVinci Resolve: "Timeline Markers to EDL", 25 fps
# ---------------------------------------------------------------------------------------------

RESOLVE_FPS = 25
RESOLVE_COLORS = {"BLUE": "ResolveColorBlue", "RED": "ResolveColorRed", "YELLOW": "ResolveColorYellow",
                  "CYAN": "ResolveColorCyan", "GREEN": "ResolveColorGreen"}


def resolve_edl() -> bytes:
    """The Resolve sample: the timeline's markers exported as an EDL (one event per marker)."""
    fps = RESOLVE_FPS
    rec0 = 3600 * fps
    lines = ["TITLE: ANNA_R1_v12_MX_SPOT", "FCM: NON-DROP FRAME", ""]
    markers = sorted(all_markers() + [CLIP_MARKER], key=lambda m: (m.seconds, m.frames))
    for number, m in enumerate(markers, start=1):
        at = rec0 + frames(fps, m.seconds, m.frames)
        length = frames(fps, m.duration_seconds) if m.duration_seconds else 1
        tc_in, tc_out = timecode(at, fps), timecode(at + length, fps)
        lines.append(f"{number:03d}  001      V     C        {tc_in} {tc_out} {tc_in} {tc_out}  ")
        lines.append(f"{m.comment} |C:{RESOLVE_COLORS[m.color]} |M:{m.name} |D:{length}")
        lines.append("")
    return ("\r\n".join(lines)).encode("utf-8")
