"""A performing-rights cue sheet draft, as CSV.

Only final music goes on a cue sheet: a cue counts once the plan gives its ``final`` object (read by the plan
model: :attr:`~otio_scoreplan.plan.model.Cue.final_music`) with what a society needs: the title, a usage code,
and the writers and publishers with their shares (adding up to 100), societies and IPI numbers; a library
piece's library name and catalogue number and the ISWC/ISRC where the plan gives them. Temp music never appears,
not even its title; catalogue data comes from ``final`` alone. Every other cue is listed below as *to be
completed*, with what is missing.

Layout: a header (production, episode, cut, revision, date, rate ...), then per cue one *use* line (cue, use
number, title, usage, in, out, duration, library, catalogue number, ISWC, ISRC) followed by one line per party
(role, name, share, society, IPI). Usage codes: BI background instrumental, BV background vocal, VI visual
instrumental, VV visual vocal, MT main title, ET end title. Durations are real time (frames at the sequence's
true rate, so 23.976 runs 0.1% longer than its timecode) in whole seconds, rounded up: ``m:ss``.
"""

from __future__ import annotations

import csv
import io

from ..plan.model import USAGE_CODES
from .csvnotes import guard_cell
from .sheet import Sheet, header_facts, real_time

COLUMNS = ("cue", "use", "title", "usage", "in", "out", "duration", "role", "party", "share %", "society", "ipi",
           "library", "catalogue number", "iswc", "isrc")
TODO_COLUMNS = ("cue", "in", "out", "duration", "missing")
DURATIONS = "real time in whole seconds, rounded up (m:ss)"


def _share(value: float) -> str:
    return f"{value:g}"


def render_cue_sheet(sheet: Sheet) -> str:
    """The cue sheet draft: production header, final cues (a use line and its parties), then the cues still to
    be completed."""
    final_rows: list[tuple[str, ...]] = []
    todo_rows = []
    used = 0
    for cue in sheet.cues:
        seq = sheet.sequence(cue)
        timing = (seq.timecode(cue.start_frame), seq.timecode(cue.end_frame), real_time(cue.duration_frames, seq.rate))
        final = cue.final_music
        missing = final.missing if final else ("final music",)
        if final and not missing:
            used += 1
            final_rows.append((cue.id, "1", final.title, final.usage) + timing + ("", "", "", "", "")
                              + (final.library, final.catalogue_number, final.iswc, final.isrc))
            for p in sorted(final.parties, key=lambda p: (p.role != "writer", -p.share, p.name)):
                final_rows.append((cue.id, "1", "", "", "", "", "", p.role, p.name, _share(p.share), p.society, p.ipi,
                                   "", "", "", ""))
        else:
            todo_rows.append((cue.id,) + timing + (", ".join(missing),))
    out = io.StringIO()
    w = csv.writer(out)

    def row(values) -> None:
        w.writerow([guard_cell(str(v)) for v in values])

    row(("Music cue sheet (draft)",))
    row(("Production", sheet.title or "(not given: notes --title)"))
    row(("Episode", sheet.episode or "(not given: notes --episode)"))
    for label, value in header_facts(sheet):
        if label not in ("Cues", "Music", "Production", "Episode"):
            row((label, value))
    row(("Cues on this sheet", f"{used} of {used + len(todo_rows)}"))
    row(("Durations", DURATIONS))
    row(("Usage codes", "; ".join(f"{k} {v}" for k, v in USAGE_CODES.items())))
    row(())
    row(COLUMNS)
    for r in final_rows:
        row(r)
    row(())
    row(("To be completed: no final music with full catalogue data yet",))
    row(TODO_COLUMNS)
    for r in todo_rows:
        row(r)
    return out.getvalue()
