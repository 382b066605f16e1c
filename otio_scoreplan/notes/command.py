"""``scoreplan notes``: the plan (a PLAN.json, or a timeline planned now) written as every document asked for."""

from __future__ import annotations

import argparse
import datetime as _dt
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..outfile import check_output_path, run
from . import (
    NOTES_SUFFIXES,
    THEME_SUFFIXES,
    load_plan_document,
    render_notes,
    render_theme_report,
    sheet_from_plan_json,
    write_document,
)
from .sheet import Sheet

log = logging.getLogger(__name__)


def _created(sheet: Sheet) -> _dt.datetime:
    """The PDF's creation date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the plan's date
    (midnight UTC: the same plan gives the same file), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC)
    if sheet.plan.date:
        try:
            return _dt.datetime.fromisoformat(sheet.plan.date).replace(tzinfo=_dt.UTC)
        except ValueError:
            pass
    return _dt.datetime.now(_dt.UTC)


def _outputs(args: argparse.Namespace) -> list[tuple[str, str, Callable[[Sheet], str | bytes]]]:
    """(path, what, renderer) for every output asked for; suffixes checked before any reading."""
    out: list[tuple[str, str, Callable[[Sheet], str | bytes]]] = []
    if args.output:
        suffix = Path(args.output).suffix.lower()
        if suffix not in NOTES_SUFFIXES:
            raise UsageError(f"-o: notes are written as {', '.join(NOTES_SUFFIXES)} (the suffix chooses); "
                             "use --cue-sheet, --avid-markers, --resolve-markers or --themes for the others", args.output)
        if suffix == ".pdf":
            from .pdf import render_pdf
            out.append((args.output, "spotting sheet", lambda s: render_pdf(s, _created(s))))
        else:
            out.append((args.output, "spotting notes", lambda s, x=suffix: render_notes(s, x)))
    fixed = ((args.cue_sheet, ".csv", "--cue-sheet", "cue sheet draft", "cuesheet", "render_cue_sheet"),
             (args.avid_markers, ".txt", "--avid-markers", "Avid marker list", "avid_markers", "render_avid_markers"),
             (args.resolve_markers, ".edl", "--resolve-markers", "Resolve marker EDL", "resolve_edl", "render_resolve_edl"))
    for path, suffix, option, what, module, func in fixed:
        if path:
            if Path(path).suffix.lower() != suffix:
                raise UsageError(f"{option} writes a {suffix} file", path)
            out.append((path, what, _lazy(module, func)))
    if args.themes:
        suffix = Path(args.themes).suffix.lower()
        if suffix not in THEME_SUFFIXES:
            raise UsageError(f"--themes writes {', '.join(THEME_SUFFIXES)}", args.themes)
        out.append((args.themes, "theme report", lambda s, x=suffix: render_theme_report(s, x)))
    if not out:
        raise UsageError("nothing to write: give -o FILE (.csv .md .html .pdf .mid), --cue-sheet, --avid-markers, "
                         "--resolve-markers or --themes")
    paths = [Path(p).resolve() for p, _, _ in out]
    if len(set(paths)) != len(paths):
        raise UsageError("two outputs have the same file name")
    return out


def _lazy(module: str, func: str) -> Callable[[Sheet], str | bytes]:
    def render(sheet: Sheet) -> str | bytes:
        import importlib

        return getattr(importlib.import_module(f"{__package__}.{module}"), func)(sheet)
    return render


def _with_library(doc: dict, args: argparse.Namespace) -> dict:
    """``doc`` with temp picks from ``--library`` for the cues that have none (pins and earlier picks kept)."""
    if not getattr(args, "library", None):
        return doc
    from ..library.choose import ChooseSettings, assign_temp
    from ..library.scan import scan

    assign_temp(doc, scan(args.library), ChooseSettings(seed=args.seed))
    return doc


def plan_document(args: argparse.Namespace, read_options: Callable[[argparse.Namespace, str], Any]) -> tuple[dict, str, list[str]]:
    """The plan JSON to document, the path to name in errors, and the input files outputs must not overwrite."""
    from ..plan.model import plan_from_json

    if args.input.lower().endswith(".json"):
        if args.plan:
            raise UsageError("give the plan once: as INPUT or with --plan", args.input)
        if args.rate or args.sequence:
            raise UsageError("--rate and --sequence apply to a timeline INPUT; a plan already holds its sequence", args.input)
        return _with_library(load_plan_document(args.input), args), args.input, [args.input]
    from ..analyse import analyse
    from ..formats import read_source
    from ..pipeline import make_hooked_plan, require_content
    from ..plan import load_rules, plan_to_json
    from ..plan.fingerprint import fingerprint

    analysis = analyse(read_source(args.input, read_options(args, args.input)))
    require_content(analysis)
    for w in analysis.warnings:
        log.warning(w)
    if args.plan:
        doc = load_plan_document(args.plan)
        if fingerprint(analysis) not in plan_from_json(doc, args.plan).fingerprints:
            raise UsageError("the plan was made from another cut (its fingerprint does not match the timeline); "
                             "run `scoreplan spot` on this cut", args.plan)
        return _with_library(doc, args), args.plan, [args.input, args.plan]
    plan = make_hooked_plan([analysis], load_rules(args.rules), None, [args.input])
    if getattr(args, "library", None):
        from ..tempscore import plan_with_temp

        plan = plan_with_temp(plan, args.library, args.seed)
    for w in plan.warnings:
        log.warning(w)
    return plan_to_json(plan), args.input, [args.input]


def cli_notes(args: argparse.Namespace, read_options: Callable[[argparse.Namespace, str], Any]) -> int:
    """Write every document asked for; print one line per file written."""
    outputs = _outputs(args)
    doc, where, inputs = plan_document(args, read_options)
    sheet = sheet_from_plan_json(doc, where, args.title or "", args.reel)
    sheet.episode = getattr(args, "episode", None) or ""
    for path, _, _ in outputs:  # every target checked before anything is rendered or written
        check_output_path(path, *inputs)
    rendered = [(path, what, render(sheet)) for path, what, render in outputs]
    with run():  # all or nothing: a failed write puts back the documents already written
        for path, _, data in rendered:
            write_document(path, data, *inputs)
    for path, what, _ in rendered:
        print(f"wrote {path} ({what}, {len(sheet.cues)} cues)")
    return 0
