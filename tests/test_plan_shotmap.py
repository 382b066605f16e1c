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


def _edl_shots(*reels: str, length: int = 100) -> list[Shot]:
    """Shots as an EDL without clip names gives them: named by event number, the reel as source."""
    return [Shot(i * length, (i + 1) * length, f"{i + 1:03d}", source=reel) for i, reel in enumerate(reels)]


def test_event_numbers_are_not_identity_so_a_renumbered_list_still_maps() -> None:
    old = [asdict(s) for s in _edl_shots("A", "B", "C", "D", "E")]
    m = shot_map(old, _edl_shots("A", "C", "D", "E"))  # B deleted: C, D, E renumbered 002-004
    assert [m.frame(f) for f in (0, 150, 250, 350, 450)] == [0, 100, 150, 250, 350]
    assert m.span(300, 400) == (200, 300) and m.span(120, 180) == (100, 100)
    # a real clip name that is all letters still tells two takes of one reel apart
    named = [Shot(0, 100, "take1", source="A"), Shot(100, 200, "take2", source="A")]
    assert shot_map([asdict(s) for s in named], named[1:]).span(0, 100) == (100, 100)  # take1 is gone


def test_moved_material_is_matched_only_when_its_key_is_unique_in_both_cuts() -> None:
    old = [asdict(s) for s in _shots(("a", 100), ("b", 100), ("c", 100), ("d", 100), ("e", 100))]
    m = shot_map(old, _shots(("a", 100), ("d", 100), ("b", 100), ("c", 100), ("e", 100)))  # d moved before b
    assert m.span(300, 400) == (100, 200) and m.moved_in(300, 400) and not m.moved_in(100, 300)
    assert m.span(100, 300) == (200, 400)  # b and c in order, one shot later
    assert m.span(250, 350) == (350, 400)  # half on c, half on moved d: c's half (the first of equals) stands
    assert m.span(280, 400) == (100, 200)  # most of it on d: d's part stands
    # a reel used twice in either cut is not moved material: its frames go where the next shared shot starts
    dup = [asdict(s) for s in _edl_shots("A", "D", "B", "C", "X")]
    m = shot_map(dup, _edl_shots("A", "B", "C", "D", "D", "X"))
    assert not any(m.moved) and m.frame(150) == 100 and m.span(100, 200) == (100, 100)
    m = shot_map(dup, _edl_shots("A", "B", "C", "D", "X"))  # once in each: moved
    assert m.moved == (False, True, False, False, False) and m.span(100, 200) == (300, 400)


def test_too_little_picture_in_common_leaves_frames_where_they_are() -> None:
    old = [asdict(s) for s in _edl_shots("A", "B", "C", "D", "E")]
    assert shot_map(old, _edl_shots("A", "P", "Q", "R", "S")) is None  # 1 of 5 shots: under a quarter
    assert shot_map(old, _edl_shots("A", "B", "Q", "R", "S")) is not None  # 2 of 5


def test_frames_lost_at_a_ranges_head() -> None:
    old = [asdict(s) for s in _shots(("a", 100), ("b", 50), ("c", 80), ("d", 70))]
    m = shot_map(old, _shots(("a", 100), ("c", 30), ("d", 70)))  # b gone, c cut to 30 frames
    assert m.head_lost(100, 300) == 50  # b's frames before c's first
    assert m.head_lost(110, 300) == 40 and m.head_lost(160, 300) == 0
    assert m.head_lost(200, 260) == 30  # c's last 50 frames are gone: those before d
    assert m.head_lost(0, 300) == 0
