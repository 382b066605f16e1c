"""One plan type from ``spot`` to every consumer (issue 12): a plan file is parsed and checked once per command,
and everything after that reading works on the same ``Plan``/``Cue`` objects."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES, read_once, run_main

from otio_scoreplan.audio.bwf import write_bwf
from otio_scoreplan.plan import load_rules, make_plan, plan_to_json
from otio_scoreplan.plan import model as plan_model
from otio_scoreplan.plan import schema as plan_schema

SAMPLE = SAMPLES / "premiere_sample.xml"


@pytest.fixture
def readings(monkeypatch) -> dict[str, int]:
    """Counts of plan files parsed (``plan.model``) and plan documents checked against the schema."""
    counts = {"parsed": 0, "checked": 0}
    parse, check = plan_model._parse_plan_file, plan_schema.check_plan

    def counted_parse(path):
        counts["parsed"] += 1
        return parse(path)

    def counted_check(doc, path=None):
        counts["checked"] += 1
        return check(doc, path)

    monkeypatch.setattr(plan_model, "_parse_plan_file", counted_parse)
    monkeypatch.setattr(plan_schema, "check_plan", counted_check)
    return counts


@pytest.fixture
def sample_plan(tmp_path: Path) -> Path:
    """The plan of the Premiere sample, as ``spot --json`` writes it."""
    _, analysis = read_once(SAMPLE)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_to_json(make_plan([analysis], load_rules(None)))), encoding="utf-8")
    return path


def _library(folder: Path) -> Path:
    folder.mkdir()
    rng = np.random.default_rng(7)
    for name in ("dark_pulse.wav", "sad_strings.wav"):
        write_bwf(folder / name, rng.uniform(-0.1, 0.1, (48000 * 6, 2)).astype(np.float32))
    return folder


def _ran(*argv: str) -> None:
    proc = run_main(*argv)
    assert proc.returncode == 0, proc.stderr


def test_apply_with_a_plan_reads_it_once(tmp_path: Path, sample_plan: Path, readings: dict[str, int]) -> None:
    _ran("apply", str(SAMPLE), "--plan", str(sample_plan), "-o", str(tmp_path / "out.xml"),
         "--media-dir", str(tmp_path / "media"))
    assert (tmp_path / "out.xml").is_file()
    assert readings == {"parsed": 1, "checked": 1}


@pytest.mark.parametrize("how", ["--plan", "INPUT"])
def test_notes_read_the_plan_once(tmp_path: Path, sample_plan: Path, readings: dict[str, int], how: str) -> None:
    given = ["--plan", str(sample_plan), str(SAMPLE)] if how == "--plan" else [str(sample_plan)]
    _ran("notes", *given, "-o", str(tmp_path / "n.csv"), "--avid-markers", str(tmp_path / "m.txt"),
         "--themes", str(tmp_path / "t.md"))
    assert all((tmp_path / n).is_file() for n in ("n.csv", "m.txt", "t.md"))
    assert readings == {"parsed": 1, "checked": 1}


def test_notes_with_a_library_read_the_plan_once(tmp_path: Path, sample_plan: Path, readings: dict[str, int]) -> None:
    _ran("notes", str(sample_plan), "--library", str(_library(tmp_path / "lib")), "-o", str(tmp_path / "n.md"))
    assert "Dark Pulse" in (tmp_path / "n.md").read_text(encoding="utf-8") or \
        "Sad Strings" in (tmp_path / "n.md").read_text(encoding="utf-8"), "the temp picks reach the notes"
    assert readings == {"parsed": 1, "checked": 1}


def test_render_reads_the_plan_once(tmp_path: Path, readings: dict[str, int]) -> None:
    plan = {
        "schema": "otio-scoreplan/plan", "version": 2,
        "sequence": {"name": "once", "rate": 25.0, "drop_frame": False, "start_frame": 90000, "duration_frames": 300},
        "cues": [{"id": "1M1", "start_frame": 0, "end_frame": 150, "moods": ["dark"]},
                 {"id": "1M2", "start_frame": 175, "end_frame": 300, "moods": ["sad"], "intensity": 2}],
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    _ran("render", str(tmp_path / "plan.json"), "--library", str(_library(tmp_path / "lib")),
         "-o", str(tmp_path / "mix.wav"))
    assert (tmp_path / "mix.wav").stat().st_size > 300 * 1920
    assert readings == {"parsed": 1, "checked": 1}


def test_spot_reads_its_previous_plan_once(sample_plan: Path, readings: dict[str, int]) -> None:
    proc = run_main("spot", "--json", "--previous", str(sample_plan), str(SAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["revision"] == 2
    assert readings == {"parsed": 1, "checked": 1}
