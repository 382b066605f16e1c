"""Invariants of the analysis over every real editor export in ../shared/corpus (collected by glob).

A file is either read, and then its analysis must hold together (shots tile the sequence, scenes
tile the shots, reels tile the sequence, everything placed inside it, the documented JSON keys), or
refused with a one-line :class:`InputError` that names the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import corpus_files, corpus_id, read_once

from otio_scoreplan.errors import InputError
from otio_scoreplan.model import Analysis, analysis_to_json

FILES = corpus_files()


@pytest.fixture(scope="module")
def analyses() -> dict[Path, Analysis | InputError]:
    """Each corpus file's analysis (read once per test session), or the error refusing it."""
    out: dict[Path, Analysis | InputError] = {}
    for path in FILES:
        try:
            out[path] = read_once(path)[1]
        except InputError as exc:
            out[path] = exc
    return out


def _tiles(ranges: list[tuple[int, int]], end: int) -> bool:
    """True when ``ranges`` cover ``[0, end)`` in order, without gap or overlap, none empty."""
    if not ranges:
        return end == 0
    return (
        ranges[0][0] == 0
        and ranges[-1][1] == end
        and all(a < b for a, b in ranges)
        and all(x[1] == y[0] for x, y in zip(ranges, ranges[1:]))
    )


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 50


@pytest.mark.parametrize("path", FILES, ids=corpus_id)
def test_analysis_invariants(path: Path, analyses: dict[Path, Analysis | InputError]) -> None:
    result = analyses[path]
    if isinstance(result, InputError):
        message = str(result)
        assert "\n" not in message and path.name in message
        return
    a = result
    n = a.sequence.duration_frames
    assert n >= 0

    assert _tiles([(s.start_frame, s.end_frame) for s in a.shots], n)
    assert all(0 < c < n for c in a.cuts)
    for t in a.transitions:
        assert 0 <= t.start_frame <= t.cut_frame <= t.end_frame <= n, t
        assert t.kind in {"dissolve", "fade_in", "fade_out", "dip", "wipe", "other"}

    if a.scenes:
        assert _tiles([(s.start_frame, s.end_frame) for s in a.scenes], n)
        assert all(s.label and s.evidence for s in a.scenes)
        shot_starts = {s.start_frame for s in a.shots}
        for s in a.scenes:
            if "clip names" in s.evidence or "scene metadata" in s.evidence:
                assert s.start_frame in shot_starts, f"scene from clip names off a cut: {s}"
    else:
        assert a.scene_note.startswith("no scene structure found")

    if n > 0:
        assert _tiles([(r.start_frame, r.end_frame) for r in a.reels], n)
        assert all(r.number >= 1 and r.evidence for r in a.reels)

    assert all(0 <= x.frame <= n for x in a.annotations)
    assert all(0 <= m.start_frame < m.end_frame <= n for m in a.music)
    assert all(0 <= c.start_frame < c.end_frame <= n for c in a.audio_clips)
    assert all(c.role in {"", "dialogue", "music", "effects"} for c in a.audio_clips)
    ours = {(c.start_frame, c.end_frame, c.track) for c in a.audio_clips if c.ours}
    assert not any((m.start_frame, m.end_frame, m.track) in ours for m in a.music)

    doc = analysis_to_json(a)
    json.dumps(doc)
    assert {"name", "rate", "drop_frame", "start_timecode", "duration_frames"} <= doc["sequence"].keys()
    for key, fields in {
        "shots": {"start_frame", "end_frame", "name"},
        "scenes": {"start_frame", "end_frame", "label", "evidence"},
        "reels": {"start_frame", "end_frame"},
        "annotations": {"frame", "timecode", "duration_frames", "name", "comment", "color", "origin"},
    }.items():
        assert isinstance(doc[key], list)
        assert all(fields <= row.keys() for row in doc[key]), key


def test_the_corpus_holds_structure_we_find(analyses: dict[Path, Analysis | InputError]) -> None:
    """Across the corpus, the real structure editors left is found (not only the fallbacks)."""
    read = [a for a in analyses.values() if isinstance(a, Analysis)]
    evidence = " | ".join(s.evidence for a in read for s in a.scenes)
    assert "scene number in clip names" in evidence  # the Avid and Resolve EDLs are slated
    assert "black" in evidence or "fade" in evidence
    assert any("sequence name" in r.evidence for a in read for r in a.reels)  # INS4_R1, ToD_R4
    assert any("start timecode" in r.evidence for a in read for r in a.reels)
    music = [m for a in read for m in a.music]
    assert any("music folder" in m.evidence for m in music)  # NRK: .../Musikk/...
    assert any("on music track" in m.evidence for m in music)
