"""Cue planning: from one or more :class:`~otio_scoreplan.model.Analysis` (one per reel) and the rules to a
:class:`~otio_scoreplan.plan.model.Plan`. Pure and deterministic: the same input and rules give the same plan.

How cues are found (in this order; see ``default_rules.toml`` for every word and number):

1. explicit directions (:mod:`.explicit`): ranged markers saying music (``MUSIC``, ``M:``, ``cue:``, a cue id,
   a music colour), ``MUSIC IN``/``MUSIC OUT`` pairs, music already in the cut; ``NO MUSIC`` forbids music;
2. mood, theme and hit notes grow over their scene (:mod:`.grow`);
3. auto-spotting proposes cues where nothing is marked, up to a coverage target (:mod:`.auto`);
4. the cues are fitted together (:mod:`.resolve`), numbered (:mod:`.numbering`) and themes linked (:mod:`.themes`).

Plan JSON (``scoreplan spot --json``), schema ``"otio-scoreplan/plan"``, version 2 (version 1 plans are read)::

    schema, version        "otio-scoreplan/plan", 2
    sequence               the first input's sequence object, as in ``inspect --json``
    fingerprint            "sha256:..." of the cut(s): rate, start, shots, cuts (``apply --plan`` checks it)
    revision               1 for a plan made afresh; ``spot --previous`` counts on from the previous plan's
                           (documents print it with the fingerprint's first characters: ``2 (680153d2)``)
    date                   "YYYY-MM-DD" (UTC) the plan was made; SOURCE_DATE_EPOCH's day when that is set
    rules_digest           "sha256:..." of the rules the plan was made with
    cues[]                 in film order:
      id                   "1M1", "1M3S" (source), "2M3A" (new between two kept ids)
      reel, input          reel number; index into ``inputs`` (frames count in that input's sequence)
      start_frame, end_frame, start_timecode, end_timecode, duration_frames, duration_seconds
                           where the music sounds, end exclusive, pre-lap and tail included
      kind                 "score" | "source"
      origin               "explicit" (a direction) | "music" (already in the cut) | "grown" (a mood/theme
                           note grown over its scene) | "auto" (proposed from the cut alone)
      entry                {type: hard_in | prelap | fade_in | segue, frames, cut_frame?}
                           prelap: music starts ``frames`` before the cut at ``cut_frame``;
                           segue: ``frames`` > 0 is a planned crossfade overlap with the previous cue
                           (score cues overlap only there, or where a stated tail/pre-lap rings into a neighbour)
      exit                 {type: hard_out | tail_out | fade_out | segue, frames, seconds?, cut_frame?}
                           tail_out: music rings ``frames`` (``seconds``) past the cut at ``cut_frame``
      moods, themes        lists of words (moods from the rules' mood table or the editor's own word)
      intensity            integer 1 (barely there) .. 5 (full out)
      palette              suggested instrumentation from the mood table
      hits[]               {frame, timecode, label}: sync points inside the cue
      description          one line: the scenes it plays over and what the editor wrote
      description_digest   ``sha256:`` of the description as the planner wrote it: one that no longer matches
                           it is a person's (kept across a recut)
      reasons              why the cue exists: the annotations and scene facts; "proposed, not marked"
      avoid                what the editor's notes rule out ("not the theme yet", "no drums"): "theme" (any
                           theme), "theme:Anna", or an instrument word; theme, palette and temp choice obey it
    themes[]               {name, introduced_by, cues}: where each theme recurs
      temp                 {path, title, offset_seconds, reason, pinned?}: the temp piece chosen (``--library``)
                           or pinned by a person (other keys a person adds are kept as written)
      final                the final music, for the cue sheet: {title, usage (BI BV VI VV MT ET), library?,
                           catalogue_number?, iswc?, isrc?, parties: [{name, role: writer | publisher, share,
                           society, ipi}]} with the shares adding up to 100 (version 1: {title, composer,
                           publisher, society, usage})
      recut                with ``--previous``: what the recut did to the cue (:mod:`.recut`):
                           {change: kept | moved | lengthened | shortened | split | new, previous_id,
                           previous_start_frame, previous_end_frame, moved_frames, length_frames,
                           kept: [fields carried from the previous plan], notes: [what to look at],
                           previous_hits: [{frame, label}] (the previous cue's sync points, previous cut)}
                           edits: [{at, previous_at, removed | added}]: the picture edits the recut made
                           inside the cue, in film order (frames from its start in the recut / in the
                           previous cut), for the temp conform and the change memo; left out when none
    retired_ids            ids of earlier plans (``--previous``) that no cue holds any more; never reused
    warnings               directions that could not be honoured as written
    without_music[]        {input, start_frame, end_frame, start_timecode, end_timecode, why[]}: the stretches
                           no cue covers (at least lengths.min_gap_seconds) and what keeps music out of each
    inputs[]               per input: sequence, fingerprint, shots, cuts, transitions, scenes, reels
    recut                  with ``--previous``: {previous_fingerprint, dropped: [{id, input, start_frame,
                           end_frame, note, merged_into?, final?, temp?}]}: the previous cues no cue of the
                           recut continues, with their final music and temp piece as they were
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import re
from dataclasses import asdict, replace
from typing import Any

from ..analyse.reels import act_reels, reels_by_setting
from ..model import Analysis
from .auto import propose
from .context import CutInfo
from .describe import finish
from .ducking import with_speech
from .explicit import find_explicit
from .fingerprint import combined, fingerprint
from .grow import grow
from .model import Cue, DroppedCue, Plan, plan_from_json, plan_to_json
from .numbering import episodes_of, number_cues
from .previous import unrelated_previous
from .recut import carry_previous, core_frames, kept_proposals, previous_picture, segues_rejoined
from .resolve import resolve
from .rules import Rules, default_rules, load_rules
from .shotmap import Placed, place_previous
from .themes import link_themes
from .titles import find_titles, labelled
from .whynot import without_music

log = logging.getLogger(__name__)

__all__ = ["make_plan", "Plan", "Cue", "Rules", "default_rules", "load_rules", "plan_to_json", "plan_from_json"]



def analysis_summary(analysis: Analysis) -> dict[str, Any]:
    """The part of the analysis a plan carries: shots, cuts, transitions, scenes, reels (with timecodes)."""
    seq = analysis.sequence

    def rows(items: list[Any]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            row = asdict(item)
            row["start_timecode"], row["end_timecode"] = seq.timecode(row["start_frame"]), seq.timecode(row["end_frame"])
            out.append(row)
        return out

    return {
        "shots": rows(analysis.shots),
        "cuts": list(analysis.cuts),
        "transitions": rows(analysis.transitions),
        "scenes": rows(analysis.scenes),
        "reels": rows(analysis.reels),
    }


def plan_date() -> str:
    """The day a plan is made (UTC): ``SOURCE_DATE_EPOCH``'s when set, so plans and documents stay reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = (_dt.datetime.fromtimestamp(int(epoch), _dt.UTC) if epoch.isdigit()
            else _dt.datetime.now(_dt.UTC))
    return when.date().isoformat()


