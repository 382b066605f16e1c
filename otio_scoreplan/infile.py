"""Opening what a user names as input: a regular file (or a bundle folder) only, read with a size limit.

A FIFO would block the read forever, ``/dev/zero`` would fill the memory, a folder or a device is no document:
each is refused before it is opened, in one line naming the file. OS errors while reading become the same
kind of error (:class:`~otio_scoreplan.errors.InputError`), never a traceback.
"""

from __future__ import annotations

import codecs
import os
import stat

from .errors import InputError

MB = 1024 * 1024
_KINDS = ((stat.S_ISFIFO, "a pipe (FIFO)"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def os_problem(exc: OSError) -> str:
    """An OS error as a few words (``No space left on device``)."""
    return exc.strerror or str(exc) or type(exc).__name__


def check_input(path: str | os.PathLike, what: str = "file", *, folder_ok: bool = False) -> os.stat_result:
    """The ``stat`` of ``path`` when it is a regular file (or, ``folder_ok``, a folder such as a bundle).

    Raises :class:`InputError` naming the file otherwise (missing, a pipe, a device, a socket ...).
    """
    try:
        st = os.stat(path)
    except OSError as exc:
        raise InputError(f"cannot read the {what}: {os_problem(exc)}", path) from None
    if stat.S_ISREG(st.st_mode) or (folder_ok and stat.S_ISDIR(st.st_mode)):
        return st
    kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
    raise InputError(f"the {what} is {kind}, not a regular file", path)


def _stat(path: str | os.PathLike) -> os.stat_result | str:
    """``os.stat(path)``, or why there is nothing to stat ('does not exist', 'cannot be read: ...')."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return "does not exist"
    except OSError as exc:
        return f"cannot be read: {os_problem(exc)}"


def not_a_file(path: str | os.PathLike) -> str:
    """Why ``path`` is no regular file to read, in a few words ('does not exist', 'is a character device, not a
    regular file'), or '' when it is one."""
    st = _stat(path)
    if isinstance(st, str):
        return st
    if stat.S_ISREG(st.st_mode):
        return ""
    kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
    return f"is {kind}, not a regular file"


def not_a_folder(path: str | os.PathLike) -> str:
    """Why ``path`` is no folder, in a few words ('does not exist', 'is a file, not a folder'), or '' when it is one.
    An empty path is none (it would mean the working folder, everything in it scanned as music)."""
    if not os.fspath(path).strip():
        return "is an empty path, not a folder"
    st = _stat(path)
    if isinstance(st, str):
        return st
    if stat.S_ISDIR(st.st_mode):
        return ""
    kind = "a file" if stat.S_ISREG(st.st_mode) else next((name for test, name in _KINDS if test(st.st_mode)), "no file")
    return f"is {kind}, not a folder"


_CHUNK = 8 * MB


def read_input_bytes(path: str | os.PathLike, what: str, limit: int) -> bytes:
    """The bytes of the regular file ``path``, refused (naming it) beyond ``limit`` bytes or when unreadable.

    Memory is asked for by the file's size, never by ``limit``: ``read(n)`` allocates ``n`` bytes before it
    reads, so ``read(limit + 1)`` took 2 GB of address space for any timeline (a MemoryError under a cap).
    A file longer than its ``stat`` says (growing, or a /proc file of size 0) is read on in chunks, bounded.
    """
    size = check_input(path, what).st_size
    too_big = InputError(f"the {what} is larger than {limit // MB} MB; it cannot be one", path)
    if size > limit:
        raise too_big
    try:
        with open(path, "rb") as fh:
            data = fh.read(size + 1)
            if len(data) > size:
                chunks, total = [data], len(data)
                while total <= limit and (chunk := fh.read(min(_CHUNK, limit + 1 - total))):
                    chunks.append(chunk)
                    total += len(chunk)
                data = b"".join(chunks)
    except OSError as exc:
        raise InputError(f"cannot read the {what}: {os_problem(exc)}", path) from None
    if len(data) > limit:
        raise too_big
    return data


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_text(data: bytes, path: str | os.PathLike, what: str) -> str:
    """``data`` as text: UTF-8, or the UTF-8/16/32 its byte order mark names (as Windows editors save)."""
    encoding, skip = "utf-8", 0
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, skip = name, len(bom)
            break
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"the {what} is not {encoding.upper()} text (byte {exc.start + skip}: {exc.reason}); "
                         "save it as UTF-8", path) from None


def read_input_text(path: str | os.PathLike, what: str, limit: int) -> str:
    """The text of the regular file ``path`` (see :func:`read_input_bytes` and :func:`decode_text`)."""
    return decode_text(read_input_bytes(path, what, limit), path, what)
