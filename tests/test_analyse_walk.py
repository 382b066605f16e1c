"""The analysis walks a timeline once: every item placed once, every object's metadata read once,
every media folder and track name judged once per run (see ``analyse.walk`` and ``analyse.music.RoleCache``).

Run over every corpus file (by glob) and the sample timelines, on the session's shared reads.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import opentimelineio as otio
import pytest
from analysis_builders import analysed, clip, cut, nest
from conftest import SAMPLES, corpus_files, corpus_id, read_once

from otio_scoreplan import otiometa
from otio_scoreplan.analyse import analyse, music
from otio_scoreplan.analyse.music import RoleCache, folder_role, name_role
from otio_scoreplan.analyse.walk import flattened, walk_timeline
from otio_scoreplan.errors import ScorePlanError

FILES = corpus_files() + sorted(p for p in SAMPLES.iterdir() if p.suffix in (".xml", ".fcpxml", ".edl", ".aaf", ".otio"))


def _file_id(path: Path) -> str:
    return path.name if path.parent == SAMPLES else corpus_id(path)


def _shared(path: Path):
    try:
        return read_once(path)
    except ScorePlanError as exc:
        pytest.skip(f"not readable alone: {exc.one_line()[:100]}")


@pytest.mark.parametrize("path", FILES, ids=_file_id)
def test_each_object_metadata_is_read_once_per_analysis(path: Path, monkeypatch) -> None:
    source, first = _shared(path)
    seen: Counter[int] = Counter()
    alive: list[object] = []  # keeps every object (and so its id) alive while counting
    real = otiometa.snapshot

    def counting(obj):
        seen[id(obj)] += 1
        alive.append(obj)
        return real(obj)

    monkeypatch.setattr(otiometa, "snapshot", counting)
    again = analyse(source)
    monkeypatch.undo()
    twice = [type(o).__name__ + " " + repr(getattr(o, "name", "")) for o in alive if seen[id(o)] > 1]
    assert not twice, f"metadata read more than once: {sorted(set(twice))[:5]}"
    assert again == first  # and the analysis is the one the session made


def _opened(item: otio.core.Composable) -> bool:
    """True when every track above ``item`` sits in a stack: the walk opens nested stacks, not a track
    laid directly in a track (Avid's nesting_test.aaf), which the picture shows as one nested shot."""
    parent = item.parent()
    while parent is not None:
        if isinstance(parent, otio.schema.Track) and not isinstance(parent.parent(), otio.schema.Stack):
            return False
        parent = parent.parent()
    return True


@pytest.mark.parametrize("path", FILES, ids=_file_id)
def test_walk_places_every_item_once_in_otio_order(path: Path) -> None:
    source, _ = _shared(path)
    walk = walk_timeline(source.timeline, source.rate)
    placed = [p.item for top in walk.tracks for p in flattened(top.placed.items)]
    in_stack = lambda c: isinstance(c, otio.schema.Track) and isinstance(c.parent(), otio.schema.Stack)  # noqa: E731
    expected = [c for c in source.timeline.tracks.find_children() if not in_stack(c) and _opened(c)]
    assert len(placed) == len(expected)
    assert all(a is b for a, b in zip(placed, expected))
    assert [top.track for top in walk.tracks] == list(source.timeline.tracks)


@pytest.mark.parametrize("path", FILES, ids=_file_id)
def test_role_cache_answers_as_the_plain_functions(path: Path) -> None:
    _, a = _shared(path)
    roles = RoleCache()
    for c in a.audio_clips:
        assert roles.folder(c.source) == folder_role(c.source)
        assert roles.folder(c.source) == folder_role(c.source)  # and again, from the memo
        assert roles.name(c.track_name) == name_role(c.track_name)


def test_a_folder_is_tokenised_once_per_run(monkeypatch) -> None:
    """Forty clips of one music folder, on two tracks: the folder's name and each track name are read once."""
    counted: Counter[str] = Counter()
    real = music.tokens

    def counting(text: str) -> list[str]:
        counted[text] += 1
        return real(text)

    monkeypatch.setattr(music, "tokens", counting)
    songs = [clip(f"song{i}.wav", 10, url=f"file:///P/Musikk/song{i % 4}.wav") for i in range(40)]
    a = analysed(cut([[clip("pic", 400)]], audio=[("Audio 1", songs[:20]), ("Audio 2", songs[20:])]))
    assert len(a.music) == 40 and all("music folder 'Musikk'" in m.evidence for m in a.music)
    assert counted["Musikk"] == 1
    assert counted["Audio 1"] == counted["Audio 2"] == 1


def test_nested_stack_items_are_placed_in_record_time() -> None:
    """A nest showing frames 10-40 of its content at record frame 50: its clips land at 50 + (content - 10)."""
    inner = [clip("a", 20), clip("b", 30)]
    tl = cut([[clip("pic", 50), nest("N", [inner], 10, 30)]])
    walk = walk_timeline(tl, 24.0)
    items = {p.item.name: (p.start, p.end, p.depth, p.parent_name) for p in flattened(walk.tracks[0].placed.items)}
    assert items["N"] == (50, 80, 0, "")
    assert items["a"] == (40, 60, 1, "N")
    assert items["b"] == (60, 90, 1, "N")
    shots = analysed(tl).shots
    assert [(s.start_frame, s.end_frame, s.name) for s in shots] == [(0, 50, "pic"), (50, 60, "a"), (60, 80, "b")]
