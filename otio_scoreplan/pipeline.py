"""The one path from an input to a plan, taken by every command and by the OTIO plugin.

read -> analyse -> check -> plan -> hooks -> temp choice:

* :func:`read_and_analyse`: a timeline file read (``formats``) and analysed (``analyse``);
* :func:`require_content`: an empty sequence is refused in one line;
* :func:`plan_input_index`: a plan given by the user (``--plan``) must be the plan of this cut (fingerprint and
  sequence), else one message naming the plan file;
* :func:`obtain_plan`: the plan for analysed inputs - the given plan checked, or one made now with the
  studio's ``scoreplan_post_plan`` hooks (a previous plan's ids and kept temp pieces carried), with temp
  pieces chosen from a library when one is given;
* :func:`apply_to_cut` (``apply``): temp media rendered, then the cut written back in its own format;
* :func:`render_preview` (``render``): pieces chosen, cues fitted and mixed into a preview per input.

The command line (``otio_scoreplan._cli``) parses arguments, calls these and prints; nothing here prints or
knows about arguments. Heavy packages (OpenTimelineIO adapters, numpy, librosa) are imported inside the
functions that need them, so ``scoreplan --help`` stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, UsageError

if TYPE_CHECKING:
    import opentimelineio as otio

    from .audio.render import MixReport, RenderSettings
    from .formats import ReadOptions, Source
    from .formats.writeback import ApplyResult
    from .library.choose import Pick
    from .model import Analysis
    from .plan.model import Plan
    from .plan.rules import Rules

PathLike = str | os.PathLike[str]

# The one message for a plan that is not this cut's (apply, notes): what happened and the two ways forward.
OTHER_CUT = ("the plan was made from another cut (its fingerprint does not match this timeline); "
             "run `scoreplan spot` on this cut, or `spot --previous` to keep the old cue ids")


def read_and_analyse(path: PathLike, options: ReadOptions | None = None, reference_video: PathLike | None = None,
                     reference_start: str | None = None) -> tuple[Source, Analysis]:
    """The timeline file ``path`` read in its own format and analysed.

    ``reference_video``: shots from the cuts detected in a rendered reference of the cut (for a picture that is
    one long clip), whose first frame is at record timecode ``reference_start`` (default: the sequence start).
    """
    from .analyse import analyse
    from .formats import read_source

    source = read_source(path, options)
    reference = None
    if reference_video:
        from .analyse.video import reference_for_sequence

        reference = reference_for_sequence(reference_video, source.rate, source.start_frame, reference_start)
    return source, analyse(source, reference=reference)


def analyse_timeline(timeline: otio.schema.Timeline, where: str) -> Analysis:
    """An OTIO timeline already in memory (the OTIO plugin's input) analysed; ``where`` names it in messages.

    The timeline is not changed: the analysis works on a copy (reading adds our metadata).
    """
    import copy
    from pathlib import Path

    from .analyse import analyse
    from .formats import ReadOptions
    from .formats.otiofile.read import source_from_timeline

    return analyse(source_from_timeline(copy.deepcopy(timeline), Path(where), ReadOptions()))


def require_content(analysis: Analysis) -> None:
    """Planning needs a sequence with frames in it: an empty one is refused in one line."""
    if analysis.sequence.duration_frames <= 0:
        raise InputError("the sequence is empty (0 frames): there is nothing to plan music for", analysis.sequence.path)


def plan_mismatch(plan: Plan, index: int, analysis: Analysis) -> str:
    """Why input ``index`` of ``plan`` is not the cut ``analysis`` describes, or '' when it is.

    The fingerprint covers the shots and cuts; the sequence check catches a plan whose fingerprint was kept
    while its sequence (rate, start, length) was edited by hand: a plan without its shots.
    """
    from .plan.fingerprint import fingerprint, sequence_mismatch

    if not 0 <= index < len(plan.fingerprints) or plan.fingerprints[index] != fingerprint(analysis):
        return OTHER_CUT
    problem = sequence_mismatch(plan.sequences[index], analysis.sequence)
    return f"the plan's sequence must match the cut's: {problem}" if problem else ""


def plan_input_index(plan: Plan, analysis: Analysis, where: PathLike | None = None) -> int:
    """Which of ``plan``'s inputs the cut ``analysis`` is; :class:`UsageError` naming ``where`` when none is."""
    from .plan.fingerprint import fingerprint

    mine = fingerprint(analysis)
    index = plan.fingerprints.index(mine) if mine in plan.fingerprints else -1
    problem = plan_mismatch(plan, index, analysis)
    if problem:
        raise UsageError(problem, where)
    return index


def make_hooked_plan(analyses: Sequence[Analysis], rules: Rules, previous: Plan | None = None,
                     inputs: Sequence[str] = ()) -> Plan:
    """``make_plan`` followed by the studio's ``scoreplan_post_plan`` hook scripts (see otio_plugin.hooks)."""
    from .otio_plugin.hooks import run_post_plan_hooks
    from .plan import make_plan

    return run_post_plan_hooks(make_plan(list(analyses), rules, previous), inputs)


def with_temp(plan: Plan, library: PathLike | None, seed: int = 0, rules: Rules | None = None) -> Plan:
    """``plan`` with a temp piece chosen from ``library`` for each cue (pinned pieces kept; mood words read by
    ``rules``' mood table, the shipped one when None); as it is without one."""
    if not library:
        return plan
    from .tempscore import plan_with_temp

    return plan_with_temp(plan, os.fspath(library), seed, rules)


def obtain_plan(analyses: Sequence[Analysis], inputs: Sequence[str], rules: Rules | None, *, given: Plan | None = None,
                given_path: PathLike | None = None, previous: Plan | None = None, library: PathLike | None = None,
                seed: int = 0) -> tuple[Plan, int]:
    """The plan for the analysed cut(s) ``analyses`` (read from ``inputs``), and which of its inputs the first is.

    ``given`` (a plan the user made or edited, read from ``given_path``) must be this cut's plan
    (:func:`plan_input_index`); otherwise a plan is made now by ``rules`` (the shipped ones when None) and the
    studio's hooks, keeping ``previous``'s cue ids where the cues still exist and checking the temp pieces it
    keeps. With a ``library`` each cue without a pinned piece gets one chosen (``seed`` varies the choice among
    near-equal pieces).
    """
    for analysis in analyses:
        require_content(analysis)
    if given is not None:
        plan, index = given, plan_input_index(given, analyses[0], given_path)
    else:
        if rules is None:
            from .plan.rules import default_rules

            rules = default_rules()
        plan, index = make_hooked_plan(analyses, rules, previous, inputs), 0
        if previous is not None and any(c.temp for c in plan.cues):
            from .tempscore import check_kept_temp

            # the temp pieces kept from the previous plan: do they still fit their cues?
            plan = check_kept_temp(plan, os.fspath(library) if library is not None else None)
    return with_temp(plan, library, seed, rules), index


def apply_to_cut(source: Source, plan: Plan, index: int, output: Path, media_dir: Path, rules: Rules,
                 embed_media: bool = False) -> ApplyResult:
    """Write ``source`` back to ``output`` in its own format with ``plan``'s cues for its input ``index``: the temp
    media rendered first into ``media_dir`` (clean files with handles where the format carries fades as automation;
    none over the editor's own music unless the rules ask), then the cut written by the format's writer."""
    from .formats.writeback import apply_plan, plan_for_temp_media, settings_from_rules, writes_fades
    from .outfile import check_output_path

    settings = settings_from_rules(rules)
    temp_media: dict[str, Path] = {}
    automation: dict[str, tuple[int, int, int]] = {}  # cue id -> (head handle, fade in, fade out) frames of its clip
    if any(c.temp for c in plan.cues if c.input == index):
        from .tempscore import render_temp_media

        check_output_path(output, source.path)  # refuse a bad output before rendering anything
        temp_media = render_temp_media(plan_for_temp_media(plan, settings), index, plan.sequences[index], media_dir,
                                       clean=writes_fades(output), automation=automation, rules=rules)
    return apply_plan(source, plan, output, input_index=index, media_dir=media_dir, settings=settings,
                      temp_media=temp_media, embed_media=embed_media, temp_automation=automation)


@dataclass
class RenderedInput:
    """What ``render`` made for one input of a plan: the picks, the mix, and the per-cue files when asked."""

    picks: list[Pick]
    mix: MixReport
    cue_files: int | None = None  # with a media folder: how many cue files were written into it
    media: Path | None = None


def kept_cuts_checked(plan: Plan, plan_path: PathLike) -> Plan:
    """``plan`` without each ``temp.cut`` that does not last its cue (a person's edit, e.g. ``[[0, 0, 2400]]`` on a
    24 s cue), with one warning naming the plan file, the cue and both lengths: the fitter cuts such a cue again from
    its piece, so the kept cut is not played (nor checked against the piece: :func:`~.tempscore.check_temp_reach`),
    and no later step warns about it again (issue 11 leftover: it warned once per rendering of the cue)."""
    import json
    import logging
    from dataclasses import replace

    cues = list(plan.cues)
    for n, cue in enumerate(cues):
        text = dict(cue.temp.extra).get("cut") if cue.temp else None
        if not text or cue.input >= len(plan.sequences):
            continue
        try:
            lasts = sum(float(span[2]) for span in json.loads(text))
        except (TypeError, ValueError, IndexError):
            continue  # the plan schema refuses a malformed cut before this
        rate = float(plan.sequences[cue.input].rate)
        length = (cue.end_frame - cue.start_frame) / rate
        if abs(lasts - length) <= 1.0 / rate:
            continue
        logging.getLogger("scoreplan").warning(
            "%s: cues[%d] (%s).temp.cut lasts %g s, the cue %g s: not played; the cue is cut again from its piece",
            plan_path, n, cue.id, round(lasts, 3), round(length, 3))
        assert cue.temp is not None
        cues[n] = replace(cue, temp=replace(cue.temp, extra=tuple(kv for kv in cue.temp.extra if kv[0] != "cut")))
    return replace(plan, cues=cues) if cues != list(plan.cues) else plan


def render_preview(plan: Plan, input_path: PathLike, library: PathLike, targets: Sequence[Path], rules: Rules,
                   settings: RenderSettings, *, seed: int = 0, media: Path | None = None,
                   progress: Callable[[], Callable[[int, int], None]] | None = None) -> list[RenderedInput]:
    """The temp-score preview of each input of ``plan`` (read from ``input_path``) into ``targets`` (one per input,
    each checked before any rendering): pieces chosen from ``library`` (pinned ones kept), the cues fitted and mixed
    (none over music the editor laid in the cut unless the rules' ``temp.over_editors_music`` asks, as ``apply``)
    from the sequence's first frame; with ``media`` each cue also as its own file (a folder per input when several).
    ``progress`` makes a new progress callback (frames done, frames in all) for each input's mix."""
    from .audio.cut import remember_library
    from .audio.render import render_cues, render_mix
    from .errors import RateError
    from .formats.additions import settings_from_rules, temp_cues
    from .library.choose import ChooseSettings, choose
    from .library.cuespec import CueSpec, with_talk_around
    from .library.scan import scan
    from .outfile import check_output_path, protect
    from .tempscore import check_temp_reach

    plan = kept_cuts_checked(plan, input_path)  # a kept cut that does not last its cue: one warning, cut again
    check_temp_reach(plan, input_path)  # a pinned temp starting past its piece's end: refused before any work
    lib = scan(library, rules=rules)
    remember_library(lib)  # the scan's analyses serve the cutting: no piece is listened to twice
    playing = temp_cues(plan.cues, settings_from_rules(rules))  # as apply: none over the editor's own music
    for target in targets:
        check_output_path(target, input_path)
    for seq in plan.sequences:
        if seq.rate_assumed:
            raise RateError("no frame rate in the timeline (24 fps was assumed); a render runs in real time, "
                            "so pass --rate (e.g. --rate 23.976)", input_path)
    done: list[RenderedInput] = []
    for index, seq in enumerate(plan.sequences):
        cues = with_talk_around([CueSpec.from_cue(c, seq.rate) for c in playing if c.input == index], plan.cues, seq.rate)
        picks = choose(cues, lib, seq.rate, ChooseSettings(seed=seed, rules=rules))
        protect(*(pick.path for pick in picks if pick))  # pinned pieces may lie outside the library
        rendered = RenderedInput(list(picks), render_mix(cues, picks, seq, targets[index], settings,
                                                               progress() if progress else None))
        if media is not None:
            rendered.media = media if len(plan.sequences) == 1 else media / f"input_{index + 1}"
            rendered.cue_files = len(render_cues(cues, picks, seq, rendered.media, settings)[0])
        done.append(rendered)
    return done
