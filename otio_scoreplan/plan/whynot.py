"""Why the plan leaves a stretch without music: ``spot --why-not`` and the plan's ``without_music`` key.

Every stretch between cues at least ``lengths.min_gap_seconds`` long is listed with what keeps music out of it:
a NO MUSIC direction, talk on camera (:mod:`..analyse.speech`), a segment that brings its own mix, too little
room for a cue, or the coverage target already met.
"""

from __future__ import annotations

from ..analyse.leaders import find_leaders
from ..analyse.tracks import own_mix_segments
from .auto import coverage_goal, hearing
from .context import CutInfo, Range, subtract, union_length
from .model import Cue, FreeStretch

MAX_LISTED = 4  # talks named per stretch; the rest are counted


def without_music(cut: CutInfo, cues: list[Cue], forbidden: list[Range]) -> list[FreeStretch]:
    """The stretches of one input no cue covers, each with its reasons, in film order."""
    rules, seq = cut.rules, cut.analysis.sequence
    if cut.duration <= 0:
        return []
    spans = sorted((c.start_frame, c.end_frame) for c in cues if c.input == cut.index)
    gaps = [g for g in subtract((0, cut.duration), spans) if g[1] - g[0] >= cut.frames(rules.get("lengths.min_gap_seconds"))]
    if not gaps:
        return []
    heard, talk = hearing(cut)
    segments = own_mix_segments(cut.analysis, rules.get("auto.own_mix_words"))
    share = union_length(spans) / cut.duration
    leaders = {(x.start_frame, x.end_frame): f"{x.reason}, {seq.timecode(x.start_frame)}-{seq.timecode(x.end_frame)}"
               for x in find_leaders(cut.analysis)}
    goal = coverage_goal(cut)
    # a list with no picture (a dialogue list): its talk is the dialogue heard, no camera is shown
    talk_is = "talk on camera" if any(x.kind not in ("gap", "slug") for x in cut.analysis.shots) else "dialogue"
    out: list[FreeStretch] = []
    for s, e in gaps:
        def over(a: int, b: int, s: int = s, e: int = e) -> bool:
            return a < e and b > s

        why: list[str] = []
        why += [leaders.get((a, b)) or f"a NO MUSIC direction covers {seq.timecode(a)}-{seq.timecode(b)}"
                for a, b in forbidden if over(a, b)]
        talks = [t for t in talk if over(t.start_frame, t.end_frame)]
        why += [f"{talk_is} {seq.timecode(t.start_frame)}-{seq.timecode(t.end_frame)} ({t.evidence})" for t in talks[:MAX_LISTED]]
        if len(talks) > MAX_LISTED:
            why.append(f"and {len(talks) - MAX_LISTED} more stretches of {talk_is}")
        why += [f"{x.name!r} brings its own mix" for x in segments if over(x.start_frame, x.end_frame)]
        rest = subtract((s, e), [(t.start_frame, t.end_frame) for t in talks])  # what the talk leaves
        bites = sum(union_length(heard.sync, p) for p in rest) / max(1, sum(b - a for a, b in rest))
        if heard.structured and rest and 0 < rules.get("auto.sync_wall_share") <= bites:
            why.append(f"sync bites one after another under {bites:.0%} of it{' besides the talk' if talks else ''} "
                       "(talk, though no one bite is long)")
        if e - s < cut.frames(rules.get("lengths.min_cue_seconds")):
            why.append(f"room between cues for music to breathe ({(e - s) / cut.rate:.1f} s, shorter than a cue)")
        kept_out = [(t.start_frame, t.end_frame) for t in talks] + [(x.start_frame, x.end_frame) for x in segments]
        open_frames = (e - s) - union_length(kept_out + list(forbidden), (s, e))
        if open_frames >= cut.frames(rules.get("lengths.min_cue_seconds")):
            aim = rules.get("auto.coverage_auto_max") if goal is None else goal
            target = f"auto, proposals up to {aim:.0%}" if goal is None else f"{goal:.0%}"
            if share + rules.get("auto.coverage_tolerance") >= aim:
                theirs = union_length([(c.start_frame, c.end_frame) for c in cues
                                       if c.input == cut.index and c.origin != "auto"]) / cut.duration
                over = (" (the cues the editor marked or laid count in full)" if theirs > aim
                        else " (the best proposal is kept whole when no other music plays)"
                        if share > aim + rules.get("auto.coverage_slack") else "")
                why.append(f"the coverage target ({target}) is reached: music covers {share:.0%} of the running time"
                           + over)
            else:
                why.append(f"music covers {share:.0%} of the running time, under the coverage target ({target}), "
                           "but no candidate stretch was left here to propose")
        out.append(FreeStretch(cut.index, s, e, tuple(dict.fromkeys(why))))
    return out
