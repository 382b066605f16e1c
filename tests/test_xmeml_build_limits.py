"""How many items an xmeml may make: nested sequences used many times multiply their items at every
level, so a few KB of XML can ask for millions of OTIO objects. The builder counts them (each nested
sequence once per use) before building anything and refuses beyond ``MAX_ITEMS`` with one line."""

from __future__ import annotations

import resource
from pathlib import Path

import opentimelineio as otio
import pytest
from hostile.harness import Sandbox, problems, run_subprocess, snapshot

from otio_scoreplan.errors import InputError
from otio_scoreplan.formats import read_source
from otio_scoreplan.formats.xmeml import build as xmeml_build

MEMORY = 1536 * 2**20  # address space of the whole process, as test_hostile's big-EDL run


def nested_xmeml(width: int, depth: int) -> str:
    """The reviewer's nest.py: a sequence of ``width`` clips, each a use of the next level's sequence
    (written out once, referenced by id after), ``depth`` levels down to media clips. It makes
    width + width**2 + ... + width**(depth + 1) items."""
    def clip(i: int, level: int) -> str:
        if level == depth:
            inner = ('<file id="f1"><name>a.mov</name><pathurl>file:///a.mov</pathurl><rate><timebase>24</timebase></rate>'
                     '<duration>1000</duration></file>') if i == 0 else '<file id="f1"/>'
        else:
            inner = sequence(level + 1) if i == 0 else f'<sequence id="s{level + 1}"/>'
        return (f'<clipitem id="c{level}-{i}"><name>c{level}-{i}</name><start>{i * 10}</start><end>{i * 10 + 10}</end>'
                f'<in>0</in><out>10</out>{inner}</clipitem>')

    def sequence(level: int) -> str:
        items = "".join(clip(i, level) for i in range(width))
        return (f'<sequence id="s{level}"><name>S{level}</name><rate><timebase>24</timebase></rate>'
                f'<media><video><track>{items}</track></video></media></sequence>')

    return f'<?xml version="1.0" encoding="UTF-8"?><xmeml version="4">{sequence(0)}</xmeml>'


def _items(width: int, depth: int) -> int:
    return sum(width ** k for k in range(1, depth + 2))


def _built_items(composable: otio.core.Composable) -> int:
    """Items of a built timeline's tracks, nested stacks' tracks included (gaps are not items)."""
    total = 0
    for track in composable:
        for item in track:
            if isinstance(item, otio.schema.Gap):
                continue
            total += 1
            if isinstance(item, otio.schema.Stack):
                total += _built_items(item)
    return total


@pytest.mark.parametrize("width,depth", [(10, 7), (10, 5)])
def test_reviewer_nesting_is_refused_in_bounded_memory(width: int, depth: int, tmp_path: Path) -> None:
    """8-11 KB asking for 1.1 million and 111 million items (each ~2 KB of OTIO objects and analysis):
    exit 2 with one line naming the file and the count, in a process capped at 1.5 GB (it ended in
    MemoryError, exit 3, when the cap was only checked while building)."""
    box = Sandbox(tmp_path)
    target = box.put(f"nest{width}_{depth}.xml", nested_xmeml(width, depth).encode())
    assert target.stat().st_size < 12_000
    cap = lambda: resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))  # noqa: E731
    before = snapshot(box.root)
    run = run_subprocess(["inspect", "--json", str(target)], cwd=box.cwd, timeout=300, preexec_fn=cap)
    assert problems(run, [target.name], before, snapshot(box.root), expect=2) == []
    assert f"{_items(width, depth):,} items" in run.stderr and f"{xmeml_build.MAX_ITEMS:,}" in run.stderr


def test_the_count_is_the_number_built_and_the_cap_is_inclusive(monkeypatch, tmp_path: Path) -> None:
    """3 clips, each a use of a 3-clip sequence, each a use of a 3-clip one: 3 + 9 + 27 = 39 items, all
    built under a cap of 39; a cap of 38 refuses the file before any nested sequence is built."""
    path = tmp_path / "nest.xml"
    path.write_text(nested_xmeml(3, 2), encoding="utf-8")
    monkeypatch.setattr(xmeml_build, "MAX_ITEMS", 39)
    timeline = read_source(path).timeline
    assert _built_items(timeline.tracks) == _items(3, 2) == 39

    filled: list[str] = []
    fill = xmeml_build.SequenceBuilder._fill

    def recording(self, stack, *args, **kwargs):
        filled.append(stack.name)
        return fill(self, stack, *args, **kwargs)

    monkeypatch.setattr(xmeml_build, "MAX_ITEMS", 38)
    monkeypatch.setattr(xmeml_build.SequenceBuilder, "_fill", recording)
    with pytest.raises(InputError) as info:
        read_source(path)
    assert "39 items" in str(info.value) and "\n" not in str(info.value) and path.name in str(info.value)
    assert filled == ["S0"]  # the top level's tracks only: no nested sequence was built


def test_a_flat_sequence_beyond_the_cap_is_refused(monkeypatch, tmp_path: Path) -> None:
    """No nesting: the items are held to the cap as the tracks are built."""
    path = tmp_path / "flat.xml"
    path.write_text(nested_xmeml(12, 0), encoding="utf-8")
    monkeypatch.setattr(xmeml_build, "MAX_ITEMS", 12)
    assert _built_items(read_source(path).timeline.tracks) == 12
    monkeypatch.setattr(xmeml_build, "MAX_ITEMS", 11)
    with pytest.raises(InputError, match="holds 12 items"):
        read_source(path)


def test_nesting_beyond_the_depth_limit_is_not_counted(monkeypatch, tmp_path: Path) -> None:
    """Sequences deeper than MAX_DEPTH are read as empty stacks, so their items are not counted against
    the cap: nesting 20 levels deep (one use per level) reads under a cap of the items actually built."""
    path = tmp_path / "deep.xml"
    path.write_text(nested_xmeml(1, 20), encoding="utf-8")
    built = _items(1, xmeml_build.MAX_DEPTH + 1)  # the top level and MAX_DEPTH + 1 nested ones are built
    monkeypatch.setattr(xmeml_build, "MAX_ITEMS", built)
    source = read_source(path)
    assert _built_items(source.timeline.tracks) == built
    assert any("deeper than" in w for w in source.warnings)
