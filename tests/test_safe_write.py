"""Issue 11, "Data loss": every command and output format through the rules of the one writer (outfile).

Properties checked on the real command (in this process, so failures can be injected):
output == input refused (same path, another spelling, a hard link, a symlink); an output that is a
symlink refused and its target untouched; -o inside an input bundle refused; links planted in the media
folder or at the cache's old temporary name never followed; a failed run leaves every file as it was;
a second apply gives identical bytes; the media the tool makes are named by their content.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES
from hostile.harness import Run, run_inprocess, snapshot

from otio_scoreplan.errors import ScorePlanError
from otio_scoreplan.library.cache import CACHE_VERSION

# format -> (sample, output suffix, extra arguments)
FORMATS = {
    "fcp7": ("premiere_sample.xml", ".xml", []),
    "fcpxml": ("resolve_sample.fcpxml", ".fcpxml", []),
    "fcpxmld": ("resolve_sample.fcpxml", ".fcpxmld", []),  # the input made a bundle with other files in it
    "edl": ("avid_sample.edl", ".edl", ["--rate", "29.97"]),
    "aaf": ("avid_sample.aaf", ".aaf", []),
    "otio": ("sample.otio", ".otio", []),
}
NOTES_OPTIONS = [("-o", ".csv"), ("-o", ".md"), ("-o", ".html"), ("-o", ".pdf"), ("-o", ".mid"),
                 ("--cue-sheet", ".csv"), ("--avid-markers", ".txt"), ("--resolve-markers", ".edl"), ("--themes", ".md")]
MEDIA_NAME = re.compile(r"^(?P<stem>.+)_(?P<hash>[0-9a-f]{8})\.wav$")


class Injected(ScorePlanError):
    """A failure injected by a test (a user error: exit 2)."""


def _put_input(root: Path, fmt: str) -> Path:
    """The format's sample copied into ``root/in`` (a ``.fcpxmld`` bundle holding notes and media too)."""
    sample, _, _ = FORMATS[fmt]
    folder = root / "in"
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "fcpxmld":
        bundle = folder / "proj.fcpxmld"
        (bundle / "Media").mkdir(parents=True)
        shutil.copyfile(SAMPLES / sample, bundle / "Info.fcpxml")
        (bundle / "notes.txt").write_text("the editor's notes\n")
        (bundle / "Media" / "clip.wav").write_bytes(b"RIFF media of the editor")
        return bundle
    path = folder / sample
    shutil.copyfile(SAMPLES / sample, path)
    return path


def _library(root: Path) -> Path:
    """Three 12-second noise pieces (named by mood) in ``root/lib``."""
    from otio_scoreplan.audio.bwf import write_bwf

    lib = root / "lib"
    lib.mkdir(parents=True)
    rng = np.random.default_rng(7)
    for name in ("dark_pulse", "sad_strings", "bright_chase"):
        write_bwf(lib / f"{name}.wav", rng.uniform(-0.1, 0.1, (48000 * 12, 2)).astype(np.float32))
    return lib


def _refused(run: Run, *words: str) -> None:
    """Exit 2 with one line of ours (naming ``words``), no traceback."""
    lines = [ln for ln in run.stderr.splitlines() if ln.strip()]
    assert run.code == 2, (run.argv, run.code, run.stderr)
    assert len(lines) == 1 and lines[0].startswith("scoreplan: error: "), run.stderr
    assert "Traceback" not in run.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])


def _leftovers(root: Path) -> list[str]:
    """Temporary files or kept-aside old contents left behind."""
    return [str(p) for p in root.rglob("*") if p.name.endswith((".part", ".old")) or ".part" in p.name]


def _media_ok(folder: Path) -> list[Path]:
    """Every media file in ``folder`` is named ``<stem>_<first 8 hex of its bytes' SHA-256>.wav``."""
    files = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    for p in files:
        m = MEDIA_NAME.match(p.name)
        assert m, p.name
        assert hashlib.sha256(p.read_bytes()).hexdigest()[:8] == m["hash"], p.name
    return files


# -- apply ---------------------------------------------------------------------------------------------------

