"""Cue ids from a template (rules ``numbering.format``): ``{reel}M{n}`` gives the industry's ``1M1, 1M2, 2M1``,
``{episode}M{n}`` a TV episode's ``101M1``; ``S`` is appended for source cues.

A template holds ``{n}`` (the cue number, ``{n:02}`` zero-padded) and may hold ``{reel}``, ``{episode}`` (from
``numbering.episode``, else the sequence name: ``S01E03`` -> ``103``, ``EP 1`` -> ``1``, ``Program 6`` -> ``6``) and
``{separator}`` (``numbering.separator``). Cues are numbered per reel when the template holds ``{reel}`` (unless
``numbering.continuous``), per episode when it holds ``{episode}`` but not ``{reel}``, else straight through.
An id is read back with the same template (``--previous``, ids the editor wrote): in full, or at the end of a
longer id (a studio hook's ``ANNA-1M01`` reads as ``1M1``).

An id the editor wrote in a marker is kept. With a previous plan, a cue that still exists (matched by overlap)
keeps its id, a new cue between two old ones takes a letter suffix (``2M3A``), and a retired id is never reused.
"""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass, replace
from string import Formatter

from ..errors import UsageError
from .id_template import numbering_problem
from .model import Cue, Plan
from .rules import Rules

log = logging.getLogger(__name__)

Key = tuple[int, int, str]  # (group: reel, episode or 0, number, letter)

# An episode number in a sequence name: S01E03 / 1x03 (season and episode), or a word for episode or programme.
_SEASON_EPISODE = re.compile(r"(?i)(?<![A-Za-z0-9])S(\d{1,2})[ ._-]?E(\d{1,3})(?!\d)|(?<![A-Za-z0-9])(\d{1,2})x(\d{2,3})(?!\d)")
_EPISODE_WORD = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?:ep|eps|epi|episode|episod|episodio|épisode|folge|avsnitt|afl|aflevering|program|"
    r"programme|prg|prog)[ ._#-]*0*(\d{1,4})(?!\d)")


def episode_in(name: str) -> str:
    """The episode number a sequence name states ('Show S01E03 lock' -> '103', 'Monsen EP 1 MASTER' -> '1',
    'Program 6' -> '6'), else ''."""
    m = _SEASON_EPISODE.search(name or "")
    if m:
        season, episode = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return f"{int(season)}{int(episode):02d}"
    m = _EPISODE_WORD.search(name or "")
    return str(int(m.group(1))) if m else ""


def parse_id(cue_id: str, separator: str = "M") -> tuple[int, int, str, bool] | None:
    """'2M3A' -> (2, 3, 'A', False); '1M4S' -> (1, 4, '', True); None when not a cue id (the classic form)."""
    m = re.fullmatch(rf"(\d+){re.escape(separator)}(\d+)([A-RT-Z]?)(S?)", cue_id.strip(), re.IGNORECASE)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), m.group(3).upper(), bool(m.group(4))


