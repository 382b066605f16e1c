"""A recut keeps the music editor's work: ``spot --previous`` on recuts of the Premiere sample (a shot
ripple-deleted and a marker moved; a cue's direction removed, a NO MUSIC range and a new ranged direction
added) after the plan was edited as a music editor edits it, then the cue sheet, apply and --library on the
new plan; and over every corpus xmeml, a marked copy whose ranged direction moves."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES, run_cli, run_main
from lxml import etree
from test_plan_corpus import XMEML, _analyse, _sequence, check_plan, marked_copy

from otio_scoreplan.analyse import analyse
from otio_scoreplan.audio.bwf import read_bext, wav_format, write_bwf
from otio_scoreplan.audio.fit import frame_to_sample
from otio_scoreplan.formats import read_source
from otio_scoreplan.notes.cuesheet import COLUMNS as CUE_SHEET_COLUMNS
from otio_scoreplan.plan import make_plan, plan_from_json, plan_to_json
from otio_scoreplan.plan.model import Cue
from otio_scoreplan.plan.numbering import match_previous

SAMPLE = SAMPLES / "premiere_sample.xml"
DELETED = (336, 528)  # shot 12B-2, inside 1M1: ripple-deleted by the first recut
SHIFT = DELETED[1] - DELETED[0]
FINAL_1M1 = {"title": "Kitchen Silence", "composer": "Ida Berg (TONO) 100%", "publisher": "Nordlys Music AS",
             "society": "TONO", "usage": "BI"}
FINAL_1M2 = {"title": "Night Pursuit", "composer": "A. Composer", "publisher": "", "society": "PRS", "usage": "BI"}
FINAL_1M4 = {"title": "Anna's Theme", "composer": "Ida Berg", "publisher": "Nordlys Music AS", "society": "TONO",
             "usage": "BI"}


def _xmeml(path: Path) -> tuple[etree._ElementTree, etree._Element]:
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    return tree, _sequence(tree)


def _marker(seq: etree._Element, name: str) -> etree._Element:
    return next(m for m in seq.findall("marker") if m.findtext("name") == name)


def ripple_delete(seq: etree._Element, start: int, end: int) -> None:
    """Remove the items lying in ``[start, end)`` on every track and close the gap, as an editor's ripple delete."""
    gap = end - start
    for track in seq.iter("track"):
        for item in list(track):
            if item.tag not in ("clipitem", "transitionitem", "generatoritem"):
                continue
            s, e = int(item.findtext("start")), int(item.findtext("end"))
            if start <= s and 0 <= e <= end:
                track.remove(item)
                continue
            assert not (s < end and e > start and min(s, e) >= 0), f"{item.findtext('name')} straddles the delete"
            for tag in ("start", "end"):
                if int(item.findtext(tag)) >= end:
                    item.find(tag).text = str(int(item.findtext(tag)) - gap)
    for m in seq.findall("marker"):
        if start <= int(m.findtext("in")) < end:  # a sequence marker on the deleted picture goes with it
            seq.remove(m)
            continue
        for tag in ("in", "out"):
            if int(m.findtext(tag)) >= end:
                m.find(tag).text = str(int(m.findtext(tag)) - gap)
    seq.find("duration").text = str(int(seq.findtext("duration")) - gap)


def recut_trim(out: Path) -> Path:
    """Shot 12B-2 ripple-deleted (everything after moves 192 frames up) and MUSIC IN moved 48 frames earlier."""
    tree, seq = _xmeml(SAMPLE)
    ripple_delete(seq, *DELETED)
    _marker(seq, "MUSIC IN - tension").find("in").text = "240"
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    return out


def recut_long_ripple(out: Path) -> Path:
    """Shots 12A-3, 12B-2 and 12A-4 ripple-deleted (576 frames, MUSIC IN with them: moved to frame 100)."""
    tree, seq = _xmeml(SAMPLE)
    _marker(seq, "MUSIC IN - tension").find("in").text = "100"
    ripple_delete(seq, 144, 720)
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    return out


