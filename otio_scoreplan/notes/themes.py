"""The theme report: for each theme (leitmotif), the cue that introduces it and every cue it recurs in."""

from __future__ import annotations

import html
from dataclasses import dataclass

from ..plan.model import Cue
from .csvnotes import document_cells, render_table_csv
from .sheet import Sheet, tc_length

THEME_COLUMNS = ("theme", "introduced by", "cue", "reel", "start", "end", "duration", "moods", "cut", "revision", "date")


@dataclass(frozen=True)
class ThemeReport:
    """One theme and the cues where it is heard, in film order."""

    name: str
    introduced_by: str
    cues: tuple[Cue, ...]


def theme_reports(sheet: Sheet) -> list[ThemeReport]:
    """Every theme heard in the sheet's cues: the plan's own theme list first, then themes only cues name."""
    cues = sheet.cues
    by_id = {c.id: c for c in cues}
    out: list[ThemeReport] = []
    seen: set[str] = set()
    for use in sheet.plan.themes:
        listed = tuple(by_id[i] for i in use.cues if i in by_id)
        if listed:
            out.append(ThemeReport(use.name, use.introduced_by, listed))
            seen.add(use.name.lower())
    for cue in cues:
        for name in cue.themes:
            if name.lower() in seen:
                continue
            seen.add(name.lower())
            listed = tuple(c for c in cues if name.lower() in {t.lower() for t in c.themes})
            out.append(ThemeReport(name, listed[0].id, listed))
    return out


def theme_rows(sheet: Sheet) -> list[tuple[str, ...]]:
    """One row per (theme, cue): theme, introduced by, cue, reel, start, end, duration, moods."""
    rows = []
    for rep in theme_reports(sheet):
        for cue in rep.cues:
            seq = sheet.sequence(cue)
            rows.append((rep.name, rep.introduced_by, cue.id, str(cue.reel), seq.timecode(cue.start_frame),
                         seq.timecode(cue.end_frame), tc_length(cue.duration_frames, seq.rate), ", ".join(cue.moods)))
    return rows


def render_themes_csv(sheet: Sheet) -> str:
    """The theme report as CSV, one row per cue a theme is heard in."""
    doc = document_cells(sheet)
    return render_table_csv(THEME_COLUMNS, [list(r) + doc for r in theme_rows(sheet)])


def render_themes_markdown(sheet: Sheet, level: int = 2, heading: str = "Themes") -> str:
    """The theme report as a Markdown section (``level`` 1 and a longer ``heading`` for a document of its own)."""
    lines = [f"{'#' * level} {md_escape(heading)}", ""]
    reports = theme_reports(sheet)
    if not reports:
        return "\n".join(lines + ["No cue names a theme.", ""])
    for rep in reports:
        lines.append(f"- **{md_escape(rep.name)}** (introduced by {rep.introduced_by}, {len(rep.cues)} cue"
                     f"{'s' if len(rep.cues) != 1 else ''}): "
                     + ", ".join(f"{c.id} at {sheet.sequence(c).timecode(c.start_frame)}" for c in rep.cues))
    return "\n".join(lines + [""])


def render_themes_html(sheet: Sheet) -> str:
    """The theme report as an HTML section (a fragment of a page)."""
    reports = theme_reports(sheet)
    if not reports:
        return '<section class="themes"><h2>Themes</h2><p>No cue names a theme.</p></section>\n'
    items = []
    for rep in reports:
        uses = ", ".join(f"<b>{html.escape(c.id)}</b> {html.escape(sheet.sequence(c).timecode(c.start_frame))}"
                         for c in rep.cues)
        items.append(f"<li><b>{html.escape(rep.name)}</b> (introduced by {html.escape(rep.introduced_by)}): {uses}</li>")
    return '<section class="themes"><h2>Themes</h2><ul>\n' + "\n".join(items) + "\n</ul></section>\n"


def md_escape(text: str) -> str:
    """Text safe inside a Markdown table cell or list item: pipes escaped, line breaks flattened."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")
