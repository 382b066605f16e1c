"""The spotting notes as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched.

Header (production, cut version, rate, start timecode), the picture of the cue layout, the cue list with
each cue's description and reasons, and the theme report. ``@media print`` keeps the picture on the
first page, repeats the table header on every page and keeps each cue's rows together.
"""

from __future__ import annotations

import html

from .layout import cue_layout, mood_color, render_svg
from .memo import change_memo, memo_heading
from .sheet import Sheet, cue_rows, document_title, header_facts
from .themes import render_themes_html

CSS = """
:root { color-scheme: light; }
body { font: 13px/1.35 Helvetica, Arial, sans-serif; color: #1d1d1f; margin: 24px; background: #fff; }
h1 { font-size: 20px; margin: 0 0 6px; }
h2 { font-size: 15px; margin: 18px 0 6px; border-bottom: 1px solid #ccc; }
dl.facts { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 0 0 12px; }
dl.facts div { display: flex; gap: 6px; }
dl.facts dt { color: #666; }
dl.facts dd { margin: 0; font-weight: bold; }
figure { margin: 0; overflow-x: auto; }
svg.layout { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 5px; text-align: left; vertical-align: top; }
th { background: #eef0f3; font-size: 12px; }
td.tc { font-family: Menlo, Consolas, monospace; white-space: nowrap; }
td.id { font-weight: bold; white-space: nowrap; }
span.swatch { display: inline-block; width: 9px; height: 9px; margin-right: 4px; border: 1px solid #333; }
tr.detail td { color: #444; font-size: 12px; border-bottom: 2px solid #bbb; }
tr.detail ul { margin: 2px 0 0 16px; padding: 0; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; font-size: 10px; }
  figure { overflow: visible; break-inside: avoid; }
  thead { display: table-header-group; }
  tr, tbody.cue { break-inside: avoid; }
  body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  th { background: none; border-bottom: 1.5px solid #000; }
}
""".strip()

COLUMNS = (("Cue", "cue", "id"), ("Reel", "reel", ""), ("Start", "start", "tc"), ("End", "end", "tc"),
           ("Length", "duration", "tc"), ("In", "entry", ""), ("Out", "exit", ""), ("Kind", "kind", ""),
           ("Moods", "moods", ""), ("Themes", "themes", ""), ("Hits", "hits", ""), ("Temp pick", "temp_pick", ""))


def page(title: str, body: str) -> str:
    """A complete HTML document around ``body`` with the notes' stylesheet."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n{body}</body>\n</html>\n")


def _facts(sheet: Sheet) -> str:
    items = "".join(f"<div><dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd></div>" for k, v in header_facts(sheet))
    return f'<dl class="facts">{items}</dl>\n'


def _table(sheet: Sheet) -> str:
    rows = cue_rows(sheet)
    if not rows:
        return "<p>No cues are planned.</p>\n"
    head = "".join(f"<th>{t}</th>" for t, _, _ in COLUMNS)
    body = []
    for r, cue in zip(rows, sheet.cues):
        cells = []
        for _, key, cls in COLUMNS:
            value = html.escape(getattr(r, key))
            if key == "moods" and cue.moods:
                value = f'<span class="swatch" style="background:{mood_color(cue.moods[0])}"></span>{value}'
            cells.append(f'<td class="{cls}">{value}</td>' if cls else f"<td>{value}</td>")
        body.append('<tbody class="cue"><tr>' + "".join(cells) + "</tr>")
        detail = [html.escape(cue.description)] if cue.description else []
        if cue.palette:
            detail.append(f"<i>Palette:</i> {html.escape(r.palette)}")
        reasons = "".join(f"<li>{html.escape(x)}</li>" for x in cue.reasons)
        detail_html = "<br>".join(detail) + (f"<ul>{reasons}</ul>" if reasons else "")
        body.append(f'<tr class="detail"><td></td><td colspan="{len(COLUMNS) - 1}">{detail_html}</td></tr></tbody>')
    return f"<table>\n<thead><tr>{head}</tr></thead>\n" + "\n".join(body) + "\n</table>\n"


def render_html(sheet: Sheet) -> str:
    """The whole spotting-notes page."""
    title = document_title(sheet)
    body = (f"<header>\n<h1>Spotting notes: {html.escape(title)}</h1>\n{_facts(sheet)}</header>\n"
            f"<figure>\n{render_svg(cue_layout(sheet))}\n</figure>\n"
            f"<h2>Cues</h2>\n{_table(sheet)}{_memo(sheet)}{render_themes_html(sheet)}")
    return page(f"Spotting notes: {title}", body)


def _memo(sheet: Sheet) -> str:
    """The change memo of a recut as a section ("" for a plan made afresh)."""
    memo = change_memo(sheet)
    if not memo:
        return ""
    items = []
    for entry in memo:
        rest = "".join(f"<li>{html.escape(x)}</li>" for x in entry.lines[1:])
        items.append(f"<li><b>{html.escape(entry.cue)}</b>: {html.escape(entry.lines[0])}"
                     + (f"<ul>{rest}</ul>" if rest else "") + "</li>")
    return (f'<section class="memo"><h2>{html.escape(memo_heading(sheet))}</h2><ul>\n' + "\n".join(items)
            + "\n</ul></section>\n")


def render_themes_page(sheet: Sheet) -> str:
    """The theme report alone, as a page."""
    title = document_title(sheet)
    return page(f"Themes: {title}", f"<h1>Themes: {html.escape(title)}</h1>\n{_facts(sheet)}{render_themes_html(sheet)}")
