"""The AAF builder (formats/aaf/build.py) against otio-aaf-adapter, which reads the same file independently.

On every AAF the builder accepts (corpus by glob, our sample, the generated bench files when present),
its timeline must match the adapter's: tracks, item kinds, names, source ranges, record ranges,
transitions, media references and the metadata our package reads. Files it refuses must be refused
for a structure it does not know, and then read through the adapter as before.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import aaf2
import opentimelineio as otio
import pytest
from conftest import CORPUS, SAMPLES, corpus_files, corpus_id

from otio_scoreplan.formats.aaf.build import build_timelines

BENCH = Path(__file__).resolve().parent.parent / "bench" / "out"
AAF_FILES = [p for p in corpus_files() if p.suffix.lower() == ".aaf"] + [SAMPLES / "avid_sample.aaf"]
BENCH_FILES = [BENCH / "gen" / "small.aaf", BENCH / "gen" / "reel.aaf"] + sorted((BENCH / "scaled").glob("*.aaf"))
# Files the builder must accept: plain Media Composer sequences (cuts, dissolves, locators, sound).
MUST_BUILD = {"simple.aaf", "transitions.aaf", "one_marker.aaf", "avid_sample.aaf", "small.aaf", "reel.aaf"}


def adapter_timelines(path: Path) -> list[otio.schema.Timeline]:
    with contextlib.redirect_stdout(io.StringIO()):
        result = otio.adapters.read_from_file(str(path), adapter_name="AAF")
    return _timelines(result)


def built_timelines(path: Path) -> list[otio.schema.Timeline] | None:
    with aaf2.open(str(path), "r") as f:
        result = build_timelines(f)
    return None if result is None else _timelines(result)


def _timelines(result: Any) -> list[otio.schema.Timeline]:
    if isinstance(result, otio.schema.Timeline):
        return [result]
    return [t for t in result if isinstance(t, otio.schema.Timeline)]


def _range(r: otio.opentime.TimeRange | None) -> Any:
    return None if r is None else (r.start_time.value, r.start_time.rate, r.duration.value, r.duration.rate)


def _aaf(obj: Any, *keys: str) -> dict:
    meta = obj.metadata.get("AAF", {})
    out = {}
    for key in keys:
        value = meta.get(key)
        if hasattr(value, "items"):
            value = {str(k): str(v) for k, v in value.items()}
        out[key] = value
    return out


def describe(timeline: otio.schema.Timeline) -> dict:
    """Everything of a timeline the reader and the analysis use, as plain data."""
    tracks = []
    for track in timeline.tracks:
        items = []
        ranges = track.range_of_all_children()
        for item in track:
            row: dict[str, Any] = {"type": type(item).__name__, "name": item.name}
            row.update(_aaf(item, "ClassName", "Name"))
            if isinstance(item, otio.schema.Transition):
                row.update(inn=_range(otio.opentime.TimeRange(item.in_offset, item.out_offset)), kind=item.transition_type)
            else:
                row.update(source=_range(item.source_range), record=_range(ranges[item]), enabled=item.enabled, effects=len(item.effects))
            if isinstance(item, otio.schema.Clip):
                row.update(_aaf(item, "MobID", "UserComments", "MediaKind"))
                row["refs"] = {
                    key: (type(ref).__name__, ref.name, getattr(ref, "target_url", None), _range(ref.available_range))
                    for key, ref in item.media_references().items()
                }
                row["active"] = item.active_media_reference_key
            items.append(row)
        tracks.append({"name": track.name, "kind": track.kind, "enabled": track.enabled, "source": _range(track.source_range),
                       "effects": len(track.effects), **_aaf(track, "ClassName", "Name"), "items": items})
    return {
        "name": timeline.name,
        "mob": _aaf(timeline, "MobID", "Name"),
        "start": None if timeline.global_start_time is None else (timeline.global_start_time.value, timeline.global_start_time.rate),
        "stack": (_range(timeline.tracks.source_range), len(timeline.tracks.effects), timeline.tracks.enabled),
        "tracks": tracks,
    }


def _check_same(path: Path) -> bool:
    built = built_timelines(path)
    if built is None:
        return False
    expected = adapter_timelines(path)
    assert [t.name for t in built] == [t.name for t in expected]
    for ours, theirs in zip(built, expected):
        mine, adapter = describe(ours), describe(theirs)
        assert len(mine["tracks"]) == len(adapter["tracks"])
        for a, b in zip(mine["tracks"], adapter["tracks"]):
            for x, y in zip(a.pop("items"), b.pop("items")):
                assert x == y
            assert a == b
        assert mine == adapter
    return True


@pytest.mark.parametrize("path", AAF_FILES, ids=lambda p: corpus_id(p) if CORPUS in p.parents else p.name)
def test_builder_matches_the_adapter_or_refuses(path: Path):
    accepted = _check_same(path)
    if path.name in MUST_BUILD:
        assert accepted, f"the builder refused {path.name}"


@pytest.mark.parametrize("path", [p for p in BENCH_FILES if p.exists()], ids=lambda p: p.name)
def test_builder_matches_the_adapter_on_generated_files(path: Path):
    accepted = _check_same(path)
    if path.name in MUST_BUILD:
        assert accepted


def test_unknown_structures_are_refused():
    """A SourceClip on a composition mob (nesting) and timewarps are left to the adapter."""
    corpus = {p.name: p for p in AAF_FILES}
    for name in ("nesting_test.aaf", "linear_speed_effects.aaf", "essence_group.aaf"):
        assert built_timelines(corpus[name]) is None, name


@pytest.mark.parametrize("name", ["simple.aaf", "transitions.aaf", "avid_sample.aaf"])
def test_builder_matches_the_adapter_on_our_written_files(name: str, tmp_path: Path):
    """Our write-back adds cue locators and temp-music tracks: the builder reads the result as the adapter does."""
    from plans import spread_plan

    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.formats import read_source
    from otio_scoreplan.formats.writeback import apply_plan

    path = next(p for p in AAF_FILES if p.name == name)
    source = read_source(path)
    out = tmp_path / f"{path.stem}.scoreplan.aaf"
    apply_plan(source, spread_plan(analyse(source)), out, media_dir=tmp_path / "media")
    assert _check_same(out), "the builder refused our own output"
    tracks_out = [t for tl in built_timelines(out) for t in tl.tracks]
    assert len(tracks_out) > len([t for tl in built_timelines(path) for t in tl.tracks])  # the temp-music tracks
