"""Recuts followed by the shots' media frames (``source_start_frame``): on EDL recuts made here (a ripple delete,
a head trim and a tail trim of one shot, two takes from one tape swapped) and a head trim of the Premiere sample
made with lxml, the previous plan's cues are placed on their picture and a kept temp piece's offset advances by
exactly the media frames trimmed from under a cue's head; a plan written before shots carried media frames still
loads and is followed as before (a trim taken as a tail trim)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLES, run_main
from test_recut import _marker, _xmeml

SHOT = 240  # every shot of the EDLs here: 10 s at 24 fps
RATE = 24
OFFSET = 1.5  # the temp offset the music editor pinned on every cue


def _tc(frame: int) -> str:
    frame += 3600 * RATE  # 01:00:00:00
    return f"{frame // 86400:02d}:{frame // 1440 % 60:02d}:{frame // 24 % 60:02d}:{frame % 24:02d}"


def edl(path: Path, events: list[tuple[str, int, int]], locators: dict[int, list[tuple[int, str]]]) -> Path:
    """A CMX 3600 list of ``events`` (reel, source in frame, length), cut end to end without clip names (shots
    are named by event number, as a list from tape is), the locators given by event index as (record frame, text)."""
    lines, at = ["TITLE: RECUT", "FCM: NON-DROP FRAME", ""], 0
    for i, (reel, src, n) in enumerate(events):
        lines.append(f"{i + 1:03d}  {reel:<8} V     C        {_tc(src)} {_tc(src + n)} {_tc(at)} {_tc(at + n)}")
        lines += [f"* LOC: {_tc(frame)} RED     {text}" for frame, text in locators.get(i, [])]
        at += n
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def _spot(path: Path, *more: str) -> dict:
    """``spot --json`` of ``path`` (an EDL at 24 fps)."""
    rate = ("--rate", str(RATE)) if path.suffix == ".edl" else ()
    proc = run_main("spot", "--json", *rate, str(path), *more)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _edited(doc: dict, out: Path, offset: float = OFFSET) -> dict[str, dict]:
    """``doc`` with a pinned temp piece on every cue (``offset`` into it), written to ``out``."""
    for cue in doc["cues"]:
        cue["temp"] = {"path": f"/lib/{cue['id']}.wav", "title": f"Temp {cue['id']}", "offset_seconds": offset,
                       "reason": "pinned", "pinned": True}
    out.write_text(json.dumps(doc), encoding="utf-8")
    return {c["id"]: c for c in doc["cues"]}


# ten shots, each from its own tape and source timecode; cue X from 48 frames into event 3 into event 4, cue Y
# from the first frame of event 7 into event 8
EVENTS = [(f"R{n}", 1000 * n, SHOT) for n in range(1, 11)]
X, Y = (2 * SHOT + 48, 3 * SHOT + 180), (6 * SHOT, 7 * SHOT + 200)


def _marks(x: tuple[int, int], y: tuple[int, int], events: list[tuple[str, int, int]]) -> dict[int, list[tuple[int, str]]]:
    """MUSIC IN / MUSIC OUT locators at ``x`` and ``y``, each on the event holding its frame."""
    ends, at = [], 0
    for _, _, n in events:
        at += n
        ends.append(at)
    out: dict[int, list[tuple[int, str]]] = {}
    for frame, text in ((x[0], "MUSIC IN"), (x[1], "MUSIC OUT"), (y[0], "MUSIC IN"), (y[1], "MUSIC OUT")):
        out.setdefault(next(i for i, e in enumerate(ends) if frame < e), []).append((frame, text))
    return out


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("recut_source")
    doc = _spot(edl(root / "old.edl", EVENTS, _marks(X, Y, EVENTS)))
    shots = doc["inputs"][0]["shots"]
    assert [s["source_start_frame"] for s in shots] == [_frames(src) for _, src, _ in EVENTS]  # the list's source ins
    cues = _edited(doc, root / "old.json")
    explicit = {(c["start_frame"], c["end_frame"]): c["id"] for c in cues.values() if c["origin"] == "explicit"}
    assert set(explicit) == {X, Y}
    return {"root": root, "plan": root / "old.json", "x": explicit[X], "y": explicit[Y]}


def _frames(src: int) -> int:
    return src + 3600 * RATE  # the source timecode's frame count: 01:00:00:00 + src


def _recut(previous: dict, name: str, events: list[tuple[str, int, int]], x: tuple[int, int],
           y: tuple[int, int]) -> dict[str, dict]:
    """The recut ``events`` (its MUSIC IN/OUT at ``x`` and ``y``) planned against the previous plan: the explicit
    cues by previous id, each found where its locators put it."""
    plan = _spot(edl(previous["root"] / name, events, _marks(x, y, events)), "--previous", str(previous["plan"]))
    cues = {c["recut"].get("previous_id"): c for c in plan["cues"] if c["origin"] == "explicit"}
    assert {k: (c["start_frame"], c["end_frame"]) for k, c in cues.items()} == {previous["x"]: x, previous["y"]: y}
    return cues


def test_a_ripple_delete_keeps_each_offset(previous: dict) -> None:
    events = EVENTS[:1] + EVENTS[2:]  # R2 gone: everything after it 240 frames earlier
    cues = _recut(previous, "ripple.edl", events, (X[0] - SHOT, X[1] - SHOT), (Y[0] - SHOT, Y[1] - SHOT))
    for cue in cues.values():
        assert cue["temp"]["offset_seconds"] == OFFSET and cue["recut"]["change"] == "moved"
        assert f"the same on the picture (the picture under it moved {-SHOT}f)" in cue["recut"]["notes"]


def test_a_head_trim_under_a_cues_head_advances_its_offset_by_the_trimmed_frames(previous: dict) -> None:
    reel, src, n = EVENTS[6]
    events = EVENTS[:6] + [(reel, src + 60, n - 60)] + EVENTS[7:]  # R7's first 60 frames trimmed: later shots -60
    cues = _recut(previous, "head.edl", events, X, (Y[0], Y[1] - 60))  # MUSIC IN on R7's new first frame
    y = cues[previous["y"]]
    assert y["temp"]["offset_seconds"] == OFFSET + 60 / RATE  # the piece goes on under the picture it played under
    assert any(n.startswith("temp piece offset 1.500 -> 4.000 s: the picture under the cue's first 60f is gone")
               for n in y["recut"]["notes"])
    assert cues[previous["x"]]["temp"]["offset_seconds"] == OFFSET  # before the trim: untouched
    assert cues[previous["x"]]["recut"]["change"] == "kept"


def test_a_head_trim_before_a_cues_head_moves_it_with_its_picture(previous: dict) -> None:
    reel, src, n = EVENTS[2]
    events = EVENTS[:2] + [(reel, src + 24, n - 24)] + EVENTS[3:]  # R3's first 24 frames trimmed; X starts 48 in
    cues = _recut(previous, "head_before.edl", events, (X[0] - 24, X[1] - 24), (Y[0] - 24, Y[1] - 24))
    for cue in cues.values():  # each cue's picture is all there, 24 frames earlier: the same on the picture
        assert cue["temp"]["offset_seconds"] == OFFSET
        assert "the same on the picture (the picture under it moved -24f)" in cue["recut"]["notes"], cue["recut"]
        assert not any(n.startswith("temp piece offset") for n in cue["recut"]["notes"])


def test_a_tail_trim_keeps_the_offset(previous: dict) -> None:
    reel, src, n = EVENTS[6]
    events = EVENTS[:6] + [(reel, src, n - 60)] + EVENTS[7:]  # R7's last 60 frames trimmed: later shots -60
    cues = _recut(previous, "tail.edl", events, X, (Y[0], Y[1] - 60))
    y = cues[previous["y"]]
    assert y["temp"]["offset_seconds"] == OFFSET and y["recut"]["change"] == "shortened"
    assert "against the picture: in +0f, out +0f" not in y["recut"]["notes"]
    assert not any(n.startswith("temp piece offset") for n in y["recut"]["notes"])


def test_two_takes_from_one_tape_are_different_picture(tmp_path: Path) -> None:
    """Events 2 and 5 are two takes from tape A (different source timecode), the cue on take 2; the recut swaps the
    takes: the cue follows take 2 to event 2 (by tape alone the takes were one key and the cue stayed put)."""
    events = [("R1", 1000, SHOT), ("A", 5000, SHOT), ("R3", 3000, SHOT), ("R4", 4000, SHOT), ("A", 9000, SHOT),
              ("R6", 6000, SHOT)]
    old = _edited(_spot(edl(tmp_path / "old.edl", events, {4: [(4 * SHOT + 24, "MUSIC IN")],
                                                           5: [(5 * SHOT + 24, "MUSIC OUT")]})), tmp_path / "old.json")
    (was,) = [c for c in old.values() if c["origin"] == "explicit"]
    assert (was["start_frame"], was["end_frame"]) == (4 * SHOT + 24, 5 * SHOT + 24)
    swapped = [events[0], events[4], events[2], events[3], events[1], events[5]]
    # the locators travel with take 2 (MUSIC OUT 24 frames into what follows it: R3 now)
    plan = _spot(edl(tmp_path / "new.edl", swapped, {1: [(SHOT + 24, "MUSIC IN")], 2: [(2 * SHOT + 24, "MUSIC OUT")]}),
                 "--previous", str(tmp_path / "old.json"))
    (cue,) = [c for c in plan["cues"] if c["origin"] == "explicit"]
    assert (cue["id"], cue["start_frame"], cue["end_frame"]) == (was["id"], SHOT + 24, 2 * SHOT + 24)
    assert cue["recut"]["previous_id"] == was["id"] and cue["temp"] == was["temp"]
    assert f"its picture was moved in the cut (from {4 * SHOT + 24} to {SHOT + 24}); the cue went with it" in \
        cue["recut"]["notes"]
    assert was["id"] not in {d["id"] for d in plan["recut"]["dropped"]}


def test_a_plan_without_source_frames_still_loads_and_takes_a_trim_as_a_tail_trim(previous: dict) -> None:
    doc = json.loads(previous["plan"].read_text(encoding="utf-8"))
    for shot in doc["inputs"][0]["shots"]:
        del shot["source_start_frame"]
    legacy = previous["root"] / "legacy.json"
    legacy.write_text(json.dumps(doc), encoding="utf-8")
    reel, src, n = EVENTS[6]
    events = EVENTS[:6] + [(reel, src + 60, n - 60)] + EVENTS[7:]
    plan = _spot(edl(previous["root"] / "legacy_head.edl", events, _marks(X, (Y[0], Y[1] - 60), events)),
                 "--previous", str(legacy))
    y = next(c for c in plan["cues"] if c["recut"].get("previous_id") == previous["y"])
    assert (y["start_frame"], y["temp"]["offset_seconds"]) == (Y[0], OFFSET)  # as before shots had media frames


def ripple_head_trim(seq, start: int, frames: int) -> None:
    """Trim ``frames`` from the head of the items starting at record frame ``start`` (picture and its sound), and
    close the gap: every later item and sequence marker ``frames`` earlier, as an editor's ripple trim."""
    trimmed = [item for track in seq.iter("track") for item in track
               if item.tag == "clipitem" and int(item.findtext("start")) == start]
    assert trimmed
    end = int(trimmed[0].findtext("end"))
    for item in trimmed:
        item.find("in").text = str(int(item.findtext("in")) + frames)
        item.find("end").text = str(end - frames)
    for track in seq.iter("track"):
        for item in track:
            if item.tag not in ("clipitem", "transitionitem", "generatoritem") or item in trimmed:
                continue
            s, e = int(item.findtext("start")), int(item.findtext("end"))
            assert e <= start or s >= end or s < 0 and e < 0, f"{item.findtext('name')} straddles the trim"
            for tag in ("start", "end"):
                if int(item.findtext(tag)) >= end:
                    item.find(tag).text = str(int(item.findtext(tag)) - frames)
    for m in seq.findall("marker"):
        for tag in ("in", "out"):
            if int(m.findtext(tag)) >= end:
                m.find(tag).text = str(int(m.findtext(tag)) - frames)
    seq.find("duration").text = str(int(seq.findtext("duration")) - frames)


