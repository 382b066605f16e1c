"""What is known about each piece of temp music: the folder's catalogue file, the file's tags, its name.

Sources, in order of trust: a catalogue file in the library folder (``library.toml`` or ``library.csv``),
the file's own tags (mutagen), then words in the file name. Each field of a :class:`Piece` takes the
first source that has it; ``sources`` records where each came from. Durations come from the audio.

``library.toml``::

    [[piece]]
    file = "strings/night_pursuit.wav"     # relative to the folder
    title = "Night Pursuit"
    composer = "..."; publisher = "..."; society = "PRS"
    moods = ["tense", "driving"]; themes = ["chase"]
    tempo = 132; intensity = 4             # 1..5 as cues: 1 barely there .. 5 full out
    rights = "temp only"; notes = "..."

``library.csv`` has the same names as columns (``file`` first); lists are separated by ``;``.

Intensity is read on one scale for the whole catalogue (:func:`intensity_top`): 1..5, the cues' scale, where
``intensity = 1`` is the quietest; 0..1 when every intensity is at most 1 and one at least is written with a
decimal point (``0.3``, ``1.0``); 1-10 when one is above 5. Words low, medium, high, full are understood.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalogue_schema import read_catalogue_rows
from .cuespec import normalise_intensity

if TYPE_CHECKING:
    from ..plan.rules import Rules

log = logging.getLogger(__name__)

CATALOGUE_NAMES = ("library.toml", "library.csv")
TEXT_FIELDS = ("title", "composer", "publisher", "society", "rights", "notes")
LIST_FIELDS = ("moods", "themes", "instruments")  # instruments: what "no drums" in a note keeps out

# Moods that say nothing about character: a cue with only these matches any piece as well as another.
NEUTRAL_MOODS = frozenset({"underscore"})


def _rules(rules: Rules | None) -> Rules:
    from ..plan.rules import default_rules

    return rules if rules is not None else default_rules()


def mood_table(rules: Rules | None = None) -> dict[str, dict[str, Any]]:
    """The planner's mood table (the rules' ``[moods]``; the shipped rules when None): name -> words, palette,
    intensity 1..5."""
    return _rules(rules).get("moods")


@lru_cache(maxsize=16)
def _word_map(rules: Rules) -> dict[str, str]:
    from ..plan.vocabulary import library_mood_words

    return library_mood_words(rules)


def mood_word_map(rules: Rules | None = None) -> dict[str, str]:
    """Mood words -> the mood of the planner's table they mean (its names and words, then library words).

    ``rules`` are the run's (``--rules``: moods and words a user added count); the shipped rules when None.
    """
    return _word_map(_rules(rules))


def mood_table_intensity(mood: str, rules: Rules | None = None) -> float | None:
    """The 0..1 intensity the mood table gives a mood (its 1..5 over 5, as catalogues are read), or None."""
    entry = mood_table(rules).get(mood)
    return None if entry is None else on_scale(entry.get("intensity"), 5.0)


def _intensity_number(value: Any) -> float | None:
    """An intensity written as a number (``3``, ``0.8``, ``"4"``), or None (a word, blank, not a number)."""
    try:
        return float(value.split()[0] if isinstance(value, str) and value.split() else value)
    except (TypeError, ValueError):
        return None


def _with_point(value: Any) -> bool:
    """Whether an intensity is written with a decimal point: a TOML float (``1.0``), a CSV cell ``"0.8"``."""
    return isinstance(value, float) or (isinstance(value, str) and "." in (value.split() or [""])[0])


def intensity_top(values: list[Any]) -> float:
    """The top of the one scale a catalogue's intensities ``values`` are written on: 5 (1..5, the cues' scale,
    so 1 is the quietest), 1 (0..1: all at most 1, one at least written with a decimal point, 0.3 or 1.0) or 10
    (1-10: one above 5). A lone ``intensity = 1`` is the quietest of 1..5, as the README documents."""
    numbers = [(n, v) for v in values if (n := _intensity_number(v)) is not None]
    if any(n > 5 for n, _ in numbers):
        return 10.0
    if numbers and all(n <= 1 for n, _ in numbers) and any(_with_point(v) for _, v in numbers):
        return 1.0
    return 5.0


def on_scale(value: Any, top: float) -> float | None:
    """An intensity (a number on the scale 0..``top``, or a word low .. full) as 0..1; None when blank.
    Raises ``ValueError`` when it is neither."""
    number = _intensity_number(value)
    if number is None:
        return normalise_intensity(value)  # words; raises ValueError for anything else
    return min(1.0, max(0.0, number / top))


def canonical_mood(word: str, rules: Rules | None = None) -> str:
    """The mood a word means (``tense`` -> ``tension``) by ``rules``' mood table; an unknown word is its own mood."""
    w = word.strip().lower().lstrip("#")
    return mood_word_map(rules).get(w, w)


