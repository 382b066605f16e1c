"""Listening to real composed music: Debian's wesnoth-1.16-music (Ogg Vorbis, GPL-2+) and warzone2100-music (Opus).

The pieces are found at their Debian paths (``.ci/run`` installs the packages). Without them these tests
skip, except under CI (``CI=true``), where a skip would hide that they never ran: there they fail.

The intensity labels (tests/data/music_labels.json) were committed before the analysis was tuned; the
intensity features were chosen on alternate pieces (the tuning half) and the other half is held out.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from otio_scoreplan.audio.decode import ffmpeg_exe
from otio_scoreplan.library.choose import choose
from otio_scoreplan.library.cuespec import CueSpec
from otio_scoreplan.library.scan import Library, scan

LABELS = json.loads((Path(__file__).parent / "data" / "music_labels.json").read_text(encoding="utf-8"))
WESNOTH = Path(LABELS["folder"])
WARZONE = Path("/usr/share/games/warzone2100/music/albums/original_soundtrack")
PACKAGES = {WESNOTH: "wesnoth-1.16-music", WARZONE: "warzone2100-music"}


def need(folder: Path, *names: str) -> list[Path]:
    """The files ``names`` in ``folder`` (a Debian package's); skip without them, or fail under CI."""
    paths = [folder / n for n in names]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        message = f"real music missing ({missing[0]}): apt-get install {PACKAGES[folder]} (see .ci/run)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return paths


def strip_tags(src: Path, dst: Path) -> Path:
    """``src`` copied without its tags (stream copy: the same audio), so nothing but the sound says what it is."""
    subprocess.run([ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", "-i", str(src), "-map", "0:a",
                    "-map_metadata", "-1", "-c", "copy", str(dst)], check=True)
    return dst


@pytest.fixture(scope="module")
def untagged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Library, dict[str, int]]:
    """The labelled pieces, untagged and renamed (piece01.ogg ...), scanned and listened to once; and the label
    of each relative path."""
    sources = need(WESNOTH, *(p["file"] for p in LABELS["pieces"]))
    folder = tmp_path_factory.mktemp("untagged")
    labels = {}
    for i, (src, entry) in enumerate(zip(sources, LABELS["pieces"]), 1):
        strip_tags(src, folder / f"piece{i:02d}.ogg")
        labels[f"piece{i:02d}.ogg"] = entry["intensity"]
    return scan(folder), labels


def test_untagged_pieces_get_intensity_and_moods_from_listening(untagged) -> None:
    lib, labels = untagged
    assert sorted(p.path for p in lib.pieces) == sorted(labels) and lib.skipped == []
    table = json.loads(json.dumps(__import__("otio_scoreplan.library.analysis", fromlist=["x"]).rules_mood_table()))
    for piece in lib.pieces:
        assert piece.sources["intensity"] == "analysis" and piece.sources["moods"] == "analysis", piece.path
        assert 0.2 <= piece.intensity <= 1.0 and piece.analysis.estimated
        assert piece.moods and set(piece.moods) <= set(table), piece.moods


def test_estimated_intensity_follows_the_labels(untagged) -> None:
    """Spearman of estimated intensity against the committed labels: at least 0.6 over all pieces, and on the
    held-out half (odd positions in the labels file) as well; above loudness alone (the baseline)."""
    from scipy.stats import spearmanr

    lib, labels = untagged
    by = {p.path: p for p in lib.pieces}
    order = sorted(labels)
    truth = np.array([labels[k] for k in order])
    est = np.array([by[k].analysis.intensity for k in order])
    rho = spearmanr(truth, est)[0]
    held = np.arange(len(order)) % 2 == 1
    rho_held = spearmanr(truth[held], est[held])[0]
    print(f"intensity vs labels: Spearman {rho:.3f} (held-out half {rho_held:.3f}, {len(order)} pieces)")
    assert rho >= 0.6 and rho_held >= 0.6


def test_an_untagged_library_gives_a_tender_cue_a_quiet_piece(untagged) -> None:
    lib, _ = untagged
    rate = 24.0
    cues = [CueSpec(id="1M1", start_frame=0, end_frame=60 * 24, moods=("tender",), intensity=2 / 5),
            CueSpec(id="1M2", start_frame=300 * 24, end_frame=360 * 24, moods=("tension",), intensity=4 / 5)]
    tender, tension = choose(cues, lib, rate)
    soft, hard = lib.by_path(tender.path), lib.by_path(tension.path)
    assert soft.intensity <= 2 / 5 + 1e-9, (soft.path, soft.intensity, tender.reason)
    assert soft.intensity < hard.intensity, (soft.intensity, hard.intensity)


