"""The ``scoreplan`` command: a thin layer over the library.

Each subcommand imports what it needs inside its handler, so ``scoreplan --help`` starts fast.
Errors for users (:class:`~otio_scoreplan.errors.ScorePlanError`) print in one line and exit 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .errors import ScorePlanError, UsageError
from .pipeline import make_hooked_plan, require_content

EXIT_USER_ERROR = 2
EXIT_INTERNAL = 3


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line (exit 2), like every other error of ours."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USER_ERROR, f"scoreplan: error: {message} (see {self.prog} --help)\n")


def read_options(args: argparse.Namespace, path: str):
    """The reading options of ``args``; a bad ``--rate`` is an error naming the input file."""
    from .errors import RateError
    from .formats import ReadOptions
    from .timecode import parse_rate

    rate = None
    if getattr(args, "rate", None) is not None:
        try:
            rate = parse_rate(args.rate)
        except ValueError as exc:
            raise RateError(f"--rate {args.rate!r}: {exc}", path) from None
    return ReadOptions(rate=rate, sequence=getattr(args, "sequence", None))


def _add_library_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--library", metavar="DIR", help="folder of temp music: choose a piece for each cue (see `scoreplan library`)")
    p.add_argument("--seed", type=int, default=0, help="vary the choice among near-equal pieces (default 0)")


def _add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="timeline file: .xml (FCP7/Premiere/Resolve), .fcpxml/.fcpxmld, .edl, .aaf, .otio/.otioz")
    p.add_argument("--sequence", metavar="NAME", help="sequence to read when the file holds several")
    p.add_argument("--rate", metavar="FPS", help="frame rate (EDLs carry none): 23.976, 24, 25, 29.97, 30000/1001 ...")


def _read_and_analyse(args: argparse.Namespace):
    from .analyse import analyse
    from .formats import read_source

    source = read_source(args.input, read_options(args, args.input))
    reference = None
    if getattr(args, "reference_video", None):  # inspect only: shots from a baked reference's cuts
        from .analyse.video import reference_for_sequence

        reference = reference_for_sequence(args.reference_video, source.rate, source.start_frame, args.reference_start)
    return source, analyse(source, reference=reference)


def _print_json(doc: object) -> None:
    """``doc`` as indented JSON on stdout, written in blocks of a few thousand pieces.

    ``json.dump`` writes every token separately: with ``PYTHONUNBUFFERED`` set (as in many CI and
    container setups) each is a system call, 4 million of them for a 100,000-event EDL (2.7 s);
    ``json.dumps`` would hold the whole text and its pieces at once (+165 MB there).
    """
    block: list[str] = []
    for piece in json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(doc):
        block.append(piece)
        if len(block) >= 8192:
            sys.stdout.write("".join(block))
            block.clear()
    block.append("\n")
    sys.stdout.write("".join(block))


def cmd_inspect(args: argparse.Namespace) -> int:
    """Read a timeline and print what it holds."""
    _, analysis = _read_and_analyse(args)
    if args.json:
        from .model import analysis_to_json

        _print_json(analysis_to_json(analysis))
    else:
        from .report import inspect_text

        sys.stdout.write(inspect_text(analysis))
    for w in analysis.warnings:
        logging.getLogger("scoreplan").warning(w)
    return 0


def cmd_spot(args: argparse.Namespace) -> int:
    """Plan the music cues of one or more timelines (one per reel) and print the cue list or the plan JSON."""
    from .analyse import analyse
    from .formats import read_source
    from .plan import load_rules, plan_to_json
    from .plan.table import plan_text

    rules = load_rules(args.rules)
    previous = _load_plan(args.previous) if args.previous else None
    analyses = [analyse(read_source(p, read_options(args, p))) for p in args.inputs]
    for a in analyses:
        require_content(a)
    plan = make_hooked_plan(analyses, rules, previous, args.inputs)
    if previous is not None and any(c.temp for c in plan.cues):
        from .tempscore import check_kept_temp

        plan = check_kept_temp(plan, args.library)  # temp pieces kept from the previous plan: do they still fit?
    if args.library:
        from .tempscore import plan_with_temp

        plan = plan_with_temp(plan, args.library, args.seed)
    if args.json:
        _print_json(plan_to_json(plan))
    else:
        from .plan.table import recut_text, temp_text

        sys.stdout.write(plan_text(plan) + temp_text(plan) + recut_text(plan))
        if args.why_not:
            from .plan.table import why_not_text

            sys.stdout.write(why_not_text(plan))
    for w in [w for a in analyses for w in a.warnings] + plan.warnings:
        logging.getLogger("scoreplan").warning(w)
    return 0


def _load_plan(path: str):
    from .plan.model import load_plan

    return load_plan(path)


def cmd_apply(args: argparse.Namespace) -> int:
    """Write the timeline back in its own format with cue markers and temp-music tracks."""
    from pathlib import Path

    from .formats.writeback import apply_plan, check_writer_options, default_media_dir, settings_from_rules
    from .plan import load_rules
    from .plan.fingerprint import fingerprint, sequence_mismatch

    check_writer_options(Path(args.output), embed_media=args.embed_media)  # before reading or rendering
    source, analysis = _read_and_analyse(args)
    require_content(analysis)
    rules = load_rules(args.rules)
    if args.plan:
        plan = _load_plan(args.plan)
        mine = fingerprint(analysis)
        if mine not in plan.fingerprints:
            raise UsageError(
                "the plan was made from another cut (its fingerprint does not match this timeline); "
                "run `scoreplan spot` on this cut, or `spot --previous` to keep the old cue ids", args.plan)
        index = plan.fingerprints.index(mine)
        problem = sequence_mismatch(plan.sequences[index], analysis.sequence)
        if problem:  # the fingerprint string kept, the sequence edited: a plan without its shots
            raise UsageError(f"the plan's sequence must match the cut's: {problem}", args.plan)
    else:
        plan, index = make_hooked_plan([analysis], rules, None, [args.input]), 0
    output = Path(args.output)
    media_dir = Path(args.media_dir) if args.media_dir else default_media_dir(output)
    temp_media = {}
    automation: dict[str, tuple[int, int, int]] = {}  # cue id -> (head handle, fade in, fade out) frames of its clip
    if args.library:
        from .tempscore import plan_with_temp

        plan = plan_with_temp(plan, args.library, args.seed)
    if any(c.temp for c in plan.cues if c.input == index):
        from .outfile import check_output_path
        from .tempscore import render_temp_media

        check_output_path(output, source.path)  # refuse a bad output before rendering anything
        from .formats.writeback import writes_fades

        temp_media = render_temp_media(plan, index, plan.sequences[index], media_dir, clean=writes_fades(output),
                                       automation=automation, rules=rules)
    result = apply_plan(source, plan, output, input_index=index, media_dir=media_dir,
                        settings=settings_from_rules(rules), temp_media=temp_media, embed_media=args.embed_media,
                        temp_automation=automation)
    cues = [c for c in plan.cues if c.input == index]
    print(f"wrote {output} with {len(cues)} cue markers and {len(result.additions.track_names) if result.additions else 0} temp tracks")
    for extra in result.written[1:]:
        print(f"  and {extra}")
    for note in result.notes:
        print(f"  note: {note}")
    return 0


def cmd_notes(args: argparse.Namespace) -> int:
    """Write the spotting notes, cue sheet draft, DAW and NLE marker lists and theme report of a plan."""
    from .notes.command import cli_notes

    return cli_notes(args, read_options)


def cmd_library(args: argparse.Namespace) -> int:
    """Scan a temp-music folder and show its catalogue."""
    from .library.command import cli_library

    return cli_library(args)


def cmd_render(args: argparse.Namespace) -> int:
    """Choose, fit and render the temp score as one preview mix aligned to the sequence start."""
    from .audio.command import cli_render

    def plan_for_render(a: argparse.Namespace) -> dict:
        from .analyse import analyse
        from .formats import read_source
        from .plan import load_rules, plan_to_json

        analysis = analyse(read_source(a.input, read_options(a, a.input)))
        require_content(analysis)
        return plan_to_json(make_hooked_plan([analysis], load_rules(getattr(a, "rules", None)), None, [a.input]))

    return cli_render(args, plan_for_render)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="scoreplan",
        description="Plan film and TV music cues from an editor's timeline.",
    )
    parser.add_argument("--version", action="version", version=f"otio-scoreplan {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("inspect", help="read a timeline; print its shots, scenes, reels, annotations and music")
    _add_input_options(p)
    p.add_argument("--json", action="store_true", help="print the analysis as versioned JSON")
    p.add_argument("--reference-video", metavar="FILE", help="detect shot cuts in a rendered reference of the cut "
                   "(for a picture that is one long clip); needs pip install .[video]")
    p.add_argument("--reference-start", metavar="TIMECODE", help="record timecode of the reference's first frame "
                   "(default: the sequence start)")
    p.set_defaults(handler=cmd_inspect)
    p = sub.add_parser("spot", help="plan the music cues (1M1, 1M2 ...) from scenes and the editor's annotations")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="timeline file(s); several files (one per reel) give one plan")
    p.add_argument("--sequence", metavar="NAME", help="sequence to read when a file holds several")
    p.add_argument("--rate", metavar="FPS", help="frame rate (EDLs carry none): 23.976, 24, 25, 29.97 ...")
    p.add_argument("--rules", metavar="FILE", help="TOML file overriding the shipped planning rules")
    p.add_argument("--previous", metavar="PLAN.json", help="earlier plan whose cue ids are kept where cues still exist")
    _add_library_options(p)
    p.add_argument("--json", action="store_true", help="print the plan as versioned JSON")
    p.add_argument("--why-not", action="store_true", help="also list the stretches left without music and why")
    p.set_defaults(handler=cmd_spot)
    p = sub.add_parser("apply", help="write the timeline back in its own format with cue markers and temp-music tracks")
    _add_input_options(p)
    p.add_argument("-o", "--output", required=True, metavar="OUTPUT", help="file to write (format from its suffix; never the input)")
    p.add_argument("--plan", metavar="PLAN.json", help="a plan from `scoreplan spot --json` (edited or not); else planned now")
    p.add_argument("--rules", metavar="FILE", help="TOML file overriding the shipped planning rules")
    p.add_argument("--media-dir", metavar="DIR", help="folder for the temp media the new clips play (default: beside OUTPUT)")
    p.add_argument("--embed-media", action="store_true", help="AAF: put the temp media's samples inside the AAF "
                   "instead of linking the WAVs (as Media Composer embeds audio)")
    _add_library_options(p)
    p.set_defaults(handler=cmd_apply)
    p = sub.add_parser("notes", help="write spotting notes (.csv .md .html .pdf .mid), a cue sheet draft and marker lists")
    _add_input_options(p)
    p.add_argument("-o", "--output", metavar="FILE", help="spotting notes; format from the suffix: .csv .md .html .pdf .mid")
    p.add_argument("--plan", metavar="PLAN.json", help="a plan from `scoreplan spot --json` for this timeline "
                   "(INPUT may also be the PLAN.json itself); else planned now")
    p.add_argument("--rules", metavar="FILE", help="TOML file overriding the shipped planning rules")
    p.add_argument("--title", metavar="TEXT", help="production title for the headers")
    p.add_argument("--episode", metavar="TEXT", help="episode (number and title) for the cue sheet and headers")
    p.add_argument("--reel", type=int, metavar="N", help="only the cues of reel N")
    p.add_argument("--cue-sheet", metavar="FILE.csv", help="performing-rights cue sheet draft (final music only)")
    p.add_argument("--avid-markers", metavar="FILE.txt", help="Media Composer marker list (Markers window import)")
    p.add_argument("--resolve-markers", metavar="FILE.edl", help="DaVinci Resolve marker EDL")
    p.add_argument("--themes", metavar="FILE", help="theme report: .md .html .csv")
    _add_library_options(p)
    p.set_defaults(handler=cmd_notes)
    from .audio.command import add_render_arguments
    from .library.command import add_library_arguments

    p = sub.add_parser("library", help="scan a folder of temp music and show its catalogue (moods, themes, lengths)")
    add_library_arguments(p)
    p.set_defaults(handler=cmd_library)
    p = sub.add_parser("render", help="choose temp music for each cue, fit it, and render the preview mix")
    add_render_arguments(p)
    p.add_argument("--rules", metavar="FILE", help="TOML file overriding the shipped planning rules")
    p.set_defaults(handler=cmd_render)
    return parser


def _protect_inputs(args: argparse.Namespace) -> None:
    """Register the files the command reads (timelines, plans, rules, library pieces): no output may touch them."""
    from .outfile import protect, protect_tree

    protect(*(getattr(args, k, None) for k in ("input", "plan", "rules", "previous", "reference_video")),
            *(getattr(args, "inputs", None) or ()))
    protect_tree(getattr(args, "library", None) or (args.folder if args.command == "library" else None))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="scoreplan: %(levelname)s: %(message)s", stream=sys.stderr)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        from .outfile import run

        with run():  # every write of the command: never onto an input, all undone if it fails
            _protect_inputs(args)
            return handler(args)
    except ScorePlanError as exc:
        print(f"scoreplan: error: {exc.one_line()}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("scoreplan: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a full disk, a name too long ... where no reader or writer named its file
        where = exc.filename or getattr(args, "output", None)
        print(f"scoreplan: error: {f'{where}: ' if where else ''}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as exc:  # a bug of ours: one line for users, the traceback with --debug
        if args.debug:
            raise
        detail = " ".join(str(exc).split())[:300]
        print(f"scoreplan: internal error: {type(exc).__name__}: {detail} (rerun with --debug and report it)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
