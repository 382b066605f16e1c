"""What an FCPXML story element says about itself: markers, notes, keywords and roles.

Markers become OTIO markers with the editor's text in the marker's own fields and
``metadata["scoreplan"]["read"]`` telling the kind (``marker``, ``todo`` with its completed state,
``chapter``), as the reading contract in :mod:`otio_scoreplan.formats` asks.
"""

from __future__ import annotations

import opentimelineio as otio
from lxml import etree
from opentimelineio import opentime

from ... import OUR_TOKEN, TAG
from ...colors import FCPX_KIND_COLORS
from ..common import ensure_read_info

MARKER_TAGS = ("marker", "chapter-marker")

# Built-in FCP audio roles; anything else is a custom role the editor named.
BUILTIN_AUDIO_ROLES = ("dialogue", "music", "effects")


def has_our_token(*texts: str | None) -> bool:
    """True when any text carries otio-scoreplan's visible token."""
    return any(t and OUR_TOKEN in t for t in texts)


def mark_ours(obj: otio.core.SerializableObject) -> None:
    """Flag an OTIO object as one of our own additions from an earlier run."""
    ns = obj.metadata.get(TAG)
    if ns is None:
        obj.metadata[TAG] = {}
        ns = obj.metadata[TAG]
    ns["added"] = True


def marker_kind(el: etree._Element) -> tuple[str, bool | None]:
    """(kind, completed) of a ``<marker>``/``<chapter-marker>``: a ``completed`` attribute makes a to-do."""
    if el.tag == "chapter-marker":
        return "chapter", None
    completed = el.get("completed")
    if completed is not None:
        return "todo", completed.strip() == "1"
    return "marker", None


def make_marker(
    el: etree._Element,
    local_start: float,
    duration: float,
    rate: float,
    origin: str,
    extra: dict | None = None,
) -> otio.schema.Marker:
    """An OTIO marker for ``el`` at ``local_start`` frames in its host item's own time."""
    kind, completed = marker_kind(el)
    color = FCPX_KIND_COLORS["completed" if completed else kind]  # no colour in the file: what the editor saw
    marker = otio.schema.Marker(
        name=el.get("value") or "",
        marked_range=opentime.TimeRange(opentime.RationalTime(local_start, rate), opentime.RationalTime(max(0.0, duration), rate)),
        color=color,
        comment=el.get("note") or "",
    )
    info = ensure_read_info(marker)
    info.update({"kind": kind, "origin": origin, "color": color})
    if completed is not None:
        info["completed"] = completed
    if el.get("posterOffset"):
        info["poster_offset"] = el.get("posterOffset")
    info.update(extra or {})
    if has_our_token(el.get("value"), el.get("note")):
        mark_ours(marker)
    return marker


def element_notes(el: etree._Element) -> list[dict]:
    """The ``<note>`` text and the keywords of a story element, as clip notes."""
    notes = []
    note = el.find("note")
    if note is not None and (note.text or "").strip():
        notes.append({"field": "note", "text": note.text.strip()})
    for kw in el.findall("keyword"):
        words = (kw.get("value") or "").strip()
        text = words + (f" ({kw.get('note').strip()})" if (kw.get("note") or "").strip() else "")
        if text:
            notes.append({"field": "keyword", "text": text})
    return notes


def _active(el: etree._Element) -> bool:
    return el.get("active", "1") != "0" and el.get("enabled", "1") != "0"


def audio_role(el: etree._Element) -> str:
    """The full audio role of a story element (``"music.TEMP MX A"``), or ``""``.

    Per-channel roles (``audio-channel-source``/``audio-role-source``) override the clip's
    ``audioRole``, as Final Cut Pro does when the editor reassigns a component.
    """
    if el.tag == "audio" and el.get("role"):
        return el.get("role").strip()
    for src in list(el.findall("audio-channel-source")) + list(el.findall("audio-role-source")):
        if src.get("role") and _active(src):
            return src.get("role").strip()
    return (el.get("audioRole") or "").strip()


def main_role(full: str) -> str:
    """The role a subrole belongs to: ``"music.TEMP MX A"`` -> ``"music"``; custom roles lower-cased."""
    return full.split(".", 1)[0].strip().lower() if full else ""


def role_track_name(full: str) -> str:
    """The name of the audio track holding one role's clips (as FCP's role-based audio lanes).

    Built-in roles read ``Dialogue``/``Music``/``Effects``; a custom role keeps the editor's
    spelling (``TEMP MX``), so that track-name rules downstream still recognise it.
    """
    main = full.split(".", 1)[0].strip() if full else ""
    if main.lower() in BUILTIN_AUDIO_ROLES:
        return main.lower().title()
    return main or "Audio"
