"""Writing outputs safely: never over the input, atomically (temporary file, then rename)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import ScorePlanError


class OutputError(ScorePlanError):
    """The output cannot be written where asked."""


# Outputs that are folders by nature (written as a whole folder, then renamed into place).
BUNDLE_SUFFIXES = (".fcpxmld",)


def check_output_path(output: str | os.PathLike, *inputs: str | os.PathLike) -> Path:
    """Refuse an output that is one of the inputs, or whose folder is missing or read-only."""
    out = Path(output)
    for inp in inputs:
        inp = Path(inp)
        same = out.resolve() == inp.resolve()
        if not same and out.exists() and inp.exists():
            with contextlib.suppress(OSError):
                same = os.path.samefile(out, inp)
        if same:
            raise OutputError("the output would overwrite the input; choose another output name", out)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"the output folder {str(folder)!r} does not exist", out)
    if not os.access(folder, os.W_OK):
        raise OutputError(f"the output folder {str(folder)!r} is not writable", out)
    if out.is_dir() and out.suffix.lower() not in BUNDLE_SUFFIXES:
        raise OutputError("the output is a folder; give a file name", out)
    return out


@contextlib.contextmanager
def atomic_path(output: str | os.PathLike, *inputs: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``output``; rename it over ``output`` only if the block succeeds."""
    out = check_output_path(output, *inputs)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent if str(out.parent) else ".")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the output the usual mode
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(output: str | os.PathLike, data: bytes, *inputs: str | os.PathLike) -> Path:
    """Write ``data`` to ``output`` atomically; returns the output path."""
    with atomic_path(output, *inputs) as tmp:
        tmp.write_bytes(data)
    return Path(output)
