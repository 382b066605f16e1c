"""Every hand edit answered in one line (issue 11): hand-edited plans, rules files and library catalogues.

The reproducers in ``../shared/reproducers/hand-edits/`` (collected by glob: new ones are picked up) run
through the real command as a subprocess: each plan through ``apply --plan`` onto the Premiere sample,
``notes``, ``render`` with the demo library and ``spot --previous``; each rules file through ``spot``. The
further notes formats of a plan notes accepts, and ``apply --rules``, run in this process through the same
entry point (``cli.main``), to keep the suite's time. Each ends in exit 0, or exit 2 with one error line
naming the file; never exit 3 or a traceback, never an input changed or an output left behind by a failure.
Then the schemas (plan, rules, catalogue) and the input checks one kind at a time.
"""

from __future__ import annotations

import copy
import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES, run_main
from hostile.harness import snapshot

from otio_scoreplan.errors import ScorePlanError
from otio_scoreplan.plan.model import load_plan
from otio_scoreplan.plan.rules import load_rules
from otio_scoreplan.plan.schema import check_plan

REPRODUCERS = Path(os.environ.get("SCOREPLAN_REPRODUCERS", REPO.parent / "shared" / "reproducers")).resolve()
HAND_EDITS = REPRODUCERS / "hand-edits"
PLANS = sorted((HAND_EDITS / "plans").glob("*.json"))
RULES = sorted((HAND_EDITS / "rules").glob("*"))
SAMPLE = SAMPLES / "premiere_sample.xml"
NOTES_FORMATS = (".csv", ".md", ".html", ".pdf", ".mid")


def _scoreplan(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "otio_scoreplan", *argv], check=False, capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def _broken(proc: subprocess.CompletedProcess, names: list[str]) -> list[str]:
    """What the run did against the promise: exit 0, or exit 2 with one error line naming one of ``names``."""
    found = []
    text = proc.stdout + proc.stderr
    if "Traceback" in text:
        found.append("traceback printed")
    if proc.returncode not in (0, 2):
        found.append(f"exit {proc.returncode}: {proc.stderr.strip()[-300:]!r}")
    if proc.returncode == 2:
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip() and ": WARNING: " not in ln]
        if len(lines) != 1 or not lines[0].startswith("scoreplan: error: "):
            found.append(f"not one error line: {lines[:3]!r}")
        elif not any(n in lines[0] for n in names):
            found.append(f"the error names none of {names}: {lines[0][:200]!r}")
    return found


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """The demo library (tools/make_demo_library.py): the pieces ``LIBRARY/...`` stands for in the plans."""
    lib = tmp_path_factory.mktemp("demo") / "library"
    subprocess.run([sys.executable, str(REPO / "tools" / "make_demo_library.py"), str(lib)], check=True,
                   capture_output=True, timeout=600)
    return lib


def test_the_reproducers_are_there() -> None:
    assert len(PLANS) >= 80 and len(RULES) >= 40, f"reproducers missing under {HAND_EDITS}"


