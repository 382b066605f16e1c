"""Every file the tool writes goes through this module (DESIGN.md, "Writing files safely").

* A file is written to a unique temporary file beside its target (``mkstemp`` creates it exclusively, so
  a symbolic link planted at a temporary name is never followed), then renamed over the target
  (:func:`atomic_path`); a bundle folder is staged beside its target and swapped in (:func:`atomic_folder`).
* A target that is a symbolic link is refused, and so is one that would touch an input of the run: the
  same file (device and inode, so hard links and other spellings are caught), a place inside an input
  bundle (``.fcpxmld``, ``.otiod``), or a folder that holds an input.
* Media the tool makes are named by their content (``1M1_<hash8>.wav``: :func:`content_named`) and
  created without replacing anything: the same name holds the same bytes, so an existing file is reused.
* A command runs inside :func:`run`: the inputs it reads are registered there (:func:`protect`,
  :func:`protect_tree`); when the command fails, every file it replaced gets its old content back and
  every file and folder it created is removed. Outside a command, each write is its own run.
* A run stopped by SIGTERM or SIGINT (a render killed with ``kill`` or Ctrl-C) is undone the same way: in the main
  thread, :func:`run` turns SIGTERM into :class:`Terminated` (SIGINT is Python's ``KeyboardInterrupt``), so its
  temporary files are removed and every file is as before. SIGKILL (``kill -9``, the kernel's out-of-memory killer)
  cannot be caught: the hidden ``.<name>.<pid>.*.part`` it leaves beside the target is removed by the next run
  writing that target, once its process is gone and it has been untouched for :data:`STALE_SECONDS`
  (:func:`remove_stale_temps`); the target itself is never touched by a killed run.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import filecmp
import hashlib
import io
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ScorePlanError

PathLike = str | os.PathLike

# Folders that are one document: an input bundle is protected whole.
BUNDLE_SUFFIXES = (".fcpxmld", ".otiod")


class OutputError(ScorePlanError):
    """The output cannot be written where asked."""


def _real(path: PathLike) -> Path:
    """``path`` absolute with its folders' links resolved; a link in the last part is kept (it is refused)."""
    p = Path(os.path.abspath(path))
    return Path(os.path.realpath(p.parent)) / p.name


def _bundle_of(real: Path) -> Path | None:
    """The bundle folder ``real`` is or lies in, or None."""
    return next((p for p in (real, *real.parents) if p.suffix.lower() in BUNDLE_SUFFIXES and p.is_dir()), None)


class Inputs:
    """The files a run reads, which no write may touch."""

    def __init__(self, paths: Iterable[PathLike | None] = ()) -> None:
        self.ids: set[tuple[int, int]] = set()  # (st_dev, st_ino) of every input file
        self.places: list[Path] = []  # inputs' real paths: a folder replaced must not hold one
        self.bundles: list[Path] = []  # input bundles: nothing is written inside them
        self.libraries: list[Path] = []  # temp-music libraries: nothing but their own scan cache is written there
        self.add(*paths)

    def add(self, *paths: PathLike | None) -> None:
        """Protect ``paths`` (files or bundles; missing ones are the reader's to report)."""
        for path in paths:
            if path is None or os.fspath(path) == "":
                continue
            real = Path(os.path.realpath(path))
            with contextlib.suppress(OSError):
                st = os.stat(real)
                self.ids.add((st.st_dev, st.st_ino))
                self.places.append(real)
            bundle = _bundle_of(real)
            if bundle is not None and bundle not in self.bundles:
                self.bundles.append(bundle)
                self.add_tree(bundle, hidden=True)  # hard links to a bundle's files

    def add_tree(self, folder: PathLike | None, *, hidden: bool = False) -> None:
        """Protect every file below ``folder`` (a library: hidden files such as our scan cache left out).

        A library folder is also kept free of outputs: a mix, a cue file or notes written there would become
        temp music on the next scan, and its scan cache is read by the run (only the cache writer writes it).
        """
        if folder is None or not os.path.isdir(folder):
            return
        if not hidden and Path(os.path.realpath(folder)) not in self.libraries:
            self.libraries.append(Path(os.path.realpath(folder)))
        for top, dirs, files in os.walk(folder):
            if not hidden:
                dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files if hidden else [f for f in files if not f.startswith(".")]:
                with contextlib.suppress(OSError):
                    st = os.stat(os.path.join(top, name))
                    self.ids.add((st.st_dev, st.st_ino))

    def refusal(self, target: Path, *, adding: bool = False, library_cache: bool = False) -> str:
        """Why writing ``target`` (a checked, non-link path) would touch an input, or ''.

        ``adding``: new files are only added inside ``target`` (a media folder), so only bundles and libraries
        matter. ``library_cache``: the write is a library's own scan cache (the one write a library takes).
        """
        # a media folder is written into, so where it leads counts, a link in its last part included
        real = Path(os.path.realpath(target)) if adding else _real(target)
        for bundle in self.bundles:
            if real == bundle or bundle in real.parents:
                return f"it lies inside the input bundle {bundle}"
        for library in [] if library_cache else self.libraries:
            if real == library or library in real.parents:
                return f"it lies inside the temp-music library {library}, which the tool only reads"
        if adding:
            return ""
        try:
            st = os.stat(target)
            if (st.st_dev, st.st_ino) in self.ids:
                return "it is an input of this run (the same file, perhaps by another name or a hard link)"
        except OSError:
            pass
        held = next((p for p in self.places if real in p.parents), None)
        return f"it holds the input {held}" if held else ""


