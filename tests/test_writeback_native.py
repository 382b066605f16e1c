"""Write-back to ``.otio``: the editor's timeline plus our markers, temp tracks and stored plan, nothing else changed.

Every corpus file (by glob) and sample is applied to a ``.otio``; OTIO rereads it, and taking our additions
off gives the input's timeline back, JSON for JSON. The timeline given to the writer is never changed (it
is shared, and the writer lays our additions on its stack only while writing), not even when writing fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio
import pytest
from conftest import SAMPLES, corpus_files, corpus_id, read_once

from otio_scoreplan import TAG
from otio_scoreplan.analyse import analyse
from otio_scoreplan.errors import ScorePlanError
from otio_scoreplan.formats import read_source
from otio_scoreplan.formats.otiofile.write import STORED_PLAN_OMITS
from otio_scoreplan.formats.writeback import apply_plan
from otio_scoreplan.otio_plugin.spotting import spotting_notes_markdown
from otio_scoreplan.plan import make_plan, plan_to_json
from otio_scoreplan.plan.model import plan_from_json

FILES = corpus_files() + sorted(p for p in SAMPLES.iterdir() if p.suffix in (".xml", ".fcpxml", ".edl", ".aaf", ".otio"))
STORED_KEYS = ("plan", "plan_input", "drop_frame")


def _file_id(path: Path) -> str:
    return path.name if path.parent == SAMPLES else corpus_id(path)


def _planned(path: Path):
    try:
        source, analysis = read_once(path)
    except ScorePlanError as exc:
        pytest.skip(f"not readable alone: {exc.one_line()[:100]}")
    if analysis.sequence.duration_frames <= 0:
        pytest.skip("an empty sequence: nothing to plan")
    return source, make_plan([analysis])


def _added(obj) -> bool:
    ns = obj.metadata.get(TAG) if hasattr(obj.metadata, "get") else None
    return bool(ns.get("added")) if hasattr(ns, "get") else False


def _without_ours(doc: dict) -> dict:
    """An OTIO JSON timeline (as a dict) with our markers, tracks and stored plan taken off."""
    stack = doc["tracks"]
    stack["markers"] = [m for m in stack["markers"] if not m["metadata"].get(TAG, {}).get("added")]
    stack["children"] = [t for t in stack["children"] if not t["metadata"].get(TAG, {}).get("added")]
    ns = doc["metadata"].get(TAG)
    if isinstance(ns, dict):
        for key in STORED_KEYS:
            ns.pop(key, None)
        if not ns:
            del doc["metadata"][TAG]
    return doc


@pytest.mark.parametrize("path", FILES, ids=_file_id)
def test_output_is_the_input_plus_our_additions(path: Path, tmp_path: Path) -> None:
    source, plan = _planned(path)
    before = source.timeline.to_json_string()
    out = tmp_path / "out.otio"
    result = apply_plan(source, plan, out)
    assert source.timeline.to_json_string() == before, "the writer changed the timeline it was given"
    again = otio.adapters.read_from_file(str(out))
    stack = again.tracks
    ours_markers = [m for m in stack.markers if _added(m)]
    ours_tracks = [t for t in stack if _added(t)]
    assert [m.name for m in ours_markers] == [m.name for m in result.additions.markers]
    assert [t.name for t in ours_tracks] == list(result.additions.track_names)
    n = len(ours_tracks)
    assert [_added(t) for t in stack] == [False] * (len(stack) - n) + [True] * n  # ours go on top
    # the written JSON against the input's, both as OTIO's writer puts them (its floats do not survive a reread)
    assert _without_ours(json.loads(out.read_text(encoding="utf-8"))) == _without_ours(json.loads(before))
    stored = again.metadata[TAG]
    assert stored["plan_input"] == 0 and stored["drop_frame"] == source.drop_frame
    assert [c["id"] for c in stored["plan"]["cues"]] == [c.id for c in plan.cues]


@pytest.mark.parametrize("name", ["sample.otio", "premiere_sample.xml"])
def test_applying_to_its_own_output_replaces_our_additions(name: str, tmp_path: Path) -> None:
    """The written .otio applied again onto itself: the same file, our earlier additions replaced, not doubled."""
    source, plan = _planned(SAMPLES / name)
    media = tmp_path / "media"
    out = tmp_path / "cut.otio"
    apply_plan(source, plan, out, media_dir=media)
    written = read_source(out)
    before = written.timeline.to_json_string()
    again = tmp_path / "cut2.otio"
    apply_plan(written, make_plan([analyse(written)]), again, media_dir=media)
    assert written.timeline.to_json_string() == before  # the earlier additions are still on the source
    first, second = (json.loads(p.read_text(encoding="utf-8")) for p in (out, again))
    plans = [doc["metadata"][TAG].pop("plan") for doc in (first, second)]
    assert second == first  # our markers and tracks replaced, not doubled; nothing else moved
    assert plans[1]["cues"] == plans[0]["cues"]  # the stored plans differ only in the input they name
    if name.endswith(".otio"):  # an .otio input: the same bytes but for that input's path
        assert again.read_bytes().replace(str(out).encode(), str(SAMPLES / name).encode()) == out.read_bytes()


def test_stored_plan_leaves_out_the_shot_list_and_the_notes_are_the_same(tmp_path: Path) -> None:
    source, plan = _planned(SAMPLES / "premiere_sample.xml")
    out = tmp_path / "cut.otio"
    apply_plan(source, plan, out)
    timeline = otio.adapters.read_from_file(str(out))
    stored = json.loads(out.read_text(encoding="utf-8"))["metadata"][TAG]["plan"]
    full = plan_to_json(plan)
    for entry, whole in zip(stored["inputs"], full["inputs"], strict=True):
        assert set(entry) == set(whole) - set(STORED_PLAN_OMITS)
        assert {k: v for k, v in whole.items() if k not in STORED_PLAN_OMITS} == entry
        assert whole["shots"] and whole["cuts"]  # there was something to leave out
    assert {k: v for k, v in stored.items() if k != "inputs"} == {k: v for k, v in full.items() if k != "inputs"}
    assert [c.id for c in plan_from_json(stored, "stored").cues] == [c.id for c in plan.cues]
    # spotting notes from the stored plan are the notes of the whole plan
    with_full = otio.adapters.read_from_file(str(out))
    with_full.metadata[TAG]["plan"] = full
    assert spotting_notes_markdown(timeline, "T") == spotting_notes_markdown(with_full, "T")


def test_the_timeline_is_given_back_unchanged_when_writing_fails(tmp_path: Path, monkeypatch) -> None:
    source, plan = _planned(SAMPLES / "sample.otio")
    out = tmp_path / "cut.otio"
    apply_plan(source, plan, out)
    written = read_source(out)  # carries our earlier additions: the writer takes them off while writing
    before = written.timeline.to_json_string()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(otio.adapters, "write_to_string", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        apply_plan(written, make_plan([analyse(written)]), tmp_path / "other.otio")
    monkeypatch.undo()
    assert written.timeline.to_json_string() == before
    assert not (tmp_path / "other.otio").exists()