@dataclass
class Piece:
    """One piece of temp music in the library."""

    path: str  # relative to the library folder, "/"-separated
    format: str  # wav | aiff | flac | mp3 | m4a
    duration_seconds: float  # from the audio (float: a duration for people; fitting uses samples)
    sample_rate: int = 0
    channels: int = 0
    title: str = ""
    composer: str = ""
    publisher: str = ""
    society: str = ""
    moods: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    instruments: list[str] = field(default_factory=list)  # the catalogue's own list (negations in notes avoid them)
    tempo: float | None = None
    intensity: float | None = None
    rights: str = ""
    notes: str = ""
    beats_per_bar: int | None = None  # the catalogue's metre (``meter = "3/4"`` or ``beats_per_bar = 3``)
    sources: dict[str, str] = field(default_factory=dict)  # field -> "catalogue" | "tags" | "file name" | "moods" | "analysis"
    analysis: Any = None  # what listening found (:class:`~.analysis.PieceAnalysis`), None when not analysed

    def to_json(self) -> dict[str, Any]:
        """Plain data; the analysis without its beat and onset lists (see :func:`~.analysis.summary`)."""
        out = asdict(self)
        if self.analysis is not None:
            from .analysis import summary

            out["analysis"] = summary(self.analysis)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Piece:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def split_list(value: Any) -> list[str]:
    """A list field given as a list or a ``;``/``,``-separated string, lower-cased, without blanks."""
    if value is None:
        return []
    if isinstance(value, str):
        value = re.split(r"[;,]", value)
    return [str(v).strip().lower() for v in value if str(v).strip()]


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(str(value).split()[0])
    except (ValueError, IndexError):
        return None


def _beats_per_bar(value: Any) -> int | None:
    """Beats in a bar from ``3``, ``"3/4"``, ``"6/8"`` (compound metres count dotted beats: 6/8 is 2), else None."""
    m = re.fullmatch(r"\s*(\d{1,2})\s*(?:/\s*(\d{1,2}))?\s*", str(value)) if value not in (None, "") else None
    if not m or int(m.group(1)) == 0:
        return None
    top = int(m.group(1))
    return top // 3 if m.group(2) and int(m.group(2)) >= 8 and top % 3 == 0 and top > 3 else top


def _entry(raw: Mapping[str, Any], where: str, rules: Rules | None = None, top: float = 5.0) -> dict[str, Any]:
    """Normalise one catalogue entry (TOML table or CSV row) to Piece fields (mood words by ``rules``' table;
    intensity on the catalogue's scale 0..``top``, see :func:`intensity_top`)."""
    out: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        value = raw.get(key, raw.get("usage_rights") if key == "rights" else None)
        if value not in (None, ""):
            out[key] = str(value).strip()
    for key in LIST_FIELDS:
        if raw.get(key) not in (None, "", []):
            out[key] = split_list(raw[key])
    if out.get("moods"):
        out["moods"] = list(dict.fromkeys(w for entry in out["moods"] for w in mood_entry_words(entry, rules)))
    if _number(raw.get("tempo")) is not None:
        out["tempo"] = _number(raw.get("tempo"))
    metre = _beats_per_bar(raw.get("beats_per_bar", raw.get("meter", raw.get("time_signature"))))
    if metre:
        out["beats_per_bar"] = metre
    if raw.get("intensity") not in (None, ""):
        try:
            out["intensity"] = on_scale(raw["intensity"], top)
        except ValueError:
            log.warning("%s: intensity %r is not a number; ignored", where, raw["intensity"])
    return out


def read_catalogue(folder: Path, rules: Rules | None = None) -> dict[str, dict[str, Any]]:
    """The catalogue file of ``folder`` as {relative path (lower-case): fields}; {} when there is none. Mood
    entries are split into the mood words of ``rules``' table (the shipped rules when None).

    Raises :class:`InputError` naming the file when it cannot be parsed.
    """
    for name in CATALOGUE_NAMES:
        path = folder / name
        if path.is_file():
            break
    else:
        return {}
    rows = read_catalogue_rows(path)  # checked against the catalogue schema, in one line naming the entry
    out: dict[str, dict[str, Any]] = {}
    top = intensity_top([row.get("intensity") for row in rows])
    for i, row in enumerate(rows, 1):
        file = str(row.get("file") or row.get("path") or "").strip().replace("\\", "/")
        if not file:
            log.warning("%s: entry %d has no 'file'; ignored", path, i)
            continue
        out[file.lower()] = _entry(row, f"{path} entry {i}", rules, top)
    return out