def _spellings(root: Path, target: Path) -> dict[str, str]:
    """Other names of ``target`` (a file): the path itself, through ``..``, a hard link, a symlink."""
    out = root / "out"
    out.mkdir(exist_ok=True)
    hard, soft = out / f"hard{target.suffix}", out / f"soft{target.suffix}"
    os.link(target, hard)
    soft.symlink_to(target)
    return {"same": str(target), "dot-dot": str(target.parent / ".." / target.parent.name / target.name),
            "hardlink": str(hard), "symlink": str(soft)}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_apply_output_onto_the_input_is_refused(fmt: str, tmp_path: Path) -> None:
    """-o naming the input in any spelling (for a bundle: the bundle, its Info.fcpxml) changes nothing."""
    source = _put_input(tmp_path, fmt)
    extra = FORMATS[fmt][2]
    if fmt == "fcpxmld":  # read the bundle's document; write the bundle, or its document
        cases = {"bundle": [str(source / "Info.fcpxml"), "-o", str(source)],
                 "inside": [str(source / "Info.fcpxml"), "-o", str(source / "Info.fcpxml")],
                 "beside-inside": [str(source), "-o", str(source / "new.fcpxml")],
                 "bundle-itself": [str(source), "-o", str(source / ".." / source.name)]}
    else:
        cases = {name: [str(source), "-o", out] for name, out in _spellings(tmp_path, source).items()}
    for name, argv in cases.items():
        before = snapshot(tmp_path)
        run = run_inprocess(["apply", *argv, *extra])
        _refused(run, "overwrite the input")
        assert snapshot(tmp_path) == before, name


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_apply_output_symlink_is_refused(fmt: str, tmp_path: Path) -> None:
    """-o a symlink (to a file of someone else's): refused; the link and its target stay as they were."""
    source = _put_input(tmp_path, fmt)
    victim = tmp_path / "victim.txt"
    victim.write_text("not yours\n")
    link = tmp_path / "out" / f"cut{FORMATS[fmt][1]}"
    link.parent.mkdir()
    link.symlink_to(victim)
    before = snapshot(tmp_path)
    run = run_inprocess(["apply", str(source), "-o", str(link), *FORMATS[fmt][2]])
    _refused(run, "symbolic link")
    assert snapshot(tmp_path) == before


def test_nothing_is_written_inside_an_input_bundle(tmp_path: Path) -> None:
    """The media folder or a notes file inside the input bundle is refused too."""
    bundle = _put_input(tmp_path, "fcpxmld")
    (tmp_path / "out").mkdir()
    before = snapshot(tmp_path)
    run = run_inprocess(["apply", str(bundle), "-o", str(tmp_path / "out" / "cut.fcpxmld"),
                         "--media-dir", str(bundle / "Media")])
    _refused(run, "input bundle")
    run = run_inprocess(["notes", str(bundle), "-o", str(bundle / "notes.md")])
    _refused(run, "input bundle")
    assert snapshot(tmp_path) == before


def test_a_bundle_output_keeps_the_input_bundle_whole(tmp_path: Path) -> None:
    """apply BUNDLE -o OTHER.fcpxmld: the input bundle as it was, the output a bundle with its files along."""
    bundle = _put_input(tmp_path, "fcpxmld")
    (tmp_path / "out").mkdir()
    before = {k: v for k, v in snapshot(tmp_path).items() if k.startswith("in")}
    out = tmp_path / "out" / "cut.fcpxmld"
    for _ in range(2):  # the second run swaps a bundle in over the first
        run = run_inprocess(["apply", str(bundle), "-o", str(out)])
        assert run.code == 0, run.stderr
    assert {k: v for k, v in snapshot(tmp_path).items() if k.startswith("in")} == before
    assert (out / "notes.txt").read_text() == "the editor's notes\n" and (out / "Media" / "clip.wav").is_file()
    assert b"scoreplan" in (out / "Info.fcpxml").read_bytes()
    assert not _leftovers(tmp_path)


def _fail_after_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``apply`` fail after it wrote everything (while it reports what it wrote)."""
    import otio_scoreplan._cli.commands as cli

    def boom(*a, file=None, **k):  # the report on stdout fails; the error line on stderr still prints
        if file is None:
            raise Injected("injected failure after the writes")
        builtins.print(*a, file=file, **k)

    monkeypatch.setattr(cli, "print", boom, raising=False)


def _fail_in_the_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``apply`` fail after its media are written, as the timeline is being written."""
    import otio_scoreplan.formats.writeback as wb

    real = wb.writer_for

    def writer_for(source, output):
        write = real(source, output)

        def failing(*a, **k):
            write(*a, **k)
            raise Injected("injected failure in the writer")
        failing.__module__ = write.__module__
        return failing

    monkeypatch.setattr(wb, "writer_for", writer_for)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("inject", [_fail_after_writing, _fail_in_the_writer], ids=["after", "writer"])
def test_a_failed_apply_leaves_every_file_as_it_was(fmt: str, inject, tmp_path: Path, monkeypatch) -> None:
    """An earlier output, its companion and media folder: all as before; no new media, no temporary files."""
    source = _put_input(tmp_path, fmt)
    out = tmp_path / "out" / f"cut{FORMATS[fmt][1]}"
    media = tmp_path / "out" / "media"
    media.mkdir(parents=True)
    (media / "1M1.wav").write_bytes(b"an earlier run's media, played by an open project")
    if fmt == "fcpxmld":
        out.mkdir()
        (out / "Info.fcpxml").write_text("<fcpxml version='1.9'/>\n")
    else:
        out.write_bytes(b"the earlier output\n")
    if fmt == "edl":
        from otio_scoreplan.formats.edl.write import companion_path

        companion_path(out).write_bytes(b"an earlier companion [scoreplan]\n")  # ours: an editor's is refused
    before = snapshot(tmp_path)
    inject(monkeypatch)
    run = run_inprocess(["apply", str(source), "-o", str(out), "--media-dir", str(media), *FORMATS[fmt][2]])
    _refused(run, "injected")
    assert snapshot(tmp_path) == before
    assert not _leftovers(tmp_path)


