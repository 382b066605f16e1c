"""Fast reading of OTIO metadata.

Looking up a missing key of an OTIO ``AnyDictionary`` costs about 25 us (a C++ exception translated into
a ``KeyError``), and so does reaching the end of iterating one (``StopIteration`` comes the same way);
a present key costs well under 1 us. On a 100,000-event list, a few missed lookups per clip add up to
seconds. :func:`snapshot` reads each object's top level once into a plain dict, taking exactly
``len()`` keys from the iterator so that it never runs off its end; the helpers below take it.
"""

from __future__ import annotations

from typing import Any

from . import OUR_TOKEN, TAG


def snapshot(obj: Any) -> dict[str, Any]:
    """The top level of ``obj.metadata`` as a plain dict (values stay OTIO containers); {} when empty."""
    meta = getattr(obj, "metadata", None)
    if meta is None or not len(meta):
        return {}
    return _as_dict(meta)


def _as_dict(mapping: Any) -> dict[str, Any]:
    """An OTIO ``AnyDictionary`` as a plain dict, one level deep, without the iterator's costly end."""
    keys = iter(mapping)
    out = {}
    for _ in range(len(mapping)):
        key = next(keys)
        out[key] = mapping[key]
    return out


def plain(value: Any) -> dict[str, Any]:
    """A mapping (OTIO or plain) as a plain dict, one level deep; {} for anything else."""
    if isinstance(value, dict):
        return value
    if hasattr(value, "items") and hasattr(value, "__len__"):
        return {} if not len(value) else _as_dict(value)
    return {}


def namespace(obj: Any, snap: dict[str, Any] | None = None) -> dict[str, Any]:
    """``metadata["scoreplan"]`` as a plain dict."""
    snap = snapshot(obj) if snap is None else snap
    return plain(snap.get(TAG))


def read_info(obj: Any, snap: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the reader recorded in ``metadata["scoreplan"]["read"]``, as a plain dict."""
    return plain(namespace(obj, snap).get("read"))


def is_added(obj: Any, snap: dict[str, Any] | None = None) -> bool:
    """Added by an earlier run of ours: flagged by the reader, or carrying our token in its name."""
    return bool(namespace(obj, snap).get("added")) or OUR_TOKEN in (getattr(obj, "name", "") or "")


def field(snap: dict[str, Any], key: str, name: str) -> Any:
    """``snap[key][name]`` or None, without a missed lookup on an OTIO dictionary."""
    return plain(snap.get(key)).get(name)