def recut_restructure(out: Path) -> Path:
    """'#romantic' removed (1M3 has no direction left), NO MUSIC over 3100-3200, 'MX: reprise' 3200-3700."""
    tree, seq = _xmeml(SAMPLE)
    seq.remove(_marker(seq, "#romantic"))
    no_music = _marker(seq, "NO MUSIC")
    for name, comment, start, end in (("NO MUSIC", "dialogue", 3100, 3200), ("MX: reprise", "Anna's theme again", 3200, 3700)):
        m = copy.deepcopy(no_music)
        m.find("name").text, m.find("comment").text = name, comment
        m.find("in").text, m.find("out").text = str(start), str(end)
        no_music.addprevious(m)
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    return out


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> dict:
    """A temp library, the sample's plan, and that plan as a music editor edited it."""
    root = tmp_path_factory.mktemp("recut")
    lib = root / "lib"
    lib.mkdir()
    rng = np.random.default_rng(3)
    for name, seconds in (("chase", 60.0), ("anna", 20.0), ("pulse", 30.0), ("love", 30.0)):
        write_bwf(lib / f"{name}.wav", rng.uniform(-0.1, 0.1, (int(seconds * 48000), 2)).astype(np.float32))
    (lib / "library.toml").write_text(
        '[[piece]]\nfile = "chase.wav"\ntitle = "Chase"\nmoods = ["action"]\n\n'
        '[[piece]]\nfile = "anna.wav"\ntitle = "Anna"\nmoods = ["hopeful"]\nthemes = ["Anna"]\n\n'
        '[[piece]]\nfile = "pulse.wav"\ntitle = "Dark Pulse"\nmoods = ["tension"]\n\n'
        '[[piece]]\nfile = "love.wav"\ntitle = "Love Scene"\nmoods = ["romantic"]\n', encoding="utf-8")
    first = run_main("spot", "--json", str(SAMPLE))
    assert first.returncode == 0, first.stderr
    doc = json.loads(first.stdout)
    cues = {c["id"]: c for c in doc["cues"]}
    assert list(cues) == ["1M1", "1M2", "1M3", "1M4"]
    cues["1M1"].update(final=FINAL_1M1, moods=["dread"], exit={"type": "fade_out", "frames": 0},
                       temp={"path": str(root / "gone.wav"), "title": "Gone", "offset_seconds": 0.0,
                             "reason": "pinned by the music editor", "pinned": True})
    cues["1M2"].update(final=FINAL_1M2, temp={"path": str(lib / "chase.wav"), "title": "Chase", "offset_seconds": 2.0,
                                              "reason": "pinned by the music editor", "pinned": True})
    cues["1M3"].update(kind="source", description="Car radio: period pop, source only")
    cues["1M4"].update(final=FINAL_1M4, temp={"path": str(lib / "anna.wav"), "title": "Anna", "offset_seconds": 3.0,
                                              "reason": "theme 'Anna'"})
    # out with the picture's 48-frame fade to black (issue 14 (4)), at black
    assert cues["1M4"]["exit"] == {"type": "fade_out", "frames": 48} and cues["1M4"]["end_frame"] == 3696
    cues["1M4"].update(exit={"type": "tail_out", "frames": 36, "cut_frame": 3696}, end_frame=3732)  # into NO MUSIC
    edited = root / "plan.json"
    edited.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return {"root": root, "lib": lib, "old": doc, "plan": edited}


def _spot(cut: Path, work: dict, *more: str) -> dict:
    proc = run_main("spot", "--json", str(cut), "--previous", str(work["plan"]), *more)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _carried(new: dict, old: dict) -> None:
    """Every field a music editor edits, as the previous plan had it."""
    assert new.get("final") == old.get("final"), new["id"]
    for key in ("moods", "themes", "intensity", "palette", "description", "kind"):
        assert new[key] == old[key], (new["id"], key)


