"""Readable text summaries for the terminal (pure functions over plain data)."""

from __future__ import annotations

from .model import Analysis
from .timecode import rate_label


def _span(analysis: Analysis, start: int, end: int) -> str:
    seq = analysis.sequence
    return f"{seq.timecode(start)} - {seq.timecode(end)}"


def inspect_text(analysis: Analysis, max_rows: int = 40) -> str:
    """The summary ``scoreplan inspect`` prints."""
    seq = analysis.sequence
    lines = [
        f"Sequence   {seq.name!r}  ({seq.format}, written by {seq.application})",
        f"Rate       {rate_label(seq.rate)} fps{' drop frame' if seq.drop_frame else ''}"
        + ("  (ASSUMED: pass --rate)" if seq.rate_assumed else ""),
        f"Start TC   {seq.start_timecode}",
        f"Duration   {seq.duration_frames} frames ({_span(analysis, 0, seq.duration_frames)})",
        "Tracks     " + (", ".join(f"{t.label} {t.name!r}" + (f" [{t.role}]" if t.role else "") for t in analysis.tracks) or "none"),
        f"Shots      {len(analysis.shots)} ({len(analysis.cuts)} cuts, {len(analysis.transitions)} transitions, "
        f"{sum(1 for s in analysis.shots if s.kind in ('gap', 'slug'))} gaps/slug)",
        "Reels      " + ", ".join(f"R{r.number} {_span(analysis, r.start_frame, r.end_frame)} ({r.evidence})" for r in analysis.reels),
        "",
    ]
    if analysis.scenes:
        lines.append(f"Scenes ({len(analysis.scenes)})")
        for s in analysis.scenes[:max_rows]:
            lines.append(f"  {_span(analysis, s.start_frame, s.end_frame)}  {s.label}  [{s.evidence}]")
        if len(analysis.scenes) > max_rows:
            lines.append(f"  ... {len(analysis.scenes) - max_rows} more (see --json)")
    else:
        lines.append(f"Scenes: {analysis.scene_note}")
    lines.append("")
    lines.append(f"Music already in the cut ({len(analysis.music)})")
    for m in analysis.music[:max_rows]:
        lines.append(f"  {_span(analysis, m.start_frame, m.end_frame)}  {m.track} {m.name!r}  [{m.evidence}]")
    lines.append("")
    editor = analysis.editor_annotations
    ours = len(analysis.annotations) - len(editor)
    lines.append(f"Annotations ({len(editor)} of the editor's" + (f", {ours} of ours from an earlier run" if ours else "") + ")")
    for a in editor[:max_rows]:
        dur = f" +{a.duration_frames}f" if a.duration_frames else ""
        color = f" {a.color}" if a.color else ""
        comment = f" -- {a.comment}" if a.comment and a.comment != a.name else ""
        lines.append(f"  {seq.timecode(a.frame)}{dur}  {a.name!r}{comment}{color}  [{a.origin}]")
    if len(editor) > max_rows:
        lines.append(f"  ... {len(editor) - max_rows} more (see --json)")
    # the warnings go to stderr once, from the command (they were printed here as well: twice in a terminal)
    return "\n".join(lines) + "\n"