@pytest.mark.parametrize("original", PLANS, ids=lambda p: p.stem)
def test_a_hand_edited_plan_through_every_command(original: Path, library: Path, tmp_path: Path) -> None:
    plan = tmp_path / "in" / original.name
    plan.parent.mkdir()
    plan.write_bytes(original.read_bytes().replace(b"LIBRARY/", f"{library}/".encode()))
    out = tmp_path / "out"
    out.mkdir()
    runs = [["apply", str(SAMPLE), "--plan", str(plan), "-o", str(out / "cut.xml"), "--media-dir", str(out / "media")],
            ["notes", str(plan), "-o", str(out / "notes.csv")],
            ["render", str(plan), "--library", str(library), "-o", str(out / "mix.wav")],
            ["spot", str(SAMPLE), "--previous", str(plan)]]
    broken: list[str] = []
    before = snapshot(plan.parent)
    for argv in runs:
        proc = _scoreplan(*argv, cwd=tmp_path)
        broken += [f"{argv[0]}: {b}" for b in _broken(proc, [plan.name])]
        if proc.returncode == 2 and any(out.rglob("*")):
            broken.append(f"{argv[0]}: failed but left {sorted(p.name for p in out.rglob('*'))[:4]}")
        if argv[0] == "notes" and proc.returncode == 0:  # the plan is read: every other document too
            for suffix in NOTES_FORMATS[1:]:  # (in this process: the same entry point, no start-up each)
                more = run_main("notes", str(plan), "-o", str(out / f"notes{suffix}"))
                broken += [f"notes {suffix}: {b}" for b in _broken(more, [plan.name])]
            more = run_main("notes", str(plan), "--cue-sheet", str(out / "cs.csv"), "--avid-markers", str(out / "a.txt"),
                            "--resolve-markers", str(out / "r.edl"), "--themes", str(out / "themes.html"))
            broken += [f"notes lists: {b}" for b in _broken(more, [plan.name])]
        for p in sorted(out.rglob("*"), reverse=True):
            p.rmdir() if p.is_dir() else p.unlink()
    assert snapshot(plan.parent) == before, "an input changed"
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("rules", RULES, ids=lambda p: p.name)
def test_a_hand_edited_rules_file_through_spot_and_apply(rules: Path, tmp_path: Path) -> None:
    spot = _scoreplan("spot", str(SAMPLE), "--rules", str(rules), cwd=tmp_path)
    apply = run_main("apply", str(SAMPLE), "--rules", str(rules), "-o", str(tmp_path / "cut.xml"))
    broken = [f"spot: {b}" for b in _broken(spot, [rules.name])] + [f"apply: {b}" for b in _broken(apply, [rules.name])]
    assert not broken, "\n".join(broken)
    assert spot.returncode == apply.returncode, "spot and apply read the rules differently"
    assert (tmp_path / "cut.xml").exists() == (apply.returncode == 0)


# -- the plan schema, kind by kind ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan_doc() -> dict:
    proc = run_main("spot", "--json", str(SAMPLE))
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    assert len(doc["cues"]) >= 3 and doc["inputs"][0]["shots"]
    return doc


def _refused(doc: dict, *words: str) -> str:
    with pytest.raises(ScorePlanError) as err:
        check_plan(doc, "edited.json")
    line = err.value.one_line()
    assert line.startswith("edited.json: ") and "\n" not in line
    for w in words:
        assert w in line, line
    return line


def _edit(doc: dict, change) -> dict:
    doc = copy.deepcopy(doc)
    change(doc)
    return doc


def test_the_plan_spot_writes_passes_its_schema(plan_doc) -> None:
    assert len(check_plan(plan_doc).cues) == len(plan_doc["cues"])


@pytest.mark.parametrize("key, value, words", [
    ("entry", "prelap", ["cues[0]", ".entry", "an object", "'prelap'"]),
    ("themes", [5], ["cues[0]", ".themes[0]", "text", "5"]),
    ("start_frame", True, [".start_frame", "whole number"]),
    ("start_frame", "288", [".start_frame", "whole number", "'288'"]),
    ("start_frame", 288.5, [".start_frame", "whole number"]),
    ("start_frame", 10 ** 30, [".start_frame", "less than or equal"]),
    ("intensity", 99, [".intensity", "less than or equal to 5"]),
    ("kind", "diegetic", [".kind", "'score' or 'source'"]),
    ("hits", ["x"], [".hits[0]", "an object"]),
    ("final", ["a"], [".final", "an object"]),
    ("temp", "x.wav", [".temp", "an object"]),
    ("moods", "tension", [".moods", "a list"]),
    ("id", 123, [".id", "text"]),
    ("id", "x" * 1000, [".id", "at most 64"]),
], ids=lambda v: v if isinstance(v, str) and len(v) < 20 else None)
def test_wrong_types_in_a_cue_are_refused_naming_the_key(plan_doc, key, value, words) -> None:
    _refused(_edit(plan_doc, lambda d: d["cues"][0].__setitem__(key, value)), "malformed plan", *words)


