"""The files of a temp-music folder, and the entries in it that are no file to read, each with its reason.

A library on a shared disk holds odd things: a pipe (FIFO) someone left, a folder named ``x.wav``, a link whose
target is gone, a link to ``/dev/zero``. None is read (opening a FIFO blocks until someone writes; a device
never ends), and each is named among the skipped files with why, instead of vanishing from the listing
(issue 11 follow-up). Hidden entries (a dot in any part) are passed over as before.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..infile import not_a_file


def library_files(root: Path, audio_suffixes: set[str] | dict[str, str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """(the regular files under ``root``, sorted; the entries that are none, as (relative path, reason)).

    A link to a regular file counts as that file. A folder is walked, not named, unless its name ends like an
    audio file (``x.wav/``): that one is named. Nothing is opened: only ``stat`` and ``lstat`` are asked.
    """
    files: list[Path] = []
    odd: list[tuple[str, str]] = []
    for path in root.rglob("*"):
        parts = path.relative_to(root).parts
        if any(part.startswith(".") for part in parts):
            continue
        rel = path.relative_to(root).as_posix()
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            if path.suffix.lower() in audio_suffixes:
                odd.append((rel, "a folder, not an audio file"))
        else:
            odd.append((rel, _why_not(path)))
    return sorted(files), sorted(odd)


def _why_not(path: Path) -> str:
    """Why ``path`` (neither a regular file nor a folder) is not read, in a few words."""
    if path.is_symlink():
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        if not path.exists():
            return f"a broken symbolic link (to {target!r}, which does not exist)"
        return f"a symbolic link to {target!r}, which {not_a_file(path)}; not read"
    return f"{not_a_file(path).removeprefix('is ')}; not read"
