"""The spotting list as CSV: one row per cue, UTF-8, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

from .sheet import COLUMNS, Sheet, cue_rows

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


def render_csv(sheet: Sheet) -> str:
    """The spotting list: cue, reel, start, end, duration, entry, exit, kind, moods, themes, palette, hits,
    description, reasons, temp pick."""
    rows = cue_rows(sheet)
    return render_table_csv([c[0] for c in COLUMNS], ([getattr(r, c[1]) for c in COLUMNS] for r in rows))
