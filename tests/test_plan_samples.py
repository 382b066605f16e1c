"""The shipped sample timelines (one short cut told in every format) planned through the command line
(in process per sample; the real command in the tests below)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLES, read_once, run_cli, run_main
from test_plan_corpus import check_plan

SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*") if p.suffix in (".xml", ".fcpxml", ".edl", ".aaf", ".otio"))


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_plan(path: Path) -> None:
    result = run_main("spot", str(path), "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    first = plan["cues"][0]
    # Every sample carries "MUSIC IN - tension" at 01:00:12:00, kept to the frame.
    assert first["id"] == "1M1" and first["start_timecode"].replace(";", ":") == "01:00:12:00"
    assert first["moods"][0] == "tension" and first["origin"] == "explicit"
    check_plan(read_once(path)[1], plan)
    assert not any(c["origin"] == "auto" for c in plan["cues"])  # the samples are marked: nothing is proposed


def test_premiere_sample_full_plan() -> None:
    plan = json.loads(run_cli("spot", str(SAMPLES / "premiere_sample.xml"), "--json").stdout)
    got = [(c["id"], c["start_timecode"], c["end_timecode"], c["origin"], c["moods"], c["themes"]) for c in plan["cues"]]
    assert got == [
        ("1M1", "01:00:12:00", "01:00:36:00", "explicit", ["tension"], []),
        ("1M2", "01:00:44:00", "01:01:14:00", "explicit", ["action"], []),  # the MX: chase range beats the temp's edges
        ("1M3", "01:01:20:00", "01:01:52:00", "grown", ["romantic"], []),  # '#romantic' over scene 14 ("not the theme")
        ("1M4", "01:01:52:00", "01:02:34:00", "grown", [], ["Anna"]),  # THEME: Anna over scene 15, out with its fade
        # to black (48 frames, issue 14 (4)); NO MUSIC in 16
    ]
    assert [h["label"] for h in plan["cues"][1]["hits"]] == ["gunshot"]
    assert plan["cues"][3]["exit"]["type"] == "fade_out"  # scene 15 fades to black
    assert any("door slam" in w for w in plan["warnings"])  # a hit with no room for a cue is reported, not lost
    assert any("01:00:44:00-01:01:14:00" in w and "01:00:40:00-01:01:18:00" in w for w in plan["warnings"])
    assert ("01:02:02:00", "first full statement of Anna's theme") in [(h["timecode"], h["label"]) for h in plan["cues"][3]["hits"]]
    assert plan["cues"][2]["avoid"] == ["theme"]


def test_several_inputs_give_one_plan_across_reels(tmp_path: Path) -> None:
    r1 = SAMPLES / "premiere_sample.xml"
    r2 = tmp_path / "ANNA_R2.xml"
    r2.write_bytes(r1.read_bytes().replace(b"ANNA_R1_v12_MX_SPOT", b"ANNA_R2_v3_MX_SPOT"))
    plan = json.loads(run_cli("spot", str(r1), str(r2), "--json").stdout)
    ids = [(c["id"], c["input"]) for c in plan["cues"]]
    assert ids[:4] == [("1M1", 0), ("1M2", 0), ("1M3", 0), ("1M4", 0)]
    assert ids[4:] == [("2M1", 1), ("2M2", 1), ("2M3", 1), ("2M4", 1)]
    assert [i["sequence"]["name"] for i in plan["inputs"]] == ["ANNA_R1_v12_MX_SPOT", "ANNA_R2_v3_MX_SPOT"]
    cont = tmp_path / "rules.toml"
    cont.write_text("[numbering]\ncontinuous = true\n")
    plan = json.loads(run_cli("spot", str(r1), str(r2), "--json", "--rules", str(cont)).stdout)
    assert [c["id"] for c in plan["cues"]][3:6] == ["1M4", "2M5", "2M6"]
