"""Cue ids in the industry form ``1M1, 1M2, 2M1``: numbered per reel (or continuously), ``S`` for source cues.

An id the editor wrote in a marker is kept. With a previous plan, a cue that still exists (matched by overlap)
keeps its id, a new cue between two old ones takes a letter suffix (``2M3A``), and a retired id is never reused.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from .model import Cue, Plan
from .rules import Rules

log = logging.getLogger(__name__)

Key = tuple[int, int, str]  # (reel, number, letter); reel is 0 under continuous numbering


def parse_id(cue_id: str, separator: str = "M") -> tuple[int, int, str, bool] | None:
    """'2M3A' -> (2, 3, 'A', False); '1M4S' -> (1, 4, '', True); None when not a cue id."""
    m = re.fullmatch(rf"(\d+){re.escape(separator)}(\d+)([A-RT-Z]?)(S?)", cue_id.strip(), re.IGNORECASE)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), m.group(3).upper(), bool(m.group(4))


def format_id(reel: int, number: int, letter: str, source: bool, rules: Rules) -> str:
    suffix = rules.get("numbering.source_suffix") if source else ""
    return f"{reel}{rules.get('numbering.separator')}{number}{letter}{suffix}"


def _key(cue_id: str, rules: Rules) -> Key | None:
    parsed = parse_id(cue_id, rules.get("numbering.separator"))
    if parsed is None:
        return None
    reel, number, letter, _ = parsed
    return (0 if rules.get("numbering.continuous") else reel, number, letter)


def match_previous(cues: list[Cue], previous: Plan) -> dict[int, str]:
    """Index of a cue -> the previous plan's id for it, one to one, by the largest overlap (at least half)."""
    pairs = []
    for i, cue in enumerate(cues):
        for old in previous.cues:
            if old.input != cue.input:
                continue
            overlap = min(cue.end_frame, old.end_frame) - max(cue.start_frame, old.start_frame)
            if overlap > 0 and overlap * 2 >= min(cue.duration_frames, old.duration_frames):
                pairs.append((-overlap, cue.start_frame, old.start_frame, i, old.id))
    taken_new: set[int] = set()
    taken_old: set[str] = set()
    out: dict[int, str] = {}
    for _, _, _, i, old_id in sorted(pairs):
        if i in taken_new or old_id in taken_old:
            continue
        out[i] = old_id
        taken_new.add(i)
        taken_old.add(old_id)
    return out


def number(cues: list[Cue], rules: Rules, previous: Plan | None = None) -> tuple[list[Cue], list[str], list[str]]:
    """(cues with ids, in time order; retired ids; warnings)."""
    cues = sorted(cues, key=lambda c: (c.input, c.start_frame, c.end_frame, c.kind))
    warnings: list[str] = []
    fixed: dict[int, Key] = {}
    used: set[Key] = set()
    retired: list[str] = []
    kept_from_previous = match_previous(cues, previous) if previous else {}
    for i, cue in enumerate(cues):
        # The editor's written id first, else the previous plan's id for this cue.
        for wanted in (cue.wanted_id, kept_from_previous.get(i, "")):
            key = _key(wanted, rules) if wanted else None
            if key is None:
                continue
            if key in used:
                if wanted == cue.wanted_id:
                    warnings.append(f"cue id {wanted} is written on more than one cue; the later one gets another id")
                continue
            fixed[i] = key
            used.add(key)
            break
    if previous is not None:
        old_ids = [c.id for c in previous.cues] + list(previous.retired_ids)
        gone = {r for r in old_ids if r and (_key(r, rules) or (-1, -1, "")) not in used}
        retired = sorted(gone, key=lambda r: (_key(r, rules) or (0, 0, ""), r))
        used.update(k for r in retired if (k := _key(r, rules)) is not None)
    keys: list[Key | None] = [fixed.get(i) for i in range(len(cues))]
    for i, cue in enumerate(cues):
        if keys[i] is not None:
            continue
        group = 0 if rules.get("numbering.continuous") else cue.reel
        last = next((k for k in reversed(keys[:i]) if k is not None and k[0] == group), None)
        upcoming = next((k for k in keys[i + 1:] if k is not None and k[0] == group), None)
        keys[i] = _next_key(group, last, upcoming, used)
        used.add(keys[i])
    out = []
    for cue, key in zip(cues, keys):
        reel = cue.reel if key[0] == 0 else key[0]
        out.append(replace(cue, id=format_id(reel, key[1], key[2], cue.kind == "source", rules)))
    continuous = rules.get("numbering.continuous")
    for ca, cb in zip(out, out[1:]):
        pa, pb = parse_id(ca.id, rules.get("numbering.separator")), parse_id(cb.id, rules.get("numbering.separator"))
        ka, kb = (pa[1:3], pb[1:3]) if continuous else (pa[:3], pb[:3])
        if ca.input == cb.input and ka > kb:
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
