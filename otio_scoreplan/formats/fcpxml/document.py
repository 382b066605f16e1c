"""What the FCPXML reader and writer both know of a document: its resources by id and its story elements.

A story element (``asset-clip``, ``clip``, ``gap`` ...) sits in a storyline and has a local time of
its own; ``story_timing`` in :mod:`.timing` gives its ``start`` and ``duration`` there.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

STORY_TAGS = frozenset(
    {"asset-clip", "clip", "sync-clip", "ref-clip", "mc-clip", "audition", "title", "video", "audio", "gap", "live-drawing"}
)


class Resources:
    """The ``<resources>`` of a document, by id."""

    def __init__(self, root: etree._Element, path: Path) -> None:
        self.path = path
        self.by_id: dict[str, etree._Element] = {}
        for res in root.iter("resources"):
            for el in res:
                if isinstance(el.tag, str) and el.get("id"):
                    self.by_id.setdefault(el.get("id"), el)

    def get(self, ref: str | None) -> etree._Element | None:
        return self.by_id.get(ref) if ref else None

    def media_url(self, asset: etree._Element | None) -> str:
        """The media file of an asset: ``src`` (FCPXML <= 1.8) or the original ``media-rep`` (>= 1.9)."""
        if asset is None:
            return ""
        if asset.get("src"):
            return asset.get("src")
        reps = asset.findall("media-rep")
        for rep in reps:
            if rep.get("kind", "original-media") == "original-media" and rep.get("src"):
                return rep.get("src")
        return next((r.get("src") for r in reps if r.get("src")), "")
