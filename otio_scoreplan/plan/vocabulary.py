"""Editor words: what a marker, locator or clip note says about music.

Tolerant of the ways editors type: case, punctuation and abbreviations (``MX IN``, ``M.IN``, ``mus out``,
``Music in - tension``, ``#tense``, ``#theme:anna``, ``mood: romantic``, ``THEME: Anna``, ``hit: gunshot``,
``HIT - door slam``, a cue id ``2M3``). Every word comes from the rules (``[vocabulary]``, ``[moods]``, ``[colors]``).

Besides directions, a note's prose is read for *moments* (``the theme should land here``, ``first full
statement``: a sync point labelled with the note's words; ``the hit song``, ``Sting`` the artist and
``button up`` are not) and *negations* (``not the theme yet``, ``no drums``: what the cue must avoid).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..model import Annotation
from .rules import Rules

SEP = r"[\s._:\-\u2013\u2014/]+"
CLAUSE_SPLIT = re.compile(r"[,;|\n]+")
HASHTAG = re.compile(r"(?<![\w#])#([^\W\d_][\w-]*)(?::([^\W_][\w'-]*))?")  # "#tense", "#theme:anna"
WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
CUE_ID = re.compile(r"^\s*(\d{1,2})M(\d{1,3})([A-Z]?)(S?)(?=$|[^A-Za-z0-9])")  # capital M: '1m50' is a length
NUMBER_UNIT = re.compile(r"(\d+(?:\.\d+)?)\s*(f|fr|frames?|s|sec|secs|seconds?)?\b", re.IGNORECASE)
LEAD = re.compile(r"^[\s*>\u2022\-\u2013\u2014.:]+")


@dataclass(frozen=True)
class Direction:
    """What one annotation says about music (empty when it says nothing)."""

    action: str = ""  # in | out | range | no_music | "" (no direction word)
    music: bool = False  # says "music here" without a range (colour, a point "MUSIC" marker)
    moods: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    hits: tuple[str, ...] = ()
    cue_id: str = ""  # a cue id written by the editor, normalised: 2M3, 1M4A, 3M1S
    source: bool = False
    entry: str = ""  # prelap | fade_in | segue | ""
    exit: str = ""  # tail_out | fade_out | segue | ""
    prelap_frames: int | None = None
    tail_frames: int | None = None
    rest: str = ""  # the words after a direction ("tension" in "Music in - tension")
    moments: tuple[str, ...] = ()  # labels of sync points named in prose ("the theme should land here")
    avoid: tuple[str, ...] = ()  # negated words: "theme" (any theme), "theme:Anna", or an instrument ("drums")

    @property
    def says_music(self) -> bool:
        """True when the annotation is about music at all."""
        return bool(self.action or self.music or self.moods or self.themes or self.hits or self.cue_id)


@dataclass(frozen=True)
class _Vocab:
    phrases: tuple[tuple[re.Pattern, str], ...]  # (pattern, action) longest first
    mood_prefix: re.Pattern
    theme_prefix: re.Pattern
    hit_prefix: re.Pattern
    mood_words: dict[str, str]
    source: re.Pattern
    prelap: re.Pattern
    fade_in: re.Pattern
    fade_out: re.Pattern
    tail: re.Pattern
    segue: re.Pattern
    moment_words: frozenset[str]
    moment_exceptions: tuple[str, ...]
    negation: re.Pattern
    theme_words: frozenset[str]


def _phrase(words: str) -> str:
    colon = words.rstrip().endswith(":")
    parts = [re.escape(w) for w in re.split(r"[\s\-_.]+", words.strip().rstrip(":").strip()) if w]
    body = SEP.join(parts)
    return body + (r"\s*:" if colon else r"(?=$|[^a-z0-9])")


def _any(words: list[str], anchored: bool = False) -> re.Pattern:
    alts = sorted({_phrase(w) for w in words if w.strip()}, key=len, reverse=True) or [r"(?!x)x"]
    head = r"^" if anchored else r"(?<![a-z0-9])"
    return re.compile(head + "(?:" + "|".join(alts) + ")", re.IGNORECASE)


@lru_cache(maxsize=16)
def _vocab(rules: Rules) -> _Vocab:
    """The compiled vocabulary of ``rules`` (cached per rules object)."""
    v = rules.get("vocabulary")
    phrases = [(w, "in") for w in v["music_in"]] + [(w, "out") for w in v["music_out"]]
    phrases += [(w, "range") for w in v["music_range"]] + [(w, "no_music") for w in v["no_music"]]
    phrases.sort(key=lambda p: (-len(p[0]), p[0]))
    mood_words: dict[str, str] = {}
    for name in sorted(rules.get("moods")):
        mood_words.setdefault(name.lower(), name)
        for w in rules.get("moods")[name]["words"]:
            mood_words.setdefault(w.lower(), name)
    return _Vocab(
        phrases=tuple((re.compile(r"^" + _phrase(w), re.IGNORECASE), a) for w, a in phrases),
        mood_prefix=_any(v["mood_prefix"], anchored=True),
        theme_prefix=_any(v["theme_prefix"], anchored=True),
        hit_prefix=_any(v["hit_prefix"], anchored=True),
        mood_words=mood_words,
        source=_any(v["source_words"]),
        prelap=_any(v["prelap_words"]),
        fade_in=_any(v["fade_in_words"]),
        fade_out=_any(v["fade_out_words"]),
        tail=_any(v["tail_words"]),
        segue=_any(v["segue_words"]),
        moment_words=frozenset(w.lower() for w in v["moment_words"]),
        moment_exceptions=tuple(" ".join(re.split(r"[\s\-]+", w.lower())) for w in v["moment_exceptions"]),
        negation=re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(w) for w in v["negation_words"]) + r")\s+"
                            r"(?:the\s+|any\s+|a\s+|an\s+|more\s+)?([^\W\d_][\w'\u2019-]*(?:\s+(?:theme|motif))?"
                            r"(?:\s*(?:,|or|and|nor)\s+[^\W\d_][\w'\u2019-]*)*)", re.IGNORECASE) if v["negation_words"] else re.compile(r"(?!x)x"),
        theme_words=frozenset(w.lower().rstrip(":").strip() for w in v["theme_prefix"]),
    )


def says_source(text: str, rules: Rules) -> bool:
    """True when ``text`` names source (diegetic) music: 'radio', 'source', 'song' ..."""
    return _vocab(rules).source.search(text or "") is not None


# Words that describe library music rather than a scene (in catalogues, tags and file names), each naming a mood
# of the rules' mood table; a word for a mood the rules lack is not used.
LIBRARY_MOOD_WORDS: dict[str, tuple[str, ...]] = {
    "tension": ("thriller", "dark", "sinister", "menacing", "brooding"),
    "sad": ("elegy", "lament"),
    "intimate": ("calm", "peaceful", "serene", "still", "reflective", "meditative", "pastoral", "ambient"),
    "action": ("pursuit", "energetic"),
    "mystery": ("eerie", "investigation"),
    "hopeful": ("bright", "cheerful", "inspiring"),
}


def library_mood_words(rules: Rules) -> dict[str, str]:
    """Mood words -> the mood they mean, as the temp-music library reads them: the rules' mood names and words
    (``[moods]``, a user's rules file included: the planner's own table), then :data:`LIBRARY_MOOD_WORDS`."""
    words = dict(_vocab(rules).mood_words)
    table = rules.get("moods")
    for mood, extra in LIBRARY_MOOD_WORDS.items():
        if mood in table:
            for w in extra:
                words.setdefault(w, mood)
    return words


def moods_in(text: str, rules: Rules) -> list[str]:
    """Moods named by the words of ``text``, in order, without repeats."""
    words = _vocab(rules).mood_words
    out: list[str] = []
    for token in re.findall(r"[a-z]+", text.lower()):
        mood = words.get(token)
        if mood and mood not in out:
            out.append(mood)
    return out


def _amount(text: str, rate: float, default_unit: str) -> int | None:
    m = NUMBER_UNIT.search(text)
    if not m:
        return None
    value = float(m.group(1))
    unit = (m.group(2) or default_unit).lower()
    return int(round(value * rate)) if unit.startswith("s") else int(round(value))


def _strip(text: str) -> str:
    return LEAD.sub("", text).strip()


def parse_text(text: str, rules: Rules, rate: float) -> Direction:
    """What ``text`` (a marker name or comment) says about music."""
    vc = _vocab(rules)
    d: dict = {"moods": [], "themes": [], "hits": []}
    text = text or ""
    for tag, value in HASHTAG.findall(text) if rules.get("vocabulary.hashtag_moods") else []:
        if tag.lower() in vc.theme_words:  # "#theme:anna" names a theme, not the mood "theme"
            if value and value not in d["themes"]:
                d["themes"].append(value)
            continue
        mood = vc.mood_words.get(tag.lower()) or tag.lower()
        if mood not in d["moods"]:
            d["moods"].append(mood)
    d["moments"], d["avoid"] = [], []
    last = ""
    for raw in CLAUSE_SPLIT.split(text):
        clause = _strip(raw)
        if not clause:
            continue
        m = CUE_ID.match(clause)
        if m:
            d.setdefault("cue_id", f"{int(m.group(1))}M{int(m.group(2))}{m.group(3).upper()}{m.group(4).upper()}")
            clause = _strip(clause[m.end():])
            if not clause:
                continue
        kind = _parse_clause(clause, vc, rules, rate, d)
        _prose(clause, kind, vc, rules, d)
        if not kind and last in ("direction", "mood"):  # "Music in - tense, sad": the list runs on
            _add_moods(d, moods_in(clause, rules) if last == "direction" else _mood_tokens(clause, vc))
            kind = last
        last = kind
    return Direction(
        action=d.get("action", ""),
        moods=tuple(d["moods"]),
        themes=tuple(d["themes"]),
        hits=tuple(d["hits"]),
        cue_id=d.get("cue_id", ""),
        source=d.get("source", False),
        entry=d.get("entry", ""),
        exit=d.get("exit", ""),
        prelap_frames=d.get("prelap_frames"),
        tail_frames=d.get("tail_frames"),
        rest=d.get("rest", ""),
        moments=tuple(dict.fromkeys(d["moments"])),
        avoid=tuple(dict.fromkeys(d["avoid"])),
    )


def _label(text: str, limit: int = 80) -> str:
    """A note's words as a short label, cut at a word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-") + "..."