_LENGTH_SAID = re.compile(r"(\d+) s,? (?:covers|loops to) the cue's (\d+) s")


def temp_reason_for(reason: str, cue_seconds: float) -> str:
    """A temp pick's reason with the cue length it states ("45 s covers the cue's 24 s") made the cue's own."""
    def said(m: re.Match) -> str:
        piece = int(m.group(1))
        cue = round(cue_seconds)
        return f"{piece} s covers the cue's {cue} s" if piece >= cue_seconds else f"{piece} s, loops to the cue's {cue} s"
    return _LENGTH_SAID.sub(said, reason)


def _with_previous_hits(cues: list[Cue], previous: Plan, rates: list[float]) -> list[Cue]:
    """Recut cues with the sync points of the previous cue they continue (for the change memo), and a kept temp
    pick's reason saying the cue's new length."""
    old = {c.id: c for c in previous.cues}
    out = []
    for c in cues:
        if c.recut is not None and c.recut.previous_id in old and old[c.recut.previous_id].hits:
            c = replace(c, recut=replace(c.recut, previous_hits=old[c.recut.previous_id].hits))
        if c.temp is not None and c.temp.reason:
            c = replace(c, temp=replace(c.temp, reason=temp_reason_for(c.temp.reason, c.duration_frames / rates[c.input])))
        out.append(c)
    return out


def with_rules_reels(analysis: Analysis, rules: Rules) -> Analysis:
    """``analysis`` with the reels the rules' settings give (``numbering.reel_minutes``, ``acts_from_black``;
    :func:`otio_scoreplan.analyse.reels.reels_by_setting`): by default the reels as found."""
    seq, reels = analysis.sequence, analysis.reels
    acts = (act_reels(seq, analysis.shots, analysis.transitions, min(r.number for r in reels) if reels else 1)
            if rules.get("numbering.acts_from_black") else None)
    wanted = reels_by_setting(seq, analysis.annotations, reels, float(rules.get("numbering.reel_minutes")), acts)
    return analysis if wanted == reels else replace(analysis, reels=wanted)


def reel_offsets(analyses: list[Analysis]) -> list[int]:
    """Per input, what to add to its reel numbers so that reels run on across inputs (one file per reel)."""
    offsets, highest = [], 0
    for a in analyses:
        numbers = [r.number for r in a.reels] or [1]
        offset = highest + 1 - min(numbers) if min(numbers) <= highest else 0
        offsets.append(offset)
        highest = max(numbers) + offset
    return offsets


def _reel_of(cue: Cue, analysis: Analysis, offset: int) -> int:
    for reel in analysis.reels:
        if reel.start_frame <= cue.start_frame < reel.end_frame:
            return reel.number + offset
    return (analysis.reels[-1].number if analysis.reels else 1) + offset


