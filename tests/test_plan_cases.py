"""Ground-truth planning cases on hand-made cuts: each says exactly which cues the plan must hold."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import pytest
from plan_builders import build, sequence

from otio_scoreplan.errors import InputError
from otio_scoreplan.plan import make_plan, plan_from_json, plan_to_json
from otio_scoreplan.plan.fingerprint import same_cut
from otio_scoreplan.plan.rules import default_rules, merge_rules

SCENES = [(0, "SC 1"), (60, "SC 2"), (120, "SC 3"), (180, "SC 4"), (240, "SC 5")]
CUTS = [float(s) for s in range(5, 300, 5)]  # a cut every 5 seconds
QUIET = {"auto": {"enabled": False}, "lengths": {"tail_seconds": 0.0}}


def spot(analyses, overrides=None, previous=None) -> dict:
    rules = merge_rules(default_rules(), overrides if overrides is not None else QUIET)
    analyses = analyses if isinstance(analyses, list) else [analyses]
    return plan_to_json(make_plan(analyses, rules, previous))


@dataclass(frozen=True)
class Want:
    """A cue the plan must hold: id, in and out timecode, kind, entry and exit types."""

    id: str
    start: str
    end: str
    kind: str = "score"
    entry: str = "hard_in"
    exit: str = "hard_out"


@dataclass(frozen=True)
class Case:
    id: str
    markers: list = field(default_factory=list)
    music: list = field(default_factory=list)
    want: list[Want] = field(default_factory=list)
    rules: dict = field(default_factory=lambda: QUIET)


CASES = [
    Case("explicit-range", [(10, "MUSIC", 20)], want=[Want("1M1", "01:00:10:00", "01:00:30:00")]),
    Case("in-out-pair-off-cut", [(12.5, "MX IN - tension"), (47.25, "mx out")], want=[Want("1M1", "01:00:12:12", "01:00:47:06")]),
    Case("mood-grows-over-scene", [(70, "#romantic")], want=[Want("1M1", "01:01:00:00", "01:02:00:00")]),
    Case("theme-grows-over-scene", [(130, "THEME: Anna")], want=[Want("1M1", "01:02:00:00", "01:03:00:00")]),
    Case(
        "segue-between-close-pairs",
        [(10, "MUSIC IN"), (30, "MUSIC OUT"), (31, "MUSIC IN"), (50, "MUSIC OUT")],
        want=[Want("1M1", "01:00:10:00", "01:00:30:00", exit="segue"), Want("1M2", "01:00:31:00", "01:00:50:00", entry="segue")],
    ),
    Case(
        "grown-cue-segues-into-explicit",
        [(62, "mood: sad"), (118, "MUSIC IN"), (150, "MUSIC OUT")],
        want=[Want("1M1", "01:01:00:00", "01:01:58:00", exit="segue"), Want("1M2", "01:01:58:00", "01:02:30:00", entry="segue")],
    ),
    Case("in-after-in-segues", [(10, "MX IN"), (40, "MX IN"), (55, "MX OUT")],
         want=[Want("1M1", "01:00:10:00", "01:00:40:00", exit="segue"), Want("1M2", "01:00:40:00", "01:00:55:00", entry="segue")]),
    Case("source-suffix", [(10, "cue: source radio", 20), (100, "MUSIC", 10)],
         want=[Want("1M1S", "01:00:10:00", "01:00:30:00", kind="source"), Want("1M2", "01:01:40:00", "01:01:50:00")]),
    Case("cue-id-kept", [(10, "MX IN"), (30, "MX OUT"), (100, "1M5", 30), (200, "MUSIC", 10)],
         want=[Want("1M1", "01:00:10:00", "01:00:30:00"), Want("1M5", "01:01:40:00", "01:02:10:00"), Want("1M6", "01:03:20:00", "01:03:30:00")]),
    Case("stated-prelap-and-tail", [(60, "MUSIC IN prelap 12"), (90, "MUSIC OUT tail 2s")],
         want=[Want("1M1", "01:00:59:12", "01:01:32:00", entry="prelap", exit="tail_out")]),
    Case("planner-prelap-and-tail", [(70, "#heroic")], rules={"auto": {"enabled": False}, "lengths": {"prelap_frames": 8, "tail_seconds": 2.0}},
         want=[Want("1M1", "01:00:59:16", "01:02:02:00", entry="prelap", exit="tail_out")]),
    Case("music-in-the-cut", music=[(100.25, 130, "KPM_0001_01 Night Drive")], markers=[(110, "hit: crash")],
         want=[Want("1M1", "01:01:40:06", "01:02:10:00")]),
    Case("music-and-range-over-it-merge", [(95, "MX: chase", 40)], music=[(100, 130, "temp chase")],
         want=[Want("1M1", "01:01:35:00", "01:02:15:00")]),
    Case("no-music-point-forbids-its-scene", [(65, "NO MUSIC"), (70, "#tense"), (130, "#tense")],
         want=[Want("1M1", "01:02:00:00", "01:03:00:00")]),
    Case("no-music-range-cuts-a-grown-cue", [(120, "no mx", 20), (150, "mood: tense")],
         want=[Want("1M1", "01:02:20:00", "01:03:00:00")]),
    Case("hit-alone-too-close-is-dropped", [(10, "MX IN"), (58, "MX OUT"), (59, "hit: door")],
         want=[Want("1M1", "01:00:10:00", "01:00:58:00")]),
    Case("colour-means-music", [(10, "Anna walks", 20, "yellow"), (130, "Anna runs", 0, "yellow"), (200, "plain note", 0, "red")],
         rules={**QUIET, "colors": {"music": ["Yellow"]}},
         want=[Want("1M1", "01:00:10:00", "01:00:30:00"), Want("1M2", "01:02:00:00", "01:03:00:00")]),
    Case("out-without-in-starts-at-scene", [(80, "MUSIC OUT")], want=[Want("1M1", "01:01:00:00", "01:01:20:00")]),
    Case("in-without-out-ends-at-scene", [(200, "MUSIC IN")], want=[Want("1M1", "01:03:20:00", "01:04:00:00")]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case) -> None:
    analysis = build(sequence("24"), CUTS, SCENES, markers=case.markers, music=case.music)
    plan = spot(analysis, case.rules)
    got = [Want(c["id"], c["start_timecode"], c["end_timecode"], c["kind"], c["entry"]["type"], c["exit"]["type"]) for c in plan["cues"]]
    assert got == case.want


def _cue(plan: dict, cue_id: str) -> dict:
    return next(c for c in plan["cues"] if c["id"] == cue_id)


def test_moods_palette_hits_and_reasons() -> None:
    a = build(sequence("24"), CUTS, SCENES, markers=[(10, "MUSIC IN - tension"), (20.5, "HIT - gunshot"), (30, "MUSIC OUT")])
    cue = _cue(spot(a), "1M1")
    assert cue["moods"] == ["tension"] and {"low strings", "ostinato"} <= set(cue["palette"])
    assert cue["hits"] == [{"frame": 492, "timecode": "01:00:20:12", "label": "gunshot"}]
    assert cue["intensity"] in range(1, 6) and cue["origin"] == "explicit"
    assert any("MUSIC IN - tension" in r for r in cue["reasons"]) and any("HIT - gunshot" in r for r in cue["reasons"])
    assert cue["description"].startswith("tension - SC 1")  # the editor's words first, then the scene


def test_theme_recurs_where_the_character_is_named() -> None:
    a = build(sequence("24"), CUTS, SCENES, markers=[(70, "THEME: Anna"), (190, "#sad"), (195, "Anna at the window"), (250, "#hopeful")])
    plan = spot(a)
    assert [c["themes"] for c in plan["cues"]] == [["Anna"], ["Anna"], []]
    assert plan["themes"] == [{"name": "Anna", "introduced_by": "1M1", "cues": ["1M1", "1M2"]}]
    assert any("theme introduced in 1M1" in r for r in _cue(plan, "1M2")["reasons"])


def test_reels_number_per_reel_and_continuously() -> None:
    r1 = build(sequence("24", name="ANNA R1"), CUTS, SCENES, markers=[(10, "MUSIC", 20), (100, "MUSIC", 20)], reels=[(1, 0)])
    r2 = build(sequence("24", name="ANNA R2"), CUTS, SCENES, markers=[(10, "MUSIC", 20)], reels=[(2, 0)])
    assert [(c["id"], c["reel"], c["input"]) for c in spot([r1, r2])["cues"]] == [("1M1", 1, 0), ("1M2", 1, 0), ("2M1", 2, 1)]
    cont = {**QUIET, "numbering": {"continuous": True}}
    assert [c["id"] for c in spot([r1, r2], cont)["cues"]] == ["1M1", "1M2", "2M3"]
    same = build(sequence("24", name="untitled"), CUTS, SCENES, markers=[(10, "MUSIC", 20)])
    assert [c["id"] for c in spot([same, same])["cues"]] == ["1M1", "2M1"]  # reels run on across inputs


@pytest.mark.parametrize("rate, drop, start_tc, want_in, want_out", [
    ("23.976", False, "01:00:00:00", "01:00:10:00", "01:00:20:00"),
    ("24", False, "10:00:00:00", "10:00:10:00", "10:00:20:00"),
    ("25", False, "01:00:00:00", "01:00:10:00", "01:00:20:00"),
    ("29.97", True, "00:00:50;00", "00:01:00;02", "00:01:10;01"),  # 599 frames: ;00 and ;01 dropped at 00:01:00
], ids=["23.976", "24", "25", "29.97DF"])
def test_every_rate(rate: str, drop: bool, start_tc: str, want_in: str, want_out: str) -> None:
    seq = sequence(rate, seconds=120, start_tc=start_tc, drop=drop)
    a = build(seq, [10, 20, 30], [(0, "SC 1")], markers=[(10, "MUSIC IN"), (20, "MUSIC OUT")])
    cue = spot(a)["cues"][0]
    assert (cue["start_timecode"], cue["end_timecode"]) == (want_in, want_out)
    assert cue["start_frame"] == int(round(10 * seq.rate)) and cue["end_frame"] == int(round(20 * seq.rate))


def test_auto_spotting_prefers_fast_quiet_scenes() -> None:
    fast = [120 + s for s in range(1, 60)]  # scene 3 cut every second
    cuts = [c for c in CUTS if not 120 < c < 180] + fast
    talk = [(0, 120), (180, 300)]
    a = build(sequence("24"), cuts, SCENES, dialogue=talk, fades=[(295, 300, "fade_out")])
    plan = spot(a, {})
    first = plan["cues"][0] if plan["cues"] else None
    assert first and any(c["start_timecode"] == "01:02:00:00" and "action" in c["moods"] for c in plan["cues"])
    assert all(c["origin"] == "auto" and c["reasons"][0] == "proposed, not marked" for c in plan["cues"])
    covered = sum(c["duration_frames"] for c in plan["cues"])
    rules = default_rules()
    assert rules.get("auto.coverage_target") == "auto"  # a cut with no talk on camera: the fallback share applies
    assert covered <= (rules.get("auto.coverage_fallback") + rules.get("auto.coverage_slack")) * a.sequence.duration_frames + 48 * len(plan["cues"])


def test_auto_fills_to_the_coverage_target_only() -> None:
    a = build(sequence("24"), CUTS, SCENES)
    low = spot(a, {"auto": {"coverage_target": 0.2, "coverage_slack": 0.0}})
    high = spot(a, {"auto": {"coverage_target": 0.8, "coverage_slack": 0.0}})
    assert 0 < len(low["cues"]) < len(high["cues"])


def test_json_is_deterministic_and_round_trips() -> None:
    a = build(sequence("23.976"), CUTS, SCENES, markers=[(10, "MUSIC IN #tense"), (30, "MUSIC OUT"), (70, "THEME: Anna")])
    first = json.dumps(spot(a, {}), sort_keys=False)
    assert first == json.dumps(spot(a, {}), sort_keys=False)
    doc = json.loads(first)
    assert doc["schema"] == "otio-scoreplan/plan" and doc["version"] == 2
    assert doc["fingerprint"].startswith("sha256:") and doc["inputs"][0]["cuts"] == a.cuts
    assert plan_to_json(plan_from_json(doc)) == doc
    recut = replace(a, shots=a.shots[:-2] + [replace(a.shots[-2], end_frame=a.shots[-1].end_frame)])
    assert spot(recut, {})["fingerprint"] != doc["fingerprint"]
    assert same_cut([i["fingerprint"] for i in doc["inputs"]], [a]) and not same_cut([doc["fingerprint"]], [recut])


def test_hand_edited_plan_errors_name_the_file() -> None:
    doc = spot(build(sequence("24"), CUTS, SCENES, markers=[(10, "MUSIC", 20)]))
    doc["cues"][0]["exit"]["type"] = "explode"
    with pytest.raises(InputError) as err:
        plan_from_json(doc, "edited.json")
    assert err.value.one_line().startswith("edited.json: malformed plan") and "explode" in err.value.one_line()
    with pytest.raises(InputError):
        plan_from_json({**doc, "version": 99}, "edited.json")


def test_previous_plan_keeps_ids_suffixes_new_and_retires() -> None:
    markers = [(10, "MUSIC", 20), (70, "MUSIC", 20), (130, "MUSIC", 20), (190, "MUSIC", 20)]
    old = plan_from_json(spot(build(sequence("24"), CUTS, SCENES, markers=markers)))
    assert [c.id for c in old.cues] == ["1M1", "1M2", "1M3", "1M4"]
    # Recut: 1M2 is gone, one cue is new between 1M3 and 1M4, one after the end, 1M3 moved a little.
    new_markers = [(10, "MUSIC", 20), (131, "MUSIC", 20), (160, "MUSIC", 10), (190, "MUSIC", 20), (250, "MUSIC", 20)]
    plan = spot(build(sequence("24"), CUTS, SCENES, markers=new_markers), previous=old)
    assert [c["id"] for c in plan["cues"]] == ["1M1", "1M3", "1M3A", "1M4", "1M5"]
    assert plan["retired_ids"] == ["1M2"]
    again = spot(build(sequence("24"), CUTS, SCENES, markers=new_markers + [(70, "MUSIC", 10)]), previous=plan_from_json(plan))
    assert "1M2" not in [c["id"] for c in again["cues"]] and again["retired_ids"] == ["1M2"]


def test_auto_spotting_leaves_room_between_proposals() -> None:
    scenes = [(s, f"SC {i}") for i, s in enumerate(range(0, 300, 30))]
    plan = spot(build(sequence("24"), CUTS, scenes), {})
    cues = plan["cues"]
    assert len(cues) >= 2 and all(c["origin"] == "auto" for c in cues)
    gaps = [b["start_frame"] - a["end_frame"] for a, b in zip(cues, cues[1:])]
    assert min(gaps) >= 3 * 24, gaps  # no wall of segues: music needs room
    assert cues[0]["start_frame"] == 0 and cues[-1]["end_frame"] == 300 * 24  # opening and closing scenes first


def test_previous_plan_keeps_the_music_editors_entry_and_exit() -> None:
    """A pre-lap and a tail a person gave grown cues are kept on a recut, anchored on the recut's cuts; a tail
    that would now ring into a NO MUSIC range is not, and the cue says why."""
    markers = [(65, "#sad"), (185, "#tense")]
    doc = spot(build(sequence("24"), CUTS, SCENES, markers=markers))
    first, second = doc["cues"]
    assert (first["start_frame"], second["end_frame"]) == (1440, 5760) and first["origin"] == second["origin"] == "grown"
    first.update(start_frame=1428, entry={"type": "prelap", "frames": 12, "cut_frame": 1440})
    second.update(end_frame=5808, exit={"type": "tail_out", "frames": 48, "cut_frame": 5760})
    old = plan_from_json(doc)
    # the recut: five seconds of scene 1 gone, so everything after comes 120 frames earlier
    shifted = [(s - 5 if s > 5 else s, n) for s, n in SCENES]
    new = spot(build(sequence("24", 295), CUTS[:-1], shifted, markers=[(60, "#sad"), (180, "#tense")]), previous=old)
    one, two = new["cues"]
    assert (one["start_frame"], one["entry"]) == (1428 - 120, {"type": "prelap", "frames": 12, "cut_frame": 1320})
    assert (two["end_frame"], two["exit"]["type"], two["exit"]["cut_frame"]) == (5808 - 120, "tail_out", 5640)
    assert [c["recut"]["change"] for c in (one, two)] == ["moved", "moved"]
    assert one["recut"]["kept"] == ["entry"] and two["recut"]["kept"] == ["exit"]
    # NO MUSIC from scene 5's first frame: the tail is not kept, the recut's hard out stands
    quiet = spot(build(sequence("24", 295), CUTS[:-1], shifted, markers=[(60, "#sad"), (180, "#tense"), (235, "NO MUSIC", 20)]),
                 previous=old)
    last = quiet["cues"][-1]
    assert (last["end_frame"], last["exit"]["type"]) == (5640, "hard_out")
    assert any("would run into a NO MUSIC range" in n for n in last["recut"]["notes"])
