#!/usr/bin/env python3
"""Compare what the tool writes at two versions, on every corpus file and sample (issue 12, "Must show").

The reference version (default ``cd7e98f``, the commit before issue 12's refactor) is exported with ``git archive``
into ``/tmp`` and run with ``PYTHONPATH`` pointing at it; the new version is this working tree (or ``--new REV``).
Both are run the same way, through the ``scoreplan`` console script each tree's ``pyproject.toml`` names
(``module:function``, found at run time, so a CLI that moved is still found), in a fresh process per command:

    inspect --json; spot --json; spot --json --library LIB; spot --json --previous (its own plan);
    apply (into the input's format); apply --library LIB --media-dir DIR; notes from the timeline
    (.md, cue sheet, Avid and Resolve marker lists, themes .md), from the timeline with --plan (.csv, themes .csv)
    and from the plan JSON (.html, themes .html, .pdf, .mid); render (samples only: it is slow); the OTIO plugin:
    apply to a .otio, read back by plain OpenTimelineIO, ``spotting_notes`` written from the stored plan and from
    the timeline with that plan taken out (planned on the spot).

LIB is a synthesised temp-music library (``tools/make_demo_library.py`` of the reference tree), copied for each
version, its catalogue (``library --json``) compared too. Each input's outputs are written under one path in
every run (``/tmp/spcmp-cases/<input>``: an AAF's MobIDs derive from its media's path). Normalised, and only
that: the run's work folder holding the library copy (same length in both runs, so binary files keep their
layout) and the tree's own path; ``SOURCE_DATE_EPOCH`` and ``PYTHONHASHSEED`` are fixed, so dates and set order
do not differ. Each output is compared byte for byte; a difference is shown as a short diff of its text (PDF:
pdfminer's text; MIDI: mido's messages; AAF: pyaaf2's dump of every mob; WAV: its size and a digest per MiB).

Reference outputs are kept in ``--store`` (default ``/tmp/ref_outputs/<commit>``, never in the repository) and
reused while the input file's bytes are the same (a WAV is kept as its digest); the working tree's outputs are
made afresh each run, in ``/tmp/ref_outputs/worktree-<run>``. Cases run in parallel (``-j``), each in its own
folder; runs of this script share no work folder and wait for each other on a reference case being made.

    .venv/bin/python tools/compare_outputs.py                 # cd7e98f against the working tree, everything
    .venv/bin/python tools/compare_outputs.py --quick         # no render, no temp media, no big files, fewer notes
    .venv/bin/python tools/compare_outputs.py --new HEAD --only premiere/ --only sample
    .venv/bin/python tools/compare_outputs.py --ref-only      # just make the reference outputs

Exit status 0 when every output is identical, 1 when something differs, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import difflib
import fcntl
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_timelines"
CORPUS = Path(os.environ.get("SCOREPLAN_CORPUS", REPO.parent / "shared" / "corpus")).resolve()
TIMELINE_SUFFIXES = (".xml", ".fcpxml", ".fcpxmld", ".edl", ".aaf", ".otio", ".otioz")
DEFAULT_BASE = "cd7e98f"
DEFAULT_STORE = Path("/tmp/ref_outputs")
# EDLs carry no rate; the samples' rates are the ones sample_timelines/README.md gives (real-time outputs,
# render and .mid, refuse an assumed rate). Corpus EDLs are read as the tool reads them without --rate.
SAMPLE_RATES = {"avid_sample.edl": "29.97", "resolve_sample.edl": "25"}
EPOCH = "1767225600"  # 2026-01-01 00:00:00 UTC: every date the tool writes
WORK_PREFIX = "/tmp/spcmp-"
WORK_TOKEN = "########"  # stands for the run's 8 random hex digits in stored outputs (same length: binary-safe)
# Each input's outputs are written under the same path in every run and version: an AAF's MobIDs derive from its
# media's path (formats/aaf/media.derived_mob_id), so a path that differed would differ in the file. Runs take
# the folder in turn (a lock per input).
CASES = Path("/tmp/spcmp-cases")
OLD_CASE_PATH = re.compile(r"/tmp/spcmp-[0-9a-f]{8}/c/")  # where a case ran before CASES: such outputs are made again
QUICK_MAX_BYTES = 1_000_000  # --quick leaves out inputs larger than this
STEP_TIMEOUT = 1800
MULTI_SEQUENCE = re.compile(r"choose one with --sequence: '((?:[^'\\]|\\.)*)'")

# Each step of a case: (name, in --quick). Order matters: later steps use the plans earlier ones wrote.
STEPS = (
    ("inspect", True), ("spot", True), ("spot-library", True), ("spot-previous", True), ("apply", True),
    ("apply-library", False), ("notes-md", True), ("notes-csv", False), ("notes-html", False), ("notes-pdf", False),
    ("notes-mid", False), ("render", False), ("plugin", True),
)

PLUGIN_SCRIPT = """
import sys
import opentimelineio as otio
timeline = otio.adapters.read_from_file(sys.argv[1])
adapter = otio.adapters.from_name("spotting_notes")
print("adapter:", adapter.module_abs_path())
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(otio.adapters.write_to_string(timeline, adapter_name="spotting_notes", title="COMPARE"))
del timeline.metadata["scoreplan"]
with open(sys.argv[3], "w", encoding="utf-8") as f:
    f.write(otio.adapters.write_to_string(timeline, adapter_name="spotting_notes", title="COMPARE"))
