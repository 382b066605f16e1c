"""The plan's text after ``spot --previous`` (issue 14, left (5)): a cue's tail is shown as the rest of the line
shows lengths (seconds to a tenth), not as a float leaking from frames -> seconds ("tail 2.002s": 60 frames at
29.97). On a real 29.97 Avid list of the corpus, first planned, then recut against that plan."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import CORPUS, run_cli

HEISTS = CORPUS / "avid" / "losslesscut_070816_EG101_HEISTS_ROUGH_CUT.edl"
CUE_LINE = re.compile(r"^(\S+)\s+\d\d:\d\d:\d\d[:;]\d\d\s+\d\d:\d\d:\d\d[:;]\d\d\s+(\d+\.\d)s\s")


def _tails(text: str) -> dict[str, str]:
    """cue id -> the exit column's tail words (``tail 2.0s``) of the table's cue lines."""
    out = {}
    for line in text.splitlines():
        if CUE_LINE.match(line) and " tail " in line:
            out[line.split()[0]] = re.search(r" (tail \S+)", line)[1]
    return out


def test_a_tail_is_shown_to_a_tenth_of_a_second_after_a_recut(tmp_path: Path) -> None:
    first = run_cli("spot", "--json", str(HEISTS))
    assert first.returncode == 0, first.stderr
    doc = json.loads(first.stdout)
    previous = tmp_path / "plan.json"
    previous.write_text(first.stdout, encoding="utf-8")
    rate = (doc["sequence"] if "sequence" in doc else doc["inputs"][0]["sequence"])["rate"]
    assert abs(rate - 30000 / 1001) < 1e-6, "the case: 29.97, where whole frames are no whole seconds"
    recut = run_cli("spot", "--previous", str(previous), str(HEISTS))
    assert recut.returncode == 0, recut.stderr
    assert "Recut against the previous plan" in recut.stdout
    tails = _tails(recut.stdout)
    wanted = {c["id"]: c["exit"]["frames"] for c in doc["cues"] if c["exit"]["type"] == "tail_out"}
    assert wanted and set(tails) == set(wanted), recut.stdout
    for cue_id, frames in wanted.items():
        assert tails[cue_id] == f"tail {frames / rate:.1f}s", (cue_id, tails[cue_id])
    # no length in the cue lines carries more than a tenth of a second (the Length column's own precision)
    cue_lines = [line for line in recut.stdout.splitlines() if CUE_LINE.match(line)]
    assert cue_lines and not [line for line in cue_lines if re.search(r"\d\.\d\d+s\b", line)], cue_lines
