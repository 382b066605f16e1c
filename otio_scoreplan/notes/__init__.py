"""Spotting notes: the documents a composer and music editor take from a spotting session.

Each output is a pure function over a :class:`~otio_scoreplan.notes.sheet.Sheet` (a plan, whose cues carry
their temp pick and final music, and the production title), returning text or bytes; the CLI writes each one once:

========================  ==========================================================  =====================
output                    module / function                                           chosen by
========================  ==========================================================  =====================
spotting list (CSV)       :func:`.csvnotes.render_csv`                                ``-o FILE.csv``
Markdown notes            :func:`.markdown.render_markdown`                           ``-o FILE.md``
HTML page + picture       :func:`.html.render_html` (picture: :mod:`.layout`)         ``-o FILE.html``
PDF spotting sheet        :func:`.pdf.render_pdf`                                     ``-o FILE.pdf``
MIDI markers              :func:`.midi.render_midi`                                   ``-o FILE.mid``
cue sheet draft (CSV)     :func:`.cuesheet.render_cue_sheet`                          ``--cue-sheet FILE.csv``
Avid marker list          :func:`.avid_markers.render_avid_markers`                   ``--avid-markers FILE.txt``
Resolve marker EDL        :func:`.resolve_edl.render_resolve_edl`                     ``--resolve-markers FILE.edl``
theme report              :mod:`.themes` (md, csv), :func:`.html.render_themes_page`  ``--themes FILE.md|.html|.csv``
========================  ==========================================================  =====================
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..errors import UsageError
from ..plan.model import Plan
from .sheet import Sheet

NOTES_SUFFIXES = (".csv", ".md", ".html", ".pdf", ".mid")
THEME_SUFFIXES = (".md", ".html", ".csv")


def sheet_from_plan(plan: Plan, path: str | os.PathLike | None = None, title: str = "",
                    reel: int | None = None) -> Sheet:
    """A sheet of ``plan`` (of one reel when ``reel`` is given; a reel the plan lacks is refused naming ``path``)."""
    sheet = Sheet(plan, title, reel)
    if reel is not None and not sheet.cues:
        reels = sorted({c.reel for c in plan.cues})
        raise UsageError(f"the plan has no cue in reel {reel} (its reels: {', '.join(map(str, reels)) or 'none'})", path)
    return sheet


def _renderer(suffix: str) -> Callable[[Sheet], str | bytes]:
    if suffix == ".csv":
        from .csvnotes import render_csv
        return render_csv
    if suffix == ".md":
        from .markdown import render_markdown
        return render_markdown
    if suffix == ".html":
        from .html import render_html
        return render_html
    if suffix == ".pdf":
        from .pdf import render_pdf
        return render_pdf
    from .midi import render_midi
    return render_midi


def render_notes(sheet: Sheet, suffix: str) -> str | bytes:
    """The notes in the format named by an output suffix (``.csv .md .html .pdf .mid``)."""
    suffix = suffix.lower()
    if suffix not in NOTES_SUFFIXES:
        raise UsageError(f"notes are written as {', '.join(NOTES_SUFFIXES)}; not {suffix or 'a file without suffix'}")
    return _renderer(suffix)(sheet)


def render_theme_report(sheet: Sheet, suffix: str) -> str:
    """The theme report in the format named by a suffix (``.md .html .csv``)."""
    suffix = suffix.lower()
    if suffix == ".md":
        from .sheet import document_title
        from .themes import render_themes_markdown
        return render_themes_markdown(sheet, level=1, heading=f"Themes: {document_title(sheet)}")
    if suffix == ".html":
        from .html import render_themes_page
        return render_themes_page(sheet)
    if suffix == ".csv":
        from .themes import render_themes_csv
        return render_themes_csv(sheet)
    raise UsageError(f"the theme report is written as {', '.join(THEME_SUFFIXES)}; not {suffix or 'a file without suffix'}")


def write_document(output: str | os.PathLike, data: str | bytes, *inputs: str | os.PathLike) -> Path:
    """Write one document atomically (never over an input); text as UTF-8 with the line ends it holds."""
    from ..outfile import atomic_path

    with atomic_path(output, *inputs) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(output)