def test_premiere_head_trim_under_a_cues_head(tmp_path: Path) -> None:
    """Shot 15-3, the first of scene 15 (1M4 starts on it), loses 48 frames at its head; SC 15 stays on its first
    frame, every later frame moves 48 up."""
    sample = SAMPLES / "premiere_sample.xml"
    old = _edited(_spot(sample), tmp_path / "old.json", offset=3.0)
    assert (old["1M4"]["start_frame"], old["1M4"]["end_frame"]) == (2688, 3696)  # out at the picture's black
    tree, seq = _xmeml(sample)
    ripple_head_trim(seq, 2688, 48)
    assert _marker(seq, "SC 15 - EXT. ROOFTOP - DAWN").findtext("in") == "2688"
    cut = tmp_path / "head_trim.xml"
    tree.write(str(cut), xml_declaration=True, encoding="UTF-8")
    shots = {s["name"]: s for s in _spot(cut)["inputs"][0]["shots"]}
    before = {s["name"]: s for s in json.loads((tmp_path / "old.json").read_text())["inputs"][0]["shots"]}
    assert shots["15-3"]["source_start_frame"] == before["15-3"]["source_start_frame"] + 48
    assert shots["15A-1"]["source_start_frame"] == before["15A-1"]["source_start_frame"]
    plan = _spot(cut, "--previous", str(tmp_path / "old.json"))
    by_id = {c["recut"]["previous_id"]: c for c in plan["cues"]}
    assert list(by_id) == ["1M1", "1M2", "1M3", "1M4"] and plan["recut"]["dropped"] == []
    m4 = by_id["1M4"]
    assert (m4["start_frame"], m4["end_frame"]) == (2688, 3696 - 48)
    # 48 frames at 23.976 fps later into the piece: in sync with the picture it played under
    assert m4["temp"]["offset_seconds"] == round(3.0 + 48 * 1001 / 24000, 3) == 5.002
    assert any(n.startswith("temp piece offset 3.000 -> 5.002 s: the picture under the cue's first 48f is gone")
               for n in m4["recut"]["notes"])
    for cue_id in ("1M1", "1M2", "1M3"):  # before the trim: where they were, offsets untouched
        cue = by_id[cue_id]
        assert (cue["start_frame"], cue["end_frame"], cue["temp"]["offset_seconds"]) == (
            old[cue_id]["start_frame"], old[cue_id]["end_frame"], 3.0)