class Run:
    """One command's writes: the inputs they must not touch, and how to undo them if the command fails."""

    def __init__(self) -> None:
        self.inputs = Inputs()
        self._done: list[tuple[Path, Path | None, bool]] = []  # (target, folder holding its old content, is a folder we made)

    def replace(self, staged: Path, target: Path) -> None:
        """Rename ``staged`` over ``target``; the old content is kept aside until the run ends."""
        holder = None
        if os.path.lexists(target):
            holder = Path(tempfile.mkdtemp(prefix=f".{target.name[:64]}.", suffix=".old", dir=target.parent))
            os.replace(target, holder / target.name)
        try:
            os.replace(staged, target)
        except BaseException:
            if holder is not None:
                os.replace(holder / target.name, target)
                holder.rmdir()
            raise
        self._done.append((target, holder, False))

    def retire(self, target: Path) -> None:
        """Take ``target`` (a file of ours an earlier run made, now false) away; it comes back if the run fails."""
        holder = Path(tempfile.mkdtemp(prefix=f".{target.name[:64]}.", suffix=".old", dir=target.parent))
        os.replace(target, holder / target.name)
        self._done.append((target, holder, False))

    def created(self, path: Path, *, folder: bool = False) -> None:
        """Record a file (or an empty folder) this run made: removed if the run fails."""
        self._done.append((path, None, folder))
        if not folder:
            self.inputs.add(path)  # nothing later in the run writes over it

    def commit(self) -> None:
        for _, holder, _ in self._done:
            if holder is not None:
                shutil.rmtree(holder, ignore_errors=True)
        self._done.clear()

    def abort(self) -> None:
        """Put every file back as it was before the run (newest first)."""
        for target, holder, folder in reversed(self._done):
            with contextlib.suppress(OSError):
                if folder:
                    target.rmdir()
                    continue
                _remove(target)
                if holder is not None:
                    os.replace(holder / target.name, target)
                    holder.rmdir()
        self._done.clear()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()


_CURRENT: contextvars.ContextVar[Run | None] = contextvars.ContextVar("scoreplan_run", default=None)


