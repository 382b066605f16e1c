"""Independent checks of what we write in XML: preservation of the input, DTD error kinds."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from lxml import etree


def parse(path: Path) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    return etree.parse(str(path), parser)


def preservation_errors(before: etree._Element, after: etree._Element, is_added: Callable[[etree._Element], bool],
                        where: str = "") -> list[str]:
    """Every element of ``before`` must appear in ``after`` with the same tag, attributes, text and
    children in order, once the elements ``is_added`` says we added are set aside."""
    where = where or f"/{before.tag}"
    errors: list[str] = []
    if before.tag != after.tag:
        return [f"{where}: tag {before.tag!r} became {after.tag!r}"]
    if dict(before.attrib) != dict(after.attrib):
        errors.append(f"{where}: attributes changed {dict(before.attrib)} -> {dict(after.attrib)}")
    if (before.text or "").strip() != (after.text or "").strip():
        errors.append(f"{where}: text changed {before.text!r} -> {after.text!r}")
    kept = [c for c in after if not (isinstance(c.tag, str) and is_added(c))]
    old = list(before)
    if len(old) != len(kept):
        errors.append(f"{where}: {len(old)} children became {len(kept)} (besides our additions)")
        return errors
    for i, (b, a) in enumerate(zip(old, kept)):
        if not isinstance(b.tag, str):  # comments, processing instructions
            if b.tag != a.tag or (b.text or "") != (a.text or ""):
                errors.append(f"{where}/[{i}]: comment or PI changed")
            continue
        errors.extend(preservation_errors(b, a, is_added, f"{where}/{b.tag}[{i}]"))
        if len(errors) > 20:
            break
    return errors


def dtd_error_kinds(tree: etree._ElementTree, dtd_path: Path) -> set[str]:
    """The kinds of DTD error a document has: messages with the content actually found and the
    numbers taken out, so that more of an error the input already had is not a new kind."""
    dtd = etree.DTD(str(dtd_path))
    dtd.validate(tree)
    kinds = set()
    for e in dtd.error_log:
        msg = re.sub(r", got \(.*\)$", "", e.message)
        kinds.add(re.sub(r"\d+", "N", msg))
    return kinds