def test_ripple_delete_and_moved_marker(work: dict) -> None:
    cut = recut_trim(work["root"] / "recut_trim.xml")
    plan = _spot(cut, work)
    old = {c["id"]: c for c in work["old"]["cues"]}
    assert [c["id"] for c in plan["cues"]] == ["1M1", "1M2", "1M3S", "1M4"]  # 1M3 is a source cue now
    assert plan["retired_ids"] == [] and plan["recut"]["dropped"] == []
    assert plan["recut"]["previous_fingerprint"] == work["old"]["fingerprint"] != plan["fingerprint"]
    for cue in plan["cues"]:
        before = old[cue["recut"]["previous_id"]]
        _carried(cue, before)
        r = cue["recut"]
        assert (r["previous_start_frame"], r["previous_end_frame"]) == (before["start_frame"], before["end_frame"])
        assert r["moved_frames"] == cue["start_frame"] - before["start_frame"]
        assert r["length_frames"] == cue["duration_frames"] - (before["end_frame"] - before["start_frame"])
    first, *rest = plan["cues"]
    # 1M1: MUSIC IN now at 240, MUSIC OUT rippled from 864 to 672
    assert (first["start_frame"], first["end_frame"]) == (240, 864 - SHIFT)
    assert first["recut"]["change"] == "shortened" and first["recut"]["moved_frames"] == -48
    assert first["recut"]["length_frames"] == (864 - SHIFT - 240) - (864 - 288)
    assert "moods: kept dread (the cut now suggests tension)" in first["recut"]["notes"]
    assert {"final", "moods", "temp"} <= set(first["recut"]["kept"])
    assert first["exit"] == {"type": "fade_out", "frames": 0}  # the music editor's fade out on the marked frame
    assert "exit: kept fade_out (the cut now suggests hard_out)" in first["recut"]["notes"]
    for cue in rest[:2]:  # after the deleted shot: the same cue, 192 frames earlier
        before = old[cue["recut"]["previous_id"]]
        assert (cue["start_frame"], cue["end_frame"]) == (before["start_frame"] - SHIFT, before["end_frame"] - SHIFT)
        assert cue["recut"]["change"] == "moved" and cue["recut"]["moved_frames"] == -SHIFT
    by_id = {c["id"]: c for c in plan["cues"]}
    assert by_id["1M2"]["temp"] == old["1M2"]["temp"] and by_id["1M4"]["temp"] == old["1M4"]["temp"]
    # 1M4's tail would ring into scene 16's NO MUSIC: the recut's fade out at the picture's black stands, and says why
    last = by_id["1M4"]
    assert (last["start_frame"], last["end_frame"], last["exit"]["type"]) == (2688 - SHIFT, 3696 - SHIFT, "fade_out")
    assert last["recut"]["change"] == "shortened" and last["recut"]["length_frames"] == -36
    assert any("would run into a NO MUSIC range" in n for n in last["recut"]["notes"])
    assert by_id["1M3S"]["recut"]["kept"] == ["kind", "description"]
    # a pinned piece that is not there is flagged and kept (a person pinned it)
    assert by_id["1M1"]["temp"] == old["1M1"]["temp"]
    assert any(n.startswith("temp piece does not fit") and "pinned, so kept" in n for n in first["recut"]["notes"])
    again = plan_from_json(plan)  # the recut's plan reads back with its recut data
    assert plan_to_json(again)["cues"] == plan["cues"] and plan_to_json(again)["recut"] == plan["recut"]


def test_cue_sheet_apply_and_summary_of_the_recut(work: dict, tmp_path: Path) -> None:
    cut = recut_trim(tmp_path / "recut_trim.xml")
    plan_path = tmp_path / "recut.json"
    plan_path.write_text(json.dumps(_spot(cut, work)), encoding="utf-8")
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    sheet = tmp_path / "cues.csv"
    proc = run_main("notes", str(plan_path), "--cue-sheet", str(sheet))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    # the cue sheet's layout (issue 15): a use line per cue (cue, use, title, usage, in, out ...), then a line per
    # party (role, name, share, society); a version 1 'final' reads as writer + publisher, 50/50
    header = rows.index(list(CUE_SHEET_COLUMNS))
    finals = rows[header + 1:rows.index([], header)]
    uses = [r for r in finals if not r[7]]
    tc = {c["id"]: (c["start_timecode"], c["end_timecode"]) for c in plan["cues"]}
    assert [(r[0], r[2], r[3]) for r in uses] == [("1M1", FINAL_1M1["title"], FINAL_1M1["usage"]),
                                                   ("1M4", FINAL_1M4["title"], FINAL_1M4["usage"])]
    assert tuple(uses[0][4:6]) == tc["1M1"] and tuple(uses[1][4:6]) == tc["1M4"]  # the recut's timecodes
    parties = {(r[0], r[7], r[8], r[9], r[10]) for r in finals if r[7]}
    assert parties == {(cue, role, final[name], "50", final["society"]) for cue, final in
                       (("1M1", FINAL_1M1), ("1M4", FINAL_1M4))
                       for role, name in (("writer", "composer"), ("publisher", "publisher"))}
    todo = {r[0]: r[-1] for r in rows[rows.index(["cue", "in", "out", "duration", "missing"]) + 1:]}
    assert todo == {"1M2": "publisher", "1M3S": "final music"}
    # apply renders the kept pieces fitted to the recut's lengths
    media = tmp_path / "media"
    proc = run_main("apply", str(cut), "-o", str(tmp_path / "out.xml"), "--plan", str(plan_path), "--media-dir", str(media))
    assert proc.returncode == 0, proc.stderr
    rate = plan["sequence"]["rate"]
    for cue in plan["cues"]:
        if cue.get("temp") and Path(cue["temp"]["path"]).is_file():
            samples = frame_to_sample(cue["end_frame"], rate) - frame_to_sample(cue["start_frame"], rate)
            [rendered] = media.glob(f"{cue['id']}_????????.wav")  # named by content (outfile.content_named)
            # clean media: the cue's length between handles of at most 2 s (render.handle_seconds) each side
            head = frame_to_sample(plan["sequence"]["start_frame"] + cue["start_frame"], rate) - read_bext(rendered).time_reference
            tail = wav_format(rendered)[3] - head - samples
            assert 0 <= head <= 2 * 48000 and 0 <= tail <= 2 * 48000 + 2000, (cue["id"], head, tail)
    summary = run_cli("spot", str(cut), "--previous", str(work["plan"]))
    assert summary.returncode == 0, summary.stderr
    text = summary.stdout[summary.stdout.index("Recut against the previous plan"):]
    assert "  1M1     shortened 144f, moved -48f  kept: moods, exit, final, temp\n" in text
    assert "  1M2     moved -192f  kept: final, temp\n" in text
    assert "  1M3S    moved -192f (was 1M3)  kept: kind, description\n" in text
    assert "Chase  (pinned by the music editor)  [pinned]" in summary.stdout


