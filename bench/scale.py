"""Feature-length benchmark inputs made from real editor exports by repeating their track items.

OTIO's writers drop structure that editors' files have (EDL audio and locators, AAF markers, Premiere's
own attributes), so these files are made from ../shared/corpus exports directly: every track item of
the sequence is repeated, shifted by the sequence's length each time, until the cut lasts two hours
(lxml for FCP7 XML and FCPXML, text for EDL, pyaaf2 for AAF). Ids that must stay unique are renamed
per copy; everything else is the editor's own bytes.

    python bench/scale.py [--out bench/out/scaled]
"""

from __future__ import annotations

import argparse
import copy
import logging
import math
import re
import shutil
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

log = logging.getLogger("bench.scale")

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
TARGET_SECONDS = 7200
VERSION = 2


@dataclass(frozen=True)
class Scaled:
    """One scaled input."""

    fmt: str
    source: str  # corpus path
    path: Path
    copies: int
    shots: int  # items on the first video track (or first track) after scaling
    rate: float | None = None  # for EDLs
    note: str = ""


# format -> (corpus file, EDL rate, note)
SOURCES = {
    "fcp7_xml": [("premiere/nrk_UA4-konsulentteam-CC.xml", None, "Premiere, 25 fps, 13 tracks, clip markers")],
    "fcpxml": [("fcpx/fcpx_project.fcpxml", None, "FCP X, 30 fps, lanes, markers")],
    "edl": [("avid/pycmx_INS4_R1_010417.edl", 24.0, "Avid picture EDL, speed effects"),
            ("avid/pycmx_INS4_R1_DX_092117.edl", 24.0, "Avid audio EDL, 3 tracks, locators")],
    "aaf": [("avid/multitrack.aaf", None, "Media Composer, V3/A2, markers")],
}


def copies_for(seconds: float, target: float = TARGET_SECONDS) -> int:
    """How many copies of a ``seconds``-long cut last ``target`` seconds (two hours)."""
    return max(1, math.ceil(target / seconds))


# --- FCP7 XML (xmeml) -------------------------------------------------------------------------------

def scale_xmeml(src: Path, dst: Path, target: float = TARGET_SECONDS) -> tuple[int, int]:
    """Repeat every item of the first sequence's tracks; (copies, picture items)."""
    from lxml import etree

    tree = etree.parse(str(src), etree.XMLParser(remove_blank_text=False, huge_tree=True))
    seq = tree.getroot().find("sequence")
    length = int(seq.findtext("duration"))
    timebase = int(seq.findtext("rate/timebase"))
    n = copies_for(length / timebase, target)
    tracks = seq.findall("media/video/track") + seq.findall("media/audio/track")
    for track in tracks:
        items = [c for c in track if c.tag in ("clipitem", "transitionitem", "generatoritem")]
        tail = items[-1].tail if items else None
        anchor = items[-1] if items else None
        for k in range(1, n):
            for item in items:
                twin = copy.deepcopy(item)
                _shift_xmeml_item(twin, k * length, f"-x{k}")
                anchor.addnext(twin)
                twin.tail = tail
                anchor = twin
    for marker in list(seq.findall("marker")):
        for k in range(1, n):
            twin = copy.deepcopy(marker)
            for tag in ("in", "out"):
                el = twin.find(tag)
                if el is not None and int(el.text) >= 0:
                    el.text = str(int(el.text) + k * length)
            seq.append(twin)
    seq.find("duration").text = str(n * length)
    tree.write(str(dst), xml_declaration=True, encoding="UTF-8")
    picture = seq.find("media/video/track")
    return n, len(picture.findall("clipitem")) if picture is not None else 0


def _shift_xmeml_item(item, frames: int, suffix: str) -> None:
    """Move one copied clip/transition item ``frames`` later; unique ids; files referred to, not redefined."""
    for tag in ("start", "end"):
        el = item.find(tag)
        if el is not None and int(el.text) >= 0:
            el.text = str(int(el.text) + frames)
    if item.get("id"):
        item.set("id", item.get("id") + suffix)
    for ref in item.iter("linkclipref"):
        ref.text = (ref.text or "") + suffix
    for f in item.iter("file"):
        if f.get("id") and len(f):
            for child in list(f):
                f.remove(child)


