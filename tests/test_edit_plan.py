"""The music editor's cut, decided in seconds (audio/edit_plan.py), on pieces described by hand.

Each piece here is a PieceAnalysis written out: 2-second bars, four sections (a quiet intro, a body, a
climax, an outro) and an ending. The rules pinned: the button lands on the out, edits sit on bar lines a
bar from any hit, a short piece repeats bars that hold no climax, a soft entry starts quietly, a hit lands
on a strong onset, a segue keeps the piece's ending out.
"""

from __future__ import annotations

import pytest

from otio_scoreplan.audio.edit_plan import CutRequest, EditPlan, plan_edit
from otio_scoreplan.library.analysis import Ending, PieceAnalysis, Section

BAR = 2.0
FRAME = 1 / 24


def piece(duration: float = 60.0, ending: Ending = Ending("button", 56.0, 59.0), onsets: dict[float, float] | None = None,
          sections: tuple[Section, ...] | None = None) -> PieceAnalysis:
    bars = tuple(i * BAR for i in range(int(duration / BAR)))
    beats = tuple(i * BAR / 4 for i in range(int(duration / BAR) * 4))
    found = dict.fromkeys(beats, 0.2) | (onsets or {})
    secs = sections or (Section(0, 16, 0.3, "intro"), Section(16, 32, 0.6, "body"), Section(32, 48, 1.0, "climax"),
                        Section(48, duration, 0.5, "outro"))
    return PieceAnalysis(duration, 120.0, beats, bars, 4, tuple(sorted(found)), tuple(found[t] for t in sorted(found)),
                         secs, ending, 3.0, (), True)


def check_tiles(plan: EditPlan, request: CutRequest) -> None:
    """The spans follow each other without gap or overlap from -lead to the out plus the tail."""
    assert plan.spans[0].at == pytest.approx(-request.lead)
    for a, b in zip(plan.spans, plan.spans[1:]):
        assert b.at == pytest.approx(a.end)
    assert plan.spans[-1].end == pytest.approx(request.length + plan.tail)


def check_edits_on_bars(plan: EditPlan, p: PieceAnalysis, request: CutRequest) -> None:
    """Every join leaves a span on a bar line and enters the next on one, a bar from every hit."""
    for a, b in zip(plan.spans, plan.spans[1:]):
        assert min(abs(a.source + a.length - t) for t in p.bars) < 1e-6, a
        assert min(abs(b.source - t) for t in p.bars) < 1e-6, b
        assert all(abs(b.at - h) >= BAR - 1e-6 for h in request.hits)


def plays(plan: EditPlan, a: float, b: float) -> float:
    """Seconds of piece time ``[a, b)`` the plan plays (counting repeats)."""
    return sum(max(0.0, min(b, s.source + s.length) - max(a, s.source)) for s in plan.spans)


@pytest.mark.parametrize("length", [12.3, 30.0, 41.7, 55.0])
def test_a_hard_out_lands_the_button_on_the_out(length: float) -> None:
    p = piece()
    request = CutRequest(length)
    plan = plan_edit(p, request)
    assert plan is not None and plan.button_at == pytest.approx(length, abs=FRAME / 2)
    check_tiles(plan, request)
    check_edits_on_bars(plan, p, request)


def test_the_decay_rings_past_the_out_as_the_tail() -> None:
    plan = plan_edit(piece(), CutRequest(30.0, tail=2.0))
    assert plan.tail == pytest.approx(2.0)
    last = plan.spans[-1]
    assert last.source + (30.0 - last.at) == pytest.approx(56.0)  # the button at the out, its decay after it


def test_a_longer_piece_loses_whole_bars() -> None:
    p = piece(duration=120.0, ending=Ending("button", 116.0, 119.0),
              sections=(Section(0, 24, 0.2, "intro"), Section(24, 100, 0.8, "body"), Section(100, 120, 0.7, "outro")))
    request = CutRequest(30.0, entry="fade_in")
    plan = plan_edit(p, request)
    assert len(plan.spans) == 2
    removed = plan.spans[1].source - (plan.spans[0].source + plan.spans[0].length)
    assert removed / BAR == pytest.approx(round(removed / BAR)) and removed > 0
    check_edits_on_bars(plan, p, request)