def test_a_failed_apply_takes_back_the_media_folder_it_made(tmp_path: Path, monkeypatch) -> None:
    source = _put_input(tmp_path, "fcp7")
    (tmp_path / "out").mkdir()
    before = snapshot(tmp_path)
    _fail_in_the_writer(monkeypatch)
    run = run_inprocess(["apply", str(source), "-o", str(tmp_path / "out" / "cut.xml"),
                         "--media-dir", str(tmp_path / "out" / "new" / "media")])
    _refused(run, "injected")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_apply_twice_gives_the_same_bytes_and_content_named_media(fmt: str, tmp_path: Path) -> None:
    """Two applies of the same input: identical output and media; media named by content, never rewritten."""
    source = _put_input(tmp_path, fmt)
    out = tmp_path / "out" / f"cut{FORMATS[fmt][1]}"
    media = tmp_path / "out" / "media"
    out.parent.mkdir()
    runs = []
    for _ in range(2):
        run = run_inprocess(["apply", str(source), "-o", str(out), "--media-dir", str(media), *FORMATS[fmt][2]])
        assert run.code == 0, run.stderr
        runs.append((snapshot(tmp_path), {p.name: p.stat().st_ino for p in media.iterdir()}))
    assert runs[0] == runs[1]  # same bytes, and the media files are the very same files (not rewritten)
    files = _media_ok(media)
    assert files and all(p.name.startswith("scoreplan_silence_") for p in files)
    assert not _leftovers(tmp_path)


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    return _library(tmp_path_factory.mktemp("safe_write"))


def test_temp_media_content_named_and_the_same_on_every_apply(library: Path, tmp_path: Path) -> None:
    """Rendered temp cues: ``1M1_<hash8>.wav``; a second apply (elsewhere too) makes the same names and bytes."""
    source = _put_input(tmp_path, "fcp7")
    found = []
    for where in ("a", "a", "b"):
        out = tmp_path / where / "cut.xml"
        out.parent.mkdir(exist_ok=True)
        run = run_inprocess(["apply", str(source), "-o", str(out), "--library", str(library),
                             "--media-dir", str(out.parent / "media")])
        assert run.code == 0, run.stderr
        files = _media_ok(out.parent / "media")
        assert {MEDIA_NAME.match(p.name)["stem"] for p in files} >= {"1M1", "1M2"}
        found.append({p.name: p.read_bytes() for p in files} | {"cut.xml": out.read_bytes().replace(
            str(out.parent).encode(), b"HERE")})
    assert found[0] == found[1] == found[2]


def test_links_planted_in_the_media_folder_are_not_followed(library: Path, tmp_path: Path) -> None:
    """A link at the old fixed name (``1M1.wav``) is left alone; one at a name the run would make is refused."""
    source = _put_input(tmp_path, "fcp7")
    victim = tmp_path / "victim.wav"
    victim.write_bytes(b"someone else's file")
    learn = tmp_path / "learn"
    learn.mkdir()
    assert run_inprocess(["apply", str(source), "-o", str(learn / "cut.xml"), "--library", str(library)]).code == 0
    names = [p.name for p in (learn / "cut_scoreplan_media").iterdir()]
    media = tmp_path / "out" / "media"
    media.mkdir(parents=True)
    (media / "1M1.wav").symlink_to(victim)
    (media / "scoreplan_silence_60s.wav").symlink_to(victim)
    run = run_inprocess(["apply", str(source), "-o", str(tmp_path / "out" / "cut.xml"), "--library", str(library),
                         "--media-dir", str(media)])
    assert run.code == 0, run.stderr
    assert victim.read_bytes() == b"someone else's file" and (media / "1M1.wav").is_symlink()
    shutil.rmtree(tmp_path / "out")
    media.mkdir(parents=True)
    for name in names:
        (media / name).symlink_to(victim)
    before = snapshot(tmp_path)
    run = run_inprocess(["apply", str(source), "-o", str(tmp_path / "out" / "cut.xml"), "--library", str(library),
                         "--media-dir", str(media)])
    _refused(run, "in the way")
    assert snapshot(tmp_path) == before


