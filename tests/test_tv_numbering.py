"""TV programmes (issue 13): a programme is one reel unless something says otherwise, cue ids come from a template
(``numbering.format``) that ``--previous`` and a studio's renumbering hook both read, and the cues over main
titles and end credits say so. On real NRK programmes (Premiere exports of 20-30 minutes)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import opentimelineio as otio
import pytest
from conftest import CORPUS, REPO, read_once, run_main

from otio_scoreplan.analyse.reels import act_reels
from otio_scoreplan.errors import UsageError
from otio_scoreplan.model import SequenceInfo, Shot, Transition
from otio_scoreplan.otio_plugin.hooks import run_post_plan_hooks
from otio_scoreplan.plan import make_plan
from otio_scoreplan.plan.model import Cue
from otio_scoreplan.plan.numbering import IdFormat, episode_in, number_cues
from otio_scoreplan.plan.rules import default_rules, merge_rules

MONSEN = CORPUS / "premiere" / "nrk_Monsen_og_hundene_EP_1_MASTER_til_ODOMETER.xml"  # 28.8 min, 'EP 1'
PRG6 = CORPUS / "premiere" / "nrk_Adobe_Premiere_CC_Prg6.xml"  # 29.0 min, 'Program 6', vignette and end credits
BROSHOW = CORPUS / "premiere" / "nrk_BroShow_ep_Fordommer.xml"  # 20.1 min, end credits as a title generator
HOOKS = REPO / "tests" / "data" / "otio_hooks"


def _spot(path: Path, tmp_path: Path, rules: str = "", *more: str) -> dict:
    args = ["spot", "--json", str(path)]
    if rules:
        (tmp_path / "rules.toml").write_text(rules, encoding="utf-8")
        args += ["--rules", str(tmp_path / "rules.toml")]
    proc = run_main(*args, *more)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("path", [MONSEN, PRG6, BROSHOW], ids=lambda p: p.name)
def test_a_programme_under_an_hour_is_numbered_as_one(path: Path, tmp_path: Path) -> None:
    """No 20-minute reels by length: 1M1..1Mn, no 2M, one reel saying why."""
    doc = _spot(path, tmp_path)
    ids = [c["id"] for c in doc["cues"]]
    assert len(ids) > 5 and ids == [f"1M{n}" for n in range(1, len(ids) + 1)], ids
    assert doc["sequence"]["duration_frames"] > 20 * 60 * doc["sequence"]["rate"]  # the old rule cut it in two
    (reel,) = doc["inputs"][0]["reels"]
    assert reel["number"] == 1 and reel["evidence"].startswith("one reel")


def test_reels_by_length_only_when_set(tmp_path: Path) -> None:
    """The same programme cut into 20-minute reels when the rules ask for it (a feature delivered as one file)."""
    split = _spot(MONSEN, tmp_path, "[numbering]\nreel_minutes = 20.0\n")
    reels = split["inputs"][0]["reels"]
    assert [r["number"] for r in reels] == [1, 2] and all(r["evidence"].startswith("reel length") for r in reels)
    for cue in split["cues"]:
        reel = next(r for r in reels if r["start_frame"] <= cue["start_frame"] < r["end_frame"])
        assert cue["id"].startswith(f"{reel['number']}M")
    assert {c["id"][:2] for c in split["cues"]} == {"1M", "2M"}


def test_acts_from_fades_to_black_are_opt_in(tmp_path: Path) -> None:
    """A real 29-minute programme: by default one reel whatever its fades; acts only when asked for (and then
    only at a fade or black between acts of three minutes or more)."""
    _, analysis = read_once(PRG6)
    rules = default_rules()
    assert [r["number"] for r in make_plan([analysis], rules).analyses[0]["reels"]] == [1]
    acts = act_reels(analysis.sequence, analysis.shots, analysis.transitions)
    asked = make_plan([analysis], merge_rules(rules, {"numbering": {"acts_from_black": True}}))
    reels = asked.analyses[0]["reels"]
    assert [r["number"] for r in reels] == ([a.number for a in acts] or [1])
    # the rule itself, on a cut made for it: black of 2 s after 4 minutes, a fade out after 8
    seq = SequenceInfo("Act test", 25.0, False, 90000, 25 * 60 * 12, "otio")
    m = 25 * 60
    shots = [Shot(0, 4 * m, "a"), Shot(4 * m, 4 * m + 50, "", kind="gap"), Shot(4 * m + 50, 8 * m, "b"),
             Shot(8 * m, 8 * m + 5, "", kind="gap"), Shot(8 * m + 5, 10 * m, "c"), Shot(10 * m, 10 * m + 50, "", "gap"),
             Shot(10 * m + 50, 12 * m, "d")]
    fades = [Transition(8 * m - 12, 8 * m, 8 * m, "fade_out")]
    found = act_reels(seq, shots, fades)
    assert [(r.number, r.start_frame) for r in found] == [(1, 0), (2, 4 * m + 50), (3, 8 * m + 5)]  # not 10 min: too short
    assert "fade to black" in found[2].evidence and found[1].evidence.startswith("act after a black")


@pytest.mark.parametrize("name, episode", [("Monsen og hundene EP 1 MASTER til ODOMETER", "1"),
                                           ("Master Filmbonanza Program 6 Visjonæren", "6"), ("Show_S01E03_lock", "103"),
                                           ("Show 2x11 v3", "211"), ("BroShow ep Fordommer", ""), ("Sequence 01", ""),
                                           ("Episode 12 fine cut", "12"), ("REP 4", "")])
def test_the_episode_in_a_sequence_name(name: str, episode: str) -> None:
    assert episode_in(name) == episode


def test_episode_template_ids_are_read_back_by_previous(tmp_path: Path) -> None:
    rules = '[numbering]\nformat = "{episode}M{n}"\nepisode = "101"\n'
    doc = _spot(PRG6, tmp_path, rules)
    ids = [c["id"] for c in doc["cues"]]
    assert ids == [f"101M{n}" for n in range(1, len(ids) + 1)]
    named = _spot(PRG6, tmp_path, '[numbering]\nformat = "{episode}M{n}"\n')  # the episode from 'Program 6'
    assert [c["id"] for c in named["cues"]] == [f"6M{n}" for n in range(1, len(ids) + 1)]
    (tmp_path / "old.json").write_text(json.dumps(doc), encoding="utf-8")
    again = _spot(PRG6, tmp_path, rules, "--previous", str(tmp_path / "old.json"))
    assert [c["id"] for c in again["cues"]] == ids and again["retired_ids"] == []
    assert all(c["recut"]["previous_id"] == c["id"] for c in again["cues"])


def test_a_studio_hook_renumbers_template_ids_and_previous_reads_them(tmp_path: Path, monkeypatch) -> None:
    """The example studio hook (tests/data/otio_hooks) on '{episode}M{n}' ids: 101M1 -> ANNA-101M01; a plan so
    renumbered read back with --previous keeps every cue's number."""
    rules = merge_rules(default_rules(), {"numbering": {"format": "{episode}M{n}", "episode": "101"}})
    _, analysis = read_once(PRG6)
    plan = make_plan([analysis], rules)
    monkeypatch.setenv("OTIO_PLUGIN_MANIFEST_PATH", str(HOOKS / "plugin_manifest.json"))
    otio.plugins.ActiveManifest(force_reload=True)
    try:
        hooked = run_post_plan_hooks(plan, [str(PRG6)])
    finally:
        monkeypatch.delenv("OTIO_PLUGIN_MANIFEST_PATH")
        otio.plugins.ActiveManifest(force_reload=True)
    assert [c.id for c in hooked.cues] == [f"ANNA-101M{n:02d}" for n in range(1, len(plan.cues) + 1)]
    again = make_plan([analysis], rules, hooked)
    assert [c.id for c in again.cues] == [c.id for c in plan.cues] and again.retired_ids == []
    padded = merge_rules(rules, {"numbering": {"format": "ANNA-{episode}M{n:02}"}})
    assert [c.id for c in make_plan([analysis], padded, hooked).cues] == [c.id for c in hooked.cues]


