"""Auto-spotting: cues proposed from the cut alone where nothing is marked.

Where the cut shows people talking on camera (long runs of sync, :mod:`..analyse.speech`), the candidates are the
stretches between those runs: a music editor starts a bed where a sync ends at a cut and leaves room for the next
one; the talk itself is a weaker candidate (music under it, kept low). Elsewhere the candidates are the scenes (or,
with no scenes, stretches of about ``auto.window_seconds`` cut on cuts). Segments bringing their own mix (a clip
named TEASER, PROMO, STING, BUMPER, VIGNETT ...) get no score. Each candidate is scored from its cutting pace,
its talk and voice-over and the fades around it. A programme opens with music: the first proposal, when it starts
within ``auto.opening_seconds`` of the first frame with nothing before it, starts there (under the first words).
Titles and graphics on the upper tracks (the analysis' overlays) place cues: a photo montage (a run of
``auto.montage_stills`` stills) or the programme's title within the opening starts a cue of its own inside a
proposal (``auto.title_starts_cue``); end credits roll under music (``auto.credits_cue``). Supers (lower thirds,
names over an interview) are no signal.

``auto.coverage_target`` is ``"auto"`` by default: every stretch between talk is taken (up to
``auto.coverage_auto_max``); with nothing said on camera (natural sound only, or no speech found: pictures and
music carry the programme) the best candidates up to that same share, music already in the cut counted; with
dialogue heard but no talk on camera, or music already marked by the editor, the best candidates up to
``auto.coverage_fallback``. A number is a target the proposed share lands within ``auto.coverage_tolerance`` of
(the last cue taken is shortened on a cut to land there). Every proposed cue says why in its reasons.

When one picture clip covers most of the programme (a full-length export laid over the edit), the edits of the
tracks below it are the cuts (:func:`hidden_cuts`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

from ..analyse.leaders import find_leaders
from ..analyse.overlays import STILL_EXTENSIONS
from ..analyse.speech import SpeechRun, find_speech, natural_sound_only, talk_blocks
from ..analyse.tracks import head_logos, own_mix_segments
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


def between_talk(cut: CutInfo, talk: list[SpeechRun]) -> list[Candidate]:
    """The stretches between runs of talk (from the first frame, to the end), and the talk runs themselves.

    A talk widens onto the picture cuts around it (its sound may lead or trail the picture: a J or L cut);
    with ``auto.talk_tail_seconds`` the bed before it runs on under its first words, to a cut.
    """
    out: list[Candidate] = []
    pos, before = 0, None
    tail = cut.frames(cut.rules.get("auto.talk_tail_seconds"))
    talk_is = "talk on camera" if _has_picture(cut.analysis) else "dialogue"  # a dialogue list shows no camera
    for block in talk:
        start, end = _onto_cuts(cut, block.start_frame, block.end_frame)
        if tail and cut.cut_at_or_after(start + tail) < end:
            start = cut.cut_at_or_after(start + tail)  # the bed runs under the first words, to a cut
        if end <= max(start, pos):
            continue
        if start > pos:
            why = (f"after sync {before.name!r} ends ({before.length / cut.rate:.0f} s of {talk_is}, "
                   f"{before.evidence})" if before else f"opens the programme, before the first {talk_is}")
            out.append(Candidate((pos, start), "stretch between talk", why))
        out.append(Candidate((max(start, pos), end), "talk", f"{block.length / cut.rate:.0f} s of "
                             f"sync {block.name!r} ({block.evidence})"))
        pos, before = end, block
    if cut.duration > pos:
        why = f"after sync {before.name!r} ends, to the end" if before else f"no {talk_is}"
        out.append(Candidate((pos, cut.duration), "stretch between talk", why))
    return out


def _has_picture(analysis: Analysis) -> bool:
    return any(s.kind not in ("gap", "slug") for s in analysis.shots)


def _onto_cuts(cut: CutInfo, start: int, end: int) -> Range:
    """``[start, end)`` widened onto the cuts around it; with no picture cut at all (an audio-only list) its own
    frames: the first and last frame are no cuts to widen a talk or a logo onto (it would cover the reel)."""
    if len(cut.boundaries) <= 2:
        return start, end
    return cut.cut_at_or_before(start), cut.cut_at_or_after(end)


def _share(ranges: list[Range], span: Range) -> float:
    return union_length(ranges, span) / max(1, span[1] - span[0])


def _dialogue_share(analysis: Analysis, span: Range) -> float:
    ranges = [(c.start_frame, c.end_frame) for c in analysis.audio_clips if c.role == "dialogue" and not c.ours]
    return _share(ranges, span)


def _shot_count(cut: CutInfo, span: Range) -> int:
    shots = sum(1 for s in cut.analysis.shots if s.start_frame < span[1] and s.end_frame > span[0] and s.kind not in ("gap", "slug"))
    return shots + sum(1 for f in cut.hidden_cuts if span[0] < f < span[1])


def coverage_goal(cut: CutInfo) -> float | None:
    """``auto.coverage_target`` as a share of the running time, or None for ``"auto"``."""
    value = cut.rules.get("auto.coverage_target")
    return None if isinstance(value, str) else float(value)


@dataclass(frozen=True)
class Hearing:
    """What the candidates are judged by: talk on camera, voice-over, and whether talk structures the cut.

    ``music_led``: no talk and no dialogue is heard (natural sound only, or no speech to be found at all):
    pictures and music carry the programme, so "auto" coverage is the fuller share of a cut with talk.
    """

    talk: list[Range]
    vo: list[Range]
    structured: bool
    music_led: bool = False
    sync: list[Range] = field(default_factory=list)


def hearing(cut: CutInfo) -> tuple[Hearing, list[SpeechRun]]:
    analysis = cut.analysis
    # a leader's pop and a company logo's own sound are no talk (camera sound by their '.MOV', a DX list's A1)
    outside = [*find_leaders(analysis), *head_logos(analysis)]
    clips = [c for c in analysis.audio_clips
             if not any(x.start_frame <= c.start_frame and c.end_frame <= x.end_frame for x in outside)]
    speech = find_speech(clips, analysis.shots, cut.rate)
    natural = natural_sound_only(speech, analysis.audio_clips)
    talk = [] if natural else talk_blocks(speech, cut.frames(cut.rules.get("auto.talk_seconds")))
    vo = [(r.start_frame, r.end_frame) for r in speech if r.kind == "vo"]
    dialogue = any(c.role == "dialogue" and not c.ours for c in analysis.audio_clips)
    sync = [] if natural else [(r.start_frame, r.end_frame) for r in speech if r.kind == "sync"]
    heard = Hearing([(r.start_frame, r.end_frame) for r in talk], vo, bool(talk), not talk and not dialogue, sync)
    return heard, talk


def hidden_cuts(cut: CutInfo) -> tuple[int, ...]:
    """The edits under a flattened export: when one picture clip covers at least ``auto.flattened_share`` of the
    programme (a full-length render laid over the edit on an upper track), the cuts of the tracks below it."""
    n = max(1, cut.duration)
    covering = [s for s in cut.analysis.shots if s.kind in ("clip", "nested")
                and s.end_frame - s.start_frame >= cut.rules.get("auto.flattened_share") * n]
    return tuple(f for f in cut.analysis.picture_edits
                 for s in covering if s.start_frame < f < s.end_frame)


def propose(cut: CutInfo, taken: list[Range], forbidden: list[Range]) -> list[Cue]:
    """Auto cues for one input, not overlapping ``taken`` (cues so far), ``forbidden`` nor segments with their own mix."""
    rules = cut.rules
    if not rules.get("auto.enabled") or cut.duration <= 0:
        return []
    hidden = hidden_cuts(cut)
    if hidden:
        log.debug("input %d: %d edits under a flattened export used as cuts", cut.index, len(hidden))
        cut = replace(cut, hidden_cuts=hidden)
    min_len = cut.frames(rules.get("lengths.min_cue_seconds"))
    heard, talk = hearing(cut)
    segments = own_mix_segments(cut.analysis, rules.get("auto.own_mix_words"))
    own_mix = [_onto_cuts(cut, s.start_frame, s.end_frame) for s in segments]
    cands = between_talk(cut, talk) if heard.structured else candidates(cut)
    scored: list[tuple[float, int, Cue]] = []
    for cand in cands:
        parts = [p for p in subtract(cand.span, taken + forbidden + own_mix) if p[1] - p[0] >= min_len]
        if not parts:
            continue
        part = _capped(parts[0] if heard.structured else max(parts, key=lambda p: (p[1] - p[0], -p[0])), cut)
        if part[1] - part[0] < min_len:
            continue
        score, cue = _judge(cut, cand, part, heard, first=part[0] == 0, last=part[1] >= cut.duration)
        if (part[1] - part[0]) / cut.rate > rules.get("auto.max_cue_seconds"):
            cue = replace(cue, reasons=cue.reasons + (
                f"longer than {rules.get('auto.max_cue_seconds'):g} s: no cut to end on before that",))
        scored.append((score, part[0], cue))
    goal = coverage_goal(cut)
    if goal is None and heard.structured and not taken:
        # "auto": the stretches between talk, none over it, until music (marked cues count) covers as much
        share = min(sum(c.span[1] - c.span[0] for c in cands if c.label != "talk"),
                    rules.get("auto.coverage_auto_max") * cut.duration)
        eligible = [t for t in scored if t[0] >= rules.get("auto.auto_min_score")]
        chosen = _choose(cut, eligible, taken, share, False)
    elif goal is None and heard.music_led:
        # "auto" with nothing said on camera (natural sound only, or no speech found): pictures and music carry it;
        # music already in the cut counts towards that share
        chosen = _choose(cut, scored, taken, rules.get("auto.coverage_auto_max") * cut.duration, False)
    else:  # a number; or "auto" where dialogue is heard but no talk structures the cut, or the editor marked music
        share = rules.get("auto.coverage_fallback") if goal is None else goal
        chosen = _choose(cut, scored, taken, share * cut.duration, goal is not None)
    log.debug("input %d: %d candidates, %d proposed", cut.index, len(scored), len(chosen))
    joined = _opening(cut, _joined(cut, sorted(chosen, key=lambda c: c.start_frame)), taken + forbidden + own_mix)
    joined = _split_at_starts(cut, joined, _title_starts(cut) + [
        (m.start_frame, f"a montage of {m.count} stills from {m.first!r} at {cut.analysis.sequence.timecode(m.start_frame)}: "
         "a new cue starts under it") for m in stills_montages(cut)])
    joined = _under_credits(cut, joined, taken + forbidden + own_mix)
    return [_clear_of(cue, segments, own_mix) for cue in joined]


def _title_starts(cut: CutInfo) -> list[tuple[int, str]]:
    """The programme's title (the first title overlay, no super, within ``auto.opening_seconds``) starts a cue
    (``auto.title_starts_cue``): the theme comes in with the main title, after a cold open."""
    if not cut.rules.get("auto.title_starts_cue"):
        return []
    opening = cut.frames(cut.rules.get("auto.opening_seconds"))
    first = next((o for o in cut.analysis.overlays if o.kind == "title" and 0 < o.start_frame <= opening), None)
    if first is None:
        return []
    return [(first.start_frame, f"the programme's title {first.name!r} at "
             f"{cut.analysis.sequence.timecode(first.start_frame)} ({first.track}): a cue starts with it")]


def _under_credits(cut: CutInfo, cues: list[Cue], busy: list[Range]) -> list[Cue]:
    """End credits roll under music (``auto.credits_cue``): a proposal ending inside the credits runs on to their
    end; credits no cue plays over get a cue of their own, where nothing else keeps music out."""
    if not cut.rules.get("auto.credits_cue"):
        return cues
    from .titles import END_CREDITS, find_titles

    min_len = cut.frames(cut.rules.get("lengths.min_cue_seconds"))
    out = list(cues)
    for seg in (t for t in find_titles(cut.analysis, cut.rules) if t.label == END_CREDITS):
        end = cut.cut_at_or_after(seg.end_frame)
        others = [(c.start_frame, c.end_frame) for c in out]
        if union_length(others, (seg.start_frame, seg.end_frame)) * 2 >= seg.end_frame - seg.start_frame:
            continue  # music plays over most of them already
        why = f"end credits roll under music: {seg.what}"
        inside = [i for i, c in enumerate(out) if seg.start_frame < c.end_frame < end]
        if inside:
            i = inside[-1]
            room = [p for p in subtract((out[i].start_frame, end), busy + others[:i] + others[i + 1:])
                    if p[0] == out[i].start_frame]
            if room and room[0][1] > out[i].end_frame:
                out[i] = replace(out[i], end_frame=room[0][1], reasons=out[i].reasons + (why,))
            continue
        start = cut.cut_at_or_before(seg.start_frame)
        parts = [p for p in subtract((start, end), busy + others) if p[1] - p[0] >= min_len]
        if parts:
            part = max(parts, key=lambda p: p[1] - p[0])
            out.append(Cue(start_frame=part[0], end_frame=part[1], origin="auto", moods=tuple(cut.rules.get("auto.default_moods")),
                           intensity=mood_intensity(tuple(cut.rules.get("auto.default_moods")), cut.rules),
                           reasons=(PROPOSED, why), input=cut.index))
    return sorted(out, key=lambda c: c.start_frame)


@dataclass(frozen=True)
class Montage:
    """A run of stills (a photo montage) over ``[start_frame, end_frame)``: ``count`` stills one after another."""

    start_frame: int
    end_frame: int
    count: int
    first: str  # the first still's name


def stills_montages(cut: CutInfo) -> list[Montage]:
    """Runs of at least ``auto.montage_stills`` stills (graphics whose media is a still image, any video track), each
    following the last within a second: a photo montage, which music carries. Supers and titles are no part of it."""
    least = cut.rules.get("auto.montage_stills")
    if least <= 0:
        return []
    joint = cut.frames(1.0)
    runs: list[list] = []
    for o in cut.analysis.overlays:
        if o.kind != "graphic" or not unquote(o.source).lower().endswith(STILL_EXTENSIONS):
            continue
        if runs and o.start_frame <= runs[-1][1] + joint:
            runs[-1][1] = max(runs[-1][1], o.end_frame)
            runs[-1][2] += 1
        else:
            runs.append([o.start_frame, o.end_frame, 1, o.name])
    return [Montage(s, e, n, name) for s, e, n, name in runs if n >= least]


def _split_at_starts(cut: CutInfo, cues: list[Cue], starts: list[tuple[int, str]]) -> list[Cue]:
    """Where a new piece starts (a photo montage, the programme's title) inside a proposed cue, a cue of its own
    starts there and the cue before ends on it: the share of music is unchanged. Only where both parts keep the
    minimum length of a cue."""
    if not starts:
        return cues
    min_len = cut.frames(cut.rules.get("lengths.min_cue_seconds"))
    out: list[Cue] = []
    for cue in cues:
        for frame, why in sorted(starts):
            at = cut.cut_at_or_before(frame)  # on a cut (under a flattened export: a hidden one)
            if cue.start_frame + min_len <= at <= cue.end_frame - min_len:
                out.append(replace(cue, end_frame=at, exit=Edge("hard_out")))
                kept = tuple(r for r in cue.reasons if not r.startswith(("opens the programme", "opens the sequence")))
                cue = replace(cue, start_frame=at, entry=Edge("hard_in"), reasons=kept + (why,))
        out.append(cue)
    return out


def _opening(cut: CutInfo, cues: list[Cue], busy: list[Range]) -> list[Cue]:
    """A programme opens with music: the first proposal, when it starts within ``auto.opening_seconds`` of the
    first frame and nothing (a cue, NO MUSIC, a segment with its own mix) lies before it, starts on the first
    frame, under the first words (0: off)."""
    opening = cut.frames(cut.rules.get("auto.opening_seconds"))
    if not cues or not 0 < cues[0].start_frame <= opening or any(s < cues[0].start_frame for s, _ in busy):
        return cues
    first = cues[0]
    why = (f"opens the programme: from the first frame ({first.start_frame / cut.rate:.0f} s before the stretch "
           "it was proposed for), under the first words")
    return [replace(first, start_frame=0, entry=Edge("hard_in"), reasons=first.reasons + (why,))] + cues[1:]


def _clear_of(cue: Cue, segments: list, ranges: list[Range]) -> Cue:
    """A cue ending where a segment with its own mix begins fades out there (no tail rings over its mix)."""
    for seg, (start, _) in zip(segments, ranges):
        if cue.end_frame == start and cue.exit.type == "hard_out":
            return replace(cue, exit=Edge("fade_out"),
                           reasons=cue.reasons + (f"fades out before {seg.name!r}, which brings its own mix",))
    return cue


def _choose(cut: CutInfo, scored: list[tuple[float, int, Cue]], taken: list[Range], target: float, exact: bool) -> list[Cue]:
    """Best candidates first until the target; one that runs straight on from music already there scores less.

    ``exact`` (a number was asked for): the last cue is shortened on a cut so the share lands within
    ``auto.coverage_tolerance`` of the target; else a cue may overshoot it by ``auto.coverage_slack``.
    """
    rules = cut.rules
    slack = rules.get("auto.coverage_tolerance") if exact else rules.get("auto.coverage_slack")
    ceiling = target + slack * cut.duration
    floor = target - rules.get("auto.coverage_tolerance") * cut.duration if exact else target
    min_len = cut.frames(rules.get("lengths.min_cue_seconds"))
    longest = cut.frames(rules.get("auto.max_cue_seconds"))
    gap = cut.frames(cut.rules.get("lengths.min_gap_seconds"))
    penalty = cut.rules.get("auto.spacing_penalty")
    covered = union_length(taken)
    busy = list(taken)
    pool = list(scored)
    chosen: list[Cue] = []
    while pool and covered < floor:
        def rank(t: tuple[float, int, Cue]) -> tuple[float, int]:
            cue = t[2]
            near = any(cue.start_frame - gap <= e and s <= cue.end_frame + gap for s, e in busy)
            return (-(t[0] - (penalty if near else 0.0)), t[1])

        pool.sort(key=rank)
        _, _, cue = pool.pop(0)
        if covered + cue.duration_frames > ceiling and exact:
            need = max(min_len, int(target - covered))
            end = cut.cut_at_or_before(cue.start_frame + need)
            if end - cue.start_frame < min_len:  # no cut there: the music fades out where the share is met
                end = cue.start_frame + need
            cue = replace(cue, end_frame=end, exit=Edge("hard_out"),
                          reasons=cue.reasons + (f"shortened on a cut to meet coverage_target {target / cut.duration:.2f}",))
        elif covered + cue.duration_frames > ceiling:
            end = cut.cut_at_or_before(cue.start_frame + int(ceiling - covered))
            if not (chosen or covered):  # the best candidate is taken whole when nothing else plays ...
                if end - cue.start_frame < min_len and cue.duration_frames > longest:  # ... but not a reel with no cut
                    cue = replace(cue, end_frame=cue.start_frame + max(min_len, min(longest, int(ceiling - covered))),
                                  exit=Edge("fade_out"), reasons=cue.reasons + (
                                      "fades out: no cut to end on before the longest a proposal runs or the planned share",))
            elif end - cue.start_frame < min_len:
                continue  # too long for the target
            else:
                cue = replace(cue, end_frame=end, exit=Edge("hard_out"),
                              reasons=cue.reasons + ("ended on a cut where the planned share of music is reached",))
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
    """``part`` ended at the last cut before ``auto.max_cue_seconds`` when longer; kept whole when no cut lies
    before that length (a long take, a stretch of black where an export has no main picture)."""
    longest = cut.frames(cut.rules.get("auto.max_cue_seconds"))
    if part[1] - part[0] <= longest:
        return part
    end = cut.cut_at_or_before(part[0] + longest)
    return (part[0], end) if end > part[0] else part  # no cut before that length: on to the stretch's own end


def _judge(cut: CutInfo, cand: Candidate, part: Range, heard: Hearing, first: bool, last: bool) -> tuple[float, Cue]:
    rules, analysis = cut.rules, cut.analysis
    seconds = (part[1] - part[0]) / cut.rate
    shots = max(1, _shot_count(cut, part))
    mean_shot = seconds / shots
    # talk on camera is what music leaves room for; voice-over carries a bed (documentary, magazine)
    dialogue = _share(heard.talk, part) if heard.structured else _dialogue_share(analysis, part)
    reasons = [PROPOSED, f"{cand.label} ({cand.why})"]
    # a picture-only file (an EDL of the video events alone): what is said is unknown, not "0 %" dialogue
    sound = bool(analysis.audio_clips) or any(t.kind == "audio" for t in analysis.tracks)
    # with no picture (a dialogue list), the talk is the dialogue heard, not talk "on camera"
    said = "talk on camera" if heard.structured and _has_picture(analysis) else "dialogue"
    if not sound:
        reasons.append("no sound in the file (picture only): dialogue unknown")
    elif heard.music_led:
        reasons.append("nothing said on camera (natural sound only, or no speech found): pictures and music carry it")
    score = 1.0
    vo = _share(heard.vo, part)
    if vo >= rules.get("auto.dialogue_light"):
        score += 0.5
        reasons.append(f"voice-over under {vo:.0%} of it: a bed runs under narration")
    if mean_shot < rules.get("auto.fast_shot_seconds") and shots > 2:
        moods = list(rules.get("auto.fast_moods"))
        score += 0.5
        montage = " with no talk: a montage" if dialogue == 0.0 and heard.structured else ""
        reasons.append(f"fast cutting (mean shot {mean_shot:.1f} s over {shots} shots){montage} reads as action")
    elif mean_shot > rules.get("auto.slow_shot_seconds"):
        moods = list(rules.get("auto.slow_moods"))
        score += 0.25
        reasons.append(f"long takes (mean shot {mean_shot:.1f} s) read as intimate")
    else:
        moods = list(rules.get("auto.default_moods"))
        reasons.append(f"moderate cutting (mean shot {mean_shot:.1f} s)")
    if not sound:
        pass  # no bonus for room to play either: nothing is known of it
    elif dialogue > rules.get("auto.dialogue_heavy"):
        score -= 1.0
        reasons.append(f"{said} under {dialogue:.0%} of it: keep the underscore low")
    elif dialogue < rules.get("auto.dialogue_light"):
        score += 1.0
        reasons.append(f"{said} under only {dialogue:.0%} of it: room for music to play")
    wall = rules.get("auto.sync_wall_share")
    if heard.structured and 0 < wall <= _share(heard.sync, part):
        score -= 1.0
        reasons.append(f"sync bites under {_share(heard.sync, part):.0%} of it, one after another: talk, if none long")
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