def test_media_folder_that_is_the_library_never_overwrites_a_piece(library: Path, tmp_path: Path) -> None:
    """--media-dir LIB: refused in one line (the library is an input as whole, 2903052); a piece named like a cue
    (1M1.wav) keeps its bytes."""
    lib = tmp_path / "lib"
    shutil.copytree(library, lib, ignore=shutil.ignore_patterns(".*"))  # (no scan cache of other tests)
    shutil.copyfile(lib / "dark_pulse.wav", lib / "1M1.wav")
    source = _put_input(tmp_path, "fcp7")
    pieces = {p.name: p.read_bytes() for p in lib.iterdir() if not p.name.startswith(".")}  # (not the scan cache)
    run = run_inprocess(["apply", str(source), "-o", str(tmp_path / "cut.xml"), "--library", str(lib),
                         "--media-dir", str(lib)])
    assert run.code == 2 and "temp-music library" in run.stderr and "\n" not in run.stderr.strip(), run.stderr
    assert all((lib / name).read_bytes() == data for name, data in pieces.items())
    assert not (tmp_path / "cut.xml").exists()


@pytest.mark.parametrize("how", ["--media-dir", "default media folder", "render --media"])
def test_media_folder_reached_through_a_link_into_the_library_is_refused(library: Path, tmp_path: Path,
                                                                          how: str) -> None:
    """A media folder that is a symbolic link to the library (given, the default name beside the output, or
    render's --media) is where the files would land: refused in one line like the library itself, nothing written
    into the library (the hostile review found 4 WAVs written there through such a link)."""
    lib = tmp_path / "lib"
    shutil.copytree(library, lib, ignore=shutil.ignore_patterns(".*"))
    source = _put_input(tmp_path, "fcp7")
    out = tmp_path / "out"
    out.mkdir()
    before = sorted(p.name for p in lib.iterdir())
    if how == "--media-dir":
        (out / "m").symlink_to(lib)
        run = run_inprocess(["apply", str(source), "-o", str(out / "cut.xml"), "--library", str(lib),
                             "--media-dir", str(out / "m")])
    elif how == "default media folder":
        (out / "cut_scoreplan_media").symlink_to(lib)
        run = run_inprocess(["apply", str(source), "-o", str(out / "cut.xml"), "--library", str(lib)])
    else:
        (out / "m").symlink_to(lib)
        spot = run_inprocess(["spot", "--json", str(source)])
        (tmp_path / "plan.json").write_text(spot.stdout)
        run = run_inprocess(["render", str(tmp_path / "plan.json"), "--library", str(lib), "-o",
                             str(out / "mix.wav"), "--media", str(out / "m")])
    _refused(run, "temp-music library")
    assert sorted(p.name for p in lib.iterdir()) == before
    assert not (out / "cut.xml").exists() and not (out / "mix.wav").exists()


def test_media_folder_reached_through_a_link_into_an_input_bundle_is_refused(tmp_path: Path) -> None:
    """--media-dir a link to the input .fcpxmld bundle: refused, nothing written inside the bundle."""
    bundle = _put_input(tmp_path, "fcpxmld")
    before = sorted(str(p.relative_to(bundle)) for p in bundle.rglob("*"))
    (tmp_path / "m").symlink_to(bundle)
    run = run_inprocess(["apply", str(bundle), "-o", str(tmp_path / "out.fcpxmld"), "--media-dir", str(tmp_path / "m")])
    _refused(run, "input bundle")
    assert sorted(str(p.relative_to(bundle)) for p in bundle.rglob("*")) == before
    assert not (tmp_path / "out.fcpxmld").exists()


# -- render --------------------------------------------------------------------------------------------------

@pytest.fixture()
def plan_json(tmp_path: Path) -> Path:
    run = run_inprocess(["spot", "--json", str(SAMPLES / "premiere_sample.xml")])
    assert run.code == 0, run.stderr
    path = tmp_path / "plan.json"
    path.write_text(run.stdout)
    return path


def test_render_onto_an_input_is_refused(library: Path, plan_json: Path, tmp_path: Path) -> None:
    """render -o the plan, the cut, a library piece, or a link to one of them: exit 2, nothing changed."""
    lib = tmp_path / "lib"
    shutil.copytree(library, lib, ignore=shutil.ignore_patterns(".*"))  # (no scan cache of other tests)
    cut = _put_input(tmp_path, "fcp7")
    (tmp_path / "links").mkdir()
    os.link(lib / "dark_pulse.wav", tmp_path / "links" / "hard.wav")
    (tmp_path / "links" / "plan.wav").symlink_to(plan_json)
    (tmp_path / "links" / "piece.wav").symlink_to(lib / "sad_strings.wav")
    cases = [(plan_json, plan_json), (plan_json, lib / "dark_pulse.wav"), (cut, cut),
             (plan_json, tmp_path / "links" / "hard.wav"), (plan_json, tmp_path / "links" / "plan.wav"),
             (plan_json, tmp_path / "links" / "piece.wav"), (plan_json, lib / ".." / "lib" / "sad_strings.wav")]
    for source, output in cases:
        before = snapshot(tmp_path)
        run = run_inprocess(["render", str(source), "--library", str(lib), "-o", str(output)])
        _refused(run, "overwrite the input" if not output.is_symlink() else "symbolic link")
        assert snapshot(tmp_path) == before, output


