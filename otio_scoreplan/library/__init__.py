"""The temp-music library: scan a folder (cached), read its catalogue, choose a piece for each cue.

``scoreplan library DIR`` is :func:`otio_scoreplan.library.command.cli_library`.
"""

from __future__ import annotations

import argparse


def cli_library(args: argparse.Namespace) -> int:
    """Run ``scoreplan library DIR [--json] [--no-cache]`` (see :mod:`.command`)."""
    from .command import cli_library as run

    return run(args)
