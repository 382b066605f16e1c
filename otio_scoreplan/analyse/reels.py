"""Reels: the unit cue numbers count in (1M1 is the first cue of reel 1).

In order of trust: the editor's reel markers ('R2', 'Reel 2', 'REEL_03 START'); a reel number in
the sequence name ('R1', 'Reel 2', 'REEL_03', 'MyFilm_R3_v12', 'R2 v12'); a setting (fixed-length reels,
``reel_minutes``; acts from fades to black, :func:`act_reels`, opt-in: public broadcasters have no ad
breaks); else the cut is one reel, numbered by the start timecode's hour (the industry habit: reel 2 starts
at 02:00:00:00, often after a leader from 01:59:52:00) or 1. A programme is never cut into reels by its
length alone. Several inputs are a reel each (see :func:`otio_scoreplan.plan.reel_offsets`). Reels cover
``[0, duration)`` in order without overlap.

A reel number is an 'R' or 'Reel' word standing on its own: camera rolls and clip names such as
'A001R1', 'A001C002_220315_R1AB' or 'R3D' are not reels. 'FINAL R1 ONLINE' is reel 1: editors do
write reel numbers between other words.
"""

from __future__ import annotations

import re

from .. import OUR_TOKEN
from ..model import Annotation, Reel, SequenceInfo, Shot, Transition

# 'R1', 'R01', 'Reel 2', 'REEL_03', 'reel-4', 'Rl 5', standing alone between separators (space _ - . ( ) ...).
_REEL_STRICT = re.compile(r"(?<![A-Za-z0-9])(?:(?:reel|rl)[ _.-]*0*(\d{1,2})|r0*(\d{1,2}))(?![A-Za-z0-9])", re.IGNORECASE)
_REEL_MARKER = re.compile(
    r"^\s*(?:(?:reel|rl)[ _.-]*0*(\d{1,2})|r0*(\d{1,2}))(?:\s*[-:]?\s*(?:start|begin|beginning|head|top|first frame|ffoa))?\s*$",
    re.IGNORECASE,
)
# A leader before the hour: a reel starting up to this many minutes before HH:00:00:00 belongs to HH.
_LEADER_MINUTES = 2
ONE_REEL = "one reel: no reel markers, no reel number in the sequence name, no reel length set"
MARKED = ("reel marker", "before the first reel marker")  # evidence of reels the editor marked


def reel_number_in(text: str) -> int | None:
    """The reel number named in a sequence name: 'R1', 'Reel 2', 'REEL_03', 'Film_R3_v12', 'R2 v12'."""
    for m in _REEL_STRICT.finditer(text or ""):
        number = int(m.group(1) or m.group(2))
        if 0 < number < 100:
            return number
    return None


def reel_marker_number(a: Annotation) -> int | None:
    """The reel a marker starts ('R2', 'Reel 2', 'REEL 3 START'), from its name or else its comment."""
    for text in (a.name, a.comment):
        m = _REEL_MARKER.match(text or "")
        if m:
            number = int(m.group(1) or m.group(2))
            return number if 0 < number < 100 else None
    return None


def find_reels(seq: SequenceInfo, annotations: list[Annotation], reel_minutes: float = 0.0) -> list[Reel]:
    """Reels from reel markers, else the sequence name, else ``reel_minutes``-long reels when that is set (> 0),
    else one reel numbered by the start hour (or 1)."""
    duration = seq.duration_frames
    if duration <= 0:
        return []
    reels = _from_markers(seq, annotations)
    if reels:
        return reels
    named = reel_number_in(seq.name)
    if named is not None:
        return [Reel(named, 0, duration, f"sequence name {seq.name!r}")]
    hour, hour_evidence = _start_hour(seq)
    if reel_minutes <= 0:
        return [Reel(hour or 1, 0, duration, hour_evidence or ONE_REEL)]
    length = max(1, int(round(seq.rate * 60 * reel_minutes)))
    if hour is not None and duration <= length * 1.5:
        return [Reel(hour, 0, duration, hour_evidence)]
    first = hour if hour is not None else 1
    starts = list(range(0, duration, length))
    if len(starts) > 1 and duration - starts[-1] < length // 4:
        starts.pop()  # a short tail joins the reel before it
    evidence = f"reel length {reel_minutes:g} min" + (f"; first reel from {hour_evidence}" if hour is not None else "")
    return [
        Reel(first + i, s, starts[i + 1] if i + 1 < len(starts) else duration, evidence)
        for i, s in enumerate(starts)
    ]


