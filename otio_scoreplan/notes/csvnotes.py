"""The spotting list as CSV: one row per cue, UTF-8, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from .sheet import COLUMNS, Sheet, cue_rows, cut_names, document_date

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula: a leading apostrophe before ``= + - @`` tab or CR."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def render_table_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A CSV table (CRLF line ends, as the csv module writes them), every cell guarded."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([guard_cell(h) for h in header])
    for row in rows:
        writer.writerow([guard_cell(str(v)) for v in row])
    return out.getvalue()


DOCUMENT_COLUMNS = ("cut", "revision", "date")  # on every row: a CSV has no header to say it once


def document_cells(sheet: Sheet) -> list[str]:
    """The cut's name, the plan's revision and its date: the cells every CSV row carries."""
    return [cut_names(sheet), sheet.plan.revision_label, document_date(sheet)]


def render_csv(sheet: Sheet) -> str:
    """The spotting list: cue, reel, start, end, duration, entry, exit, kind, moods, themes, palette, hits,
    description, reasons, temp pick, cut, revision, date, and after a recut the change memo's lines for the cue
    (a dropped cue gets a row of its own, its id and the memo)."""
    from .memo import change_memo

    rows = cue_rows(sheet)
    doc = document_cells(sheet)
    memo = {m.cue: "; ".join(m.lines) for m in change_memo(sheet)}
    header = [c[0] for c in COLUMNS] + list(DOCUMENT_COLUMNS) + (["changes"] if memo else [])
    body = [[getattr(r, c[1]) for c in COLUMNS] + doc + ([memo.pop(r.cue, "")] if memo else []) for r in rows]
    body += [[cue] + [""] * (len(COLUMNS) - 1) + doc + [text] for cue, text in memo.items()]  # dropped cues
    return render_table_csv(header, body)
