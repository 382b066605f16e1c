"""Themes carry through the film: a theme named once links every later cue whose notes or scenes name it,
unless the cue's notes rule it out ("not the theme yet": :attr:`~.model.Cue.avoid`)."""

from __future__ import annotations

import re
from dataclasses import replace

from .context import CutInfo
from .model import Cue, ThemeUse


def cue_words(cue: Cue, cut: CutInfo) -> str:
    """The editor's words over a cue: annotations inside it and the labels of its scenes."""
    notes = [a.text for a in cut.analysis.editor_annotations if cue.start_frame <= a.frame < cue.end_frame]
    scenes = [s.label for s in cut.scenes_over(cue.start_frame, cue.end_frame)]
    return "\n".join(notes + scenes + [cue.description])


def avoids(cue: Cue, theme: str) -> bool:
    """True when the cue's notes rule ``theme`` out ("not the theme yet", "not Anna's theme")."""
    return "theme" in cue.avoid or f"theme:{theme}".lower() in {a.lower() for a in cue.avoid}


def _names(theme: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(theme)}(?!\w)", text, re.IGNORECASE) is not None


def link_themes(cues: list[Cue], cuts: list[CutInfo]) -> tuple[list[Cue], list[ThemeUse]]:
    """Cues (ids set, in film order) with recurring themes added, and where each theme is heard."""
    first: dict[str, int] = {}
    canonical: dict[str, str] = {}
    for i, cue in enumerate(cues):
        for t in cue.themes:
            first.setdefault(t.lower(), i)
            canonical.setdefault(t.lower(), t)
    out = list(cues)
    for i, cue in enumerate(cues):
        text = cue_words(cue, cuts[cue.input])
        have = {t.lower() for t in cue.themes}
        added = [canonical[k] for k, at in sorted(first.items(), key=lambda kv: kv[1])
                 if at < i and k not in have and _names(canonical[k], text) and not avoids(cue, canonical[k])]
        if added:
            out[i] = replace(
                cue,
                themes=cue.themes + tuple(added),
                reasons=cue.reasons + tuple(f"names {t!r}: theme introduced in {cues[first[t.lower()]].id}" for t in added),
            )
    uses = [
        ThemeUse(canonical[k], cues[at].id, tuple(c.id for c in out if k in {t.lower() for t in c.themes}))
        for k, at in sorted(first.items(), key=lambda kv: (kv[1], kv[0]))
    ]
    return out, uses
