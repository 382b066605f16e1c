"""The bridge between a plan and the temp-music library: choose pieces for its cues, render them for apply.

``spot``, ``apply`` and ``notes`` take ``--library DIR``: :func:`plan_with_temp` records each cue's pick under
``temp`` (pinned pieces kept); ``apply`` then renders each fitted cue with :func:`render_temp_media` and the
temp-track clips reference those files, so the editor hears exactly the fit.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from .errors import RateError
from .model import SequenceInfo
from .plan.model import Plan, TempPick, plan_to_json

log = logging.getLogger(__name__)


def plan_with_temp(plan: Plan, library: str | Path, seed: int = 0) -> Plan:
    """``plan`` with a temp pick recorded on every cue (cues pinned by a person keep their piece)."""
    from .library.choose import ChooseSettings, assign_temp
    from .library.scan import scan

    doc = plan_to_json(plan)
    assign_temp(doc, scan(library), ChooseSettings(seed=seed))
    picks = {c["id"]: TempPick.from_json(c.get("temp")) for c in doc["cues"]}
    return replace(plan, cues=[replace(c, temp=picks.get(c.id) or c.temp) for c in plan.cues])


def render_temp_media(plan: Plan, input_index: int, seq: SequenceInfo, media_dir: Path) -> dict[str, Path]:
    """Render every cue of input ``input_index`` that has a temp pick to ``media_dir/<cue id>.wav``.

    Returns cue id -> rendered file; a cue whose piece cannot be decoded is left out with a warning
    (its clip then plays the silent placeholder).
    """
    from .audio.render import RenderSettings, render_cues
    from .library.choose import Pick
    from .library.cuespec import cue_spec_from_plan

    if seq.rate_assumed:
        raise RateError("no frame rate in the timeline (24 fps was assumed); temp music is fitted in real time, "
                        "so pass --rate", seq.path)
    doc = plan_to_json(plan)
    chosen = [c for c in doc["cues"] if int(c.get("input", 0)) == input_index and c.get("temp")]
    if not chosen:
        return {}
    specs = [cue_spec_from_plan(c, seq.rate) for c in chosen]
    picks = [Pick(c["id"], str(c["temp"]["path"]), str(c["temp"].get("title", "")),
                  float(c["temp"].get("offset_seconds") or 0.0), str(c["temp"].get("reason", "")), pinned=True)
             for c in chosen]
    media_dir.mkdir(parents=True, exist_ok=True)
    done, skipped = render_cues(specs, picks, seq, media_dir, RenderSettings())
    for cue_id, why in skipped:
        log.warning("cue %s keeps the silent placeholder: %s", cue_id, why)
    return {r.cue_id: Path(r.path) for r in done}
