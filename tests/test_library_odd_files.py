"""Odd entries in a temp-music folder are named among the skipped files with their reason, never opened (issue 11
follow-up, hostile review: a FIFO, a folder named ``x.wav``, a broken symbolic link and a link to /dev/zero were
left out of the listing without a word). Through the real command, with a timeout: a FIFO opened would hang."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from conftest import run_cli


@pytest.fixture
def odd_library(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    (lib / "x.wav").mkdir(parents=True)
    (lib / "x.wav" / "readme.txt").write_text("a folder named like a piece")
    (lib / "sub").mkdir()
    t = np.arange(48000 * 4) / 48000
    sf.write(lib / "tone.wav", np.stack([0.2 * np.sin(2 * np.pi * 220 * t)] * 2, axis=1), 48000, subtype="PCM_24")
    os.mkfifo(lib / "pipe.wav")
    (lib / "broken.wav").symlink_to(tmp_path / "gone.wav")
    (lib / "zero.wav").symlink_to("/dev/zero")
    (lib / "sub" / "linked.wav").symlink_to(lib / "tone.wav")  # a link to a piece is that piece
    (lib / ".hidden.wav").symlink_to("/dev/zero")  # hidden entries are passed over, as ever
    return lib


def test_every_odd_entry_is_named_with_its_reason(odd_library: Path) -> None:
    proc = run_cli("library", "--json", "--no-listen", str(odd_library), timeout=120)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads(proc.stdout)
    skipped = {s["path"]: s["reason"] for s in doc["skipped"]}
    assert skipped == {
        "broken.wav": f"a broken symbolic link (to {str(odd_library.parent / 'gone.wav')!r}, which does not exist)",
        "pipe.wav": "a pipe (FIFO), not a regular file; not read",
        "x.wav": "a folder, not an audio file",
        "zero.wav": "a symbolic link to '/dev/zero', which is a character device, not a regular file; not read",
    }
    assert sorted(p["path"] for p in doc["pieces"]) == ["sub/linked.wav", "tone.wav"]


def test_the_listing_names_them_too(odd_library: Path) -> None:
    proc = run_cli("library", "--no-listen", str(odd_library), timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("skipped: ")]
    assert [ln.split(":")[1].strip() for ln in lines] == ["broken.wav", "pipe.wav", "x.wav", "zero.wav"]
    assert "4 skipped" in proc.stdout.splitlines()[0]


def _tone(path: Path, seconds: float = 3.0, amp: float = 0.2) -> Path:
    t = np.arange(int(48000 * seconds)) / 48000
    sf.write(path, np.stack([amp * np.sin(2 * np.pi * 220 * t)] * 2, axis=1), 48000, subtype="PCM_24")
    return path


def test_linked_folders_are_followed_and_loops_named(tmp_path: Path) -> None:
    """Hostile review: pieces in a linked sub-folder (lib/strings -> a shared drive) vanished without a word
    (rglob does not follow folder links). They are listed; a link back to a folder holding it is a folder link
    loop, a second link to one folder is named, and two file links pointing at each other are a link loop."""
    shared = tmp_path / "shared" / "strings"
    shared.mkdir(parents=True)
    _tone(shared / "pursuit.wav")
    (shared / "up").symlink_to("..")  # a loop: the link's target holds it
    lib = tmp_path / "lib"
    lib.mkdir()
    _tone(lib / "tone.wav")
    (lib / "strings").symlink_to(shared)
    (lib / "strings_too").symlink_to(shared)  # the first in name order is listed
    (lib / "self").symlink_to(".")
    (lib / "a.wav").symlink_to("b.wav")
    (lib / "b.wav").symlink_to("a.wav")
    proc = run_cli("library", "--json", "--no-listen", str(lib), timeout=120)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads(proc.stdout)
    assert sorted(p["path"] for p in doc["pieces"]) == ["strings/pursuit.wav", "tone.wav"]
    assert {s["path"]: s["reason"] for s in doc["skipped"]} == {
        "a.wav": "a link loop (to 'b.wav', which leads back to itself); not read",
        "b.wav": "a link loop (to 'a.wav', which leads back to itself); not read",
        "self": "a folder link loop (to '.', a folder that holds the link); not followed",
        "strings/up": "a folder link loop (to '..', a folder that holds the link); not followed",
        "strings_too": f"a folder already listed as 'strings' (a link to {str(shared)!r}); not listed twice",
    }


def test_silence_is_named_not_listed(tmp_path: Path) -> None:
    """Hostile review: an all-zero WAV was listed as music ('comedy, intimate~ 287 BPM') and chosen as temp. A piece
    whose loudest sample is below -60 dBFS is skipped with its reason; one at -40 dBFS is music, and listed."""
    lib = tmp_path / "lib"
    lib.mkdir()
    sf.write(lib / "zero.wav", np.zeros((48000 * 5, 2)), 48000, subtype="PCM_16")
    _tone(lib / "hiss.wav", 5.0, amp=10 ** (-70 / 20))  # a -70 dBFS tone: near silence
    _tone(lib / "quiet.wav", 5.0, amp=10 ** (-40 / 20))
    proc = run_cli("library", "--json", "--no-cache", str(lib), timeout=600)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads(proc.stdout)
    assert [p["path"] for p in doc["pieces"]] == ["quiet.wav"]
    skipped = {s["path"]: s["reason"] for s in doc["skipped"]}
    assert skipped["zero.wav"] == "silent (digital zero throughout); not music to lay under a cue"
    head, figure = "silent (its mono mix peaks at ", skipped["hiss.wav"].split(" dBFS")[0].split()[-1]
    assert skipped["hiss.wav"].startswith(head) and "below the -60 dBFS of silence" in skipped["hiss.wav"]
    assert -70.5 <= float(figure) <= -66.5  # ffmpeg's mono mix of a tone alike in both channels is up to 3 dB up
    again = json.loads(run_cli("library", "--json", str(lib), timeout=600).stdout)  # from the scan cache: the same
    assert [p["path"] for p in again["pieces"]] == ["quiet.wav"] and again["skipped"] == doc["skipped"]


def _huge_wav(path: Path, data_bytes: int) -> Path:
    """A 16-bit stereo 48 kHz WAV header claiming ``data_bytes`` of samples, the file truncated to that size:
    sparse, so it costs no disk, and all zero."""
    import struct

    with open(path, "wb") as fh:
        fh.write(b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE" + b"fmt "
                 + struct.pack("<IHHIIHH", 16, 1, 2, 48000, 192000, 4, 16) + b"data" + struct.pack("<I", data_bytes))
        fh.truncate(44 + data_bytes)
    return path


def test_a_piece_of_hours_is_named_never_decoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile review: a 4 GB sparse WAV (hours long) drove ``library`` to 12.9 GB. A piece longer than 30 min is
    timed from its header, never decoded, and named among the skipped with its length."""
    import otio_scoreplan.audio.decode as decode_module
    from otio_scoreplan.library import scan as scan_module

    lib = tmp_path / "lib"
    lib.mkdir()
    _huge_wav(lib / "bounce.wav", 0xFFFF0000)  # 6 h 12 min
    _tone(lib / "tone.wav")
    decoded: list[str] = []
    real_decode = decode_module.decode

    def watched(path, *args, **kw):
        decoded.append(Path(path).name)
        return real_decode(path, *args, **kw)

    monkeypatch.setattr(decode_module, "decode", watched)
    found = scan_module.scan(lib, use_cache=False)
    assert [p.path for p in found.pieces] == ["tone.wav"] and decoded == ["tone.wav"]
    assert found.skipped == [("bounce.wav", "6 h 12 min long: a temp piece lasts at most 30 min (a longer one is not "
                                            "listened to: its analysis would take gigabytes of memory); not listed")]
    # where mutagen cannot time it, the WAV chunks do, still without decoding
    monkeypatch.setattr(scan_module, "_probe_mutagen", lambda *a, **k: None)
    monkeypatch.setattr(scan_module, "_counted_seconds", lambda path: pytest.fail(f"{path} decoded to time it"))
    facts = scan_module.probe(lib / "bounce.wav")["audio"]
    assert facts == {"duration_seconds": 0xFFFF0000 // 4 / 48000, "sample_rate": 48000, "channels": 2}


def test_a_file_no_header_times_is_counted_no_further_than_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file timed by decoding (no header says its length) is decoded in blocks and no further than a little
    past the limit: a raw stream longer than the limit is named as too long (here the limit is set to 2 s)."""
    from otio_scoreplan.library import scan as scan_module

    lib = tmp_path / "lib"
    lib.mkdir()
    _tone(lib / "long.wav", 6.0)
    _tone(lib / "short.wav", 1.5)
    monkeypatch.setattr(scan_module, "_probe_mutagen", lambda *a, **k: None)
    monkeypatch.setattr(scan_module, "_wav_header_facts", lambda path: None)
    monkeypatch.setattr(scan_module, "MAX_PIECE_SECONDS", 2)
    assert scan_module._counted_seconds(lib / "long.wav") == pytest.approx(3.0, abs=0.05)  # stopped at limit + 1 s
    found = scan_module.scan(lib, use_cache=False, listen=False)
    assert [(p.path, round(p.duration_seconds, 2)) for p in found.pieces] == [("short.wav", 1.5)]
    assert found.skipped == [("long.wav", "more than 2 s long: a temp piece lasts at most 2 s (a longer one is not "
                                          "listened to: its analysis would take gigabytes of memory); not listed")]
