"""What a cue sounds like and why: palette and intensity from the mood table, a one-line description.

The description speaks the people's own words first: the text of the markers inside the cue after their
direction word (``MUSIC IN - tension`` gives ``tension``), their comments, and clip notes on clips inside the
cue (a clip note lands on its clip's first frame); then the scenes it plays over. Each note's moments (``the
theme should land here``) become sync points, and its negations (``not the theme yet``, ``no drums``) what the
cue avoids. A reason says where each of these came from.
"""

from __future__ import annotations

import bisect
import re
import weakref
from collections.abc import Sequence
from dataclasses import replace

from ..analyse.scenes import scene_marker_label
from ..model import Annotation
from .context import CutInfo
from .model import Cue, Hit, text_digest
from .rules import Rules
from .vocabulary import CUE_ID, LEAD, Direction, _vocab, parse_annotation, parse_text

DESCRIPTION_LIMIT = 200


def mood_intensity(moods: tuple[str, ...], rules: Rules) -> int:
    """The strongest intensity (1..5) the mood table gives ``moods``; the default palette's when none is known."""
    table = rules.get("moods")
    known = [int(table[m]["intensity"]) for m in moods if m in table]
    value = max(known) if known else int(rules.get("default_palette.intensity"))
    return min(5, max(1, value))


def instrument_words(word: str, rules: Rules) -> set[str]:
    """``word`` and the instrument words that stand for it (``drums`` -> percussion, timpani ...)."""
    word = word.lower()
    out = {word}
    for group in rules.get("vocabulary.instrument_groups"):
        names = set(group.lower().split())
        if word in names:
            out |= names
    return out


def avoided_instruments(avoid: tuple[str, ...], rules: Rules) -> set[str]:
    """Every instrument word an ``avoid`` list rules out (themes left aside)."""
    out: set[str] = set()
    for word in avoid:
        if not word.startswith("theme") and word != "theme":
            out |= instrument_words(word, rules)
    return out


