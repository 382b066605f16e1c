"""The edit with its music taken out completely, as the planner's input for the spotting evaluation.

Done on the editor's own xmeml with lxml, deterministically, from the frozen truth:

* every audio track named for music, and every track that held nothing but music, is removed (not left empty);
* every music clip of the truth is removed from the tracks that remain (a transition into or out of it goes
  too, and the neighbour's ``-1`` edge becomes the transition's outer frame);
* audio-level keyframes on the other sound around the music (within 2 s of a real cue) are removed: the
  dips that made room for the music would point at it;
* every marker, and every clip comment or description, that the planner's vocabulary reads as a music
  direction (or that names music: 'Musikk', 'MX') is removed.

A ``<file>`` written in full inside a removed clip and referenced by id elsewhere is moved to the first
clip that still references it, so no remaining clip loses its media path.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import xmeml

from otio_scoreplan.analyse.music import MUSIC_WORDS, tokens
from otio_scoreplan.plan.rules import default_rules
from otio_scoreplan.plan.vocabulary import parse_text

_TEXT_FIELDS = ("name", "comment", "description", "comments", "logginginfo/description", "logginginfo/lognote",
                "logginginfo/good", "comments/mastercomment1", "comments/mastercomment2", "comments/mastercomment3",
                "comments/mastercomment4", "comments/clipcommenta", "comments/clipcommentb")


def says_music(text: str, rate: float) -> bool:
    """True when the planner's vocabulary reads ``text`` as a music direction, or the text names music."""
    text = (text or "").strip()
    if not text:
        return False
    if parse_text(text, default_rules(), rate).says_music:
        return True
    return bool(set(tokens(text)) & MUSIC_WORDS)


def _is_music_clip(c: xmeml.XClip, truth: dict) -> bool:
    for m in truth["music_clips"]:
        if c.track in m["track"].split("+") and [c.start, c.end] == m["record_frames"] \
                and (c.name == m["name"] or (c.path and c.path == m["path"])):
            return True
    return False


def _near_music(c: xmeml.XClip, cues: list[tuple[int, int]], pad: int) -> bool:
    return any(c.start < e + pad and c.end > s - pad for s, e in cues)


def _track_label(track: etree._Element, seq: etree._Element) -> str:
    for kind, letter in (("video", "V"), ("audio", "A")):
        tracks = xmeml.top_tracks(seq, kind)
        if track in tracks:
            return f"{letter}{tracks.index(track) + 1}"
    return ""


def _rescue_files(removed: list[etree._Element], root: etree._Element) -> None:
    """Full <file> definitions inside removed clips moved to a remaining clip that references them by id."""
    gone = set()
    for el in removed:
        gone.update(id(x) for x in el.iter())
    for el in removed:
        for f in el.iter("file"):
            if len(f) == 0 or not f.get("id"):
                continue
            for other in root.iter("file"):
                if other.get("id") == f.get("id") and len(other) == 0 and id(other) not in gone:
                    other.getparent().replace(other, copy.deepcopy(f))
                    break


def _drop_items(track: etree._Element, doomed: set[int]) -> None:
    """Remove clipitems (by id()) from a track with the transitions that touch them, fixing neighbours' -1 edges."""
    items = [c for c in track if c.tag in ("clipitem", "transitionitem", "generatoritem")]
    for i, el in enumerate(items):
        if el.tag != "transitionitem":
            continue
        prev = items[i - 1] if i > 0 else None
        nxt = items[i + 1] if i + 1 < len(items) else None
        if not ((prev is not None and id(prev) in doomed) or (nxt is not None and id(nxt) in doomed)):
            continue
        if prev is not None and id(prev) not in doomed and (prev.findtext("end") or "").strip() == "-1":
            prev.find("end").text = el.findtext("end")
        if nxt is not None and id(nxt) not in doomed and (nxt.findtext("start") or "").strip() == "-1":
            nxt.find("start").text = el.findtext("start")
        track.remove(el)
    for el in items:
        if el.tag != "transitionitem" and id(el) in doomed:
            track.remove(el)


def strip(source: Path, truth: dict) -> tuple[bytes, dict]:
    """The stripped xmeml and a summary of what was taken out."""
    tree = xmeml.parse(source)
    root = tree.getroot()
    seq = xmeml.main_sequence(tree)
    rate = xmeml.rate_of(seq)
    cues = [(c["start_frame"], c["end_frame"]) for c in truth["cues"]]
    clips = xmeml.track_clips(tree, seq)
    music = [c for c in clips if c.kind == "audio" and _is_music_clip(c, truth)]
    by_track: dict[str, list[xmeml.XClip]] = {}
    for c in clips:
        by_track.setdefault(c.track, []).append(c)
    music_ids = {id(c.element) for c in music}
    summary = {"tracks_removed": [], "music_clips_removed": 0, "keyframes_removed": 0, "annotations_removed": []}
    removed_elements: list[etree._Element] = []
    whole_tracks = []
    for track in xmeml.top_tracks(seq, "audio"):
        label = _track_label(track, seq)
        name = track.get("MZ.TrackName") or track.findtext("name") or ""
        own = by_track.get(label, [])
        if set(tokens(name)) & MUSIC_WORDS or (own and all(id(c.element) in music_ids for c in own)):
            whole_tracks.append((track, label, name))
    removed_elements += [t for t, _, _ in whole_tracks]
    doomed = {id(c.element) for c in music}
    removed_elements += [c.element for c in music]
    _rescue_files(removed_elements, root)
    for track, label, name in whole_tracks:
        track.getparent().remove(track)
        summary["tracks_removed"].append(f"{label} {name!r}".strip())
    summary["music_clips_removed"] = len(music)
    for track in xmeml.top_tracks(seq, "audio"):
        _drop_items(track, doomed)
    pad = int(round(2 * rate))
    for c in clips:
        if c.kind != "audio" or id(c.element) in doomed or c.element.getparent() is None or not _near_music(c, cues, pad):
            continue
        for eff in c.element.iter("effect"):
            if (eff.findtext("effectid") or "").strip().lower() not in ("audiolevels", "audio levels"):
                continue
            for kf in list(eff.iter("keyframe")):
                kf.getparent().remove(kf)
                summary["keyframes_removed"] += 1
    for marker in list(root.iter("marker")):
        text = " ".join(t for t in (marker.findtext("name"), marker.findtext("comment")) if t)
        if marker.getparent() is not None and says_music(text, rate):
            summary["annotations_removed"].append(text[:80])
            marker.getparent().remove(marker)
    for el in list(root.iter("clipitem")):
        for path in ("logginginfo/description", "logginginfo/lognote", "comments/mastercomment1", "comments/mastercomment2",
                     "comments/mastercomment3", "comments/mastercomment4", "comments/clipcommenta", "comments/clipcommentb"):
            field = el.find(path)
            if field is not None and says_music(field.text or "", rate):
                summary["annotations_removed"].append((field.text or "")[:80])
                field.text = ""
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8"), summary


