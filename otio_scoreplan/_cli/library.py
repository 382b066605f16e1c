"""``scoreplan library DIR [--json]``: scan a temp-music folder and show its catalogue."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from .common import folder_arg


def add_library_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``scoreplan library``."""
    p.add_argument("folder", metavar="DIR", type=folder_arg, help="folder of temp music (WAV, AIFF, FLAC, MP3, M4A, Ogg, Opus ...: what "
                   "ffmpeg decodes), scanned recursively; each piece is analysed once (cached)")
    p.add_argument("--json", action="store_true", help="print the catalogue as versioned JSON (intensity 1..5, the cues' scale)")
    p.add_argument("--no-cache", action="store_true", help="probe and analyse every file again (ignore the scan cache)")
    p.add_argument("--no-listen", action="store_true",
                   help="list without analysing the audio (no beats, endings, or intensity and mood estimates)")


def cli_library(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run ``scoreplan library``; returns the exit status (errors are raised as ScorePlanError)."""
    out = out or sys.stdout
    from ..library.listing import library_text, library_to_json
    from ..library.scan import scan

    lib = scan(args.folder, use_cache=not getattr(args, "no_cache", False), listen=not getattr(args, "no_listen", False))
    if args.json:
        json.dump(library_to_json(lib), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(library_text(lib))
    return 0
