"""What a cue sounds like and why: palette and intensity from the mood table, a one-line description."""

from __future__ import annotations

from dataclasses import replace

from .context import CutInfo
from .model import Cue, text_digest
from .rules import Rules


def mood_intensity(moods: tuple[str, ...], rules: Rules) -> int:
    """The strongest intensity (1..5) the mood table gives ``moods``; the default palette's when none is known."""
    table = rules.get("moods")
    known = [int(table[m]["intensity"]) for m in moods if m in table]
    value = max(known) if known else int(rules.get("default_palette.intensity"))
    return min(5, max(1, value))


def palette_for(moods: tuple[str, ...], rules: Rules) -> tuple[str, ...]:
    """Instruments suggested for ``moods``, in mood order, without repeats."""
    table = rules.get("moods")
    out = [p for m in moods if m in table for p in table[m]["palette"]]
    return tuple(dict.fromkeys(out or rules.get("default_palette.palette")))


def describe(cue: Cue, cut: CutInfo) -> str:
    """One line: the scenes the cue plays over and what it is."""
    scenes = cut.scenes_over(cue.start_frame, cue.end_frame)
    where = ", ".join(s.label for s in scenes[:3] if s.label) + (" ..." if len(scenes) > 3 else "")
    parts = [p for p in (where, cue.description) if p]
    if not parts:
        parts = [" / ".join(cue.moods) or cue.kind]
    return " - ".join(parts).replace("\n", " ")[:160]


def finish(cue: Cue, cut: CutInfo) -> Cue:
    """``cue`` with palette, intensity and description (with the digest marking it the planner's) filled in."""
    rules = cut.rules
    intensity = cue.intensity or mood_intensity(cue.moods, rules)
    description = describe(cue, cut)
    return replace(
        cue,
        palette=palette_for(cue.moods, rules),
        intensity=min(5, max(1, intensity)),
        description=description,
        description_digest=text_digest(description),  # the planner's own words: a person's edit changes them
        hits=tuple(sorted(set(cue.hits), key=lambda h: (h.frame, h.label))),
    )
