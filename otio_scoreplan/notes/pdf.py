"""The spotting sheet as PDF (fpdf2, pure Python): header, the cue-layout picture drawn with vector
primitives, the cue table, the theme report. A4 landscape.

fpdf2's built-in Helvetica covers Latin-1 only: other characters print as their closest Latin-1 form
(accents kept where Latin-1 has them) or ``?``; the HTML and Markdown notes keep every character.
"""

from __future__ import annotations

import datetime as _dt
import logging
import unicodedata

from .layout import Line, Picture, Rect, Shape, cue_layout, shape_top
from .memo import change_memo, memo_heading
from .sheet import Sheet, cue_rows, document_title, header_facts
from .themes import theme_reports

log = logging.getLogger(__name__)

PAGE_W, PAGE_H, MARGIN = 297.0, 210.0, 12.0
PT_PER_MM = 72 / 25.4
TABLE = (("Cue", "cue", 12), ("Start", "start", 22), ("End", "end", 22), ("Length", "duration", 20),
         ("In", "entry", 22), ("Out", "exit", 22), ("Moods", "moods", 22), ("Themes", "themes", 18),
         ("Hits", "hits", 30), ("Temp pick", "temp_pick", 26), ("Description", "description", 57))
REPLACEMENTS = {"…": "...", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "•": "-", "\u00a0": " "}


def latin1(text: str) -> str:
    """``text`` in the Latin-1 the core PDF fonts can show (see the module docstring)."""
    out = []
    for ch in text:
        ch = REPLACEMENTS.get(ch, ch)
        try:
            ch.encode("latin-1")
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            ch = base or "?"
        out.append(ch)
    return "".join(out)


def _hex(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _draw_shape(pdf, s: Shape, x: float, y: float, k: float) -> None:
    if isinstance(s, Rect):
        pdf.set_fill_color(*_hex(s.fill))
        if s.stroke:
            pdf.set_draw_color(*_hex(s.stroke))
            pdf.set_line_width(0.5 * k)
        pdf.rect(x + s.x * k, y + s.y * k, s.w * k, s.h * k, style="DF" if s.stroke else "F")
    elif isinstance(s, Line):
        pdf.set_draw_color(*_hex(s.stroke))
        pdf.set_line_width(s.width * k)
        if s.dash:
            pdf.set_dash_pattern(dash=3 * k, gap=2 * k)
        pdf.line(x + s.x1 * k, y + s.y1 * k, x + s.x2 * k, y + s.y2 * k)
        if s.dash:
            pdf.set_dash_pattern()
    elif s.text:
        pdf.set_font("Helvetica", "B" if s.bold else "", s.size * k * PT_PER_MM)
        pdf.set_text_color(*_hex(s.fill))
        text = latin1(s.text)
        w = pdf.get_string_width(text)
        tx = x + s.x * k - (w if s.anchor == "end" else w / 2 if s.anchor == "middle" else 0)
        pdf.text(tx, y + s.y * k, text)


def draw_picture(pdf, picture: Picture, x: float, width: float) -> None:
    """Draw the layout picture from the current position, ``width`` mm wide, row by row: a row that does not
    fit the rest of the page starts the next one. Leaves the position below the picture."""
    k = width / picture.width
    edges = list(picture.breaks or (0.0,)) + [picture.height]
    rows: list[list[Shape]] = [[] for _ in edges[:-1]]
    for shape in picture.shapes:
        top = shape_top(shape)
        i = max((n for n, e in enumerate(edges[:-1]) if e <= top), default=0)
        rows[i].append(shape)
    bottom = PAGE_H - MARGIN
    for i, shapes in enumerate(rows):
        height = (edges[i + 1] - edges[i]) * k
        if pdf.get_y() + height > bottom and pdf.get_y() > MARGIN + 1:
            pdf.add_page()
        origin = pdf.get_y() - edges[i] * k
        for shape in shapes:
            _draw_shape(pdf, shape, x, origin, k)
        pdf.set_y(pdf.get_y() + height)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)


