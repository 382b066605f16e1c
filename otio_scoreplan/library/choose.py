"""Choose a temp piece for each cue: mood, theme recurrence, length, intensity, variety; pins kept.

Cues are taken in film order. Every piece gets a score per cue (the weights are :class:`ChooseSettings`):

- **mood**: the share of the cue's moods the piece carries, words compared by meaning
  (:func:`~.catalogue.canonical_mood`: ``tense`` is ``tension`` by the rules' mood table, ``--rules`` included;
  0.5 when the cue names none);
- **theme**: a cue with a theme gets the piece that theme had earlier in the film (recurrence), else a
  piece tagged with the theme; a piece tagged with a theme the film uses is kept off cues without it;
- **length**: 1 when the piece lasts at least the cue, else its share of the cue (it would loop);
- **intensity**: 1 minus the distance between the cue's and the piece's 0..1 intensity (a louder piece
  than asked counts ``louder`` times as far); for an untagged piece, whose intensity listening measured
  and whose moods are only suggested by it, the intensity counts ``estimated_intensity`` times and the
  moods ``estimated_mood`` times as much; a best piece :data:`BIG_GAP` (1.5 of 1..5) or more off the cue's
  intensity loses to the best piece of the cue's mood family (:data:`MOOD_FAMILIES`; any piece, for a cue naming no
  mood) within it, when one is not a neighbour's, unless it carries the cue's theme; nothing fitting, it stays. A
  pick 1 or more off says so ("intensity 2.9 (measured) for a 5 cue: nearest with the mood");
- **variety**: a penalty for a piece used within ``variety_window`` cues before (or pinned after),
  unless the theme calls for it, and a small one for each earlier use;
- a seeded jitter up to ``variation``: the same inputs and seed give the same picks; ``--seed`` varies
  the choice among near-equal pieces.

A cue whose plan already names a piece (``temp.path``) keeps it: a person pinned it. A cue whose notes rule
something out (the plan's ``avoid``: "not the theme yet", "no drums") gets no piece tagged with a theme (or that
theme), and none whose title, tags or notes name the instrument; the reason says so.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..infile import not_a_file
from ..plan.model import Cue, Plan, TempPick
from .catalogue import NEUTRAL_MOODS, Piece, canonical_mood
from .cuespec import CueSpec, frame_seconds
from .listing import intensity_scale
from .scan import Library

if TYPE_CHECKING:
    from ..plan.rules import Rules

log = logging.getLogger(__name__)

# Moods a music editor lays for one another when the intensity calls for it (names of the shipped mood table);
# a mood in no family is a family of its own. Families overlap: heroic drives and lifts, horror drives and
# darkens, emotional is tender and lifts. A piece's family counts the moods listening suggests for it too.
MOOD_FAMILIES: dict[str, frozenset[str]] = {
    "drive": frozenset({"action", "heroic", "horror"}),
    "dark": frozenset({"tension", "horror", "mystery"}),
    "tender": frozenset({"intimate", "romantic", "sad", "emotional"}),
    "uplift": frozenset({"hopeful", "wonder", "heroic", "emotional", "comedy"}),
}
BIG_GAP = 0.3  # 1.5 on the cues' 1..5 scale: a piece this far off loses to one of the cue's mood family that fits
OFF = 0.2  # 1 on 1..5: a pick this far off names the gap in its reason


@dataclass(frozen=True)
class ChooseSettings:
    """Weights and knobs of the choice."""

    seed: int = 0
    mood: float = 3.0
    theme: float = 4.0
    length: float = 1.5
    intensity: float = 1.0
    variety: float = 5.0  # penalty for a neighbour's piece
    reuse: float = 0.3  # penalty per earlier use anywhere in the film
    variety_window: int = 2
    variation: float = 0.15  # seeded jitter
    louder: float = 1.5  # a piece louder than the cue asks is this much further off than a softer one
    estimated_mood: float = 0.5  # share of the mood weight for moods only listening suggests (a guess)
    estimated_intensity: float = 3.0  # intensity weight for a piece whose intensity listening measured
    rules: Rules | None = None  # the run's rules (--rules): their mood table says which words mean one mood


@dataclass(frozen=True)
class Pick:
    """The temp piece chosen (or pinned) for one cue."""

    cue_id: str
    path: str  # absolute path of the piece
    title: str
    offset_seconds: float
    reason: str
    pinned: bool = False
    score: float = 0.0

    def to_temp(self) -> TempPick:
        """The cue's ``temp`` in the plan."""
        return TempPick(self.path, self.title, self.offset_seconds, self.reason)


