"""The ``spotting_notes`` OTIO adapter's work: a timeline in memory -> its cue plan -> Markdown spotting notes.

Where the plan comes from:

1. ``timeline.metadata["scoreplan"]["plan"]``, the plan JSON ``scoreplan apply`` stores in a ``.otio`` it writes
   (with ``plan_input``, which of the plan's inputs the timeline is), when the timeline is still the cut the
   plan was made from (same fingerprint and sequence, as ``apply --plan`` checks); only that input's cues are listed;
2. otherwise the timeline is analysed and planned on the spot with the shipped rules (a stored plan of an
   older cut is passed as the previous plan, so its cue ids are kept where the cues still exist and its temp
   pieces are checked against their cues), and the studio's ``scoreplan_post_plan`` hooks run on the new plan
   (:mod:`.hooks`): the path every command takes (:func:`otio_scoreplan.pipeline.obtain_plan`).

The timeline given is never changed. A timeline read by plain OTIO adapters works too, but sees only what
those adapters keep (e.g. fcp_xml leaves marker comments in its own metadata: read with ``scoreplan`` first).
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import opentimelineio as otio

from .. import TAG
from ..errors import InputError
from ..plan.model import Plan, ThemeUse, plan_from_json
from .hooks import PLAN_KEY, plain_data

log = logging.getLogger(__name__)

INPUT_KEY = "plan_input"


def stored_plan(timeline: otio.schema.Timeline, where: str) -> tuple[Plan, int, dict[str, Any]] | None:
    """The plan ``scoreplan apply`` stored in ``timeline``'s metadata, which input it is, and its JSON; or None."""
    ns = timeline.metadata.get(TAG) if hasattr(timeline.metadata, "get") else None
    if not hasattr(ns, "get") or ns.get(PLAN_KEY) is None:
        return None
    doc = plain_data(ns.get(PLAN_KEY))
    plan = plan_from_json(doc, where)
    index = int(ns.get(INPUT_KEY, 0) or 0)
    if not 0 <= index < len(plan.sequences):
        raise InputError(f"metadata[{TAG!r}][{INPUT_KEY!r}] is {index}, but the stored plan has "
                         f"{len(plan.sequences)} input(s)", where)
    return plan, index, doc


def plan_for_input(plan: Plan, index: int) -> Plan:
    """The part of ``plan`` for its input ``index`` alone, as a one-input plan (cue ids, reels and themes kept)."""
    if len(plan.sequences) == 1:
        return plan
    cues = [replace(c, input=0) for c in plan.cues if c.input == index]
    ids = {c.id for c in cues}
    themes = [ThemeUse(t.name, t.introduced_by, tuple(c for c in t.cues if c in ids)) for t in plan.themes]
    return replace(
        plan,
        sequences=[plan.sequences[index]],
        fingerprints=[plan.fingerprints[index]],
        cues=cues,
        themes=[t for t in themes if t.cues],
        analyses=[plan.analyses[index]] if index < len(plan.analyses) else [],
        fingerprint=plan.fingerprints[index],
    )


def timeline_plan(timeline: otio.schema.Timeline) -> tuple[Plan, dict[str, Any] | None]:
    """The cue plan of ``timeline`` (see the module docstring), with the stored plan JSON when it was used."""
    from ..pipeline import analyse_timeline, obtain_plan, plan_mismatch, require_content

    if not isinstance(timeline, otio.schema.Timeline):
        raise InputError(f"the spotting_notes adapter writes one Timeline, not a {type(timeline).__name__}")
    where = f"timeline {timeline.name!r}"
    stored = stored_plan(timeline, where)
    analysis = analyse_timeline(timeline, where)
    require_content(analysis)
    previous = None
    if stored is not None:
        plan, index, doc = stored
        if not plan_mismatch(plan, index, analysis):
            return plan_for_input(plan, index), doc
        log.warning("%s: the cut changed since its plan was stored; planned again, keeping the stored cue ids", where)
        previous = plan
    plan, _ = obtain_plan([analysis], [where], None, previous=previous)  # the shipped rules, the studio's hooks
    return plan, None


def spotting_notes_markdown(timeline: otio.schema.Timeline, title: str = "") -> str:
    """The spotting notes of ``timeline`` as Markdown (the notes package's renderer)."""
    from ..notes.markdown import render_markdown
    from ..notes.sheet import Sheet

    plan, _ = timeline_plan(timeline)  # the stored plan's cues carry their temp pick and final music
    return render_markdown(Sheet(plan, title=title))


def write_spotting_notes(timeline: otio.schema.Timeline, filepath: str | os.PathLike, title: str = "") -> Path:
    """Write the spotting notes of ``timeline`` to ``filepath`` (UTF-8 Markdown, atomically)."""
    from ..outfile import write_bytes_atomic

    return write_bytes_atomic(filepath, spotting_notes_markdown(timeline, title).encode("utf-8"))
