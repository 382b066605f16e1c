"""Issue 11, "Must show": every corpus file (by glob), ``apply``, then ``apply`` on that output with the same
``--media-dir``: nothing changes, AAF included.

Each run plans afresh (no ``--plan``), as a user reruns the command on the cut the tool gave back, so our own
additions must be recognised and ignored when the output is read: the second run's timeline, companion files
and media are the first run's, byte for byte (an AAF: every mob, dumped with pyaaf2), and it writes no new media. The editor's own annotations read
from the output are those of the input (our additions are recognised as ours).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_files, corpus_id, read_once, run_main

from otio_scoreplan.analyse import analyse
from otio_scoreplan.errors import InputError
from otio_scoreplan.formats import read_source

CORPUS_TIMELINES = corpus_files()


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes); media names are globbed, never spelt out."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _written(folder: Path, stem: str) -> dict[str, bytes]:
    """The output timeline (a file, or a bundle's files) and its companions, named relative to ``stem``."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.glob(stem + "*")):
        rel = path.name[len(stem):]
        if path.is_dir():
            found.update({f"{rel}/{k}": v for k, v in _files(path).items()})
        else:
            found[rel] = path.read_bytes()
    return found


@pytest.mark.parametrize("path", CORPUS_TIMELINES, ids=corpus_id)
def test_apply_on_its_own_output_changes_nothing(path: Path, tmp_path: Path) -> None:
    try:
        source, analysis = read_once(path)
    except InputError as exc:
        pytest.skip(f"not readable alone ({exc.message[:80]})")
    if analysis.sequence.duration_frames <= 0:
        pytest.skip("empty sequence: nothing to plan")
    suffix = path.suffix
    media, first_dir, second_dir = tmp_path / "media", tmp_path / "first", tmp_path / "second"
    first_dir.mkdir()
    second_dir.mkdir()
    once = first_dir / f"cut{suffix}"
    run = run_main("apply", str(path), "-o", str(once), "--media-dir", str(media))
    assert run.returncode == 0, run.stderr
    media_once = _files(media) if media.exists() else {}
    twice = second_dir / f"cut{suffix}"
    again = run_main("apply", str(once), "-o", str(twice), "--media-dir", str(media))
    assert again.returncode == 0, again.stderr

    if suffix.lower() == ".aaf":  # pyaaf2 edits a copy of its input in place: the same mobs, laid out anew
        from test_writeback_aaf import aaf_view

        assert aaf_view(twice) == aaf_view(once), "the second apply changed the AAF's mobs"
        assert sorted(_written(second_dir, "cut")) == sorted(_written(first_dir, "cut"))
    else:
        assert _written(second_dir, "cut") == _written(first_dir, "cut"), "the second apply changed the output"
    assert (_files(media) if media.exists() else {}) == media_once, "the second apply wrote or changed media"
    reread = analyse(read_source(once))  # (not read_once: the session need not keep every output's read)
    assert [(a.frame, a.name, a.comment) for a in reread.editor_annotations] == \
        [(a.frame, a.name, a.comment) for a in analysis.editor_annotations]
    assert reread.sequence.name == analysis.sequence.name and reread.sequence.duration_frames == analysis.sequence.duration_frames
