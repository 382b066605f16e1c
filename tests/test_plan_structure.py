"""Structure signals read off a real cut (issue 13): the opening minutes.

A programme opens with music (every edit of the spotting evaluation has a real cue within 11 s of its first
frame): a proposal starting within ``auto.opening_seconds`` of the first frame, with nothing before it, starts
on the first frame, under the first words. Tested on the Moser multicam report (Premiere, 3:07) with its music
taken out as ``make eval-spotting`` takes it out, with ``auto.talk_seconds = 8`` (the setting the evaluation
picks for it leave-one-edit-out): its 12 s of opening sync then count as talk on camera, and the first stretch
between talk starts after them.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "tools" / "eval"))

import run

from otio_scoreplan.plan import make_plan
from otio_scoreplan.plan.rules import default_rules, merge_rules


@pytest.fixture(scope="module")
def moser() -> run.Edit:
    case = next(c for c in run.load_cases() if c["id"] == "moser")
    with tempfile.TemporaryDirectory() as tmp:
        return run.load_edit(case, Path(tmp))


def test_the_opening_cue_starts_on_the_first_frame(moser: run.Edit) -> None:
    truth = json.loads((REPO / "tools" / "eval" / "truth" / "moser.json").read_text(encoding="utf-8"))
    assert truth["cues"][0]["start_frame"] == 0  # the editor's music opens the programme
    assert not moser.analysis.music and not moser.analysis.editor_annotations  # nothing marked: all proposed
    # talk 8 s reads the opening sync as talk; the sync-wall rule (F2) is left out so the opening rule alone is seen
    talk8 = merge_rules(default_rules(), {"auto": {"talk_seconds": 8.0, "sync_wall_share": 0.0}})
    plan = make_plan([moser.analysis], talk8)
    first = plan.cues[0]
    assert (first.start_frame, first.origin) == (0, "auto")
    assert any(r.startswith("opens the programme: from the first frame") for r in first.reasons)
    off = make_plan([moser.analysis], merge_rules(talk8, {"auto": {"opening_seconds": 0}}))
    assert off.cues[0].start_frame > 0  # without the rule: after the first talk on camera
    assert off.cues[0].start_frame <= moser.rate * default_rules().get("auto.opening_seconds")
    assert [(c.start_frame, c.end_frame) for c in off.cues[1:]] == [(c.start_frame, c.end_frame) for c in plan.cues[1:]]