def render_pdf(sheet: Sheet, created: _dt.datetime | None = None) -> bytes:
    """The spotting sheet PDF; ``created`` fixes the document date (for reproducible files)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, MARGIN)
    title = latin1(f"Spotting notes: {document_title(sheet)}")
    pdf.set_title(title)
    pdf.set_creator("otio-scoreplan")
    pdf.set_creation_date(created or _dt.datetime.now(_dt.UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    facts = "    ".join(f"{k}: {v}" for k, v in header_facts(sheet))
    pdf.multi_cell(0, 5, latin1(facts), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    draw_picture(pdf, cue_layout(sheet), MARGIN, PAGE_W - 2 * MARGIN)
    pdf.ln(4)
    _table(pdf, sheet)
    _details(pdf, sheet)
    _memo(pdf, sheet)
    _themes(pdf, sheet)
    return bytes(pdf.output())


def _table(pdf, sheet: Sheet) -> None:
    rows = cue_rows(sheet)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, "Cues", new_x="LMARGIN", new_y="NEXT")
    if not rows:
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(0, 5, "No cues are planned.", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.set_font("Helvetica", "", 7.5)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(0.2)
    with pdf.table(text_align="LEFT", col_widths=[w for _, _, w in TABLE], line_height=3.6, repeat_headings=1,
                   headings_style=_headings_style(), first_row_as_headings=True) as table:
        table.row([t for t, _, _ in TABLE])
        for r in rows:
            for cells in row_parts(pdf, [latin1(getattr(r, key)) for _, key, _ in TABLE]):
                table.row(cells)


ROW_LINES = 36  # the most text lines a table row takes on one page (A4 landscape, 3.6 mm lines, a heading row)


def row_parts(pdf, cells: list[str], most: int = ROW_LINES) -> list[list[str]]:
    """A table row as one or more rows of at most ``most`` lines each (a row longer than a page goes on over
    the next page, its cue id marked "(cont.)"), each cell broken into lines as the table will break it."""
    lines = [pdf.multi_cell(w - 2.2, 3.6, text, dry_run=True, output="LINES") if text else [""]
             for (_, _, w), text in zip(TABLE, cells)]
    if max(len(x) for x in lines) <= most:
        return [cells]
    parts = []
    for k in range(0, max(len(x) for x in lines), most):
        part = [" ".join(x[k:k + most]).strip() for x in lines]
        if k:
            part[0] = f"{cells[0]} (cont.)"
        parts.append(part)
    return parts


def _headings_style():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", fill_color=(230, 233, 238))


def _details(pdf, sheet: Sheet) -> None:
    """Per cue, its description, palette and every reason (where each word came from), as the Markdown notes."""
    if not sheet.cues:
        return
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, "Cue notes", new_x="LMARGIN", new_y="NEXT")
    for cue in sheet.cues:
        seq = sheet.sequence(cue)
        pdf.set_font("Helvetica", "B", 9)
        pdf.multi_cell(0, 5, latin1(f"{cue.id} ({seq.timecode(cue.start_frame)} - {seq.timecode(cue.end_frame)})"
                                    + (f": {cue.description}" if cue.description else "")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 8)
        lines = ([f"Palette: {', '.join(cue.palette)}"] if cue.palette else []) + [f"- {r}" for r in cue.reasons]
        for line in lines:
            pdf.set_x(MARGIN + 5)
            pdf.multi_cell(0, 3.8, latin1(line), new_x="LMARGIN", new_y="NEXT")


def _memo(pdf, sheet: Sheet) -> None:
    """The change memo of a recut, one paragraph per cue (nothing for a plan made afresh)."""
    memo = change_memo(sheet)
    if not memo:
        return
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, latin1(memo_heading(sheet)), new_x="LMARGIN", new_y="NEXT")
    for entry in memo:
        pdf.set_font("Helvetica", "B", 9)
        pdf.multi_cell(0, 5, latin1(f"{entry.cue}: {entry.lines[0]}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 8.5)
        for line in entry.lines[1:]:
            pdf.set_x(MARGIN + 5)
            pdf.multi_cell(0, 4.2, latin1(line), new_x="LMARGIN", new_y="NEXT")


def _themes(pdf, sheet: Sheet) -> None:
    reports = theme_reports(sheet)
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, "Themes", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    if not reports:
        pdf.cell(0, 5, "No cue names a theme.", new_x="LMARGIN", new_y="NEXT")
    for rep in reports:
        uses = ", ".join(f"{c.id} {sheet.sequence(c).timecode(c.start_frame)}" for c in rep.cues)
        pdf.multi_cell(0, 5, latin1(f"{rep.name} (introduced by {rep.introduced_by}): {uses}"),
                       new_x="LMARGIN", new_y="NEXT")