def moment_word_at(clause: str, m: re.Match, vc: _Vocab, rules: Rules) -> bool:
    """True when the word matched by ``m`` in ``clause`` is a moment word used as one: not in an exception
    ("the hit song", "button up"), not a name (capitalised inside a sentence, or in a note about source music:
    "a song by Sting"), not negated ("no hit here")."""
    word = m.group(0)
    if word.lower() not in vc.moment_words:
        return False
    after = " ".join(re.split(r"[\s\-]+", clause[m.start():].lower()))
    if any(after.startswith(x) and (len(after) == len(x) or not after[len(x)].isalnum()) for x in vc.moment_exceptions):
        return False
    before = clause[:m.start()]
    if word[0].isupper() and not word.isupper() and (before.strip() or says_source(clause, rules)):
        return False  # a name: "a song by Sting", "Sting on the radio"
    last = WORD.findall(before)[-1:]
    return not (last and vc.negation.match(last[0] + " x"))


def _prose(clause: str, kind: str, vc: _Vocab, rules: Rules, d: dict) -> None:
    """Moments and negations in a clause's prose (not in a ``hit:`` clause, whose label is already a hit)."""
    for m in vc.negation.finditer(clause):
        for word in re.split(r"\s*(?:,|\bor\b|\band\b|\bnor\b)\s*", m.group(1)):
            written = word.strip()
            word = written.lower()
            if not word or word in ("music", "mx", "score", "cue"):
                continue
            if word in vc.theme_words:
                d["avoid"].append("theme")
            elif word.split()[-1] in vc.theme_words:  # "not Anna's theme"
                d["avoid"].append("theme:" + re.sub(r"['\u2019]s$", "", written.rsplit(" ", 1)[0]))
            else:
                d["avoid"].append(word)
    if kind == "hit":
        return
    if any(moment_word_at(clause, m, vc, rules) for m in WORD.finditer(clause)):
        d["moments"].append(_label(clause))


