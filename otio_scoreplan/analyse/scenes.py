"""Scenes: shots grouped by scene markers, by scene numbers in clip names or metadata, or by black.

The evidence is taken in this order, the first that gives a structure wins:

1. the editor's scene markers: ``SC 12``, ``Sc. 4A``, ``Scene 4``, ``SCENE 12 - KITCHEN`` or a slugline
   (``INT. KITCHEN - NIGHT``) in a marker's name or comment (a boundary a few frames off a cut is
   moved onto the cut);
2. scene numbers of the shots: the reader's ``scene`` (Avid's Scene column ...) or slate-style clip
   names (``12A-3``, ``SC012_TK03``, ``012_003``, ``S12_T3``, ``sc01_sh010``), never camera-roll names
   (``A001_C002``) or dates; boundaries then fall on cuts;
3. black: the picture coming back after a gap or slug, a fade in from black, a dip to black.

Scenes cover ``[0, duration)`` in order without overlap; when nothing is found the list is empty
and a note says so. Our own annotations (``Annotation.ours``) are never evidence.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .. import OUR_TOKEN
from ..model import Annotation, Scene, Shot, Transition
from .picture import is_black

_SCENE_WORD = r"(?:sc|scn|sc[eè]ne|szene|sz|escena|scena)(?:\.?\s*no\.?)?"
# 'SC 12', 'Sc. 4A', 'Scene 4', 'SCENE 12 - KITCHEN', 'SC#12', 'SC12'; group 1 the number, group 2 the rest.
_SCENE_HEAD = re.compile(rf"^\s*{_SCENE_WORD}(?:\s*[.:#-]\s*|\s*)0*(\d{{1,4}}[a-z]{{0,2}})(?![\w])(.*)$", re.IGNORECASE)
# 'INT. KITCHEN - NIGHT', 'EXT./INT. CAR', 'I/E HOUSE', '12 INT. KITCHEN', '12. EXT. ROAD'.
_SLUGLINE = re.compile(
    r"^\s*(?:(\d{1,4}[A-Z]{0,2})\.?\s+)?"
    r"((?P<prefix>INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|INTERIOR|EXTERIOR|INT|EXT|I\s*/\s*E|E\s*/\s*I)(?P<dot>\.?)\s*[-–—]?\s+\S.*)$",
    re.IGNORECASE,
)
_SEPARATED_TITLE = re.compile(r"^\s*(?:[-–—:|/,.]\s*)(\S.*)?$")

# Slate-style clip names; group 'sc' is the scene.
_CLIP_SCENE = [
    re.compile(r"^(?:sc|scn|scene|s)[ _.-]?0*(?P<sc>\d{1,4}[a-z]{0,2})[ _.-]*(?:tk|take|t)[ _.-]?\d{1,3}(?![\d])", re.I),
    re.compile(r"^sc[ _.-]?0*(?P<sc>\d{1,4}[a-z]{0,2})[ _.-]+(?:sh|shot)[ _.-]?\d{1,4}", re.I),
    re.compile(r"^0*(?P<sc>\d{1,4}[a-z]{0,2})\s*[-/]\s*\d{1,3}[a-z]{0,3}(?!\d|[-/.]\d)", re.I),
    re.compile(r"^(?P<sc>\d{3}[a-z]{0,2})_\d{3}(?![\d])", re.I),
    re.compile(r"^0*(?P<sc>\d{1,3}[a-z]{1,2})_\d{1,3}[a-z]?(?![\d])", re.I),
]
# Every pattern above starts with a digit (any Unicode digit: ``\d``) or an S (``re.I`` also takes the long
# s 'ſ'): other names need no matching, which spares five regexes per clip of a 100,000-event list.
_S_LETTERS = frozenset("sSſ")
# Digit runs that are dates (2023-03-15, 15.03.2023, 20230315 ...): never scene numbers.
_DATE = re.compile(r"^(?:19|20)\d{2}[-_.]?\d{2}[-_.]?\d{2}|^\d{1,2}[-_./]\d{1,2}[-_./](?:19|20)?\d{2}(?!\d)")


# The shortest stretch between two black breaks that counts as a section of its own, in seconds.
MIN_SECTION_S = 5.0


@dataclass(frozen=True)
class _Bound:
    frame: int
    label: str
    evidence: str


def scene_marker_label(text: str) -> str | None:
    """'SC 12' -> 'Scene 12'; 'SCENE 12 - KITCHEN' -> 'Scene 12 - KITCHEN'; a slugline -> itself; else None.

    Free text that merely mentions a scene ('Scene 4 needs more music') is not a scene marker: after
    the number there must be nothing, a separator, or an all-capitals title.
    """
    text = (text or "").strip().splitlines()[0].strip() if (text or "").strip() else ""
    if not text:
        return None
    m = _SCENE_HEAD.match(text)
    if m:
        number, rest = m.group(1).upper(), m.group(2).strip()
        if not rest:
            return f"Scene {number}"
        sep = _SEPARATED_TITLE.match(rest)
        if sep:
            title = (sep.group(1) or "").strip()
            return f"Scene {number} - {title}"[:80] if title else f"Scene {number}"
        if rest == rest.upper() and any(c.isalpha() for c in rest):
            return f"Scene {number} - {rest}"[:80]
        return None
    m = _SLUGLINE.match(text)
    # 'INT. kitchen' or 'INT KITCHEN', but not 'Ext 2 needs a fix'
    if m and (m.group("dot") or "/" in m.group("prefix") or text == text.upper()):
        slug = " ".join(m.group(2).split())[:80]
        return f"Scene {m.group(1).upper()} - {slug}" if m.group(1) else slug
    return None


def clip_scene_number(name: str) -> str | None:
    """Scene number in a slate-style clip name: '12A-3' -> '12', 'SC012_TK03' -> '12', else None.

    On a slate the letters after the scene number name the camera set-up ('12A', '12B' are set-ups
    of scene 12, take 3 is '-3'), so shots of one scene carry different letters; they are one scene.
    """
    text = (name or "").strip()
    if not text or not (text[0].isdigit() or text[0] in _S_LETTERS) or _DATE.match(text):
        return None
    for pattern in _CLIP_SCENE:
        m = pattern.match(text)
        if m:
            return str(int(re.match(r"\d+", m.group("sc")).group(0)))
    return None


def shot_scene(shot: Shot) -> str | None:
    """The scene a shot belongs to: the reader's scene metadata first, then its clip name."""
    if shot.kind not in ("clip", "nested"):
        return None
    if shot.scene.strip():
        # An Avid Scene column holds '12' or, slate style, '12A' (set-up A of scene 12): group by the number.
        m = re.match(r"\s*(\d+)", shot.scene)
        return str(int(m.group(1))) if m else shot.scene.strip().upper()
    return clip_scene_number(shot.name)