def test_a_failed_render_keeps_the_earlier_mix(library: Path, plan_json: Path, tmp_path: Path, monkeypatch) -> None:
    """The mix goes to a temporary file: failing half way leaves the earlier mix (and cue files) as they were."""
    import otio_scoreplan.audio.render as render

    mix = tmp_path / "mix.wav"
    mix.write_bytes(b"a good mix of an earlier run")
    media = tmp_path / "media"
    media.mkdir()
    (media / "keep.txt").write_text("x")
    before = snapshot(tmp_path)
    real, calls = render.BwfWriter.write, []

    def write(self, samples):
        calls.append(1)
        if len(calls) > 2:
            raise Injected("injected failure while mixing")
        return real(self, samples)

    monkeypatch.setattr(render.BwfWriter, "write", write)
    run = run_inprocess(["render", str(plan_json), "--library", str(library), "-o", str(mix), "--media", str(media)])
    _refused(run, "injected")
    assert snapshot(tmp_path) == before and not _leftovers(tmp_path)


def test_render_cue_files_are_content_named(library: Path, plan_json: Path, tmp_path: Path) -> None:
    run = run_inprocess(["render", str(plan_json), "--library", str(library), "-o", str(tmp_path / "mix.wav"),
                         "--media", str(tmp_path / "media")])
    assert run.code == 0, run.stderr
    assert len(_media_ok(tmp_path / "media")) >= 2 and not _leftovers(tmp_path)


# -- notes ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("option", "suffix"), NOTES_OPTIONS, ids=[f"{o}{s}" for o, s in NOTES_OPTIONS])
def test_notes_onto_an_input_is_refused(option: str, suffix: str, plan_json: Path, tmp_path: Path) -> None:
    """Each document: a hard link or symlink to the plan or the cut, or a link elsewhere, is refused."""
    cut = _put_input(tmp_path, "fcp7")
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("x")
    os.link(plan_json, out / f"hard-plan{suffix}")
    os.link(cut, out / f"hard-cut{suffix}")
    (out / f"soft{suffix}").symlink_to(plan_json)
    (out / f"other{suffix}").symlink_to(victim)
    cases = [([str(plan_json)], out / f"hard-plan{suffix}", "overwrite the input"),
             ([str(cut), "--plan", str(plan_json)], out / f"hard-cut{suffix}", "overwrite the input"),
             ([str(cut), "--plan", str(plan_json)], out / f"hard-plan{suffix}", "overwrite the input"),
             ([str(plan_json)], out / f"soft{suffix}", "symbolic link to an input"),
             ([str(plan_json)], out / f"other{suffix}", "symbolic link")]
    for argv, target, words in cases:
        before = snapshot(tmp_path)
        run = run_inprocess(["notes", *argv, option, str(target)])
        _refused(run, words)
        assert snapshot(tmp_path) == before, target


def test_notes_are_all_or_nothing(plan_json: Path, tmp_path: Path, monkeypatch) -> None:
    """-o ok.md --cue-sheet nodir/cs.csv writes nothing; a write failing half way puts the first one back."""
    ok = tmp_path / "ok.md"
    run = run_inprocess(["notes", str(plan_json), "-o", str(ok), "--cue-sheet", str(tmp_path / "nodir" / "cs.csv")])
    _refused(run, "cs.csv")
    assert not ok.exists()
    ok.write_text("earlier notes\n")
    (tmp_path / "themes.md").write_text("earlier themes\n")
    before = snapshot(tmp_path)
    import otio_scoreplan.notes.documents as command

    real, written = command.write_document, []

    def write_document(path, data, *inputs):
        if written:
            raise Injected("injected failure writing the second document")
        written.append(path)
        return real(path, data, *inputs)

    monkeypatch.setattr(command, "write_document", write_document)
    run = run_inprocess(["notes", str(plan_json), "-o", str(ok), "--themes", str(tmp_path / "themes.md"),
                         "--avid-markers", str(tmp_path / "markers.txt")])
    _refused(run, "injected")
    assert written and snapshot(tmp_path) == before and not _leftovers(tmp_path)


# -- library cache -------------------------------------------------------------------------------------------

def _cache_files(root: Path) -> list[Path]:
    return sorted(root.rglob("library-*.json"))