@pytest.mark.parametrize("value, words", [
    (float("inf"), ["finite"]), (float("nan"), ["finite"]), (1e308, ["less than or equal"]),
    (-30, ["greater than or equal to 0"]), ("nan", ["a number"])])
def test_temp_offsets_must_be_finite_and_in_range(plan_doc, value, words) -> None:
    doc = _edit(plan_doc, lambda d: d["cues"][0].__setitem__("temp", {"path": "x.wav", "offset_seconds": value}))
    _refused(doc, ".temp.offset_seconds", *words)


@pytest.mark.parametrize("rate, words", [(0, ["greater than or equal to 1"]), (-24, ["greater than or equal to 1"]),
                                         (float("nan"), ["finite"]), (1e-9, ["greater than"]), (1e300, ["less than"])])
def test_rates_of_zero_negative_or_nan_are_refused(plan_doc, rate, words) -> None:
    def change(d: dict) -> None:
        d["sequence"]["rate"] = rate
        d["inputs"][0]["sequence"]["rate"] = rate
    _refused(_edit(plan_doc, change), "rate", *words)


def test_a_rate_edited_to_another_valid_rate_no_longer_matches_the_fingerprint(plan_doc) -> None:
    def change(d: dict) -> None:
        d["sequence"]["rate"] = d["inputs"][0]["sequence"]["rate"] = 25
    _refused(_edit(plan_doc, change), "inputs[0].sequence", "fingerprint")


def test_drop_frame_at_23976_is_refused(plan_doc) -> None:
    def change(d: dict) -> None:
        d["sequence"]["drop_frame"] = d["inputs"][0]["sequence"]["drop_frame"] = True
    _refused(_edit(plan_doc, change), "drop frame exists at 29.97 and 59.94 only")


@pytest.mark.parametrize("text, kind", [("\ud800 a", ""), ("a\ufffeb", "noncharacter (U+FFFE)"),
                                        ("a\x00b", "control character (U+0000)"), ("a\x85b", "control character (U+0085)"),
                                        ("a\U0001fffeb", "noncharacter (U+1FFFE)")])
def test_text_no_format_can_carry_is_refused(plan_doc, text, kind) -> None:
    line = _refused(_edit(plan_doc, lambda d: d["cues"][1].__setitem__("description", text)), "cues[1]", ".description")
    assert kind in line


def test_line_ends_and_tabs_in_a_description_are_kept_but_not_in_a_label(plan_doc) -> None:
    check_plan(_edit(plan_doc, lambda d: d["cues"][0].__setitem__("description", "one\r\ntwo\tthree\u2028four")))
    _refused(_edit(plan_doc, lambda d: d["cues"][0].__setitem__("moods", ["a\nb"])), ".moods[0]", "line break")
    _refused(_edit(plan_doc, lambda d: d["cues"][0].__setitem__("id", "1M1\u202e")), ".id", "bidirectional")


def test_infinity_and_nan_are_refused_when_the_plan_is_read(tmp_path, plan_doc) -> None:
    for token in ("Infinity", "-Infinity", "NaN"):
        text = json.dumps(plan_doc).replace('"start_frame": 288', f'"start_frame": {token}', 1)
        assert token in text
        path = tmp_path / "p.json"
        path.write_text(text)
        with pytest.raises(ScorePlanError) as err:
            load_plan(path)
        assert "p.json: the plan is not JSON" in err.value.one_line() and token.lstrip("-") in err.value.one_line()


def test_a_plan_edited_to_a_longer_duration_is_refused(plan_doc) -> None:
    def change(d: dict) -> None:
        d["sequence"]["duration_frames"] = d["inputs"][0]["sequence"]["duration_frames"] = 4560
        d["cues"][-1]["end_frame"] = 4560
    _refused(_edit(plan_doc, change), "inputs[0].sequence", "fingerprint")


