"""Damaged lines of an EDL are said and skipped, not dropped silently nor the whole list refused (issue 11
follow-ups, hostile review): an event whose record out comes before its record in is left out with a warning
naming its event number and line; a ``* LOC`` line whose timecode cannot be read (or does not exist at the
list's rate) is skipped with a warning naming its line. Through the real command, the written list reread with
pycmx (an independent reader)."""

from __future__ import annotations

import json
from pathlib import Path

import pycmx
import pytest
from conftest import CORPUS, SAMPLES, run_cli

EDL = SAMPLES / "avid_sample.edl"
EVENT_3 = "003  B009C002 AA/V  C        14:48:30;00 14:48:38;00 01:00:14;00 01:00:22;00"
LOC_IN = "* LOC: 01:00:12;00 RED     MUSIC IN - tension"


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = EDL.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "edited.edl"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _warnings(stderr: str) -> list[str]:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert all(ln.startswith("scoreplan: WARNING: ") for ln in lines), lines
    assert "Traceback" not in stderr
    return lines


def test_a_reversed_event_is_left_out_with_a_warning_naming_it(tmp_path: Path) -> None:
    path = _edited(tmp_path, EVENT_3, "003  B009C002 AA/V  C        14:48:30;00 14:48:38;00 01:00:22;00 01:00:14;00")
    proc = run_cli("inspect", "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    said = [w for w in _warnings(proc.stderr) if "record out before record in" in w]
    assert said == ["scoreplan: WARNING: 1 event(s) end before they start (record out before record in) and were "
                    "left out: event 003 (line 11)"]
    before = run_cli("inspect", "--json", str(EDL))
    assert "record out before" not in before.stderr


@pytest.mark.parametrize("line, why", [
    ("* LOC: 01:00:12;0X RED     MUSIC IN - tension", "a letter in the frames"),
    ("* LOC: 01:00:12 RED     MUSIC IN - tension", "three fields"),
    ("* LOC: 01:00:72;00 RED     MUSIC IN - tension", "72 seconds"),
    ("* LOC: 01:00:12;45 RED     MUSIC IN - tension", "45 frames at 29.97"),
])
def test_a_malformed_locator_line_is_skipped_with_a_warning_and_the_list_read(tmp_path: Path, line: str, why: str) -> None:
    path = _edited(tmp_path, LOC_IN, line)
    spot = run_cli("spot", str(path), "--rate", "29.97")
    assert spot.returncode == 0, (why, spot.stderr)
    said = [w for w in _warnings(spot.stderr) if "locator line" in w]
    assert said == ["scoreplan: WARNING: 1 locator line(s) with no readable timecode were skipped (line 9)"], why
    assert "MUSIC OUT without a MUSIC IN" in spot.stderr  # the skipped MUSIC IN marks nothing
    out = tmp_path / "out.edl"
    proc = run_cli("apply", str(path), "-o", str(out), "--rate", "29.97")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, (why, proc.stderr)
    assert [w for w in _warnings(proc.stderr) if "locator line" in w] == said, "apply says what it skipped, as spot does"
    # the rest of the list is read and written back: every event, and the other locators at their places
    theirs = [(e.number, e.edits[0].record_in) for e in pycmx.parse_cmx3600(EDL.open()).events]
    ours = [(e.number, e.edits[0].record_in) for e in pycmx.parse_cmx3600(out.open()).events]
    assert len(theirs) > 10 and ours[: len(theirs)] == theirs
    text = out.read_text(encoding="utf-8")
    assert "* LOC: 01:00:36;00 RED     MUSIC OUT" in text and "* LOC: 01:00:37;00 GREEN   hit: door slam" in text
    assert line in text  # the editor's line is kept as written: the list is theirs


LIST_25 = CORPUS / "premiere" / "pycmx_test_25.edl"
CLIP_25 = "00:00:59:24\n* FROM CLIP NAME: Jellyfish.jpg\n"  # (event 001) line 4 of the 25 fps list: a locator goes in after it, as line 5


@pytest.mark.parametrize("source, old, new, line_no", [
    # frame 45 does not exist at 29.97 (it did make the whole list 59.94, 10794 frames)
    (EDL, "* LOC: 01:00:36;00 RED", "* LOC: 01:00:36;45 RED", 19),
    # no time at all (it did refuse the list: "timecode frame 99 ... pass --rate")
    (EDL, "* LOC: 01:00:36;00 RED", "* LOC: 99:99:99;99 RED", 19),
    # frame 27 does not exist at 25 (it did make the 25 fps list 29.97)
    (LIST_25, CLIP_25, CLIP_25 + "* LOC: 00:00:10:27 RED     hit\n", 5),
], ids=["frame-45-at-29.97DF", "99:99:99;99", "frame-27-at-25"])
def test_a_damaged_locator_does_not_change_the_rate_found(tmp_path: Path, source: Path, old: str, new: str, line_no: int) -> None:
    """Locators are comments: the rate comes from the events' timecodes, and a locator naming a frame that rate has
    not is skipped with the warning naming its line, as under --rate (hostile review, issue 11 follow-up)."""
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "damaged.edl"
    path.write_text(text.replace(old, new), encoding="utf-8")
    proc = run_cli("inspect", "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    said = [w for w in _warnings(proc.stderr) if "locator line" in w]
    assert said == [f"scoreplan: WARNING: 1 locator line(s) with no readable timecode were skipped (line {line_no})"]
    before = run_cli("inspect", "--json", str(source))
    assert before.returncode == 0 and "locator line" not in before.stderr, before.stderr
    keys = ("rate", "rate_label", "drop_frame", "start_frame", "duration_frames", "rate_assumed")
    theirs, ours = (json.loads(p.stdout)["sequence"] for p in (before, proc))
    assert {k: ours[k] for k in keys} == {k: theirs[k] for k in keys}
    out = tmp_path / "out.edl"
    applied = run_cli("apply", str(path), "-o", str(out))
    assert applied.returncode == 0, applied.stderr
    assert [w for w in _warnings(applied.stderr) if "locator line" in w] == said
    events = [(e.number, [(x.record_in, x.record_out) for x in e.edits]) for e in pycmx.parse_cmx3600(source.open()).events]
    reread = [(e.number, [(x.record_in, x.record_out) for x in e.edits]) for e in pycmx.parse_cmx3600(out.open()).events]
    assert len(events) >= 7 and reread[: len(events)] == events
    assert new.strip().splitlines()[-1] in out.read_text(encoding="utf-8")  # the editor's line is kept as written