@dataclass
class _State:
    used: list[str | None] = field(default_factory=list)  # piece path per cue, in order
    theme_piece: dict[str, str] = field(default_factory=dict)  # theme -> first piece used for it
    uses: dict[str, int] = field(default_factory=dict)


def _jitter(seed: int, cue_id: str, path: str) -> float:
    """A number in [0, 1) fixed by (seed, cue, piece): independent of library order and of Python's hash seed."""
    digest = hashlib.sha256(f"{seed}\0{cue_id}\0{path}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _pin_path(lib: Library, pin: str) -> Path:
    """A pinned path as an absolute path (a relative pin is relative to the library folder)."""
    p = Path(pin)
    return (p if p.is_absolute() else lib.folder / p).resolve()


def _score(piece: Piece, cue: CueSpec, cue_seconds: float, neighbours: set[str], film_themes: set[str],
           state: _State, s: ChooseSettings) -> tuple[float, list[str]]:
    """Score of ``piece`` for ``cue`` and the words explaining it."""
    why: list[str] = []
    total = 0.0
    moods = {canonical_mood(m, s.rules) for m in piece.moods}
    wanted = list(dict.fromkeys(c for c in (canonical_mood(m, s.rules) for m in cue.moods) if c not in NEUTRAL_MOODS))
    heard = piece.sources.get("moods") == "analysis"  # moods suggested by listening, not said by anyone
    mood_weight = s.mood * (s.estimated_mood if heard else 1.0)
    if wanted:
        shared = [m for m in wanted if m in moods]
        total += mood_weight * len(shared) / len(wanted)
        if shared:
            why.append("mood " + ", ".join(shared) + (" (estimated)" if heard else ""))
    else:
        total += mood_weight * 0.5
    recurring = False
    for theme in cue.themes:
        if state.theme_piece.get(theme) == piece.path:
            total += s.theme
            why.append(f"theme '{theme}' recurs")
            recurring = True
            break
        if theme in piece.themes:
            total += s.theme * 0.8
            why.append(f"tagged with theme '{theme}'")
            break
    foreign = (set(piece.themes) & film_themes) - set(cue.themes)
    if foreign:
        total -= s.theme * 0.5
    if piece.duration_seconds >= cue_seconds:
        total += s.length
        why.append(f"{piece.duration_seconds:.0f} s covers the cue's {cue_seconds:.0f} s")
    else:
        total += s.length * 0.8 * piece.duration_seconds / cue_seconds
        why.append(f"{piece.duration_seconds:.0f} s, loops to the cue's {cue_seconds:.0f} s")
    measured = piece.sources.get("intensity") == "analysis"
    intensity_weight = s.intensity * (s.estimated_intensity if measured else 1.0)
    if cue.intensity is not None and piece.intensity is not None:
        gap = piece.intensity - cue.intensity
        total += intensity_weight * (1.0 - abs(gap) * (s.louder if gap > 0 else 1.0))
        if _off(piece, cue) < OFF:  # further off, the reason names the gap (choose: _intensity_note)
            why.append(f"intensity {intensity_scale(piece.intensity):.1f}{' (measured)' if measured else ''} near "
                       f"{5 * cue.intensity:.1f} (1..5)")  # the cues' scale (0..1 inside)
    else:
        total += intensity_weight * 0.5
    if piece.path in neighbours and not recurring:
        total -= s.variety
        why.append("also in a neighbouring cue")
    total -= s.reuse * state.uses.get(piece.path, 0)
    return total, why


def climax_twice(piece: Piece, cue_seconds: float) -> bool:
    """Whether ``piece`` cannot last a cue of ``cue_seconds`` without playing its climax twice (issue 14).

    A music editor lengthens a piece by repeating phrases outside its climax (:mod:`..audio.edit_plan`); a piece
    shorter than the cue by more than all of its music outside the climax must repeat the climax (or loop whole).
    Only a piece whose analysis found a climax is judged.
    """
    if piece.duration_seconds >= cue_seconds:
        return False
    sections = getattr(getattr(piece, "analysis", None), "sections", None) or ()
    climax = sum(float(s.end) - float(s.start) for s in sections if s.label == "climax")
    return climax > 0 and cue_seconds > 2 * piece.duration_seconds - climax


def same_character(a: Piece, b: Piece, rules: Rules | None = None) -> bool:
    """Two pieces of one character: a mood in common (or neither has one) and intensities at most a level apart."""
    moods_a = {canonical_mood(m, rules) for m in a.moods} - NEUTRAL_MOODS
    moods_b = {canonical_mood(m, rules) for m in b.moods} - NEUTRAL_MOODS
    near = a.intensity is None or b.intensity is None or abs(a.intensity - b.intensity) <= 0.2 + 1e-9
    return near and (bool(moods_a & moods_b) or not (moods_a or moods_b))


def _without_climax_twice(pieces: list[Piece], cue_seconds: float, rules: Rules | None = None) -> list[Piece]:
    """``pieces`` without those that would play their climax twice in the cue while a piece of the same character
    lasts the whole cue (never a climax twice while the library has a longer piece of that character)."""
    long = [p for p in pieces if p.duration_seconds >= cue_seconds]
    out = [p for p in pieces if not (climax_twice(p, cue_seconds) and any(same_character(p, q, rules) for q in long))]
    return out or pieces


def mood_families(moods: Iterable[str], rules: Rules | None = None) -> frozenset[str]:
    """The families (:data:`MOOD_FAMILIES`) of ``moods`` (words read by ``rules``' mood table); a mood in none is
    its own family; neutral moods (underscore) have none."""
    out: set[str] = set()
    for word in moods:
        mood = canonical_mood(word, rules)
        if mood not in NEUTRAL_MOODS:
            out.update([name for name, members in MOOD_FAMILIES.items() if mood in members] or [mood])
    return frozenset(out)


def _off(piece: Piece, cue: CueSpec) -> float:
    """How far ``piece``'s intensity is from ``cue``'s (0..1, rounded to drop float noise); 0 when either is unknown."""
    if cue.intensity is None or piece.intensity is None:
        return 0.0
    return round(abs(piece.intensity - cue.intensity), 6)


def _kin(piece: Piece, families: frozenset[str], rules: Rules | None) -> bool:
    """Whether ``piece`` is of one of ``families`` (every piece is, for a cue that names no mood)."""
    return not families or bool(mood_families(piece.moods, rules) & families)


def _themed(piece: Piece, cue: CueSpec, state: _State) -> bool:
    """Whether ``piece`` carries one of ``cue``'s themes (tagged with it, or the piece the theme had before)."""
    return any(theme in piece.themes or state.theme_piece.get(theme) == piece.path for theme in cue.themes)


def _fitting_kin(pieces: list[Piece], cue: CueSpec, state: _State, neighbours: set[str],
                 rules: Rules | None = None) -> list[Piece]:
    """The pieces of the cue's mood family (any piece, for a cue that names no mood) within :data:`BIG_GAP` of its
    intensity, which a pick that far off loses to; none when each of them is a neighbouring cue's (variety still
    holds) or the cue has no intensity: then nothing else fits."""
    if cue.intensity is None:
        return []
    families = mood_families(cue.moods, rules)
    fits = [p for p in pieces if p.intensity is not None and _off(p, cue) < BIG_GAP and _kin(p, families, rules)]
    return fits if any(p.path not in neighbours or _themed(p, cue, state) for p in fits) else []


def _level(intensity: float) -> str:
    """A 0..1 intensity on the cues' 1..5 scale as people write it: 5, 2.5."""
    return f"{5 * intensity:.1f}".removesuffix(".0")


def _intensity_note(piece: Piece, cue: CueSpec, candidates: Sequence[Piece], neighbours: set[str],
                    cue_seconds: float, rules: Rules | None = None) -> str:
    """The reason's words for a pick :data:`OFF` or more from the cue's intensity ("intensity 2.9 (measured) for a
    5 cue: nearest with the mood"), "" for a nearer one; ``candidates`` are the pieces the pick was chosen among."""
    off = _off(piece, cue)
    if cue.intensity is None or piece.intensity is None or off < OFF:
        return ""
    measured = " (measured)" if piece.sources.get("intensity") == "analysis" else ""
    head = f"intensity {intensity_scale(piece.intensity):.1f}{measured} for a {_level(cue.intensity)} cue"
    families = mood_families(cue.moods, rules)
    rated = [p for p in candidates if p.intensity is not None]
    kin = [p for p in rated if _kin(p, families, rules)]
    with_mood = any(p.path == piece.path for p in kin)
    if with_mood and off <= min(_off(p, cue) for p in kin):
        return head + (": nearest with the mood" if families else ": nearest in the library")
    if off <= min((_off(p, cue) for p in rated), default=off):
        return head + ": nearest in the library"
    nearer = min((p for p in (kin if with_mood else rated) if _off(p, cue) < off), key=lambda p: (_off(p, cue), p.path))
    why = ("plays in a neighbouring cue" if nearer.path in neighbours else
           f"lasts {nearer.duration_seconds:.0f} s of the cue's {cue_seconds:.0f} s"
           if nearer.duration_seconds < cue_seconds else "scored lower (mood, use)")
    return head + f": {nearer.title or nearer.path} ({intensity_scale(nearer.intensity):.1f}) is nearer but {why}"


def _avoided(piece: Piece, avoid: tuple[str, ...], rules: Rules | None = None) -> str:
    """Why the cue's ``avoid`` words rule ``piece`` out ("" when they do not)."""
    if not avoid:
        return ""
    from ..plan.describe import avoided_instruments
    from ..plan.rules import default_rules

    themes = {t.lower() for t in piece.themes}
    if "theme" in avoid and themes:
        return "the notes say not the theme"
    named = {a.split(":", 1)[1] for a in avoid if a.startswith("theme:")}
    if named & themes:
        return f"the notes say not {', '.join(sorted(named & themes))}"
    words = set(re.findall(r"[a-z]+", " ".join([piece.title, piece.notes, *piece.moods,
                                                  *getattr(piece, "instruments", ())]).lower()))
    banned = words & avoided_instruments(avoid, rules or default_rules())
    return f"the notes say no {', '.join(sorted(banned))}" if banned else ""


def choose(cues: Sequence[CueSpec], lib: Library, rate: float | Fraction, settings: ChooseSettings = ChooseSettings()) -> list[Pick]:
    """A :class:`Pick` per cue (in the order of ``cues``); deterministic for the same inputs and seed.

    ``rate`` is the sequence's frame rate (cue lengths in seconds). Raises :class:`UsageError` when the
    library has no pieces and some cue is not pinned.
    """
    if settings.rules is None:  # the shipped rules read once: each reading parses the TOML (12 ms per mood word)
        from ..plan.rules import default_rules

        settings = replace(settings, rules=default_rules())
    order = sorted(range(len(cues)), key=lambda i: (cues[i].start_frame, cues[i].id))
    film_themes = {t for c in cues for t in c.themes}
    pinned_at = {pos: str(_pin_path(lib, cues[i].pin_path)) for pos, i in enumerate(order) if cues[i].pin_path}
    if not lib.pieces and len(pinned_at) < len(cues):
        raise UsageError("the temp-music library has no readable pieces", lib.folder)
    state = _State()
    picks: dict[int, Pick] = {}
    for pos, i in enumerate(order):
        cue = cues[i]
        cue_seconds = frame_seconds(cue.duration_frames, rate)
        if pos in pinned_at:
            path = pinned_at[pos]
            piece = lib.by_path(path)
            if not Path(path).is_file():
                log.warning("cue %s: pinned temp piece %s %s; kept as pinned", cue.id, path, not_a_file(path))
            # a person's temp (pinned, or written by hand: no reason) against the library's earlier pick
            why = ("pinned in the plan" if cue.pinned or not cue.pin_reason else
                   f"kept from the plan (the library chose it earlier: {cue.pin_reason})")
            pick = Pick(cue.id, path, piece.title if piece else Path(path).stem, cue.pin_offset_seconds, why,
                        pinned=True)
            key = lib.relative(path)
        else:
            lo, hi = max(0, pos - settings.variety_window), pos + settings.variety_window
            neighbours = {p for p in state.used[lo:pos] if p}
            neighbours |= {lib.relative(pinned_at[q]) for q in range(pos + 1, hi + 1) if q in pinned_at}
            scored = []
            ruled_out = {p.path: w for p in lib.pieces if (w := _avoided(p, cue.avoid, settings.rules))}
            allowed = [p for p in lib.pieces if p.path not in ruled_out] or list(lib.pieces)
            whole = _without_climax_twice(allowed, cue_seconds, settings.rules)
            ruled_out.update({p.path: "a climax twice where a longer piece of its character lasts the cue"
                              for p in allowed if p not in whole})
            allowed = whole
            for piece in allowed:
                score, why = _score(piece, cue, cue_seconds, neighbours, film_themes, state, settings)
                score += settings.variation * _jitter(settings.seed, cue.id, piece.path)
                scored.append((score, piece.path, piece, why))
            score, _, piece, why = max(scored, key=lambda t: (t[0], t[1]))
            # a big intensity gap loses to a piece of the cue's mood family that fits, unless the piece carries the
            # cue's theme (issue 14: an intensity-5 action cue got a piece measured 2.9 while two of 5.0 were there)
            if _off(piece, cue) >= BIG_GAP and not _themed(piece, cue, state):
                fitting = {p.path for p in _fitting_kin(allowed, cue, state, neighbours, settings.rules)}
                if fitting:
                    passed = piece
                    score, _, piece, why = max((t for t in scored if t[1] in fitting), key=lambda t: (t[0], t[1]))
                    kind = "pieces of its mood" if mood_families(cue.moods, settings.rules) else "others"
                    why = why + [f"{passed.title or passed.path} (intensity {intensity_scale(passed.intensity or 0):.1f}) passed "
                                 f"over: {5 * _off(passed, cue):.1f} from the cue's {_level(cue.intensity or 0)} where "
                                 f"{kind} fit"]
            if note := _intensity_note(piece, cue, allowed, neighbours, cue_seconds, settings.rules):
                why = why + [note]
            if len(allowed) < len(lib.pieces):
                left = sorted(set(ruled_out.values()))
                why = why + [f"{len(lib.pieces) - len(allowed)} piece(s) left out: {'; '.join(left)}"]
            # the piece as the library names it (a link stays the link: repointed, the plan follows; issue 14)
            pick = Pick(cue.id, os.path.abspath(lib.absolute(piece)), piece.title, 0.0, "; ".join(why) or "best available",
                        score=round(score, 4))
            key = piece.path
        state.used.append(key)
        state.uses[key] = state.uses.get(key, 0) + 1
        for theme in cue.themes:
            state.theme_piece.setdefault(theme, key)
        picks[i] = pick
    return [picks[i] for i in range(len(cues))]


def record_picks(cues: Sequence[Cue], picks: Iterable[Pick]) -> list[Cue]:
    """``cues`` with each pick recorded as its ``temp`` (matched by cue id); pinned cues keep their own temp."""
    by_id = {p.cue_id: p for p in picks}
    out = []
    for cue in cues:
        pick = by_id.get(cue.id)
        out.append(replace(cue, temp=pick.to_temp()) if pick is not None and not pick.pinned else cue)
    return out


def assign_temp(plan: Plan, lib: Library, settings: ChooseSettings = ChooseSettings()) -> Plan:
    """``plan`` with a temp piece chosen for every cue and recorded as its ``temp``; pinned cues keep their piece.

    The one call ``spot``/``apply``/``notes --library DIR`` need: cues are chosen per input (each input's
    sequence gives the frame rate).
    """
    picks: list[Pick] = []
    for index, seq in enumerate(plan.sequences):
        members = [c for c in plan.cues if c.input == index]
        picks += choose([CueSpec.from_cue(c, seq.rate) for c in members], lib, seq.rate, settings)
    return replace(plan, cues=record_picks(plan.cues, picks))
