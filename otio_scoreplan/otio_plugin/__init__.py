"""The OpenTimelineIO plugin of otio-scoreplan: where OTIO finds it, and the names it declares.

Installing the package registers the entry point ``opentimelineio.plugins`` -> ``otio_scoreplan.otio_plugin``.
OTIO calls :func:`plugin_manifest`, which loads ``plugin_manifest.json`` from the ``adapters`` folder
(shipped inside the wheel as ``otio_scoreplan/adapters``; at the top of the source tree in an editable install)
and makes its file paths absolute, so OTIO imports the adapter modules from there whichever layout is installed.

The manifest declares:

* the write-only adapter ``spotting_notes`` (suffix ``.spot``): :mod:`.spotting`;
* the hook ``scoreplan_post_plan`` (:data:`POST_PLAN_HOOK`), run after every plan is made: :mod:`.hooks`.

The manifest also works without the entry point: ``OTIO_PLUGIN_MANIFEST_PATH=.../adapters/plugin_manifest.json``.
This module stays light: OTIO imports it whenever it loads its plugins.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

MANIFEST_NAME = "plugin_manifest.json"
ADAPTER_NAME = "spotting_notes"
SUFFIX = "spot"
POST_PLAN_HOOK = "scoreplan_post_plan"


def manifest_path() -> Path:
    """The ``plugin_manifest.json`` shipped with this installation (wheel layout first, then the source tree)."""
    package = Path(__file__).resolve().parent.parent  # .../otio_scoreplan
    for folder in (package / "adapters", package.parent / "adapters"):
        if (folder / MANIFEST_NAME).is_file() and (folder / f"{ADAPTER_NAME}.py").is_file():
            return folder / MANIFEST_NAME
    raise FileNotFoundError(f"otio-scoreplan's {MANIFEST_NAME} is missing beside {package}; reinstall the package")


def plugin_manifest() -> Any:
    """The plugin manifest, as OTIO's entry-point loader asks for it, with absolute plugin file paths."""
    from opentimelineio.plugins import manifest as otio_manifest

    path = manifest_path()
    result = otio_manifest.manifest_from_file(str(path))
    for plugin in list(result.adapters) + list(result.hook_scripts) + list(result.media_linkers) + list(result.schemadefs):
        if not os.path.isabs(plugin.filepath):
            plugin.filepath = str(path.parent / plugin.filepath)
    return result