def test_a_plan_without_shots_edited_to_a_longer_duration_is_refused_by_apply(plan_doc, tmp_path) -> None:
    def change(d: dict) -> None:
        del d["inputs"][0]["shots"]
        d["sequence"]["duration_frames"] = d["inputs"][0]["sequence"]["duration_frames"] = 4560
    path = tmp_path / "longer.json"
    path.write_text(json.dumps(_edit(plan_doc, change)))
    proc = run_main("apply", str(SAMPLE), "--plan", str(path), "-o", str(tmp_path / "out.xml"))
    assert proc.returncode == 2 and "longer.json: the plan's sequence must match the cut's" in proc.stderr
    assert "4560" in proc.stderr and "4320" in proc.stderr and not (tmp_path / "out.xml").exists()


@pytest.mark.parametrize("frame", [-500, 10 ** 9, 4000])
def test_a_hit_outside_its_cue_is_refused(plan_doc, frame) -> None:
    line = _refused(_edit(plan_doc, lambda d: d["cues"][0].__setitem__("hits", [{"frame": frame, "label": "x"}])),
                    "cues[0]")
    assert "outside its cue" in line or "less than or equal" in line


def test_entry_and_exit_lengths_stay_inside_the_cue(plan_doc) -> None:
    _refused(_edit(plan_doc, lambda d: d["cues"][0].__setitem__("exit", {"type": "fade_out", "frames": 10 ** 6})),
             "exit frames 1000000", "longer than the cue")
    _refused(_edit(plan_doc, lambda d: d["cues"][0].__setitem__("entry", {"type": "explode"})), "entry type 'explode'")


def test_duplicate_ids_and_ids_giving_one_file_name_are_refused(plan_doc) -> None:
    _refused(_edit(plan_doc, lambda d: d["cues"][1].__setitem__("id", d["cues"][0]["id"])), "cues[1]", "the same id")

    def collide(d: dict) -> None:
        d["cues"][0]["id"], d["cues"][1]["id"] = "1M1/", "1m1"
    _refused(_edit(plan_doc, collide), "cues[1]", "same media file name", "'1M1/'")
    _refused(_edit(plan_doc, lambda d: d["cues"][0].__setitem__("id", "...")), "gives no file name")


@pytest.mark.parametrize("place, value, words", [
    ("recut", {"change": "kept", "edits": 5}, ["cues[0] (1M1).recut.edits", "a list", "5"]),
    ("recut", {"change": "kept", "edits": [{"at": 5}]}, ["cues[0] (1M1).recut.edits[0]", "'removed' or 'added'"]),
    ("recut", {"change": "kept", "edits": [{"at": -5, "removed": 2}]}, [".recut.edits[0].at", "greater than or equal"]),
    ("temp", {"path": "a.wav", "cut": "x"}, ["cues[0] (1M1).temp.cut", "a list", "'x'"]),
    ("temp", {"path": "a.wav", "cut": [[0, -50, 24.0]]}, [".temp.cut[0][1]", "greater than or equal to 0", "-50"]),
    ("temp", {"path": "a.wav", "cut": [[0, 5]]}, [".temp.cut[0]", "at least 3"]),
    ("temp", {"path": "a.wav", "cut": [[0, 5, 0]]}, ["(1M1).temp", "cut[0] lasts 0 s"]),
    ("temp", {"path": "a.wav", "cut": [[2, 5, 22.0]]}, ["(1M1).temp", "cut[0] starts at cue second 2, not at 0"]),
    ("temp", {"path": "a.wav", "cut": [[0, 5, 10], [11, 5, 13.0]]}, ["(1M1).temp", "cut[1]", "not where cut[0] ends"]),
    ("temp", {"path": "a.wav", "edits": 5}, ["cues[0] (1M1).temp.edits", "a list"]),
    ("temp", {"path": "a.wav", "edits": [{"at": "1.5"}]}, [".temp.edits[0].at", "a number", "'1.5'"]),
])
def test_recut_and_temp_cut_hand_edits_are_refused_naming_the_key(plan_doc, tmp_path, place, value, words) -> None:
    """``recut.edits = 5`` said 'malformed plan: TypeError' naming no key (issue 11 follow-up): recut.* and
    temp.cut/temp.edits are in the schema; through the command, one line naming the plan, the cue and the key."""
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(_edit(plan_doc, lambda d: d["cues"][0].__setitem__(place, value))))
    out = tmp_path / "out"
    proc = run_main("notes", str(path), "-o", str(out / "notes.csv"))
    assert proc.returncode == 2 and not out.exists()
    line = proc.stderr.strip()
    assert "\n" not in line and line.startswith(f"scoreplan: error: {path}: malformed plan: ") and "Error:" not in line
    for w in words:
        assert w in line, line


