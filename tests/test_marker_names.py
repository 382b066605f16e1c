"""One name for each marker we write (issue 12): apply and every marker list of ``notes`` name a cue's markers
alike, each format keeping the duration it needs (a hit is a point in the timeline; Avid and Resolve lists give it
one frame). Outputs are read back by readers we did not write: OpenTimelineIO, mido, pycmx, and the plain text.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import mido
import opentimelineio as otio
import pycmx
import pytest

from otio_scoreplan import OUR_TOKEN
from otio_scoreplan.marker_names import hit_marker_comment, hit_marker_name, locator_name, locator_text, tagged

SAMPLE = Path(__file__).resolve().parents[1] / "sample_timelines" / "sample.otio"


def scoreplan(*args: str, cwd: Path) -> str:
    run = subprocess.run([sys.executable, "-m", "otio_scoreplan", *args], capture_output=True, text=True, cwd=cwd)
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The sample's plan, apply's .otio and the Avid, Resolve and MIDI marker lists of the same plan."""
    out = tmp_path_factory.mktemp("names")
    plan = json.loads(scoreplan("spot", "--json", str(SAMPLE), cwd=out))
    (out / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    scoreplan("apply", str(SAMPLE), "--plan", "plan.json", "-o", "applied.otio", "--media-dir", "media", cwd=out)
    scoreplan("notes", str(SAMPLE), "--plan", "plan.json", "-o", "markers.mid", "--avid-markers", "avid.txt",
              "--resolve-markers", "resolve.edl", cwd=out)
    return {"plan": plan, "dir": out}


def hits_of(plan: dict) -> list[tuple[str, str, int]]:
    return sorted((c["id"], h.get("label", ""), h["frame"]) for c in plan["cues"] for h in c.get("hits", []))


def test_the_sample_plan_has_hits(outputs: dict) -> None:
    assert hits_of(outputs["plan"]), "the sample's plan holds hit points (the test would prove nothing without)"


def test_apply_and_every_marker_list_name_hits_alike(outputs: dict) -> None:
    out, hits = outputs["dir"], hits_of(outputs["plan"])
    want = sorted(hit_marker_name(cue_id, label) for cue_id, label, _ in hits)
    assert all(": " in w or w.endswith(":") for w in want)  # '1M2 hit: gunshot'

    timeline = otio.adapters.read_from_file(str(out / "applied.otio"))
    ours = [m for m in timeline.tracks.markers if OUR_TOKEN in (m.comment or "")]
    applied = {m.name: m for m in ours if " hit:" in m.name}
    assert sorted(applied) == want
    for cue_id, _, _ in hits:
        assert any(m.comment == hit_marker_comment(cue_id) for m in applied.values())
    assert all(m.marked_range.duration.value == 0 for m in applied.values()), "a hit in the timeline is a point"

    midi = [m.text for m in mido.MidiFile(str(out / "markers.mid")).tracks[0] if m.type == "marker"]
    assert sorted(t for t in midi if " hit" in t) == want

    resolve_text = (out / "resolve.edl").read_text(encoding="utf-8")
    resolve = [line for line in resolve_text.splitlines() if "|M:" in line]
    named = {line.split("|M:")[1].split(" |D:")[0]: line for line in resolve}
    assert sorted(n for n in named if " hit" in n) == want
    assert all(named[n].endswith("|D:1") for n in want), "a Resolve marker needs a length: one frame"
    events = [e for e in pycmx.parse_cmx3600(io.StringIO(resolve_text)).events if e.edits]
    assert len(events) == len(resolve)

    avid = [line.split("\t") for line in (out / "avid.txt").read_text(encoding="utf-8").splitlines()]
    names = {locator_name(comment): (comment, duration) for _, _, _, _, comment, duration in avid}
    assert sorted(n for n in names if " hit" in n) == want
    for cue_id, label, _ in hits:
        comment, duration = names[hit_marker_name(cue_id, label)]
        assert comment == locator_text(hit_marker_name(cue_id, label), hit_marker_comment(cue_id)) and duration == "1"


def test_cue_markers_share_their_names_too(outputs: dict) -> None:
    out, plan = outputs["dir"], outputs["plan"]
    cue_names = sorted(f"{c['id']} {c['moods'][0]}" if c.get("moods") else c["id"] for c in plan["cues"])
    timeline = otio.adapters.read_from_file(str(out / "applied.otio"))
    applied = sorted(m.name for m in timeline.tracks.markers if OUR_TOKEN in (m.comment or "") and " hit:" not in m.name)
    resolve = sorted(line.split("|M:")[1].split(" |D:")[0] for line in
                     (out / "resolve.edl").read_text(encoding="utf-8").splitlines() if "|M:" in line and " hit:" not in line)
    avid = sorted(locator_name(line.split("\t")[4]) for line in (out / "avid.txt").read_text(encoding="utf-8").splitlines()
                  if " hit:" not in line)
    assert applied == resolve == avid == cue_names


def test_locator_text_round_trips_and_tags_once() -> None:
    text = locator_text("1M1 tension", "opening | score")
    assert text == f"1M1 tension | opening | score {OUR_TOKEN}" and locator_name(text) == "1M1 tension"
    assert locator_name("an editor's note | with a bar") == "an editor's note | with a bar"  # not ours: kept whole
    assert tagged(tagged("x")) == f"x {OUR_TOKEN}"
