"""FCPXML from Final Cut Pro and Resolve (``.fcpxml`` files and ``.fcpxmld`` bundles)."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from ..errors import InputError
from . import ReadOptions, Source, choose_timeline, read_bytes
from .common import call_adapter, make_source
from .safexml import parse_xml


def document_path(path: Path) -> Path:
    """The XML file inside a ``.fcpxmld`` bundle, or ``path`` itself."""
    if path.is_dir():
        inner = path / "Info.fcpxml"
        if not inner.is_file():
            raise InputError("the .fcpxmld bundle holds no Info.fcpxml", path)
        return inner
    return path


def read(path: Path, options: ReadOptions) -> Source:
    data = read_bytes(document_path(path))
    tree = parse_xml(data, path)
    if tree.getroot().tag != "fcpxml":
        raise InputError(f"not an FCPXML file: the root element is <{tree.getroot().tag}>", path)
    text = data.decode("utf-8", errors="replace")
    result = call_adapter(path, lambda: otio.adapters.read_from_string(text, adapter_name="fcpx_xml"), "reading FCPXML")
    timeline = choose_timeline(result, path, options.sequence)
    return make_source(path, "fcpxml", timeline, options, document=tree, application="fcpx")
