"""Errors for users: each names the file, the place and, where there is one, the fix."""

from __future__ import annotations

import os


class ScorePlanError(Exception):
    """Base of every error the command line reports in one line (exit status 2)."""

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