def find_scenes(
    shots: list[Shot],
    transitions: list[Transition],
    annotations: list[Annotation],
    duration: int,
    rate: float = 24.0,
) -> tuple[list[Scene], str]:
    """Scenes covering ``[0, duration)`` without overlap, and a note when no structure was found."""
    if duration <= 0 or not shots:
        return [], "no scene structure found (empty sequence)"
    cuts = [s.start_frame for s in shots[1:]]
    for finder in (_from_markers, _from_clip_scenes, _from_black):
        bounds = finder(shots, transitions, annotations, duration, rate, cuts)
        if bounds:
            return _scenes(bounds, shots, duration), ""
    return [], "no scene structure found (no scene markers, no scene numbers in clip names, no fades or black between shots)"


def _from_markers(shots, transitions, annotations, duration, rate, cuts) -> list[_Bound]:
    tolerance = max(1, int(round(rate / 2)))
    out: list[_Bound] = []
    for a in annotations:
        if a.ours or OUR_TOKEN in a.text or not 0 <= a.frame < duration:
            continue
        label = scene_marker_label(a.name) or (scene_marker_label(a.comment) if a.comment else None)
        if label is None:
            continue
        what = "clip note" if a.kind == "clip_note" else a.kind or "marker"
        shown = a.name if scene_marker_label(a.name) else a.comment
        frame, moved = _snap(a.frame, cuts, tolerance)
        note = f", moved {moved:+d} frame(s) onto the cut" if moved else ""
        out.append(_Bound(frame, label, f"scene {what} {shown.strip()[:60]!r}{note}"))
    out.sort(key=lambda b: b.frame)
    # The same scene marked twice in a row is one scene.
    merged: list[_Bound] = []
    for b in out:
        if merged and (merged[-1].label == b.label or merged[-1].frame == b.frame):
            continue
        merged.append(b)
    return merged


def _snap(frame: int, cuts: list[int], tolerance: int) -> tuple[int, int]:
    """``frame`` moved onto the nearest cut within ``tolerance`` frames, and by how much."""
    i = bisect.bisect_left(cuts, frame)
    best = None
    for j in (i - 1, i):
        if 0 <= j < len(cuts) and abs(cuts[j] - frame) <= tolerance:
            if best is None or abs(cuts[j] - frame) < abs(best - frame):
                best = cuts[j]
    if best is None:
        if frame <= tolerance:
            return 0, -frame
        return frame, 0
    return best, best - frame


