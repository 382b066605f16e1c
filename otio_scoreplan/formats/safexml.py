"""XML parsing with entity expansion, DTD loading and network access off.

Every XML input passes through :func:`parse_xml` before any other reader (our own or an OTIO
adapter) sees it, so a hostile file is refused in one place.
"""

from __future__ import annotations

import os
import re

from lxml import etree

from ..errors import InputError

# Cap on the size of one XML input; real exports of a feature are a few tens of MB.
MAX_XML_BYTES = 512 * 1024 * 1024


def safe_parser() -> etree.XMLParser:
    """An lxml parser that never expands entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def syntax_problem(exc: etree.XMLSyntaxError) -> str:
    """Our one line for a parser error: where it is and what, in our words where libxml2's name its own internals
    (an entity bomb is refused for what it is, not as 'amplification factor exceeded, see xmlCtxtSetMaxAmplification')."""
    text = " ".join((getattr(exc, "msg", "") or str(exc) or "").split())
    line, column = (exc.position or (exc.lineno or 0, 0)) if exc.position else (exc.lineno or 0, 0)
    where = f" at line {line}, column {column}" if line else ""
    lowered = text.lower()
    if "entity" in lowered and ("amplification" in lowered or "loop" in lowered or "depth" in lowered):
        return f"XML with entities that expand without end (an entity bomb){where}; refusing to read it"
    if "entity" in lowered and "not defined" in lowered:
        return f"XML uses an entity it does not define{where}; refusing to read it (hostile or broken export)"
    if text.startswith("Document is empty"):
        return "empty XML document"
    reason = re.sub(r",? line \d+, column \d+.*$", "", text).strip(" ,.") or "malformed XML"
    return f"not well-formed XML{where}: {reason[:160]} (the file is damaged or cut short)"


def parse_xml(data: bytes, path: str | os.PathLike) -> etree._ElementTree:
    """Parse ``data`` safely; refuse documents that declare entities.

    Raises :class:`InputError` naming ``path`` for malformed or hostile XML.
    """
    if len(data) > MAX_XML_BYTES:
        raise InputError(f"XML file is larger than {MAX_XML_BYTES // 2**20} MB", path)
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise InputError(syntax_problem(exc), path) from None
    if root is None:
        raise InputError("empty XML document", path)
    tree = root.getroottree()
    dtd = tree.docinfo.internalDTD
    if dtd is not None and (list(dtd.iterentities()) or dtd.system_url or dtd.external_id):
        raise InputError("XML declares entities or an external DTD; refusing to read it (hostile or broken export)", path)
    if any(isinstance(n, etree._Entity) for n in root.iter()):
        raise InputError("XML uses entity references; refusing to read it", path)
    return tree
