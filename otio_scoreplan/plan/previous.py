"""Is ``spot --previous`` given an earlier plan of this show?

A previous plan of another show would hand its cue ids, moods and descriptions to this cut's cues without
a word. A plan of the same show shares the sequence's name (a recut keeps it) or at least one shot (the same
media and clip name, as :mod:`.shotmap` keys shots); one that shares neither is almost surely of another show,
and the planner says so in a warning (it still goes on: a renamed and fully reshot sequence is possible).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Analysis
from .model import Plan
from .shotmap import _key as shot_key  # the one key of a shot across cuts (shotmap's)


def _keys(shots) -> set[tuple[str, str, str]]:
    """The keys of the picture shots (not gaps, not shots that name no media)."""
    keys = set()
    for shot in shots:
        source, kind, name = key = shot_key(shot)
        if kind != "gap" and (source or name):
            keys.add(key)
    return keys


def unrelated_previous(previous: Plan, analyses: Sequence[Analysis]) -> str:
    """A warning when ``previous`` shares neither a sequence name nor any shot with ``analyses``; else ''."""
    names = {s.name.strip() for s in previous.sequences if s.name.strip()}
    if names & {a.sequence.name.strip() for a in analyses}:
        return ""
    old = set().union(*(_keys(rows.get("shots", [])) for rows in previous.analyses)) if previous.analyses else set()
    new = set().union(*(_keys(a.shots) for a in analyses))
    if old & new:
        return ""
    shown = ", ".join(repr(n) for n in sorted(names)) or "(no name)"
    return (f"the previous plan (sequence {shown}) shares neither the sequence name nor any shot with this cut: "
            "it may be of another show; its cue ids, moods and descriptions were carried over all the same")
