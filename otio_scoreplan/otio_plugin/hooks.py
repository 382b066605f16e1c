"""The ``scoreplan_post_plan`` hook: a studio's own script may rename or renumber cues after planning.

Our plugin manifest declares the hook; a studio attaches scripts to it in a manifest of its own, found
through ``OTIO_PLUGIN_MANIFEST_PATH`` (see ``tests/data/otio_hooks/`` for a working example)::

    {
        "OTIO_SCHEMA": "PluginManifest.1",
        "hook_scripts": [{"OTIO_SCHEMA": "HookScript.1", "name": "studio_cue_numbers",
                          "filepath": "studio_cue_numbers.py"}],
        "hooks": {"scoreplan_post_plan": ["studio_cue_numbers"]}
    }

What a hook script receives, as every OTIO hook does, ``hook_function(in_timeline, argument_map=None)``:

* ``in_timeline``: an OTIO Timeline named after the (first) planned sequence, without tracks, whose
  ``metadata["scoreplan"]["plan"]`` holds the plan JSON (schema ``"otio-scoreplan/plan"``, documented in
  :mod:`otio_scoreplan.plan`);
* ``argument_map``: ``{"hook": "scoreplan_post_plan", "inputs": [the input paths], "plan_schema": ...,
  "plan_version": ...}``.

It returns a Timeline (the same one changed in place, or another) whose ``metadata["scoreplan"]["plan"]``
holds the plan to use. Scripts run in the order attached, each on the previous one's result. Example::

    def hook_function(in_timeline, argument_map=None):
        plan = in_timeline.metadata["scoreplan"]["plan"]
        for cue in plan["cues"]:
            cue["id"] = "R" + cue["id"]
        return in_timeline

A hook that only changes cue ids (keeping the cues and their order) need not touch ``themes``: the ids in
the themes follow the cues. The returned plan must still be a valid plan, with unique non-empty cue ids;
otherwise :class:`HookError` names the script. With no script attached the plan is returned as it is.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from typing import Any

from .. import TAG
from ..errors import ScorePlanError
from ..plan.model import PLAN_SCHEMA, PLAN_VERSION, Plan, plan_from_json, plan_to_json
from . import POST_PLAN_HOOK

log = logging.getLogger(__name__)

PLAN_KEY = "plan"


class HookError(ScorePlanError):
    """A studio hook script failed or returned something that is not a plan."""


def plain_data(value: Any) -> Any:
    """OTIO metadata (AnyDictionary / AnyVector, nested) as plain dicts and lists."""
    if hasattr(value, "items") and not isinstance(value, (str, bytes)):
        return {str(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or type(value).__name__ == "AnyVector":
        return [plain_data(v) for v in value]
    return value


def attached_scripts(hook: str = POST_PLAN_HOOK) -> list[Any]:
    """The OTIO hook scripts attached to ``hook``, in running order (none when the hook is not declared)."""
    import opentimelineio as otio

    manifest = otio.plugins.ActiveManifest()
    if hook not in manifest.hooks:
        log.debug("hook %s is not declared (otio-scoreplan's plugin manifest is not loaded)", hook)
        return []
    return [manifest.from_name(name, kind_list="hook_scripts") for name in manifest.hooks[hook]]


def plan_timeline(doc: dict[str, Any]) -> Any:
    """The Timeline a hook script receives: named after the first sequence, the plan JSON in its metadata."""
    import opentimelineio as otio

    timeline = otio.schema.Timeline(name=str(doc.get("sequence", {}).get("name", "")))
    timeline.metadata[TAG] = {PLAN_KEY: doc}
    return timeline


def _plan_doc(result: Any, script: str, where: str | None) -> dict[str, Any]:
    import opentimelineio as otio

    if not isinstance(result, otio.schema.Timeline):
        raise HookError(f"hook script {script!r} returned {type(result).__name__}, not an OTIO Timeline", where)
    ns = result.metadata.get(TAG) if hasattr(result.metadata, "get") else None
    doc = plain_data(ns.get(PLAN_KEY)) if hasattr(ns, "get") else None
    if not isinstance(doc, dict):
        raise HookError(f"hook script {script!r} returned a timeline without metadata[{TAG!r}][{PLAN_KEY!r}]", where)
    return doc


def _follow_renames(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Carry renamed cue ids into the themes when the hook changed ids but left the themes as they were."""
    old = [str(c.get("id", "")) for c in before.get("cues", [])]
    new = [str(c.get("id", "")) for c in after.get("cues", []) if isinstance(c, dict)]
    if len(old) != len(new) or old == new or after.get("themes") != before.get("themes"):
        return
    rename = dict(zip(old, new))
    for theme in after.get("themes", []):
        theme["introduced_by"] = rename.get(theme.get("introduced_by"), theme.get("introduced_by"))
        theme["cues"] = [rename.get(c, c) for c in theme.get("cues", [])]


def run_post_plan_hooks(plan: Plan, inputs: Sequence[str] = ()) -> Plan:
    """``plan`` after the studio's ``scoreplan_post_plan`` hook scripts (the same object when none is attached)."""
    scripts = attached_scripts(POST_PLAN_HOOK)
    if not scripts:
        return plan
    doc = plan_to_json(plan)
    args = {"hook": POST_PLAN_HOOK, "inputs": [str(p) for p in inputs], "plan_schema": PLAN_SCHEMA,
            "plan_version": PLAN_VERSION}
    for script in scripts:
        where = script.module_abs_path()
        try:
            result = script.run(plan_timeline(copy.deepcopy(doc)), copy.deepcopy(args))
        except ScorePlanError:
            raise
        except Exception as exc:  # the studio's own code: report it in one line, naming the script
            detail = " ".join(str(exc).split())[:200]
            raise HookError(f"hook script {script.name!r} failed: {type(exc).__name__}: {detail}", where) from None
        after = _plan_doc(result, script.name, where)
        _follow_renames(doc, after)
        try:
            plan = plan_from_json(after, where)
        except ScorePlanError as exc:  # the plan schema's refusal: an id left empty or given twice ...
            raise HookError(f"hook script {script.name!r} returned a bad plan: {exc.message}", where) from None
        log.info("hook script %s ran on the plan (%d cues)", script.name, len(plan.cues))
        doc = after
    return plan
