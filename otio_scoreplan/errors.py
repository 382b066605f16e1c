"""Errors for users: each names the file, the place and, where there is one, the fix."""

from __future__ import annotations

import os

# OpenTimelineIO's own base error: an OTIO user who catches OTIOError around an adapter call catches ours too
# (issue 12). Importing it loads OpenTimelineIO (~0.07 s), which every command but --help needs anyway.
from opentimelineio.exceptions import OTIOError


class ScorePlanError(OTIOError):
    """Base of every error the command line reports in one line (exit status 2).

    Derives from ``opentimelineio.exceptions.OTIOError``, so code that calls our adapters through
    OpenTimelineIO and catches OTIO's errors catches ours as well.
    """

    def __init__(self, message: str, path: str | os.PathLike | None = None) -> None:
        self.path = os.fspath(path) if path is not None else None
        self.message = message
        super().__init__(self.one_line())

    def one_line(self) -> str:
        text = " ".join(str(self.message).split())
        return f"{self.path}: {text}" if self.path else text


class InputError(ScorePlanError):
    """The input file cannot be read as a timeline (missing, malformed, hostile, empty)."""


class UnsupportedFormatError(InputError):
    """The input's format is not one we read."""


class SequenceChoiceError(InputError):
    """The file holds several sequences and none (or an unknown one) was chosen."""


class RateError(InputError):
    """The frame rate is missing, zero or not one we can place timecode in."""


class UsageError(ScorePlanError):
    """The command was called with options that do not fit together."""