"""


@dataclass
class Tree:
    """One version of the project, runnable: its folder, its console script's target, its store."""

    label: str  # a commit hash, or "worktree"
    root: Path
    entry: tuple[str, str]  # (module, function) of the `scoreplan` console script
    store: Path
    work: Path  # this run's work folder: WORK_PREFIX + 8 hex digits
    cached: bool  # reuse stored outputs whose input is unchanged
    nice: int = 0  # niceness of the commands run (a shared machine)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(PYTHONPATH=str(self.root), SOURCE_DATE_EPOCH=EPOCH, PYTHONHASHSEED="0", TZ="UTC",
                   XDG_CACHE_HOME=str(self.work / "xdg-cache"), PYTHONDONTWRITEBYTECODE="1")
        return env

    def cli(self, *args: str) -> list[str]:
        module, function = self.entry
        code = (f"import sys, importlib; sys.argv[0] = 'scoreplan'; "
                f"sys.exit(getattr(importlib.import_module({module!r}), {function!r})())")
        return [sys.executable, "-c", code, *args]


@dataclass
class Case:
    """One input timeline: where it is, its id, the args that pick its sequence and rate."""

    path: Path
    cid: str  # e.g. corpus/avid/simple.aaf
    sample: bool
    args: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.cid.replace("/", "__")


# --- trees -----------------------------------------------------------------------------------------------

def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True).stdout.strip()


def console_entry(root: Path) -> tuple[str, str]:
    """``module:function`` of the tree's ``scoreplan`` script (pyproject.toml [project.scripts])."""
    with open(root / "pyproject.toml", "rb") as f:
        target = tomllib.load(f)["project"]["scripts"]["scoreplan"]
    module, _, function = target.partition(":")
    return module.strip(), function.strip()


def export_commit(commit: str) -> Path:
    """The commit's files under /tmp (git archive: no worktree entry, no lock on the shared repository)."""
    root = Path(f"/tmp/spcmp-tree-{commit[:12]}")
    if (root / ".complete").exists():
        return root
    partial = Path(f"{root}.part-{secrets.token_hex(4)}")
    partial.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", commit], check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(partial, filter="data")
    (partial / ".complete").write_text(commit + "\n")
    try:
        partial.rename(root)
    except OSError:  # another run exported it meanwhile
        shutil.rmtree(partial, ignore_errors=True)
    return root


def make_tree(rev: str, store_root: Path, cached: bool) -> Tree:
    if rev == ".":
        root, label = REPO, "worktree"
    else:
        label = git("rev-parse", "--verify", f"{rev}^{{commit}}")
        root = export_commit(label)
        label = label[:12]
    work = Path(WORK_PREFIX + secrets.token_hex(4))
    work.mkdir()
    store = store_root / (label if rev != "." else f"worktree-{work.name.rpartition('-')[2]}")  # a run's own
    tree = Tree(label, root, console_entry(root), store, work, cached)
    # the code that runs must be the tree's, not the editable install's
    found = subprocess.run([sys.executable, "-c", "import otio_scoreplan; print(otio_scoreplan.__file__)"],
                           env=tree.env(), cwd=work, capture_output=True, text=True, check=True).stdout.strip()
    if not Path(found).resolve().is_relative_to(root.resolve()):
        raise SystemExit(f"compare_outputs: error: PYTHONPATH={root} imports {found}, not the tree's code")
    return tree


