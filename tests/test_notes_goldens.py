"""Golden files of every `scoreplan notes` output on the plan of sample_timelines/premiere_sample.xml.

The plan is frozen in tests/goldens/notes/premiere_sample.plan.json (made with `scoreplan spot --json` on the
sample, then given the catalogue data of two cues' final music, one of them incomplete, and a temp pick on
1M2; since plan version 2 its revision, date and 1M1's final music as writer and publisher shares with
societies, IPI numbers, library and catalogue number) so these goldens change only when a document changes, not
when the planner does. Regenerate with
SCOREPLAN_UPDATE_GOLDENS=1 and review by eye: the HTML screenshot (test_notes_html.py) and the PDF page
rendered with pdftoppm.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from otio_scoreplan.notes import render_notes, render_theme_report, sheet_from_plan
from otio_scoreplan.notes.avid_markers import render_avid_markers
from otio_scoreplan.notes.cuesheet import render_cue_sheet
from otio_scoreplan.notes.pdf import render_pdf
from otio_scoreplan.notes.resolve_edl import render_resolve_edl
from otio_scoreplan.notes.sheet import Sheet
from otio_scoreplan.plan.model import load_plan

GOLDENS = Path(__file__).resolve().parent / "goldens" / "notes"
PLAN = GOLDENS / "premiere_sample.plan.json"
TITLE = "Anna (feature)"
CREATED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def golden_plan() -> dict:
    return json.loads(PLAN.read_text(encoding="utf-8"))


EPISODE = "Episode 3 - The Roof"


def golden_sheet() -> Sheet:
    sheet = sheet_from_plan(load_plan(PLAN), PLAN, TITLE)
    sheet.episode = EPISODE
    return sheet


OUTPUTS: dict[str, Callable[[Sheet], str | bytes]] = {
    "spotting.csv": lambda s: render_notes(s, ".csv"),
    "spotting.md": lambda s: render_notes(s, ".md"),
    "spotting.html": lambda s: render_notes(s, ".html"),
    "spotting.pdf": lambda s: render_pdf(s, CREATED),
    "markers.mid": lambda s: render_notes(s, ".mid"),
    "cuesheet.csv": render_cue_sheet,
    "avid_markers.txt": render_avid_markers,
    "resolve_markers.edl": render_resolve_edl,
    "themes.md": lambda s: render_theme_report(s, ".md"),
    "themes.html": lambda s: render_theme_report(s, ".html"),
    "themes.csv": lambda s: render_theme_report(s, ".csv"),
}


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_golden(name: str) -> None:
    data = OUTPUTS[name](golden_sheet())
    raw = data.encode("utf-8") if isinstance(data, str) else data
    assert data == OUTPUTS[name](golden_sheet())  # deterministic
    path = GOLDENS / name
    if os.environ.get("SCOREPLAN_UPDATE_GOLDENS"):
        path.write_bytes(raw)
    assert path.exists(), f"no golden {name}: run with SCOREPLAN_UPDATE_GOLDENS=1 and review it"
    if name.endswith(".pdf") and _fpdf_version() != PDF_GOLDEN_FPDF:
        # another fpdf2 writes other bytes for the same page: compare what the page says instead
        assert _pdf_text(raw) == _pdf_text(path.read_bytes()), f"{name}: the page's text differs from its golden"
        return
    assert raw == path.read_bytes(), f"{name} differs from its golden; if intended, regenerate and review it"


PDF_GOLDEN_FPDF = "2.8.9"  # the fpdf2 that wrote spotting.pdf: byte-for-byte with it, text-for-text with others


def _fpdf_version() -> str:
    import fpdf

    return fpdf.__version__


def _pdf_text(data: bytes) -> str:
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is absent and fpdf2 is not the version the PDF golden was written with")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_goldens_hold_what_the_plan_says() -> None:
    """The goldens are not just stable but right: spot checks against the plan JSON."""
    plan = golden_plan()
    ids = [c["id"] for c in plan["cues"]]
    md = (GOLDENS / "spotting.md").read_text(encoding="utf-8")
    html = (GOLDENS / "spotting.html").read_text(encoding="utf-8")
    for cue in plan["cues"]:
        assert f"| {cue['id']} | {cue['reel']} | {cue['start_timecode']} | {cue['end_timecode']} |" in md
        assert cue["start_timecode"] in html and cue["description"].split(" - ")[0] in html
    sheet_csv = (GOLDENS / "cuesheet.csv").read_text(encoding="utf-8")
    assert "Kitchen Silence" in sheet_csv and "'=Nordlys Music AS" in sheet_csv  # final, formula guarded
    assert "Night Pursuit" not in sheet_csv  # temp music never on a cue sheet
    todo = sheet_csv.split("To be completed")[1]
    assert [line.split(",")[0] for line in todo.strip().splitlines()[2:]] == [i for i in ids if i != "1M1"]
    assert "publisher, usage" in todo  # 1M3's final music lacks its publisher and has no valid usage code
    assert (GOLDENS / "spotting.pdf").read_bytes().startswith(b"%PDF-")
    assert "Night Pursuit" in (GOLDENS / "spotting.csv").read_text(encoding="utf-8")  # the temp pick column
