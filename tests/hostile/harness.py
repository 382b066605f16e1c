"""Run the real ``scoreplan`` entry point on one case and check the promises of issue 7.

A case lives in a sandbox folder: ``in/`` holds the input(s), ``out/`` is the output folder and
``cwd/`` the working directory. :func:`check_run` hashes every file of the sandbox before and after
and checks: exit status 0 or 2 (never 3: an internal error is a bug), no traceback, an error in one
line naming the file, no file changed or added outside ``out/``, and nothing at all left in
``out/`` when the command failed (no OUTPUT, no ``*.part``, no temp media).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from otio_scoreplan._cli import main


@dataclass
class Run:
    """What one command did."""

    argv: list[str]
    code: int
    stdout: str
    stderr: str


@dataclass
class Sandbox:
    """The folders of one case."""

    root: Path
    inp: Path = field(init=False)
    out: Path = field(init=False)
    cwd: Path = field(init=False)

    def __post_init__(self) -> None:
        self.inp, self.out, self.cwd = self.root / "in", self.root / "out", self.root / "cwd"
        for p in (self.inp, self.out, self.cwd):
            p.mkdir(parents=True, exist_ok=True)

    def put(self, name: str, data: bytes) -> Path:
        path = self.inp / name
        path.write_bytes(data)
        return path


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (relative path -> sha256; folders as 'dir')."""
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            found[os.path.relpath(os.path.join(dirpath, d), root)] = "dir"
        for f in filenames:
            p = os.path.join(dirpath, f)
            if os.path.islink(p):
                found[os.path.relpath(p, root)] = "link:" + os.readlink(p)
                continue
            h = hashlib.sha256()
            with open(p, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            found[os.path.relpath(p, root)] = h.hexdigest()
    return found


def run_inprocess(argv: Sequence[str], cwd: Path | None = None) -> Run:
    """``scoreplan argv`` in this process (fast: no interpreter start-up per case)."""
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as exc:  # argparse
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        os.chdir(old)
    return Run(list(argv), code, out.getvalue(), err.getvalue())


def run_subprocess(argv: Sequence[str], cwd: Path | None = None, timeout: float = 120, **kw) -> Run:
    """``scoreplan argv`` as its own process (for cases that must not share ours: limits, other user)."""
    proc = subprocess.run([sys.executable, "-m", "otio_scoreplan", *argv], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, **kw)
    return Run(list(argv), proc.returncode, proc.stdout, proc.stderr)


def problems(run: Run, names: Sequence[str], before: dict[str, str], after: dict[str, str],
             out_rel: str = "out", expect: int | None = None) -> list[str]:
    """Every promise ``run`` broke; empty when it behaved. ``names``: file names an error may name."""
    found: list[str] = []
    text = run.stdout + run.stderr
    if "Traceback" in text:
        found.append("traceback printed")
    if run.code not in (0, 2):
        found.append(f"exit status {run.code}: {run.stderr.strip()[:400]!r}")
    if expect is not None and run.code != expect:
        found.append(f"expected exit {expect}, got {run.code}: {run.stderr.strip()[:300]!r}")
    if run.code == 2:
        lines = [ln for ln in run.stderr.splitlines() if ln.strip()]
        if len(lines) != 1:
            found.append(f"{len(lines)} lines on stderr: {lines[:5]!r}")
        elif not lines[0].startswith("scoreplan: error: "):
            found.append(f"error line not ours: {lines[0][:200]!r}")
        elif not any(n in lines[0] for n in names):
            found.append(f"error names none of {list(names)}: {lines[0][:200]!r}")
    for rel, digest in before.items():
        if after.get(rel) != digest:
            found.append(f"{rel} changed or vanished")
    prefix = out_rel.rstrip("/") + os.sep
    added = sorted(rel for rel in after if rel not in before)
    outside = [rel for rel in added if not rel.startswith(prefix)]
    if outside:
        found.append(f"written outside the output folder: {outside[:5]}")
    if run.code != 0:
        left = [rel for rel in added if rel.startswith(prefix)]
        if left:
            found.append(f"failed (exit {run.code}) but left output behind: {left[:5]}")
    elif any(rel.endswith(".part") for rel in added):
        found.append("a *.part file was left behind")
    return found


COMMANDS = ("inspect", "spot", "apply")


def commands_for(path: Path, box: Sandbox, extra: Sequence[str] = ()) -> list[list[str]]:
    """inspect, spot and apply (into ``out/``, in the input's own format) of ``path``."""
    suffix = path.suffix if path.suffix.lower() != ".otioz" else ".otio"
    output = box.out / f"{path.stem}.scoreplan{suffix}"
    return [
        ["inspect", str(path), *extra],
        ["spot", "--json", str(path), *extra],
        ["apply", str(path), *extra, "-o", str(output)],
    ]


def check_file(path: Path, box: Sandbox, extra: Sequence[str] = (), *, all_commands: bool | None = None,
               expect: int | None = None) -> tuple[list[Run], list[str]]:
    """Run inspect on ``path``, and spot and apply too when inspect succeeds (or ``all_commands``).

    Returns the runs and the broken promises, each prefixed with its command.
    """
    runs: list[Run] = []
    broken: list[str] = []
    names = [path.name]
    for argv in commands_for(path, box, extra):
        before = snapshot(box.root)
        run = run_inprocess(argv, cwd=box.cwd)
        after = snapshot(box.root)
        runs.append(run)
        if argv[0] == "apply":
            names = [path.name, Path(argv[-1]).name]
        broken += [f"{argv[0]}: {p}" for p in problems(run, names, before, after, expect=expect)]
        if argv[0] == "apply" and run.code == 0:  # leave the next case a clean output folder
            for p in sorted(box.out.rglob("*"), reverse=True):
                p.rmdir() if p.is_dir() else p.unlink()
        if argv[0] == "inspect" and run.code != 0 and not all_commands:
            break
    return runs, broken
