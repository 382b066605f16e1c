"""Recut conform: a kept temp edited where the picture was, so what follows stays in sync (audio/conform.py).

By hand: exactly the picture's length comes out (or goes in) at the bar line nearest the picture edit.
On real music (wesnoth-1.16-music): a cue's temp kept through a recut that took 8 s out of its middle;
after the edit the new render matches the old render at the mapped frames (cross-correlation, lag within a
frame), the plan keeps the cut and the edits (``temp.cut``, ``temp.edits``) and a second recut builds on them.
"""

from __future__ import annotations

import numpy as np
import pytest

from otio_scoreplan.audio.conform import conform, fitted_to
from otio_scoreplan.audio.edit_plan import Span
from otio_scoreplan.audio.render import prepare
from otio_scoreplan.library.choose import Pick
from otio_scoreplan.library.cuespec import CueSpec
from otio_scoreplan.model import SequenceInfo
from otio_scoreplan.plan.model import Cue, CueChange, Edge, Plan, TempPick, plan_to_json
from otio_scoreplan.plan.recut_edits import PictureEdit
from otio_scoreplan.tempscore import conform_temp

RATE = 24.0
SR = 48_000
BARS = [i * 2.0 for i in range(100)]  # a bar every 2 s


def test_a_removal_takes_exactly_the_picture_length_at_the_nearest_bar_line() -> None:
    spans = [Span(0.0, 10.0, 40.0)]  # the piece from 10 s: bar lines at cue 0, 2, 4 ...
    out, made = conform(spans, [PictureEdit(at=int(20.7 * RATE), previous_at=int(20.7 * RATE), removed=int(5.5 * RATE))],
                        RATE, BARS)
    assert [m.at for m in made] == [20.0] and made[0].removed == pytest.approx(5.5)
    assert out == [Span(0.0, 10.0, 20.0), Span(20.0, 35.5, 14.5)]  # cue 20 plays what cue 25.5 played


def test_an_addition_plays_the_music_before_it_again_and_edits_build_in_order() -> None:
    spans = [Span(0.0, 0.0, 30.0)]
    edits = [PictureEdit(at=96, previous_at=96, added=48), PictureEdit(at=480 + 48, previous_at=480, removed=24)]
    out, made = conform(spans, edits, RATE, BARS)
    assert [(m.at, m.added, m.removed) for m in made] == [(4.0, 2.0, 0.0), (22.0, 0.0, 1.0)]
    assert out[0] == Span(0.0, 0.0, 4.0) and (out[1].at, out[1].source) == (4.0, 2.0)  # 2-4 s again, then on
    assert sum(s.length for s in out) == pytest.approx(30.0 + 2.0 - 1.0)
    assert fitted_to(out, 20.0)[-1].end == pytest.approx(20.0)


def test_no_bar_line_near_the_picture_edit_edits_at_the_picture() -> None:
    out, made = conform([Span(0.0, 0.0, 30.0)], [PictureEdit(at=240, previous_at=240, removed=24)], RATE, [0.0],
                        tolerance=2.0)
    assert made[0].at == pytest.approx(10.0) and out[1] == Span(10.0, 11.0, 19.0)


def test_a_head_trim_starts_the_music_later_with_no_edit_inside_the_cue() -> None:
    """Picture trimmed from the cue's head (previous_at 0): the music's head is trimmed by exactly that much,
    not cut at the nearest bar line inside the cue; a later edit is placed in the conformed cut's time."""
    spans = [Span(0.0, 10.0, 40.0)]
    edits = [PictureEdit(at=0, previous_at=0, removed=36), PictureEdit(at=int(20.0 * RATE) - 36, previous_at=480, removed=24)]
    out, made = conform(spans, edits, RATE, BARS)
    assert (made[0].at, made[0].removed) == (0.0, pytest.approx(1.5))
    assert out[0] == Span(0.0, 11.5, pytest.approx(18.5))  # no join near the head: one span up to the next edit
    assert made[1].at == pytest.approx(18.5) and made[1].removed == pytest.approx(1.0)  # a bar line of the piece
    assert sum(s.length for s in out) == pytest.approx(40.0 - 1.5 - 1.0)


