"""Reels: the unit cue numbers count in (1M1 is the first cue of reel 1)."""

from __future__ import annotations

import re

from ..model import Annotation, Reel, SequenceInfo

REEL_WORD = re.compile(r"\b(?:reel|r)\s*[-_ ]?\s*(\d{1,2})\b", re.IGNORECASE)


def reel_number_in(text: str) -> int | None:
    """The reel number named in a sequence or marker name: 'R1', 'Reel 2', 'REEL_03'."""
    m = REEL_WORD.search(text or "")
    return int(m.group(1)) if m and 0 < int(m.group(1)) < 100 else None


def find_reels(seq: SequenceInfo, annotations: list[Annotation], reel_minutes: float = 20.0) -> list[Reel]:
    """Reels from reel markers, else the sequence name, else the start hour, else fixed-length reels."""
    markers = [
        (a.frame, n, a.name)
        for a in annotations
        if not a.ours and (n := _reel_marker(a)) is not None and 0 <= a.frame < max(seq.duration_frames, 1)
    ]
    if markers:
        markers.sort()
        reels: list[Reel] = []
        first_frame = markers[0][0]
        if first_frame > 0:
            prev_no = markers[0][1] - 1 if markers[0][1] > 1 else None
            if prev_no:
                reels.append(Reel(prev_no, 0, first_frame, "before the first reel marker"))
        for i, (frame, number, name) in enumerate(markers):
            end = markers[i + 1][0] if i + 1 < len(markers) else seq.duration_frames
            start = 0 if (i == 0 and not reels) else frame
            if end > start:
                reels.append(Reel(number, start, end, f"reel marker {name!r}"))
        return reels
    named = reel_number_in(seq.name)
    if named is not None:
        return [Reel(named, 0, seq.duration_frames, f"sequence name {seq.name!r}")]
    hour = seq.start_frame // int(round(seq.rate) * 3600) if seq.rate else 0
    if hour >= 1 and seq.duration_frames <= seq.rate * 60 * reel_minutes * 1.5:
        return [Reel(hour, 0, seq.duration_frames, f"start timecode {seq.start_timecode} (hour {hour})")]
    length = max(1, int(round(seq.rate * 60 * reel_minutes)))
    count = max(1, -(-seq.duration_frames // length))
    first = hour if hour >= 1 else 1
    return [
        Reel(first + i, i * length, min(seq.duration_frames, (i + 1) * length), f"reel length {reel_minutes:g} min")
        for i in range(count)
    ]


def _reel_marker(a: Annotation) -> int | None:
    name = (a.name or "").strip()
    if re.fullmatch(r"(?i)(?:reel|r)\s*[-_ ]?\s*\d{1,2}(?:\s*(?:start|begin|head))?", name):
        return reel_number_in(name)
    return None
