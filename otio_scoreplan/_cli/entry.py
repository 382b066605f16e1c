"""The ``scoreplan`` parser and :func:`main`: errors for users in one line (exit 2), a bug in one line (exit 3).

Each subcommand imports what it needs inside its handler, so ``scoreplan --help`` starts fast.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from .. import __version__
from ..errors import ScorePlanError
from .commands import cmd_apply, cmd_inspect, cmd_spot
from .common import EXIT_INTERNAL, EXIT_USER_ERROR, add_input_options, add_library_options, folder_arg
from .library import add_library_arguments, cli_library
from .notes import add_notes_arguments, cli_notes
from .render import add_render_arguments, cli_render


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line (exit 2), like every other error of ours."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USER_ERROR, f"scoreplan: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="scoreplan",
        description="Plan film and TV music cues from an editor's timeline.",
    )
    parser.add_argument("--version", action="version", version=f"otio-scoreplan {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("inspect", help="read a timeline; print its shots, scenes, reels, annotations and music")
    add_input_options(p)
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
    add_library_options(p)
    p.add_argument("--json", action="store_true", help="print the plan as versioned JSON")
    p.add_argument("--why-not", action="store_true", help="also list the stretches left without music and why")
    p.set_defaults(handler=cmd_spot)
    p = sub.add_parser("apply", help="write the timeline back in its own format with cue markers and temp-music tracks")
    add_input_options(p)
    p.add_argument("-o", "--output", required=True, metavar="OUTPUT", help="file to write (format from its suffix; never the input)")
    p.add_argument("--plan", metavar="PLAN.json", help="a plan from `scoreplan spot --json` (edited or not); else planned now")
    p.add_argument("--rules", metavar="FILE", help="TOML file overriding the shipped planning rules")
    p.add_argument("--media-dir", metavar="DIR", type=folder_arg, help="folder for the temp media the new clips play (default: beside OUTPUT)")
    p.add_argument("--embed-media", action="store_true", help="AAF: put the temp media's samples inside the AAF "
                   "instead of linking the WAVs (as Media Composer embeds audio)")
    add_library_options(p)
    p.set_defaults(handler=cmd_apply)
    p = sub.add_parser("notes", help="write spotting notes (.csv .md .html .pdf .mid), a cue sheet draft and marker lists")
    add_notes_arguments(p)
    p.set_defaults(handler=cli_notes)
    p = sub.add_parser("library", help="scan a folder of temp music and show its catalogue (moods, themes, lengths)")
    add_library_arguments(p)
    p.set_defaults(handler=cli_library)
    p = sub.add_parser("render", help="choose temp music for each cue, fit it, and render the preview mix")
    add_render_arguments(p)
    p.set_defaults(handler=cli_render)
    return parser


def _protect_inputs(args: argparse.Namespace) -> None:
    """Register the files the command reads (timelines, plans, rules, library pieces): no output may touch them."""
    from ..outfile import protect, protect_tree

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
    from ..outfile import Terminated, run

    try:
        with run():  # every write of the command: never onto an input, all undone if it fails
            _protect_inputs(args)
            return handler(args)
    except ScorePlanError as exc:
        print(f"scoreplan: error: {exc.one_line()}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("scoreplan: interrupted (every file is as it was)", file=sys.stderr)
        return 130
    except Terminated as exc:  # SIGTERM: the run was undone like a failure
        print("scoreplan: terminated (every file is as it was)", file=sys.stderr)
        return 128 + exc.signum
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a full disk, a name too long ... where no reader or writer named its file
        # the file the system named; else none is named (an OS error while writing some other file, a temporary one,
        # must not be blamed on the output: the run was undone, so the output was not written)
        output = getattr(args, "output", None)
        where = f"{exc.filename}: " if exc.filename else ""
        unnamed = f" (the system named no file; {output} was not written)" if output and not exc.filename else ""
        print(f"scoreplan: error: {where}{exc.strerror or exc}{unnamed}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as exc:  # a bug of ours: one line for users, the traceback with --debug
        if args.debug:
            raise
        detail = " ".join(str(exc).split())[:300]
        print(f"scoreplan: internal error: {type(exc).__name__}: {detail} (rerun with --debug and report it)", file=sys.stderr)
        return EXIT_INTERNAL
