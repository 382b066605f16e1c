"""Nested sequences, which the fcp_xml adapter reads as empty stacks, filled with their tracks.

otio-fcp-adapter 1.0.0 builds a nested sequence's stack from the ``<sequence>`` element's children
instead of its ``<media>``, so every nested sequence (Premiere nests, multicam sources) reads with no
tracks and the picture and audio inside it are lost. Here the adapter's own parser is run on the
nested ``<media>`` so the contents are read exactly as top-level tracks are, then paired with the XML
(for clip notes and track names) like the top level. Markers inside nested sequences are not put on
the inner items: each sits once on the top-level use that shows it (see ``xmeml_markers``).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

import opentimelineio as otio
from lxml import etree

from .xmeml_items import Pairing, pair

log = logging.getLogger(__name__)

MAX_DEPTH = 16


class NestedFiller:
    """Fills the empty stacks of one document's nested sequences."""

    def __init__(self, text: str, root: etree._Element, deref: Callable) -> None:
        self.deref = deref
        self.module = otio.adapters.from_name("fcp_xml").module()
        et_root = self.module.cElementTree.fromstring(text)
        self.parser = self.module.FCP7XMLParser(et_root)
        lx = [e for e in root.iter() if isinstance(e.tag, str)]
        et = list(et_root.iter())
        self.usable = len(lx) == len(et) and all(a.tag == b.tag for a, b in zip(lx[:50], et[:50]))
        # the same element in both parses, by document order (comments are not elements in either list)
        self._et: dict[etree._Element, Any] = {a: b for a, b in zip(lx, et) if a.tag in ("sequence", "media")} if self.usable else {}
        if self.usable:  # the adapter keeps the first element it meets with an id; let that be the definition
            for el in et:
                if el.get("id") and len(el):
                    self.parser._id_map.setdefault(el.get("id"), el)

    def fill(self, pairing: Pairing, depth: int = 0) -> list[tuple[Pairing, otio.schema.Stack]]:
        """Fill every nested stack of ``pairing``; returns the pairings of the nested contents (all depths)
        with the stack each now fills."""
        found: list[tuple[Pairing, otio.schema.Stack]] = []
        if not self.usable or depth > MAX_DEPTH:
            return found
        for element, item in pairing.items.items():
            if not isinstance(item, otio.schema.Stack) or len(item):
                continue
            nested = self.deref(element.find("sequence"))
            inner = self._fill_one(item, nested)
            if inner is not None:
                found.append((inner, item))
                found.extend(self.fill(inner, depth + 1))
        return found

    def _fill_one(self, stack: otio.schema.Stack, nested: etree._Element | None) -> Pairing | None:
        media = nested.find("media") if nested is not None else None
        if media is None or media not in self._et or nested not in self._et:
            return None
        try:
            read = self.parser.stack_for_element(self._et[media], self.module._Context(self._et[nested]))
        except Exception as exc:  # the adapter raises anything on odd input; the stack then stays empty
            log.debug("nested sequence %r not read: %s", nested.findtext("name"), exc)
            return None
        tracks = list(read)
        del read[:]
        stack.extend(tracks)
        for track in tracks:
            for item in track:
                if hasattr(item, "markers"):
                    item.markers[:] = []  # they sit once on the top-level use (xmeml_markers)
        return pair(nested, stack, self.deref)