def test_a_kept_cut_and_its_music_edits_as_the_tool_writes_them_pass(plan_doc) -> None:
    temp = {"path": "a.wav", "cut": [[0, 5, 10.5], [10.5, 50.25, 13.524]],
            "edits": [{"at": 10.5, "picture_at": 10.5, "removed": 1.5}]}
    recut = {"change": "kept", "edits": [{"at": 252, "previous_at": 288, "removed": 36}, {"at": 300, "added": 12}]}
    check_plan(_edit(plan_doc, lambda d: d["cues"][0].update(temp=temp, recut=recut)))


def test_unknown_keys_are_let_through(plan_doc) -> None:
    check_plan(_edit(plan_doc, lambda d: (d["cues"][0].__setitem__("xyz", 1), d.__setitem__("note", [1, 2]))))


def _tone(path: Path, seconds: float) -> Path:
    import numpy as np
    import soundfile as sf

    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(48000 * seconds)) / 48000
    sf.write(path, np.stack([0.2 * np.sin(2 * np.pi * 330 * t)] * 2, axis=1), 48000, subtype="PCM_24")
    return path


@pytest.mark.parametrize("temp, words", [
    ({"offset_seconds": 30.0}, ["cues[0] (1M1).temp.offset_seconds 30 s is past the end of piece.wav (20.000 s long)"]),
    ({"offset_seconds": 20.0}, ["cues[0] (1M1).temp.offset_seconds 20 s is past the end"]),
    ({"cut": [[0, 500, 24.024]]}, ["cues[0] (1M1).temp.cut[0] plays from 500 s, past the end of piece.wav"]),
    ({"cut": [[0, 2, 10], [10, 21, 14.024]]}, ["cues[0] (1M1).temp.cut[1] plays from 21 s, past the end"]),
])
def test_a_temp_edited_past_its_pieces_end_is_refused_by_apply_and_render(plan_doc, tmp_path, temp, words) -> None:
    """A hand-edited temp.offset_seconds or temp.cut past the piece's end rendered silence without a word (issue 11
    follow-up): refused in one line naming the plan, the cue and the key, before anything is written."""
    piece = _tone(tmp_path / "lib" / "piece.wav", 20.0)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(_edit(plan_doc, lambda d: d["cues"][0].__setitem__("temp", {"path": str(piece), **temp}))))
    out = tmp_path / "out"
    out.mkdir()
    runs = [["apply", str(SAMPLE), "--plan", str(plan), "-o", str(out / "cut.xml")],
            ["render", str(plan), "--library", str(piece.parent), "-o", str(out / "mix.wav")]]
    for argv in runs:
        proc = _scoreplan(*argv, cwd=tmp_path)
        assert not _broken(proc, [plan.name]) and proc.returncode == 2, (argv[0], proc.stderr)
        for w in words:
            assert w in proc.stderr, (argv[0], proc.stderr)
        assert list(out.iterdir()) == [], argv[0]


