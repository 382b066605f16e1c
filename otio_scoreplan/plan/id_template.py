"""The cue-id template (``numbering.format``) checked on its own, so the rules can refuse a bad one when they are
read (naming the rules file) without importing the numbering, which reads the rules."""

from __future__ import annotations

import re
from string import Formatter

from ..schema_types import MAX_NAME

FIELDS = ("reel", "n", "episode", "separator")  # the fields a template may hold

WIDEST = {"reel": "9999", "n": "9999Z", "episode": "99999"}  # the widest values an id is made of (a plan's reel
# is at most 9999; an episode read from a sequence name at most 5 digits: S99E999)


def numbering_problem(rules: dict) -> str:
    """Why the ``[numbering]`` table of the merged rules ``rules`` cannot number cues, or "": the template's
    fields (``{n}`` once, ``{n:02}`` its one format, only {reel}, {episode}, {separator} besides), and the
    longest id it can make no longer than a cue id may be (:data:`~..schema_types.MAX_NAME`: a plan with a longer
    id is refused when read back)."""
    table = rules.get("numbering", {})
    template = str(table.get("format", ""))
    try:
        fields = [(f, spec) for _, f, spec, _ in Formatter().parse(template) if f is not None]
    except ValueError:
        fields = [("", "")]
    names = [f for f, _ in fields]
    bad = [f for f, spec in fields if f not in FIELDS or (spec and (f != "n" or not re.fullmatch(r"0\d", spec)))]
    if names.count("n") != 1 or bad or len(names) != len(set(names)):
        return (f"rules key 'numbering.format' {template!r} must hold {{n}} once (or {{n:02}}) and only {{reel}}, "
                "{episode} and {separator} besides: e.g. '{reel}M{n}', '{episode}M{n}'")
    fill = dict(WIDEST, separator=str(table.get("separator", "")))
    episode = str(table.get("episode", "")).strip()
    fill["episode"] = episode if len(episode) > len(WIDEST["episode"]) else WIDEST["episode"]
    widest = "".join(literal + (fill[f] if f else "") for literal, f, _, _ in Formatter().parse(template))
    widest += str(table.get("source_suffix", ""))
    if len(widest) > MAX_NAME:
        return (f"rules key 'numbering.format' {template!r} makes ids up to {len(widest)} characters long "
                f"({widest!r}); a cue id holds at most {MAX_NAME}")
    return ""