def test_cache_never_written_through_a_link(library: Path, tmp_path: Path, monkeypatch) -> None:
    """A link at the cache's old temporary name, or at the cache itself, is never written through."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    lib = tmp_path / "lib"
    shutil.copytree(library, lib, ignore=shutil.ignore_patterns(".*"))  # (no scan cache of other tests)
    victim = tmp_path / "victim.json"
    victim.write_text("someone else's\n")
    (lib / ".scoreplan-cache.json.tmp").symlink_to(victim)
    run = run_inprocess(["library", str(lib)])
    assert run.code == 0, run.stderr
    cache = lib / ".scoreplan-cache.json"
    assert victim.read_text() == "someone else's\n" and not cache.is_symlink()
    assert len(json.loads(cache.read_text())["files"]) == 3
    cache.unlink()
    cache.symlink_to(victim)
    run = run_inprocess(["library", str(lib)])
    assert run.code == 0, run.stderr
    assert victim.read_text() == "someone else's\n" and cache.is_symlink()
    assert [json.loads(p.read_text())["version"] for p in _cache_files(tmp_path / "xdg")] == [CACHE_VERSION]


@pytest.mark.parametrize("doc", [
    [], {"version": CACHE_VERSION, "files": []}, {"version": CACHE_VERSION, "files": {"a.wav": 5}},
    {"version": CACHE_VERSION, "files": {"dark_pulse.wav": {"size": "1", "mtime_ns": 2, "probe": {}}}},
    {"version": CACHE_VERSION, "files": {"dark_pulse.wav": {"size": 1, "mtime_ns": 2, "probe": {"audio": {"duration_seconds": "x"}}}}},
    {"version": CACHE_VERSION, "files": {"dark_pulse.wav": {"size": 1, "mtime_ns": 2, "probe": {
        "audio": {"duration_seconds": 1.0, "sample_rate": 48000, "channels": 2, "bogus": 1}, "tags": {}}}}},
    {"version": CACHE_VERSION, "files": {"dark_pulse.wav": {"size": 1, "mtime_ns": 2, "probe": {
        "audio": {"duration_seconds": 1.0, "sample_rate": 48000, "channels": 2}, "tags": {"moods": "dark"}}}}},
], ids=["list", "files-list", "entry-number", "size-text", "audio-text", "audio-extra-key", "moods-text"])
def test_cache_of_the_wrong_shape_is_ignored_and_rebuilt(doc, library: Path, tmp_path: Path, caplog) -> None:
    lib = tmp_path / "lib"
    shutil.copytree(library, lib, ignore=shutil.ignore_patterns(".*"))  # (no scan cache of other tests)
    cache = lib / ".scoreplan-cache.json"
    cache.write_text(json.dumps(doc))
    # the cached entry must look current, so that it would be used if its shape were not checked
    st = (lib / "dark_pulse.wav").stat()
    text = cache.read_text().replace('"size": 1,', f'"size": {st.st_size},').replace('"mtime_ns": 2', f'"mtime_ns": {st.st_mtime_ns}')
    cache.write_text(text)
    run = run_inprocess(["library", "--json", str(lib)])
    assert run.code == 0, run.stderr
    assert any("scan cache ignored" in r.getMessage() for r in caplog.records)
    assert len(json.loads(run.stdout)["pieces"]) == 3
    assert sorted(json.loads(cache.read_text())["files"]) == ["bright_chase.wav", "dark_pulse.wav", "sad_strings.wav"]


def test_read_only_library_keeps_its_cache_in_the_users_cache_folder(library: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    lib = tmp_path / "lib"
    shutil.copytree(library, lib, ignore=shutil.ignore_patterns(".*"))  # (no scan cache of other tests)
    lib.chmod(0o555)
    immutable = os.geteuid() == 0 and shutil.which("chattr") is not None and subprocess.run(
        ["chattr", "+i", str(lib)], capture_output=True, check=False).returncode == 0
    if os.geteuid() == 0 and not immutable:
        # root writes a 0555 folder, and chattr +i is not everywhere (tmpfs, overlay, no e2fsprogs): the folder is
        # made read-only to the cache code instead, as the kernel would (access() says no, a write is refused)
        from otio_scoreplan.library import cache as cache_module

        real_access, real_write = cache_module.os.access, cache_module.write_bytes_atomic

        def access(path, mode, *a, **k):
            return False if Path(path) == lib and mode & os.W_OK else real_access(path, mode, *a, **k)

        def write(path, *a, **k):
            if Path(path).parent == lib:
                raise PermissionError(13, "Permission denied", str(path))
            return real_write(path, *a, **k)

        monkeypatch.setattr(cache_module.os, "access", access)
        monkeypatch.setattr(cache_module, "write_bytes_atomic", write)
    try:
        for _ in range(2):
            run = run_inprocess(["library", str(lib)])
            assert run.code == 0, run.stderr
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(lib)], check=False)
        lib.chmod(0o755)
    assert not (lib / ".scoreplan-cache.json").exists()
    (cache,) = _cache_files(tmp_path / "xdg")
    assert cache.parent == tmp_path / "xdg" / "otio-scoreplan"
    assert hashlib.sha1(str(lib.resolve()).encode()).hexdigest()[:16] in cache.name
    assert len(json.loads(cache.read_text())["files"]) == 3
    from otio_scoreplan.library.scan import scan

    assert scan(lib).cache_hits == 3  # read back from there


# -- the OTIO plugin's adapter ---------------------------------------------------------------------------------

def test_spotting_notes_adapter_never_writes_through_a_link(tmp_path: Path) -> None:
    """``otio.adapters.write_to_file(tl, LINK.spot)``: refused as an OTIO error; the link's target untouched."""
    import opentimelineio as otio

    timeline = otio.adapters.read_from_file(str(SAMPLES / "sample.otio"))
    victim = tmp_path / "victim.txt"
    victim.write_text("not yours\n")
    (tmp_path / "notes.spot").symlink_to(victim)
    with pytest.raises(otio.exceptions.OTIOError, match="symbolic link"):
        otio.adapters.write_to_file(timeline, str(tmp_path / "notes.spot"), adapter_name="spotting_notes")
    assert victim.read_text() == "not yours\n" and (tmp_path / "notes.spot").is_symlink()
    otio.adapters.write_to_file(timeline, str(tmp_path / "real.spot"), adapter_name="spotting_notes")
    assert "1M1" in (tmp_path / "real.spot").read_text(encoding="utf-8") and not _leftovers(tmp_path)


