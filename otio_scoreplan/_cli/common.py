"""What every command handler shares: reading options from arguments, printing JSON, the exit statuses."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..formats import ReadOptions

EXIT_USER_ERROR = 2
EXIT_INTERNAL = 3


def read_options(args: argparse.Namespace, path: str) -> ReadOptions:
    """The reading options of ``args``; a bad ``--rate`` is an error naming the input file."""
    from ..errors import RateError
    from ..formats import ReadOptions
    from ..timecode import parse_rate

    rate = None
    if getattr(args, "rate", None) is not None:
        try:
            rate = parse_rate(args.rate)
        except ValueError as exc:
            raise RateError(f"--rate {args.rate!r}: {exc}", path) from None
    return ReadOptions(rate=rate, sequence=getattr(args, "sequence", None))


def add_library_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--library", metavar="DIR", type=folder_arg, help="folder of temp music: choose a piece for each cue (see `scoreplan library`)")
    p.add_argument("--seed", type=int, default=0, help="vary the choice among near-equal pieces (default 0)")


def add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="timeline file: .xml (FCP7/Premiere/Resolve), .fcpxml/.fcpxmld, .edl, .aaf, .otio/.otioz")
    p.add_argument("--sequence", metavar="NAME", help="sequence to read when the file holds several")
    p.add_argument("--rate", metavar="FPS", help="frame rate (EDLs carry none): 23.976, 24, 25, 29.97, 30000/1001 ...")


def print_json(doc: object) -> None:
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


def folder_arg(text: str) -> str:
    """A folder given on the command line: an empty one is refused (it would mean the working folder, everything in
    it scanned as temp music or written into)."""
    import argparse

    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path is no folder")
    return text
