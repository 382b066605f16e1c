"""``scoreplan inspect``, ``spot`` and ``apply``: each handler gets its plan from the pipeline and prints."""

from __future__ import annotations

import argparse
import logging
import sys

from .common import print_json, read_options

log = logging.getLogger("scoreplan")


def cmd_inspect(args: argparse.Namespace) -> int:
    """Read a timeline and print what it holds."""
    from ..pipeline import read_and_analyse

    _, analysis = read_and_analyse(args.input, read_options(args, args.input), args.reference_video,
                                   args.reference_start)
    if args.json:
        from ..model import analysis_to_json

        print_json(analysis_to_json(analysis))
    else:
        from ..report import inspect_text

        sys.stdout.write(inspect_text(analysis))
    for w in analysis.warnings:
        log.warning(w)
    return 0


def cmd_spot(args: argparse.Namespace) -> int:
    """Plan the music cues of one or more timelines (one per reel) and print the cue list or the plan JSON."""
    from ..pipeline import obtain_plan, read_and_analyse
    from ..plan import load_rules, plan_to_json
    from ..plan.model import load_plan
    from ..plan.table import plan_text

    rules = load_rules(args.rules)
    previous = load_plan(args.previous) if args.previous else None
    analyses = [read_and_analyse(p, read_options(args, p))[1] for p in args.inputs]
    plan, _ = obtain_plan(analyses, args.inputs, rules, previous=previous, library=args.library, seed=args.seed)
    if args.json:
        print_json(plan_to_json(plan))
    else:
        from ..plan.table import recut_text, temp_text

        sys.stdout.write(plan_text(plan) + temp_text(plan) + recut_text(plan))
        if args.why_not:
            from ..plan.table import why_not_text

            sys.stdout.write(why_not_text(plan))
    for w in [w for a in analyses for w in a.warnings] + plan.warnings:
        log.warning(w)
    return 0


def cmd_apply(args: argparse.Namespace) -> int:
    """Write the timeline back in its own format with cue markers and temp-music tracks."""
    from pathlib import Path

    from ..formats.writeback import check_writer_options, default_media_dir
    from ..pipeline import apply_to_cut, obtain_plan, read_and_analyse, require_content
    from ..plan import load_rules
    from ..plan.model import load_plan

    check_writer_options(Path(args.output), embed_media=args.embed_media)  # before reading or rendering
    source, analysis = read_and_analyse(args.input, read_options(args, args.input))
    require_content(analysis)  # before the rules and the plan are read, as ever
    rules = load_rules(args.rules)
    given = load_plan(args.plan) if args.plan else None
    if given is not None:
        from ..pipeline import kept_cuts_checked
        from ..tempscore import check_temp_reach

        given = kept_cuts_checked(given, args.plan)  # a kept cut that does not last its cue: one warning, cut again
        check_temp_reach(given, args.plan)  # a pinned temp starting past its piece's end: refused before any work
    plan, index = obtain_plan([analysis], [args.input], rules, given=given, given_path=args.plan,
                              library=args.library, seed=args.seed)
    output = Path(args.output)
    media_dir = Path(args.media_dir) if args.media_dir else default_media_dir(output)
    result = apply_to_cut(source, plan, index, output, media_dir, rules, embed_media=args.embed_media)
    cues = [c for c in plan.cues if c.input == index]
    print(f"wrote {output} with {len(cues)} cue markers and {len(result.additions.track_names) if result.additions else 0} temp tracks")
    for extra in result.written[1:]:
        print(f"  and {extra}")
    for note in result.notes:
        print(f"  note: {note}")
    for w in analysis.warnings + [w for w in plan.warnings if w not in analysis.warnings]:
        log.warning(w)  # what the reader dropped or doubted (a reversed event, a skipped locator) and the plan's doubts
    return 0