def test_a_long_ripple_keeps_every_cue_through_the_shots(work: dict) -> None:
    """24 s gone near the head: every later cue moves 576 frames, more than half of each; the shots both cuts
    hold carry the previous cues to their picture, so each is still found, its work kept."""
    cut = recut_long_ripple(work["root"] / "recut_long.xml")
    plan = _spot(cut, work)
    old = {c["id"]: c for c in work["old"]["cues"]}
    assert [c["recut"]["previous_id"] for c in plan["cues"]] == ["1M1", "1M2", "1M3", "1M4"]
    assert plan["retired_ids"] == [] and plan["recut"]["dropped"] == []
    for cue in plan["cues"]:
        _carried(cue, old[cue["recut"]["previous_id"]])
    m2 = plan["cues"][1]
    assert (m2["start_frame"], m2["recut"]["moved_frames"]) == (1056 - 576, -576)  # MX: chase's written range
    assert "the same on the picture (the picture under it moved -576f)" in m2["recut"]["notes"]
    assert "against the picture: in -44f, out +0f" in plan["cues"][0]["recut"]["notes"]  # MUSIC IN now on frame 100
    # by frames alone (the matching before shots were followed) the later cues would not be found
    recut = make_plan([analyse(read_source(cut))], previous=plan_from_json(work["old"]))
    assert len(match_previous(recut.cues, plan_from_json(work["old"]))) < len(recut.cues)


def test_a_cue_whose_picture_is_gone_is_dropped_and_says_so(work: dict) -> None:
    tree, seq = _xmeml(SAMPLE)
    ripple_delete(seq, 144, 912)  # scene 12 but its first shot, MUSIC IN and OUT with it
    cut = work["root"] / "recut_scene12.xml"
    tree.write(str(cut), xml_declaration=True, encoding="UTF-8")
    plan = _spot(cut, work)
    (gone,) = plan["recut"]["dropped"]
    assert {k: gone[k] for k in ("id", "input", "start_frame", "end_frame", "note")} == {
        "id": "1M1", "input": 0, "start_frame": 288, "end_frame": 864, "note": "its picture is gone from the cut"}
    assert gone["final"] == FINAL_1M1 and gone["temp"]["title"] == "Gone" and "merged_into" not in gone
    assert [c["recut"]["previous_id"] for c in plan["cues"] if c["recut"]["change"] != "new"] == ["1M2", "1M3", "1M4"]
    assert "1M1" in plan["retired_ids"] and "1M1" not in [c["id"] for c in plan["cues"]]


