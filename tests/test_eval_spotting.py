"""Smoke test of `make eval-spotting` (tools/eval): one real edit stripped of its music, planned and scored.

The full evaluation is a make target outside the suite; this pins its pieces on the UA4 report (3:22, Premiere):
the frozen truth is well formed, the stripped edit holds no music by an independent lxml reading nor by the
package's own detector, and the figures are what the matching rule says.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import CORPUS, REPO
from lxml import etree

sys.path.insert(0, str(REPO / "tools" / "eval"))

import baselines
import metrics
import run

TRUTH = REPO / "tools" / "eval" / "truth"


def test_every_truth_file_is_frozen_and_checked() -> None:
    cases = run.load_cases()
    assert len(cases) >= 7
    for case in cases:
        truth = json.loads((TRUTH / f"{case['id']}.json").read_text(encoding="utf-8"))
        assert truth["file"] == case["file"] and (CORPUS / truth["file"]).is_file()
        assert truth["checked"], f"{case['id']}: no notes of the hand check"
        assert truth["cues"] and truth["music_clips"]
        starts = [c["start_frame"] for c in truth["cues"]]
        assert starts == sorted(starts)
        gap = int(round(2 * truth["rate"]))
        for a, b in zip(truth["cues"], truth["cues"][1:]):
            assert b["start_frame"] - a["end_frame"] >= gap  # cues less than 2 s apart were joined
        for clip in truth["music_clips"]:
            s, e = clip["record_frames"]
            assert any(c["start_frame"] <= s and e <= c["end_frame"] for c in truth["cues"])


def test_matching_is_one_to_one_within_the_tolerance() -> None:
    # two proposals near one real start match it once; the optimal matching pairs 100->98 and 110->120
    assert metrics.matched_starts([100, 101], [100], 5) == 1
    assert metrics.matched_starts([100, 110], [98, 120], 10) == 2
    assert metrics.matched_starts([100], [106], 5) == 0
    s = metrics.score([(0, 50), (200, 260)], [(2, 40), (500, 600)], 1000, 1.0)
    assert (s.tp, s.precision, s.recall) == (1, 0.5, 0.5)
    assert s.frames_both == 38 and s.frames_proposed == 110 and s.frames_real == 138


@pytest.fixture(scope="module")
def ua4() -> run.Edit:
    case = next(c for c in run.load_cases() if c["id"] == "ua4")
    with tempfile.TemporaryDirectory() as tmp:
        edit = run.load_edit(case, Path(tmp))
        stripped = (Path(tmp) / "ua4.xml").read_bytes()
    edit.stripped["xml"] = stripped
    return edit


def test_the_stripped_edit_holds_no_music(ua4: run.Edit) -> None:
    root = etree.fromstring(ua4.stripped["xml"], etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    names = [t.get("MZ.TrackName") or "" for t in root.find("sequence").find("media").find("audio").findall("track")]
    assert names and not any("musikk" in n.lower() for n in names)  # the music tracks are gone, not left empty
    assert not [f for f in root.iter("pathurl") if "SCDV0516" in (f.text or "")]
    assert ua4.stripped["tracks_removed"] and ua4.stripped["music_clips_removed"] == 26
    assert ua4.analysis.music == []  # the package's own detector finds nothing either
    assert ua4.duration == ua4.truth["duration_frames"]  # the picture is untouched


def test_one_edit_is_scored_beside_the_baselines(ua4: run.Edit) -> None:
    result = run.evaluate([ua4])
    rows = result["rows"]["ua4"]
    assert set(rows) == set(run.METHODS)
    for s in rows.values():
        assert 0.0 <= s.f1 <= 1.0 and 0.0 <= s.frame_precision <= 1.0
    assert rows["every cut"].recall == 1.0  # every real cue here starts on a cut (or at the first frame)
    assert rows["every 90 s"].n_proposed == len(baselines.every_90s(ua4.duration, ua4.rate)) == 3
    text = run.markdown(result, [ua4], "smoke")
    assert "| planner |" in text and "random cuts (20 seeds)" in text
