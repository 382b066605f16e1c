"""The previous cut's frames in a recut, through the shots both cuts hold (plan.shotmap)."""

from __future__ import annotations

from dataclasses import asdict

from otio_scoreplan.model import Shot
from otio_scoreplan.plan.shotmap import shot_map


def _shots(*spec: tuple[str, int]) -> list[Shot]:
    out, at = [], 0
    for name, length in spec:
        out.append(Shot(at, at + length, name, source=f"/media/{name}.mov"))
        at += length
    return out


OLD = _shots(("a", 100), ("b", 50), ("c", 80), ("d", 70))


def test_a_ripple_delete_moves_what_follows_and_sends_the_gone_shot_to_the_next() -> None:
    m = shot_map([asdict(s) for s in OLD], _shots(("a", 100), ("c", 80), ("d", 70)))
    assert [m.frame(f) for f in (0, 99, 100, 149, 150, 229, 230, 299)] == [0, 99, 100, 100, 100, 179, 180, 249]
    assert m.span(160, 240) == (110, 190)  # a cue over c and into d, 50 frames earlier
    assert m.span(110, 140) == (100, 100)  # a cue wholly on b: its picture is gone


def test_a_trim_clamps_inside_the_shot_and_an_insert_pushes_later_shots() -> None:
    m = shot_map([asdict(s) for s in OLD], _shots(("a", 60), ("x", 40), ("b", 50), ("c", 80), ("d", 70)))
    assert m.frame(30) == 30 and m.frame(99) == 59  # a lost 40 frames at its tail: its last frame is 59 now
    assert m.frame(100) == 100 and m.frame(160) == 160  # b and c where they were (a + x make 100 again)


def test_no_shot_in_common_is_no_map() -> None:
    assert shot_map([asdict(s) for s in OLD], _shots(("p", 100), ("q", 200))) is None
