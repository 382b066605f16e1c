"""The scan cache: what probing each audio file found, kept by file size and modification time.

Stored as JSON in the library folder (``.scoreplan-cache.json``), or, when the folder is read-only, in
the user's cache directory (``$XDG_CACHE_HOME`` or ``~/.cache``, ``otio-scoreplan/``) under a name derived
from the folder's resolved path. A file whose size or mtime changed is probed again; entries for files
that are gone are dropped on save. Tag moods and the analysis's mood hints depend on the run's mood table
(``--rules``), so the cache records the table's digest (``moods``) and is kept for that table only: a scan by
another table probes and listens again (a cache of no digest, written before it was recorded, was made by the
shipped rules). A cache of the wrong shape (hand-edited, from another version) is
ignored with a warning and rebuilt. It is written like every output (:mod:`otio_scoreplan.outfile`):
a temporary file of a unique name, then a rename; never through a symbolic link.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from pathlib import Path
from typing import Any

from ..errors import ScorePlanError
from ..outfile import write_bytes_atomic

log = logging.getLogger(__name__)

CACHE_NAME = ".scoreplan-cache.json"
CACHE_VERSION = 3  # 2: tag moods no longer read the Romantic period from a genre tag; 3: a note in a quiet ring after
# released music is no button (analysis.find_ending): caches of 1 and 2 are rebuilt


def _fallback_path(folder: Path) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "otio-scoreplan"
    digest = hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:16]
    return base / f"library-{digest}.json"


class ScanCache:
    """Probe results per relative path, valid while (size, mtime_ns) are unchanged."""

    def __init__(self, folder: Path, moods: str = "", *, unkeyed_ours: bool = True) -> None:
        """``moods``: the digest of the run's mood table (:func:`~.scan.mood_table_key`); ``unkeyed_ours``: whether a
        cache that records no digest (made by the shipped rules) was made by that table."""
        self.folder = folder
        self.moods = moods
        self.unkeyed_ours = unkeyed_ours
        self.entries: dict[str, dict[str, Any]] = {}
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0
        self._load()

    def _candidates(self) -> list[Path]:
        """Where the cache lives: in the folder, or (the folder read-only) in the user's cache directory."""
        here, there = self.folder / CACHE_NAME, _fallback_path(self.folder)
        return [here, there] if os.access(self.folder, os.W_OK) else [there, here]

    def _load(self) -> None:
        for path in self._candidates():
            if not path.is_file():
                continue
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("%s: unreadable scan cache, rescanning (%s)", path, exc)
                continue
            problem = cache_problem(data)
            if problem:
                log.warning("%s: scan cache ignored and rebuilt (%s)", path, problem)
                continue
            made_by = data.get("moods")
            if made_by != self.moods and not (made_by is None and self.unkeyed_ours):
                log.info("%s: scan cache made by another mood table (rules); probed and listened to again", path)
                continue
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
        data = {"version": CACHE_VERSION, "moods": self.moods, "files": {k: v for k, v in sorted(self.entries.items()) if k in self.used}}
        text = json.dumps(data, indent=1, sort_keys=True)
        for path in self._candidates():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                return write_bytes_atomic(path, text.encode("utf-8"), library_cache=True)
            except (OSError, ScorePlanError) as exc:
                log.debug("%s: scan cache not saved here: %s", path, exc)
                continue
        log.warning("%s: could not save the scan cache anywhere", self.folder)
        return None


_TEXT_TAGS = ("title", "composer", "publisher", "notes")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def _probe_problem(probe: Any) -> str:
    """What is wrong with one cached probe (the shape :func:`~.scan.probe` returns), or ''."""
    if not isinstance(probe, dict):
        return "not an object"
    if "broken" in probe:
        return "" if isinstance(probe["broken"], str) else "'broken' is not text"
    audio, tags = probe.get("audio"), probe.get("tags")
    if not isinstance(audio, dict) or set(audio) != {"duration_seconds", "sample_rate", "channels"}:
        return "'audio' is not {duration_seconds, sample_rate, channels}"
    if not all(_number(v) for v in audio.values()):
        return "an 'audio' value is not a finite number"
    if not isinstance(tags, dict):
        return "'tags' is not an object"
    if not all(isinstance(tags[k], str) for k in _TEXT_TAGS if k in tags):
        return "a text tag is not text"
    if "moods" in tags and not (isinstance(tags["moods"], list) and all(isinstance(m, str) for m in tags["moods"])):
        return "'moods' is not a list of words"
    if "tempo" in tags and not _number(tags["tempo"]):
        return "'tempo' is not a finite number"
    return ""


def cache_problem(data: Any) -> str:
    """What keeps ``data`` (a parsed cache file) from being used, or '' when every entry has the right shape."""
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or not isinstance(data.get("files"), dict):
        return f"not a version {CACHE_VERSION} scan cache"
    if not isinstance(data.get("moods", ""), str):
        return "'moods' (the mood table's digest) is not text"
    for rel, entry in data["files"].items():
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), int) and not isinstance(entry.get(k), bool)
                                                  for k in ("size", "mtime_ns")):
            return f"entry {rel!r} has no size and mtime"
        problem = _probe_problem(entry.get("probe"))
        if problem:
            return f"entry {rel!r}: {problem}"
    return ""
