"""Auto-spotting: cues proposed from the cut alone where nothing is marked.

Candidates are the scenes (or, with no scenes, stretches of about ``auto.window_seconds`` cut on cuts). Each is
scored from its cutting pace, the share of it under dialogue and the fades around it; the best are taken until
the music coverage reaches ``auto.coverage_target``. Every proposed cue says so in its reasons.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from ..model import Analysis
from .context import CutInfo, Range, subtract, union_length
from .describe import mood_intensity
from .model import Cue, Edge

log = logging.getLogger(__name__)

PROPOSED = "proposed, not marked"


@dataclass(frozen=True)
class Candidate:
    span: Range
    label: str
    why: str


def candidates(cut: CutInfo) -> list[Candidate]:
    """Scenes (short ones joined to the next), else windows of shots."""
    min_len = cut.frames(cut.rules.get("lengths.min_cue_seconds"))
    out: list[Candidate] = []
    if cut.scenes:
        pending: Candidate | None = None
        for scene in cut.scenes:
            label = scene.label or "(unnamed scene)"
            cand = Candidate((scene.start_frame, scene.end_frame), f"scene {label!r}", scene.evidence)
            if pending is not None:
                cand = Candidate((pending.span[0], cand.span[1]), f"{pending.label} + {cand.label}", pending.why)
            if cand.span[1] - cand.span[0] < min_len:
                pending = cand
                continue
            out.append(cand)
            pending = None
        if pending is not None:
            out.append(pending)
        return out
    window = cut.frames(cut.rules.get("auto.window_seconds"))
    start = 0
    for b in cut.boundaries[1:]:
        if b - start >= window or b == cut.duration:
            if b > start:
                out.append(Candidate((start, b), "stretch", "no scenes found: shots grouped to about "
                                     f"{cut.rules.get('auto.window_seconds'):g} s"))
            start = b
    return out


def _dialogue_share(analysis: Analysis, span: Range) -> float:
    ranges = [(c.start_frame, c.end_frame) for c in analysis.audio_clips if c.role == "dialogue" and not c.ours]
    return union_length(ranges, span) / max(1, span[1] - span[0])


def _shot_count(analysis: Analysis, span: Range) -> int:
    return sum(1 for s in analysis.shots if s.start_frame < span[1] and s.end_frame > span[0] and s.kind not in ("gap", "slug"))


def propose(cut: CutInfo, taken: list[Range], forbidden: list[Range]) -> list[Cue]:
    """Auto cues for one input, not overlapping ``taken`` (cues so far) nor ``forbidden``."""
    rules = cut.rules
    if not rules.get("auto.enabled") or cut.duration <= 0:
        return []
    min_len = cut.frames(rules.get("lengths.min_cue_seconds"))
    target = rules.get("auto.coverage_target") * cut.duration
    ceiling = (rules.get("auto.coverage_target") + rules.get("auto.coverage_slack")) * cut.duration
    scored: list[tuple[float, int, Cue]] = []
    cands = candidates(cut)
    for n, cand in enumerate(cands):
        parts = [p for p in subtract(cand.span, taken + forbidden) if p[1] - p[0] >= min_len]
        if not parts:
            continue
        part = _capped(max(parts, key=lambda p: (p[1] - p[0], -p[0])), cut)
        if part[1] - part[0] < min_len:
            continue
        score, cue = _judge(cut, cand, part, first=n == 0, last=n == len(cands) - 1)
        scored.append((score, part[0], cue))
    chosen = _choose(cut, scored, taken, target, ceiling)
    log.debug("input %d: %d candidates, %d proposed", cut.index, len(scored), len(chosen))
    return _joined(cut, sorted(chosen, key=lambda c: c.start_frame))


def _choose(cut: CutInfo, scored: list[tuple[float, int, Cue]], taken: list[Range], target: float, ceiling: float) -> list[Cue]:
    """Best candidates first until the target; one that runs straight on from music already there scores less."""
    gap = cut.frames(cut.rules.get("lengths.min_gap_seconds"))
    penalty = cut.rules.get("auto.spacing_penalty")
    covered = union_length(taken)
    busy = list(taken)
    pool = list(scored)
    chosen: list[Cue] = []
    while pool and covered < target:
        def rank(t: tuple[float, int, Cue]) -> tuple[float, int]:
            cue = t[2]
            near = any(cue.start_frame - gap <= e and s <= cue.end_frame + gap for s, e in busy)
            return (-(t[0] - (penalty if near else 0.0)), t[1])

        pool.sort(key=rank)
        _, _, cue = pool.pop(0)
        if covered + cue.duration_frames > ceiling and (chosen or covered):
            continue  # too long for the target; the best candidate is still taken when nothing else plays
        chosen.append(cue)
        busy.append((cue.start_frame, cue.end_frame))
        covered += cue.duration_frames
    return chosen


def _joined(cut: CutInfo, cues: list[Cue]) -> list[Cue]:
    """Neighbouring proposals of the same moods become one cue (up to ``auto.max_cue_seconds``)."""
    gap = cut.frames(cut.rules.get("lengths.min_gap_seconds"))
    longest = cut.frames(cut.rules.get("auto.max_cue_seconds"))
    out: list[Cue] = []
    for cue in cues:
        prev = out[-1] if out else None
        if prev and cue.start_frame - prev.end_frame < gap and cue.moods == prev.moods and cue.end_frame - prev.start_frame <= longest:
            out[-1] = replace(
                prev,
                end_frame=cue.end_frame,
                exit=cue.exit,
                intensity=max(prev.intensity, cue.intensity),
                reasons=prev.reasons + tuple(r for r in cue.reasons if r not in prev.reasons),
            )
        else:
            out.append(cue)
    return out


def _capped(part: Range, cut: CutInfo) -> Range:
    """``part`` ended at the last cut before ``auto.max_cue_seconds`` when longer (empty if no cut is there)."""
    longest = cut.frames(cut.rules.get("auto.max_cue_seconds"))
    if part[1] - part[0] <= longest:
        return part
    end = cut.cut_at_or_before(part[0] + longest)
    return (part[0], end) if end > part[0] else (part[0], part[0])


def _judge(cut: CutInfo, cand: Candidate, part: Range, first: bool, last: bool) -> tuple[float, Cue]:
    rules, analysis = cut.rules, cut.analysis
    seconds = (part[1] - part[0]) / cut.rate
    shots = max(1, _shot_count(analysis, part))
    mean_shot = seconds / shots
    dialogue = _dialogue_share(analysis, part)
    reasons = [PROPOSED, f"{cand.label} ({cand.why})"]
    score = 1.0
    if mean_shot < rules.get("auto.fast_shot_seconds") and shots > 2:
        moods = list(rules.get("auto.fast_moods"))
        score += 0.5
        reasons.append(f"fast cutting (mean shot {mean_shot:.1f} s over {shots} shots) reads as action")
    elif mean_shot > rules.get("auto.slow_shot_seconds"):
        moods = list(rules.get("auto.slow_moods"))
        score += 0.25
        reasons.append(f"long takes (mean shot {mean_shot:.1f} s) read as intimate")
    else:
        moods = list(rules.get("auto.default_moods"))
        reasons.append(f"moderate cutting (mean shot {mean_shot:.1f} s)")
    if dialogue > rules.get("auto.dialogue_heavy"):
        score -= 1.0
        reasons.append(f"dialogue under {dialogue:.0%} of it: keep the underscore low")
    elif dialogue < rules.get("auto.dialogue_light"):
        score += 1.0
        reasons.append(f"dialogue under only {dialogue:.0%} of it: room for music to play")
    fade_in = any(t.kind == "fade_in" and t.start_frame <= part[0] <= t.end_frame for t in analysis.transitions)
    fade_out = any(t.kind == "fade_out" and t.start_frame <= part[1] <= t.end_frame for t in analysis.transitions)
    if fade_in or first:
        score += 0.5
        reasons.append("opens the sequence" if first and not fade_in else "starts from black (fade in)")
    if fade_out or last:
        score += 0.5
        reasons.append("ends in a fade to black" if fade_out else "closes the sequence")
    intensity = mood_intensity(tuple(moods), rules)
    if dialogue > rules.get("auto.dialogue_heavy"):
        intensity = max(1, intensity - 1)
    cue = Cue(
        start_frame=part[0],
        end_frame=part[1],
        origin="auto",
        entry=Edge("fade_in") if fade_in else Edge("hard_in"),
        exit=Edge("fade_out") if fade_out else Edge("hard_out"),
        moods=tuple(moods),
        intensity=intensity,
        reasons=tuple(reasons),
        input=cut.index,
    )
    return score, cue
