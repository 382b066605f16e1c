"""The library catalogue's one schema (``library.toml`` ``[[piece]]`` tables, or ``library.csv`` rows).

Checked once where the catalogue is read (:func:`read_catalogue_rows`): a catalogue of the wrong shape (a
``piece`` that is not a list of tables, a ``file`` that is not text, moods given as a number, a tempo of
``inf``) is refused in one line naming the file and the entry, instead of failing later inside a scan.
CSV cells are text, so a tempo or intensity may be written there as text ("120 bpm", "high"). An intensity is
on the cues' 1..5 scale (1 the quietest), or 0..1 written with decimal points, or 1-10: one scale per catalogue,
read by :func:`~.catalogue.intensity_top`.
"""

from __future__ import annotations

import csv
import io
import math
import os
import tomllib
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from ..errors import InputError
from ..infile import MB, read_input_text
from ..schema_types import Line, Text, check_line, first_problem

MAX_CATALOGUE_BYTES = 64 * MB
MAX_AMOUNT = 1_000.0  # a tempo in BPM, an intensity on a 0..1, 1-5 or 1-10 scale


def _words(value: Any) -> Any:
    """A list of words, or words in one text separated by ; or ,."""
    if isinstance(value, list):
        return [check_line(_text(v, "a list of words")) for v in value]
    return check_line(_text(value, "a list of words, or words separated by ;"))


def _amount(value: Any) -> Any:
    """A number (0 to 1000), or text ("120 bpm", "high") whose leading number, if any, is such a number."""
    if isinstance(value, str):
        check_line(value)
        head = value.split()[0] if value.split() else ""
        try:
            found = float(head)
        except ValueError:
            return value  # words (high, fast): the reader makes of them what it can
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        found = float(value)
    else:
        raise ValueError("must be a number")
    if not (math.isfinite(found) and 0 <= found <= MAX_AMOUNT):
        raise ValueError(f"must be a finite number from 0 to {MAX_AMOUNT:g}")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be {what}")
    return value


Words = Annotated[Any, AfterValidator(_words)]
Amount = Annotated[Any, AfterValidator(_amount)]


MAX_INTENSITY = 10.0  # the top of the largest intensity scale a catalogue may use (1-10)


def _intensity(value: Any) -> Any:
    """An intensity: an :data:`Amount` no higher than :data:`MAX_INTENSITY` (one of 55 turned the whole catalogue's
    scale and every printed intensity wrong)."""
    _amount(value)
    head = value.split()[0] if isinstance(value, str) and value.split() else value
    try:
        number = float(head)
    except (TypeError, ValueError):
        return value  # words (high, low): the reader makes of them what it can
    if number > MAX_INTENSITY:
        raise ValueError(f"must be on a scale of 1..5, 0..1 or 1-10 (at most {MAX_INTENSITY:g})")
    return value


Intensity = Annotated[Any, AfterValidator(_intensity)]


class PieceEntry(BaseModel):
    """One piece of the catalogue; keys beyond these are a person's own and left alone."""

    model_config = ConfigDict(strict=True, extra="allow")

    file: Line | None = None
    path: Line | None = None
    title: Text | None = None
    composer: Text | None = None
    publisher: Text | None = None
    society: Text | None = None
    rights: Text | None = None
    usage_rights: Text | None = None
    notes: Text | None = None
    moods: Words | None = None
    themes: Words | None = None
    instruments: Words | None = None
    tempo: Amount | None = None
    intensity: Intensity | None = None


def _parse(path: str | os.PathLike, text: str) -> list[Any]:
    if str(path).lower().endswith(".toml"):
        try:
            doc = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError) as exc:
            raise InputError(f"cannot read the catalogue: {' '.join(str(exc).split())[:200]}", path) from None
        rows = doc.get("piece", [])
        if not isinstance(rows, list):
            raise InputError("'piece' must be [[piece]] tables, one per piece of music", path)
        return rows
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        return [{k.strip().lower(): v for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as exc:
        raise InputError(f"cannot read the catalogue: {exc}", path) from None


def read_catalogue_rows(path: str | os.PathLike) -> list[dict[str, Any]]:
    """The entries of the catalogue file ``path``, each checked against :class:`PieceEntry`.

    Raises :class:`InputError` naming the file and the entry (``entry 3 (strings/night.wav): tempo: ...``).
    """
    rows = _parse(path, read_input_text(path, "catalogue", MAX_CATALOGUE_BYTES))
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise InputError(f"entry {n} is not a table of fields (file, title, moods ...)", path)
        try:
            PieceEntry.model_validate(row)
        except ValidationError as exc:
            name = row.get("file") or row.get("path")
            label = f" ({name})" if isinstance(name, str) and name.isprintable() and len(name) < 80 else ""
            raise InputError(f"entry {n}{label}: {first_problem(exc)}", path) from None
    return rows
