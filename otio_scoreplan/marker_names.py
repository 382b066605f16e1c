"""The words of the markers we write: one home for their names and comments (issue 12).

``apply`` (every format's write-back, through :mod:`otio_scoreplan.formats.additions`) and every marker list
of ``notes`` (Avid, Resolve, MIDI) name and describe a cue's markers with these functions, so a marker reads
the same wherever it lands:

* a cue marker is named ``1M1 tension`` (the id and the first mood) and its comment holds the description,
  themes, entry/exit and hit points on one line;
* a hit marker is named ``1M1 hit: gunshot`` (the editors' own ``hit: gunshot`` after the cue id) and its
  comment is ``hit point of 1M1``; it is a point (no duration): a format that needs a length (Avid and
  Resolve marker lists) gives it one frame;
* every comment carries :data:`otio_scoreplan.OUR_TOKEN`, so a later read keeps our markers apart from the
  editor's and a second ``apply`` replaces them;
* a Media Composer locator has only a comment: it reads ``name | comment``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import OUR_TOKEN

if TYPE_CHECKING:
    from .model import SequenceInfo
    from .plan.model import Cue

HIT_FRAMES = 0  # a hit marker is a point; formats that need a length write max(1, frames)
LOCATOR_SEPARATOR = " | "


def tagged(text: str) -> str:
    """``text`` with our token appended (once)."""
    return text if OUR_TOKEN in text else f"{text} {OUR_TOKEN}".strip()


def cue_marker_name(cue: Cue) -> str:
    """'1M1 tense' (the id and the first mood)."""
    return f"{cue.id} {cue.moods[0]}" if cue.moods else cue.id


def cue_marker_comment(cue: Cue, seq: SequenceInfo) -> str:
    """The description, themes, entry/exit and hit points, one line, tagged."""
    parts = []
    if cue.description:
        parts.append(cue.description)
    if cue.themes:
        parts.append("theme: " + ", ".join(cue.themes))
    parts.append(f"{cue.kind}; in: {_edge_text(cue.entry.type, cue.entry.frames, seq)}; "
                 f"out: {_edge_text(cue.exit.type, cue.exit.frames, seq)}")
    if cue.hits:
        parts.append("hits: " + "; ".join(f"{seq.timecode(h.frame)} {h.label}".strip() for h in cue.hits))
    return tagged(" | ".join(parts))


def hit_marker_name(cue_id: str, label: str) -> str:
    """'1M1 hit: gunshot' ('1M1 hit:' for a hit without a label)."""
    return f"{cue_id} hit: {label}".strip()


def hit_marker_comment(cue_id: str) -> str:
    """'hit point of 1M1 [scoreplan]'."""
    return tagged(f"hit point of {cue_id}")


def locator_text(name: str, comment: str) -> str:
    """A Media Composer locator's one comment: '1M1 tense | description ... [scoreplan]' (the name first)."""
    comment = tagged(comment)
    return f"{name}{LOCATOR_SEPARATOR}{comment}" if name else comment


def locator_name(comment: str, limit: int = 200) -> str:
    """A locator's name: the first line of its comment (up to ``limit`` characters); in one of ours (the
    comment carries our token), the part before `` | ``."""
    lines = comment.strip().splitlines()
    name = lines[0][:limit] if lines else ""
    if OUR_TOKEN in comment and LOCATOR_SEPARATOR in name:
        return name.split(LOCATOR_SEPARATOR, 1)[0]
    return name


def _edge_text(kind: str, frames: int, seq: SequenceInfo) -> str:
    if kind == "tail_out" and frames:
        return f"tail out {frames / seq.rate:.1f}s"
    if kind == "prelap" and frames:
        return f"pre-lap {frames}f"
    return kind.replace("_", " ")
