"""The one path from an input to a plan (issue 12): otio_scoreplan.pipeline, as the commands and the OTIO plugin
take it - the checks of a given plan (one message for apply and notes), the empty-sequence check, the temp choice
only with a library, and the plugin planning a timeline as the commands plan its file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import opentimelineio as otio
import pytest
from conftest import SAMPLES, run_main

from otio_scoreplan.errors import InputError, UsageError
from otio_scoreplan.otio_plugin.spotting import timeline_plan
from otio_scoreplan.pipeline import OTHER_CUT, obtain_plan, plan_input_index, read_and_analyse, with_temp
from otio_scoreplan.plan.fingerprint import fingerprint

SAMPLE = SAMPLES / "premiere_sample.xml"
OTHER = SAMPLES / "resolve_sample.fcpxml"


@pytest.fixture(scope="module")
def sample():
    return read_and_analyse(SAMPLE)[1]


@pytest.fixture(scope="module")
def other():
    return read_and_analyse(OTHER)[1]


def test_a_plan_of_another_cut_is_refused_naming_the_plan(sample, other) -> None:
    plan, _ = obtain_plan([other], [str(OTHER)], None)
    with pytest.raises(UsageError) as caught:
        obtain_plan([sample], [str(SAMPLE)], None, given=plan, given_path="their.plan.json")
    assert caught.value.message == OTHER_CUT and caught.value.path == "their.plan.json"


def test_a_plan_whose_sequence_was_edited_is_refused(sample) -> None:
    """The fingerprint kept, the start moved by a frame: a plan without its shots, refused with what differs."""
    plan, _ = obtain_plan([sample], [str(SAMPLE)], None)
    edited = replace(plan, sequences=[replace(plan.sequences[0], start_frame=plan.sequences[0].start_frame + 1)])
    assert edited.fingerprints == [fingerprint(sample)]
    with pytest.raises(UsageError, match=r"the plan's sequence must match the cut's: its start frame is \d+, the cut's \d+"):
        plan_input_index(edited, sample, "edited.json")


def test_each_input_of_a_plan_is_found(sample, other) -> None:
    """A plan of two reels: the second reel's cut is its input 1, and the given plan comes back as it is."""
    plan, index = obtain_plan([sample, other], [str(SAMPLE), str(OTHER)], None)
    assert index == 0 and len(plan.sequences) == 2
    again, index = obtain_plan([other], [str(OTHER)], None, given=plan)
    assert again is plan and index == 1


def test_an_empty_sequence_is_refused_naming_its_file(sample) -> None:
    empty = replace(sample, sequence=replace(sample.sequence, duration_frames=0))
    with pytest.raises(InputError, match="the sequence is empty") as caught:
        obtain_plan([empty], [str(SAMPLE)], None)
    assert caught.value.path == sample.sequence.path


def test_temp_is_chosen_only_with_a_library(sample) -> None:
    plan, _ = obtain_plan([sample], [str(SAMPLE)], None)
    assert with_temp(plan, None) is plan and not any(c.temp for c in plan.cues)


def test_the_plugin_plans_a_timeline_as_the_commands_plan_its_file() -> None:
    """The OTIO plugin takes the pipeline too: a .otio read by plain OTIO gets the cues `spot` gives its file."""
    path = SAMPLES / "sample.otio"
    planned, stored = timeline_plan(otio.adapters.read_from_file(str(path)))
    commands, _ = obtain_plan([read_and_analyse(path)[1]], [str(path)], None)
    assert stored is None and planned.cues
    assert [(c.id, c.start_frame, c.end_frame, c.moods) for c in planned.cues] == \
        [(c.id, c.start_frame, c.end_frame, c.moods) for c in commands.cues]


def test_apply_and_notes_refuse_another_cuts_plan_in_the_same_words(tmp_path: Path) -> None:
    """Behaviour change of issue 12: `notes --plan` said '(its fingerprint does not match the timeline); run
    `scoreplan spot` on this cut'; it now gives apply's message, the one of the pipeline."""
    spot = run_main("spot", "--json", str(OTHER))
    assert spot.returncode == 0, spot.stderr
    plan = tmp_path / "other.plan.json"
    plan.write_text(spot.stdout, encoding="utf-8")
    apply = run_main("apply", str(SAMPLE), "--plan", str(plan), "-o", str(tmp_path / "out.xml"))
    notes = run_main("notes", str(SAMPLE), "--plan", str(plan), "-o", str(tmp_path / "notes.md"))
    want = f"scoreplan: error: {plan}: {OTHER_CUT}"
    assert (apply.returncode, apply.stderr.strip()) == (2, want)
    assert (notes.returncode, notes.stderr.strip()) == (2, want)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.plan.json"]  # nothing written