# --- inputs ----------------------------------------------------------------------------------------------

def collect_cases(only: list[str], quick: bool) -> list[Case]:
    cases = []
    for base, prefix, sample in ((CORPUS, "corpus", False), (SAMPLES, "sample", True)):
        if not base.is_dir():
            raise SystemExit(f"compare_outputs: error: {base} is missing (set SCOREPLAN_CORPUS)")
        for p in sorted(base.rglob("*")):
            if p.suffix.lower() not in TIMELINE_SUFFIXES or p.name.startswith(".") or not p.is_file():
                continue
            cid = f"{prefix}/{p.relative_to(base)}"
            if only and not any(o in cid for o in only):
                continue
            if quick and not sample and p.stat().st_size > QUICK_MAX_BYTES:
                continue
            args = ["--rate", SAMPLE_RATES[p.name]] if sample and p.name in SAMPLE_RATES else []
            cases.append(Case(p, cid, sample, args))
    return cases


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --- running ---------------------------------------------------------------------------------------------

def normalise(data: bytes, tree: Tree) -> bytes:
    """The run's work folder (its library copy) and the tree's path taken out (same-length token for the
    work folder, so binary files keep their layout)."""
    work = str(tree.work)
    token = WORK_PREFIX + WORK_TOKEN
    for enc in ("utf-8", "utf-16-le", "utf-16-be"):
        data = data.replace(work.encode(enc), token.encode(enc))
    root = str(tree.root)
    if root != str(REPO):  # both trees read to the same placeholder
        data = data.replace(root.encode(), b"<TREE>")
    return data.replace(str(REPO).encode(), b"<TREE>")


def run_step(tree: Tree, case: Case, step: str, lib: Path, case_dir: Path) -> list[list[str]] | None:
    """The commands of one step (each a list of args), or None when the step does not apply to the case."""
    f, a = str(case.path), case.args
    suffix = case.path.suffix.lower()
    plan = str(case_dir / "plan.json")
    out = case_dir / step
    if step == "inspect":
        return [tree.cli("inspect", f, "--json", *a)]
    if step == "spot":
        return [tree.cli("spot", f, "--json", *a)]
    if step == "spot-library":
        return [tree.cli("spot", f, "--json", "--library", str(lib), *a)]
    if step == "spot-previous":
        return [tree.cli("spot", f, "--json", "--previous", plan, *a)] if Path(plan).is_file() else None
    if step == "apply":
        return [tree.cli("apply", f, "-o", str(out / f"applied{suffix}"), "--media-dir", str(out / "media"), *a)]
    if step == "apply-library":
        return [tree.cli("apply", f, "-o", str(out / f"applied{suffix}"), "--media-dir", str(out / "media"),
                         "--library", str(lib), *a)]
    if step == "notes-md":
        return [tree.cli("notes", f, "-o", str(out / "notes.md"), "--cue-sheet", str(out / "cue_sheet.csv"),
                         "--avid-markers", str(out / "avid_markers.txt"), "--resolve-markers",
                         str(out / "resolve_markers.edl"), "--themes", str(out / "themes.md"), "--title", "COMPARE",
                         "--episode", "101 Pilot", *a)]
    if step == "notes-csv":
        return [tree.cli("notes", f, "--plan", plan, "-o", str(out / "notes.csv"), "--themes", str(out / "themes.csv"),
                         *a)] if Path(plan).is_file() else None
    if step in ("notes-html", "notes-pdf", "notes-mid"):
        if not Path(plan).is_file():
            return None
        ext = step.split("-")[1]
        extra = ["--themes", str(out / "themes.html")] if ext == "html" else []
        return [tree.cli("notes", plan, "-o", str(out / f"notes.{ext}"), "--title", "COMPARE", *extra)]
    if step == "render":
        if not case.sample:
            return None
        return [tree.cli("render", f, "--library", str(lib), "-o", str(out / "mix.wav"), "--media", str(out / "media"),
                         *a)]
    if step == "plugin":
        otio_file = out / "applied.otio"
        return [tree.cli("apply", f, "-o", str(otio_file), "--media-dir", str(out / "media"), *a),
                [sys.executable, "-c", PLUGIN_SCRIPT, str(otio_file), str(out / "stored_plan.spot"),
                 str(out / "planned_on_the_spot.spot")]]
    raise ValueError(step)