@dataclass(frozen=True)
class IdFormat:
    """The rules' cue-id template, with the episode of each input: formats ids and reads them back."""

    template: str
    separator: str
    suffix: str
    continuous: bool
    episodes: tuple[str, ...] = ()

    @classmethod
    def from_rules(cls, rules: Rules, episodes: list[str] | tuple[str, ...] = ()) -> IdFormat:
        template = str(rules.get("numbering.format"))
        problem = numbering_problem(rules.data)  # checked when the rules were read: here for rules made in code
        if problem:
            raise UsageError(problem)
        return cls(template, str(rules.get("numbering.separator")), str(rules.get("numbering.source_suffix")),
                   bool(rules.get("numbering.continuous")), tuple(episodes))

    @property
    def per_reel(self) -> bool:
        return "{reel" in self.template and not self.continuous

    @property
    def per_episode(self) -> bool:
        return "{reel" not in self.template and "{episode" in self.template

    def episode(self, index: int) -> str:
        return self.episodes[index] if 0 <= index < len(self.episodes) else ""

    def group(self, cue: Cue) -> int:
        """The group a cue counts in: its reel, its episode (numbered by first appearance) or 0."""
        if self.per_reel:
            return cue.reel
        if self.per_episode:
            return self._episode_group(self.episode(cue.input))
        return 0

    def _episode_group(self, episode: str) -> int:
        known = list(dict.fromkeys(self.episodes))
        return known.index(episode) + 1 if episode in known else -1 - zlib.crc32(episode.encode()) % 100000

    def format(self, key: Key, source: bool, cue: Cue) -> str:
        """The id of ``cue`` numbered ``key`` (``source``: with the source suffix)."""
        group, number, letter = key
        reel = group if self.per_reel else cue.reel
        fill = {"reel": reel, "episode": self.episode(cue.input) or reel, "separator": self.separator}
        out = []
        for literal, field, spec, _ in Formatter().parse(self.template):
            out.append(literal)
            if field == "n":
                out.append(format(number, spec or "") + letter)
            elif field:
                out.append(str(fill[field]))
        return "".join(out) + (self.suffix if source else "")

    def _pattern(self) -> str:
        out = []
        for literal, field, _, _ in Formatter().parse(self.template):
            out.append(re.escape(literal))
            name = (field or "").split(":")[0]
            if name == "n":
                out.append(r"(?P<n>\d+)(?P<letter>[A-RT-Z]?)")
            elif name == "reel":
                out.append(r"(?P<reel>\d+)")
            elif name == "episode":
                out.append(r"(?P<episode>[A-Za-z0-9]+?)")
            elif name == "separator":
                out.append(re.escape(self.separator))
        return "".join(out) + f"(?P<source>{re.escape(self.suffix)})?" if self.suffix else "".join(out)

    def parse(self, cue_id: str) -> tuple[Key, bool] | None:
        """(key, source) of an id in this template (in full, or ending a longer id: a studio hook's prefix), else
        None."""
        text = (cue_id or "").strip()
        pattern = self._pattern()
        m = re.fullmatch(pattern, text, re.IGNORECASE) or re.search(rf"(?<![A-Za-z0-9]){pattern}$", text, re.IGNORECASE)
        if not m:
            return None
        d = m.groupdict()
        if self.per_reel:
            group = int(d["reel"])
        elif self.per_episode:
            group = self._episode_group(d["episode"])
        else:
            group = 0
        return (group, int(d["n"]), (d.get("letter") or "").upper()), bool(d.get("source"))

    def key(self, cue_id: str) -> Key | None:
        parsed = self.parse(cue_id)
        return parsed[0] if parsed else None

    def with_source(self, cue_id: str, source: bool) -> str:
        """``cue_id`` with the source suffix added or taken off (a kind changed: ``1M3`` <-> ``1M3S``)."""
        parsed = self.parse(cue_id)
        if parsed is None or parsed[1] == source or not self.suffix:
            return cue_id
        return cue_id + self.suffix if source else cue_id[: -len(self.suffix)]


def episodes_of(names: list[str], rules: Rules) -> list[str]:
    """Per input, its episode: ``numbering.episode`` when set, else the one its sequence name states ('')."""
    setting = str(rules.get("numbering.episode")).strip()
    return [setting or episode_in(name) for name in names]


def programme_episode(names: list[str], rules: Rules) -> str:
    """The episode a programme's documents name when its cues are numbered per episode (``numbering.format``
    holds ``{episode}``): the first input's (:func:`episodes_of`); '' when the ids carry no episode."""
    if "{episode" not in str(rules.get("numbering.format")) or not names:
        return ""
    return episodes_of(names[:1], rules)[0]


