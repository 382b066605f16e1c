"""The value types every hand-editable document is validated with (plan JSON, rules TOML, library catalogue).

Each document has one schema (:mod:`otio_scoreplan.plan.schema`, :mod:`otio_scoreplan.plan.rules`,
:mod:`otio_scoreplan.library.catalogue`), checked once where the document is read, with pydantic (v2): strict
types (``true`` is no frame, ``"288"`` no number), finite numbers within bounds, and text every output format can
carry. A failed check becomes one line naming the document's key (:func:`first_problem`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)

# What XML 1.0 cannot hold (C0 controls but tab and line ends, surrogates, U+FFFE/U+FFFF), plus C1 controls
# and the other noncharacters: no editor types them, and EDL, CSV and PDF writers would pass them on.
_BAD_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"\\U{plane:04X}FFFE\\U{plane:04X}FFFF" for plane in range(1, 17)) + "]")
_LINE_BREAKS = re.compile("[\n\r\u2028\u2029]")
# Bidirectional embedding, override and isolate controls: a name holding one displays as another.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")

MAX_TEXT = 20_000  # characters of a description or note
MAX_LINE = 1_000  # characters of a one-line value (a mood, a label, a path)
MAX_NAME = 64  # characters of a cue id


def _char_kind(ch: str) -> str:
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate"
    if code in (0x0A, 0x0D, 0x2028, 0x2029):
        return "a line break"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return "a control character"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "a bidirectional control"
    return "a noncharacter"


def _refuse_char(found: re.Match[str] | None) -> None:
    if found:
        ch = found.group()
        raise ValueError(f"holds {_char_kind(ch)} (U+{ord(ch):04X}) that no timeline or document format can carry")


def check_text(value: str) -> str:
    """``value`` when it holds only characters XML, EDL, CSV and PDF can carry (tab and line ends allowed)."""
    _refuse_char(_BAD_CHARS.search(value))
    return value


def check_line(value: str) -> str:
    """``value`` when :func:`check_text` accepts it and it holds no line break."""
    check_text(value)
    _refuse_char(_LINE_BREAKS.search(value))
    return value


def check_name(value: str) -> str:
    """``value`` when :func:`check_line` accepts it, it holds no bidirectional control and is not blank."""
    check_line(value)
    _refuse_char(_BIDI.search(value))
    if not value.strip():
        raise ValueError("is empty")
    return value


Text = Annotated[StrictStr, Field(max_length=MAX_TEXT), AfterValidator(check_text)]
Line = Annotated[StrictStr, Field(max_length=MAX_LINE), AfterValidator(check_line)]
Name = Annotated[StrictStr, Field(max_length=MAX_NAME), AfterValidator(check_name)]
Flag = StrictBool
Int = StrictInt


def whole(low: int, high: int) -> Any:
    """An integer type (``true`` and ``2.5`` refused) from ``low`` to ``high``."""
    return Annotated[StrictInt, Field(ge=low, le=high)]


def number(low: float, high: float, *, above: bool = False) -> Any:
    """A finite number type (an integer is read as one) from ``low`` (or, ``above``, more than ``low``) to ``high``."""
    bound = {"gt": low} if above else {"ge": low}
    return Annotated[float, Field(strict=True, allow_inf_nan=False, le=high, **bound)]


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, str) and not part.isidentifier():
            continue  # pydantic's name of a type inside the value's own (``constrained-str``)
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _shown(value: Any) -> str:
    text = ascii(value) if isinstance(value, str) else repr(value)
    if isinstance(value, (dict, list)):
        text = type(value).__name__ if len(text) > 40 else text
    return text if len(text) <= 40 else text[:37] + "..."


def first_problem(exc: ValidationError, describe: Any = None) -> str:
    """The first problem pydantic found, in one line: ``cues[2] (1M3).entry: Input should be ... (got 'prelap')``.

    ``describe(loc)`` may name the place better (a cue's id); the count of further problems follows.
    """
    errors = exc.errors(include_url=False)
    err = errors[0]
    loc = tuple(err.get("loc", ()))
    where = (describe(loc) if describe else "") or _where(loc)
    message = _JSON_WORDS.sub(lambda m: _JSON_NAMES[m.group(1)], str(err.get("msg", "invalid")))
    message = message.removeprefix("Value error, ")
    got = "" if err.get("type") in ("missing", "value_error", "assertion_error") else f" (got {_shown(err.get('input'))})"
    more = f"; and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''}" if len(errors) > 1 else ""
    return f"{where}: {message}{got}{more}" if where else f"{message}{more}"


# pydantic's words for types, as a person editing JSON or TOML knows them
_JSON_NAMES = {"a valid dictionary": "an object {...}", "a valid list": "a list [...]", "a valid string": "text",
               "a valid integer": "a whole number", "a valid number": "a number", "a valid boolean": "true or false"}
_JSON_WORDS = re.compile(r"(a valid (?:dictionary|list|string|integer|number|boolean))(?: or instance of \w+)?")