def execute(tree: Tree, cmds: list[list[str]], out: Path, cwd: Path) -> dict:
    """Run the commands in order (stop at the first failure); keep their stdout, stderr and status."""
    out.mkdir(parents=True, exist_ok=True)
    record = {"commands": [], "seconds": 0.0}
    for n, cmd in enumerate(cmds):
        started = time.monotonic()
        try:
            done = subprocess.run(["nice", "-n", str(tree.nice), *cmd], cwd=cwd, env=tree.env(), capture_output=True,
                                  timeout=STEP_TIMEOUT)
            rc, stdout, stderr = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired as exc:
            rc, stdout, stderr = "timeout", exc.stdout or b"", exc.stderr or b""
        record["seconds"] += time.monotonic() - started
        tag = "" if len(cmds) == 1 else f".{n}"
        (out / f"_stdout{tag}.txt").write_bytes(stdout)
        (out / f"_stderr{tag}.txt").write_bytes(stderr)
        (out / f"_rc{tag}.txt").write_text(f"{rc}\n")
        record["commands"].append(cmd[3:])  # after `python -c CODE`
        if rc != 0:
            break
    return record


def wav_digest(data: bytes) -> bytes:
    """What is kept of a WAV (they run to hundreds of MB over the corpus): its size and a digest per MiB."""
    lines = [f"WAV {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}"]
    lines += [f"bytes {i:>10}-: {hashlib.sha256(data[i:i + (1 << 20)]).hexdigest()[:16]}"
              for i in range(0, len(data), 1 << 20)]
    return ("\n".join(lines) + "\n").encode()


