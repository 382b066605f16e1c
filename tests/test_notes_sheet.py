"""The sheet under the documents: several reels, --reel, an empty plan, temp/final data as a person writes
it, and text the PDF's core font cannot show."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess

import pytest

from otio_scoreplan.model import SequenceInfo
from otio_scoreplan.notes import render_notes, render_theme_report, sheet_from_plan
from otio_scoreplan.notes.avid_markers import render_avid_markers
from otio_scoreplan.notes.cuesheet import COLUMNS as CUE_SHEET_COLUMNS
from otio_scoreplan.notes.cuesheet import render_cue_sheet
from otio_scoreplan.notes.pdf import latin1, render_pdf
from otio_scoreplan.notes.resolve_edl import render_resolve_edl
from otio_scoreplan.notes.sheet import Sheet, cue_row
from otio_scoreplan.plan.model import Cue, Hit, Plan, plan_from_json, plan_to_json

R1 = SequenceInfo("FILM_R1", 24.0, False, 86400, 24 * 600, "fcp7_xml")
R2 = SequenceInfo("FILM_R2", 24.0, False, 2 * 86400, 24 * 900, "fcp7_xml")
ANALYSES = [{"shots": [], "cuts": [240, 480], "transitions": [],
             "scenes": [{"start_frame": 0, "end_frame": 24 * 600, "label": "Scene 1"}],
             "reels": [{"number": 1, "start_frame": 0, "end_frame": 24 * 600}]}] * 2


def _two_reels() -> Plan:
    cues = [Cue(240, 960, moods=("sad",), themes=("Anna",), id="1M1", reel=1, input=0),
            Cue(100, 700, moods=("heroic",), hits=(Hit(300, "door"),), id="2M1", reel=2, input=1),
            Cue(5000, 6000, themes=("Anna",), id="2M2", reel=2, input=1)]
    return Plan([R1, R2], ["", ""], cues, analyses=ANALYSES)  # no fingerprints: the schema checks none


def test_two_reels_one_picture_strip_each() -> None:
    html = render_notes(Sheet(_two_reels(), "Film"), ".html")
    assert re.findall(r">R(\d)</text>", html) == ["1", "2"]
    assert ">FILM_R1</text>" in html and ">FILM_R2</text>" in html
    assert "02:00:04:04" in html  # 2M1 at reel 2's own start timecode
    report = render_theme_report(Sheet(_two_reels()), ".csv")
    assert [r[2] for r in csv.reader(io.StringIO(report))][1:] == ["1M1", "2M2"]


def test_one_reel_of_two() -> None:
    doc = plan_to_json(_two_reels())
    sheet = sheet_from_plan(plan_from_json(doc), None, "Film", reel=2)
    rows = list(csv.DictReader(io.StringIO(render_notes(sheet, ".csv"))))
    assert [r["cue"] for r in rows] == ["2M1", "2M2"]
    assert render_avid_markers(sheet).splitlines()[0].split("\t")[1] == "02:00:04:04"
    assert "TITLE: Film" in render_resolve_edl(sheet)


def test_empty_plan_renders_everywhere() -> None:
    sheet = Sheet(Plan([R1], ["a"], [], analyses=ANALYSES[:1]), "Nothing")
    for suffix in (".csv", ".md", ".html", ".mid"):
        assert render_notes(sheet, suffix)
    assert "No cues are planned." in render_notes(sheet, ".md")
    assert render_pdf(sheet).startswith(b"%PDF-")
    assert render_avid_markers(sheet) == ""
    assert "Cues on this sheet,0 of 0" in render_cue_sheet(sheet)


PARTIES = [{"name": "Ida Berg", "role": "composer", "share": 60, "society": "TONO", "ipi": "00523145678"},
           {"name": "Nordlys Music AS", "role": "publisher", "share": 40, "society": "TONO", "ipi": "00612345670"}]


def test_temp_and_final_as_people_write_them() -> None:
    """The documents read a cue's temp pick and final music through the plan model, as a person writes them:
    version 1's one composer/publisher/society, version 2's parties with shares."""
    doc = plan_to_json(Plan([R1], [""], [Cue(240 * i, 240 * i + 100, id=f"1M{i}") for i in range(1, 7)], analyses=ANALYSES[:1]))
    doc["cues"][0]["temp"] = {"path": "/lib/Sad Piano.wav"}  # no title: the file name
    doc["cues"][1]["final"] = {"title": "T", "usage": "BI", "parties": [PARTIES[0], {**PARTIES[1], "share": 30}]}
    doc["cues"][3]["final"] = {"title": "T", "composer": "C", "publisher": "P", "society": "S", "usage": " bi "}
    doc["cues"][4]["final"] = {"title": "Theme", "usage": "MT", "parties": PARTIES, "library": "Nordlys Library",
                               "catalogue_number": "NL 0412-07", "iswc": "T-345.246.800-1"}
    doc["cues"][5]["final"] = {"title": "T", "composer": None, "publisher": "P", "society": "S", "usage": "BI"}
    sheet = sheet_from_plan(plan_from_json(doc))
    cues = {c.id: c for c in sheet.cues}
    assert cue_row(sheet, cues["1M1"]).temp_pick == "Sad Piano.wav"
    assert cues["1M3"].final_music is None
    assert cues["1M2"].final_music.missing == ("shares adding up to 100 (they add up to 90)",)
    v1 = cues["1M4"].final_music  # version 1: a writer and a publisher of its society, 50 each
    assert v1.usage == "BI" and v1.missing == () and [(p.role, p.name, p.share, p.society) for p in v1.parties] == [
        ("writer", "C", 50.0, "S"), ("publisher", "P", 50.0, "S")]
    assert cues["1M5"].final_music.missing == () and cues["1M5"].final_music.parties[0].role == "writer"
    assert cues["1M6"].final_music.missing == ("composer",)  # a null is empty, not the text "None"
    rows = list(csv.reader(io.StringIO(render_cue_sheet(sheet))))
    head = rows.index(list(CUE_SHEET_COLUMNS))
    table = rows[head + 1:rows.index([], head)]
    assert [r[:4] for r in table if r[2]] == [["1M4", "1", "T", "BI"], ["1M5", "1", "Theme", "MT"]]
    m5 = [r for r in table if r[0] == "1M5"]
    assert m5[0][12:15] == ["Nordlys Library", "NL 0412-07", "T-345.246.800-1"]
    assert [r[7:12] for r in m5[1:]] == [["writer", "Ida Berg", "60", "TONO", "00523145678"],
                                         ["publisher", "Nordlys Music AS", "40", "TONO", "00612345670"]]
    again = plan_from_json(plan_to_json(sheet.plan))
    assert again.cues[3].final == cues["1M4"].final and again.cues[4].final_music == cues["1M5"].final_music


def test_pdf_text_outside_latin1() -> None:
    assert latin1("Café – “Anna” … 東京") == 'Café - "Anna" ... ??'
    assert latin1("Ærlig talt, Ångström") == "Ærlig talt, Ångström"
    seq = SequenceInfo("東京 REEL 1", 25.0, False, 90000, 2500, "fcpxml")
    cue = Cue(0, 250, moods=("悲しい",), description="Łódź — ﬁnale", id="1M1")
    data = render_pdf(Sheet(Plan([seq], ["a"], [cue], analyses=[{}]), "東京物語"))
    assert data.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
        assert "?ódz - finale" in text  # Ł has no Latin-1 form; ﬁ decomposes and "1M1" in text


def _feature() -> Sheet:
    n = 24 * 7200  # two hours at 24
    seq = SequenceInfo("FEATURE", 24.0, False, 86400, n, "fcp7_xml")
    cues = [Cue(i * 1200 + 10, i * 1200 + 1000, moods=("sad",), id=f"1M{i + 1}") for i in range(140)]
    cues.append(Cue(24 * 1200 - 240, 24 * 1200 + 240, id="1M200"))  # across the first row's end
    analyses = [{"cuts": list(range(0, n, 100)), "scenes": [], "reels": [{"number": 1, "start_frame": 0, "end_frame": n}]}]
    return Sheet(Plan([seq], ["x"], sorted(cues, key=lambda c: c.start_frame), analyses=analyses), "Big")


def test_a_feature_is_drawn_in_rows_of_twenty_minutes() -> None:
    from otio_scoreplan.notes.layout import Text as SvgText
    from otio_scoreplan.notes.layout import cue_layout

    picture = cue_layout(_feature())
    titles = [s.text for s in picture.shapes if isinstance(s, SvgText) and s.text.startswith("FEATURE")]
    assert titles == [f"FEATURE ({k}/6)" for k in range(1, 7)]
    ruler = [s.text for s in picture.shapes if isinstance(s, SvgText) and re.fullmatch(r"\d\d:\d\d:\d\d:\d\d", s.text)]
    assert "01:20:00:00" in ruler and "01:40:00:00" in ruler  # rows start on round timecode
    html = render_notes(_feature(), ".html")
    bars = re.findall(r"<title>(1M\d+) ", html)
    assert bars.count("1M200") == 2 and all(bars.count(f"1M{i}") == 1 for i in range(1, 141))


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is absent")
def test_pdf_picture_breaks_between_rows() -> None:
    data = render_pdf(_feature())
    pages = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode().split("\f")
    found = [t for p in pages for t in re.findall(r"FEATURE \(\d/6\)", p)]
    assert found == [f"FEATURE ({k}/6)" for k in range(1, 7)]  # none drawn past a page's foot
    assert len([p for p in pages if p.strip()]) > 2
