"""Small bugs of issue 15, one test each: terminal lines wrap at words (why lines, recut notes), the rate warning
is printed once, ``render`` says "pinned" only for a person's pin, a kept temp's reason states the recut's length."""

from __future__ import annotations

import json
import wave
from pathlib import Path

from conftest import SAMPLES, run_cli

from otio_scoreplan.library.catalogue import Piece
from otio_scoreplan.library.choose import choose
from otio_scoreplan.library.cuespec import CueSpec
from otio_scoreplan.library.scan import Library
from otio_scoreplan.model import SequenceInfo
from otio_scoreplan.plan import temp_reason_for
from otio_scoreplan.plan.model import Cue, CueChange, Plan, TempPick
from otio_scoreplan.plan.table import WIDTH, plan_text, recut_text

SEQ = SequenceInfo("R1", 24.0, False, 86400, 24 * 600, "fcp7_xml")
LONG = ("music in the cut: 'KPM_0512_03_Night_Pursuit_Alternate_Mix_With_Extra_Long_Name.wav' on A3 "
        "01:00:40:00-01:01:18:00 (media in a music folder 'Music/Temp/Library/Production Music') and the editor's "
        "note about the low brass and the drums that build to the gunshot at the end of the alley")


def _words(lines: list[str]) -> list[str]:
    return " ".join(lines).split()


def test_why_lines_wrap_at_words() -> None:
    plan = Plan([SEQ], ["a"], [Cue(0, 480, id="1M1", reasons=(LONG,), description=LONG)])
    lines = plan_text(plan).splitlines()
    why = lines.index(next(x for x in lines if x.strip().startswith("why:")))
    body = [x for x in lines[why:] if x.startswith(" " * 8)]
    assert len(body) > 1 and all(len(x) <= WIDTH for x in body)
    assert _words(body) == ("why: " + LONG).split()  # every word whole, none cut


def test_recut_notes_wrap_at_words() -> None:
    change = CueChange("shortened", "1M1", 0, 600, length_frames=-120, notes=(LONG,))
    plan = Plan([SEQ], ["a"], [Cue(0, 480, id="1M1", recut=change)], recut_from="sha256:abc")
    lines = [x for x in recut_text(plan).splitlines() if x.startswith(" " * 10)]
    assert len(lines) > 1 and all(len(x) <= WIDTH for x in lines) and _words(lines) == LONG.split()


def test_the_edl_rate_warning_is_printed_once(tmp_path: Path) -> None:
    edl = tmp_path / "thirty.edl"
    edl.write_text("TITLE: X\nFCM: NON-DROP FRAME\n\n"
                   "001  AX       V     C        00:00:00:00 00:00:10:29 01:00:00:00 01:00:10:29\n"
                   "002  AX       V     C        00:00:00:00 00:00:10:00 01:00:10:29 01:00:20:29\n")
    result = run_cli("inspect", str(edl))  # a process of its own: what a terminal shows, stdout and stderr
    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).count("timecode counts 30 frames a second") == 1


def _lib(tmp_path: Path) -> Library:
    for name in ("chosen.wav", "other.wav"):
        (tmp_path / name).write_bytes(b"")
    return Library(folder=tmp_path, pieces=[Piece("chosen.wav", "wav", 50.0, title="Chosen", moods=["tension"]),
                                            Piece("other.wav", "wav", 50.0, title="Other", moods=["sad"])])


def test_render_says_pinned_only_for_a_persons_pin(tmp_path: Path) -> None:
    lib = _lib(tmp_path)
    by_library = TempPick("chosen.wav", "Chosen", reason="mood tension; 50 s covers the cue's 20 s")
    by_person = TempPick("chosen.wav", pinned=True, reason="mood tension")
    by_hand = TempPick("chosen.wav")
    said = [choose([CueSpec.from_cue(Cue(0, 480, id="1M1", temp=t), 24.0)], lib, 24.0)[0].reason
            for t in (by_library, by_person, by_hand)]
    assert said[0] == "kept from the plan (the library chose it earlier: mood tension; 50 s covers the cue's 20 s)"
    assert said[1] == said[2] == "pinned in the plan"
    assert choose([CueSpec("1M1", 0, 480, pin_path="chosen.wav")], lib, 24.0)[0].reason == "pinned in the plan"


def test_temp_reason_states_the_cues_own_length() -> None:
    assert temp_reason_for("mood tension; 35 s covers the cue's 30 s; intensity 1.0", 20.4) == \
        "mood tension; 35 s covers the cue's 20 s; intensity 1.0"
    assert temp_reason_for("35 s covers the cue's 30 s", 50.0) == "35 s, loops to the cue's 50 s"
    assert temp_reason_for("pinned in the plan", 10.0) == "pinned in the plan"


def test_a_recut_restates_a_kept_temps_length(tmp_path: Path) -> None:
    """1M2 (MX: chase, 30 s) had a temp chosen for 30 s; the recut shortens the written range to 20 s."""
    first = run_cli("spot", str(SAMPLES / "premiere_sample.xml"), "--json")
    plan = json.loads(first.stdout)
    m2 = next(c for c in plan["cues"] if c["description"].startswith("chase"))
    piece = tmp_path / "rooftop_fight.wav"
    with wave.open(str(piece), "wb") as w:  # 35 s of silence: a piece that is there to keep
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000), w.writeframes(b"\0\0" * 8000 * 35)
    m2["temp"] = {"path": str(piece), "title": "Rooftop Fight", "offset_seconds": 0.0,
                  "reason": "mood action; 35 s covers the cue's 30 s; intensity 1.0 near 1.0"}
    previous = tmp_path / "plan.json"
    previous.write_text(json.dumps(plan))
    recut = tmp_path / "recut.xml"
    recut.write_text((SAMPLES / "premiere_sample.xml").read_text(encoding="utf-8")
                     .replace("<in>1056</in>\n\t\t\t<out>1776</out>", "<in>1056</in>\n\t\t\t<out>1536</out>"), encoding="utf-8")
    again = run_cli("spot", str(recut), "--json", "--previous", str(previous))
    assert again.returncode == 0, again.stderr
    new = json.loads(again.stdout)
    kept = next(c for c in new["cues"] if c["id"] == m2["id"])
    assert round(kept["duration_seconds"]) == 20 and kept["recut"]["change"] == "shortened"
    assert kept["temp"]["reason"] == "mood action; 35 s covers the cue's 20 s; intensity 1.0 near 1.0"
    assert new["revision"] == plan["revision"] + 1