def test_dropped_and_split_cues(work: dict) -> None:
    cut = recut_restructure(work["root"] / "recut_restructure.xml")
    plan = _spot(cut, work)
    old = {c["id"]: c for c in work["old"]["cues"]}
    assert plan["retired_ids"] == ["1M3"]
    assert [(d["id"], d["start_frame"], d["end_frame"]) for d in plan["recut"]["dropped"]] == [
        ("1M3", old["1M3"]["start_frame"], old["1M3"]["end_frame"])]
    parts = [c for c in plan["cues"] if c["recut"]["previous_id"] == "1M4"]
    assert [c["recut"]["change"] for c in parts] == ["split", "shortened"] and parts[1]["id"] == "1M4"
    head, tail = parts
    assert (head["start_frame"], head["end_frame"], tail["start_frame"]) == (old["1M4"]["start_frame"], 3100, 3200)
    assert "final" not in head and tail["final"] == FINAL_1M4  # the cue sheet entry stays on the id's holder
    # the planner wrote 1M4's description (the notes' words, then the scene): it follows the recut; a person's
    # (1M3's) would stay
    assert tail["description"] != old["1M4"]["description"]
    assert tail["description"].startswith("reprise") and tail["description"].endswith("Scene 15 - EXT. ROOFTOP - DAWN")
    assert "description" not in tail["recut"]["kept"]
    assert head["temp"] == old["1M4"]["temp"]  # the first part plays the piece from its offset
    # the later part would carry the 20 s piece on from 3 s + 512 frames: past its end, and not pinned: dropped
    assert "temp" not in tail and "temp" not in tail["recut"]["kept"]
    assert any(n.startswith("temp piece dropped: its offset 24.355 s is past the piece's end") for n in tail["recut"]["notes"])
    assert {c["id"]: c["recut"]["change"] for c in plan["cues"] if c["recut"]["previous_id"] in ("1M1", "1M2")} == {
        "1M1": "kept", "1M2": "kept"}
    assert plan["cues"][1]["exit"]["type"] != "segue"  # 1M2 segued into 1M3, which is gone: not kept


def test_library_keeps_pins_and_chooses_for_dropped_picks(work: dict) -> None:
    cut = recut_restructure(work["root"] / "recut_restructure_lib.xml")
    plan = _spot(cut, work, "--library", str(work["lib"]))
    old = {c["id"]: c for c in work["old"]["cues"]}
    by_id = {c["id"]: c for c in plan["cues"]}
    assert by_id["1M2"]["temp"] == old["1M2"]["temp"]  # pinned: never replaced by a library choice
    assert by_id["1M1"]["temp"] == old["1M1"]["temp"]  # pinned, even though its file is gone
    fresh = by_id["1M4"]["temp"]  # its kept piece did not fit: the library chose again
    assert fresh["path"] and not fresh.get("pinned") and fresh["reason"] != old["1M4"]["temp"]["reason"]


@pytest.mark.parametrize("path", XMEML, ids=lambda p: p.name)
def test_corpus_recut_keeps_every_edit(path: Path, tmp_path: Path) -> None:
    """A marked corpus copy planned and edited by hand, then recut by moving its ranged direction 24 frames."""
    original = _analyse(path)
    if original.sequence.duration_frames < 400:
        pytest.skip("too short to carry the directions")
    marked, _ = marked_copy(path, tmp_path, original)
    old_doc = plan_to_json(make_plan([_analyse(marked)]))
    for cue in old_doc["cues"]:
        cue.update(final={**FINAL_1M1, "title": f"Final {cue['id']}"}, moods=["dread"], description=f"note {cue['id']}",
                   temp={"path": f"/lib/{cue['id']}.wav", "title": cue["id"], "offset_seconds": 1.5, "reason": "pinned",
                         "pinned": True})
    old = plan_from_json(old_doc)
    tree, seq = _xmeml(marked)
    chase = _marker(seq, "M: chase")
    span = int(chase.findtext("in")), int(chase.findtext("out"))
    for tag in ("in", "out"):
        chase.find(tag).text = str(int(chase.findtext(tag)) + 24)
    recut = tmp_path / f"recut_{path.name}"
    tree.write(str(recut), xml_declaration=True, encoding="UTF-8")
    analysis = _analyse(recut)
    plan = make_plan([analysis], previous=old)
    check_plan(analysis, plan_to_json(plan))  # the recut's plan is as sound as a fresh one
    before = {c.id: c for c in old.cues}
    held = lambda cues, lo, hi: next(c for c in cues if c.start_frame <= lo and hi <= c.end_frame)  # noqa: E731
    chase_cue = held(plan.cues, span[0] + 24, min(span[1] + 24, analysis.sequence.duration_frames))
    was = held(old.cues, *span).id  # the direction's cue goes on with its id, or is new beside it (no longer layered)
    assert chase_cue.recut.previous_id == was or chase_cue.recut.notes == (f"overlaps {was} of the previous plan",)
    for cue in plan.cues:
        if cue.recut.change in ("new", "split"):
            continue
        prev: Cue = before[cue.recut.previous_id]
        assert cue.recut.moved_frames == cue.start_frame - prev.start_frame
        assert (cue.final, cue.temp, cue.moods, cue.description) == (prev.final, prev.temp, prev.moods, prev.description)
        assert set(prev.themes) <= set(cue.themes)
    assert {d.id for d in plan.dropped} == set(plan.retired_ids)
