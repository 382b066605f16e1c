"""Recut carry-over defects a reviewer found, on real recuts made here: EDLs without clip names (shots named by
event number) after a ripple delete, a scene moved earlier, a shot deleted under a cue's head; and on the
Premiere sample: two cues merged (the dropped cue's final music), a music editor's edit of the planner's
description, unknown keys in a cue's ``temp``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import SAMPLES, run_main
from test_recut import _xmeml, recut_trim

from otio_scoreplan.notes.cuesheet import COLUMNS as CUE_SHEET_COLUMNS
from otio_scoreplan.plan import plan_from_json, plan_to_json
from otio_scoreplan.plan.model import text_digest

SHOT = 240  # every shot of the EDLs here: 10 s at 24 fps
FINAL = {"composer": "Ida Berg", "publisher": "Nordlys Music AS", "society": "TONO", "usage": "BI"}


def _tc(frame: int) -> str:
    frame += 3600 * 24  # 01:00:00:00
    return f"{frame // 86400:02d}:{frame // 1440 % 60:02d}:{frame // 24 % 60:02d}:{frame % 24:02d}"


def edl(path: Path, reels: list[str], locators: dict[int, list[tuple[int, str]]], names: bool) -> Path:
    """A CMX 3600 list of ``reels`` (one 10 s shot each, all cut from the same source range, as dailies on tape
    reels are), the locators given by event index as (record frame, text); FROM CLIP NAME lines when ``names``."""
    lines = ["TITLE: RECUT", "FCM: NON-DROP FRAME", ""]
    for i, reel in enumerate(reels):
        lines.append(f"{i + 1:03d}  {reel:<8} V     C        {_tc(1000)} {_tc(1000 + SHOT)} {_tc(i * SHOT)} "
                     f"{_tc((i + 1) * SHOT)}")
        if names:
            lines.append(f"* FROM CLIP NAME: {reel}.MOV")
        lines += [f"* LOC: {_tc(frame)} RED     {text}" for frame, text in locators.get(i, [])]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def _spot(path: Path, *more: str) -> dict:
    rate = ["--rate", "24"] if path.suffix == ".edl" else []  # --rate is refused for files that state their rate
    proc = run_main("spot", "--json", *rate, str(path), *more)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _edited(doc: dict, out: Path) -> dict[str, dict]:
    """``doc`` as a music editor edits it: final music on every cue, a pinned temp piece with a key of their own."""
    for cue in doc["cues"]:
        cue["final"] = {"title": f"Final {cue['id']}", **FINAL}
        cue["temp"] = {"path": f"/lib/{cue['id']}.wav", "title": f"Temp {cue['id']}", "offset_seconds": 1.5,
                       "reason": "pinned", "pinned": True, "editor_note": {"bars": [1, 16], "by": "ME"}}
    out.write_text(json.dumps(doc), encoding="utf-8")
    return {c["id"]: c for c in doc["cues"]}


REELS = [f"R{n}" for n in range(1, 11)]
MARKED = {5: [(1248, "MUSIC IN"), (1392, "MUSIC OUT")], 8: [(1932, "MUSIC IN"), (2088, "MUSIC OUT")]}


@pytest.mark.parametrize("names", [False, True], ids=["event-numbers", "clip-names"])
def test_edl_ripple_delete_keeps_every_cue(tmp_path: Path, names: bool) -> None:
    old_doc = _spot(edl(tmp_path / "old.edl", REELS, MARKED, names))
    old = _edited(old_doc, tmp_path / "old.json")
    # R3 ripple-deleted: every later event renumbered and 240 frames earlier, its locators with it
    shifted = {i - 1: [(f - SHOT, t) for f, t in locs] for i, locs in MARKED.items()}
    new = edl(tmp_path / "new.edl", REELS[:2] + REELS[3:], shifted, names)
    plan = _spot(new, "--previous", str(tmp_path / "old.json"))
    marked = [c for c in plan["cues"] if c["origin"] == "explicit"]
    ids = [c["id"] for c in old_doc["cues"] if c["origin"] == "explicit"]  # a proposed cue may come before them
    assert [(c["id"], c["start_frame"], c["end_frame"]) for c in marked] == [(ids[0], 1008, 1152), (ids[1], 1692, 1848)]
    for cue in marked:
        before = old[cue["id"]]
        assert cue["recut"]["change"] == "moved" and cue["recut"]["moved_frames"] == -SHOT
        assert cue["final"] == before["final"] and cue["temp"] == before["temp"]  # the editor's own key kept too
        assert f"the same on the picture (the picture under it moved {-SHOT}f)" in cue["recut"]["notes"]
    carried = {c["recut"].get("previous_id") for c in plan["cues"]}
    for d in plan["recut"]["dropped"]:  # nothing dropped as "picture gone"; what is dropped keeps its work
        assert d["id"] not in carried and d["note"] != "its picture is gone from the cut"
        assert d["final"] == old[d["id"]]["final"] and d["temp"] == old[d["id"]]["temp"]


@pytest.mark.parametrize("names", [False, True], ids=["event-numbers", "clip-names"])
def test_a_scene_moved_earlier_takes_its_cue_along(tmp_path: Path, names: bool) -> None:
    old_doc = _spot(edl(tmp_path / "old.edl", REELS, {6: [(1464, "MUSIC IN")], 7: [(1880, "MUSIC OUT")]}, names))
    old = _edited(old_doc, tmp_path / "old.json")
    (was,) = [c for c in old.values() if c["origin"] == "explicit"]
    assert (was["start_frame"], was["end_frame"]) == (1464, 1880)
    # R7 and R8 (the scene under the cue) moved to follow R2
    order = ["R1", "R2", "R7", "R8", "R3", "R4", "R5", "R6", "R9", "R10"]
    plan = _spot(edl(tmp_path / "new.edl", order, {2: [(504, "MUSIC IN")], 3: [(920, "MUSIC OUT")]}, names),
                 "--previous", str(tmp_path / "old.json"))
    (cue,) = [c for c in plan["cues"] if c["origin"] == "explicit"]
    assert (cue["id"], cue["start_frame"], cue["end_frame"]) == (was["id"], 504, 920)
    assert cue["recut"]["change"] == "moved" and cue["recut"]["moved_frames"] == 504 - 1464
    assert cue["final"] == was["final"] and cue["temp"] == was["temp"]
    assert "its picture was moved in the cut (from 1464 to 504); the cue went with it" in cue["recut"]["notes"]
    assert was["id"] not in {d["id"] for d in plan["recut"]["dropped"]}


def test_a_head_trim_keeps_the_temp_in_sync_and_a_moved_in_point_keeps_its_offset(tmp_path: Path) -> None:
    old_doc = _spot(edl(tmp_path / "old.edl", REELS, {6: [(1440, "MUSIC IN")], 7: [(1880, "MUSIC OUT")]}, False))
    old = _edited(old_doc, tmp_path / "old.json")
    (was,) = [c for c in old.values() if c["origin"] == "explicit"]
    assert (was["start_frame"], was["end_frame"], was["temp"]["offset_seconds"]) == (1440, 1880, 1.5)
    # R7 (the cue's first 240 frames) ripple-deleted: MUSIC IN now on R8's first frame
    trimmed = _spot(edl(tmp_path / "trim.edl", REELS[:6] + REELS[7:], {6: [(1200, "MUSIC IN"), (1640, "MUSIC OUT")]},
                        False), "--previous", str(tmp_path / "old.json"))
    (cue,) = [c for c in trimmed["cues"] if c["origin"] == "explicit"]
    assert (cue["id"], cue["start_frame"], cue["end_frame"]) == (was["id"], 1200, 1640)
    assert cue["temp"]["offset_seconds"] == 1.5 + SHOT / 24  # the piece goes on under the picture it played under
    assert {k: v for k, v in cue["temp"].items() if k != "offset_seconds"} == {
        k: v for k, v in was["temp"].items() if k != "offset_seconds"}
    assert any(n.startswith("temp piece offset 1.500 -> 11.500 s: the picture under the cue's first 240f is gone")
               for n in cue["recut"]["notes"])
    # the same picture, MUSIC IN moved 24 frames later: a spotting change, the piece's entry follows it
    moved = _spot(edl(tmp_path / "in.edl", REELS, {6: [(1464, "MUSIC IN")], 7: [(1880, "MUSIC OUT")]}, False),
                  "--previous", str(tmp_path / "old.json"))
    (cue,) = [c for c in moved["cues"] if c["origin"] == "explicit"]
    assert (cue["id"], cue["start_frame"], cue["temp"]) == (was["id"], 1464, was["temp"])


def test_a_merged_cue_keeps_the_other_cues_final_music_on_record(tmp_path: Path) -> None:
    first = _spot(SAMPLES / "premiere_sample.xml")
    old = _edited(first, tmp_path / "old.json")
    tree, seq = _xmeml(SAMPLES / "premiere_sample.xml")
    for m in seq.findall("marker"):  # scene 15's heading gone: scenes 14 and 15 are one, so are 1M3 and 1M4
        if m.findtext("name").startswith("SC 15"):
            seq.remove(m)
    cut = tmp_path / "merged.xml"
    tree.write(str(cut), xml_declaration=True, encoding="UTF-8")
    plan = _spot(cut, "--previous", str(tmp_path / "old.json"))
    assert [(c["id"], c["recut"]["previous_id"]) for c in plan["cues"]] == [("1M1", "1M1"), ("1M2", "1M2"),
                                                                              ("1M4", "1M4")]
    (dropped,) = plan["recut"]["dropped"]
    assert (dropped["id"], dropped["note"], dropped["merged_into"]) == ("1M3", "merged into 1M4", "1M4")
    assert dropped["final"] == old["1M3"]["final"] and dropped["temp"] == old["1M3"]["temp"]
    into = plan["cues"][2]
    assert into["final"] == old["1M4"]["final"]  # its own final music: the absorbed one is a person's call
    assert ("absorbed 1M3 of the previous plan, with its final music 'Final 1M3' and temp 'Temp 1M3' (kept in "
            "recut.dropped; on the cue sheet only if added to this cue's final)") in into["recut"]["notes"]
    assert plan_to_json(plan_from_json(plan))["recut"] == plan["recut"]  # the record reads back whole
    plan_path, sheet = tmp_path / "recut.json", tmp_path / "cues.csv"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    proc = run_main("notes", str(plan_path), "--cue-sheet", str(sheet))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    head = rows.index(list(CUE_SHEET_COLUMNS))  # issue 15's layout: a use line (cue, use, title ...), then its parties
    uses = [r for r in rows[head + 1:rows.index([], head)] if not r[7]]
    assert {r[0]: r[2] for r in uses} == {"1M1": "Final 1M1", "1M2": "Final 1M2", "1M4": "Final 1M4"}
    assert not any(r and r[0] == "1M3" for r in rows)  # the absorbed cue is on no line of the sheet


def test_a_music_editors_edit_of_the_planners_description_is_kept(tmp_path: Path) -> None:
    doc = _spot(SAMPLES / "premiere_sample.xml")
    cues = {c["id"]: c for c in doc["cues"]}
    for cue in doc["cues"]:
        assert cue["description_digest"] == text_digest(cue["description"])  # the planner's own words, marked
    mine = "Scene 12 - INT. KITCHEN - NIGHT - strings only, no percussion until the knock"
    cues["1M1"]["description"] = mine  # starts with a scene label, as the planner's do
    cues["1M4"]["description"] = older = "Scene 15 - EXT. ROOFTOP - DAWN - an older planner's words"
    cues["1M4"]["description_digest"] = text_digest(older)  # as the planner wrote it: it follows the recut
    (tmp_path / "old.json").write_text(json.dumps(doc), encoding="utf-8")
    plan = _spot(recut_trim(tmp_path / "trim.xml"), "--previous", str(tmp_path / "old.json"))
    by_id = {c["id"]: c for c in plan["cues"]}
    assert by_id["1M1"]["description"] == mine and "description" in by_id["1M1"]["recut"]["kept"]
    assert by_id["1M1"]["description_digest"] != text_digest(mine)  # still a person's on the next recut
    # the planner's words now open with the editor's own note on the cut (describe: the editor's words first)
    assert any(n.startswith("description: kept (the cut now reads: ") and n.endswith(" - Scene 12 - INT. KITCHEN - NIGHT)")
               and mine not in n for n in by_id["1M1"]["recut"]["notes"])
    last = by_id["1M4"]
    assert last["description"].endswith(" - Scene 15 - EXT. ROOFTOP - DAWN") and "older planner" not in last["description"]
    assert last["description_digest"] == text_digest(last["description"])
    assert "description" not in last["recut"]["kept"] and not any("description" in n for n in last["recut"]["notes"])
    # a plan written before digests: a description opening with a scene label is taken as the planner's
    for cue in doc["cues"]:
        cue.pop("description_digest")
    (tmp_path / "legacy.json").write_text(json.dumps(doc), encoding="utf-8")
    legacy = {c["id"]: c for c in _spot(recut_trim(tmp_path / "trim.xml"), "--previous", str(tmp_path / "legacy.json"))["cues"]}
    now = next(n for n in by_id["1M1"]["recut"]["notes"] if n.startswith("description: kept (the cut now reads: "))
    assert legacy["1M1"]["description"] == now.removeprefix("description: kept (the cut now reads: ")[:-1] != mine


def test_temp_keys_a_person_added_survive_a_round_trip() -> None:
    doc = _spot(SAMPLES / "premiere_sample.xml")
    temp = {"path": "/lib/a.wav", "title": "A", "offset_seconds": 2.0, "reason": "pinned", "pinned": True,
            "editor_note": "from bar 17", "markers": [{"bar": 17, "beat": 1}], "gain_db": -3.5}
    doc["cues"][0]["temp"] = temp
    again = plan_to_json(plan_from_json(doc))
    assert again["cues"][0]["temp"] == temp
    assert plan_from_json(again).cues[0].temp.offset_seconds == 2.0