class Terminated(BaseException):  # noqa: N818 (a signal, like KeyboardInterrupt, not an error)
    """SIGTERM arrived during a run: raised in the main thread so the run is undone like any failure."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(f"terminated by signal {signum}")
        self.signum = signum


def _raise_terminated(signum: int, _frame: object) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def _stop_signals_undo() -> Iterator[None]:
    """While the block runs, SIGTERM raises :class:`Terminated` and SIGINT ``KeyboardInterrupt`` (if they would have
    ended the process at once), so the run's ``finally`` and undo run; the old handlers come back after. Only the
    main thread can take signals: elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old: dict[int, Any] = {}
    for signum, handler in ((signal.SIGTERM, _raise_terminated), (signal.SIGINT, signal.default_int_handler)):
        with contextlib.suppress(ValueError, OSError):
            if signal.getsignal(signum) == signal.SIG_DFL:  # ours to catch: a handler someone set is left alone
                old[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, handler in old.items():
            with contextlib.suppress(ValueError, OSError):
                signal.signal(signum, handler)


@contextlib.contextmanager
def run() -> Iterator[Run]:
    """Join the current run, or start one: committed when the block ends, undone when it raises."""
    current = _CURRENT.get()
    if current is not None:
        yield current
        return
    new = Run()
    token = _CURRENT.set(new)
    try:
        with _stop_signals_undo():
            try:
                yield new
            except BaseException:
                new.abort()
                raise
            else:
                new.commit()
    finally:
        _CURRENT.reset(token)


def retire(path: PathLike) -> None:
    """Remove ``path``, a file an earlier run of ours made that this run's output would make false (an EDL's old
    companion list): inside a run it is kept aside and put back if the run fails."""
    run = _CURRENT.get()
    if run is None:
        Path(path).unlink()
    else:
        run.retire(Path(path))


def protect(*paths: PathLike | None) -> None:
    """Register input files (or bundles) of the current run: no write may touch them."""
    current = _CURRENT.get()
    if current is not None:
        current.inputs.add(*paths)


def protect_tree(folder: PathLike | None) -> None:
    """Register every file of ``folder`` (a temp-music library) as an input of the current run."""
    current = _CURRENT.get()
    if current is not None:
        current.inputs.add_tree(folder)


def check_output_path(output: PathLike, *inputs: PathLike | None, folder: bool | None = None,
                      library_cache: bool = False) -> Path:
    """``output`` if it may be written: its folder exists and is writable, it is no link and no input.

    ``folder``: the output is a bundle folder (default: when its suffix is a bundle's). ``library_cache``: the
    output is a temp-music library's own scan cache (allowed inside the library, still never through a link).
    """
    out = Path(output)
    if folder is None:
        folder = out.suffix.lower() in BUNDLE_SUFFIXES
    parent = out.parent
    if not parent.is_dir():
        raise OutputError(f"the output folder {str(parent)!r} does not exist", out)
    if not os.access(parent, os.W_OK):
        raise OutputError(f"the output folder {str(parent)!r} is not writable", out)
    current = _CURRENT.get()
    guards = [Inputs(inputs), *([current.inputs] if current else [])]
    if out.is_symlink():
        onto = Path(os.path.realpath(out))
        to_input = " to an input (it would overwrite the input)" if any(g.refusal(onto) for g in guards) else ""
        raise OutputError(f"the output is a symbolic link{to_input}; the tool never writes through one "
                          "(remove the link or choose another name)", out)
    if out.is_dir() and not folder:
        raise OutputError("the output is a folder; give a file name", out)
    if out.exists() and not out.is_dir() and folder:
        raise OutputError("a file (not a bundle folder) is in the way; remove it or choose another name", out)
    why = next((w for w in (g.refusal(out, library_cache=library_cache) for g in guards) if w), "")
    if why:
        raise OutputError(f"the output would overwrite the input ({why}); choose another output name", out)
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# OS errors of writing that are the place's, not the program's: reported as OutputError naming the file
_PLACE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENAMETOOLONG}


@contextlib.contextmanager
def _as_output_error(path: Path, *, every: bool = False) -> Iterator[None]:
    """Report an OS error of writing ``path`` in one line naming it (``every``: any OS error, else the place's)."""
    try:
        yield
    except OSError as exc:
        if not every and exc.errno not in _PLACE_ERRORS:
            raise
        raise OutputError(f"cannot write: {exc.strerror or exc}", path) from None


