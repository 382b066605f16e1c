"""The spotting list and cue sheet read back with the csv module: one row per cue, the issue's fields, and
cells a spreadsheet will not run as formulas."""

from __future__ import annotations

import csv
import io

import pytest
from test_notes_goldens import golden_plan, golden_sheet

from otio_scoreplan.model import SequenceInfo
from otio_scoreplan.notes.csvnotes import guard_cell, render_csv
from otio_scoreplan.notes.cuesheet import COLUMNS as CUE_SHEET_COLUMNS
from otio_scoreplan.notes.cuesheet import render_cue_sheet
from otio_scoreplan.notes.sheet import Sheet, real_time
from otio_scoreplan.plan.model import Cue, Edge, Hit, Plan, TempPick

FIELDS = ["cue", "reel", "start", "end", "duration", "entry", "exit", "kind", "moods", "themes", "palette",
          "hits", "description", "reasons", "temp pick", "cut", "revision", "date"]


def test_one_row_per_cue_with_the_fields() -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(golden_sheet()), newline="")))
    plan = golden_plan()
    assert list(rows[0].keys()) == FIELDS
    assert [r["cue"] for r in rows] == [c["id"] for c in plan["cues"]]
    for row, cue in zip(rows, plan["cues"]):
        assert (row["start"], row["end"]) == (cue["start_timecode"], cue["end_timecode"])
        assert row["reel"] == str(cue["reel"]) and row["kind"] == cue["kind"]
        assert row["moods"].split(", ") == cue["moods"] or (row["moods"] == "" and not cue["moods"])
        assert row["description"] == cue["description"]
        assert row["reasons"] == "; ".join(cue["reasons"])
        assert row["temp pick"] == (cue.get("temp") or {}).get("title", "")
        for hit in cue["hits"]:
            assert f"{hit['timecode']} {hit['label']}" in row["hits"]
    assert rows[0]["duration"] == "00:00:24:00"  # 576 frames at 23.976
    assert {(r["cut"], r["revision"], r["date"]) for r in rows} == {("ANNA_R1_v12_MX_SPOT", "2 (680153d2)", "2026-01-01")}


DANGEROUS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("text", DANGEROUS, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_formula_guard(text: str) -> None:
    seq = SequenceInfo("=cmd|' /C calc'!A0", 24.0, False, 86400, 2400, "edl")
    final = tuple((k, text) for k in ("title", "composer", "publisher", "society")) + (("usage", "BI"),)
    cue = Cue(0, 48, moods=(text,), themes=(text,), palette=(text,), hits=(Hit(10, text),), description=text,
              reasons=(text,), id="1M1", temp=TempPick("/lib/x.wav", text), final=final)
    sheet = Sheet(Plan([seq], [""], [cue]), text)
    row = next(csv.DictReader(io.StringIO(render_csv(sheet), newline="")))
    for key in ("moods", "themes", "palette", "description", "reasons", "temp pick"):
        assert row[key] == "'" + text, key
    assert row["hits"].startswith("01:00:00:10 ")  # a timecode first: nothing to guard
    for cells in csv.reader(io.StringIO(render_cue_sheet(sheet), newline="")):
        for cell in cells:
            assert not cell or cell[0] not in "=+-@\t\r", cells


def test_guard_leaves_plain_text() -> None:
    assert guard_cell("01:00:00:00") == "01:00:00:00"
    assert guard_cell("tension") == "tension"
    assert guard_cell("") == ""
    assert guard_cell("a=b") == "a=b"


def test_cue_sheet_real_time_and_final_music_only() -> None:
    seq = SequenceInfo("R2", 24000 / 1001, False, 0, 100_000, "fcp7_xml")
    def final(title: str, usage: str) -> tuple[tuple[str, str], ...]:
        return (("title", title), ("composer", "A. Composer"), ("publisher", "Pub Ltd"), ("society", "PRS"), ("usage", usage))

    cues = [Cue(0, 1440, id="2M1", reel=2, final=final("Main Title", "MT")),
            Cue(2000, 2024, id="2M2", reel=2, entry=Edge("prelap", 12, 2012), temp=TempPick("/lib/l.wav", "Temp Love Song")),
            Cue(3000, 3600, id="2M3", reel=2, temp=TempPick("/lib/c.wav", "Temp Chase"), final=final("Chase", "BI"))]
    text = render_cue_sheet(Sheet(Plan([seq], [""], cues), "Film"))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    table = rows[rows.index(list(CUE_SHEET_COLUMNS)) + 1:]
    final = [r for r in table[:table.index([])] if r[2]]  # the use lines (party lines below each)
    assert [r[0] for r in final] == ["2M1", "2M3"]
    assert final[0][6] == "1:01"  # 1440 frames at 23.976 = 60.06 s, rounded up
    assert final[1][6] == "0:26"  # 600 frames = 25.025 s
    assert ["Durations", "real time in whole seconds, rounded up (m:ss)"] in rows
    todo = table[table.index([]) + 3:]
    assert todo == [["2M2", "00:01:23:08", "00:01:24:08", "0:02", "final music"]]
    assert "Temp" not in text  # temp music never on a cue sheet
    assert real_time(24, 24.0) == "0:01" and real_time(25, 24.0) == "0:02" and real_time(0, 24.0) == "0:00"
