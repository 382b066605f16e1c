"""Inserting and removing elements in an lxml tree without disturbing the document's layout.

New elements take the indentation of their siblings (or one level below their parent), and removing
them gives back the whitespace that was there, so that running ``apply`` twice gives the same bytes.
Where a child goes among its siblings follows the content models of the FCPXML DTDs (1.0-1.14): a
story element holds [its own parameters] [content and connected items] [markers] [filters, metadata].
"""

from __future__ import annotations

from lxml import etree

from .place import CONTENT_TAGS, MARKER_ITEMS, SUFFIX_TAGS


class Layout:
    """The document's indentation unit; inserts children in the document's own style."""

    def __init__(self, root: etree._Element) -> None:
        text = root.text or ""
        self.pretty = "\n" in text and not text.strip()
        self.unit = text.rsplit("\n", 1)[-1] if self.pretty else ""
        if self.pretty and not self.unit:
            self.unit = "    "

    def indent_of(self, el: etree._Element) -> str:
        """The whitespace before ``el`` on its line."""
        prev = el.getprevious()
        parent = el.getparent()
        before = prev.tail if prev is not None else (parent.text if parent is not None else "")
        if before and "\n" in before:
            return before.rsplit("\n", 1)[-1]
        return ""

    def insert(self, parent: etree._Element, index: int, el: etree._Element) -> None:
        """Insert ``el`` as child ``index`` of ``parent`` (``len(parent)`` appends)."""
        children = list(parent)
        if not self.pretty:
            parent.insert(index, el)
            return
        if not children:
            outer = self.indent_of(parent) if parent.getparent() is not None else ""
            parent.text = "\n" + outer + self.unit
            el.tail = "\n" + outer
            parent.insert(0, el)
        elif index >= len(children):
            last = children[-1]
            el.tail = last.tail
            last.tail = "\n" + self.indent_of(last)
            last.addnext(el)
        else:
            el.tail = "\n" + self.indent_of(children[index])
            children[index].addprevious(el)


def remove(el: etree._Element) -> None:
    """Remove ``el``, giving its closing whitespace back to its previous sibling or its parent."""
    parent = el.getparent()
    prev = el.getprevious()
    last = el.getnext() is None
    if last and prev is not None:
        prev.tail = el.tail
    parent.remove(el)
    if len(parent) == 0 and not (parent.text or "").strip():
        parent.text = None


def marker_index(host: etree._Element, suffix: frozenset[str] = SUFFIX_TAGS) -> int:
    """Where a new marker goes: after the host's markers, else after its content, else before its filters."""
    return _index_after_last(host, MARKER_ITEMS) or _index_after_last(host, CONTENT_TAGS) or _index_before_first(host, suffix)


def anchor_index(host: etree._Element, suffix: frozenset[str] = SUFFIX_TAGS) -> int:
    """Where a new connected clip goes: after the host's content, else before its markers and filters."""
    return _index_after_last(host, CONTENT_TAGS) or _index_before_first(host, MARKER_ITEMS | suffix)


def _index_after_last(parent: etree._Element, tags: frozenset[str]) -> int:
    found = 0
    for i, child in enumerate(parent):
        if isinstance(child.tag, str) and child.tag in tags:
            found = i + 1
    return found


def _index_before_first(parent: etree._Element, tags: frozenset[str]) -> int:
    for i, child in enumerate(parent):
        if isinstance(child.tag, str) and child.tag in tags:
            return i
    return len(parent)
