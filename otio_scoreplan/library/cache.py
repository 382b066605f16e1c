"""The scan cache: what probing each audio file found, kept by file size and modification time.

Stored as JSON in the library folder (``.scoreplan-cache.json``), or, when the folder is read-only, in
the user's cache directory under a name derived from the folder's path. A file whose size or mtime
changed is probed again; entries for files that are gone are dropped on save.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CACHE_NAME = ".scoreplan-cache.json"
CACHE_VERSION = 1


def _fallback_path(folder: Path) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "otio-scoreplan"
    digest = hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:16]
    return base / f"library-{digest}.json"


class ScanCache:
    """Probe results per relative path, valid while (size, mtime_ns) are unchanged."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.entries: dict[str, dict[str, Any]] = {}
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0
        self._load()

    def _candidates(self) -> list[Path]:
        return [self.folder / CACHE_NAME, _fallback_path(self.folder)]

    def _load(self) -> None:
        for path in self._candidates():
            if not path.is_file():
                continue
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("%s: unreadable scan cache, rescanning (%s)", path, exc)
                continue
            if data.get("version") == CACHE_VERSION and isinstance(data.get("files"), dict):
                self.entries = data["files"]
                return

    def get(self, relpath: str, stat: os.stat_result) -> dict[str, Any] | None:
        """The cached probe of ``relpath`` if its size and mtime still match, else None."""
        entry = self.entries.get(relpath)
        if entry and entry.get("size") == stat.st_size and entry.get("mtime_ns") == stat.st_mtime_ns:
            self.hits += 1
            self.used.add(relpath)
            return entry["probe"]
        self.misses += 1
        return None

    def put(self, relpath: str, stat: os.stat_result, probe: dict[str, Any]) -> None:
        self.entries[relpath] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "probe": probe}
        self.used.add(relpath)

    def save(self) -> Path | None:
        """Write the entries seen in this scan; returns where, or None when no place was writable."""
        data = {"version": CACHE_VERSION, "files": {k: v for k, v in sorted(self.entries.items()) if k in self.used}}
        text = json.dumps(data, indent=1, sort_keys=True)
        for path in self._candidates():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(path.name + ".tmp")
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(path)
                return path
            except OSError:
                continue
        log.warning("%s: could not save the scan cache anywhere", self.folder)
        return None
