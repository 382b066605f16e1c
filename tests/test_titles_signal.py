"""Titles, supers and graphics on the upper video tracks (issue 13): kept in the analysis with a kind, and a photo
montage (a run of stills) as a placement signal, on real corpus edits. Lower thirds are no signal for music.

The planner's inputs are the evaluation's stripped edits (tools/eval/strip.py, from the frozen truth), so nothing
marked steers it; the overlays are checked against the XML read with lxml."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import CORPUS, corpus_files, corpus_id, eval_case_without_music, read_once, run_cli
from lxml import etree

from otio_scoreplan.errors import InputError
from otio_scoreplan.plan import default_rules, make_plan
from otio_scoreplan.plan.auto import stills_montages
from otio_scoreplan.plan.context import CutInfo
from otio_scoreplan.plan.rules import merge_rules

KINDS = {"title", "lower_third", "graphic", "overlay"}


@pytest.mark.parametrize("path", corpus_files(), ids=corpus_id)
def test_overlays_lie_in_the_sequence_with_a_kind(path: Path) -> None:
    try:
        _, analysis = read_once(path)
    except InputError:
        pytest.skip("the reader refuses it")
    n = analysis.sequence.duration_frames
    assert analysis.overlays == sorted(analysis.overlays, key=lambda o: (o.start_frame, o.end_frame, o.track))
    for o in analysis.overlays:
        assert 0 <= o.start_frame < o.end_frame <= n and o.kind in KINDS and o.track.startswith("V"), o


def test_supers_titles_and_graphics_are_kept_over_picture() -> None:
    """Thinfilm: a graphic render from '04-Grafikk' and two supers on V2 over the interviews; the supers are no
    shots (a lower third is no cut), yet the analysis keeps them, as `inspect --json` shows."""
    path = CORPUS / "premiere" / "nrk_Thinfilm_3_-_fra_premiere.xml"
    _, analysis = read_once(path)
    by_name = {o.name: o for o in analysis.overlays}
    assert by_name["ThinfilmG.mov"].kind == "graphic" and by_name["ThinfilmG.mov"].over_picture
    for name in ("super V oppe små", "super V nede små"):
        assert by_name[name].kind == "lower_third" and by_name[name].track == "V2" and by_name[name].over_picture
        assert name not in {s.name for s in analysis.shots}
    out = run_cli("inspect", str(path), "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert {(o["name"], o["kind"]) for o in doc["overlays"]} == {(o.name, o.kind) for o in analysis.overlays}
    assert all(o["start_timecode"] and o["end_timecode"] for o in doc["overlays"])


def test_overlay_kinds_on_real_exports() -> None:
    """Melkekartong's supers are After Effects renders from a '09-Super' folder (counted in the XML with lxml);
    its programme title is a text generator; BroShow's end-credits roll is 'Rulletekst'; Lego's stills are graphics
    and its Motion supers lower thirds."""
    melk = CORPUS / "premiere" / "nrk_melkekartong_master_v7.xml"
    _, analysis = read_once(melk)
    supers = [o for o in analysis.overlays if "09-Super" in unquote(o.source)]
    tree = etree.parse(str(melk))
    files = {f.get("id"): unquote(f.findtext("pathurl") or "") for f in tree.iter("file") if f.findtext("pathurl")}
    sequence = tree.find("sequence")
    items = [c for c in sequence.find("media").find("video").iter("clipitem")
             if "09-Super" in files.get(c.find("file").get("id") if c.find("file") is not None else "", "")]
    assert supers and len(supers) == len(items)
    assert all(o.kind == "lower_third" for o in supers)
    assert {o.kind for o in analysis.overlays if o.name == "Klimabløffen"} == {"title"}
    _, bro = read_once(CORPUS / "premiere" / "nrk_BroShow_ep_Fordommer.xml")
    assert [o.kind for o in bro.overlays if o.name == "Rulletekst"] == ["title"]
    _, lego = read_once(CORPUS / "other" / "nrk_fcp_legacy_NGxx13_Lego_cec.xml")
    assert {o.kind for o in lego.overlays if o.name.startswith("Super_Liten")} == {"lower_third"}
    assert sum(o.kind == "graphic" and o.source.lower().endswith(".jpg") for o in lego.overlays) >= 15


def test_a_photo_montage_starts_a_cue(tmp_path: Path) -> None:
    """Lego (its music taken out): the editor started cues at its three runs of stills (88.2 s, 124.8 s, 291.0 s);
    the montage at 124.8 s lies inside a proposed cue and starts a cue of its own there. The share of music is
    the same with the rule off, where no cue starts there."""
    lego = eval_case_without_music("lego", tmp_path)
    rate = lego.sequence.rate
    montages = stills_montages(CutInfo(lego, default_rules()))
    assert [round(m.start_frame / rate, 1) for m in montages] == [88.2, 124.8, 291.0]
    assert all(m.count >= 3 for m in montages)
    plan = make_plan([lego])
    starts = {c.start_frame: c for c in plan.cues}
    second = montages[1].start_frame
    assert second in starts and any("montage of" in r for r in starts[second].reasons)
    off = make_plan([lego], merge_rules(default_rules(), {"auto": {"montage_stills": 0}}))
    assert second not in {c.start_frame for c in off.cues}
    covered = lambda p: sum(c.end_frame - c.start_frame for c in p.cues)  # noqa: E731
    assert covered(plan) == covered(off)


def test_lower_thirds_are_no_montage(tmp_path: Path) -> None:
    """Melkekartong has runs of supers (names over interviews) and titles but no stills: no montage, and the plan
    is the plan with the rule off."""
    melk = eval_case_without_music("melkekartong", tmp_path)
    assert sum(o.kind == "lower_third" for o in melk.overlays) >= 8
    assert stills_montages(CutInfo(melk, default_rules())) == []
    on, off = make_plan([melk]), make_plan([melk], merge_rules(default_rules(), {"auto": {"montage_stills": 0}}))
    assert [(c.start_frame, c.end_frame) for c in on.cues] == [(c.start_frame, c.end_frame) for c in off.cues]


def test_the_programme_title_starts_a_cue(tmp_path: Path) -> None:
    """Melkekartong opens on a cold open; its title 'Klimabløffen' (a text generator over picture at 12.5 s) is where
    the editor's first cue came in (10.9 s). The opening proposal runs from the first frame; a cue starts at the
    title, and none does with the rule off."""
    melk = eval_case_without_music("melkekartong", tmp_path)
    title = next(o for o in melk.overlays if o.name == "Klimabløffen")
    plan = make_plan([melk])
    at = {c.start_frame: c for c in plan.cues}
    assert title.start_frame in at and any("programme's title 'Klimabløffen'" in r for r in at[title.start_frame].reasons)
    assert not any(r.startswith("opens the programme") for r in at[title.start_frame].reasons)
    assert 0 in at  # the cold open keeps its own cue
    off = make_plan([melk], merge_rules(default_rules(), {"auto": {"title_starts_cue": False}}))
    assert title.start_frame not in {c.start_frame for c in off.cues}


def test_end_credits_roll_under_music(tmp_path: Path) -> None:
    """BroShow's credits ('Rulletekst', a generator on V6, 1171.6-1194.3 s) had music under them in the editor's
    cut; the proposal before them ended 2 s in. With the rule a cue plays over them and says 'End credits'."""
    bro = eval_case_without_music("broshow", tmp_path)
    credits = next(o for o in bro.overlays if o.name == "Rulletekst")
    span = credits.end_frame - credits.start_frame

    def over(plan) -> list:
        return [c for c in plan.cues if min(c.end_frame, credits.end_frame) - max(c.start_frame, credits.start_frame) >= span / 2]

    plan = make_plan([bro])
    cues = over(plan)
    assert cues and cues[0].description.startswith("End credits")
    assert any(r.startswith("end credits roll under music") for r in cues[0].reasons)
    assert not over(make_plan([bro], merge_rules(default_rules(), {"auto": {"credits_cue": False}})))


def test_sync_bites_one_after_another_are_talk(tmp_path: Path) -> None:
    """Thinfilm (music taken out): 2:13-3:01 is interview bites of several sources, none 16 s long, under all of it;
    the editor laid no music there. With the rule it is left free and the plan says why; without it a cue is
    proposed over it."""
    thin = eval_case_without_music("thinfilm", tmp_path)
    rate = thin.sequence.rate
    frame = round(150 * rate)
    plan = make_plan([thin])
    assert not any(c.start_frame <= frame < c.end_frame for c in plan.cues)
    free = next(f for f in plan.without_music if f.start_frame <= frame < f.end_frame)
    assert any(w.startswith("sync bites one after another") for w in free.why)
    off = make_plan([thin], merge_rules(default_rules(), {"auto": {"sync_wall_share": 0.0}}))
    assert any(c.start_frame <= frame < c.end_frame for c in off.cues)
