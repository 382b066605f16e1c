"""The spotting notes as Markdown, for people and for version control."""

from __future__ import annotations

from .memo import change_memo, memo_heading
from .sheet import Sheet, cue_rows, document_title, header_facts
from .themes import md_escape, render_themes_markdown

TABLE = (("Cue", "cue"), ("Reel", "reel"), ("Start", "start"), ("End", "end"), ("Length", "duration"),
         ("In", "entry"), ("Out", "exit"), ("Kind", "kind"), ("Moods", "moods"), ("Themes", "themes"),
         ("Hits", "hits"), ("Temp pick", "temp_pick"))


def render_markdown(sheet: Sheet) -> str:
    """Header, the cue table, one paragraph per cue (description, palette, reasons), the theme report."""
    lines = [f"# Spotting notes: {md_escape(document_title(sheet))}", ""]
    lines += [f"- **{label}:** {md_escape(value)}" for label, value in header_facts(sheet)]
    lines += ["", "## Cues", ""]
    rows = cue_rows(sheet)
    if not rows:
        lines += ["No cues are planned.", ""]
    else:
        lines.append("| " + " | ".join(t for t, _ in TABLE) + " |")
        lines.append("|" + "|".join("---" for _ in TABLE) + "|")
        for r in rows:
            lines.append("| " + " | ".join(md_escape(getattr(r, k)) for _, k in TABLE) + " |")
        lines.append("")
        for r, cue in zip(rows, sheet.cues):
            lines += [f"### {md_escape(r.cue)} ({r.start} - {r.end})", ""]
            if r.description:
                lines.append(md_escape(r.description))
                lines.append("")
            if r.palette:
                lines += [f"*Palette:* {md_escape(r.palette)}", ""]
            lines += [f"- {md_escape(x)}" for x in cue.reasons]
            if cue.reasons:
                lines.append("")
    memo = change_memo(sheet)
    if memo:
        lines += [f"## {md_escape(memo_heading(sheet))}", ""]
        for entry in memo:
            lines += [f"### {md_escape(entry.cue)}: {md_escape(entry.lines[0])}", ""]
            lines += [f"- {md_escape(x)}" for x in entry.lines[1:]] + ([""] if len(entry.lines) > 1 else [])
    lines.append(render_themes_markdown(sheet))
    return "\n".join(lines).rstrip("\n") + "\n"