def test_the_insidious_action_cue_gets_a_piece_measured_4_or_more(tmp_path: Path) -> None:
    """The music-editor review (issue 14): on the Insidious R1 list, 1M3 "action, intensity 5" got Battle Epic
    (its file name says battle: action; measured 2.9) while Northerners and Frantic, measured 5.0 (moods only
    suggested by listening: action, horror), were in the library. Here the pieces as Debian names them (tags and
    file names, no catalogue), seven of them so that Battle Epic is the one whose name says action. Every cue of
    intensity 5 gets a piece measured at least 4 (there are some), and the quiet cues keep quiet pieces."""
    from conftest import CORPUS, run_main

    folder = tmp_path / "library"
    folder.mkdir()
    for src in need(WESNOTH, "battle-epic.ogg", "northerners.ogg", "frantic.ogg", "love_theme.ogg", "elf-land.ogg",
                    "sad.ogg", "revelation.ogg"):
        (folder / src.name).symlink_to(src)
    edl = CORPUS / "avid" / "pycmx_INS4_R1_010417.edl"
    out = run_main("spot", str(edl), "--rate", "24", "--library", str(folder), "--json")
    assert out.returncode == 0, out.stderr
    lib = scan(folder)  # from the scan's cache: the same measured intensities the choice saw
    cues = json.loads(out.stdout)["cues"]
    loud = [c for c in cues if c["intensity"] == 5 and c.get("temp")]
    assert loud and any(p.intensity >= 0.8 for p in lib.pieces)
    for c in loud:
        piece = lib.by_path(c["temp"]["path"])
        assert piece.sources["intensity"] == "analysis" and piece.intensity >= 0.8, (c["id"], piece.path, c["temp"])
    for c in cues:
        if c.get("temp") and c["intensity"] <= 2:
            assert lib.by_path(c["temp"]["path"]).intensity <= 2.5 / 5, (c["id"], c["temp"])


def _level_db(samples: np.ndarray, sr: int, start: float, end: float) -> float:
    seg = samples[int(start * sr):max(int(start * sr) + 1, int(end * sr))]
    if not len(seg):
        return -200.0
    return float(20 * np.log10(max(float(np.sqrt(np.mean(seg ** 2))), 1e-9)))


def test_endings_hold_when_the_audio_is_read_by_another_decoder(untagged) -> None:
    """Each ending read back with libsndfile (soundfile), not our ffmpeg decode: after a button only decay
    (no later 0.25 s window louder than the one at the button), a fade falls at least 10 dB, and the sound is
    gone (40 dB down) at the ending's end; bars are every ``beats_per_bar`` beats."""
    import soundfile

    lib, _ = untagged
    kinds = set()
    for piece in lib.pieces:
        a = piece.analysis
        samples, sr = soundfile.read(lib.absolute(piece), dtype="float32", always_2d=True)
        mono = samples.mean(axis=1)
        peak = max(_level_db(mono, sr, t, t + 0.25) for t in np.arange(0, a.duration, 0.25))
        kinds.add(a.ending.kind)
        if a.ending.kind == "button":
            at = _level_db(mono, sr, a.ending.time, a.ending.time + 0.25)
            after = [_level_db(mono, sr, t, t + 0.25) for t in np.arange(a.ending.time + 0.5, a.ending.end - 0.25, 0.25)]
            assert not after or max(after) <= at + 1.5, piece.path
        if a.ending.kind == "fade":
            assert _level_db(mono, sr, a.ending.time, a.ending.time + 0.5) - _level_db(
                mono, sr, a.ending.end - 0.5, a.ending.end) >= 10.0, piece.path
        if a.ending.end < a.duration - 0.5:
            assert _level_db(mono, sr, a.ending.end, a.duration) <= peak - 40.0, piece.path
        beats = np.array(a.beats)
        assert np.isin(a.bars, beats).all() and a.beats_per_bar in (2, 3, 4, 6)
        assert all(np.diff(np.searchsorted(beats, a.bars)) == a.beats_per_bar)
    assert {"button", "fade"} <= kinds


def test_an_opus_folder_is_scanned_and_listened_to(tmp_path: Path) -> None:
    """Warzone 2100's Opus soundtrack (a folder of .opus gave '0 pieces' before), beside a file that is not audio."""
    src = need(WARZONE, "track1.opus")[0]
    folder = tmp_path / "opus"
    folder.mkdir()
    (folder / "track1.opus").symlink_to(src)
    (folder / "cover.webp").write_bytes(b"RIFF0000WEBP")
    lib = scan(folder)
    (piece,) = lib.pieces
    assert piece.format == "opus" and piece.duration_seconds == pytest.approx(420.7, abs=0.5)
    assert piece.analysis.duration == pytest.approx(piece.duration_seconds, abs=0.1)
    assert [path for path, _ in lib.skipped] == ["cover.webp"] and "not an audio file" in lib.skipped[0][1]
    again = scan(folder)
    assert again.analysed == 0 and again.by_path("track1.opus").analysis == piece.analysis  # from the cache


