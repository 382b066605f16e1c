"""Where each cue's temp rides down: the talk inside it (issue 14, "rides down under speech").

The talk is read off the cut's layout as the planner reads it (:mod:`..analyse.speech`): voice-over, long runs
of sync (someone talking on camera; short runs are b-roll's natural sound, and a cut whose sync is only the
picture's own sound has no talk), and clips the reader names dialogue. Pauses shorter than half a second join
(a ride does not pump between lines). Each cue keeps the spans inside it (``Cue.speech``); they are recomputed
from the cut on every spot, a recut's included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..analyse.speech import find_speech, natural_sound_only, talk_blocks
from ..model import Analysis
from .model import Cue
from .rules import Rules

Span = tuple[int, int]


def speech_spans(analysis: Analysis, rules: Rules) -> list[Span]:
    """The talk of one cut in record frames (end exclusive), joined across pauses under half a second, in order."""
    rate = analysis.sequence.rate
    runs = find_speech(analysis.audio_clips, analysis.shots, rate)
    talk = [] if natural_sound_only(runs, analysis.audio_clips) else talk_blocks(
        runs, int(round(float(rules.get("auto.talk_seconds")) * rate)))
    spans = [(r.start_frame, r.end_frame) for r in talk]
    spans += [(r.start_frame, r.end_frame) for r in runs if r.kind == "vo"]
    spans += [(c.start_frame, c.end_frame) for c in analysis.audio_clips if c.role == "dialogue" and not c.ours]
    join = int(round(rate / 2))
    out: list[list[int]] = []
    for s, e in sorted(x for x in spans if x[1] > x[0]):
        if out and s <= out[-1][1] + join:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def inside(spans: Sequence[Span], start: int, end: int) -> tuple[Span, ...]:
    """``spans`` cut to the frames ``start``..``end`` (those that reach into it)."""
    return tuple((max(s, start), min(e, end)) for s, e in spans if s < end and e > start)


def with_speech(cues: Sequence[Cue], analyses: Sequence[Analysis], rules: Rules) -> list[Cue]:
    """``cues`` each with the talk inside it (``Cue.speech``) from its input's cut."""
    talk = [speech_spans(a, rules) for a in analyses]
    return [replace(c, speech=inside(talk[c.input], c.start_frame, c.end_frame) if c.input < len(talk) else ())
            for c in cues]
