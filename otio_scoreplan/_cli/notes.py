"""``scoreplan notes``: the plan (a PLAN.json, or a timeline planned now) written as every document asked for."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from .common import add_input_options, add_library_options, read_options

if TYPE_CHECKING:
    from ..notes.documents import Document
    from ..plan.model import Plan

log = logging.getLogger("scoreplan")


def add_notes_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``scoreplan notes``."""
    add_input_options(p)
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
    add_library_options(p)


def documents_asked(args: argparse.Namespace) -> list[Document]:
    """(path, what, renderer) for every output asked for; suffixes checked before any reading."""
    from ..errors import UsageError
    from ..notes import NOTES_SUFFIXES, THEME_SUFFIXES, render_notes, render_theme_report
    from ..notes.documents import lazy_renderer, pdf_created

    out: list[Document] = []
    options: list[str] = []  # the option that asked for each document, to name two that collide
    if args.output:
        options.append("-o")
        suffix = Path(args.output).suffix.lower()
        if suffix not in NOTES_SUFFIXES:
            raise UsageError(f"-o: notes are written as {', '.join(NOTES_SUFFIXES)} (the suffix chooses); "
                             "use --cue-sheet, --avid-markers, --resolve-markers or --themes for the others", args.output)
        if suffix == ".pdf":
            from ..notes.pdf import render_pdf
            out.append((args.output, "spotting sheet", lambda s: render_pdf(s, pdf_created(s))))
        else:
            out.append((args.output, "spotting notes", lambda s, x=suffix: render_notes(s, x)))
    fixed = ((args.cue_sheet, ".csv", "--cue-sheet", "cue sheet draft", "cuesheet", "render_cue_sheet"),
             (args.avid_markers, ".txt", "--avid-markers", "Avid marker list", "avid_markers", "render_avid_markers"),
             (args.resolve_markers, ".edl", "--resolve-markers", "Resolve marker EDL", "resolve_edl", "render_resolve_edl"))
    for path, suffix, option, what, module, func in fixed:
        if path:
            if Path(path).suffix.lower() != suffix:
                raise UsageError(f"{option} writes a {suffix} file", path)
            out.append((path, what, lazy_renderer(module, func)))
            options.append(option)
    if args.themes:
        suffix = Path(args.themes).suffix.lower()
        if suffix not in THEME_SUFFIXES:
            raise UsageError(f"--themes writes {', '.join(THEME_SUFFIXES)}", args.themes)
        out.append((args.themes, "theme report", lambda s, x=suffix: render_theme_report(s, x)))
        options.append("--themes")
    if not out:
        raise UsageError("nothing to write: give -o FILE (.csv .md .html .pdf .mid), --cue-sheet, --avid-markers, "
                         "--resolve-markers or --themes")
    paths = [Path(p).resolve() for p, _, _ in out]
    for j, path in enumerate(paths):
        if path in paths[:j]:
            raise UsageError(f"two outputs have the same file name ({options[paths.index(path)]} and {options[j]}); "
                             "give each document its own", out[j][0])
    return out


def notes_plan(args: argparse.Namespace) -> tuple[Plan, str, list[str]]:
    """The plan to document, the path to name in errors, and the input files outputs must not overwrite."""
    from ..errors import UsageError
    from ..pipeline import obtain_plan, read_and_analyse, require_content, with_temp
    from ..plan import load_rules
    from ..plan.model import load_plan

    if args.input.lower().endswith(".json"):
        if args.plan:
            raise UsageError("give the plan once: as INPUT or with --plan", args.input)
        if args.rate or args.sequence:
            raise UsageError("--rate and --sequence apply to a timeline INPUT; a plan already holds its sequence", args.input)
        rules = load_rules(args.rules) if args.rules else None  # their moods read the library's mood words
        return with_temp(load_plan(args.input), args.library, args.seed, rules), args.input, [args.input]
    _, analysis = read_and_analyse(args.input, read_options(args, args.input))
    require_content(analysis)
    for w in analysis.warnings:
        log.warning(w)
    if args.plan:  # the plan given must be this cut's (the message and checks apply's)
        plan, _ = obtain_plan([analysis], [args.input], load_rules(args.rules) if args.rules else None,
                              given=load_plan(args.plan), given_path=args.plan,
                              library=args.library, seed=args.seed)
        return plan, args.plan, [args.input, args.plan]
    plan, _ = obtain_plan([analysis], [args.input], load_rules(args.rules), library=args.library, seed=args.seed)
    for w in plan.warnings:
        log.warning(w)
    return plan, args.input, [args.input]


def cli_notes(args: argparse.Namespace) -> int:
    """Write every document asked for; print one line per file written."""
    from ..notes import sheet_from_plan
    from ..notes.documents import write_documents
    from ..plan import load_rules
    from ..plan.numbering import programme_episode

    documents = documents_asked(args)
    plan, where, inputs = notes_plan(args)
    sheet = sheet_from_plan(plan, where, args.title or "", args.reel)
    sheet.episode = getattr(args, "episode", None) or programme_episode(  # else the episode the cue ids number
        [s.name for s in plan.sequences], load_rules(args.rules))
    write_documents(sheet, documents, inputs)
    for path, what, _ in documents:
        print(f"wrote {path} ({what}, {len(sheet.cues)} cues)")
    return 0