def test_id_templates_format_and_parse() -> None:
    cue = Cue(0, 10, reel=2, input=0)
    rules = merge_rules(default_rules(), {"numbering": {"format": "{episode}-{reel}{separator}{n:02}"}})
    ids = IdFormat.from_rules(rules, ["101"])
    assert ids.format((2, 3, "A"), True, cue) == "101-2M03AS"
    assert ids.parse("101-2M03AS") == ((2, 3, "A"), True)
    assert ids.parse("STUDIO_101-2M03") == ((2, 3, ""), False)  # a prefix a hook put in front
    assert ids.parse("1012M03") is None
    classic = IdFormat.from_rules(default_rules())
    assert classic.format((1, 12, ""), False, cue) == "1M12" and classic.parse("3M4S") == ((3, 4, ""), True)
    assert classic.with_source("1M3", True) == "1M3S" and classic.with_source("1M3S", False) == "1M3"
    episode = merge_rules(default_rules(), {"numbering": {"format": "{episode}M{n}"}})
    written = [Cue(0, 10), Cue(20, 30, wanted_id="1M1"), Cue(40, 50)]  # an id written the classic way
    numbered, _, _ = number_cues(written, episode, None, ["101"])
    assert [c.id for c in numbered] == ["101M0A", "101M1", "101M2"]
    for bad in ("{reel}M", "{reel}M{n}{n}", "{season}M{n}", "{n:x}"):
        with pytest.raises(UsageError, match="numbering.format"):
            IdFormat.from_rules(merge_rules(default_rules(), {"numbering": {"format": bad}}))