# --- FCPXML -----------------------------------------------------------------------------------------

TIME = re.compile(r"^(-?\d+)(?:/(\d+))?s$")


def _t(value: str | None) -> Fraction:
    m = TIME.match(value or "0s")
    return Fraction(int(m.group(1)), int(m.group(2) or 1)) if m else Fraction(0)


def _fmt(t: Fraction) -> str:
    return "0s" if t == 0 else f"{t.numerator}s" if t.denominator == 1 else f"{t.numerator}/{t.denominator}s"


def scale_fcpxml(src: Path, dst: Path, target: float = TARGET_SECONDS) -> tuple[int, int]:
    """Repeat every item of the first project's primary storyline to ``target`` seconds; (copies, storyline items)."""
    from lxml import etree

    length = _t(etree.parse(str(src)).getroot().find(".//project/sequence").get("duration"))
    return repeat_fcpxml(src, dst, copies_for(float(length), target))


def repeat_fcpxml(src: Path, dst: Path, copies: int | None = None) -> tuple[int, int]:
    """The first project's storyline items repeated ``copies`` times (default: to two hours); (copies, items)."""
    from lxml import etree

    tree = etree.parse(str(src))
    seq = tree.getroot().find(".//project/sequence")
    spine = seq.find("spine")
    length = _t(seq.get("duration"))
    n = copies or copies_for(float(length))
    items = list(spine)
    anchor, tail = items[-1], items[-1].tail
    for k in range(1, n):
        for item in items:
            twin = copy.deepcopy(item)
            twin.set("offset", _fmt(_t(item.get("offset")) + k * length))
            anchor.addnext(twin)
            twin.tail = tail
            anchor = twin
    seq.set("duration", _fmt(n * length))
    tree.write(str(dst), xml_declaration=True, encoding="UTF-8")
    return n, len(spine)


# --- EDL --------------------------------------------------------------------------------------------

EVENT = re.compile(r"^(\d{3,6})(\s+\S+\s+\S+\s+\S+(?:\s+\d+)?\s+)(\d\d:\d\d:\d\d[:;]\d\d) (\d\d:\d\d:\d\d[:;]\d\d) "
                   r"(\d\d:\d\d:\d\d[:;]\d\d) (\d\d:\d\d:\d\d[:;]\d\d)(.*)$")
LOC = re.compile(r"^(\*\s*LOC:\s*)(\d\d:\d\d:\d\d[:;]\d\d)(.*)$")


def _frames(tc: str, fps: int) -> int:
    h, m, s, f = (int(x) for x in re.split(r"[:;]", tc))
    return ((h * 60 + m) * 60 + s) * fps + f


def _tc(frames: int, fps: int) -> str:
    f = frames % fps
    s = frames // fps
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}:{f:02d}"


def scale_edl(src: Path, dst: Path, rate: float, target: float = TARGET_SECONDS) -> tuple[int, int]:
    """Repeat every event (and its comment lines) with record times and locators shifted; (copies, events)."""
    raw = src.read_bytes()
    newline = "\r\n" if b"\r\n" in raw else "\n"
    lines = raw.decode("utf-8-sig", errors="surrogateescape").splitlines()
    fps = round(rate)
    head, body = [], []
    for line in lines:
        (body if body or EVENT.match(line) else head).append(line)
    records = [m for m in (EVENT.match(x) for x in body) if m]
    first = min(_frames(m.group(5), fps) for m in records)
    last = max(_frames(m.group(6), fps) for m in records)
    length = last - first
    n = copies_for(length / rate, target)
    out, number = list(head), 0
    for k in range(n):
        shift = k * length
        for line in body:
            m = EVENT.match(line)
            if m:
                number += 1
                rin, rout = _frames(m.group(5), fps) + shift, _frames(m.group(6), fps) + shift
                width = max(3, len(m.group(1)))
                out.append(f"{number:0{width}d}{m.group(2)}{m.group(3)} {m.group(4)} {_tc(rin, fps)} {_tc(rout, fps)}{m.group(7)}")
                continue
            loc = LOC.match(line)
            if loc and k:
                out.append(f"{loc.group(1)}{_tc(_frames(loc.group(2), fps) + shift, fps)}{loc.group(3)}")
                continue
            out.append(line)
    dst.write_bytes((newline.join(out) + newline).encode("utf-8", errors="surrogateescape"))
    return n, number


