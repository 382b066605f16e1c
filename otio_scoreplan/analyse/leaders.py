"""Leaders: the head and tail leaders, 2-pops and slates a conformed reel carries outside its programme.

A reel delivered for sound (an Avid or Premiere reel EDL, a locked cut) starts with a head leader (SMPTE or
Academy countdown ending in a 2-pop, ``FKI_LEADER_HEAD``, ``START LEADER``), a slate or bars, and may end with
a tail leader and its tail pop. No music plays there: the planner proposes nothing over them and no proposed
cue starts before the picture does.

They are found by the names of the clips and events (picture shots and audio clips, the media's file name
included): ``leader``, ``countdown``, ``2-pop``/``two pop``/``head pop``/``tail pop``/``sync pop``; a bare
``pop`` or ``beep`` only on a clip of a second or less (the pop itself); ``slate``, ``bars and tone`` and an
ident or countdown ``clock`` only before the programme's first picture or after its last. A clip longer than
:data:`MAX_LEADER_SECONDS` is no leader, whatever its name. The head leader's stretch runs from the first
frame to where the picture starts (its black and 2-pop included); the tail's from where the picture ends to the
last frame. Black alone at the head is not a leader: a programme may open with sound over black (a cold open).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Analysis, AudioClip, Shot
from .music import _has_phrase, tokens

MAX_LEADER_SECONDS = 30.0  # SMPTE/Academy head leaders run 8-12 s with their black; a tail leader 2-3 s
MAX_BLACK_SECONDS = 10.0  # black beside a leader inside the programme counts as the leader's

_LEADER_PHRASES = (("leader",), ("countdown",), ("count", "down"), ("2", "pop"), ("two", "pop"), ("head", "pop"),
                   ("tail", "pop"), ("sync", "pop"))
_POP_WORDS = ("pop", "beep")  # the pop alone: only on a clip of a second or less
# only outside the programme; a bare "clock" is no slate (a programme may open on a shot named "Clock tower")
_HEAD_PHRASES = (("slate",), ("bars", "tone"), ("bars", "and", "tone"), ("countdown", "clock"), ("ident", "clock"))


@dataclass(frozen=True)
class Leader:
    """A stretch no music may be proposed over: ``where`` is "head", "tail" or "inside" (between reels)."""

    start_frame: int
    end_frame: int
    name: str  # the clip or event that says so
    where: str

    @property
    def reason(self) -> str:
        what = {"head": "head leader", "tail": "tail leader"}.get(self.where, "leader")
        return f"{what} ({self.name!r}): no music over leader, 2-pop or slate"


def _words(item: Shot | AudioClip) -> list[str]:
    source = str(item.source or "").replace("\\", "/").rsplit("/", 1)[-1]
    return tokens(item.name) + ["|"] + tokens(source)


def _has(toks: list[str], present: set[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    """A phrase's words one after another in ``toks`` (``present``: its set, so most names are passed at once)."""
    return any(present.issuperset(p) and _has_phrase(toks, (p,)) for p in phrases)


def _named(item: Shot | AudioClip, rate: float) -> tuple[bool, bool]:
    """(a leader or pop by its name, a slate or bars by its name) - its words read once."""
    length = item.end_frame - item.start_frame
    if length <= 0 or length > MAX_LEADER_SECONDS * rate:
        return False, False
    toks = _words(item)
    present = set(toks)
    leader = _has(toks, present, _LEADER_PHRASES) or (length <= rate and not present.isdisjoint(_POP_WORDS))
    return leader, _has(toks, present, _HEAD_PHRASES)


def _name(item: Shot | AudioClip) -> str:
    return item.name or str(item.source or "")


def find_leaders(analysis: Analysis) -> list[Leader]:
    """The leaders of one cut, in film order, not overlapping (see the module's docstring)."""
    rate, n = analysis.sequence.rate, analysis.sequence.duration_frames
    shots = [s for s in analysis.shots if s.kind not in ("gap", "slug")]
    clips = [c for c in analysis.audio_clips if not c.ours]
    items: list[Shot | AudioClip] = [*shots, *clips]
    named = [(i, *_named(i, rate)) for i in items]
    leaders = [i for i, leader, _ in named if leader]
    outside = leaders + [i for i, leader, slate in named if slate and not leader]
    if not outside:
        return []
    # the programme: the picture, else (an audio-only reel list) the sound that is no leader
    content = [s for s in shots if s not in outside] or [c for c in clips if c not in outside]
    if not content:
        return [Leader(0, n, _name(outside[0]), "head")] if n > 0 else []
    first = min(i.start_frame for i in content)
    last = max(i.end_frame for i in content)
    out: list[Leader] = []
    head = sorted((i for i in outside if i.start_frame < first), key=lambda i: i.start_frame)
    if head:
        out.append(Leader(0, first, _name(head[0]), "head"))
    tail = sorted((i for i in outside if i.end_frame > last), key=lambda i: i.start_frame)
    if tail:
        out.append(Leader(min(last, tail[0].start_frame), n, _name(tail[0]), "tail"))
    black = [s for s in analysis.shots if s.kind in ("gap", "slug") and s.end_frame - s.start_frame <= MAX_BLACK_SECONDS * rate]
    for item in sorted(leaders, key=lambda i: i.start_frame):
        if item.start_frame >= first and item.end_frame <= last:  # between reels: the leader and its black
            start = max([b.start_frame for b in black if b.end_frame == item.start_frame] or [item.start_frame])
            end = min([b.end_frame for b in black if b.start_frame == item.end_frame] or [item.end_frame])
            out.append(Leader(start, end, _name(item), "inside"))
    return _merged(sorted(out, key=lambda x: (x.start_frame, x.end_frame)))


def _merged(leaders: list[Leader]) -> list[Leader]:
    out: list[Leader] = []
    for x in leaders:
        if x.end_frame <= x.start_frame:
            continue
        if out and x.start_frame <= out[-1].end_frame:
            prev = out[-1]
            out[-1] = Leader(prev.start_frame, max(prev.end_frame, x.end_frame), prev.name, prev.where)
        else:
            out.append(x)
    return out
