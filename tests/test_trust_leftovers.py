"""Issue 11, the last hostile review's leftovers (session 6): each seen on the code by a careless user, each a
one-line refusal naming the file (exit 2, no traceback, nothing half-written) or a fix of what was said or written."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES
from hostile.harness import run_inprocess


def _one_line_refusal(stderr: str, code: int) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert code == 2, (code, stderr)
    assert len(lines) == 1 and lines[0].startswith("scoreplan: error: ") and "Traceback" not in stderr, stderr
    return lines[0]


def _library(folder: Path, rate: int = 48000) -> Path:
    """Three 12-second noise pieces (named by mood); at a rate other than 48 kHz they are decoded to a temporary file."""
    from otio_scoreplan.audio.bwf import write_bwf

    folder.mkdir(parents=True)
    rng = np.random.default_rng(7)
    for name in ("dark_pulse", "sad_strings", "bright_chase"):
        write_bwf(folder / f"{name}.wav", rng.uniform(-0.1, 0.1, (rate * 12, 2)).astype(np.float32), sample_rate=rate)
    return folder




# -- 1. a full temporary folder is named, not the output -------------------------------------------------------

def test_a_full_temporary_folder_is_named_not_the_output(full_disk: Path, tmp_path: Path, monkeypatch) -> None:
    """apply with a library whose pieces are decoded to temporary audio, the temporary folder full: the error names
    that folder (the file being written), never the output, which is not written."""
    library = _library(tmp_path / "lib", rate=44100)
    run_inprocess(["library", str(library)])  # the scan (and its cache) before the temporary folder fills
    monkeypatch.setenv("TMPDIR", str(full_disk))
    monkeypatch.setattr(tempfile, "tempdir", str(full_disk))
    out = tmp_path / "out" / "cut.xml"
    out.parent.mkdir()
    run = run_inprocess(["apply", str(SAMPLES / "premiere_sample.xml"), "-o", str(out), "--library", str(library),
                         "--media-dir", str(tmp_path / "media")])
    line = _one_line_refusal(run.stderr, run.code)
    assert "No space left on device" in line, line
    assert str(out) not in line and line.startswith(f"scoreplan: error: {full_disk}"), line
    assert not out.exists() and sorted(p.name for p in full_disk.iterdir()) == ["filler"]
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").iterdir())


def test_an_os_error_naming_no_file_is_not_blamed_on_the_output(tmp_path: Path, monkeypatch) -> None:
    import errno

    from otio_scoreplan._cli import entry

    def full(args) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(entry, "cmd_apply", full)
    out = tmp_path / "cut.xml"
    run = run_inprocess(["apply", str(SAMPLES / "premiere_sample.xml"), "-o", str(out)])
    line = _one_line_refusal(run.stderr, run.code)
    assert line == f"scoreplan: error: No space left on device (the system named no file; {out} was not written)"


# -- 2. shares and fractions of the rules are 0..1 -------------------------------------------------------------

def _share_keys() -> list[str]:
    """Every number key of the shipped rules that is a share or a fraction: by its name, or by its comment."""
    import re

    from otio_scoreplan.plan.rules import default_rules, default_rules_text

    found, table = [], ""
    for line in default_rules_text().splitlines():
        head = re.match(r"^\[([\w.]+)\]", line)
        if head:
            table = head.group(1)
        m = re.match(r"^(\w+)\s*=\s*([^#]+?)\s*(#.*)?$", line)
        if m and table:
            name, comment = m.group(1), (m.group(3) or "").lower()
            value = default_rules().get(f"{table}.{name}")
            if isinstance(value, float | str) and ("share" in name or re.search(r"\b(fraction|share)\b", comment)):
                found.append(f"{table}.{name}")
    return found


def test_the_share_keys_found_include_the_reviewed_ones() -> None:
    keys = _share_keys()
    assert {"auto.coverage_auto_max", "auto.sync_wall_share", "auto.flattened_share", "auto.dialogue_heavy",
            "auto.coverage_target"} <= set(keys), keys


@pytest.mark.parametrize("key", _share_keys())
@pytest.mark.parametrize("value", [999, 5, 1.5, -0.1])
def test_a_share_out_of_0_to_1_is_refused(key: str, value: float, tmp_path: Path) -> None:
    from otio_scoreplan.plan.rules import RulesError, load_rules

    table, name = key.rsplit(".", 1)
    rules = tmp_path / "rules.toml"
    rules.write_text(f"[{table}]\n{name} = {value}\n")
    with pytest.raises(RulesError) as err:
        load_rules(rules)
    assert err.value.one_line().startswith(f"{rules}: rules key {key}"), err.value.one_line()
    rules.write_text(f"[{table}]\n{name} = 0.5\n")
    assert load_rules(rules).get(key) == 0.5


def test_a_share_out_of_bounds_is_one_line_from_the_command(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[auto]\ncoverage_auto_max = 999\n")
    run = run_inprocess(["spot", str(SAMPLES / "premiere_sample.xml"), "--rules", str(rules)])
    line = _one_line_refusal(run.stderr, run.code)
    assert str(rules) in line and "auto.coverage_auto_max" in line and "1" in line, line


# -- 4. a file given where a folder is asked for -----------------------------------------------------------------

@pytest.mark.parametrize("command", ["library", "spot", "apply"])
def test_a_library_that_is_a_file_is_named_a_file(command: str, tmp_path: Path) -> None:
    piece = tmp_path / "piece.wav"
    piece.write_bytes(b"RIFF not really")
    argv = {"library": ["library", str(piece)],
            "spot": ["spot", str(SAMPLES / "premiere_sample.xml"), "--library", str(piece)],
            "apply": ["apply", str(SAMPLES / "premiere_sample.xml"), "-o", str(tmp_path / "cut.xml"),
                      "--library", str(piece)]}[command]
    line = _one_line_refusal(*(lambda r: (r.stderr, r.code))(run_inprocess(argv)))
    assert line.startswith(f"scoreplan: error: {piece}: ") and "is a file, not a folder" in line, line
    assert "not found" not in line and not (tmp_path / "cut.xml").exists()


def test_a_library_that_is_missing_is_still_not_found(tmp_path: Path) -> None:
    run = run_inprocess(["library", str(tmp_path / "nowhere")])
    line = _one_line_refusal(run.stderr, run.code)
    assert line == f"scoreplan: error: {tmp_path / 'nowhere'}: temp-music library folder not found", line


def test_a_media_dir_that_is_a_file_is_named_a_file(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.write_bytes(b"the editor's file")
    run = run_inprocess(["apply", str(SAMPLES / "premiere_sample.xml"), "-o", str(tmp_path / "cut.xml"),
                         "--media-dir", str(media)])
    line = _one_line_refusal(run.stderr, run.code)
    assert line.startswith(f"scoreplan: error: {media}: ") and "is a file, not a folder" in line, line
    assert media.read_bytes() == b"the editor's file" and not (tmp_path / "cut.xml").exists()


# -- 5. notes: two outputs of one name are named, with their options ----------------------------------------------

@pytest.mark.parametrize(("first", "second", "name"), [("-o", "--cue-sheet", "a.csv"), ("--themes", "-o", "t.md"),
                                                       ("--themes", "--cue-sheet", "c.csv")])
def test_notes_two_outputs_of_one_name_are_named(first: str, second: str, name: str, tmp_path: Path) -> None:
    target = tmp_path / name
    other = tmp_path / "sub" / ".." / name  # another spelling of the same file
    run = run_inprocess(["notes", str(SAMPLES / "premiere_sample.xml"), first, str(target), second, str(other)])
    line = _one_line_refusal(run.stderr, run.code)
    assert line.startswith((f"scoreplan: error: {other}: ", f"scoreplan: error: {target}: ")), line
    assert f"({first} and {second})" in line or f"({second} and {first})" in line, line
    assert not list(tmp_path.iterdir())


# -- 9. a run stopped by SIGTERM or SIGINT leaves no hidden .part and the target as it was --------------------------

_STOPPED_WRITER = """
import sys, time
from otio_scoreplan.outfile import atomic_path
with atomic_path(sys.argv[1]) as tmp:
    tmp.write_bytes(b"half a mix")
    print(tmp, flush=True)
    time.sleep(600)
