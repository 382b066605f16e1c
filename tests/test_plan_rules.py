"""The rules file: shipped defaults, deep-merged overrides, one-line errors naming unknown keys."""

from __future__ import annotations

import pytest
from conftest import run_cli

from otio_scoreplan.errors import UsageError
from otio_scoreplan.plan.rules import default_rules, default_rules_text, load_rules


def test_defaults_hold_the_craft_palettes() -> None:
    moods = default_rules().get("moods")
    assert "strings swell" in moods["emotional"]["palette"]
    assert "brass" in moods["heroic"]["palette"]
    assert "solo piano" in moods["intimate"]["palette"]
    assert {"low strings", "ostinato"} <= set(moods["tension"]["palette"])
    assert "dissonant strings" in moods["horror"]["palette"]
    assert {"percussion", "brass"} <= set(moods["action"]["palette"])
    assert all(1 <= m["intensity"] <= 5 for m in moods.values())


def test_every_default_key_is_documented() -> None:
    """Outside the mood table, each key has a comment on its line or above its group."""
    lines = default_rules_text().splitlines()
    section = ""
    for i, line in enumerate(lines):
        if line.startswith("["):
            section = line
        elif "=" in line and not line.startswith((" ", "#")) and not section.startswith("[moods."):
            j = i
            while "#" not in lines[j] and "=" in lines[j - 1] and not lines[j - 1].startswith("["):
                j -= 1  # a group of keys under one comment
            assert "#" in lines[j] or lines[j - 1].startswith("#"), f"undocumented key in {section}: {line}"


def test_override_deep_merges(tmp_path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[lengths]\nmin_cue_seconds = 5\n[moods.tension]\npalette = ["synth pulse"]\n[moods.nordic]\nwords = ["vemodig"]\n')
    rules = load_rules(path)
    assert rules.get("lengths.min_cue_seconds") == 5.0
    assert rules.get("lengths.min_gap_seconds") == default_rules().get("lengths.min_gap_seconds")
    assert rules.get("moods.tension.palette") == ["synth pulse"]
    assert rules.get("moods.tension.words") == default_rules().get("moods.tension.words")
    assert rules.get("moods.nordic") == {"words": ["vemodig"], "palette": [], "intensity": 3}
    assert rules.digest() != default_rules().digest()


@pytest.mark.parametrize(
    "text, words",
    [
        ("[lengths]\nmin_cue = 5\n", ["'lengths.min_cue'", "min_cue_seconds", "min_gap_seconds"]),
        ("[lenghts]\nmin_cue_seconds = 5\n", ["'lenghts'", "lengths", "vocabulary"]),
        ("[lengths]\nmin_cue_seconds = 'long'\n", ["lengths.min_cue_seconds", "a number", "'long'"]),
        ("[numbering]\ncontinuous = 1\n", ["numbering.continuous", "true or false"]),
        ("[lengths\n", ["not valid TOML"]),
    ],
    ids=["unknown-key", "unknown-table", "wrong-type", "int-for-bool", "bad-toml"],
)
def test_bad_rules_are_one_line_errors(tmp_path, text: str, words: list[str]) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(UsageError) as err:
        load_rules(path)
    message = err.value.one_line()
    assert "\n" not in message and str(path) in message
    for w in words:
        assert w in message


def test_cli_reports_an_unknown_key(tmp_path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text("[auto]\ncoverage = 0.5\n")
    sample = tmp_path / "missing.xml"
    result = run_cli("spot", str(sample), "--rules", str(path))
    assert result.returncode == 2
    assert "unknown rules key 'auto.coverage'" in result.stderr and "coverage_target" in result.stderr
    assert "Traceback" not in result.stderr