def _first_tag(tags: Any, *keys: str) -> str:
    for key in keys:
        try:
            value = tags.get(key)
        except (KeyError, ValueError, TypeError):
            value = None
        if value is None:
            continue
        if isinstance(value, list):
            value = value[0] if value else None
        text = getattr(value, "text", value)
        if isinstance(text, list):
            text = text[0] if text else ""
        if text not in (None, ""):
            return str(text).strip()
    return ""


def tag_fields(audio: Any, rules: Rules | None = None) -> dict[str, Any]:
    """Piece fields from a mutagen file's tags (ID3, Vorbis, MP4, RIFF INFO through ID3); mood words by ``rules``'
    mood table (the run's ``--rules``: a user's moods and words count; the shipped rules when None)."""
    tags = getattr(audio, "tags", None)
    if not tags:
        return {}
    out: dict[str, Any] = {}
    found = {
        "title": _first_tag(tags, "TIT2", "title", "\xa9nam", "TITLE"),
        "composer": _first_tag(tags, "TCOM", "composer", "\xa9wrt", "TPE1", "artist", "\xa9ART"),
        "publisher": _first_tag(tags, "TPUB", "publisher", "organization", "label"),
        "notes": _first_tag(tags, "COMM::eng", "COMM", "comment", "\xa9cmt", "description"),
    }
    out.update({k: v for k, v in found.items() if v})
    genres = [_era_dropped(_first_tag(tags, k)) for k in ("TCON", "genre", "\xa9gen")]
    comments = [_first_tag(tags, k) for k in ("mood", "TMOO")]
    moods = mood_words(" ".join([*genres, *comments, found["notes"]]), rules)
    if moods:
        out["moods"] = moods
    tempo = _number(_first_tag(tags, "TBPM", "bpm", "tmpo"))
    if tempo:
        out["tempo"] = tempo
    return out


# A genre naming the Romantic period ("Romantic Classical", "Classical/Romantic", "Romantic era") says when the music
# was written, not that it is romantic (every Wesnoth piece, battles included, is tagged "Romantic Classical").
ROMANTIC_ERA = re.compile(r"\bromantic\W*(?:classical|period|era)\b|\bclassical\W*romantic\b", re.IGNORECASE)


def _era_dropped(genre: str) -> str:
    """A genre tag without the name of a musical period that reads like a mood."""
    return ROMANTIC_ERA.sub(" ", genre or "")


def mood_entry_words(entry: str, rules: Rules | None = None) -> list[str]:
    """The mood words inside one catalogue mood entry (``"tension suspense"``, ``"dark, brooding"``), as written.

    An entry that is one known word, or holds none, is kept whole (a mood of the user's own).
    """
    words = re.findall(r"[a-z]+", entry.lower())
    known = [w for w in words if w in mood_word_map(rules)]
    return known if known and (len(words) > 1 or entry.strip() != words[0]) else [entry]


def mood_words(text: str, rules: Rules | None = None) -> list[str]:
    """The moods that words of ``text`` name (by ``rules``' mood table), in order of first mention."""
    moods: list[str] = []
    word_map = mood_word_map(rules)
    for word in re.findall(r"[a-z]+", text.lower()):
        mood = word_map.get(word)
        if mood and mood not in moods:
            moods.append(mood)
    return moods


def name_fields(relpath: str, rules: Rules | None = None) -> dict[str, Any]:
    """Piece fields from the file name: a title, mood words (by ``rules``' mood table), a tempo such as ``120bpm``."""
    stem = Path(relpath).stem
    words = re.sub(r"[_\-.]+", " ", stem)
    words = re.sub(r"^\s*\d+\s+", "", words).strip()  # a leading track number
    out: dict[str, Any] = {"title": " ".join(w.capitalize() if w.islower() else w for w in words.split()) or stem}
    bpm = re.search(r"(\d{2,3})\s*bpm", stem, re.IGNORECASE)
    if bpm:
        out["tempo"] = float(bpm.group(1))
    moods = mood_words(" ".join([words, *Path(relpath).parent.parts]), rules)
    if moods:
        out["moods"] = moods
    return out


def merge_fields(piece: Piece, layers: list[tuple[str, Mapping[str, Any]]], rules: Rules | None = None) -> Piece:
    """Fill ``piece``'s descriptive fields from ``layers`` (most trusted first); record each source. With no
    intensity given, the moods' intensities in ``rules``' mood table (the shipped rules when None)."""
    for name in (*TEXT_FIELDS, *LIST_FIELDS, "tempo", "intensity", "beats_per_bar"):
        for source, fields in layers:
            if fields.get(name) not in (None, "", []):
                setattr(piece, name, fields[name])
                piece.sources[name] = source
                break
    if piece.intensity is None and piece.moods:
        known = [i for i in (mood_table_intensity(canonical_mood(m, rules), rules) for m in piece.moods) if i is not None]
        if known:
            piece.intensity = round(sum(known) / len(known), 3)
            piece.sources["intensity"] = "moods"
    return piece