# -- every write goes through the writer ----------------------------------------------------------------------

# The raw writes left in the package: each writes a temporary path the writer module handed out.
ALLOWED_RAW_WRITES = {
    ("audio/bwf.py", 'self._fh = open(self.path, "wb")'),  # BwfWriter: callers give it atomic_path/content_named temps
    ("audio/naive.py", 'film.export(os.fspath(tmp), format="wav")'),
    ("notes/__init__.py", 'tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)'),
    ("formats/aaf/write.py", "shutil.copyfile(source.path, tmp)"),
    ("formats/aaf/write.py", 'f = aaf2.open(str(tmp), "rw")'),
    ("formats/edl/write.py", "tmp.write_bytes(data)"),
    ("formats/edl/write.py", "tmp2.write_bytes(encoding.encode(encoding.fit(body)))"),
    ("formats/fcpxml/write.py", 'shutil.copytree(item, tmp / item.name, symlinks=True)'),
    ("formats/fcpxml/write.py", 'shutil.copy2(item, tmp / item.name, follow_symlinks=False)'),
    ("formats/fcpxml/write.py", '(tmp / "Info.fcpxml").write_bytes(data)'),
    ("formats/media.py", 'wave.open(str(media.tmp), "wb") as w:'),
    ("formats/aaf/media.py", 'stream = essence.open("w")'),  # an essence stream inside the AAF's temporary copy
    ("library/scan.py", "cache.save()"),  # ScanCache.save: write_bytes_atomic
    ("formats/aaf/write.py", 'The input is copied to a temporary file beside the output and opened with '
                         '``aaf2.open(tmp, "rw")``;'),  # (its docstring)
}
RAW_WRITE = re.compile(r"""open\([^)]*["'](?:w|wb|a|ab|r\+b|rw|w\+b?)["']|\.write_text\(|\.write_bytes\(|\.export\(|"""
                       r"""shutil\.(?:copy|copy2|copyfile|copytree|move)\(|os\.(?:replace|rename)\(|\.save\(""")


def test_every_write_goes_through_the_writer() -> None:
    """No module but outfile writes a file except into a temporary path outfile handed out."""
    package = Path(__file__).resolve().parents[1] / "otio_scoreplan"
    found = set()
    for path in package.rglob("*.py"):
        rel = path.relative_to(package).as_posix()
        if rel == "outfile.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if RAW_WRITE.search(line) and not line.lstrip().startswith(("#", '"', "'")):
                found.add((rel, line.strip()))
    found = {(rel, line) for rel, line in found if "midi.save(file=out)" not in line}  # an in-memory buffer
    assert found <= ALLOWED_RAW_WRITES, sorted(found - ALLOWED_RAW_WRITES)


def test_nothing_but_its_scan_cache_is_written_inside_the_library(tmp_path: Path) -> None:
    """A library is an input as a whole: a mix, notes or cue media written into it would be scanned as temp music
    next time, and ``-o LIB/.scoreplan-cache.json`` replaced the cache the run reads with a WAV (exit 0). Each is
    refused in one line; the library's own scan still writes its cache there."""
    lib = _library(tmp_path)
    source = _put_input(tmp_path, "fcp7")
    assert run_inprocess(["library", str(lib)]).code == 0
    cache = lib / ".scoreplan-cache.json"
    assert cache.is_file(), "the scan keeps its cache in the library"
    plan = tmp_path / "plan.json"
    spot = run_inprocess(["spot", "--json", str(source), "--library", str(lib)])
    assert spot.code == 0, spot.stderr
    plan.write_text(spot.stdout, encoding="utf-8")
    before = snapshot(lib)
    for args in (["render", str(plan), "--library", str(lib), "-o", str(cache)],
                 ["render", str(plan), "--library", str(lib), "-o", str(lib / "mix.wav")],
                 ["apply", str(source), "--plan", str(plan), "--library", str(lib), "-o", str(tmp_path / "cut.xml"),
                  "--media-dir", str(lib)],
                 ["notes", str(plan), "--library", str(lib), "-o", str(lib / "notes.md")]):
        run = run_inprocess(args)
        _refused(run, "temp-music library")
        assert snapshot(lib) == before, args


