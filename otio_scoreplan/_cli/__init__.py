"""The ``scoreplan`` command line: argument parsing and printing, nothing else (private: nothing imports it).

Each command's work is done by the library - :mod:`otio_scoreplan.pipeline` gets the plan for an input, the
format, notes, library and audio packages do the rest - and the handler here prints what came of it.
``scoreplan`` (the console script) and ``python -m otio_scoreplan`` both run :func:`main`.
"""

from .entry import main

__all__ = ["main"]
