"""Recuts keep proposed cues on their picture (issue 13): a real unmarked Avid picture list (INS4 reel 1) is
spotted, its plan handed to the music editor, then recut with two ripple deletes (a shot inside 1M1, one inside
1M3) and spotted again with ``--previous``. Every cue keeps its id and follows its picture by exact frames; the
cues the deletes fell in keep the edits in ``recut.edits``; nothing is retired or proposed anew."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import CORPUS, run_main

INS4 = CORPUS / "avid" / "pycmx_INS4_R1_010417.edl"
RATE = 24
EVENT = re.compile(r"^(\d{3,6})\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+ )?\s*(\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d) "
                   r"(\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d)")


def _frames(tc: str) -> int:
    h, m, s, f = (int(p) for p in tc.split(":"))
    return ((h * 60 + m) * 60 + s) * RATE + f


def _tc(frames: int) -> str:
    return f"{frames // (3600 * RATE):02d}:{frames // (60 * RATE) % 60:02d}:{frames // RATE % 60:02d}:{frames % RATE:02d}"


def ripple_delete(lines: list[str], record_start: int, first: int, last: int) -> list[str]:
    """The list with the events recorded over sequence frames ``[first, last)`` taken out (with their comment
    lines) and every later event's record times moved up by their length: an editor's ripple delete."""
    gap, out, dropping = last - first, [], False
    for line in lines:
        m = EVENT.match(line)
        if m:
            rec_in, rec_out = _frames(m.group(8)) - record_start, _frames(m.group(9)) - record_start
            dropping = first <= rec_in and rec_out <= last
            assert dropping or rec_out <= first or rec_in >= last, f"event {m.group(1)} straddles the delete"
            if not dropping and rec_in >= last:
                line = (line[:m.start(8)] + _tc(rec_in - gap + record_start) + " " + _tc(rec_out - gap + record_start)
                        + line[m.end(9):])
        if not dropping:
            out.append(line)
    return out


def _spot(path: Path, *more: str) -> dict:
    proc = run_main("spot", "--json", str(path), *more)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _inner_shot(doc: dict, cue: dict) -> tuple[int, int]:
    """A shot lying wholly inside ``cue``'s picture, away from both its ends (the middle one of those)."""
    last = cue["exit"].get("cut_frame") or cue["end_frame"]
    inside = [(s["start_frame"], s["end_frame"]) for s in doc["inputs"][0]["shots"]
              if cue["start_frame"] < s["start_frame"] and s["end_frame"] < last and s["kind"] == "clip"]
    assert inside, f"no shot inside {cue['id']}"
    return inside[len(inside) // 2]


@pytest.fixture(scope="module")
def recut(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("recut_proposed")
    lines = INS4.read_text(encoding="utf-8", errors="replace").splitlines()
    edl = root / "INS4_R1.edl"
    edl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    old = _spot(edl)
    assert old["cues"] and all(c["origin"] == "auto" for c in old["cues"]), "the list is unmarked: every cue proposed"
    by_id = {c["id"]: c for c in old["cues"]}
    for cue in old["cues"]:  # handed to the music editor, who chooses temp and final music
        cue["final"] = {"title": f"Final {cue['id']}", "usage": "BI"}
        cue["temp"] = {"path": f"/lib/{cue['id']}.wav", "title": cue["id"], "offset_seconds": 2.0,
                       "reason": "pinned", "pinned": True}
    (root / "old.json").write_text(json.dumps(old), encoding="utf-8")
    deletes = [_inner_shot(old, by_id["1M1"]), _inner_shot(old, by_id["1M3"])]
    start = _frames(old["sequence"]["start_timecode"])
    recut_lines = lines
    for first, last in reversed(deletes):  # the later delete first: the earlier one's frames stay as read
        recut_lines = ripple_delete(recut_lines, start, first, last)
    cut = root / "INS4_R1_recut.edl"
    cut.write_text("\n".join(recut_lines) + "\n", encoding="utf-8")
    new = _spot(cut, "--previous", str(root / "old.json"))
    return {"old": old, "new": new, "deletes": deletes}


def test_the_recut_deletes_what_it_says(recut: dict) -> None:
    (a0, a1), (b0, b1) = recut["deletes"]
    old, new = recut["old"]["sequence"], recut["new"]["sequence"]
    assert old["duration_frames"] - new["duration_frames"] == (a1 - a0) + (b1 - b0) > 0
    assert len(recut["old"]["inputs"][0]["shots"]) - len(recut["new"]["inputs"][0]["shots"]) == 2


def test_every_cue_follows_its_picture_by_exact_frames(recut: dict) -> None:
    deletes = recut["deletes"]
    old = {c["id"]: c for c in recut["old"]["cues"]}
    new = recut["new"]["cues"]
    assert [c["id"] for c in new] == list(old), "ids unchanged, no cue retired, none proposed anew"
    assert recut["new"]["retired_ids"] == [] and recut["new"]["recut"]["dropped"] == []
    for cue in new:
        was = old[cue["id"]]
        before = sum(b - a for a, b in deletes if b <= was["start_frame"])
        inside = [(a, b) for a, b in deletes if was["start_frame"] < a and b <= was["end_frame"]]
        removed = sum(b - a for a, b in inside)
        assert cue["start_frame"] == was["start_frame"] - before, cue["id"]
        assert cue["end_frame"] == was["end_frame"] - before - removed, cue["id"]
        assert cue["recut"]["previous_id"] == cue["id"] and cue["recut"]["moved_frames"] == -before
        assert cue["recut"]["length_frames"] == -removed
        assert (cue["entry"], cue["exit"]["type"]) == (
            {**was["entry"], **({"cut_frame": was["entry"]["cut_frame"] - before} if "cut_frame" in was["entry"] else {})},
            was["exit"]["type"])
        assert cue["final"] == was["final"] and cue["temp"] == was["temp"]  # the music editor's work goes on
        expected = [{"at": a - was["start_frame"], "previous_at": a - was["start_frame"], "removed": b - a}
                    for a, b in inside]
        assert cue["recut"].get("edits", []) == expected, cue["id"]
    assert [c["id"] for c in new if c["recut"].get("edits")] == ["1M1", "1M3"]


def test_a_no_music_direction_wins_over_a_kept_proposal(recut: dict, tmp_path: Path) -> None:
    """The same recut with a NO MUSIC locator over 1M2's picture: 1M2 gives way (dropped, saying why), the others
    stay where their picture is."""
    old = {c["id"]: c for c in recut["old"]["cues"]}
    lines = INS4.read_text(encoding="utf-8", errors="replace").splitlines()
    start = _frames(recut["old"]["sequence"]["start_timecode"])
    target = old["1M2"]
    mid = (target["start_frame"] + target["end_frame"]) // 2
    at = next(i for i, line in enumerate(lines) if (m := EVENT.match(line))
              and _frames(m.group(8)) - start <= mid < _frames(m.group(9)) - start)
    lines.insert(at + 1, f"* LOC: {_tc(start + mid)} RED     NO MUSIC")
    (tmp_path / "old.json").write_text(json.dumps(recut["old"]), encoding="utf-8")
    cut = tmp_path / "marked.edl"
    cut.write_text("\n".join(lines) + "\n", encoding="utf-8")
    new = _spot(cut, "--previous", str(tmp_path / "old.json"))
    ids = [c["id"] for c in new["cues"]]
    assert "1M2" not in ids and not any(c["start_frame"] <= mid < c["end_frame"] for c in new["cues"])
    dropped = {d["id"]: d for d in new["recut"]["dropped"]}
    assert dropped["1M2"]["note"] == "a NO MUSIC direction covers its picture now"
    assert dropped["1M2"]["final"] == old["1M2"]["final"]  # the music editor's work stays on record
    for cue in new["cues"]:
        if cue["id"] in old:
            assert (cue["start_frame"], cue["end_frame"]) == (old[cue["id"]]["start_frame"], old[cue["id"]]["end_frame"])
