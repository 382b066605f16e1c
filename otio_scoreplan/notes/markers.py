"""The markers every marker-list output writes: one per cue (spanning it) and one per hit point.

Names and comments are the ones ``apply`` writes into timelines (both come from
:mod:`otio_scoreplan.marker_names`): ``1M1 tension`` and ``1M1 hit: gunshot``, each with a one-line comment
carrying :data:`otio_scoreplan.OUR_TOKEN`, so a timeline that imported our marker list and is read again keeps
our markers apart from the editor's. A hit marker is a point (no duration); a list that needs a length gives it
one frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError
from ..marker_names import HIT_FRAMES, cue_marker_comment, cue_marker_name, hit_marker_comment, hit_marker_name
from ..model import SequenceInfo
from .sheet import Sheet


@dataclass(frozen=True)
class NoteMarker:
    """A marker in frames from the sequence's first frame."""

    frame: int
    duration_frames: int
    name: str
    comment: str
    kind: str  # cue | hit
    cue_id: str
    mood: str


def single_input(sheet: Sheet, what: str) -> SequenceInfo:
    """The one sequence a marker list is timed against; a :class:`UsageError` when the sheet spans several."""
    inputs = sheet.inputs
    if len(inputs) != 1:
        reels = sorted({c.reel for c in sheet.cues})
        raise UsageError(f"a {what} is timed against one sequence but the plan covers {len(inputs)} inputs "
                         f"(reels {', '.join(map(str, reels))}); choose one with --reel")
    return sheet.plan.sequences[inputs[0]]


def note_markers(sheet: Sheet) -> list[NoteMarker]:
    """The cue and hit markers of the sheet, in time order (a cue before its own hits at the same frame)."""
    out = []
    for cue in sheet.cues:
        seq = sheet.sequence(cue)
        mood = cue.moods[0] if cue.moods else ""
        out.append(NoteMarker(cue.start_frame, cue.duration_frames, cue_marker_name(cue),
                              cue_marker_comment(cue, seq), "cue", cue.id, mood))
        for hit in cue.hits:
            out.append(NoteMarker(hit.frame, HIT_FRAMES, hit_marker_name(cue.id, hit.label), hit_marker_comment(cue.id),
                                  "hit", cue.id, mood))
    return sorted(out, key=lambda m: (m.frame, m.kind != "cue", m.cue_id))
