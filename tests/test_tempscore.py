"""Temp music through the whole flow: spot --library records picks, apply --library fills the temp tracks
with fitted files that the written timeline references, a pinned piece survives a plan round trip."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES, run_cli

from otio_scoreplan import OUR_TOKEN
from otio_scoreplan.analyse import analyse
from otio_scoreplan.audio.bwf import read_bext, wav_format, write_bwf
from otio_scoreplan.audio.cut import RING_SECONDS
from otio_scoreplan.audio.fit import frame_to_sample
from otio_scoreplan.formats import read_source
from otio_scoreplan.plan.model import plan_from_json, plan_to_json

SAMPLE = SAMPLES / "premiere_sample.xml"


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """Four short pieces with a catalogue: moods the sample's cues ask for, and Anna's theme."""
    lib = tmp_path_factory.mktemp("lib")
    rng = np.random.default_rng(7)
    for name, seconds in [("pulse", 20.0), ("chase", 30.0), ("love", 25.0), ("anna", 50.0)]:
        write_bwf(lib / f"{name}.wav", rng.uniform(-0.1, 0.1, (int(seconds * 48000), 2)).astype(np.float32))
    entries = [("pulse.wav", "Dark Pulse", '["tension"]', "[]"), ("chase.wav", "Chase", '["action"]', "[]"),
               ("love.wav", "Love Scene", '["romantic"]', "[]"), ("anna.wav", "Anna", '["hopeful"]', '["Anna"]')]
    (lib / "library.toml").write_text("".join(
        f'[[piece]]\nfile = "{f}"\ntitle = "{t}"\nmoods = {m}\nthemes = {th}\n\n' for f, t, m, th in entries),
        encoding="utf-8")
    return lib


def _spot(library: Path, tmp_path: Path) -> dict:
    proc = run_cli("spot", "--json", "--library", str(library), str(SAMPLE))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_spot_records_a_pick_per_cue(library, tmp_path):
    doc = _spot(library, tmp_path)
    assert doc["cues"]
    for cue in doc["cues"]:
        assert Path(cue["temp"]["path"]).parent == library.resolve() or Path(cue["temp"]["path"]).parent == library
        assert cue["temp"]["reason"]
    anna = [c for c in doc["cues"] if "Anna" in c["themes"]]
    assert anna and all(c["temp"]["title"] == "Anna" for c in anna)


def test_apply_fills_the_temp_tracks_with_fitted_files(library, tmp_path):
    out = tmp_path / "cut.xml"
    media = tmp_path / "media"
    proc = run_cli("apply", str(SAMPLE), "-o", str(out), "--library", str(library), "--media-dir", str(media))
    assert proc.returncode == 0, proc.stderr
    source = read_source(out)
    analysis = analyse(source)
    doc = _spot(library, tmp_path)
    temp = {re.search(r"\b(\d+M\d+[A-Z]*)\b", c.name).group(1): c for c in analysis.audio_clips if OUR_TOKEN in c.name}
    for cue in doc["cues"]:
        clip = temp[cue["id"]]
        # the clip is the cue's, and runs on into a neighbour it segues with (A/B clips overlapping about a bar)
        segues = (cue["entry"]["type"] == "segue" if isinstance(cue["entry"], dict) else cue["entry"] == "segue",
                  cue["exit"]["type"] == "segue" if isinstance(cue["exit"], dict) else cue["exit"] == "segue")
        before, after = cue["start_frame"] - clip.start_frame, clip.end_frame - cue["end_frame"]
        assert 0 <= before <= (3 * analysis.sequence.rate if segues[0] else 0)
        # ... and a hard out's button rings on past the out into the handle (at most RING_SECONDS, whole frames)
        exit_type = cue["exit"]["type"] if isinstance(cue["exit"], dict) else cue["exit"]
        ring = math.ceil(RING_SECONDS.get(exit_type, 0.0) * analysis.sequence.rate) if exit_type == "hard_out" else 0
        assert 0 <= after <= (3 * analysis.sequence.rate if segues[1] else ring), (cue["id"], exit_type, after)
        assert re.search(rf"/{cue['id']}_[0-9a-f]{{8}}\.wav$", clip.source)  # named by content
        (rendered,) = media.glob(f"{cue['id']}_*.wav")
        assert clip.source.endswith(f"/{rendered.name}")
        # the rendered file is the cue to the sample: each boundary at the sample nearest its exact time
        rate = analysis.sequence.rate
        samples = frame_to_sample(cue["end_frame"], rate) - frame_to_sample(cue["start_frame"], rate)
        # the file holds the cut with its handles: from its own start (bext) through the cue to the tail
        head = frame_to_sample(cue["start_frame"] + analysis.sequence.start_frame, rate) - read_bext(rendered).time_reference
        assert 0 <= head <= 2 * 48000 + 2002 and head + samples <= wav_format(rendered)[3] <= head + samples + 2 * 48000 + 2002
        assert "(unassigned)" not in clip.name
    assert not list(media.glob("scoreplan_silence_*"))  # every cue has music: no placeholder written


def test_a_pinned_piece_survives_the_plan_round_trip_and_apply(library, tmp_path):
    doc = _spot(library, tmp_path)
    first = doc["cues"][0]
    first["temp"] = {"path": str(library / "anna.wav"), "title": "Anna", "offset_seconds": 3.0,
                     "reason": "pinned by the music editor", "pinned": True}
    assert plan_to_json(plan_from_json(doc))["cues"][0]["temp"] == first["temp"]
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "cut.xml"
    proc = run_cli("apply", str(SAMPLE), "--plan", str(plan_path), "-o", str(out), "--library", str(library),
                   "--media-dir", str(tmp_path / "media"))
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("spot", "--json", "--library", str(library), str(SAMPLE))
    # without the pin the planner would choose the tension piece for the first cue
    assert json.loads(proc.stdout)["cues"][0]["temp"]["title"] != "Anna"
    assert len(list((tmp_path / "media").glob(f"{first['id']}_????????.wav"))) == 1


def test_temp_and_final_music_survive_the_plan_model():
    """A person's edits to a plan (a pinned temp piece, the final music's catalogue data) are kept when the
    plan is read and written again, as apply --plan and notes --plan do."""
    from otio_scoreplan.plan import make_plan

    doc = plan_to_json(make_plan([analyse(read_source(SAMPLE))]))
    doc["cues"][0]["final"] = {"title": "Kitchen", "composer": "A. Composer", "publisher": "Pub", "society": "PRS",
                               "usage": "BI"}
    doc["cues"][0]["temp"] = {"path": "/music/x.wav", "title": "X", "offset_seconds": 1.5, "reason": "pinned",
                              "pinned": True}
    again = plan_to_json(plan_from_json(json.loads(json.dumps(doc))))
    assert again["cues"][0]["final"] == doc["cues"][0]["final"]
    assert again["cues"][0]["temp"] == doc["cues"][0]["temp"]
    assert "final" not in again["cues"][1] and "temp" not in again["cues"][1]


def test_notes_take_a_library(library, tmp_path):
    out = tmp_path / "notes.csv"
    proc = run_cli("notes", str(SAMPLE), "--library", str(library), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and all(r["temp pick"] for r in rows)
    assert {r["temp pick"] for r in rows} <= {"Dark Pulse", "Chase", "Love Scene", "Anna"}


def test_render_reads_a_timeline_with_the_same_rate_rules_as_every_command(library, tmp_path):
    """`render` on a timeline takes --rate like inspect/spot/apply (it crashed on a float before), refuses an
    assumed rate, and names the file when --rate is nonsense."""
    edl = SAMPLES / "resolve_sample.edl"
    proc = run_cli("render", str(edl), "--rate", "25", "--library", str(library), "-o", str(tmp_path / "mix.wav"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "mix.wav").exists()
    proc = run_cli("render", str(edl), "--library", str(library), "-o", str(tmp_path / "mix2.wav"))
    assert proc.returncode == 2 and "--rate" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    proc = run_cli("render", str(edl), "--rate", "abc", "--library", str(library), "-o", str(tmp_path / "mix3.wav"))
    assert proc.returncode == 2 and edl.name in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "mix2.wav").exists() and not (tmp_path / "mix3.wav").exists()


def test_render_refuses_a_malformed_plan_in_one_line(library, tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text('{"schema": "otio-scoreplan/plan", "version": 1, "sequence": {"rate": 25}, "cues": []}')
    proc = run_cli("render", str(plan), "--library", str(library), "-o", str(tmp_path / "mix.wav"))
    assert proc.returncode == 2 and "malformed plan" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