def _plan_input(cut: CutInfo, where: Placed | None = None) -> tuple[list[Cue], list[str], list[tuple[int, int]]]:
    """The cues of one input (fitted, described), the warnings, and the NO MUSIC ranges; ``where``: a previous
    plan placed on this recut, whose proposed cues stay on their picture (:func:`.recut.kept_proposals`)."""
    explicit = find_explicit(cut)
    cues, grown, warnings = grow(cut, explicit)
    warnings = explicit.warnings + warnings
    forbidden = [r for r, _ in explicit.forbidden + explicit.leaders]  # NO MUSIC, and leaders: nothing proposed there
    kept = (kept_proposals(where, cut.index, cues + grown, forbidden, cut.frames(cut.rules.get("lengths.min_cue_seconds")))
            if where is not None else [])
    taken = [(c.start_frame, c.end_frame) for c in cues + grown] + [core_frames(k) for k in kept]  # off their tails
    seen = previous_picture(where, cut.index) if where is not None else []  # spotted: propose on new picture
    auto = propose(cut, taken, forbidden + seen)
    # the kept proposals are the music editor's cues: the new ones do not segue, pre-lap or ring over them
    fitted, more = resolve(cut, cues + grown + auto, forbidden + [(k.start_frame, k.end_frame) for k in kept])
    kept = segues_rejoined(kept, fitted + kept, cut.frames(cut.rules.get("lengths.min_gap_seconds")),
                           cut.boundaries, forbidden)
    fitted = sorted(fitted + kept, key=lambda c: (c.start_frame, c.end_frame, c.kind))
    warnings += more
    seq = cut.analysis.sequence
    for cue in fitted:
        if cue.origin in ("explicit", "music"):
            for (f0, f1), why in explicit.forbidden:
                if cue.start_frame < f1 and cue.end_frame > f0:
                    warnings.append(f"music at {seq.timecode(cue.start_frame)} overlaps a NO MUSIC range; kept as marked ({why})")
    titles = find_titles(cut.analysis, cut.rules)  # main titles and end credits: their cues say so
    return [labelled(finish(c, cut, explicit.empty), titles) for c in fitted], warnings, forbidden


def make_plan(analyses: list[Analysis], rules: Rules | None = None, previous: Plan | None = None) -> Plan:
    """The cue plan of one or more inputs (one per reel), numbered across them."""
    rules = rules or default_rules()
    analyses = [with_rules_reels(a, rules) for a in analyses]
    cuts = [CutInfo(a, rules, i) for i, a in enumerate(analyses)]
    offsets = reel_offsets(analyses)
    cues: list[Cue] = []
    warnings: list[str] = []
    forbidden: list[list[tuple[int, int]]] = []
    where = place_previous(previous, analyses) if previous is not None else None  # where its picture went
    if previous is not None and (unrelated := unrelated_previous(previous, analyses)):
        warnings.append(unrelated)
    for cut in cuts:
        found, w, no_music = _plan_input(cut, where)
        forbidden.append(no_music)
        prefix = f"{cut.analysis.sequence.name}: " if len(cuts) > 1 else ""
        warnings += [prefix + x for x in w]
        cues += [replace(c, reel=_reel_of(c, cut.analysis, offsets[cut.index])) for c in found]
    placed = where.plan if where is not None else None
    numbered, retired, w = number_cues(cues, rules, placed, episodes_of([a.sequence.name for a in analyses], rules))
    warnings += w
    linked, themes = link_themes(numbered, cuts)
    dropped: list[DroppedCue] = []
    if previous is not None and placed is not None:  # a recut: the music editor's work on the cues that go on is kept
        carried, dropped = carry_previous(linked, previous, placed, [a.sequence.duration_frames for a in analyses],
                                          [a.sequence.rate for a in analyses], forbidden, rules, where)
        carried = _with_previous_hits(carried, previous, [a.sequence.rate for a in analyses])
        carried.sort(key=lambda c: (c.input, c.start_frame, c.end_frame, c.kind, c.id))  # as number_cues orders
        linked, themes = link_themes(carried, cuts)
    linked = with_speech(linked, analyses, rules)  # where each cue's temp rides down (refilled on every spot)
    free = [f for cut in cuts for f in without_music(cut, [c for c in linked if c.input == cut.index], forbidden[cut.index])]
    prints = [fingerprint(a) for a in analyses]
    return Plan(
        sequences=[a.sequence for a in analyses],
        fingerprints=prints,
        cues=linked,
        themes=themes,
        retired_ids=retired,
        warnings=warnings,
        rules_digest=rules.digest(),
        analyses=[analysis_summary(a) for a in analyses],
        fingerprint=combined(prints),
        recut_from=(previous.fingerprint or "unknown") if previous is not None else "",
        dropped=dropped,
        revision=previous.revision + 1 if previous is not None else 1,
        date=plan_date(),
        without_music=free,
    )