"""

# the real command line with its render handler replaced by one that stops in the middle of writing the mix
_STOPPED_RENDER = """
import sys, time
from otio_scoreplan._cli import entry
from otio_scoreplan.outfile import atomic_path

def render(args):
    with atomic_path(args.output) as tmp:
        tmp.write_bytes(b"half a mix")
        print(tmp, flush=True)
        time.sleep(600)
    return 0

entry.cli_render = render
sys.exit(entry.main(["render", sys.argv[2], "--library", sys.argv[3], "-o", sys.argv[1]]))
"""


def _stopped(script: str, signum: int, target: Path, *args: str) -> tuple[subprocess.Popen, Path, str]:
    import sys

    proc = subprocess.Popen([sys.executable, "-c", script, str(target), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    part = Path(proc.stdout.readline().strip())
    assert part.exists() and part.name.endswith(".part"), (part, proc.stderr.read() if not part.name else "")
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    return proc, part, err


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_a_stopped_write_removes_its_part_file(signame: str, tmp_path: Path) -> None:
    import signal

    target = tmp_path / "mix.wav"
    target.write_bytes(b"the good mix")
    proc, part, _ = _stopped(_STOPPED_WRITER, getattr(signal, signame), target)
    assert proc.returncode != 0 and not part.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mix.wav"] and target.read_bytes() == b"the good mix"


@pytest.mark.parametrize(("signame", "code", "word"), [("SIGTERM", 143, "terminated"), ("SIGINT", 130, "interrupted")])
def test_a_stopped_render_says_so_and_leaves_every_file_as_it_was(signame: str, code: int, word: str,
                                                                  tmp_path: Path) -> None:
    import signal

    out = tmp_path / "out"
    out.mkdir()
    (out / "mix.wav").write_bytes(b"the good mix")
    library = tmp_path / "lib"
    library.mkdir()
    proc, part, err = _stopped(_STOPPED_RENDER, getattr(signal, signame), out / "mix.wav",
                               str(SAMPLES / "premiere_sample.xml"), str(library))
    assert proc.returncode == code, err
    assert err.strip() == f"scoreplan: {word} (every file is as it was)", err
    assert sorted(p.name for p in out.iterdir()) == ["mix.wav"] and (out / "mix.wav").read_bytes() == b"the good mix"


# -- 8. a kept cut past the piece and not lasting its cue: one warning, not one per rendering ------------------------

def _scoreplan(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    import sys

    return subprocess.run([sys.executable, "-m", "otio_scoreplan", *argv], capture_output=True, text=True, cwd=cwd,
                          check=False, timeout=600)


def test_a_kept_cut_that_does_not_last_its_cue_warns_once(tmp_path: Path) -> None:
    import json

    library = _library(tmp_path / "lib")
    spot = _scoreplan("spot", str(SAMPLES / "premiere_sample.xml"), "--library", str(library), "--json", cwd=tmp_path)
    assert spot.returncode == 0, spot.stderr
    doc = json.loads(spot.stdout)
    doc["cues"][0]["temp"]["cut"] = [[0, 0, 2400]]  # 2400 s of a 12 s piece, on a cue of some seconds
    cue_id = doc["cues"][0]["id"]
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc))
    for argv in (["apply", str(SAMPLES / "premiere_sample.xml"), "--plan", str(plan), "-o", str(tmp_path / "cut.xml")],
                 ["render", str(plan), "--library", str(library), "-o", str(tmp_path / "mix.wav"),
                  "--media", str(tmp_path / "cues")]):
        run = _scoreplan(*argv, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        about = [ln for ln in run.stderr.splitlines() if "WARNING" in ln and cue_id in ln and "cut" in ln]
        assert len(about) == 1, (argv[0], about)
        assert about[0].startswith(f"scoreplan: WARNING: {plan}: cues[0] ({cue_id}).temp.cut lasts 2400 s"), about


# -- 7. the EDL companion never replaces an editor's file; ours is replaced and the summary says so -----------------

def _apply_edl(tmp_path: Path):
    return run_inprocess(["apply", str(SAMPLES / "avid_sample.edl"), "--rate", "29.97", "-o", str(tmp_path / "cut.edl"),
                          "--media-dir", str(tmp_path / "media")])


def test_an_editors_file_at_the_companions_name_is_never_replaced(tmp_path: Path) -> None:
    theirs = tmp_path / "cut.TEMP_MX.edl"
    theirs.write_bytes(b"TITLE: MY OWN MUSIC LIST\r\nFCM: NON-DROP FRAME\r\n")
    run = _apply_edl(tmp_path)
    line = _one_line_refusal(run.stderr, run.code)
    assert line.startswith(f"scoreplan: error: {theirs}: ") and "not ours" in line, line
    assert theirs.read_bytes() == b"TITLE: MY OWN MUSIC LIST\r\nFCM: NON-DROP FRAME\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.TEMP_MX.edl"]  # no output, no media


def test_our_earlier_companion_is_replaced_and_the_summary_says_so(tmp_path: Path) -> None:
    import pycmx

    first = _apply_edl(tmp_path)
    assert first.code == 0, first.stderr
    companion = tmp_path / "cut.TEMP_MX.edl"
    assert companion.exists() and "replaced" not in first.stdout
    kept = companion.read_bytes()
    companion.write_bytes(kept.replace(b"TEMP MX", b"TEMP MX OLD", 1))  # an earlier run's list, since changed
    second = _apply_edl(tmp_path)
    assert second.code == 0, second.stderr
    assert f"replaced {companion}, the companion list of an earlier run" in second.stdout, second.stdout
    assert companion.read_bytes() == kept
    with open(companion) as fh:
        assert len(list(pycmx.parse_cmx3600(fh).events)) >= 1


# -- 6. a relative temp.path of a plan reached through a symbolic link: read from the plan's real folder -------------

def test_a_relative_temp_path_is_read_from_the_linked_plans_real_folder(tmp_path: Path) -> None:
    import json

    from otio_scoreplan.plan.model import load_plan, plan_folder

    real, elsewhere = tmp_path / "project", tmp_path / "desk"
    library = _library(real / "music")
    elsewhere.mkdir()
    decoy = _library(elsewhere / "music", rate=44100)  # the same names beside the link: never read
    # the saving side: spot saves the library's pieces by absolute path; the plan is saved in the project folder
    spot = _scoreplan("spot", str(SAMPLES / "avid_sample.edl"), "--rate", "29.97", "--library", str(library), "--json",
                      cwd=tmp_path)
    assert spot.returncode == 0, spot.stderr
    doc = json.loads(spot.stdout)
    saved = {c["id"]: c["temp"]["path"] for c in doc["cues"] if c.get("temp")}
    assert saved and all(os.path.isabs(p) and Path(p).parent == library for p in saved.values()), saved
    for cue in doc["cues"]:  # a person makes them relative, as the README says: to the plan file's own folder
        if cue.get("temp"):
            cue["temp"]["path"] = os.path.relpath(cue["temp"]["path"], real)
    plan = real / "plan.json"
    plan.write_text(json.dumps(doc))
    link = elsewhere / "plan.json"
    link.symlink_to(plan)
    assert plan_folder(link) == str(real) == plan_folder(plan)
    for path in (plan, link):
        loaded = {c.id: c.temp.path for c in load_plan(path).cues if c.temp}
        assert loaded == saved, (path, loaded)  # the pieces spot saved, not the decoys in the link's folder
    cut = tmp_path / "cut.edl"
    run = _scoreplan("apply", str(SAMPLES / "avid_sample.edl"), "--rate", "29.97", "--plan", str(link), "-o", str(cut),
                     "--media-dir", str(tmp_path / "media"), cwd=elsewhere)
    assert run.returncode == 0, run.stderr
    assert str(decoy) not in run.stdout + run.stderr and "placeholder" not in run.stderr, run.stderr


# -- 3. render -o mix.mp3 writes an mp3 (and the other suffixes their formats), an unknown suffix is refused --------

@pytest.fixture(scope="module")
def render_case(tmp_path_factory) -> tuple[Path, Path, Path]:
    """A plan of the Premiere sample with noise pieces, and its mix rendered as WAV (the reference)."""
    root = tmp_path_factory.mktemp("render")
    library = _library(root / "lib")
    spot = _scoreplan("spot", str(SAMPLES / "premiere_sample.xml"), "--library", str(library), "--json", cwd=root)
    assert spot.returncode == 0, spot.stderr
    plan = root / "plan.json"
    plan.write_text(spot.stdout)
    wav = root / "mix.wav"
    run = _scoreplan("render", str(plan), "--library", str(library), "-o", str(wav), cwd=root)
    assert run.returncode == 0, run.stderr
    return plan, library, wav


def _codec(path: Path) -> str:
    """The codec of the first audio stream as ffmpeg reads the file (its own probe, not our writer's word)."""
    import re

    from otio_scoreplan.audio.decode import ffmpeg_exe

    info = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    m = re.search(r"Stream #0:\d+.*?: Audio: (\w+)", info)
    assert m, info
    return m.group(1)


@pytest.mark.parametrize(("suffix", "codec"), [(".mp3", "mp3"), (".flac", "flac"), (".m4a", "aac"), (".aac", "aac"),
                                               (".ogg", "vorbis"), (".opus", "opus")])
def test_render_encodes_the_mix_in_its_suffixs_format(suffix: str, codec: str, render_case, tmp_path: Path) -> None:
    import json

    import soundfile as sf

    from otio_scoreplan.audio.decode import decode

    plan, library, wav = render_case
    out = tmp_path / f"mix{suffix}"
    run = _scoreplan("render", str(plan), "--library", str(library), "-o", str(out), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no staged WAV or .part left
    assert out.read_bytes()[:4] != b"RIFF" and _codec(out) == codec
    reference, sr = sf.read(wav, dtype="float32", always_2d=True)
    got = decode(out, sample_rate=sr, channels=2)
    seq = json.loads(plan.read_text())["sequence"]
    rate = float(seq["rate"]) if not isinstance(seq["rate"], dict) else seq["rate"]["num"] / seq["rate"]["den"]
    assert abs(len(got) - len(reference)) <= sr / rate, (len(got), len(reference))  # within a frame
    # the same mix at its level: energy below 10 kHz (lossy encoders drop the noise pieces' top octave) in half-second
    # windows, wherever the reference plays (above -40 dB), within 1 dB
    win = sr // 2
    levels = []
    for x in (got, reference):
        frames = x[: min(len(got), len(reference)) // win * win].mean(axis=1).reshape(-1, win).astype(np.float64)
        spectrum = np.abs(np.fft.rfft(frames, axis=1)) ** 2
        band = spectrum[:, : int(10000 * win / sr)].sum(axis=1) / win**2
        levels.append(10 * np.log10(np.maximum(band, 1e-20)))
    steady = np.abs(np.diff(levels[1], prepend=levels[1][0], append=levels[1][-1]))  # (an ADTS stream starts 1024
    playing = (levels[1] > levels[1].max() - 40) & (np.maximum(steady[:-1], steady[1:]) < 3)  # samples late: no edges)
    assert playing.sum() >= 10 and levels[1].max() > -60, levels[1]
    assert float(np.max(np.abs(levels[0] - levels[1])[playing])) < 1.0, np.abs(levels[0] - levels[1])[playing]


@pytest.mark.parametrize("name", ["mix.docx", "mix"])
def test_render_refuses_a_suffix_it_cannot_write(name: str, render_case, tmp_path: Path) -> None:
    plan, library, _ = render_case
    run = run_inprocess(["render", str(plan), "--library", str(library), "-o", str(tmp_path / name)])
    line = _one_line_refusal(run.stderr, run.code)
    assert line.startswith(f"scoreplan: error: {tmp_path / name}: a mix is written as .wav, .flac, .mp3"), line
    assert not list(tmp_path.iterdir())


# -- hostile review (session 6): a plan of two inputs renders m_1.wav, m_2.wav: names nobody gave ------------------

def test_a_two_input_render_never_replaces_a_file_it_was_not_given(tmp_path: Path) -> None:
    """`render two.json -o m.wav` writes m_1.wav and m_2.wav: a file of the user's at such a name was silently
    replaced by the reel-1 mix. Now it is refused in one line naming it, the file kept; our own earlier mixes there
    are replaced as ever."""
    library = _library(tmp_path / "lib")
    spot = _scoreplan("spot", str(SAMPLES / "premiere_sample.xml"), str(SAMPLES / "avid_sample.edl"),
                      "--library", str(library), "--json", cwd=tmp_path)
    assert spot.returncode == 0, spot.stderr
    plan = tmp_path / "two.json"
    plan.write_text(spot.stdout, encoding="utf-8")
    first = _scoreplan("render", str(plan), "--library", str(library), "-o", "m.wav", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "m_1.wav").stat().st_size > 1000 and (tmp_path / "m_2.wav").stat().st_size > 1000
    again = _scoreplan("render", str(plan), "--library", str(library), "-o", "m.wav", cwd=tmp_path)  # ours: replaced
    assert again.returncode == 0, again.stderr
    (tmp_path / "m_1.wav").write_text("precious", encoding="utf-8")
    mix_2 = (tmp_path / "m_2.wav").read_bytes()
    refused = _scoreplan("render", str(plan), "--library", str(library), "-o", "m.wav", cwd=tmp_path)
    line = _one_line_refusal(refused.stderr, refused.returncode)
    assert "m_1.wav" in line and "no mix of ours" in line
    assert (tmp_path / "m_1.wav").read_text(encoding="utf-8") == "precious"
    assert (tmp_path / "m_2.wav").read_bytes() == mix_2 and not (tmp_path / "m.wav").exists()


@pytest.mark.parametrize("argv", [("library", ""), ("spot", "{sample}", "--library", ""),
                                  ("apply", "{sample}", "-o", "out.xml", "--media-dir", "")],
                         ids=["library", "spot --library", "apply --media-dir"])
def test_an_empty_folder_argument_is_refused(argv: tuple[str, ...], tmp_path: Path) -> None:
    """`library ""` scanned the working folder (outputs and all) and wrote its scan cache there (hostile review)."""
    args = [a.format(sample=SAMPLES / "premiere_sample.xml") for a in argv]
    proc = _scoreplan(*args, cwd=tmp_path)
    line = _one_line_refusal(proc.stderr, proc.returncode)
    assert "empty path" in line
    assert list(tmp_path.iterdir()) == []


def test_a_catalogue_intensity_off_every_scale_is_refused_and_reasons_stay_on_1_to_5(tmp_path: Path) -> None:
    """One catalogue intensity of 55 switched the whole catalogue to a 1-10 scale (a piece catalogued 5 shown as
    2.5), and a choice reason printed 'intensity 0.5' for a piece `library` showed as 1.0 (hostile review)."""
    import json
    import re
    import shutil

    pieces = _library(tmp_path / "lib")
    for scale, rows, refused in ((55, ("3", "55", "1"), True), (10, ("3", "10", "1"), False)):
        cat = tmp_path / f"cat{scale}"
        shutil.copytree(pieces, cat)
        (cat / "library.csv").write_text("file,intensity,moods\n" + "".join(
            f"{name}.wav,{value},{mood}\n" for name, value, mood in zip(("dark_pulse", "bright_chase", "sad_strings"),
                                                                       rows, ("tension", "action", "romantic"))),
            encoding="utf-8")
        listed = _scoreplan("library", str(cat), "--no-listen", cwd=tmp_path)
        if refused:
            line = _one_line_refusal(listed.stderr, listed.returncode)
            assert "library.csv" in line and "bright_chase" in line and "intensity" in line
            continue
        assert listed.returncode == 0, listed.stderr
        spot = _scoreplan("spot", str(SAMPLES / "premiere_sample.xml"), "--library", str(cat), "--json", cwd=tmp_path)
        assert spot.returncode == 0, spot.stderr
        said = " ".join(c["temp"]["reason"] for c in json.loads(spot.stdout)["cues"] if c.get("temp"))
        shown = [float(x) for x in re.findall(r"intensity (\d+(?:\.\d+)?)", said)]
        assert shown and all(1.0 <= x <= 5.0 for x in shown), said
