"""``scoreplan library DIR [--json]``: scan a temp-music folder and show its catalogue.

The command line wires this in with :func:`add_library_arguments` and :func:`cli_library`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # (the CLI imports this module to build its parser: scanning is imported when it runs)
    from .scan import Library

LIBRARY_SCHEMA = "otio-scoreplan/library"
LIBRARY_VERSION = 2  # 2: each piece's "analysis" (summary), "beats_per_bar"; "sources" may say "analysis"


def add_library_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``scoreplan library``."""
    p.add_argument("folder", metavar="DIR", help="folder of temp music (WAV, AIFF, FLAC, MP3, M4A, Ogg, Opus ...: what "
                   "ffmpeg decodes), scanned recursively; each piece is analysed once (cached)")
    p.add_argument("--json", action="store_true", help="print the catalogue as versioned JSON")
    p.add_argument("--no-cache", action="store_true", help="probe and analyse every file again (ignore the scan cache)")
    p.add_argument("--no-listen", action="store_true",
                   help="list without analysing the audio (no beats, endings, or intensity and mood estimates)")


def library_to_json(lib: Library) -> dict[str, Any]:
    """The documented JSON of ``scoreplan library --json``."""
    return {
        "schema": LIBRARY_SCHEMA,
        "version": LIBRARY_VERSION,
        "folder": str(lib.folder.resolve()),
        "catalogue_file": lib.catalogue_file,
        "pieces": [p.to_json() for p in lib.pieces],
        "skipped": [{"path": path, "reason": reason} for path, reason in lib.skipped],
    }


def _mmss(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 60}:{s % 60:02d}"


def library_text(lib: Library) -> str:
    """The catalogue as a table for people."""
    total = sum(p.duration_seconds for p in lib.pieces)
    lines = [
        f"{lib.folder}: {len(lib.pieces)} pieces, {_mmss(total)} in all"
        + (f", {len(lib.skipped)} skipped" if lib.skipped else "")
        + (f"; catalogue {lib.catalogue_file}" if lib.catalogue_file else "; no catalogue file (tags and file names)")
        + f"; {lib.cache_hits} from cache, {lib.probed} probed, {lib.analysed} analysed",
        "",
    ]
    rows = [("TITLE", "LENGTH", "FMT", "MOODS", "THEMES", "TEMPO", "INT", "ENDING", "FILE")]
    estimated = False
    for p in lib.pieces:
        mark = {k: "~" if p.sources.get(k) == "analysis" else "" for k in ("moods", "tempo", "intensity")}
        estimated = estimated or any(mark.values())
        rows.append((
            p.title, _mmss(p.duration_seconds), p.format, ", ".join(p.moods) + mark["moods"], ", ".join(p.themes),
            f"{p.tempo:g}{mark['tempo']}" if p.tempo else "",
            f"{p.intensity:.2f}{mark['intensity']}" if p.intensity is not None else "",
            f"{p.analysis.ending.kind} {_mmss(p.analysis.ending.time)}" if p.analysis is not None else "", p.path,
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
    if estimated:
        lines.append("~ estimated from the audio (no catalogue entry, tag or file name says it)")
    for path, reason in lib.skipped:
        lines.append(f"skipped: {path}: {reason}")
    return "\n".join(lines) + "\n"


def cli_library(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run ``scoreplan library``; returns the exit status (errors are raised as ScorePlanError)."""
    out = out or sys.stdout
    from .scan import scan

    lib = scan(args.folder, use_cache=not getattr(args, "no_cache", False), listen=not getattr(args, "no_listen", False))
    if args.json:
        json.dump(library_to_json(lib), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(library_text(lib))
    return 0
