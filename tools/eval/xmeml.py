"""The xmeml (FCP7/Premiere XML) facts the spotting evaluation needs, read with lxml alone.

Independent of the package's own reader on purpose: the truth and the stripped inputs must not lean on the
code they measure. Record frames are the sequence's own ``<start>``/``<end>``; a clip whose edge is ``-1``
(it sits in a transition) takes the transition's outer edge, where its sound is first/last heard.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)


@dataclass(frozen=True)
class XClip:
    """One clipitem on a top-level audio or video track, in record frames (end exclusive)."""

    kind: str  # "audio" | "video"
    track: str  # A1, V2 ...
    track_name: str
    name: str
    path: str  # the file's pathurl (resolved through its id), unquoted; '' when none
    start: int
    end: int
    element: etree._Element
    nested: bool  # the clipitem holds a nested <sequence>


def parse(path: Path) -> etree._ElementTree:
    return etree.parse(str(path), PARSER)


def main_sequence(tree: etree._ElementTree) -> etree._Element:
    """The sequence the file is about: the top-level one, else the first."""
    root = tree.getroot()
    seq = root.find("sequence")
    if seq is None:
        seq = root.find(".//sequence")
    if seq is None:
        raise ValueError("no <sequence> in the file")
    return seq


def rate_of(seq: etree._Element) -> float:
    tb = float(seq.findtext("rate/timebase") or 25)
    ntsc = (seq.findtext("rate/ntsc") or "").strip().upper() == "TRUE"
    return tb * 1000 / 1001 if ntsc else tb


def files_by_id(tree: etree._ElementTree) -> dict[str, str]:
    """Premiere writes a <file> in full once and by id alone after that: id -> pathurl."""
    out: dict[str, str] = {}
    for f in tree.getroot().iter("file"):
        fid, url = f.get("id"), f.findtext("pathurl")
        if fid and url and fid not in out:
            out[fid] = unquote(url.strip())
    return out


def _edges(items: list[etree._Element]) -> list[tuple[etree._Element, int, int]]:
    """(clipitem, start, end) of a track's children, -1 edges taken from the neighbouring transition."""
    out = []
    for i, el in enumerate(items):
        if el.tag != "clipitem":
            continue
        s, e = int(el.findtext("start") or -1), int(el.findtext("end") or -1)
        if s < 0:
            prev = items[i - 1] if i > 0 else None
            s = int(prev.findtext("start")) if prev is not None and prev.tag == "transitionitem" else max(0, int(el.findtext("in") or 0))
        if e < 0:
            nxt = items[i + 1] if i + 1 < len(items) else None
            e = int(nxt.findtext("end")) if nxt is not None and nxt.tag == "transitionitem" else s
        out.append((el, s, e))
    return out


def top_tracks(seq: etree._Element, kind: str) -> list[etree._Element]:
    media = seq.find("media")
    holder = media.find(kind) if media is not None else None
    return holder.findall("track") if holder is not None else []


def track_clips(tree: etree._ElementTree, seq: etree._Element) -> list[XClip]:
    """Every clipitem of the sequence's top-level tracks (enabled tracks and clips only)."""
    paths = files_by_id(tree)
    out: list[XClip] = []
    for kind, letter in (("video", "V"), ("audio", "A")):
        for n, track in enumerate(top_tracks(seq, kind), start=1):
            if (track.findtext("enabled") or "TRUE").strip().upper() == "FALSE":
                continue
            tname = track.get("MZ.TrackName") or track.findtext("name") or ""
            for el, s, e in _edges([c for c in track if c.tag in ("clipitem", "transitionitem", "generatoritem")]):
                if (el.findtext("enabled") or "TRUE").strip().upper() == "FALSE":
                    continue
                f = el.find("file")
                path = ""
                if f is not None:
                    path = unquote((f.findtext("pathurl") or "").strip()) or paths.get(f.get("id") or "", "")
                out.append(XClip(kind, f"{letter}{n}", tname, (el.findtext("name") or "").strip(), path, s, e, el,
                                 el.find("sequence") is not None))
    return out