def test_a_kept_cut_running_on_past_the_end_is_a_warning_naming_the_span(plan_doc, tmp_path) -> None:
    piece = _tone(tmp_path / "lib" / "piece.wav", 20.0)
    plan = tmp_path / "plan.json"
    cut = [[0, 2, 10], [10, 15, 14.024]]  # the second span plays 15-29 s of a 20 s piece: its last 9 s are silent
    plan.write_text(json.dumps(_edit(plan_doc, lambda d: d["cues"][0].__setitem__("temp", {"path": str(piece), "cut": cut}))))
    proc = _scoreplan("apply", str(SAMPLE), "--plan", str(plan), "-o", str(tmp_path / "cut.xml"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "plan.json: cues[0] (1M1).temp.cut[1] plays 15-29.024 s of piece.wav, which ends at 20.000 s: its last " \
           "9.024 s are silent" in proc.stderr


def test_a_relative_temp_path_is_read_from_the_plans_folder(plan_doc, tmp_path) -> None:
    """``"temp": {"path": "music/piece.wav"}`` was read from the working folder (issue 11 follow-up): a command run
    elsewhere played the silent placeholder; it is read from the plan file's folder, wherever the command runs."""
    from lxml import etree

    _tone(tmp_path / "show" / "music" / "piece.wav", 40.0)
    plan = tmp_path / "show" / "plan.json"
    plan.write_text(json.dumps(_edit(plan_doc, lambda d: d["cues"][0].__setitem__("temp", {"path": "music/piece.wav"}))))
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "music").mkdir(parents=True)  # no piece here: the working folder must not be where it is looked for
    out = tmp_path / "out" / "cut.xml"
    out.parent.mkdir()
    proc = _scoreplan("apply", str(SAMPLE), "--plan", str(plan), "-o", str(out), "--media-dir", str(tmp_path / "media"),
                      cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    assert "placeholder" not in proc.stderr and "not a file" not in proc.stderr, proc.stderr
    made = sorted(p.name for p in (tmp_path / "media").iterdir())
    assert any(n.startswith("1M1_") for n in made), made
    urls = [u.text for u in etree.parse(str(out)).iter("pathurl")]
    assert any("/1M1_" in (u or "") for u in urls)
    # render: not from the library folder either (show/music/music/piece.wav does not exist)
    proc = _scoreplan("render", str(plan), "--library", str(tmp_path / "show" / "music"), "-o", str(tmp_path / "mix.wav"),
                      cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    assert "pinned temp piece" not in proc.stderr and "placeholder" not in proc.stderr, proc.stderr
    assert [ln.split("\t")[2] for ln in proc.stdout.splitlines() if ln.startswith("1M1\t")] == ["pinned in the plan"]


# -- the rules schema -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, words", [
    ("[lengths]\nmin_cue_seconds = inf\n", ["lengths.min_cue_seconds", "finite"]),
    ("[lengths]\ntail_seconds = nan\n", ["lengths.tail_seconds", "finite"]),
    ("[lengths]\ntail_seconds = 1e300\n", ["lengths.tail_seconds", "less than or equal"]),
    ("[auto]\nwindow_seconds = 0.0\n", ["auto.window_seconds", "greater than or equal to 1"]),
    ("[auto]\ncoverage_target = inf\n", ["auto.coverage_target", '"auto" or a number from 0 to 1']),
    ("[lengths]\nprelap_frames = 9223372036854775807\n", ["lengths.prelap_frames", "less than or equal"]),
    ("[moods.tension]\nintensity = 99\n", ["moods.tension.intensity", "less than or equal to 5"]),
    ('[apply]\ntrack_prefix = "TEMP\\u0001MX"\n', ["apply.track_prefix", "control character (U+0001)"]),
    ('[numbering]\nseparator = "\\uFFFE"\n', ["numbering.separator"]),
    ('[vocabulary]\nmusic_in = ["mx in", "a\\u0000"]\n', ["vocabulary.music_in[1]", "control character"]),
    ('[vocabulary]\nmusic_in = [""]\n', ["vocabulary.music_in[0]", "empty"]),
    ('[apply]\ncue_color = "PLAID"\n', ["apply.cue_color", "GREEN"]),
    ("[colors.mood]\nblue = 5\n", ["colors.mood.blue", "text"]),
    ("lengths = 5\n", ["'lengths' must be a table"]),
    ("[" * 3000 + "\n", ["not valid TOML"]),
])
def test_bad_rules_values_are_refused_naming_the_key(tmp_path, text, words) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScorePlanError) as err:
        load_rules(path)
    line = err.value.one_line()
    assert line.startswith(f"{path}: ") and "\n" not in line
    for w in words:
        assert w in line, line