def test_main_title_and_end_credits_cues_say_so(tmp_path: Path) -> None:
    doc = _spot(PRG6, tmp_path)
    said = {c["id"]: c for c in doc["cues"] if c["description"].startswith(("Main title", "End credits"))}
    first, last = doc["cues"][0]["start_frame"], doc["cues"][-1]
    (main,) = [c for c in said.values() if c["description"].startswith("Main title:")]
    assert any(r.startswith("main title: clip 'Vignett v") and r.endswith(" on V3 at 00:00:29:05")
               for r in main["reasons"])
    assert main["start_frame"] <= 730 < main["end_frame"] and first <= main["start_frame"]
    assert last["description"].startswith("End credits:") and last["id"] in said
    assert any(r.startswith("end credits: clip 'Rulletekst_plaket") for r in last["reasons"])
    bro = _spot(BROSHOW, tmp_path)
    over = [c for c in bro["cues"] if c["start_frame"] < 29857 and c["end_frame"] > 29289]  # the title generator
    assert over and all(c["description"].startswith("End credits:") for c in over)
    assert not any(c["description"].startswith("End credits") for c in bro["cues"] if c["end_frame"] < 29289)


def test_notes_name_the_episode_the_cue_ids_number(tmp_path: Path) -> None:
    # issue 15 leftover: with '{episode}M{n}' ids and no --episode, the cue sheet names the episode the ids carry
    # (from the sequence name 'Program 6'); with the classic '{reel}M{n}' it is still asked for
    (tmp_path / "rules.toml").write_text('[numbering]\nformat = "{episode}M{n}"\n', encoding="utf-8")
    rows = {}
    for name, more in (("episode", ["--rules", str(tmp_path / "rules.toml")]), ("classic", [])):
        sheet = tmp_path / f"{name}.csv"
        proc = run_main("notes", str(PRG6), "--cue-sheet", str(sheet), *more)
        assert proc.returncode == 0, proc.stderr
        rows[name] = {r[0]: r[1] for r in csv.reader(sheet.read_text(encoding="utf-8").splitlines()) if len(r) > 1}
    assert rows["episode"]["Episode"] == "6"
    assert rows["classic"]["Episode"].startswith("(not given")
    given = tmp_path / "given.csv"
    proc = run_main("notes", str(PRG6), "--cue-sheet", str(given), "--episode", "Ep 6: Filmbonanza",
                    "--rules", str(tmp_path / "rules.toml"))
    assert proc.returncode == 0 and "Episode,Ep 6: Filmbonanza" in given.read_text(encoding="utf-8")
