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
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Any

from pydantic import AfterValidator, StrictBool, StrictStr, TypeAdapter, ValidationError

from ..colors import OTIO_MARKER_COLORS
from ..errors import UsageError
from ..schema_types import Line, check_name, first_problem, number, whole
from .id_template import numbering_problem

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
    from ..infile import read_input_text

    text = read_input_text(path, "rules file", MAX_RULES_BYTES)  # UTF-8, or UTF-16/32 with a byte order mark
    try:
        user = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise RulesError(f"not valid TOML: {' '.join(str(exc).split())[:200] or 'nested too deeply'}", path) from None
    return merge_rules(base, user, path)


def merge_rules(base: Rules, override: dict[str, Any], path: str | os.PathLike | None = None) -> Rules:
    """``base`` with ``override`` deep-merged over it, every key checked against the defaults."""
    merged = copy.deepcopy(base.data)
    _merge(merged, override, "", path)
    problem = numbering_problem(merged)  # the cue-id template with the separator and suffix it is used with
    if problem:
        raise RulesError(problem, path)
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
    """``value`` for the key ``dotted`` (whose default is ``current``) when the rules schema accepts it."""
    try:
        checked = _adapter(value_type(dotted, current)).validate_python(value)
    except ValidationError as exc:
        problem = first_problem(exc, lambda loc: dotted + "".join(f"[{p}]" for p in loc))
        raise RulesError(f"rules key {problem}", path) from None
    return float(checked) if isinstance(current, float) and isinstance(checked, int) else checked


# The rules schema: each key's type follows its shipped default (a flag, a whole number, a number, text or a
# list of words), bounded by what the key means; the keys below have their own. Numbers are finite (TOML
# allows inf and nan), text one XML-safe line, words never empty (an empty word would match every marker).
MAX_RULES_BYTES = 1024 * 1024
_HOUR = 3600.0
Word = Annotated[Line, AfterValidator(check_name)]
Color = Annotated[StrictStr, AfterValidator(lambda v: _one_of(v.upper(), OTIO_MARKER_COLORS))]
Fraction_ = number(0.0, 1.0)


def _matching(pattern: str, what: str) -> Any:
    def check(value: str) -> str:
        if not re.fullmatch(pattern, value):
            raise ValueError(f"must be {what}")
        return value
    return Annotated[StrictStr, AfterValidator(check)]


def _auto_or_fraction(value: Any) -> Any:
    if value == "auto":
        return value
    try:
        return _adapter(Fraction_).validate_python(value)
    except ValidationError:
        raise ValueError('must be "auto" or a number from 0 to 1') from None


KEY_TYPES: dict[str, Any] = {
    "numbering.separator": _matching(r"[A-Za-z._-]{1,8}", "1 to 8 letters (or . - _), as in 1M1"),
    "numbering.source_suffix": _matching(r"[A-Za-z]{0,8}", "up to 8 letters, as the S of 1M3S"),
    "auto.coverage_target": Annotated[Any, AfterValidator(_auto_or_fraction)],
    "auto.coverage_tolerance": Fraction_,
    "auto.coverage_fallback": Fraction_,
    "auto.coverage_slack": Fraction_,
    "auto.coverage_auto_max": Fraction_,  # shares of the sequence: 0..1, not the 0..1000 of a plain number
    "auto.dialogue_heavy": Fraction_,
    "auto.dialogue_light": Fraction_,
    "auto.max_cue_seconds": number(1.0, 24 * _HOUR),
    "auto.window_seconds": number(1.0, 24 * _HOUR),
    "lengths.grow_seconds": number(1.0, 24 * _HOUR),
    "apply.cue_color": Color,
    "apply.hit_color": Color,
    "apply.track_prefix": Word,
    "temp.duck_db": number(-60.0, 0.0),  # the ride under speech: down, at most 60 dB (0: none)
    "temp.duck_ramp_seconds": number(0.0, 10.0),
}


def _one_of(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"is not one of {', '.join(allowed)}")
    return value


def value_type(dotted: str, default: Any) -> Any:
    """The schema type of the rules key ``dotted`` whose shipped default is ``default``."""
    if dotted in KEY_TYPES:
        return KEY_TYPES[dotted]
    name = dotted.rsplit(".", 1)[-1]
    if isinstance(default, bool):
        return StrictBool
    if isinstance(default, int):
        return whole(1, 5) if name == "intensity" else whole(0, 100_000)  # frames: over an hour at 24 fps
    if isinstance(default, float):
        if name.endswith("_share"):  # a share of a length (flattened_share, sync_wall_share): 0..1
            return Fraction_
        return number(0.0, _HOUR) if name.endswith("seconds") else number(0.0, 1_000.0)
    if isinstance(default, list):
        return list[Word]
    return Line


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)