@pytest.mark.parametrize("text, words", [
    ('[numbering]\nformat = "{reel}M"\n', ["'numbering.format' '{reel}M'", "must hold {n} once"]),
    ('[numbering]\nformat = "{reel}M{n}{take}"\n', ["'numbering.format'", "only {reel}, {episode} and {separator}"]),
    ('[numbering]\nformat = "{reel}M{n}' + "X" * 60 + '"\n', ["'numbering.format'", "ids up to 71 characters",
                                                                "at most 64"]),
    ('[numbering]\nformat = "{episode}M{n}"\nepisode = "' + "E" * 60 + '"\n', ["'numbering.format'", "at most 64"]),
    ('[numbering]\nseparator = "' + "M" * 8 + '"\nformat = "{reel}{separator}{n}{separator}{separator}{separator}'
     '{separator}{separator}{separator}"\n', ["must hold {n} once"]),
])
def test_a_numbering_format_is_checked_when_the_rules_are_read(tmp_path, text, words) -> None:
    """A bad ``numbering.format`` named no rules file, and one making ids too long for a plan failed only when
    the plan came back to apply (issue 11 follow-up): refused when the rules are read, naming the file."""
    rules = tmp_path / "ids.toml"
    rules.write_text(text, encoding="utf-8")
    for argv in (["spot", str(SAMPLE), "--rules", str(rules)],
                 ["apply", str(SAMPLE), "--rules", str(rules), "-o", str(tmp_path / "out" / "cut.xml")]):
        proc = run_main(*argv)
        assert proc.returncode == 2 and not proc.stdout and not (tmp_path / "out").exists(), argv
        line = proc.stderr.strip()
        assert "\n" not in line and line.startswith(f"scoreplan: error: {rules}: "), line
        for w in words:
            assert w in line, line


def test_a_long_numbering_format_that_fits_is_used(tmp_path) -> None:
    rules = tmp_path / "ids.toml"
    rules.write_text('[numbering]\nformat = "ANNA-{reel}M{n:02}-TEMP"\n', encoding="utf-8")
    proc = run_main("spot", "--json", str(SAMPLE), "--rules", str(rules))
    assert proc.returncode == 0, proc.stderr
    assert [c["id"] for c in json.loads(proc.stdout)["cues"]][:2] == ["ANNA-1M01-TEMP", "ANNA-1M02-TEMP"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_rules_files_saved_with_a_byte_order_mark_are_read(tmp_path, encoding) -> None:
    path = tmp_path / "rules.toml"
    text = "[lengths]\nmin_cue_seconds = 4.0\n"
    path.write_bytes(("\ufeff" + text).encode(encoding) if encoding == "utf-16-be" else text.encode(encoding))
    assert load_rules(path).get("lengths.min_cue_seconds") == 4.0


def test_a_rules_file_in_another_encoding_is_refused_in_one_line(tmp_path) -> None:
    path = tmp_path / "rules.toml"
    path.write_bytes("[numbering]\nseparator = \"Ø\"\n".encode("latin-1"))
    with pytest.raises(ScorePlanError) as err:
        load_rules(path)
    assert "is not UTF-8 text" in err.value.one_line() and str(path) in err.value.one_line()


def test_every_shipped_rules_value_passes_the_schema() -> None:
    from otio_scoreplan.plan.rules import default_rules, merge_rules

    base = default_rules()
    assert merge_rules(base, copy.deepcopy(base.data)).data == base.data


# -- the library catalogue --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, text, words", [
    ("library.toml", "piece = 5\n", ["[[piece]] tables"]),
    ("library.toml", '[[piece]]\nfile = 5\n', ["entry 1", "file", "text"]),
    ("library.toml", '[[piece]]\nfile = "a.wav"\n[[piece]]\nfile = "b.wav"\nmoods = 5\n', ["entry 2 (b.wav)", "moods"]),
    ("library.toml", '[[piece]]\nfile = "a.wav"\ntempo = inf\n', ["entry 1 (a.wav)", "tempo", "finite"]),
    ("library.toml", '[[piece]]\nfile = "a.wav"\ntitle = "a\\u0001"\n', ["entry 1 (a.wav)", "title", "control"]),
    ("library.csv", "file,title,tempo\na.wav,A,1e400\n", ["entry 1 (a.wav)", "tempo", "finite"]),
])
def test_a_catalogue_of_the_wrong_shape_is_one_line_naming_the_entry(tmp_path, name, text, words) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    proc = run_main("library", str(tmp_path))
    assert proc.returncode == 2, proc.stdout
    line = proc.stderr.strip()
    assert "\n" not in line and f"{tmp_path / name}: " in line
    for w in words:
        assert w in line, line