def _from_clip_scenes(shots, transitions, annotations, duration, rate, cuts) -> list[_Bound]:
    numbered = [(s, shot_scene(s)) for s in shots if s.kind in ("clip", "nested")]
    with_number = [(s, n) for s, n in numbered if n]
    if len(with_number) < 2 or len(with_number) * 2 < len(numbered):
        return []
    runs: list[list] = []  # [scene, first shot, shots]
    for shot, number in with_number:
        if runs and runs[-1][0] == number:
            runs[-1][2] += 1
        else:
            runs.append([number, shot, 1])
    # A single-shot insert from another scene inside a scene (12, 40, 12) stays in that scene.
    smoothed: list[list] = []
    for i, run in enumerate(runs):
        if 0 < i < len(runs) - 1 and run[2] == 1 and runs[i - 1][0] == runs[i + 1][0] and smoothed:
            smoothed[-1][2] += 1
            continue
        if smoothed and smoothed[-1][0] == run[0]:
            smoothed[-1][2] += run[2]
            continue
        smoothed.append(list(run))
    source = "scene metadata" if any(s.scene for s, _ in with_number) else "clip names"
    return [
        _Bound(first.start_frame, f"Scene {number}", f"scene number in {source} (first shot {first.name!r}, {count} shot(s))")
        for number, first, count in smoothed
    ]


def _from_black(shots, transitions, annotations, duration, rate, cuts) -> list[_Bound]:
    min_black = max(1, int(round(rate / 2)))
    fade_edges = {t.cut_frame for t in transitions if t.kind in ("fade_in", "fade_out")}
    found: dict[int, str] = {}
    i = 0
    while i < len(shots):
        if not is_black(shots[i].kind):
            i += 1
            continue
        j = i
        while j + 1 < len(shots) and is_black(shots[j + 1].kind):
            j += 1
        start, end = shots[i].start_frame, shots[j].end_frame
        if start > 0 and end < duration:
            faded = start in fade_edges or end in fade_edges
            if faded or end - start >= min_black:
                what = "slug" if any(s.kind == "slug" for s in shots[i : j + 1]) else "gap"
                how = "fade to black" if start in fade_edges else "black"
                how += ", fade in" if end in fade_edges else ""
                found[end] = f"{how} ({what} of {end - start} frame(s)) before it"
        i = j + 1
    for t in transitions:
        if not 0 < t.cut_frame < duration:
            continue
        if t.kind == "dip" and t.end_frame - t.start_frame >= min_black:  # a quick flash is style, not a break
            found.setdefault(t.cut_frame, f"dip to colour {t.name!r} ({t.end_frame - t.start_frame} frames)")
        elif t.kind == "fade_in":
            found.setdefault(t.cut_frame, f"fade in {t.name!r}")
    # Black every few seconds (a trailer, a montage) is style: a section lasts at least MIN_SECTION_S.
    min_len = int(round(rate * MIN_SECTION_S))
    kept = [_Bound(0, "", "sequence start")]
    for frame, evidence in sorted(found.items()):
        if frame - kept[-1].frame >= min_len:
            kept.append(_Bound(frame, "", evidence))
    while len(kept) > 1 and duration - kept[-1].frame < min_len:
        kept.pop()
    if len(kept) < 2:
        return []
    return [_Bound(b.frame, f"Section {i}", b.evidence) for i, b in enumerate(kept, start=1)]


def _scenes(bounds: list[_Bound], shots: list[Shot], duration: int) -> list[Scene]:
    """Scenes from sorted boundaries, covering ``[0, duration)``; leading black joins the first scene."""
    by_frame: dict[int, _Bound] = {}
    for b in bounds:
        if 0 <= b.frame < duration:
            by_frame.setdefault(b.frame, b)
    ordered = sorted(by_frame.values(), key=lambda b: b.frame)
    if not ordered:
        return []
    first = ordered[0].frame
    if first > 0:
        lead = [s for s in shots if s.start_frame < first]
        if all(is_black(s.kind) for s in lead):
            b = ordered[0]
            ordered[0] = _Bound(0, b.label, b.evidence + "; black before it joined")
        else:
            ordered.insert(0, _Bound(0, "Opening", "before the first scene boundary"))
    out: list[Scene] = []
    for i, b in enumerate(ordered):
        end = ordered[i + 1].frame if i + 1 < len(ordered) else duration
        if end > b.frame:
            out.append(Scene(b.frame, end, b.label, b.evidence))
    return out