def test_two_renders_of_one_plan_give_the_same_bytes(library: Path, tmp_path: Path) -> None:
    """The mix's BWF header states no time of rendering unless SOURCE_DATE_EPOCH asks for one."""
    source = _put_input(tmp_path, "fcp7")
    spot = run_inprocess(["spot", "--json", str(source), "--library", str(library)])
    plan = tmp_path / "plan.json"
    plan.write_text(spot.stdout, encoding="utf-8")
    mixes = []
    for name in ("a.wav", "b.wav"):
        run = run_inprocess(["render", str(plan), "--library", str(library), "-o", str(tmp_path / name)])
        assert run.code == 0, run.stderr
        mixes.append((tmp_path / name).read_bytes())
    assert mixes[0] == mixes[1]
    from otio_scoreplan.audio.bwf import read_bext

    assert read_bext(tmp_path / "a.wav").origination_date.strip("\0 ") == "", "no clock time in the header"


# -- a killed run's temporary file is cleared by the next run (issue 11, small items) ---------------------------

_KILLED_WRITER = """
import sys, time
from otio_scoreplan.outfile import atomic_path
with atomic_path(sys.argv[1]) as tmp:
    tmp.write_bytes(b"half a mix")
    print(tmp, flush=True)
    time.sleep(600)
"""


def test_a_killed_runs_temp_file_is_removed_by_the_next_run(tmp_path: Path) -> None:
    import signal
    import sys

    from otio_scoreplan.outfile import STALE_SECONDS, write_bytes_atomic

    target = tmp_path / "mix.wav"
    target.write_bytes(b"the good mix")
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(target)], stdout=subprocess.PIPE, text=True)
    left = Path(proc.stdout.readline().strip())
    proc.send_signal(signal.SIGKILL)  # killed in the middle of writing, as a render can be
    proc.wait()
    proc.stdout.close()
    assert left.exists() and left.name.startswith(f".mix.wav.{proc.pid}.") and left.name.endswith(".part")
    assert target.read_bytes() == b"the good mix"  # the killed run replaced nothing
    # a temp file of ours still being written (this process) and a dead run's just touched one are left alone
    mine = tmp_path / f".mix.wav.{os.getpid()}.abcdefgh.part"
    mine.write_bytes(b"")
    write_bytes_atomic(target, b"new mix")
    assert left.exists() and mine.exists()
    old = left.stat().st_mtime - STALE_SECONDS - 1
    os.utime(left, (old, old))
    os.utime(mine, (old, old))
    other = tmp_path / f".notes.md.{proc.pid}.abcdefgh.part"  # another target's: not this write's to clear
    other.write_bytes(b"")
    os.utime(other, (old, old))
    write_bytes_atomic(target, b"newer mix")
    assert not left.exists() and mine.exists() and other.exists()
    assert target.read_bytes() == b"newer mix"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, other.name, "mix.wav"])




@pytest.mark.parametrize(("sample", "suffix", "extra"), [("premiere_sample.xml", ".xml", ()),
                                                         ("resolve_sample.fcpxml", ".fcpxmld", ()),
                                                         ("avid_sample.aaf", ".aaf", ()),
                                                         ("avid_sample.edl", ".edl", ("--rate", "29.97"))])
def test_a_full_disk_names_the_output_not_a_temporary_file(full_disk: Path, tmp_path: Path, sample: str, suffix: str,
                                                           extra: tuple[str, ...]) -> None:
    """apply onto a full disk: one line naming the output (or its companion), never our hidden .part name, and the
    disk as it was."""
    out = full_disk / f"cut{suffix}"
    run = run_inprocess(["apply", str(SAMPLES / sample), *extra, "-o", str(out), "--media-dir", str(tmp_path / "media")])
    assert run.code == 2, run.stderr
    line = run.stderr.strip()
    assert "\n" not in line and "No space left on device" in line
    assert line.startswith(f"scoreplan: error: {full_disk}/cut") and ".part" not in line
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]


def test_a_full_media_disk_names_the_medium_not_a_temporary_file(full_disk: Path, tmp_path: Path) -> None:
    run = run_inprocess(["apply", str(SAMPLES / "premiere_sample.xml"), "-o", str(tmp_path / "cut.xml"),
                         "--media-dir", str(full_disk / "media")])
    assert run.code == 2, run.stderr
    line = run.stderr.strip()
    assert "\n" not in line and "No space left on device" in line and ".part" not in line
    assert line.startswith(f"scoreplan: error: {full_disk}/media/") and line.split(": ")[2].endswith(".wav")
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"] and not (tmp_path / "cut.xml").exists()
