"""The change memo of a recut (``spot --previous``): what the composer needs to know, per cue, as plain lines.

Per cue that changed: how (moved, lengthened, shortened, split, new, an id that changed), its in and out
before and after (timecode, and the difference in seconds), each picture edit the recut made inside it (where,
from the cue's start, and how many frames and seconds came out or went in: the plan's ``recut.edits``; without
them, the in and out are all the memo can say), and each sync point's offset from the cue's start before and
after. Then the cues that are gone, with the final music and temp they held. Every document prints these lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import SequenceInfo
from ..plan.model import Cue, DroppedCue
from .sheet import Sheet, tc_length


@dataclass(frozen=True)
class MemoEntry:
    """One cue's part of the change memo: its id (``dropped`` cues too) and the lines that say what changed."""

    cue: str
    change: str  # kept | moved | lengthened | shortened | split | new | dropped
    lines: tuple[str, ...]


def _seconds(frames: int, rate: float) -> str:
    return f"{frames / rate:+.1f} s"


def _offset(frames: int, rate: float) -> str:
    """An offset from a cue's start as timecode digits and seconds: ``00:00:12:04 (12.2 s)``."""
    sign = "-" if frames < 0 else ""
    return f"{sign}{tc_length(abs(frames), rate)} ({frames / rate:.1f} s)"


def _edge_line(name: str, before: int, after: int, seq: SequenceInfo, previous: SequenceInfo) -> str:
    if before == after and previous is seq:
        return f"{name} {seq.timecode(after)} (unchanged)"
    moved = after - before
    return (f"{name} {previous.timecode(before)} -> {seq.timecode(after)}"
            + (f" ({moved:+d} frames, {_seconds(moved, seq.rate)})" if moved else " (same frame)"))


def _hit_lines(cue: Cue, seq: SequenceInfo) -> list[str]:
    r = cue.recut
    if r is None or r.previous_start_frame is None:
        return []
    old = {h.label: h for h in r.previous_hits}
    out = []
    for hit in cue.hits:
        now = hit.frame - cue.start_frame
        was = old.pop(hit.label, None)
        if was is None:
            out.append(f"sync point {hit.label!r}: new, {_offset(now, seq.rate)} from the cue's start")
            continue
        before = was.frame - r.previous_start_frame
        change = f"moved {_seconds(now - before, seq.rate)}" if now != before else "unchanged"
        out.append(f"sync point {hit.label!r}: {_offset(before, seq.rate)} -> {_offset(now, seq.rate)} from the "
                   f"cue's start ({change})")
    out += [f"sync point {h.label!r}: gone (was {_offset(h.frame - r.previous_start_frame, seq.rate)} from the "
            "cue's start)" for h in old.values()]
    return out


def _edit_lines(cue: Cue, seq: SequenceInfo) -> list[str]:
    r = cue.recut
    out = []
    for e in getattr(r, "edits", ()) or ():
        at = cue.start_frame + e.at
        what = (f"{e.removed} frames ({e.removed / seq.rate:.1f} s) of picture taken out" if e.removed else
                f"{e.added} frames ({e.added / seq.rate:.1f} s) of picture put in")
        out.append(f"{what} at {seq.timecode(at)}, {_offset(e.at, seq.rate)} into the cue "
                   f"(was {_offset(e.previous_at, seq.rate)} into it)")
    return out


def cue_memo(cue: Cue, seq: SequenceInfo) -> MemoEntry | None:
    """The memo lines of one cue of a recut plan (None when the plan says nothing of a recut for it)."""
    r = cue.recut
    if r is None:
        return None
    if r.change == "new" or r.previous_start_frame is None or r.previous_end_frame is None:
        return MemoEntry(cue.id, r.change, (f"new cue {seq.timecode(cue.start_frame)} - {seq.timecode(cue.end_frame)} "
                                            f"({tc_length(cue.duration_frames, seq.rate)})",))
    head = {"split": f"split from {r.previous_id}", "kept": "unchanged"}.get(r.change, r.change)
    if r.change in ("lengthened", "shortened"):
        head += f" by {abs(r.length_frames)} frames ({abs(r.length_frames) / seq.rate:.1f} s)"
    elif r.change == "moved":
        head += f" by {r.moved_frames:+d} frames ({_seconds(r.moved_frames, seq.rate)})"
    if r.previous_id and r.previous_id != cue.id and r.change != "split":
        head += f" (was {r.previous_id})"
    lines = [head,
             _edge_line("in", r.previous_start_frame, cue.start_frame, seq, seq),
             _edge_line("out", r.previous_end_frame, cue.end_frame, seq, seq),
             f"length {tc_length(r.previous_end_frame - r.previous_start_frame, seq.rate)} -> "
             f"{tc_length(cue.duration_frames, seq.rate)}"]
    lines += _edit_lines(cue, seq) + _hit_lines(cue, seq)
    return MemoEntry(cue.id, r.change, tuple(lines))


def dropped_memo(gone: DroppedCue, seq: SequenceInfo) -> MemoEntry:
    """The memo of a cue of the previous plan that no cue continues, with its final music and temp."""
    lines = [f"dropped: was {seq.timecode(gone.start_frame)} - {seq.timecode(gone.end_frame)} in the previous cut"
             + (f"; {gone.note}" if gone.note else "")]
    music = gone.final_music
    if music is not None:
        who = f" by {music.composer}" if music.composer else ""
        lines.append(f"its final music: {music.title or '(untitled)'}{who} - on the cue sheet only if added to a cue")
    if gone.temp is not None:
        lines.append(f"its temp: {gone.temp.title or gone.temp.path}")
    return MemoEntry(gone.id, "dropped", tuple(lines))


def change_memo(sheet: Sheet) -> list[MemoEntry]:
    """The change memo of a recut plan (every listed cue that changed, then the dropped ones); [] otherwise."""
    if not sheet.plan.recut_from:
        return []
    out = [m for c in sheet.cues if (m := cue_memo(c, sheet.sequence(c))) is not None and _says_something(m)]
    inputs = set(sheet.inputs)
    for gone in sheet.plan.dropped:
        if gone.input in inputs and gone.input < len(sheet.plan.sequences):
            out.append(dropped_memo(gone, sheet.plan.sequences[gone.input]))
    return out


def _says_something(entry: MemoEntry) -> bool:
    """A cue the recut changed: its range, or a picture edit or a sync point inside it."""
    return entry.change != "kept" or any(
        "of picture" in line or (line.startswith("sync point") and "(unchanged)" not in line) for line in entry.lines)


def memo_heading(sheet: Sheet) -> str:
    """The memo's heading: against which plan."""
    return f"Changes since the previous plan ({sheet.plan.recut_from.split(':', 1)[-1][:8]})"
