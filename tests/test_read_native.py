"""The .otio reader's guard against nesting deep enough to crash OTIO's C++ JSON reader.

``read.native.json_depth`` counts without a Python step per byte; here it is held against a plain
character-by-character JSON scanner (written below, independent of it) on generated documents full of
the cases that trip bracket counters: brackets, quotes and backslashes inside strings, escapes of every
kind, non-ASCII text; and on the sample timelines and every corpus file's timeline as OTIO writes it.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import SAMPLES, corpus_files, corpus_id, read_once

from otio_scoreplan.errors import InputError, ScorePlanError
from otio_scoreplan.formats.otiofile.read import MAX_JSON_DEPTH, _check_json, json_depth


def scanned_depth(data: bytes) -> int:
    """The deepest bracket nesting outside strings, one character at a time."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in data.decode("utf-8"):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


_TRICKY = ['[', ']', '{', '}', '"', '\\', '\\"', '"[', '\\\\', '\\\\"', '[[', '}}', 'é', '☃', '\n', '\t', '/', 'x']


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(_TRICKY) for _ in range(rng.randint(0, 12)))


def _value(rng: random.Random, depth: int):
    roll = rng.random()
    if depth > 12 or roll < 0.3:
        return rng.choice([_text(rng), rng.randint(-5, 5), 1.5, None, True])
    if roll < 0.65:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {_text(rng): _value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


@pytest.mark.parametrize("seed", range(40))
def test_depth_is_the_scanners_on_generated_json(seed: int) -> None:
    rng = random.Random(seed)
    doc = _value(rng, 0)
    for ascii_only in (True, False):
        data = json.dumps(doc, ensure_ascii=ascii_only, indent=rng.choice([None, 1, 4])).encode("utf-8")
        assert json_depth(data) == scanned_depth(data)


@pytest.mark.parametrize("text, depth", [
    (b'{"a": "[[[[", "b": [1]}', 2),
    (b'{"a": "\\\\", "b": [[1]]}', 3),  # an escaped backslash ends before the quote that ends the string
    (b'{"a": "\\"[[[", "b": 1}', 1),  # an escaped quote does not end the string
    (b'{"a": "\\\\\\"[[", "b": [1]}', 2),
    (b'"\\u005b[["', 0),
    (b'[[]][[[]]]', 3),
    (b"", 0),
    (b'{"a": "unterminated [[[[', 1),
])
def test_depth_of_tricky_strings(text: bytes, depth: int) -> None:
    assert json_depth(text) == depth == scanned_depth(text)


SAMPLE_OTIO = sorted(SAMPLES.glob("*.otio"))


@pytest.mark.parametrize("path", SAMPLE_OTIO + corpus_files(), ids=lambda p: p.name if p.parent == SAMPLES else corpus_id(p))
def test_depth_of_real_timelines(path: Path) -> None:
    if path.suffix == ".otio":
        data = path.read_bytes()
    else:
        try:
            data = read_once(path)[0].timeline.to_json_string().encode("utf-8")
        except ScorePlanError as exc:
            pytest.skip(f"not readable alone: {exc.one_line()[:100]}")
    assert json_depth(data) == scanned_depth(data) < MAX_JSON_DEPTH


def test_deep_nesting_is_refused_in_one_line_and_brackets_in_strings_are_not() -> None:
    doc = (SAMPLES / "sample.otio").read_text(encoding="utf-8")
    deep = doc.replace('"metadata": {}', '"metadata": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}", 1).encode()
    with pytest.raises(InputError, match=r"the JSON nests 100\d\d\d levels deep \(more than 1000\); refusing to read it") as err:
        _check_json(deep, Path("deep.otio"))
    assert "\n" not in str(err.value)
    in_string = doc.replace('"metadata": {}', '"metadata": {"x": "' + "[" * 100_000 + '"}', 1).encode()
    _check_json(in_string, Path("fine.otio"))  # no error
    at_limit = doc.replace('"metadata": {}', '"metadata": {"x": ' + "[" * 990 + "]" * 990 + "}", 1).encode()
    _check_json(at_limit, Path("fine.otio"))
