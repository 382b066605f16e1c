"""`scoreplan notes` as a user runs it, and every notes output over the plan of every corpus file.

Outputs are checked with readers we did not write where there is one: csv, mido, pycmx (EDL), lxml (HTML).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import mido
import pycmx
import pytest
from conftest import SAMPLES, corpus_files, corpus_id, run_cli
from lxml import html as lxml_html
from test_notes_goldens import PLAN

from otio_scoreplan.analyse import analyse
from otio_scoreplan.errors import InputError, UsageError
from otio_scoreplan.formats import read_source
from otio_scoreplan.notes import render_notes, render_theme_report, sheet_from_plan
from otio_scoreplan.notes.avid_markers import AVID_COLORS, render_avid_markers
from otio_scoreplan.notes.cuesheet import render_cue_sheet
from otio_scoreplan.notes.resolve_edl import render_resolve_edl
from otio_scoreplan.notes.sheet import Sheet
from otio_scoreplan.plan import load_rules, make_plan

SAMPLE = SAMPLES / "premiere_sample.xml"
RESOLVE_MARKER = re.compile(r"^ (?:(.*) )?\|C:ResolveColor(\w+) \|M:(.*) \|D:(\d+)$")


def test_every_output_from_a_timeline(tmp_path: Path) -> None:
    names = {"-o": "notes.html", "--cue-sheet": "sheet.csv", "--avid-markers": "avid.txt",
             "--resolve-markers": "resolve.edl", "--themes": "themes.md"}
    args = [a for opt, name in names.items() for a in (opt, str(tmp_path / name))]
    run = run_cli("notes", str(SAMPLE), "--title", "Anna", *args)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("wrote ") == len(names)
    for name in names.values():
        assert (tmp_path / name).stat().st_size > 0
    for suffix in (".csv", ".md", ".pdf", ".mid"):
        run = run_cli("notes", str(SAMPLE), "-o", str(tmp_path / f"notes{suffix}"))
        assert run.returncode == 0, run.stderr
    spot = run_cli("spot", str(SAMPLE), "--json")
    cues = json.loads(spot.stdout)["cues"]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "notes.csv").read_text(encoding="utf-8"), newline="")))
    assert [r["cue"] for r in rows] == [c["id"] for c in cues]
    assert "Anna" in (tmp_path / "notes.html").read_text(encoding="utf-8")


def test_plan_json_as_input_and_as_option(tmp_path: Path) -> None:
    out = tmp_path / "n.md"
    run = run_cli("notes", str(PLAN), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert "Night Pursuit" in out.read_text(encoding="utf-8")  # the plan's temp pick
    run = run_cli("notes", str(SAMPLE), "--plan", str(PLAN), "-o", str(out))
    assert run.returncode == 0, run.stderr
    other = next(SAMPLES.glob("resolve_sample.fcpxml"))
    run = run_cli("notes", str(other), "--plan", str(PLAN), "-o", str(out))
    assert run.returncode == 2 and "another cut" in run.stderr and len(run.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args, message", [
    ([], "nothing to write"),
    (["-o", "x.docx"], "notes are written as"),
    (["--avid-markers", "x.csv"], "--avid-markers writes a .txt"),
    (["--resolve-markers", "x.txt"], "--resolve-markers writes a .edl"),
    (["--cue-sheet", "x.xlsx"], "--cue-sheet writes a .csv"),
    (["--themes", "x.pdf"], "--themes writes"),
    (["-o", "a.csv", "--cue-sheet", "a.csv"], "same file name"),
    (["--reel", "9", "-o", "x.csv"], "no cue in reel 9"),
    (["--rate", "25", "-o", "x.csv"], "--rate and --sequence apply to a timeline"),
], ids=["none", "suffix", "avid", "resolve", "cuesheet", "themes", "twice", "reel", "rate"])
def test_usage_errors_in_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    args = [str(tmp_path / a) if a.startswith(("x.", "a.")) else a for a in args]
    run = run_cli("notes", str(PLAN), *args)
    assert run.returncode == 2
    assert message in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert not list(tmp_path.iterdir())


def test_never_over_the_input_and_bad_plans(tmp_path: Path) -> None:
    edl = tmp_path / "cut.edl"
    edl.write_bytes((SAMPLES / "resolve_sample.edl").read_bytes())
    run = run_cli("notes", str(edl), "--rate", "24", "--cue-sheet", str(tmp_path / "s.csv"), "--resolve-markers", str(edl))
    assert run.returncode == 2 and "overwrite the input" in run.stderr
    assert edl.read_bytes() == (SAMPLES / "resolve_sample.edl").read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something else"}')
    run = run_cli("notes", str(bad), "-o", str(tmp_path / "n.csv"))
    assert run.returncode == 2 and "not an otio-scoreplan plan" in run.stderr


def test_assumed_rate_refused_for_midi_then_given(tmp_path: Path) -> None:
    edl = next(p for p in corpus_files() if p.suffix == ".edl" and analyse(read_source(p)).sequence.rate_assumed)
    run = run_cli("notes", str(edl), "--cue-sheet", str(tmp_path / "s.csv"), "-o", str(tmp_path / "m.mid"))
    errors = [line for line in run.stderr.splitlines() if "error" in line]
    assert run.returncode == 2 and len(errors) == 1 and "--rate" in errors[0]
    assert not list(tmp_path.iterdir())  # nothing written when one output is refused
    run = run_cli("notes", str(edl), "--rate", "25", "-o", str(tmp_path / "m.mid"))
    assert run.returncode == 0, run.stderr
    assert mido.MidiFile(tmp_path / "m.mid").ticks_per_beat == 25


def _sheet_for(path: Path) -> Sheet:
    try:
        analysis = analyse(read_source(path))
    except InputError as exc:
        pytest.skip(f"read_source refuses it: {exc.one_line()}")
    if analysis.sequence.duration_frames <= 0:
        pytest.skip("empty sequence: nothing to plan")
    return sheet_from_plan(make_plan([analysis], load_rules(None)), path, "Corpus")


def _midi_markers(data: bytes) -> list[tuple[int, str]]:
    tick, out = 0, []
    for msg in mido.MidiFile(file=io.BytesIO(data)).tracks[0]:
        tick += msg.time
        if msg.type == "marker":
            out.append((tick, msg.text))
    return out


@pytest.mark.parametrize("path", corpus_files(), ids=corpus_id)
def test_every_output_over_the_corpus(path: Path) -> None:
    sheet = _sheet_for(path)
    cues, seq = sheet.cues, sheet.plan.sequences[0]
    n_markers = len(cues) + sum(len(c.hits) for c in cues)
    rows = list(csv.DictReader(io.StringIO(render_notes(sheet, ".csv"), newline="")))
    assert [r["cue"] for r in rows] == [c.id for c in cues]
    assert all(r["start"] == seq.timecode(c.start_frame) for r, c in zip(rows, cues))
    md = render_notes(sheet, ".md")
    assert all(f"| {c.id} |" in md for c in cues)
    page = lxml_html.fromstring(render_notes(sheet, ".html").encode("utf-8"))
    assert page.xpath("//table/tbody/tr[not(@class='detail')]/td[1]/text()") == [c.id for c in cues]
    bars = [t.text.split()[0] for t in page.xpath("//*[local-name()='rect']/*[local-name()='title']")
            if re.match(r"^\d+M\d", t.text or "")]
    assert list(dict.fromkeys(bars)) == [c.id for c in cues]  # a cue across two rows of a long input is drawn twice
    assert render_notes(sheet, ".pdf").startswith(b"%PDF-")
    if seq.rate_assumed:
        with pytest.raises(UsageError, match="--rate"):
            render_notes(sheet, ".mid")
    else:
        markers = _midi_markers(render_notes(sheet, ".mid"))
        assert sorted(t for t, x in markers if x.split()[1:2] == ["in"]) == sorted(c.start_frame for c in cues)
        assert len(markers) == 2 * len(cues) + n_markers - len(cues)
    avid = render_avid_markers(sheet).splitlines()
    assert len(avid) == n_markers
    for line in avid:
        user, tc, track, color, comment, duration = line.split("\t")
        assert tc in {seq.timecode(c.start_frame) for c in cues} | {seq.timecode(h.frame) for c in cues for h in c.hits}
        assert color in AVID_COLORS and track == "V1" and int(duration) >= 1 and "[scoreplan]" in comment
    text = render_resolve_edl(sheet)
    events = [e for e in pycmx.parse_cmx3600(io.StringIO(text)).events if e.edits] if n_markers else []
    assert len(events) == n_markers
    starts = sorted(seq.timecode(c.start_frame) for c in cues)
    record_ins = [e.edits[0].record_in for e in events]
    assert sorted(set(starts)) == sorted({tc for tc in record_ins if tc in starts})
    comments = [line for line in text.split("\r\n") if line.startswith(" ")]
    assert len(comments) == n_markers and all(RESOLVE_MARKER.match(c) for c in comments)
    sheet_rows = list(csv.reader(io.StringIO(render_cue_sheet(sheet), newline="")))
    todo = sheet_rows[sheet_rows.index(["cue", "in", "out", "duration", "missing"]) + 1:]
    assert [r[0] for r in todo] == [c.id for c in cues]  # nothing is final in a fresh plan
    assert render_theme_report(sheet, ".csv").startswith("theme,")


def test_resolve_marker_edl_reads_back_as_our_markers(tmp_path: Path) -> None:
    """Our EDL reader takes the marker EDL as Resolve's own marker export: every marker at its timecode, ours."""
    from test_notes_goldens import golden_sheet

    from otio_scoreplan.formats import ReadOptions

    sheet = golden_sheet()
    seq = sheet.plan.sequences[0]
    edl = tmp_path / "markers.edl"
    edl.write_text(render_resolve_edl(sheet), encoding="utf-8", newline="")
    analysis = analyse(read_source(edl, ReadOptions(rate=seq.rate)))
    marks = analysis.annotations + analysis.unplaced_annotations
    got = sorted((analysis.sequence.timecode(a.frame), a.name, a.ours, a.duration_frames) for a in marks)
    want = sorted([(seq.timecode(c.start_frame), f"{c.id} {c.moods[0]}" if c.moods else c.id, True, c.duration_frames)
                   for c in sheet.cues] + [(seq.timecode(h.frame), f"{c.id} hit: {h.label}", True, 1)
                                           for c in sheet.cues for h in c.hits])
    assert got == want