@pytest.mark.parametrize("length", [100.0, 158.0])
def test_a_shorter_piece_repeats_bars_but_never_its_climax(length: float) -> None:
    p = piece()
    request = CutRequest(length)
    plan = plan_edit(p, request)
    check_tiles(plan, request)
    check_edits_on_bars(plan, p, request)
    assert plan.button_at == pytest.approx(length, abs=FRAME / 2)
    assert plays(plan, 32.0, 48.0) <= 16.0 + 1e-6, "the climax plays once at most"
    assert len(plan.spans) > 1


def test_a_soft_entry_starts_in_a_quiet_section() -> None:
    p = piece(duration=120.0, ending=Ending("button", 116.0, 119.0),
              sections=(Section(0, 24, 0.2, "intro"), Section(24, 60, 0.8, "body"), Section(60, 90, 1.0, "climax"),
                        Section(90, 120, 0.6, "outro")))
    soft = plan_edit(p, CutRequest(40.0, entry="fade_in"))
    assert soft.spans[0].source < 24.0 - BAR, "a fade-in starts in the quiet intro"
    hard = plan_edit(p, CutRequest(40.0, entry="hard_in"))
    assert hard.spans[0].source >= 24.0 - 1e-6, "a hard entry starts where the music has energy"


@pytest.mark.parametrize("onsets, lands", [({37.0: 1.0, 21.25: 0.7}, 37.0), ({37.5: 1.0}, 37.5)])
def test_a_hit_lands_on_a_strong_onset_and_edits_keep_a_bar_away(onsets: dict[float, float], lands: float) -> None:
    p = piece(duration=90.0, ending=Ending("button", 86.0, 89.0), onsets=onsets)
    request = CutRequest(40.0, hits=(13.0,))
    plan = plan_edit(p, request)
    at_hit = [s for s in plan.spans if s.at <= 13.0 < s.end][0]
    assert at_hit.source + 13.0 - at_hit.at == pytest.approx(lands) == plan.hit_source
    check_tiles(plan, request)
    check_edits_on_bars(plan, p, request)
    if lands == 37.0:  # on the beat grid: the hit and the button both land
        assert plan.button_at == pytest.approx(40.0, abs=FRAME / 2)
    else:  # half a bar off the grid: the ending gives way to the hit (early, so its decay still reaches the out)
        assert plan.button_at is not None and 40.0 - BAR < plan.button_at < 40.0


def test_a_segue_keeps_the_ending_out_and_plays_past_the_cut() -> None:
    p = piece()
    request = CutRequest(30.0, entry="segue", exit="segue", lead=1.0, tail=1.0)
    plan = plan_edit(p, request)
    check_tiles(plan, request)
    assert plan.button_at is None and plan.tail == pytest.approx(1.0)
    assert all(s.source + s.length <= 56.0 + 1e-6 for s in plan.spans), "the button stays out of a segue"
    assert p.sections[0].label == "intro" and plan.spans[0].source >= 16.0 - 1e-6, "a segue enters with energy"


def test_a_fade_ending_puts_its_last_bar_line_on_a_hard_out() -> None:
    p = piece(ending=Ending("fade", 51.3, 59.0))
    plan = plan_edit(p, CutRequest(25.0))
    assert plan.button_at == pytest.approx(25.0, abs=FRAME / 2)
    last = plan.spans[-1]
    assert last.source + 25.0 - last.at == pytest.approx(50.0)  # the last bar line before the fade


def test_a_piece_without_bars_is_not_cut() -> None:
    p = PieceAnalysis(10.0, 0.0, (), (), 4, (), (), (), Ending("cut", 10.0, 10.0), 1.0, (), True)
    assert plan_edit(p, CutRequest(5.0)) is None