def _add_moods(d: dict, moods: list[str]) -> None:
    for mood in moods:
        if mood not in d["moods"]:
            d["moods"].append(mood)


def _mood_tokens(text: str, vc: _Vocab) -> list[str]:
    """Each word of a mood list as a mood: known words mapped ('tense' -> 'tension'), others kept."""
    tokens = [t.strip(" .:-") for t in re.split(r"[\s/&+]+|\band\b", text.lower())]
    return [vc.mood_words.get(t) or t for t in tokens if t]


def _parse_clause(clause: str, vc: _Vocab, rules: Rules, rate: float, d: dict) -> str:
    """Parse one clause into ``d``; return what it was: direction | mood | theme | hit | ""."""
    for pattern, action in vc.phrases:
        m = pattern.match(clause)
        if m:
            rest = _strip(clause[m.end():])
            if "action" not in d:
                d["action"] = action
                d["rest"] = rest
            _direction_words(rest, action, vc, rate, d)
            if action != "no_music":
                _add_moods(d, moods_in(rest, rules))
                if rest:  # "MUSIC IN theme: Anna"
                    _parse_clause(rest, vc, rules, rate, d)
            return "direction"
    m = vc.mood_prefix.match(clause)
    if m:
        _add_moods(d, _mood_tokens(_strip(clause[m.end():]), vc))
        return "mood"
    m = vc.theme_prefix.match(clause)
    if m:
        name = " ".join(_strip(clause[m.end():]).split())
        if name and name not in d["themes"]:
            d["themes"].append(name)
        return "theme"
    m = vc.hit_prefix.match(clause)
    if m and (not clause[m.end():m.end() + 1].isspace() or moment_word_at(clause, WORD.match(clause), vc, rules)):
        d["hits"].append(" ".join(_strip(clause[m.end():]).split()) or "hit")
        return "hit"
    return ""


