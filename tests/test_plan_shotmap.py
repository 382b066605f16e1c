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


def _sourced(*spec: tuple[str, int, int]) -> list[Shot]:
    """Shots end to end as (media, first media frame, length)."""
    out, at = [], 0
    for name, first, length in spec:
        out.append(Shot(at, at + length, name, source=f"/media/{name}.mov", source_start_frame=first))
        at += length
    return out


SOURCED = _sourced(("a", 1000, 100), ("b", 2000, 50), ("c", 3000, 80), ("d", 4000, 70))


def test_a_head_trim_is_placed_by_its_media_frames() -> None:
    m = shot_map([asdict(s) for s in SOURCED], _sourced(("a", 1000, 100), ("b", 2000, 50), ("c", 3030, 50),
                                                        ("d", 4000, 70)))  # c lost its first 30 frames
    assert m.heads == (0, 0, 30, 0)
    assert [m.frame(f) for f in (150, 179, 180, 229, 230)] == [150, 150, 150, 199, 200]  # c's frame 30 is its first
    assert m.head_lost(150, 300) == 30 and m.head_lost(170, 300) == 10 and m.head_lost(180, 300) == 0
    assert m.head_lost(100, 300) == 0  # b's picture is still there: nothing lost at the head
    assert m.span(150, 175) == (150, 150)  # a cue wholly on the trimmed frames: its picture is gone
    assert m.span(190, 260) == (160, 230)  # the rest follows its picture, 30 frames earlier
    # the same trim without media frames (a plan written before them) is taken as a tail trim
    legacy = [{k: v for k, v in asdict(s).items() if k != "source_start_frame"} for s in SOURCED]
    m = shot_map(legacy, _sourced(("a", 1000, 100), ("b", 2000, 50), ("c", 3030, 50), ("d", 4000, 70)))
    assert m.heads == (0, 0, 0, 0) and m.frame(150) == 150 and m.frame(190) == 190 and m.head_lost(150, 300) == 0


def test_a_longer_head_and_a_slip_follow_the_media() -> None:
    m = shot_map([asdict(s) for s in SOURCED], _sourced(("a", 1000, 100), ("b", 1990, 60), ("c", 3000, 80),
                                                        ("d", 4000, 70)))  # b extended 10 frames at its head
    assert m.heads[1] == -10 and m.frame(100) == 110 and m.frame(149) == 159 and m.frame(150) == 160
    m = shot_map([asdict(s) for s in SOURCED], _sourced(("a", 1000, 100), ("b", 2020, 50), ("c", 3000, 80),
                                                        ("d", 4000, 70)))  # b slipped 20 frames later in its media
    assert m.heads[1] == 20 and m.head_lost(100, 150) == 20 and m.frame(130) == 110


def test_takes_of_one_reel_are_told_apart_by_their_media_frames() -> None:
    takes = [Shot(0, 100, "001", source="A", source_start_frame=5000), Shot(100, 200, "002", source="B",
             source_start_frame=100), Shot(200, 300, "003", source="A", source_start_frame=9000)]
    swapped = [Shot(0, 100, "001", source="A", source_start_frame=9000), takes[1],
               Shot(200, 300, "003", source="A", source_start_frame=5000)]
    m = shot_map([asdict(s) for s in takes], swapped)
    assert m.targets == ((200, 300), (100, 200), (0, 100)) and sum(m.moved) == 2  # one stays in order
    assert m.span(200, 300) == (0, 100)
    # without media frames the two takes are one key: each stays where it was
    legacy = [{k: v for k, v in asdict(s).items() if k != "source_start_frame"} for s in takes]
    m = shot_map(legacy, swapped)
    assert m.targets == ((0, 100), (100, 200), (200, 300)) and not any(m.moved)


def test_shots_grouped_through_a_third_still_need_media_in_common() -> None:
    """Old take x shows media 1000-1100; the recut has x at 1120-1220 in its place and x at 1050-1150 elsewhere:
    all three are one group (through the third), but the one in x's place shares no frame with it: not x."""
    old = [Shot(0, 100, "x", source="A", source_start_frame=1000), Shot(100, 200, "y", source="B", source_start_frame=0)]
    new = [Shot(0, 100, "x", source="A", source_start_frame=1120), Shot(100, 200, "y", source="B", source_start_frame=0),
           Shot(200, 300, "x", source="A", source_start_frame=1050)]
    m = shot_map([asdict(s) for s in old], new)
    assert m.targets == (None, (100, 200)) and m.span(0, 100) == (100, 100)  # x's picture is not at frame 0
    assert shot_map([asdict(s) for s in old], new[:2]).targets == (None, (100, 200))  # two groups: not x either
