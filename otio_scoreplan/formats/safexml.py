"""XML parsing with entity expansion, DTD loading and network access off.

Every XML input passes through :func:`parse_xml` before any other reader (our own or an OTIO
adapter) sees it, so a hostile file is refused in one place.
"""

from __future__ import annotations

import os

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


def parse_xml(data: bytes, path: str | os.PathLike) -> etree._ElementTree:
    """Parse ``data`` safely; refuse documents that declare entities.

    Raises :class:`InputError` naming ``path`` for malformed or hostile XML.
    """
    if len(data) > MAX_XML_BYTES:
        raise InputError(f"XML file is larger than {MAX_XML_BYTES // 2**20} MB", path)
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        msg = str(exc).splitlines()[0] if str(exc) else "malformed XML"
        raise InputError(f"not well-formed XML: {msg}", path) from None
    if root is None:
        raise InputError("empty XML document", path)
    tree = root.getroottree()
    dtd = tree.docinfo.internalDTD
    if dtd is not None and (list(dtd.iterentities()) or dtd.system_url or dtd.external_id):
        raise InputError("XML declares entities or an external DTD; refusing to read it (hostile or broken export)", path)
    if any(isinstance(n, etree._Entity) for n in root.iter()):
        raise InputError("XML uses entity references; refusing to read it", path)
    return tree