def palette_for(moods: tuple[str, ...], rules: Rules, avoid: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Instruments suggested for ``moods``, in mood order, without repeats, none an ``avoid`` word names."""
    table = rules.get("moods")
    out = [p for m in moods if m in table for p in table[m]["palette"]]
    banned = avoided_instruments(avoid, rules)
    kept = [p for p in dict.fromkeys(out or rules.get("default_palette.palette"))
            if not banned & set(re.findall(r"[a-z]+", p.lower()))]
    return tuple(kept)


def _is_scene_marker(ann: Annotation) -> bool:
    return scene_marker_label(ann.name) is not None


def _own_words(text: str, rules: Rules, rate: float) -> str:
    """The people's words of one text: a leading cue id and direction word dropped, hashtags dropped."""
    if not text.strip():
        return ""
    d = parse_text(text, rules, rate)
    words = text
    if d.action:
        words = d.rest if d.action != "no_music" else ""
        vc = _vocab(rules)
        clause = LEAD.sub("", text).strip()
        m = CUE_ID.match(clause)
        if m:
            clause = LEAD.sub("", clause[m.end():]).strip()
        for pattern, _ in vc.phrases:  # the whole text after the direction word, not only its first clause
            hit = pattern.match(clause)
            if hit:
                words = LEAD.sub("", clause[hit.end():]).strip()
                break
    else:
        m = CUE_ID.match(LEAD.sub("", text))
        if m:
            words = LEAD.sub("", LEAD.sub("", text)[m.end():])
    words = re.sub(r"(?<![\w#])#[^\W\d_][\w-]*(?::[\w'-]+)?", "", words)
    return " ".join(words.replace("\n", " ").split()).strip(" -,;:")


_PARSED: weakref.WeakKeyDictionary[CutInfo, tuple[list[int], list[tuple[Annotation, Direction]]]] = \
    weakref.WeakKeyDictionary()


def _parsed(cut: CutInfo) -> tuple[list[int], list[tuple[Annotation, Direction]]]:
    """The cut's notes (scene markers and NO MUSIC left out) parsed once, in frame order, with their frames."""
    if cut not in _PARSED:
        notes = [(a, parse_annotation(a, cut.rules, cut.rate)) for a in cut.analysis.editor_annotations
                 if not _is_scene_marker(a)]
        notes = sorted((n for n in notes if n[1].action != "no_music"), key=lambda n: n[0].frame)
        _PARSED[cut] = ([a.frame for a, _ in notes], notes)
    return _PARSED[cut]


def _notes_of(cue: Cue, cut: CutInfo, unused: Sequence[Annotation] = ()) -> list[tuple[Annotation, Direction]]:
    """The editor's notes that belong to a cue: inside it, or its MUSIC OUT on its last frame; scene markers and
    NO MUSIC notes left out, and the ``unused`` ones (a MUSIC IN/OUT or range warned as holding no music: it
    speaks for no cue, though a neighbour's pre-lap may reach over its frame)."""
    frames, notes = _parsed(cut)
    lo, hi = bisect.bisect_left(frames, cue.start_frame), bisect.bisect_right(frames, cue.end_frame)
    closes = cue.exit.type in ("hard_out", "fade_out")
    return [(a, d) for a, d in notes[lo:hi] if (a.frame < cue.end_frame or (d.action == "out" and closes))
            and not any(a is u for u in unused)]


def _where(ann: Annotation, cut: CutInfo) -> str:
    what = "clip note" if ann.kind == "clip_note" else ann.kind
    return f"{what} {ann.name!r} at {cut.analysis.sequence.timecode(ann.frame)} ({ann.origin})"


def people_words(cue: Cue, cut: CutInfo, unused: Sequence[Annotation] = ()) -> tuple[list[str], list[str]]:
    """The people's words over a cue, in time order without repeats, and a reason per note they came from."""
    words: list[str] = []
    reasons: list[str] = []
    for ann, _ in _notes_of(cue, cut, unused):
        named = parse_text(ann.name, cut.rules, cut.rate)
        hit_only = bool(named.hits) and not named.action  # "hit: gunshot" is listed as a sync point already
        parts = [("name", "" if hit_only else _own_words(ann.name, cut.rules, cut.rate))]
        if ann.comment and ann.comment.strip() != ann.name.strip():
            parts.append(("comment", _own_words(ann.comment, cut.rules, cut.rate)))
        said = [(field, w) for field, w in parts if w and w.lower() not in {x.lower() for x in words}]
        for _, w in said:
            words.append(w)
        if said:
            from_ = " and ".join(f"{w!r} ({field})" for field, w in said)
            reasons.append(f"description: {from_} from the {_where(ann, cut)}")
    return words, reasons


def _cut_at_word(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-") + " ..."


def describe(cue: Cue, cut: CutInfo, words: list[str] | None = None) -> str:
    """One line: the people's words first, then the scenes the cue plays over (then what the planner knows)."""
    words = people_words(cue, cut)[0] if words is None else words
    scenes = cut.scenes_over(cue.start_frame, cue.end_frame)
    where = ", ".join(s.label for s in scenes[:3] if s.label) + (" ..." if len(scenes) > 3 else "")
    said = "; ".join(words)
    # the cue's own text (a clip name, an earlier plan's) is added unless it is the planner's own earlier line (a
    # proposal kept through a recut carries it: written afresh here, not after itself) or already said
    written = cue.planner_description or cue.description.lower() in f"{said} - {where}".lower()
    own = cue.description if cue.description and not written else ""
    if cue.origin == "music" and own:
        own = f"temp in the cut: {own}"
    parts = [p for p in (said, where, own) if p]
    if not parts:
        parts = [" / ".join(cue.moods) or cue.kind]
    return _cut_at_word(" - ".join(parts).replace("\n", " "), DESCRIPTION_LIMIT)


def moments_and_avoid(cue: Cue, cut: CutInfo, unused: Sequence[Annotation] = ()
                      ) -> tuple[tuple[Hit, ...], tuple[str, ...], list[str]]:
    """The sync points the notes' moment words make, what their negations rule out, and the reasons."""
    hits: list[Hit] = []
    avoid: list[str] = []
    reasons: list[str] = []
    for ann, d in _notes_of(cue, cut, unused):
        if not cue.start_frame <= ann.frame < cue.end_frame:
            continue
        for label in d.moments:
            hits.append(Hit(ann.frame, label))
            land = " (a clip note lands on its clip's first frame)" if ann.kind == "clip_note" else ""
            reasons.append(f"sync point {cut.analysis.sequence.timecode(ann.frame)} {label!r}: a moment word in the "
                           f"{_where(ann, cut)}{land}")
        new = [a for a in d.avoid if a not in avoid]
        avoid += new
        if new:
            reasons.append(f"avoids {', '.join(new)}: the {_where(ann, cut)} says so")
    return tuple(hits), tuple(avoid), reasons


def _drop_avoided_themes(cue: Cue, avoid: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    if not avoid or not cue.themes:
        return cue.themes, []
    named = {a.split(":", 1)[1].lower() for a in avoid if a.startswith("theme:")}
    kept = tuple(t for t in cue.themes if "theme" not in avoid and t.lower() not in named)
    gone = [t for t in cue.themes if t not in kept]
    return kept, [f"theme {t!r} left off: the notes say {'not the theme' if 'theme' in avoid else 'not ' + t}"
                  for t in gone]


def finish(cue: Cue, cut: CutInfo, unused: Sequence[Annotation] = ()) -> Cue:
    """``cue`` with palette, intensity, sync points from moment words, what it avoids, and description (with
    the digest marking it the planner's) filled in. ``unused``: directions warned as holding no music (their
    words describe no cue)."""
    rules = cut.rules
    intensity = cue.intensity or mood_intensity(cue.moods, rules)
    words, word_reasons = people_words(cue, cut, unused)
    hits, avoid, more = moments_and_avoid(cue, cut, unused)
    avoid = tuple(dict.fromkeys(cue.avoid + avoid))
    themes, theme_reasons = _drop_avoided_themes(cue, avoid)
    palette = palette_for(cue.moods, rules, avoid)
    full = palette_for(cue.moods, rules)
    if palette != full:
        more.append(f"palette without {', '.join(p for p in full if p not in palette)}: the notes rule out "
                    f"{', '.join(a for a in avoid if not a.startswith('theme'))}")
    if not palette:
        palette = tuple(p for p in rules.get("default_palette.palette")
                        if not avoided_instruments(avoid, rules) & set(p.lower().split()))
    cue = replace(cue, themes=themes, avoid=avoid)
    description = describe(cue, cut, words)
    reasons = tuple(dict.fromkeys(cue.reasons + tuple(word_reasons) + tuple(more) + tuple(theme_reasons)))
    return replace(
        cue,
        palette=palette,
        intensity=min(5, max(1, intensity)),
        description=description,
        description_digest=text_digest(description),  # the planner's own words: a person's edit changes them
        hits=tuple(sorted(set(cue.hits) | set(hits), key=lambda h: (h.frame, h.label))),
        reasons=reasons,
    )
