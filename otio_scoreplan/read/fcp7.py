"""FCP7 XML (xmeml) as Premiere Pro, Resolve, Final Cut Pro 7 and others export it."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from . import ReadOptions, Source, choose_timeline, read_bytes
from .common import call_adapter, make_source, read_info
from .safexml import parse_xml


def read(path: Path, options: ReadOptions) -> Source:
    data = read_bytes(path)
    tree = parse_xml(data, path)
    if tree.getroot().tag != "xmeml":
        raise_not(path, tree.getroot().tag)
    text = data.decode("utf-8", errors="replace")
    result = call_adapter(path, lambda: otio.adapters.read_from_string(text, adapter_name="fcp_xml"), "reading FCP7 XML")
    timeline = choose_timeline(result, path, options.sequence)
    for marker in _all_markers(timeline):
        fcp = marker.metadata.get("fcp_xml", {})
        if not marker.comment and hasattr(fcp, "get") and fcp.get("comment"):
            marker.comment = str(fcp.get("comment"))
        read_info(marker).setdefault("kind", "marker")
    return make_source(path, "fcp7_xml", timeline, options, document=tree, application=application(tree))


def raise_not(path: Path, tag: str) -> None:
    from ..errors import InputError

    raise InputError(f"not an FCP7 XML (xmeml) file: the root element is <{tag}>", path)


def _all_markers(timeline: otio.schema.Timeline):
    yield from timeline.tracks.markers
    for item in timeline.tracks.find_children():
        yield from getattr(item, "markers", [])


def application(tree) -> str:
    """Which application wrote this xmeml (see corpus/PROVENANCE.md for the fingerprints)."""
    root = tree.getroot()
    seq = root.find(".//sequence")
    if seq is not None and any(k.startswith(("MZ.", "TL.")) for k in seq.attrib):
        return "premiere"
    name = seq.findtext("name") if seq is not None else ""
    if root.get("version") == "5" or (name or "").endswith("(Resolve)"):
        return "resolve"
    if seq is not None and seq.find("uuid") is not None:
        return "fcp7"
    return "unknown"
