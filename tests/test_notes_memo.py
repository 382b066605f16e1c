"""Every document carries the cut, the plan's revision and date; after a recut the notes hold a change memo
(issue 15). A real recut of the Premiere sample: shot 13B-3 (5 s, inside 1M2 before its gunshot) ripple-deleted
and the '#romantic' note taken out (1M3, which had final music, is gone)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from conftest import SAMPLES
from test_recut import _marker, _xmeml, ripple_delete

from otio_scoreplan.analyse import analyse
from otio_scoreplan.formats import read_source
from otio_scoreplan.notes import render_notes
from otio_scoreplan.notes.memo import change_memo
from otio_scoreplan.notes.pdf import render_pdf
from otio_scoreplan.notes.resolve_edl import render_resolve_edl
from otio_scoreplan.notes.sheet import Sheet
from otio_scoreplan.plan import make_plan, plan_from_json, plan_to_json
from otio_scoreplan.plan.rules import default_rules, merge_rules

RULES = merge_rules(default_rules(), {"auto": {"enabled": False}})
DAY = 1767225600  # 2026-01-01 00:00 UTC
FINAL_1M3 = {"title": "Car Ride", "usage": "BI", "parties": [
    {"name": "Ida Berg", "role": "writer", "share": 100, "society": "TONO", "ipi": "00523145678"}]}


def _recut(out: Path) -> Path:
    tree, seq = _xmeml(SAMPLES / "premiere_sample.xml")
    for item in [i for i in seq.iter("clipitem") if (i.findtext("name") or "").startswith("KPM_")]:
        item.getparent().remove(item)  # the temp laid under the chase goes (a ripple would cut it in two)
    ripple_delete(seq, 1200, 1320)  # 13B-3
    seq.remove(_marker(seq, "#romantic"))
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    return out


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> tuple:
    root = tmp_path_factory.mktemp("memo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(DAY))
        first = plan_to_json(make_plan([analyse(read_source(str(SAMPLES / "premiere_sample.xml")))], RULES))
        m3 = next(c for c in first["cues"] if c["start_timecode"] == "01:01:20:00")
        m3["final"] = FINAL_1M3
        previous = plan_from_json(first)
        recut = make_plan([analyse(read_source(str(_recut(root / "recut.xml"))))], RULES, previous)
    return first, recut


def test_revision_and_date(plans) -> None:
    first, recut = plans
    assert (first["revision"], first["date"]) == (1, "2026-01-01")
    assert recut.revision == 2 and recut.date == "2026-01-01"
    assert recut.revision_label == f"2 ({recut.fingerprint.split(':')[1][:8]})"


def test_the_memo_says_what_where_and_how_much(plans) -> None:
    _, recut = plans
    memo = {m.cue: m for m in change_memo(Sheet(recut, "Anna"))}
    m2 = memo["1M2"].lines
    assert m2[0] == "shortened by 120 frames (5.0 s)"
    assert "out 01:01:14:00 -> 01:01:09:00 (-120 frames, -5.0 s)" in m2
    assert any(line.startswith("120 frames (5.0 s) of picture taken out at 01:00:50:00, 00:00:06:00 (6.0 s) into the cue")
               for line in m2), m2
    assert ("sync point 'gunshot': 00:00:27:12 (27.5 s) -> 00:00:22:12 (22.5 s) from the cue's start (moved -5.0 s)"
            in m2)
    gone = memo["1M3"]
    assert gone.change == "dropped" and "its final music: Car Ride by Ida Berg" in " ".join(gone.lines)
    assert "1M1" not in memo  # unchanged cues stay out of the memo


def _text_of_pdf(pdf: bytes) -> str:
    from pdfminer.high_level import extract_text

    return " ".join(extract_text(io.BytesIO(pdf)).split())


def test_every_format_holds_the_memo_revision_and_date(plans) -> None:
    _, recut = plans
    sheet = Sheet(recut, "Anna")
    label = recut.revision_label
    md = render_notes(sheet, ".md")
    html = render_notes(sheet, ".html")
    pdf = _text_of_pdf(render_pdf(sheet))
    rows = list(csv.DictReader(io.StringIO(render_notes(sheet, ".csv"), newline="")))
    for name, text in (("md", md), ("html", html), ("pdf", pdf)):
        flat = " ".join(re.sub(r"<[^>]+>", " ", text).replace("**", "").split())
        assert "Changes since the previous plan" in flat, name
        assert "1M2: shortened by 120 frames (5.0 s)" in flat.replace("1M2 : ", "1M2: "), name
        assert "sync point 'gunshot'" in flat.replace("&#x27;", "'"), name
        assert "Car Ride" in flat, name
        assert f"Revision: {label}" in flat.replace("Revision : ", "Revision: ").replace("Revision ", "Revision: ", 1) or \
            f"Revision {label}" in flat, name
        assert "2026-01-01" in flat and "ANNA_R1_v12_MX_SPOT" in flat, name
    # the PDF holds each cue's description and every reason (where each word came from), as the Markdown does
    assert "tension; low strings under Anna's silence" in pdf and "description: 'tension' (name) and" in pdf
    by_cue = {r["cue"]: r for r in rows}
    assert by_cue["1M2"]["changes"].startswith("shortened by 120 frames (5.0 s)")
    assert by_cue["1M3"]["changes"].startswith("dropped:") and by_cue["1M3"]["start"] == ""
    assert {(r["cut"], r["revision"], r["date"]) for r in rows} == {("ANNA_R1_v12_MX_SPOT", label, "2026-01-01")}
    assert render_resolve_edl(sheet).startswith(f"TITLE: Anna - ANNA_R1_v12_MX_SPOT rev {label} 2026-01-01\r\n")


def test_a_fresh_plan_has_no_memo(plans) -> None:
    first, _ = plans
    sheet = Sheet(plan_from_json(first), "Anna")
    assert change_memo(sheet) == [] and "Changes since" not in render_notes(sheet, ".md")
    assert "changes" not in render_notes(sheet, ".csv").splitlines()[0]


def test_a_version_1_plan_is_read(plans) -> None:
    first, _ = plans
    old = {k: v for k, v in first.items() if k not in ("revision", "date")} | {"version": 1}
    for cue in old["cues"]:
        cue.pop("avoid", None)
        cue.pop("final", None)
    old["cues"][0]["final"] = {"title": "T", "composer": "C", "publisher": "P", "society": "PRS", "usage": "BI"}
    plan = plan_from_json(old)
    assert plan.revision == 1 and plan.date == "" and plan.cues[0].final_music.missing == ()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(DAY + 86400))
        assert "- **Date:** 2026-01-02" in render_notes(Sheet(plan, "Anna"), ".md")  # no date in the plan: the epoch's


def test_the_same_plan_gives_the_same_pdf(plans, tmp_path: Path, monkeypatch) -> None:
    """No SOURCE_DATE_EPOCH: the PDF's creation date is the plan's, so two runs a second apart write one file."""
    import json
    import time

    from conftest import run_cli

    first, _ = plans
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(first), encoding="utf-8")
    outputs = []
    for name in ("a.pdf", "b.pdf"):
        result = run_cli("notes", str(plan), "-o", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        outputs.append((tmp_path / name).read_bytes())
        time.sleep(1.1)
    assert outputs[0] == outputs[1] and b"D:20260101" in outputs[0]