# --- AAF --------------------------------------------------------------------------------------------

def _segments(seg):
    """``seg`` and every segment inside it down to (and including) the sequences, outermost first."""
    yield seg
    kind = type(seg).__name__
    inner = []
    if kind == "NestedScope":
        inner = list(seg["Slots"].value)
    elif kind in ("OperationGroup", "Pulldown"):
        inner = list(seg["InputSegments"].value) if "InputSegments" in seg.keys() else [seg["InputSegment"].value]
    for s in inner:
        yield from _segments(s)


def scale_aaf(src: Path, dst: Path, target: float = TARGET_SECONDS) -> tuple[int, int]:
    """Repeat every component of the top composition's sequences (locators too); (copies, picture items).

    Media Composer nests its picture tracks in a ``NestedScope`` and wraps sound in an ``OperationGroup``
    (gain, pan): every ``Sequence`` inside is repeated, every container around it made as much longer,
    and the locators of the event slots repeated with their ``Position`` shifted.
    """
    import aaf2

    shutil.copyfile(src, dst)
    with aaf2.open(str(dst), "rw") as f:
        top = next(iter(f.content.toplevel()))
        timeline = [s for s in top.slots if type(s).__name__ == "TimelineMobSlot"]
        picture = next(s for s in timeline if s.segment.media_kind == "Picture")
        length, rate = int(picture.segment.length), float(picture.edit_rate)
        n = copies_for(length / rate, target)
        items = 0
        for slot in top.slots:
            events = type(slot).__name__ == "EventMobSlot"
            for seg in list(_segments(slot.segment)):
                if type(seg).__name__ == "Sequence":
                    originals = list(seg.components)
                    for k in range(1, n):
                        for item in originals:
                            twin = item.copy()
                            if events and "Position" in twin.keys():
                                twin["Position"].value = int(item["Position"].value) + k * length
                            seg.components.append(twin)
                    if seg.media_kind == "Picture" and not items:
                        items = len(seg.components)
                if not events and "Length" in seg.keys() and seg["Length"].value is not None:
                    seg["Length"].value = int(seg["Length"].value) * n
    return n, items


def scale_all(out: Path, formats: list[str]) -> list[Scaled]:
    """Make (or reuse) every scaled input of ``formats`` in ``out``."""
    import json

    out.mkdir(parents=True, exist_ok=True)
    made = []
    for fmt in formats:
        for rel, rate, note in SOURCES.get(fmt, []):
            src = CORPUS / rel
            dst = out / f"{Path(rel).stem}_x{Path(rel).suffix}"
            stamp = dst.with_name(dst.name + ".json")
            key = {"source": rel, "version": VERSION}
            if dst.exists() and stamp.exists() and json.loads(stamp.read_text())["key"] == key:
                info = json.loads(stamp.read_text())
            else:
                if fmt == "fcp7_xml":
                    n, shots = scale_xmeml(src, dst)
                elif fmt == "fcpxml":
                    n, shots = scale_fcpxml(src, dst)
                elif fmt == "edl":
                    n, shots = scale_edl(src, dst, rate)
                else:
                    n, shots = scale_aaf(src, dst)
                info = {"key": key, "copies": n, "shots": shots}
                stamp.write_text(json.dumps(info))
                log.info("scaled %s x%d -> %s (%d KB)", rel, n, dst, dst.stat().st_size // 1024)
            made.append(Scaled(fmt=fmt, source=rel, path=dst, copies=info["copies"], shots=info["shots"], rate=rate,
                               note=f"{note}; x{info['copies']}"))
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default=",".join(SOURCES))
    parser.add_argument("--out", default=str(Path(__file__).parent / "out" / "scaled"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    for s in scale_all(Path(args.out), args.formats.split(",")):
        sys.stdout.write(f"{s.path}  {s.fmt}  x{s.copies}  {s.shots} items  ({s.note})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