def _direction_words(rest: str, action: str, vc: _Vocab, rate: float, d: dict) -> None:
    if vc.source.search(rest):
        d["source"] = True
    if action in ("in", "range"):
        m = vc.prelap.search(rest)
        if m:
            d["entry"] = "prelap"
            d["prelap_frames"] = _amount(rest[m.end():], rate, "f")
        elif vc.fade_in.search(rest) or (action == "in" and vc.fade_out.search(rest)):
            d["entry"] = "fade_in"
        elif action == "in" and vc.segue.search(rest):
            d["entry"] = "segue"
    if action in ("out", "range"):
        m = vc.tail.search(rest)
        if m:
            d["exit"] = "tail_out"
            d["tail_frames"] = _amount(rest[m.end():], rate, "s")
        elif (action == "out" and vc.fade_in.search(rest) is None and vc.fade_out.search(rest)) or (
            action == "range" and vc.fade_out.search(rest) and not vc.fade_in.search(rest)
        ):
            d["exit"] = "fade_out"
        elif action == "out" and vc.segue.search(rest):
            d["exit"] = "segue"


def parse_annotation(ann: Annotation, rules: Rules, rate: float) -> Direction:
    """What an annotation says about music: its name, then its comment, then its colour."""
    first = parse_text(ann.name, rules, rate)
    second = parse_text(ann.comment, rules, rate) if ann.comment and ann.comment != ann.name else Direction()
    color = (ann.color or "").strip().lower()
    colors = rules.get("colors")
    action = first.action or second.action
    if not action and color and color in [c.lower() for c in colors["no_music"]]:
        action = "no_music"
    color_mood = {k.lower(): v for k, v in colors["mood"].items()}.get(color)
    moods = list(dict.fromkeys(first.moods + second.moods + ((color_mood,) if color_mood else ())))
    music = bool(color and color in [c.lower() for c in colors["music"]]) or bool(color_mood)
    primary = first if first.action else second
    return Direction(
        action=action,
        music=music,
        moods=tuple(moods),
        themes=tuple(dict.fromkeys(first.themes + second.themes)),
        hits=tuple(first.hits + second.hits),
        cue_id=first.cue_id or second.cue_id,
        source=first.source or second.source,
        entry=primary.entry or first.entry or second.entry,
        exit=primary.exit or first.exit or second.exit,
        prelap_frames=primary.prelap_frames if primary.prelap_frames is not None else (first.prelap_frames or second.prelap_frames),
        tail_frames=primary.tail_frames if primary.tail_frames is not None else (first.tail_frames or second.tail_frames),
        rest=primary.rest,
        moments=tuple(dict.fromkeys(first.moments + second.moments)),
        avoid=tuple(dict.fromkeys(first.avoid + second.avoid)),
    )
