"""A performing-rights cue sheet draft, as CSV.

Only final music goes on a cue sheet: a cue counts once the plan gives its ``final`` object (read by the
plan model: :attr:`~otio_scoreplan.plan.model.Cue.final_music`) with the catalogue data a society needs (title, composer, publisher, society, usage code). Temp music never
appears, not even its title. Every other cue is listed below as *to be completed*, with what is missing.

Usage codes: BI background instrumental, BV background vocal, VI visual instrumental, VV visual vocal,
MT main title, ET end title. Durations are real time (frames at the sequence's true rate, so 23.976 runs
0.1% longer than its timecode), ``m:ss`` rounded up to the next whole second.
"""

from __future__ import annotations

import csv
import io

from .csvnotes import guard_cell
from ..plan.model import USAGE_CODES
from .sheet import Sheet, header_facts, real_time

CUE_COLUMNS = ("cue", "title", "composer", "publisher", "society", "usage", "in", "out", "duration")
TODO_COLUMNS = ("cue", "in", "out", "duration", "missing")


def render_cue_sheet(sheet: Sheet) -> str:
    """The cue sheet draft: production header, final cues, then the cues still to be completed."""
    final_rows, todo_rows = [], []
    for cue in sheet.cues:
        seq = sheet.sequence(cue)
        timing = (seq.timecode(cue.start_frame), seq.timecode(cue.end_frame), real_time(cue.duration_frames, seq.rate))
        final = cue.final_music
        missing = final.missing if final else ("final music",)
        if final and not missing:
            final_rows.append((cue.id, final.title, final.composer, final.publisher, final.society, final.usage) + timing)
        else:
            todo_rows.append((cue.id,) + timing + (", ".join(missing),))
    out = io.StringIO()
    w = csv.writer(out)

    def row(values) -> None:
        w.writerow([guard_cell(str(v)) for v in values])

    row(("Music cue sheet (draft)",))
    for label, value in header_facts(sheet):
        if label not in ("Cues", "Music"):
            row((label, value))
    row(("Cues on this sheet", f"{len(final_rows)} of {len(final_rows) + len(todo_rows)}"))
    row(("Usage codes", "; ".join(f"{k} {v}" for k, v in USAGE_CODES.items())))
    row(())
    row(CUE_COLUMNS)
    for r in final_rows:
        row(r)
    row(())
    row(("To be completed: no final music with catalogue data yet",))
    row(TODO_COLUMNS)
    for r in todo_rows:
        row(r)
    return out.getvalue()