class _SpillFile(io.BufferedRandom):
    """A nameless temporary file (:func:`spill_file`) whose write errors name its folder."""

    folder: Path

    def _failed(self, exc: OSError) -> OutputError:
        return OutputError(f"cannot write temporary audio: {exc.strerror or exc} (the temporary folder; set TMPDIR "
                           "to a folder with room)", self.folder)

    def write(self, data) -> int:  # type: ignore[no-untyped-def,override]
        try:
            return super().write(data)
        except OSError as exc:
            raise self._failed(exc) from None

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as exc:
            raise self._failed(exc) from None


def spill_file(folder: PathLike | None = None) -> io.BufferedRandom:
    """A temporary binary file (read and write, removed when closed) in ``folder`` (default: the system's temporary
    folder, ``TMPDIR``) for audio waiting to be used; an OS error creating or writing it (a full disk) is an
    :class:`OutputError` naming that folder, never the run's output."""
    where = Path(os.path.abspath(folder if folder is not None else tempfile.gettempdir()))
    try:
        fh = tempfile.TemporaryFile(dir=where, buffering=0)
    except OSError as exc:
        raise OutputError(f"cannot write temporary audio: {exc.strerror or exc}", where) from None
    spill = _SpillFile(fh)  # type: ignore[arg-type]
    spill.folder = where
    return spill


# A temporary file of ours left by a run that was killed (its process gone) and untouched this long is removed by
# the next run writing the same target (a run still writing keeps touching its file).
STALE_SECONDS = 600


def _temp_prefix(beside: Path, pid: int | None = None) -> str:
    """``.<target name>.<process id>.``: our temporary names for ``beside`` (the name short enough that a long output
    name still leaves room); the process id tells a stale one (its run was killed) from one being written."""
    return f".{beside.name[:64]}.{os.getpid() if pid is None else pid}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # (another user's process, or no process id we can ask about: left alone)
    return True


