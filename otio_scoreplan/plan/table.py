"""The plan as a readable table for the terminal (a pure function over the plan)."""

from __future__ import annotations

import textwrap

from .model import Plan

WIDTH = 118  # characters a detail line may take in the terminal before it wraps (at a word)

ENTRY = {"hard_in": "in", "prelap": "prelap", "fade_in": "fade in", "segue": "segue"}
EXIT = {"hard_out": "out", "tail_out": "tail", "fade_out": "fade out", "segue": "segue"}


def _edge(edge, names: dict[str, str], rate: float) -> str:
    text = names.get(edge.type, edge.type)
    if edge.type == "prelap":
        return f"{text} {edge.frames}f"
    if edge.type == "tail_out":  # to a tenth of a second, as the Length column (60f at 29.97 is 2.002 s)
        return f"{text} {edge.frames / rate:.1f}s"
    if edge.type == "segue" and edge.frames:
        return f"xfade {edge.frames}f"
    return text


def wrapped(text: str, indent: int, width: int = WIDTH) -> list[str]:
    """``text`` wrapped at words into lines of ``width`` characters, each indented ``indent`` spaces (a word
    longer than a line is kept whole: a path or a URL is never cut)."""
    pad = " " * indent
    return textwrap.wrap(" ".join(text.split()), width, initial_indent=pad, subsequent_indent=pad + "  ",
                         break_long_words=False, break_on_hyphens=False) or [pad]


def plan_text(plan: Plan) -> str:
    """The cue list: id, in/out timecode, length, kind, entry/exit, moods, intensity and the first reason."""
    lines = []
    for seq in plan.sequences:
        lines.append(f"Sequence {seq.name!r}  {seq.start_timecode} - {seq.end_timecode}  ({seq.format})")
    lines.append(f"Fingerprint {plan.fingerprint}")
    lines.append("")
    header = f"{'Cue':<7} {'In':<12} {'Out':<12} {'Length':>7}  {'Kind':<6} {'Entry':<10} {'Exit':<10} {'Int':>3}  Moods / themes / description"
    lines += [header, "-" * len(header)]
    for cue in plan.cues:
        seq = plan.sequences[cue.input]
        words = ", ".join(cue.moods) + (f"  [{', '.join(cue.themes)}]" if cue.themes else "")
        lines.append(
            f"{cue.id:<7} {seq.timecode(cue.start_frame):<12} {seq.timecode(cue.end_frame):<12} "
            f"{cue.duration_frames / seq.rate:>6.1f}s  {cue.kind:<6} {_edge(cue.entry, ENTRY, seq.rate):<10} "
            f"{_edge(cue.exit, EXIT, seq.rate):<10} {cue.intensity:>3}  {words}"
        )
        detail = [cue.description] if cue.description else []
        detail += [f"palette: {', '.join(cue.palette)}"] if cue.palette else []
        detail += [f"hit {seq.timecode(h.frame)} {h.label}" for h in cue.hits]
        detail += [f"why: {cue.reasons[0]}"] if cue.reasons else []
        lines += [line for d in detail for line in wrapped(d, 8)]
    if not plan.cues:
        lines.append("(no cues)")
    if plan.themes:
        lines += ["", "Themes"]
        lines += [f"  {t.name}: {', '.join(t.cues)} (introduced in {t.introduced_by})" for t in plan.themes]
    if plan.retired_ids:
        lines += ["", "Retired ids: " + ", ".join(plan.retired_ids)]
    return "\n".join(lines) + "\n"


def temp_text(plan: Plan) -> str:
    """The temp music of the cues that have a piece: id, title (or path), why, and whether a person pinned it."""
    picks = [c for c in plan.cues if c.temp]
    if not picks:
        return ""
    rows = [f"  {c.id:<7} {c.temp.title or c.temp.path}  ({c.temp.reason}){'  [pinned]' if c.temp.pinned else ''}\n"
            for c in picks]
    return "\nTemp music\n" + "".join(rows)


def _change(cue) -> str:
    """``kept``, ``moved -192f``, ``shortened 144f, moved -48f``, ``split from 1M4``, ``new`` (and a changed id)."""
    r = cue.recut
    if r.change in ("new", "split"):
        return "new" if r.change == "new" else f"split from {r.previous_id}"
    if r.change in ("lengthened", "shortened"):
        words = f"{r.change} {abs(r.length_frames)}f" + (f", moved {r.moved_frames:+d}f" if r.moved_frames else "")
    else:
        words = f"moved {r.moved_frames:+d}f" if r.change == "moved" else "kept"
    return words + (f" (was {r.previous_id})" if r.previous_id != cue.id else "")


def recut_text(plan: Plan) -> str:
    """What a recut did to each cue against the previous plan (``spot --previous``); "" for a fresh plan."""
    if not plan.recut_from:
        return ""
    lines = ["", f"Recut against the previous plan {plan.recut_from}"]
    for cue in plan.cues:
        if cue.recut is None:
            continue
        kept = f"  kept: {', '.join(cue.recut.kept)}" if cue.recut.kept else ""
        lines.append(f"  {cue.id:<7} {_change(cue)}{kept}")
        lines += [line for note in cue.recut.notes for line in wrapped(note, 10)]
    for gone in plan.dropped:
        lines.append(f"  {gone.id:<7} dropped (frames {gone.start_frame}-{gone.end_frame} of the previous cut): {gone.note}")
    return "\n".join(lines) + "\n"


def why_not_text(plan: Plan) -> str:
    """The stretches left without music and what keeps music out of each (``spot --why-not``)."""
    lines = ["", "Without music"]
    for f in plan.without_music:
        seq = plan.sequences[f.input]
        where = f"{seq.timecode(f.start_frame)} - {seq.timecode(f.end_frame)}"
        lines.append(f"  {where}  {(f.end_frame - f.start_frame) / seq.rate:6.1f} s" + (f"  (input {f.input + 1})" if len(plan.sequences) > 1 else ""))
        lines += [line for why in f.why for line in wrapped(why, 4)]
    if not plan.without_music:
        lines.append("  (music covers the whole running time)")
    return "\n".join(lines) + "\n"
