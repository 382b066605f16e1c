"""The documents of ``scoreplan notes`` written all or nothing: every target checked, all rendered, then written."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable, Sequence

from ..outfile import check_output_path, run
from . import write_document
from .sheet import Sheet

# (path, what it is, its renderer): one document to write
Document = tuple[str, str, Callable[[Sheet], str | bytes]]


def pdf_created(sheet: Sheet) -> _dt.datetime:
    """The PDF's creation date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the plan's date
    (midnight UTC: the same plan gives the same file), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC)
    if sheet.plan.date:
        try:
            return _dt.datetime.fromisoformat(sheet.plan.date).replace(tzinfo=_dt.UTC)
        except ValueError:
            pass
    return _dt.datetime.now(_dt.UTC)


def lazy_renderer(module: str, func: str) -> Callable[[Sheet], str | bytes]:
    """The renderer ``func`` of the notes module ``module``, imported when it first renders."""
    def render(sheet: Sheet) -> str | bytes:
        import importlib

        return getattr(importlib.import_module(f"{__package__}.{module}"), func)(sheet)
    return render


def write_documents(sheet: Sheet, documents: Sequence[Document], inputs: Sequence[str | os.PathLike]) -> list[str]:
    """Write every document of ``sheet``, never over one of ``inputs``; all or none. Returns the paths written."""
    for path, _, _ in documents:  # every target checked before anything is rendered or written
        check_output_path(path, *inputs)
    rendered = [(path, render(sheet)) for path, _, render in documents]
    with run():  # all or nothing: a failed write puts back the documents already written
        for path, data in rendered:
            write_document(path, data, *inputs)
    return [path for path, _ in rendered]