def remove_stale_temps(beside: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files and folders of ours for ``beside`` left by killed runs (:data:`STALE_SECONDS`
    untouched, their process gone); returns what went. Only our own names, only our own user's, never a link's target."""
    import time

    head = f".{beside.name[:64]}."
    now = time.time() if now is None else now
    gone: list[Path] = []
    try:
        entries = [e for e in os.scandir(beside.parent) if e.name.startswith(head) and e.name.endswith(".part")]
    except OSError:
        return gone
    for entry in entries:
        pid, _, rest = entry.name[len(head):-len(".part")].partition(".")
        if not pid.isdigit() or not rest or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if st.st_uid != os.getuid() or now - st.st_mtime < STALE_SECONDS:
                continue
            if stat.S_ISDIR(st.st_mode):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            gone.append(Path(entry.path))
        except OSError:
            continue
    return gone


def _temp(beside: Path, *, folder: bool = False) -> Path:
    """A new temporary file (or folder) of a unique name beside ``beside``, made exclusively (no link followed);
    stale ones of killed runs for the same target are cleared first (:func:`remove_stale_temps`)."""
    remove_stale_temps(beside)
    prefix = _temp_prefix(beside)
    with _as_output_error(beside.parent, every=True):
        if folder:
            return Path(tempfile.mkdtemp(prefix=prefix, suffix=".part", dir=beside.parent))
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=".part", dir=beside.parent)
        os.close(fd)
        return Path(name)


@contextlib.contextmanager
def atomic_path(output: PathLike, *inputs: PathLike | None, library_cache: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``output``; rename it over ``output`` only if the block succeeds."""
    out = check_output_path(output, *inputs, folder=False, library_cache=library_cache)
    with run() as current:
        tmp = _temp(out)
        try:
            with _as_output_error(out):
                yield tmp
            with _as_output_error(out, every=True):
                os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the output the usual mode
                current.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def staged_beside(output: PathLike) -> Iterator[Path]:
    """A hidden temporary file beside ``output`` (made exclusively, like :func:`atomic_path`'s) for a step before the
    output itself (a mix in WAV that is then encoded into the output); removed when the block ends, whatever happens.
    An OS error writing it is reported against ``output``'s name: it lies in the same folder, on the same disk."""
    out = Path(output)
    tmp = _temp(out)
    try:
        with _as_output_error(out):
            yield tmp
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_folder(output: PathLike, *inputs: PathLike | None) -> Iterator[Path]:
    """Yield a temporary folder beside ``output`` (a bundle) to fill; swap it in only if the block succeeds."""
    out = check_output_path(output, *inputs, folder=True)
    with run() as current:
        tmp = _temp(out, folder=True)
        try:
            with _as_output_error(out):
                yield tmp
            with _as_output_error(out, every=True):
                os.chmod(tmp, 0o777 & ~_umask())
                current.replace(tmp, out)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def write_bytes_atomic(output: PathLike, data: bytes, *inputs: PathLike | None, library_cache: bool = False) -> Path:
    """Write ``data`` to ``output`` atomically; returns the output path (``library_cache``: see check_output_path)."""
    with atomic_path(output, *inputs, library_cache=library_cache) as tmp:
        tmp.write_bytes(data)
    return Path(output)


def make_folder(folder: PathLike) -> Path:
    """Create ``folder`` and its missing parents (removed again if the run fails); never inside an input bundle."""
    folder = Path(folder)
    current = _CURRENT.get()
    why = current.inputs.refusal(folder, adding=True) if current else ""
    if why:
        raise OutputError(f"cannot write media here: {why}", folder)
    missing = [p for p in (folder, *folder.parents) if not os.path.lexists(p)]
    in_way = next((p for p in (folder, *folder.parents) if os.path.lexists(p) and not p.is_dir()), None)
    if in_way is not None:  # a file where a folder is asked for (--media-dir FILE): say so, not "File exists"
        from .infile import not_a_folder

        problem = "is a symbolic link to nothing" if not in_way.exists() else not_a_folder(in_way) or "is no folder"
        raise OutputError(f"{problem}; give a folder for the media", in_way)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder: {exc.strerror or exc}", folder) from None
    if not os.access(folder, os.W_OK):
        raise OutputError("the folder is not writable", folder)
    if current is not None:
        for made in reversed(missing):  # outermost first: undone innermost first
            current.created(made, folder=True)
    return folder


@dataclass
class NamedMedia:
    """A medium being written: fill ``tmp``; after the block ``path`` is its content-addressed name."""

    tmp: Path
    path: Path | None = None


def file_digest(path: PathLike) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@contextlib.contextmanager
def content_named(folder: PathLike, stem: str, suffix: str) -> Iterator[NamedMedia]:
    """Write a medium to a temporary file in ``folder``, then name it ``<stem>_<hash8><suffix>``.

    The hash is of the bytes written. Nothing is ever replaced: a file already at that name with the
    same bytes is reused; anything else there (another file, a link) is refused.
    """
    folder = make_folder(folder)
    media = NamedMedia(_temp(folder / stem))
    try:
        with run() as current:
            with _as_output_error(folder / f"{stem}{suffix}"):
                yield media
            target = folder / f"{stem}_{file_digest(media.tmp)[:8]}{suffix}"
            with _as_output_error(target, every=True):
                os.chmod(media.tmp, 0o666 & ~_umask())
                created = _publish(media.tmp, target)
            if created:
                current.created(target)
            media.path = target
    finally:
        media.tmp.unlink(missing_ok=True)


def _publish(tmp: Path, target: Path) -> bool:
    """Give ``tmp`` the name ``target`` unless a file is there; True when the name is new."""
    try:
        os.link(tmp, target)  # fails on anything at target, a dangling link included: nothing replaced
        return True
    except FileExistsError:
        pass
    except OSError:  # no hard links on this file system
        if not os.path.lexists(target):
            os.replace(tmp, target)
            return True
    st = os.lstat(target)
    if not stat.S_ISREG(st.st_mode) or not filecmp.cmp(tmp, target, shallow=False):
        raise OutputError("a different file (or a link) is in the way of this content-addressed name; "
                          "the tool never writes over it: remove it", target)
    return False