def test_no_climax_twice_while_a_longer_piece_of_the_same_character_is_there(tmp_path: Path) -> None:
    """A 150 s action cue: battle-epic (74 s, its climax found at about 37-54 s) would have to play its climax twice
    (it lacks 76 s and holds only about 57 s outside the climax), so frantic (163 s, same catalogue mood and
    intensity) is chosen although battle-epic carries both of the cue's moods; a 60 s cue still gets battle-epic,
    and so does the 150 s cue when the library has nothing longer of its character."""
    from otio_scoreplan.library.choose import climax_twice

    epic, long = need(WESNOTH, "battle-epic.ogg", "frantic.ogg")
    for src in (epic, long):
        (tmp_path / src.name).write_bytes(src.read_bytes())
    catalogue = ('[[piece]]\nfile = "battle-epic.ogg"\nmoods = ["action", "triumphant"]\nintensity = 1.0\n'
                 '[[piece]]\nfile = "frantic.ogg"\nmoods = ["action"]\nintensity = 1.0\n')
    (tmp_path / "library.toml").write_text(catalogue, encoding="utf-8")
    lib = scan(tmp_path)
    short = lib.by_path(str(tmp_path / "battle-epic.ogg"))
    assert short is not None and any(s.label == "climax" for s in short.analysis.sections)
    assert climax_twice(short, 150.0) and not climax_twice(short, 60.0)
    rate = 24.0
    cue = CueSpec(id="1M1", start_frame=0, end_frame=int(150 * rate), moods=("action", "triumphant"), intensity=1.0)
    short_cue = CueSpec(id="1M2", start_frame=int(400 * rate), end_frame=int(460 * rate), moods=("action", "triumphant"),
                        intensity=1.0)
    long_pick, short_pick = choose([cue, short_cue], lib, rate)
    assert Path(long_pick.path).name == "frantic.ogg", long_pick.reason
    assert "1 piece(s) left out: a climax twice where a longer piece of its character lasts the cue" in long_pick.reason
    assert Path(short_pick.path).name == "battle-epic.ogg", short_pick.reason  # it lasts this cue: mood wins
    (tmp_path / "library.toml").write_text(catalogue.replace('moods = ["action"]\nintensity = 1.0',
                                                             'moods = ["tender"]\nintensity = 0.2'), encoding="utf-8")
    other = scan(tmp_path)
    [pick] = choose([cue], other, rate)
    assert Path(pick.path).name == "battle-epic.ogg", pick.reason  # nothing longer of its character


def test_a_genre_naming_the_romantic_period_is_no_mood() -> None:
    """Every Wesnoth piece carries the genre tag 'Romantic Classical' (the period): Battle Music is not read as
    romantic (the music editor's review saw all 20 pieces listed 'romantic'); Love Theme still is, by its description
    ('intended for tragic love scenes')."""
    import mutagen

    from otio_scoreplan.library.catalogue import tag_fields

    battle, love = need(WESNOTH, "battle.ogg", "love_theme.ogg")
    assert "Romantic Classical" in mutagen.File(battle).tags.get("genre")
    assert "romantic" not in tag_fields(mutagen.File(battle)).get("moods", [])
    assert "romantic" in tag_fields(mutagen.File(love)).get("moods", [])


def test_the_ending_before_a_long_quiet_ring_is_where_the_music_stops() -> None:
    """Wesnoth's knolls.ogg holds its last chord to 6:30.2 and releases it; a quiet ring (about 20 dB down, one
    soft note in it at 6:38) sounds on to 6:48. The music-editor review heard the analysis put the ending on that
    note ('button 6:38'), 8 s after the real one, so a hard out landed the ring's note on the cut. The ending is
    where the music stops (read back with libsndfile: at full level the second before, nothing within 12 dB of it
    after), and a hard-out cue's cut lands it on the out within a frame."""
    import soundfile

    from otio_scoreplan.audio.cut import plan_for_file
    from otio_scoreplan.audio.fit import FitSettings
    from otio_scoreplan.library.analysis import analyse_piece

    (path,) = need(WESNOTH, "knolls.ogg")
    a = analyse_piece(path)
    assert a.ending.kind in ("button", "cut") and 389.7 <= a.ending.time <= 390.7, a.ending
    samples, sr = soundfile.read(path, dtype="float32", always_2d=True)
    mono = samples.mean(axis=1)
    held = _level_db(mono, sr, a.ending.time - 1.0, a.ending.time)
    after = [_level_db(mono, sr, t, t + 0.25) for t in np.arange(a.ending.time + 0.5, a.duration - 0.25, 0.25)]
    assert held > -25.0 and max(after) <= held - 12.0
    rate = 24
    cue = CueSpec("1M1", 0, 60 * rate, exit="hard_out")
    plan = plan_for_file(path, cue, rate, FitSettings())
    assert plan is not None and plan.button_at is not None and abs(plan.button_at - 60.0) <= 1 / rate
    (span,) = [s for s in plan.spans if s.at <= plan.button_at <= s.end]
    assert abs(span.source + plan.button_at - span.at - a.ending.time) <= 1 / rate
