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
    tempo = 132; intensity = 0.8           # 0..1 (or 1-5, 1-10)
    rights = "temp only"; notes = "..."

``library.csv`` has the same names as columns (``file`` first); lists are separated by ``;``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .catalogue_schema import read_catalogue_rows
from .cuespec import normalise_intensity

log = logging.getLogger(__name__)

CATALOGUE_NAMES = ("library.toml", "library.csv")
TEXT_FIELDS = ("title", "composer", "publisher", "society", "rights", "notes")
LIST_FIELDS = ("moods", "themes")

# Mood words -> the mood they mean. The names are the planner's mood table's (plan/default_rules.toml),
# so a cue's moods and a piece's meet; words beyond that table describe library music (calm, dark ...).
MOOD_WORDS: dict[str, str] = {
    w: mood
    for mood, words in {
        "tension": ("tension", "tense", "suspense", "suspenseful", "uneasy", "unease", "ominous", "nervous", "threat",
                    "thriller", "dark", "sinister", "menacing", "brooding"),
        "horror": ("horror", "dread", "scary", "terror", "creepy", "fear", "shock"),
        "sad": ("sad", "grief", "loss", "melancholy", "melancholic", "mournful", "tragic", "sorrow", "elegy", "lament"),
        "intimate": ("intimate", "quiet", "tender", "gentle", "private", "soft", "calm", "peaceful", "serene", "still",
                     "reflective", "meditative", "pastoral", "ambient"),
        "romantic": ("romantic", "romance", "love", "longing"),
        "action": ("action", "chase", "fight", "battle", "escape", "driving", "pursuit", "energetic"),
        "mystery": ("mystery", "mysterious", "curious", "enigmatic", "secret", "eerie", "investigation"),
        "comedy": ("comedy", "comic", "funny", "playful", "light", "quirky", "whimsical"),
        "hopeful": ("hopeful", "hope", "uplifting", "warm", "optimistic", "joy", "joyful", "happy", "bright", "cheerful",
                    "inspiring"),
        "heroic": ("heroic", "triumph", "triumphant", "victory", "victorious", "epic", "hero"),
        "emotional": ("emotional", "moving", "heartfelt", "touching", "swell", "poignant"),
        "wonder": ("wonder", "magic", "magical", "awe", "majestic"),
        "underscore": ("underscore", "bed", "pad"),
    }.items()
    for w in words
}

# Moods that say nothing about character: a cue with only these matches any piece as well as another.
NEUTRAL_MOODS = frozenset({"underscore"})

# Intensity (0..1) implied by a mood when the catalogue gives none (the planner's 1..5 / 5 where it has one).
MOOD_INTENSITY: dict[str, float] = {
    "intimate": 0.2, "sad": 0.4, "romantic": 0.4, "underscore": 0.3, "mystery": 0.4, "comedy": 0.5,
    "hopeful": 0.6, "wonder": 0.6, "tension": 0.6, "horror": 0.7, "emotional": 0.8, "action": 1.0, "heroic": 1.0,
}


def canonical_mood(word: str) -> str:
    """The mood a word means (``tense`` -> ``tension``); an unknown word is its own mood."""
    w = word.strip().lower().lstrip("#")
    return MOOD_WORDS.get(w, w)


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
    tempo: float | None = None
    intensity: float | None = None
    rights: str = ""
    notes: str = ""
    sources: dict[str, str] = field(default_factory=dict)  # field -> "catalogue" | "tags" | "file name" | "moods"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Piece":
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


def _entry(raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Normalise one catalogue entry (TOML table or CSV row) to Piece fields."""
    out: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        value = raw.get(key, raw.get("usage_rights") if key == "rights" else None)
        if value not in (None, ""):
            out[key] = str(value).strip()
    for key in LIST_FIELDS:
        if raw.get(key) not in (None, "", []):
            out[key] = split_list(raw[key])
    if _number(raw.get("tempo")) is not None:
        out["tempo"] = _number(raw.get("tempo"))
    if raw.get("intensity") not in (None, ""):
        try:
            out["intensity"] = normalise_intensity(raw["intensity"])
        except ValueError:
            log.warning("%s: intensity %r is not a number; ignored", where, raw["intensity"])
    return out


def read_catalogue(folder: Path) -> dict[str, dict[str, Any]]:
    """The catalogue file of ``folder`` as {relative path (lower-case): fields}; {} when there is none.

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
    for i, row in enumerate(rows, 1):
        file = str(row.get("file") or row.get("path") or "").strip().replace("\\", "/")
        if not file:
            log.warning("%s: entry %d has no 'file'; ignored", path, i)
            continue
        out[file.lower()] = _entry(row, f"{path} entry {i}")
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


def tag_fields(audio: Any) -> dict[str, Any]:
    """Piece fields from a mutagen file's tags (ID3, Vorbis, MP4, RIFF INFO through ID3)."""
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
    comments = [_first_tag(tags, k) for k in ("TCON", "genre", "\xa9gen", "mood", "TMOO")]
    moods = mood_words(" ".join([*comments, found["notes"]]))
    if moods:
        out["moods"] = moods
    tempo = _number(_first_tag(tags, "TBPM", "bpm", "tmpo"))
    if tempo:
        out["tempo"] = tempo
    return out


def mood_words(text: str) -> list[str]:
    """The moods that words of ``text`` name, in order of first mention."""
    moods: list[str] = []
    for word in re.findall(r"[a-z]+", text.lower()):
        mood = MOOD_WORDS.get(word)
        if mood and mood not in moods:
            moods.append(mood)
    return moods


def name_fields(relpath: str) -> dict[str, Any]:
    """Piece fields from the file name: a title, mood words, a tempo such as ``120bpm``."""
    stem = Path(relpath).stem
    words = re.sub(r"[_\-.]+", " ", stem)
    words = re.sub(r"^\s*\d+\s+", "", words).strip()  # a leading track number
    out: dict[str, Any] = {"title": " ".join(w.capitalize() if w.islower() else w for w in words.split()) or stem}
    bpm = re.search(r"(\d{2,3})\s*bpm", stem, re.IGNORECASE)
    if bpm:
        out["tempo"] = float(bpm.group(1))
    moods = mood_words(" ".join([words, *Path(relpath).parent.parts]))
    if moods:
        out["moods"] = moods
    return out


def merge_fields(piece: Piece, layers: list[tuple[str, Mapping[str, Any]]]) -> Piece:
    """Fill ``piece``'s descriptive fields from ``layers`` (most trusted first); record each source."""
    for name in (*TEXT_FIELDS, *LIST_FIELDS, "tempo", "intensity"):
        for source, fields in layers:
            if fields.get(name) not in (None, "", []):
                setattr(piece, name, fields[name])
                piece.sources[name] = source
                break
    if piece.intensity is None and piece.moods:
        known = [MOOD_INTENSITY[canonical_mood(m)] for m in piece.moods if canonical_mood(m) in MOOD_INTENSITY]
        if known:
            piece.intensity = round(sum(known) / len(known), 3)
            piece.sources["intensity"] = "moods"
    return piece
