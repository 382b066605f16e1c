"""The temp-music library: catalogue precedence, tags, file names, durations, cache, broken files, decoding."""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from otio_scoreplan._cli.library import cli_library
from otio_scoreplan.audio.bwf import write_bwf
from otio_scoreplan.audio.decode import DecodeError, decode, ffmpeg_exe
from otio_scoreplan.errors import InputError
from otio_scoreplan.library.scan import scan

SR = 48_000


def tone(seconds: float, freq: float = 440.0, amp: float = 0.3, sr: int = SR) -> np.ndarray:
    t = np.arange(int(round(seconds * sr))) / sr
    mono = (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return np.stack([mono, mono], axis=1)


def encode(src: Path, dst: Path, *extra: str) -> Path:
    """Encode with the bundled ffmpeg (``extra``: codec and metadata options)."""
    subprocess.run([ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", "-i", str(src), *extra, str(dst)], check=True)
    return dst


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A small library: WAV (catalogued), MP3 with ID3 tags, AIFF and FLAC named with mood words."""
    lib = tmp_path / "lib"
    (lib / "strings").mkdir(parents=True)
    write_bwf(lib / "cat_listed.wav", tone(1.5))
    src = write_bwf(tmp_path / "src.wav", tone(2.0, 330))
    encode(src, lib / "tagged.mp3", "-c:a", "libmp3lame", "-b:a", "128k", "-metadata", "title=Tagged Title",
           "-metadata", "composer=A. Composer", "-metadata", "genre=Suspense Thriller", "-metadata", "TBPM=96")
    encode(src, lib / "strings" / "04_dark_pursuit_120bpm.aiff", "-c:a", "pcm_s16be")
    encode(src, lib / "plain.flac", "-c:a", "flac")
    (lib / "library.toml").write_text(
        '[[piece]]\nfile = "cat_listed.wav"\ntitle = "Listed Title"\nmoods = ["sad", "tender"]\n'
        'themes = ["Anna"]\ntempo = 66\nintensity = 0.3\nrights = "temp only"\n'
        '[[piece]]\nfile = "tagged.mp3"\nmoods = "calm; hopeful"\n',
        encoding="utf-8",
    )
    return lib


def test_catalogue_then_tags_then_file_name(folder: Path) -> None:
    lib = scan(folder)
    by = {p.path: p for p in lib.pieces}
    assert sorted(by) == ["cat_listed.wav", "plain.flac", "strings/04_dark_pursuit_120bpm.aiff", "tagged.mp3"]
    listed = by["cat_listed.wav"]
    assert (listed.title, listed.moods, listed.themes, listed.tempo, listed.intensity, listed.rights) == (
        "Listed Title", ["sad", "tender"], ["anna"], 66.0, 0.3, "temp only")
    assert listed.sources["title"] == "catalogue"
    tagged = by["tagged.mp3"]
    # The catalogue gives moods; the tags give title, composer and tempo; the file name is not needed.
    assert tagged.moods == ["calm", "hopeful"] and tagged.sources["moods"] == "catalogue"
    assert (tagged.title, tagged.composer, tagged.tempo) == ("Tagged Title", "A. Composer", 96.0)
    assert tagged.sources["title"] == "tags"
    named = by["strings/04_dark_pursuit_120bpm.aiff"]
    assert named.title == "Dark Pursuit 120bpm" and named.moods == ["tension", "action"] and named.tempo == 120.0
    # no person gave an intensity: what listening measured beats what the name's mood words imply
    assert named.sources == {"title": "file name", "moods": "file name", "tempo": "file name", "intensity": "analysis",
                             "beats_per_bar": "analysis"}
    plain = by["plain.flac"]  # nothing said: its moods are the analysis's hints, marked as such
    assert plain.title == "Plain" and plain.sources["moods"] == plain.sources["intensity"] == "analysis"
    assert plain.moods == list(plain.analysis.mood_hints) and plain.intensity == round(plain.analysis.intensity / 5, 3)
    assert scan(folder, listen=False).by_path("plain.flac").moods == []


def test_durations_and_formats_come_from_the_audio(folder: Path) -> None:
    by = {p.path: p for p in scan(folder).pieces}
    assert by["cat_listed.wav"].duration_seconds == pytest.approx(1.5, abs=1e-6)
    assert by["strings/04_dark_pursuit_120bpm.aiff"].duration_seconds == pytest.approx(2.0, abs=1e-3)
    assert by["plain.flac"].duration_seconds == pytest.approx(2.0, abs=1e-3)
    assert by["tagged.mp3"].duration_seconds == pytest.approx(2.0, abs=0.06)  # encoder padding
    assert {p.format for p in by.values()} == {"wav", "mp3", "aiff", "flac"}
    assert all(p.sample_rate == SR and p.channels == 2 for p in by.values())


def test_csv_catalogue(tmp_path: Path) -> None:
    write_bwf(tmp_path / "a.wav", tone(1.0))
    (tmp_path / "library.csv").write_text("file,title,moods,themes,tempo,society\na.wav,From CSV,tense;dark,chase,132,PRS\n")
    (piece,) = scan(tmp_path).pieces
    assert (piece.title, piece.moods, piece.themes, piece.tempo, piece.society) == ("From CSV", ["tense", "dark"], ["chase"], 132.0, "PRS")


def test_rescan_uses_the_cache_until_size_or_mtime_change(folder: Path) -> None:
    first = scan(folder)
    assert (first.probed, first.cache_hits) == (4, 0)
    again = scan(folder)
    assert (again.probed, again.cache_hits) == (0, 4)
    assert [p.to_json() for p in again.pieces] == [p.to_json() for p in first.pieces]
    target = folder / "cat_listed.wav"
    write_bwf(target, tone(3.0))  # new size
    later = time.time() + 5
    os.utime(folder / "plain.flac", (later, later))  # same size, new mtime
    third = scan(folder)
    assert (third.probed, third.cache_hits) == (2, 2)
    assert {p.path: p for p in third.pieces}["cat_listed.wav"].duration_seconds == pytest.approx(3.0)


def test_broken_files_are_skipped_with_a_warning(folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    (folder / "garbage.mp3").write_bytes(b"this is not audio at all" * 50)
    (folder / "truncated.wav").write_bytes((folder / "cat_listed.wav").read_bytes()[:30])
    with caplog.at_level(logging.WARNING):
        lib = scan(folder)
    assert sorted(s[0] for s in lib.skipped) == ["garbage.mp3", "truncated.wav"]
    assert len(lib.pieces) == 4
    warned = " ".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert "garbage.mp3" in warned and "truncated.wav" in warned
    # Broken files are cached too, and still reported on a rescan.
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        again = scan(folder)
    assert again.probed == 0 and len(again.skipped) == 2
    assert any("garbage.mp3" in r.getMessage() for r in caplog.records)


def test_bad_folder_and_bad_catalogue_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        scan(tmp_path / "nope")
    (tmp_path / "library.toml").write_text("[[piece]\nfile = ")
    with pytest.raises(InputError, match="library.toml"):
        scan(tmp_path)


def test_decode_is_sample_exact_with_start_and_length(tmp_path: Path) -> None:
    ramp = np.stack([np.arange(SR, dtype=np.float32) / SR] * 2, axis=1) * 0.5
    write_bwf(tmp_path / "ramp.wav", ramp)
    part = decode(tmp_path / "ramp.wav", start_frame=1000, max_frames=2345)
    assert part.shape == (2345, 2)
    assert np.allclose(part[:, 0], ramp[1000:3345, 0], atol=2e-7)
    with pytest.raises(DecodeError, match="does not exist"):
        decode(tmp_path / "missing.wav")


DECODE_SCRIPT = """
import shutil, sys
import numpy as np
from otio_scoreplan.audio.decode import decode, decode_segment
assert shutil.which("ffprobe") is None and shutil.which("ffmpeg") is None, "a system ffmpeg is on PATH"
for path in sys.argv[1:]:
    a = decode(path)
    seg = decode_segment(path)
    spectrum = np.abs(np.fft.rfft(a[:, 0]))
    peak_hz = np.argmax(spectrum) * 48000 / len(a)
    print(path.rsplit(".", 1)[1], len(a), round(peak_hz), seg.frame_rate, seg.channels, round(len(seg)))
"""


def test_mp3_aiff_m4a_decode_through_the_bundled_ffmpeg_without_path(tmp_path: Path) -> None:
    src = write_bwf(tmp_path / "src.wav", tone(1.0, 1000.0, sr=44_100), sample_rate=44_100)
    files = [encode(src, tmp_path / "t.mp3", "-c:a", "libmp3lame"), encode(src, tmp_path / "t.aiff", "-c:a", "pcm_s24be"),
             encode(src, tmp_path / "t.m4a", "-c:a", "aac")]
    env = {"PATH": str(tmp_path / "empty"), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", DECODE_SCRIPT, *map(str, files)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()]
    assert [r[0] for r in rows] == ["mp3", "aiff", "m4a"]
    for kind, frames, peak, rate, channels, ms in rows:
        assert abs(int(frames) - SR) < 0.06 * SR, kind  # resampled 44.1 -> 48 kHz; lossy codecs pad a little
        assert abs(int(peak) - 1000) <= 2, kind
        assert (rate, channels) == ("48000", "2") and abs(int(ms) - 1000) < 60
    assert rows[1][1] == str(SR)  # PCM in AIFF: exact


def test_cli_library_json_and_text(folder: Path) -> None:
    buf = io.StringIO()
    assert cli_library(argparse.Namespace(folder=str(folder), json=True, no_cache=False), buf) == 0
    doc = json.loads(buf.getvalue())
    assert doc["schema"] == "otio-scoreplan/library" and doc["catalogue_file"] == "library.toml"
    assert len(doc["pieces"]) == 4 and doc["skipped"] == []
    text = io.StringIO()
    cli_library(argparse.Namespace(folder=str(folder), json=False, no_cache=True), text)
    assert "4 pieces" in text.getvalue() and "Listed Title" in text.getvalue() and "4 probed" in text.getvalue()


def _demo_tool():
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "tools" / "make_demo_library.py"
    spec = importlib.util.spec_from_file_location("make_demo_library", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo_library"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_demo_library_generator_writes_pieces_and_a_catalogue_we_read(tmp_path: Path) -> None:
    tool = _demo_tool()
    assert len(tool.PIECES) == 12 and all(30 <= d.seconds <= 120 for d in tool.PIECES)
    assert len({d.moods for d in tool.PIECES}) == 12 and len({d.tempo for d in tool.PIECES}) >= 10
    short = (tool.Design("a_short.wav", "A Short", ("tension",), 120, 50, "minor", 4, 0.7, climax=0.5, layers=("bass", "drums")),
             tool.Design("b_short.mp3", "B Short", ("intimate",), 70, 60, "major", 3, 0.2))
    tool.make_library(tmp_path, short)
    lib = scan(tmp_path)
    assert [(p.title, p.moods, p.tempo, p.intensity, p.format) for p in lib.pieces] == [
        ("A Short", ["tension"], 120.0, 0.7, "wav"), ("B Short", ["intimate"], 70.0, 0.2, "mp3")]
    audio = decode(tmp_path / "a_short.wav")
    level = [float(np.sqrt(np.mean(audio[i : i + SR // 10] ** 2))) for i in range(0, len(audio) - SR // 10, SR // 10)]
    assert 1.5 <= np.argmax(level) / 10 <= 2.5, "the loudest moment is at the climax"


def test_ogg_and_opus_are_scanned_and_other_files_named_as_skipped(tmp_path: Path) -> None:
    """A folder of Ogg Vorbis and Opus (once '0 pieces', silently); a file that is no audio named with the reason."""
    src = write_bwf(tmp_path / "src.wav", tone(3.0, 220))
    lib_dir = tmp_path / "ogg"
    lib_dir.mkdir()
    encode(src, lib_dir / "one.ogg", "-c:a", "libvorbis")
    encode(src, lib_dir / "two.opus", "-c:a", "libopus")
    (lib_dir / "sheet.mid").write_bytes(b"MThd")
    (lib_dir / "cover.jpg").write_bytes(b"\xff\xd8")  # a library's usual sidecar: not worth a line
    lib = scan(lib_dir)
    assert sorted((p.path, p.format) for p in lib.pieces) == [("one.ogg", "ogg"), ("two.opus", "opus")]
    assert all(p.duration_seconds == pytest.approx(3.0, abs=0.05) for p in lib.pieces)
    assert lib.skipped == [("sheet.mid", "not an audio file scoreplan reads (suffix '.mid')")]
    text = io.StringIO()
    cli_library(argparse.Namespace(folder=str(lib_dir), json=False, no_cache=False), text)
    assert "2 pieces" in text.getvalue() and "skipped: sheet.mid: not an audio file" in text.getvalue()


def test_each_piece_is_analysed_once_and_the_analysis_is_cached(folder: Path) -> None:
    first = scan(folder)
    assert first.analysed == 4 and all(p.analysis is not None for p in first.pieces)
    again = scan(folder)
    assert again.analysed == 0
    assert [p.analysis for p in again.pieces] == [p.analysis for p in first.pieces]
    assert scan(folder, use_cache=False).analysed == 4


def test_estimates_are_marked_and_what_people_said_wins(folder: Path) -> None:
    by = {p.path: p for p in scan(folder).pieces}
    listed = by["cat_listed.wav"]  # the catalogue gives intensity and moods
    assert (listed.intensity, listed.moods, listed.sources["intensity"]) == (0.3, ["sad", "tender"], "catalogue")
    tagged = by["tagged.mp3"]  # catalogue moods imply the intensity; tags give the tempo
    assert tagged.sources["intensity"] == "moods" and tagged.sources["tempo"] == "tags"
    text = io.StringIO()
    cli_library(argparse.Namespace(folder=str(folder), json=False, no_cache=False), text)
    plain_row = next(line for line in text.getvalue().splitlines() if line.endswith("plain.flac"))
    assert "~" in plain_row and "estimated from the audio" in text.getvalue()
    buf = io.StringIO()
    cli_library(argparse.Namespace(folder=str(folder), json=True, no_cache=False), buf)
    plain = next(p for p in json.loads(buf.getvalue())["pieces"] if p["path"] == "plain.flac")
    assert plain["sources"]["intensity"] == "analysis" and plain["analysis"]["estimated"] is True
    assert {"beats", "onsets"}.isdisjoint(plain["analysis"]) and plain["analysis"]["ending"]["kind"] in ("button", "fade", "cut")


def test_intensity_is_shown_on_the_cues_scale(folder: Path) -> None:
    """``library`` (table and --json) shows intensity 1..5 as cues and the README do: a catalogue's 0.3 is 1.5, an
    estimate is the analysis's own 1..5 figure; mood-implied ones lie on the scale too."""
    buf = io.StringIO()
    cli_library(argparse.Namespace(folder=str(folder), json=True, no_cache=False), buf)
    doc = json.loads(buf.getvalue())
    assert doc["version"] == 3
    pieces = {p["path"]: p for p in doc["pieces"]}
    assert pieces["cat_listed.wav"]["intensity"] == 1.5
    plain = pieces["plain.flac"]
    assert abs(plain["intensity"] - plain["analysis"]["intensity"]) <= 0.01 and 1 <= plain["intensity"] <= 5
    assert all(p["intensity"] is None or 1 <= p["intensity"] <= 5 for p in doc["pieces"])
    text = io.StringIO()
    cli_library(argparse.Namespace(folder=str(folder), json=False, no_cache=False), text)
    lines = text.getvalue().splitlines()
    header = next(line for line in lines if line.startswith("TITLE"))
    at = header.index("INT 1-5")
    column = {line.split()[-1].rsplit("/", 1)[-1]: line[at:].split()[0] for line in lines[lines.index(header) + 1:]
              if line.endswith((".wav", ".flac", ".mp3", ".aiff"))}
    assert column["cat_listed.wav"] == "1.5"
    assert column["plain.flac"] == f"{plain['intensity']:.1f}~"


def test_mood_words_inside_catalogue_entries_and_the_metre(tmp_path: Path) -> None:
    write_bwf(tmp_path / "a.wav", tone(1.0))
    write_bwf(tmp_path / "b.wav", tone(1.0))
    (tmp_path / "library.toml").write_text(
        '[[piece]]\nfile = "a.wav"\nmoods = "tension suspense"\nmeter = "3/4"\n'
        '[[piece]]\nfile = "b.wav"\nmoods = ["Dark, brooding menace", "my own mood"]\nmeter = "6/8"\n', encoding="utf-8")
    by = {p.path: p for p in scan(tmp_path, listen=False).pieces}
    assert by["a.wav"].moods == ["tension", "suspense"] and by["a.wav"].beats_per_bar == 3
    assert by["b.wav"].moods == ["dark", "brooding", "my own mood"] and by["b.wav"].beats_per_bar == 2


def test_library_moods_are_the_planner_mood_table() -> None:
    from otio_scoreplan.library.catalogue import canonical_mood, mood_word_map
    from otio_scoreplan.plan.rules import default_rules

    table = default_rules().get("moods")
    assert set(mood_word_map().values()) <= set(table)
    for mood, entry in table.items():
        assert all(canonical_mood(w) == mood for w in entry["words"]), mood
    assert canonical_mood("serene") == "intimate" and canonical_mood("unheard-of") == "unheard-of"


def _eldritch_library(folder: Path) -> Path:
    """Two pieces of one length, one catalogued with a mood word the shipped rules do not know."""
    folder.mkdir(parents=True, exist_ok=True)
    write_bwf(folder / "old_ones.wav", tone(30.0, 220))
    write_bwf(folder / "picnic.wav", tone(30.0, 660))
    (folder / "library.toml").write_text(
        '[[piece]]\nfile = "old_ones.wav"\nmoods = ["eldritch"]\n'
        '[[piece]]\nfile = "picnic.wav"\nmoods = ["sunny"]\n', encoding="utf-8")
    return folder


ELDRITCH_RULES = '[moods.tension]\nwords = ["tension", "tense", "eldritch"]\n'


def test_a_rules_mood_word_reaches_the_library(tmp_path: Path) -> None:
    """A mood word added by a rules file makes a catalogue piece tagged with it match a cue of that mood."""
    from otio_scoreplan.library.catalogue import canonical_mood
    from otio_scoreplan.library.choose import ChooseSettings, choose
    from otio_scoreplan.library.cuespec import CueSpec
    from otio_scoreplan.plan.rules import load_rules

    (tmp_path / "rules.toml").write_text(ELDRITCH_RULES, encoding="utf-8")
    rules = load_rules(tmp_path / "rules.toml")
    assert canonical_mood("eldritch") == "eldritch" and canonical_mood("Eldritch", rules) == "tension"
    assert canonical_mood("serene", rules) == "intimate"  # the library's own words stay, for the rules' moods
    lib = scan(_eldritch_library(tmp_path / "lib"), listen=False)
    cue = CueSpec("1M1", 0, 24 * 20, moods=("tension",))
    for seed in range(4):  # whatever the jitter, the mood decides
        [pick] = choose([cue], lib, 24.0, ChooseSettings(seed=seed, rules=rules))
        assert Path(pick.path).name == "old_ones.wav" and "mood tension" in pick.reason
    shipped = [choose([cue], lib, 24.0, ChooseSettings(seed=seed))[0] for seed in range(4)]
    assert not any("mood" in p.reason for p in shipped), "the shipped rules know no 'eldritch'"


def test_spot_with_rules_and_library_chooses_by_the_rules_moods(tmp_path: Path) -> None:
    """`scoreplan spot --rules FILE --library DIR`: the rules' mood words reach the choice (the plan's temp)."""
    sample = Path(__file__).resolve().parents[1] / "sample_timelines" / "premiere_sample.xml"
    lib = _eldritch_library(tmp_path / "lib")
    (tmp_path / "rules.toml").write_text(ELDRITCH_RULES, encoding="utf-8")

    def spot(*extra: str) -> dict:
        run = subprocess.run([sys.executable, "-m", "otio_scoreplan", "spot", "--json", "--library", str(lib),
                              *extra, str(sample)], capture_output=True, text=True, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    with_rules = [c for c in spot("--rules", str(tmp_path / "rules.toml"))["cues"] if "tension" in c["moods"]]
    assert with_rules, "the sample's first cue is marked tension"
    for cue in with_rules:
        assert Path(cue["temp"]["path"]).name == "old_ones.wav" and "mood tension" in cue["temp"]["reason"]
    shipped = [c for c in spot()["cues"] if "tension" in c["moods"]]
    assert not any("mood tension" in c["temp"]["reason"] for c in shipped)


def _moods(lib) -> dict[str, tuple[list[str], str | None]]:
    return {p.path: (p.moods, p.sources.get("moods")) for p in lib.pieces}


def test_the_scan_reads_tags_and_file_names_by_the_rules_moods(tmp_path: Path) -> None:
    """A rules file's mood words are read in tags and file names by the scan itself (not only when choosing), and
    the scan cache is kept for one mood table: a scan by other rules reads the files again."""
    from otio_scoreplan.library.cache import CACHE_NAME
    from otio_scoreplan.plan.rules import load_rules

    lib = tmp_path / "lib"
    lib.mkdir()
    src = write_bwf(tmp_path / "src.wav", tone(2.0, 330))
    encode(src, lib / "tagged.mp3", "-c:a", "libmp3lame", "-b:a", "128k", "-metadata", "genre=Eldritch")
    encode(src, lib / "eldritch_walk.flac", "-c:a", "flac")
    (tmp_path / "rules.toml").write_text(ELDRITCH_RULES, encoding="utf-8")
    rules = load_rules(tmp_path / "rules.toml")

    shipped = scan(lib, listen=False)
    assert _moods(shipped) == {"eldritch_walk.flac": ([], None), "tagged.mp3": ([], None)}
    ruled = scan(lib, listen=False, rules=rules)
    assert ruled.probed == 2, "the cache of the shipped mood table is not read for other rules"
    assert _moods(ruled) == {"eldritch_walk.flac": (["tension"], "file name"), "tagged.mp3": (["tension"], "tags")}
    assert json.loads((lib / CACHE_NAME).read_text())["files"]["tagged.mp3"]["probe"]["tags"]["moods"] == ["tension"]
    again = scan(lib, listen=False, rules=rules)
    assert (again.probed, again.cache_hits) == (0, 2) and _moods(again) == _moods(ruled)
    back = scan(lib, listen=False)
    assert back.probed == 2 and _moods(back) == _moods(shipped)


def test_a_cache_without_a_mood_digest_was_made_by_the_shipped_rules(folder: Path) -> None:
    """A scan cache written before it recorded its mood table is kept by a scan with the shipped rules only."""
    from otio_scoreplan.library.cache import CACHE_NAME
    from otio_scoreplan.plan.rules import load_rules

    scan(folder, listen=False)
    cache = folder / CACHE_NAME
    data = json.loads(cache.read_text())
    del data["moods"]
    cache.write_text(json.dumps(data))
    assert scan(folder, listen=False).cache_hits == 4
    cache.write_text(json.dumps(data))
    (folder.parent / "rules.toml").write_text(ELDRITCH_RULES, encoding="utf-8")
    assert scan(folder, listen=False, rules=load_rules(folder.parent / "rules.toml")).probed == 4


@pytest.mark.parametrize(("written", "read"), [
    ('intensity = 1', 0.2),  # alone: the quietest of the documented 1..5 (it was read as 1.0, full out)
    ('intensity = 1\n[[piece]]\nfile = "b.wav"\nintensity = 5', 0.2),  # 1..5: 1 the quietest, 5 the loudest
    ('intensity = 1.0\n[[piece]]\nfile = "b.wav"\nintensity = 0.3', 1.0),  # 0..1, written with decimal points
    ('intensity = 1\n[[piece]]\nfile = "b.wav"\nintensity = 8', 0.1),  # 1-10: one above 5
])
def test_catalogue_intensity_is_read_on_the_catalogues_scale(tmp_path: Path, written: str, read: float) -> None:
    """Hostile review: ``intensity = 1`` (the quietest of the documented 1..5) was read as 1.0 on the 0..1 scale,
    shown as 5.0 and chosen as full out. A catalogue is read on one scale: 1..5 unless its intensities are all
    at most 1 with decimal points (0..1) or one is above 5 (1-10)."""
    for name in ("a.wav", "b.wav"):
        write_bwf(tmp_path / name, tone(1.0))
    (tmp_path / "library.toml").write_text(f'[[piece]]\nfile = "a.wav"\n{written}\n', encoding="utf-8")
    lib = scan(tmp_path, listen=False, use_cache=False)
    assert (lib.by_path("a.wav").intensity, lib.by_path("a.wav").sources["intensity"]) == (read, "catalogue")


def test_intensity_1_is_the_quietest_in_the_listing_and_the_choice(tmp_path: Path) -> None:
    """``intensity = 1`` shows as 1.0 in ``library --json`` and is chosen for the quiet cue, not the loud one."""
    from otio_scoreplan.library.choose import ChooseSettings, choose
    from otio_scoreplan.library.cuespec import CueSpec

    for name in ("hush.wav", "roar.wav"):
        write_bwf(tmp_path / name, tone(40.0))
    (tmp_path / "library.toml").write_text('[[piece]]\nfile = "hush.wav"\nmoods = ["tense"]\nintensity = 1\n'
                                           '[[piece]]\nfile = "roar.wav"\nmoods = ["tense"]\nintensity = 5\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "otio_scoreplan", "library", "--json", "--no-listen", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert {p["path"]: p["intensity"] for p in json.loads(proc.stdout)["pieces"]} == {"hush.wav": 1.0, "roar.wav": 5.0}
    lib = scan(tmp_path, listen=False, use_cache=False)
    cues = [CueSpec(id="1M1", start_frame=0, end_frame=720, moods=("tense",), intensity=1 / 5),
            CueSpec(id="1M2", start_frame=2400, end_frame=3120, moods=("tense",), intensity=5 / 5)]
    for seed in range(3):
        assert [Path(p.path).name for p in choose(cues, lib, 24.0, ChooseSettings(seed=seed))] == ["hush.wav", "roar.wav"]
