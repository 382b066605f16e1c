"""The planning rules: shipped defaults (``default_rules.toml``) deep-merged with a user's TOML file.

Every word, colour, length and threshold the planner uses is a key of the rules; an unknown key in a
user's file is an error naming the key and the valid ones. Tables listed in :data:`OPEN_TABLES` accept
new entries shaped like the shipped ones (a new mood, a new colour).
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..errors import UsageError

log = logging.getLogger(__name__)

# Tables whose keys are the user's to choose; the value is the shape new entries must have.
OPEN_TABLES: dict[str, Any] = {
    "moods": {"words": [], "palette": [], "intensity": 3},
    "colors.mood": "",
}


class RulesError(UsageError):
    """A rules file that cannot be used (unknown key, wrong type, bad TOML)."""


@dataclass(frozen=True, eq=False)
class Rules:
    """The merged rules as plain nested dicts (read-only by convention)."""

    data: dict[str, Any]

    def get(self, dotted: str) -> Any:
        """``rules.get("lengths.min_cue_seconds")``."""
        node: Any = self.data
        for part in dotted.split("."):
            node = node[part]
        return node

    def digest(self) -> str:
        """A short hash of the rules, so a plan says which rules made it."""
        text = json.dumps(self.data, sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def default_rules_text() -> str:
    """The shipped ``default_rules.toml`` (documented: every key is explained there)."""
    return resources.files(__package__).joinpath("default_rules.toml").read_text(encoding="utf-8")


def default_rules() -> Rules:
    return Rules(tomllib.loads(default_rules_text()))


def load_rules(path: str | os.PathLike | None = None) -> Rules:
    """The defaults, with ``path`` (a TOML file) merged over them when given."""
    base = default_rules()
    if path is None:
        return base
    try:
        with open(path, "rb") as fh:
            user = tomllib.load(fh)
    except OSError as exc:
        raise RulesError(f"cannot read rules file: {exc.strerror or exc}", path) from None
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"not valid TOML: {exc}", path) from None
    return merge_rules(base, user, path)


def merge_rules(base: Rules, override: dict[str, Any], path: str | os.PathLike | None = None) -> Rules:
    """``base`` with ``override`` deep-merged over it, every key checked against the defaults."""
    merged = copy.deepcopy(base.data)
    _merge(merged, override, "", path)
    return Rules(merged)


def _merge(target: dict[str, Any], override: dict[str, Any], prefix: str, path: Any) -> None:
    open_shape = OPEN_TABLES.get(prefix.rstrip("."))
    for key, value in override.items():
        dotted = f"{prefix}{key}"
        if key not in target:
            if open_shape is None:
                valid = ", ".join(sorted(k for k in target)) or "(none)"
                raise RulesError(f"unknown rules key {dotted!r}; valid keys here: {valid}", path)
            target[key] = copy.deepcopy(open_shape)
        current = target[key]
        if isinstance(current, dict):
            if not isinstance(value, dict):
                raise RulesError(f"rules key {dotted!r} must be a table", path)
            _merge(current, value, dotted + ".", path)
        else:
            target[key] = _checked(current, value, dotted, path)


def _checked(current: Any, value: Any, dotted: str, path: Any) -> Any:
    if isinstance(current, bool):
        ok = isinstance(value, bool)
    elif isinstance(current, int):
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif isinstance(current, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    elif isinstance(current, list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    else:
        ok = isinstance(value, type(current))
    if not ok:
        want = type(current).__name__ + (" (not negative)" if isinstance(current, (int, float)) and not isinstance(current, bool) else "")
        raise RulesError(f"rules key {dotted!r} must be a {want}, not {value!r}", path)
    return float(value) if isinstance(current, float) else value