def store_outputs(tree: Tree, step_dir: Path, dest: Path) -> None:
    """Copy a step's outputs (normalised) into the store; a WAV as its digest (``NAME.wav.digest``)."""
    if dest.exists():
        shutil.rmtree(dest)
    for p in sorted(step_dir.rglob("*")):
        if p.is_file():
            target = dest / p.relative_to(step_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            data = normalise(p.read_bytes(), tree)
            if p.suffix.lower() == ".wav":
                target, data = target.with_name(target.name + ".digest"), wav_digest(data)
            target.write_bytes(data)


def run_case(tree: Tree, case: Case, steps: list[str], lib: Path, input_hash: str) -> dict:
    """Every step of ``case`` in ``tree`` whose stored outputs are missing or stale; the case's meta.
    Locked per case: another run of this script using the same store waits, then reuses what was made; and
    the case's folder (the same path in every run, see CASES) is held while the case runs."""
    tree.store.mkdir(parents=True, exist_ok=True)
    CASES.mkdir(exist_ok=True)
    with open(tree.store / f".{case.slug}.lock", "w") as lock, open(CASES / f".{case.slug}.lock", "w") as folder:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fcntl.flock(folder, fcntl.LOCK_EX)
        try:
            return _run_case(tree, case, steps, lib, input_hash)
        finally:
            shutil.rmtree(CASES / case.slug, ignore_errors=True)


def _run_case(tree: Tree, case: Case, steps: list[str], lib: Path, input_hash: str) -> dict:
    store = tree.store / case.slug
    meta_path = store / "meta.json"
    meta = json.loads(meta_path.read_text()) if tree.cached and meta_path.is_file() else {}
    if meta.get("input_sha256") != input_hash or meta.get("args") != case.args or meta.get("library") != lib_hash(lib):
        meta = {"input": case.cid, "input_sha256": input_hash, "args": case.args, "library": lib_hash(lib), "steps": {}}
        if store.exists():
            shutil.rmtree(store)
    case_dir = CASES / case.slug
    shutil.rmtree(case_dir, ignore_errors=True)
    case_dir.mkdir(parents=True)
    for step in steps:
        record = meta["steps"].get(step)
        made_here = record is not None and not any(OLD_CASE_PATH.search(a) for c in record.get("commands", []) for a in c)
        if made_here and (store / step).is_dir():
            # a cached step: the later steps need its plan (as written, not normalised) in the work folder
            if step == "spot" and (store / "plan.json.raw").is_file():
                shutil.copyfile(store / "plan.json.raw", case_dir / "plan.json")
            continue
        cmds = run_step(tree, case, step, lib, case_dir)
        if cmds is None:
            meta["steps"][step] = {"skipped": True}
            continue
        record = execute(tree, cmds, case_dir / step, case_dir)
        if step == "spot":
            rc = (case_dir / step / "_rc.txt").read_text().strip()
            if rc == "0":
                shutil.copyfile(case_dir / step / "_stdout.txt", case_dir / "plan.json")
                store.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(case_dir / "plan.json", store / "plan.json.raw")
        store_outputs(tree, case_dir / step, store / step)
        meta["steps"][step] = record
    store.mkdir(parents=True, exist_ok=True)
    meta_path.write_text(json.dumps(meta, indent=1))
    return meta


_LIB_HASH: dict[Path, str] = {}


def lib_hash(lib: Path) -> str:
    """A digest of the library's pieces (names and bytes; the scan cache left out)."""
    if lib not in _LIB_HASH:
        h = hashlib.sha256()
        for p in sorted(lib.rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                h.update(p.name.encode() + b"\0" + sha256(p).encode())
        _LIB_HASH[lib] = h.hexdigest()[:16]
    return _LIB_HASH[lib]


def prepare_library(ref: Tree, store_root: Path) -> Path:
    """The pristine demo library, made once by the reference tree's tools/make_demo_library.py."""
    pristine = store_root / "library"
    if (pristine / ".complete").exists():
        return pristine
    partial = Path(f"{pristine}.part-{secrets.token_hex(4)}")
    subprocess.run([sys.executable, str(ref.root / "tools" / "make_demo_library.py"), str(partial)], env=ref.env(),
                   cwd=ref.work, check=True, capture_output=True)
    (partial / ".complete").write_text("")
    try:
        partial.rename(pristine)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
    return pristine


def tree_library(tree: Tree, pristine: Path) -> Path:
    """The tree's own copy of the library (its scan cache is the tree's), scanned once before the cases run;
    its catalogue (``library --json``) is an output too."""
    lib = tree.work / "lib"
    shutil.copytree(pristine, lib, ignore=shutil.ignore_patterns(".complete", ".scoreplan-cache.json"))
    _LIB_HASH[lib] = lib_hash(pristine)
    execute(tree, [tree.cli("library", str(lib), "--json")], tree.work / "library", tree.work)
    store_outputs(tree, tree.work / "library", tree.store / "_library")
    return lib


def case_args(ref: Tree, case: Case, input_hash: str) -> list[str]:
    """The case's args: a file of several sequences is read for its first (the reference tree's error names
    them), decided once and kept in the reference store."""
    meta_path = ref.store / case.slug / "meta.json"
    if ref.cached and meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if meta.get("input_sha256") == input_hash:
            return meta["args"]
    if case.args:
        return case.args
    probe = subprocess.run(ref.cli("inspect", str(case.path)), env=ref.env(), cwd=ref.work, capture_output=True, text=True,
                           timeout=STEP_TIMEOUT)
    multi = MULTI_SEQUENCE.search(probe.stderr) if probe.returncode == 2 else None
    return ["--sequence", multi.group(1)] if multi else []


# --- comparing -------------------------------------------------------------------------------------------

def text_view(path: Path) -> list[str]:
    """Lines to diff: the text itself, or what an independent reader makes of a binary file."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            from pdfminer.high_level import extract_text

            return extract_text(str(path)).splitlines()
        if suffix == ".mid":
            import mido

            mid = mido.MidiFile(str(path))
            return [f"track {i} {msg!r}" for i, track in enumerate(mid.tracks) for msg in track]
        if suffix == ".aaf":
            return json.dumps(aaf_dump(path), indent=1, sort_keys=True, default=str).splitlines()
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except Exception as exc:  # a view is only for showing the difference
        return [f"<cannot read {path.name}: {type(exc).__name__}: {exc}>"]


def aaf_dump(path: Path) -> dict:
    """Every mob of the AAF, property by property (pyaaf2, read-only)."""
    import aaf2
    import aaf2.properties as props

    def dump(obj) -> dict:
        out = {"@class": str(getattr(obj.classdef, "class_name", type(obj).__name__))}
        for p in obj.properties():
            if isinstance(p, props.StrongRefProperty):
                out[p.name] = dump(p.value)
            elif isinstance(p, (props.StrongRefVectorProperty, props.StrongRefSetProperty)):
                out[p.name] = [dump(v) for v in p.value]
            elif not isinstance(p, props.StreamProperty):
                out[p.name] = re.sub(r" at 0x[0-9a-f]+", "", str(p.value))  # no memory addresses
        return out

    with aaf2.open(str(path), "r") as f:
        return {str(m.mob_id): dump(m) for m in f.content.mobs}


def first_difference(a: bytes, b: bytes) -> str:
    n = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"{len(a)} vs {len(b)} bytes, first difference at byte {n}"


def short_diff(ref: Path, new: Path, lines: int) -> tuple[list[str], tuple[str, ...]]:
    """The first ``lines`` lines of a unified diff of the two outputs' views, and the difference's signature
    (its changed lines), by which equal differences of several outputs are listed once."""
    a, b = text_view(ref), text_view(new)
    diff = list(difflib.unified_diff(a, b, "reference", "new", n=1, lineterm=""))
    if not diff:
        return [f"(same text; bytes differ: {first_difference(ref.read_bytes(), new.read_bytes())})"], ("bytes",)
    body = [d[:220] for d in diff[2:]]
    changed = tuple(d for d in diff[2:] if d[:1] in "+-")
    return body[:lines] + ([f"... ({len(changed)} changed lines in all)"] if len(body) > lines else []), changed


def compare_step(ref_dir: Path, new_dir: Path) -> list[tuple[str, str]]:
    """(file, verdict) for every file of the step in either store: same / DIFF / only-ref / only-new."""
    names = sorted({str(p.relative_to(d)) for d in (ref_dir, new_dir) if d.is_dir() for p in d.rglob("*")
                    if p.is_file()})
    result = []
    for name in names:
        a, b = ref_dir / name, new_dir / name
        if not a.is_file():
            result.append((name, "only-new"))
        elif not b.is_file():
            result.append((name, "only-ref"))
        else:
            result.append((name, "same" if a.read_bytes() == b.read_bytes() else "DIFF"))
    return result


def report(ref: Tree, new: Tree, cases: list[Case], steps: list[str], diff_lines: int) -> int:
    out: list[str] = []
    groups: dict[tuple[str, ...], tuple[list[str], list[str]]] = {}  # signature -> (diff shown, where)

    def note(where: str, verdict: str, a: Path, b: Path) -> None:
        shown, signature = short_diff(a, b, diff_lines) if verdict == "DIFF" else ([], (verdict,))
        groups.setdefault(signature, (shown, []))[1].append(f"{where}: {verdict}")

    counts = {"same": 0, "DIFF": 0, "only-ref": 0, "only-new": 0}
    head = f"{'input':58} " + " ".join(f"{s[:13]:>13}" for s in steps)
    out += [f"reference {ref.label} ({ref.root})  vs  new {new.label} ({new.root})", "", head, "-" * len(head)]
    lib = compare_step(ref.store / "_library", new.store / "_library")
    for label, rows in (("(library --json)", lib),):
        bad = [r for r in rows if r[1] != "same"]
        for r in rows:
            counts[r[1]] += 1
        out.append(f"{label:58} {'same' if not bad else 'DIFF'}")
        for name, verdict in bad:
            note(f"library / {name}", verdict, ref.store / "_library" / name, new.store / "_library" / name)
    for case in cases:
        missing = [t.label for t in (ref, new) if not (t.store / case.slug / "meta.json").is_file()]
        if missing:  # an interrupted run (--report of it): not a difference
            out.append(f"{case.cid[:58]:58} not run in {' and '.join(missing)}")
            counts["not run"] = counts.get("not run", 0) + 1
            continue
        cells = []
        for step in steps:
            r, n = ref.store / case.slug / step, new.store / case.slug / step
            if not r.is_dir() and not n.is_dir():
                cells.append("-")
                continue
            rows = compare_step(r, n)
            for _, verdict in rows:
                counts[verdict] += 1
            bad = [(name, v) for name, v in rows if v != "same"]
            diff = sum(1 for _, v in bad if v == "DIFF")
            cells.append("same" if not bad else f"DIFF({diff})" if diff else f"missing({len(bad)})")
            for name, verdict in bad:
                note(f"{case.cid} / {step} / {name}", verdict, r / name, n / name)
        out.append(f"{case.cid[:58]:58} " + " ".join(f"{c:>13}" for c in cells))
    out += ["", "outputs: " + ", ".join(f"{v} {k}" for k, v in counts.items()), ""]
    details = ["Differences (outputs with the same changed lines listed together):", ""] if groups else []
    for shown, where in groups.values():
        details += [f"== {w}" for w in where] + [f"   {d}" for d in shown] + [""]
    text = "\n".join(out + (details or ["Every output identical."])) + "\n"
    sys.stdout.write(text)
    path = new.store / "report.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"(report kept in {path})")
    return 0 if counts["same"] and counts["same"] == sum(counts.values()) - counts.get("not run", 0) else 1


# --- main ------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base", default=DEFAULT_BASE, help=f"reference commit (default {DEFAULT_BASE})")
    p.add_argument("--new", default=".", help="'.' for this working tree (default), or a commit to compare")
    p.add_argument("--store", type=Path, default=DEFAULT_STORE, help=f"where outputs are kept (default {DEFAULT_STORE})")
    p.add_argument("--quick", action="store_true", help="no render, no temp media, fewer notes, no input over 1 MB")
    p.add_argument("--only", action="append", default=[], metavar="TEXT", help="only inputs whose id holds TEXT "
                   "(e.g. premiere/, sample/, .aaf); repeatable")
    p.add_argument("--steps", help="comma-separated steps to run (default: all, or the quick ones): "
                   + ",".join(s for s, _ in STEPS))
    p.add_argument("-j", "--jobs", type=int, default=2, help="inputs run at once (default 2)")
    p.add_argument("--rebuild", action="store_true", help="make the reference outputs again, cached or not")
    p.add_argument("--ref-only", action="store_true", help="only make (or update) the reference outputs")
    p.add_argument("--diff-lines", type=int, default=14, help="lines of diff shown per differing output")
    p.add_argument("--keep-work", action="store_true", help="keep the work folders in /tmp")
    p.add_argument("--nice", type=int, default=0, help="niceness of the commands run (default 0)")
    p.add_argument("--report", type=Path, metavar="STORE", help="run nothing: the report again, of the reference "
                   "outputs against the new outputs kept in STORE (e.g. /tmp/ref_outputs/worktree-1a2b3c4d)")
    args = p.parse_args(argv)
    if args.steps:
        steps = [s.strip() for s in args.steps.split(",") if s.strip()]
        unknown = set(steps) - {s for s, _ in STEPS}
        if unknown:
            p.error(f"unknown steps: {', '.join(sorted(unknown))}")
        steps = [s for s, _ in STEPS if s in steps]
    else:
        steps = [s for s, quick in STEPS if quick or not args.quick]
    cases = collect_cases(args.only, args.quick)
    if not cases:
        p.error("no input matches --only")
    if args.report:
        label = git("rev-parse", "--verify", f"{args.base}^{{commit}}")[:12]
        ref = Tree(label, Path(f"/tmp/spcmp-tree-{label}"), ("", ""), args.store / label, Path("/nonexistent"), True)
        new = Tree(args.report.name, args.report, ("", ""), args.report, Path("/nonexistent"), False)
        return report(ref, new, cases, steps, args.diff_lines)
    started = time.monotonic()
    ref = make_tree(args.base, args.store, cached=not args.rebuild)
    new = None if args.ref_only else make_tree(args.new, args.store, cached=args.new != ".")
    trees = [t for t in (ref, new) if t is not None]
    for t in trees:
        t.nice = args.nice
    try:
        pristine = prepare_library(ref, args.store)
        libs = {t.label: tree_library(t, pristine) for t in trees}
        hashes = {c.cid: sha256(c.path) for c in cases}

        def one(case: Case) -> str:
            case.args = case_args(ref, case, hashes[case.cid])
            ref_meta = run_case(ref, case, steps, libs[ref.label], hashes[case.cid])
            if new is not None:
                run_case(new, case, steps, libs[new.label], hashes[case.cid])
            return f"{case.cid}: {sum(s.get('seconds', 0) for s in ref_meta['steps'].values()):.0f} s (reference)"

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for n, line in enumerate(pool.map(one, cases), 1):
                print(f"[{n}/{len(cases)}] {line}", file=sys.stderr, flush=True)
    finally:
        if not args.keep_work:
            for t in trees:
                shutil.rmtree(t.work, ignore_errors=True)
    print(f"({len(cases)} inputs, {len(steps)} steps, {time.monotonic() - started:.0f} s)", file=sys.stderr)
    if new is None:
        print(f"reference outputs of {ref.label} in {ref.store}")
        return 0
    return report(ref, new, cases, steps, args.diff_lines)


if __name__ == "__main__":
    sys.exit(main())