def _from_markers(seq: SequenceInfo, annotations: list[Annotation]) -> list[Reel]:
    duration = seq.duration_frames
    marks = sorted(
        (a.frame, n, a.name or a.comment)
        for a in annotations
        if not a.ours and OUR_TOKEN not in a.text and 0 <= a.frame < duration and (n := reel_marker_number(a)) is not None
    )
    # The same reel marked twice keeps its first marker.
    kept: list[tuple[int, int, str]] = []
    for m in marks:
        if not kept or m[1] != kept[-1][1]:
            kept.append(m)
    if not kept:
        return []
    reels: list[Reel] = []
    first_frame, first_no, _ = kept[0]
    if first_frame > 0 and first_no > 1:
        reels.append(Reel(first_no - 1, 0, first_frame, "before the first reel marker"))
    for i, (frame, number, name) in enumerate(kept):
        start = 0 if not reels else frame
        end = kept[i + 1][0] if i + 1 < len(kept) else duration
        if end > start:
            reels.append(Reel(number, start, end, f"reel marker {name!r}"))
    return reels


def _start_hour(seq: SequenceInfo) -> tuple[int | None, str]:
    """The reel named by the start timecode's hour (1 to 9), allowing for a leader before the hour."""
    fps = int(round(seq.rate)) if seq.rate else 0
    if fps <= 0:
        return None, ""
    # Timecode hours count nominal frames (drop frame keeps the hour labels): read it off the timecode.
    tc = seq.start_timecode.replace(";", ":").split(":")
    try:
        hh, mm, ss, ff = (int(p) for p in tc[:4])
    except (ValueError, IndexError):
        return None, ""
    to_next_hour = ((60 - mm) * 60 - ss) * fps - ff
    if mm >= 60 - _LEADER_MINUTES and seq.duration_frames > to_next_hour:
        hh, note = hh + 1, f" (leader before {hh + 1:02d}:00:00:00)"
    else:
        note = ""
    if 1 <= hh <= 9:
        return hh, f"start timecode {seq.start_timecode}{note}"
    return None, ""


def reels_by_setting(seq: SequenceInfo, annotations: list[Annotation], reels: list[Reel], reel_minutes: float,
                     acts: list[Reel] | None = None) -> list[Reel]:
    """``reels`` (from :func:`find_reels`) as the rules' settings have them: marked reels and a reel number in
    the name stand; else acts from fades to black (``acts``, from :func:`act_reels`, when the setting asks for
    them and there are two or more), else ``reel_minutes``-long reels (> 0), else the reels as found."""
    if any(r.evidence.startswith(MARKED) or r.evidence.startswith("sequence name") for r in reels):
        return reels
    if acts and len(acts) > 1:
        return acts
    if reel_minutes > 0:
        return find_reels(seq, annotations, reel_minutes)
    return reels


def act_reels(seq: SequenceInfo, shots: list[Shot], transitions: list[Transition], first: int = 1,
              black_seconds: float = 1.0, min_act_minutes: float = 3.0) -> list[Reel]:
    """Acts from fades to black (opt-in): the picture fading out to black, or black of at least ``black_seconds``,
    between two acts of at least ``min_act_minutes``; numbered from ``first``. Empty when there is no such break."""
    duration, rate = seq.duration_frames, seq.rate or 24.0
    fades = {t.cut_frame for t in transitions if t.kind in ("fade_out", "dip")}
    min_black, min_act = int(round(rate * black_seconds)), int(round(rate * 60 * min_act_minutes))
    breaks: list[tuple[int, str]] = []
    i = 0
    while i < len(shots):
        if shots[i].kind not in ("gap", "slug"):
            i += 1
            continue
        j = i
        while j + 1 < len(shots) and shots[j + 1].kind in ("gap", "slug"):
            j += 1
        start, end = shots[i].start_frame, shots[j].end_frame
        if 0 < start and end < duration and (start in fades or end - start >= min_black):
            if end - (breaks[-1][0] if breaks else 0) >= min_act and duration - end >= min_act:
                how = "fade to black" if start in fades else "black"
                breaks.append((end, f"act after a {how} at {seq.timecode(start)}"))
        i = j + 1
    if not breaks:
        return []
    starts = [(0, "first act")] + breaks
    return [Reel(first + k, s, starts[k + 1][0] if k + 1 < len(starts) else duration, why)
            for k, (s, why) in enumerate(starts)]
