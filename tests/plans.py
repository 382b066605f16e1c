"""Hand-made plans for write-back tests: cues spread over a sequence, with an overlap and hits."""

from __future__ import annotations

from otio_scoreplan.model import Analysis
from otio_scoreplan.plan.model import Cue, Edge, Hit, Plan


def spread_plan(analysis: Analysis) -> Plan:
    """Three cues (the first two overlapping as a segue, the last with two hits), or none for short sequences."""
    seq = analysis.sequence
    n = seq.duration_frames
    cues: list[Cue] = []
    if n >= 100:
        a, b, c, d = n // 10, n * 3 // 10, n * 6 // 10, n * 7 // 10
        cues = [
            Cue(a, b + 8, moods=("tension",), id="1M1", exit=Edge("segue", 8), description="opening tension"),
            Cue(b, c, moods=("romantic",), themes=("Anna",), id="1M2", entry=Edge("segue", 8)),
            Cue(d, n - 5, moods=("action",), id="1M3", hits=(Hit(d + 10, "gunshot"), Hit(d + 20, "door")),
                exit=Edge("tail_out", 24)),
        ]
    return Plan(sequences=[seq], fingerprints=[""], cues=cues)


def apply_spread_plans(paths, suffix: str, tmp_path_factory, *, skip_without_cues: bool = False) -> dict:
    """Read each path, plan it with :func:`spread_plan` and apply it once, in a folder of its own.

    Returns path -> (source, analysis, plan, output, ApplyResult) for every path our reader accepts
    (and, with ``skip_without_cues``, that is long enough for cues); the others are left out.
    The source and analysis are the session's shared reads (conftest.read_once): never change them.
    """
    from conftest import read_once

    from otio_scoreplan.errors import InputError
    from otio_scoreplan.formats.writeback import apply_plan

    results = {}
    for path in paths:
        try:
            source, analysis = read_once(path)
        except InputError:
            continue
        plan = spread_plan(analysis)
        if skip_without_cues and not plan.cues:
            continue
        out_dir = tmp_path_factory.mktemp(path.stem[:20])
        out = out_dir / f"{path.stem}.scoreplan{suffix}"
        result = apply_plan(source, plan, out, media_dir=out_dir / "media")
        results[path] = (source, analysis, plan, out, result)
    return results


def applied_or_skip(applied: dict, path, why: str):
    """``applied[path]``, or skip the test saying ``why`` the file was left out."""
    import pytest

    if path not in applied:
        pytest.skip(why)
    return applied[path]