def test_a_catalogue_with_words_and_text_numbers_is_read(tmp_path) -> None:
    from otio_scoreplan.library.catalogue import read_catalogue

    (tmp_path / "library.csv").write_text("\ufefffile,tempo,intensity,moods\na.wav,120 bpm,high,sad; dark\n",
                                          encoding="utf-8")
    entry = read_catalogue(tmp_path)["a.wav"]
    assert entry["tempo"] == 120.0 and entry["intensity"] == 0.8 and entry["moods"] == ["sad", "dark"]


# -- input files and OS errors ----------------------------------------------------------------------------------


def test_a_fifo_a_device_and_a_missing_file_are_refused_unopened(tmp_path) -> None:
    fifo = tmp_path / "cut.xml"
    os.mkfifo(fifo)  # opening it would block until someone writes
    plan_fifo = tmp_path / "plan.json"
    os.mkfifo(plan_fifo)
    cases = [(["inspect", str(fifo)], "the timeline is a pipe (FIFO)"),
             (["inspect", "/dev/zero"], "the timeline is a character device"),
             (["notes", str(plan_fifo), "-o", str(tmp_path / "n.md")], "the plan is a pipe (FIFO)"),
             (["spot", str(SAMPLE), "--rules", "/dev/zero"], "the rules file is a character device"),
             (["apply", str(SAMPLE), "--plan", "/dev/zero", "-o", str(tmp_path / "o.xml")], "the plan is a character"),
             (["inspect", str(tmp_path / "none.xml")], "cannot read the timeline: No such file")]
    for argv, words in cases:
        proc = run_main(*argv)
        assert proc.returncode == 2 and words in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, argv


def test_documents_are_read_with_a_size_limit(tmp_path, monkeypatch) -> None:
    from otio_scoreplan.plan import model

    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048)
    monkeypatch.setattr(model, "MAX_PLAN_BYTES", 1024)
    with pytest.raises(ScorePlanError) as err:
        load_plan(big)
    assert "big.json: the plan is larger than" in err.value.one_line()


def test_a_full_disk_is_a_user_error_naming_the_output(tmp_path, monkeypatch) -> None:
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_bytes", full)
    out = tmp_path / "notes.md"
    proc = run_main("notes", str(SAMPLE), "-o", str(out))
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert "\n" not in line and "notes.md" in line and "No space left on device" in line
    assert not out.exists() and not list(tmp_path.iterdir())


def test_an_output_name_too_long_is_a_user_error_naming_it(tmp_path) -> None:
    out = tmp_path / ("n" * 300 + ".md")
    proc = run_main("notes", str(SAMPLE), "-o", str(out))
    assert proc.returncode == 2
    line = proc.stderr.strip()
    assert "\n" not in line and "nnnn" in line and "too long" in line.lower()




def test_a_really_full_disk_is_a_user_error_and_leaves_nothing(tiny_disk: Path, plan_doc, library: Path,
                                                               tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_doc))
    proc = _scoreplan("render", str(plan), "--library", str(library), "-o", str(tiny_disk / "mix.wav"), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert "\n" not in line and "mix.wav" in line and "No space left on device" in line
    assert list(tiny_disk.iterdir()) == []
