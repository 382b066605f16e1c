"""The steps every command and the OTIO plugin share to get a plan: read, analyse, check, plan, run the hooks.

The command line (``cli.py``) parses arguments and prints; the library modules that need a plan for an input
(``notes``, ``render``) call these functions, never the command line (the layer contracts in pyproject.toml
check it). Issue 12 grows this module into the one path from an input to a plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    from .model import Analysis
    from .plan.model import Plan
    from .plan.rules import Rules


def require_content(analysis: Analysis) -> None:
    """Planning needs a sequence with frames in it: an empty one is refused in one line."""
    if analysis.sequence.duration_frames <= 0:
        raise InputError("the sequence is empty (0 frames): there is nothing to plan music for", analysis.sequence.path)


def make_hooked_plan(analyses: Sequence[Analysis], rules: Rules, previous: Plan | None = None,
                     inputs: Sequence[str] = ()) -> Plan:
    """``make_plan`` followed by the studio's ``scoreplan_post_plan`` hook scripts (see otio_plugin.hooks)."""
    from .otio_plugin.hooks import run_post_plan_hooks
    from .plan import make_plan

    return run_post_plan_hooks(make_plan(list(analyses), rules, previous), inputs)
