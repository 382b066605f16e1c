"""Example studio hook for otio-scoreplan's ``scoreplan_post_plan`` (see otio_scoreplan/otio_plugin/hooks.py).

Renumbers cues in the studio's house style: a production code, the reel, ``M`` and a two-digit cue number
(``1M1`` -> ``ANNA-1M01``; ``1M3S`` -> ``ANNA-1M03S``), and notes the renumbering in each cue's reasons.
The production code comes from the environment variable ``STUDIO_PRODUCTION_CODE`` (default ``ANNA``).
Attach it with the manifest beside it: ``OTIO_PLUGIN_MANIFEST_PATH=.../otio_hooks/plugin_manifest.json``.
"""

import os
import re

CUE_ID = re.compile(r"^(\d+)M(\d+)([A-Z]*)$")


def hook_function(in_timeline, argument_map=None):
    """Rename every cue of the plan held in ``in_timeline.metadata["scoreplan"]["plan"]``; return the timeline."""
    code = os.environ.get("STUDIO_PRODUCTION_CODE", "ANNA")
    plan = in_timeline.metadata["scoreplan"]["plan"]
    for cue in plan["cues"]:
        match = CUE_ID.match(cue["id"])
        if match:
            reel, number, suffix = match.groups()
            cue["id"] = f"{code}-{reel}M{int(number):02d}{suffix}"
            cue["reasons"] = list(cue["reasons"]) + [f"numbered by the studio hook ({argument_map['hook']})"]
    return in_timeline