def match_previous(cues: list[Cue], previous: Plan) -> dict[int, str]:
    """Index of a cue -> the previous plan's id for it, one to one, by the closest fit (overlap over the union of
    the two; an overlap of at least half either way), then the largest overlap: a cue whose picture moved inside
    a longer previous cue's carried span keeps its own id rather than the longer cue's. Between fits as close,
    the cue the id is written on and one of the same kind come first (a score and a source cue over one range)."""
    pairs = []
    for i, cue in enumerate(cues):
        for old in previous.cues:
            if old.input != cue.input:
                continue
            overlap = min(cue.end_frame, old.end_frame) - max(cue.start_frame, old.start_frame)
            if overlap > 0 and overlap * 2 >= min(cue.duration_frames, old.duration_frames):
                union = max(cue.end_frame, old.end_frame) - min(cue.start_frame, old.start_frame)
                pairs.append((-overlap / union, -overlap, cue.wanted_id != old.id, cue.kind != old.kind,
                              cue.start_frame, old.start_frame, i, old.id))
    taken_new: set[int] = set()
    taken_old: set[str] = set()
    out: dict[int, str] = {}
    for *_, i, old_id in sorted(pairs):
        if i in taken_new or old_id in taken_old:
            continue
        out[i] = old_id
        taken_new.add(i)
        taken_old.add(old_id)
    return out


def number_cues(cues: list[Cue], rules: Rules, previous: Plan | None = None,
           episodes: list[str] | None = None) -> tuple[list[Cue], list[str], list[str]]:
    """(cues with ids, in time order; retired ids; warnings). ``episodes``: per input, its episode number for
    a template with ``{episode}`` (:func:`episodes_of`)."""
    ids = IdFormat.from_rules(rules, episodes or [])
    cues = sorted(cues, key=lambda c: (c.input, c.start_frame, c.end_frame, c.kind))
    warnings: list[str] = []
    if ids.per_episode and any(not ids.episode(c.input) for c in cues):
        warnings.append("the cue-id template needs an episode: none in the sequence name nor numbering.episode; "
                        "the reel number stands in")
    fixed: dict[int, Key] = {}
    used: set[Key] = set()
    retired: list[str] = []
    kept_from_previous = match_previous(cues, previous) if previous else {}
    for i, cue in enumerate(cues):
        # The editor's written id first, else the previous plan's id for this cue.
        for wanted in (cue.wanted_id, kept_from_previous.get(i, "")):
            key = ids.key(wanted) if wanted else None
            if key is None:
                continue
            if ids.per_episode and key[0] != ids.group(cue):  # '1M3' written in episode 101: 101M3, no other
                key = (ids.group(cue),) + key[1:]
            if key in used:
                if wanted == cue.wanted_id:
                    warnings.append(f"cue id {wanted} is written on more than one cue; the later one gets another id")
                continue
            fixed[i] = key
            used.add(key)
            break
    if previous is not None:
        old_ids = [c.id for c in previous.cues] + list(previous.retired_ids)
        gone = {r for r in old_ids if r and (ids.key(r) or (-1, -1, "")) not in used}
        retired = sorted(gone, key=lambda r: (ids.key(r) or (0, 0, ""), r))
        used.update(k for r in retired if (k := ids.key(r)) is not None)
    keys: list[Key | None] = [fixed.get(i) for i in range(len(cues))]
    for i, cue in enumerate(cues):
        if keys[i] is not None:
            continue
        group = ids.group(cue)
        last = next((k for k in reversed(keys[:i]) if k is not None and k[0] == group), None)
        upcoming = next((k for k in keys[i + 1:] if k is not None and k[0] == group), None)
        keys[i] = _next_key(group, last, upcoming, used)
        used.add(keys[i])
    out = [replace(cue, id=ids.format(key, cue.kind == "source", cue)) for cue, key in zip(cues, keys)]
    for (ca, ka), (cb, kb) in zip(zip(out, keys), list(zip(out, keys))[1:]):
        if ca.input == cb.input and (ka[0] == kb[0] or ids.per_reel) and ka > kb:
            warnings.append(f"cue ids out of order: {ca.id} comes before {cb.id} in the cut")
    return out, retired, warnings


def _next_key(group: int, last: Key | None, upcoming: Key | None, used: set[Key]) -> Key:
    number = last[1] + 1 if last else 1
    while (group, number, "") in used:
        number += 1
    key = (group, number, "")
    if upcoming is None or key[1:] < upcoming[1:]:
        return key
    base = last[1] if last else 0
    letter = chr(ord(last[2]) + 1) if last and last[2] else "A"
    while (group, base, letter) in used or letter == "S":
        letter = chr(ord(letter) + 1)
    return (group, base, letter)
