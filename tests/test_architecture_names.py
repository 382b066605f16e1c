"""One name, one meaning (issue 12): no public top-level function or class name is defined in two modules of the
package.

Two functions called ``read_info`` (one making the reader's record, one copying it), three ``exact_rate`` and two
``plain`` that did different things made a reader guess which one an import meant. The only names that may repeat
are the steps every format package takes for its own format (the read/write dispatch calls ``read`` and ``write``
on each; each writer removes our earlier additions, adds to the document, serialises it ...): one definition per
format package, all inside ``otio_scoreplan/formats/<format>/``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "otio_scoreplan"

# The same step for each format, defined once per format package.
FORMAT_STEPS = frozenset({
    "read", "write",  # the dispatch in formats/__init__.py and formats/writeback.py
    "application",  # which application wrote the file
    "remove_additions", "add_to_document", "serialise",  # a writer's steps: drop ours from a run before, add, write
    "describe_written",  # what the writer wrote, for the apply summary (looked up by name in formats/writeback.py)
    "editors_music_tracks",  # the editor's empty music tracks the temp goes on
    "SequenceBuilder",  # builds the OTIO timeline from the format's sequence element
    "MasterClips",  # the format's master clips (xmeml <file>s, AAF master mobs)
    "Locator",  # an Avid locator as the format holds it (AAF DescriptiveMarker, EDL * LOC: line)
})


def public_functions() -> dict[str, list[Path]]:
    """Public top-level function and class name -> the modules defining it."""
    found: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                found[node.name].append(path.relative_to(PACKAGE))
    return found


def format_package(module: Path) -> str | None:
    """``xmeml`` for ``formats/xmeml/write.py``; None outside a format package."""
    parts = module.parts
    return parts[1] if len(parts) == 3 and parts[0] == "formats" else None


def test_the_scan_sees_the_package() -> None:
    found = public_functions()
    assert len(found) > 300 and "make_plan" in found and "read" in found and "Plan" in found


def test_no_public_function_or_class_name_is_defined_in_two_modules() -> None:
    repeated = {name: where for name, where in public_functions().items() if len(where) > 1}
    wrong = {name: [str(w) for w in where] for name, where in repeated.items() if name not in FORMAT_STEPS}
    assert wrong == {}, "rename after what each does: " + "; ".join(f"{n}: {', '.join(w)}" for n, w in sorted(wrong.items()))


def test_format_steps_repeat_only_once_per_format_package() -> None:
    for name in FORMAT_STEPS:
        where = public_functions().get(name, [])
        packages = [format_package(w) for w in where]
        assert None not in packages, f"{name} is a format step, defined outside a format package: {where}"
        assert len(packages) == len(set(packages)), f"{name} defined twice in one format package: {where}"