def test_picture_put_before_the_cue_plays_the_piece_from_earlier_when_it_reaches_back() -> None:
    out, made = conform([Span(0.0, 10.0, 30.0)], [PictureEdit(at=0, previous_at=0, added=48)], RATE, BARS)
    assert out == [Span(0.0, 8.0, 32.0)] and (made[0].at, made[0].added) == (0.0, 2.0)
    # the piece's own start: nothing before it, so the first bars are played again inside the cue
    out, made = conform([Span(0.0, 1.0, 30.0)], [PictureEdit(at=0, previous_at=0, added=48)], RATE, BARS)
    assert made[0].at > 0 and len(out) > 1 and sum(s.length for s in out) == pytest.approx(32.0)


def _xcorr_lag(a: np.ndarray, b: np.ndarray, reach: int) -> tuple[int, float]:
    """The lag (samples) of ``b`` against ``a`` in ``[-reach, reach]`` with the best normalised correlation."""
    best = (0, -1.0)
    x = a.mean(axis=1)
    for lag in range(-reach, reach + 1, 10):
        y = b[reach + lag : reach + lag + len(x)].mean(axis=1)
        c = float(np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y) + 1e-12))
        best = max(best, (lag, c), key=lambda t: t[1])
    return best


def test_a_recut_is_conformed_at_its_edit_point_on_real_music() -> None:
    from test_cut import SEQ, real

    piece = real("battle.ogg")
    seq: SequenceInfo = SEQ
    old = Cue(0, 60 * 24, id="5M1", exit=Edge("hard_out"), temp=TempPick(str(piece), "battle"))
    removed_at, removed = 25 * 24, 8 * 24
    new = Cue(0, 52 * 24, id="5M1", exit=Edge("hard_out"), temp=old.temp,
              recut=CueChange("shortened", "5M1", 0, 60 * 24, 0, -removed, ("temp",),
                              edits=(PictureEdit(removed_at, removed_at, removed=removed),)))
    plan = Plan(sequences=[seq], fingerprints=[""], cues=[new])
    conformed = conform_temp(new, plan, piece)
    temp = plan_to_json(Plan(sequences=[seq], fingerprints=[""], cues=[conformed]))["cues"][0]["temp"]
    assert temp["edits"] and temp["edits"][0]["removed"] == pytest.approx(8.0) and temp["cut"]
    assert any("conformed" in n for n in conformed.recut.notes)

    def render(cue: Cue) -> np.ndarray:
        spec = CueSpec.from_cue(cue, RATE)
        return prepare(spec, Pick(spec.id, str(piece), "battle", 0.0, "t"), seq)[0].samples

    before, after = render(old), render(conformed)
    edit_at = temp["edits"][0]["at"]
    assert abs(edit_at - 25.0) <= 2.0
    leaving = next(Span(*c) for c in temp["cut"] if abs(c[0] + c[2] - edit_at) < 1e-6)  # the music leaves on a bar line
    assert min(abs(leaving.source + leaving.length - b) for b in _bars(piece)) < 1e-3
    reach = 3 * 2000
    for t in (edit_at + 1.0, 35.0, 45.0):  # after the edit: the new cue at t plays what the old one did at t + 8 s
        a = after[int(t * SR) : int(t * SR) + SR]
        b = before[int((t + 8.0) * SR) - reach : int((t + 8.0) * SR) + SR + reach]
        lag, corr = _xcorr_lag(a, b, reach)
        assert abs(lag) <= 2000 and corr > 0.9, (t, lag, corr)
    # a second recut builds on the kept cut: 2 s more out at 10 s
    again = Cue(0, 50 * 24, id="5M1", exit=Edge("hard_out"), temp=conformed.temp,
                recut=CueChange("shortened", "5M1", 0, 52 * 24, 0, -48, ("temp",), edits=(PictureEdit(240, 240, removed=48),)))
    second = conform_temp(again, Plan(sequences=[seq], fingerprints=[""], cues=[again]), piece)
    temp2 = plan_to_json(Plan(sequences=[seq], fingerprints=[""], cues=[second]))["cues"][0]["temp"]
    assert len(temp2["edits"]) == 2 and sum(c[2] for c in temp2["cut"]) == pytest.approx(50.0, abs=0.05)


def _bars(piece) -> list[float]:
    from otio_scoreplan.audio.cut import analysis_for

    return list(analysis_for(piece).bars)
