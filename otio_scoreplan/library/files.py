"""The files of a temp-music folder, and the entries in it that are no file to read, each with its reason.

A library on a shared disk holds odd things: a pipe (FIFO) someone left, a folder named ``x.wav``, a link whose
target is gone, a link to ``/dev/zero``. None is read (opening a FIFO blocks until someone writes; a device
never ends), and each is named among the skipped files with why, instead of vanishing from the listing
(issue 11 follow-up). Hidden entries (a dot in any part) are passed over as before.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..infile import not_a_file


def library_files(root: Path, audio_suffixes: set[str] | dict[str, str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """(the regular files under ``root``, sorted; the entries that are none, as (relative path, reason)).

    A link to a regular file counts as that file. A folder is walked, not named, unless its name ends like an
    audio file (``x.wav/``): that one is named. No file is opened: only ``stat`` and ``lstat`` are asked.

    A link to a folder is followed (a temp library is often links to a shared drive; ``Path.rglob`` before
    Python 3.13 does not follow them, and their pieces vanished). Every folder is walked once, by its real path:
    the library's own folders first, then the linked ones in turn. A link to a folder that holds the link is
    named as a folder link loop; a folder already walked (two links to one shared folder) is named with where its
    pieces are listed. A folder that cannot be read is named too.
    """
    files: list[Path] = []
    odd: list[tuple[str, str]] = []
    walked: dict[str, str] = {}  # real path of each folder walked -> its path in the listing
    folders: list[Path] = [root]  # the library's own folders (and those inside a linked one), to walk
    links: list[Path] = []  # links to folders, followed once no other folder is left to walk

    def walk(folder: Path, real: str) -> None:
        walked[real] = folder.relative_to(root).as_posix()
        try:
            with os.scandir(folder) as found:
                names = sorted(entry.name for entry in found)
        except OSError as exc:
            odd.append((walked[real], f"a folder that cannot be read ({exc.strerror or exc})"))
            return
        for name in names:
            if name.startswith("."):
                continue
            path = folder / name
            if path.is_file():
                files.append(path)
            elif path.is_dir():
                if path.suffix.lower() in audio_suffixes:
                    odd.append((path.relative_to(root).as_posix(), "a folder, not an audio file"))
                (links if path.is_symlink() else folders).append(path)
            else:
                odd.append((path.relative_to(root).as_posix(), _why_not(path)))

    while folders or links:
        path = folders.pop() if folders else links.pop(0)
        real = os.path.realpath(path)
        why = _not_walked(path, real, walked) if path != root else ""
        if why:
            odd.append((path.relative_to(root).as_posix(), why))
        else:
            walk(path, real)
    return sorted(files), sorted(odd)


def _not_walked(folder: Path, real: str, walked: dict[str, str]) -> str:
    """Why ``folder`` (real path ``real``) is not walked, or "": it is a link to a folder that holds it (a loop), or
    its real folder was walked already (``walked``: real path -> listed as)."""
    holder = os.path.realpath(folder.parent)
    if folder.is_symlink() and (holder == real or holder.startswith(real.rstrip(os.sep) + os.sep)):
        return f"a folder link loop (to {_target(folder)!r}, a folder that holds the link); not followed"
    if real in walked:
        where = "the library folder itself" if walked[real] == "." else repr(walked[real])
        via = f" (a link to {_target(folder)!r})" if folder.is_symlink() else ""
        return f"a folder already listed as {where}{via}; not listed twice"
    return ""


def _target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _why_not(path: Path) -> str:
    """Why ``path`` (neither a regular file nor a folder) is not read, in a few words."""
    if path.is_symlink():
        target = _target(path)
        try:
            os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return f"a link loop (to {target!r}, which leads back to itself); not read"
            if exc.errno not in (errno.ENOENT, errno.ENOTDIR):
                return f"a symbolic link to {target!r}, which cannot be reached ({exc.strerror}); not read"
            return f"a broken symbolic link (to {target!r}, which does not exist)"
        return f"a symbolic link to {target!r}, which {not_a_file(path)}; not read"
    return f"{not_a_file(path).removeprefix('is ')}; not read"
