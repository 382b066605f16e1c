"""The plan's invariants over every real export of ../shared/corpus, and over copies we mark with directions.

Checked here independently of the planner's own code: cues inside the sequence; every boundary on a cut, an
annotation's frame, a music clip's edge, a stated pre-lap or tail, or a segue partner's edge; no two score cues
overlapping unless planned (each side a segue, a stated tail or a stated pre-lap); ids unique and in film order; every MUSIC IN/OUT, ranged music marker,
NO MUSIC range and piece of music already in the cut honoured.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import corpus_files, corpus_id, read_once, run_cli, run_main
from lxml import etree

from otio_scoreplan.analyse.leaders import find_leaders
from otio_scoreplan.errors import InputError
from otio_scoreplan.model import Analysis
from otio_scoreplan.plan import make_plan, plan_to_json

IN = re.compile(r"(?i)^\s*(?:music|mx|mus|m)[\s._-]*in\b")
OUT = re.compile(r"(?i)^\s*(?:music|mx|mus|m)[\s._-]*out\b")
RANGE = re.compile(r"(?i)^\s*(?:music\b|mx\b|m\s*:|cue\s*:)")
NO_MUSIC = re.compile(r"(?i)^\s*no[\s._-]*(?:music|mx)\b")
ID = re.compile(r"^(\d+)M(\d+)([A-RT-Z]?)S?$")


def _analyse(path: Path) -> Analysis:
    """The analysis of ``path``, read once per test session (shared: never changed here)."""
    try:
        return read_once(path)[1]
    except InputError as exc:
        pytest.skip(f"read_source refuses it: {exc.one_line()}")


def check_plan(analysis: Analysis, plan: dict, previous: dict | None = None,
               placed: dict[str, tuple[int, int]] | None = None) -> dict[str, int]:
    """Assert the invariants; return counts of what was checked. ``previous``: the plan a recut was made
    against; a cue carried from it (issue 13: a kept cue follows its picture) may start where its previous cue
    started, moved by what was deleted before it, and end where it ended when it keeps its length. ``placed``:
    previous id -> its (start, end) on the recut's picture (``shotmap.place_previous``): a carried cue may start
    or end there (an end kept on its picture after its start moved onto a cut)."""
    n = analysis.sequence.duration_frames
    cuts = set(analysis.cuts) | {0, n}
    marks = {a.frame for a in analysis.editor_annotations} | {a.frame + a.duration_frames for a in analysis.editor_annotations}
    edges = {m.start_frame for m in analysis.music} | {m.end_frame for m in analysis.music}
    stated = set()
    for a in analysis.editor_annotations:  # "MUSIC IN prelap 12", "MUSIC OUT tail 3s"
        if m := re.search(r"(?i)pre-?lap\s*(\d+)\b(?!\s*s)", a.text):
            stated.add(a.frame - int(m.group(1)))
        if m := re.search(r"(?i)tail\s*(\d+)\s*s", a.text):
            stated.add(a.frame + round(int(m.group(1)) * analysis.sequence.rate))
    # where a head leader ends and a tail leader begins (issue 13): an audio-only reel list has no cut there
    leaders = {f for x in find_leaders(analysis) for f in (x.start_frame, x.end_frame)}
    # with no picture cut at all (a dialogue list), its sound's edits are the cut: talk and logos keep their frames
    sound = {f for c in analysis.audio_clips for f in (c.start_frame, c.end_frame)} if not analysis.cuts else set()
    # a cue's fade follows the picture fade or dissolve it sits on, from its first frame or to its last (issue 14 (4))
    fades = {f for t in analysis.transitions for f in (t.start_frame, t.end_frame)}
    allowed = cuts | marks | edges | stated | leaders | fades
    cues = plan["cues"]
    score = [c for c in cues if c["kind"] == "score"]
    before = {p["id"]: p for p in previous["cues"]} if previous else {}
    for c in cues:
        assert 0 <= c["start_frame"] < c["end_frame"] <= n, c
        starts = set(allowed) | sound | {c2["end_frame"] for c2 in cues if c["entry"]["type"] == "segue"}
        ends = set(allowed) | sound | {c2["start_frame"] for c2 in cues if c["exit"]["type"] == "segue"}
        r = c.get("recut") or {}
        if (was := before.get(r.get("previous_id"))) is not None:  # carried: its old frames, moved with its picture
            starts.add(was["start_frame"] + r.get("moved_frames", 0))
            starts.add((placed or {}).get(was["id"], (-1, -1))[0])
            ends.add((placed or {}).get(was["id"], (-1, -1))[1])
            if r.get("length_frames", 0) == 0:
                ends.add(was["end_frame"] + r.get("moved_frames", 0))
        if c["entry"]["type"] == "prelap":
            assert c["entry"]["cut_frame"] in allowed and c["start_frame"] == c["entry"]["cut_frame"] - c["entry"]["frames"], c
        else:
            assert c["start_frame"] in starts, f"{c['id']} starts off any cut/marker: {c['start_frame']}"
        if c["exit"]["type"] == "tail_out":
            assert c["exit"]["cut_frame"] in allowed and c["end_frame"] == c["exit"]["cut_frame"] + c["exit"]["frames"], c
        elif c["exit"]["type"] == "fade_out" and any("no cut to end on" in r for r in c["reasons"]):
            # a proposal with no cut to end on fades out at the longest a proposal runs: only when none was there
            assert not [f for f in allowed if c["start_frame"] < f < c["end_frame"]], c
        else:
            assert c["end_frame"] in ends, f"{c['id']} ends off any cut/marker: {c['end_frame']}"
        if c["origin"] == "auto":
            assert c["reasons"][0] == "proposed, not marked"
    for a in score:
        for b in score:
            if a is not b and a["start_frame"] <= b["start_frame"] < a["end_frame"]:  # only a planned crossfade
                sides = (a["exit"]["type"], b["entry"]["type"])
                assert set(sides) <= {"segue", "tail_out", "prelap"}, (a["id"], b["id"], sides)
                assert a["end_frame"] < b["end_frame"], (a["id"], b["id"])
    ids = [c["id"] for c in cues]
    assert len(set(ids)) == len(ids) and all(ID.match(i) for i in ids), ids
    keys = [(int(m[1]), int(m[2]), m[3]) for m in (ID.match(i) for i in ids)]
    assert keys == sorted(keys) or any("out of order" in w for w in plan["warnings"]), ids
    counts = {"cues": len(cues), "music": 0, "in": 0, "out": 0, "range": 0, "no_music": 0}
    for m in analysis.music:
        s, e = max(0, m.start_frame), min(n, m.end_frame)
        if e > s:
            named = [c for c in cues if any(r.startswith(f"music in the cut: {m.name!r}") for r in c["reasons"])]
            written = [c for c in named if any("disagree: kept the written range" in r for r in c["reasons"])]
            assert any(c["start_frame"] <= s and e <= c["end_frame"] for c in named) or written, m
            counts["music"] += 1
    for a in analysis.editor_annotations:
        text = a.name or ""
        at = f"{a.text!r} at {analysis.sequence.timecode(a.frame)}"
        said = [c for c in cues if any(at in r for r in c["reasons"])]
        if any("holds no" in w and at in w for w in plan["warnings"]):  # e.g. a MUSIC IN on the last frame
            assert a.frame in (0, n) or a.frame + a.duration_frames <= 0 or not any(c for c in said), a
            counts["empty"] = counts.get("empty", 0) + 1
            continue
        exact = lambda c: not any(r.startswith("layered with") for r in c["reasons"])  # noqa: E731
        if NO_MUSIC.match(text) and a.duration_frames > 1:
            assert not any(c["origin"] in ("grown", "auto") and c["start_frame"] < a.frame + a.duration_frames and c["end_frame"] > a.frame for c in cues)
            counts["no_music"] += 1
        elif IN.match(text):
            pre = lambda c: c["entry"]["frames"] if c["entry"]["type"] == "prelap" else 0  # noqa: E731
            assert any(c["start_frame"] + pre(c) == a.frame or (not exact(c) and c["start_frame"] <= a.frame <= c["end_frame"]) for c in said), a
            counts["in"] += 1
        elif OUT.match(text):
            tail = lambda c: c["exit"]["frames"] if c["exit"]["type"] == "tail_out" else 0  # noqa: E731
            assert any(c["end_frame"] - tail(c) == a.frame or (not exact(c) and c["start_frame"] <= a.frame <= c["end_frame"]) for c in said), a
            counts["out"] += 1
        elif RANGE.match(text) and a.duration_frames > 1:
            end = min(n, a.frame + a.duration_frames)
            assert any(c["start_frame"] <= a.frame and end <= c["end_frame"] and (not exact(c) or c["start_frame"] == a.frame) for c in said), a
            counts["range"] += 1
    return counts


@pytest.mark.parametrize("path", corpus_files(), ids=corpus_id)
def test_corpus_plan_invariants(path: Path) -> None:
    analysis = _analyse(path)
    plan = plan_to_json(make_plan([analysis]))
    check_plan(analysis, plan)
    assert json.dumps(plan) == json.dumps(plan_to_json(make_plan([analysis])))  # deterministic


XMEML = [p for p in corpus_files() if p.suffix.lower() == ".xml" and b"<xmeml" in p.read_bytes()[:4000]]


def _sequence(tree: etree._ElementTree) -> etree._Element | None:
    return next(iter(tree.getroot().iter("sequence")), None)


def _marker(seq: etree._Element, name: str, at: int, out: int = -1) -> None:
    m = etree.SubElement(seq, "marker")
    for tag, value in (("name", name), ("comment", ""), ("in", str(at)), ("out", str(out))):
        etree.SubElement(m, tag).text = value


def marked_copy(path: Path, tmp: Path, analysis: Analysis) -> tuple[Path, dict[str, int]]:
    """A copy of an xmeml export with music directions added at known frames (in, off a cut, and so on)."""
    n = analysis.sequence.duration_frames
    at = lambda share, nudge=0: max(1, min(n - 2, int(n * share) + nudge))  # noqa: E731
    where = {
        "MUSIC IN - tension": at(0.10, 3),
        "hit: gunshot": at(0.15),
        "Mx Out": at(0.25, -2),
        "M: chase": at(0.40),
        "NO MUSIC - dialogue only": at(0.60),
        "#romantic": at(0.80),
        "THEME: Anna": at(0.82),
    }
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    seq = _sequence(tree)
    for name, frame in where.items():
        length = {"M: chase": at(0.50) - frame, "NO MUSIC - dialogue only": at(0.70) - frame}.get(name, 0)
        _marker(seq, name, frame, frame + length if length else -1)
    out = tmp / f"marked_{path.name}"
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    return out, where


@pytest.mark.parametrize("path", XMEML, ids=corpus_id)
def test_marked_corpus_copies_honour_directions(path: Path, tmp_path: Path) -> None:
    original = _analyse(path)
    if original.sequence.duration_frames < 200:
        pytest.skip("too short to carry seven markers")
    copy_path, where = marked_copy(path, tmp_path, original)
    analysis = _analyse(copy_path)
    placed = {a.name: a.frame for a in analysis.editor_annotations if a.name in where}
    assert placed == where, "the reader did not keep the markers where we put them"
    plan = plan_to_json(make_plan([analysis]))
    counts = check_plan(analysis, plan)
    assert counts["in"] == counts["out"] == counts["range"] == counts["no_music"] == 1
    hit = next(h for c in plan["cues"] for h in c["hits"] if h["label"] == "gunshot")
    assert hit["frame"] == where["hit: gunshot"]
    assert any("tension" in c["moods"] for c in plan["cues"])
    result = run_main("spot", str(copy_path), "--json")  # in process: test_cli_spot_table_and_previous runs the command
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(json.dumps(plan, ensure_ascii=False))


def test_cli_spot_table_and_previous(tmp_path: Path) -> None:
    path = next(p for p in XMEML if "premiere_example" in p.name)
    marked, _ = marked_copy(path, tmp_path, _analyse(path))
    table = run_cli("spot", str(marked))
    assert table.returncode == 0 and "1M1" in table.stdout and "Cue" in table.stdout
    first = run_cli("spot", str(marked), "--json")
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(first.stdout)
    again = run_cli("spot", str(marked), "--json", "--previous", str(plan_path))
    assert again.returncode == 0, again.stderr
    assert [c["id"] for c in json.loads(again.stdout)["cues"]] == [c["id"] for c in json.loads(first.stdout)["cues"]]
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something else"}')
    refused = run_cli("spot", str(marked), "--previous", str(bad))
    assert refused.returncode == 2 and "bad.json" in refused.stderr and "Traceback" not in refused.stderr
