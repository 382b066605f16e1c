"""Shots' media frames (``Shot.source_start_frame``) on every real file of the corpus: the inspect JSON and the plan
carry the field, and on every corpus EDL each cut event's shot starts on the source in the list itself gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import corpus_files, corpus_id, read_once, run_main

from otio_scoreplan.errors import ScorePlanError
from otio_scoreplan.plan import make_plan, plan_from_json, plan_to_json
from otio_scoreplan.timecode import from_timecode

FILES = corpus_files()
EDLS = [p for p in FILES if p.suffix.lower() == ".edl"]
SHOT_KEYS = {"start_frame", "end_frame", "name", "kind", "track", "source", "scene", "source_start_frame",
             "start_timecode", "end_timecode"}
_TC = r"(\d\d[:;.]\d\d[:;.]\d\d[:;.]\d\d)"
_EVENT = re.compile(rf"^\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+\d+)?\s+{_TC}\s+{_TC}\s+{_TC}\s+{_TC}\s*$")


@pytest.mark.parametrize("path", FILES, ids=corpus_id)
def test_inspect_json_gains_the_field_on_every_shot(path: Path) -> None:
    proc = run_main("inspect", "--json", str(path))
    if proc.returncode == 2:  # a file the reader refuses: still one line, no traceback
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
        return
    assert proc.returncode == 0, proc.stderr
    shots = json.loads(proc.stdout)["shots"]
    for row in shots:
        assert set(row) == SHOT_KEYS, row
        first = row["source_start_frame"]
        assert first is None or isinstance(first, int)
        if row["kind"] in ("gap", "slug", "generator"):
            assert first is None, row


@pytest.mark.parametrize("path", FILES, ids=corpus_id)
def test_the_plan_stores_and_reads_back_the_shots_media_frames(path: Path) -> None:
    try:
        _, analysis = read_once(path)
    except ScorePlanError:
        pytest.skip("a file the reader refuses")
    doc = plan_to_json(make_plan([analysis]))
    rows = doc["inputs"][0]["shots"]
    assert [r["source_start_frame"] for r in rows] == [s.source_start_frame for s in analysis.shots]
    assert plan_to_json(plan_from_json(json.loads(json.dumps(doc))))["inputs"][0]["shots"] == rows


def _frames(tc: str, rate: float, drop: bool) -> int:
    return from_timecode(tc[:8] + ";" + tc[9:] if drop else tc, rate)


def _cut_events(path: Path, rate: float, drop: bool) -> list[tuple[int, int, int]]:
    """The list's plain cut events on picture as (record in, record out, source in) frames: speed changes,
    transitions and events sharing their record in with another (on another track) left out. Record timecode
    counts as the sequence does (``drop``); an event's source timecode as the ``FCM`` line before it says."""
    events: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
    speed: set[str] = set()
    last, source_drop = "", drop
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = _EVENT.match(line)
        if m:
            last = m.group(1)
            events.setdefault(last, []).append((m.groups(), source_drop))
        elif line.startswith("M2"):
            speed.add(last)
        elif line.startswith("FCM:"):
            source_drop = "NON" not in line.upper() and "DROP" in line.upper()
    out = []
    record_ins = [line[6] for lines in events.values() for line, _ in lines]
    for number, lines in events.items():
        (line, src_drop), = lines[:1]
        if number in speed or len(lines) != 1 or line[3] != "C" or "V" not in line[2].upper():
            continue
        if record_ins.count(line[6]) > 1:
            continue
        src_in, _, rec_in, rec_out = line[4:]
        try:
            out.append((_frames(rec_in, rate, drop), _frames(rec_out, rate, drop), _frames(src_in, rate, src_drop)))
        except ValueError:
            continue
    return out


@pytest.mark.parametrize("path", EDLS, ids=corpus_id)
def test_edl_shots_start_on_the_lists_source_in(path: Path) -> None:
    try:
        _, analysis = read_once(path)
    except ScorePlanError:
        pytest.skip("a file the reader refuses")
    seq = analysis.sequence
    starts = {s.start_frame: s for s in analysis.shots}
    checked = 0
    for rec_in, rec_out, src_in in _cut_events(path, seq.rate, seq.drop_frame):
        shot = starts.get(rec_in - seq.start_frame)
        if shot is None or shot.end_frame > rec_out - seq.start_frame or shot.kind != "clip":
            continue  # hidden under another event, or not a shot of its own
        assert shot.source_start_frame == src_in, (shot, src_in)
        checked += 1
    assert checked or not any(s.kind == "clip" for s in analysis.shots)
