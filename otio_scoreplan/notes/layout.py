"""The picture of the cue layout over the film, as plain shapes, and its SVG.

One strip per input (reel file), stacked, an input longer than 25 minutes in rows of 20: a timecode ruler, the scenes, the cut density (cuts per
stretch of film: dense cutting reads as pace), the cue bars coloured by their first mood (overlapping
cues, e.g. a segue's crossfade, take a second lane), hit ticks, and reel boundaries. The shapes are in
abstract units (1 unit = 1 CSS pixel in the SVG); the PDF draws the very same shapes scaled to the page.
"""

from __future__ import annotations

import html
import zlib
from dataclasses import dataclass
from typing import Any

from ..timecode import nominal_fps
from .sheet import Sheet

MOOD_COLORS: dict[str, str] = {
    "tension": "#c0392b", "horror": "#7b1f1f", "action": "#e67e22", "mystery": "#6c3483",
    "sad": "#2e5e8c", "emotional": "#3d7ebf", "romantic": "#d35d8a", "intimate": "#b07aa1",
    "heroic": "#c9a227", "hopeful": "#5aa55a", "wonder": "#2aa198", "comedy": "#e5c100",
    "underscore": "#8a8f98",
}
FALLBACK_COLORS = ("#4e79a7", "#59a14f", "#9c755f", "#76b7b2", "#af7aa1", "#ff9da7", "#edc948", "#bab0ac")
NO_MOOD = "#8a8f98"
HIT_COLOR = "#111111"
REEL_COLOR = "#1a5fb4"


def mood_color(mood: str) -> str:
    """The colour of a mood: a fixed colour for the rules' moods, a stable one (crc32) for other words."""
    if not mood:
        return NO_MOOD
    key = mood.strip().lower()
    return MOOD_COLORS.get(key) or FALLBACK_COLORS[zlib.crc32(key.encode("utf-8")) % len(FALLBACK_COLORS)]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str = ""
    title: str = ""  # tooltip in the SVG


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    width: float = 1.0
    dash: bool = False


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float = 10.0
    fill: str = "#222222"
    anchor: str = "start"  # start | middle | end
    bold: bool = False


Shape = Rect | Line | Text


@dataclass(frozen=True)
class Picture:
    width: float
    height: float
    shapes: tuple[Shape, ...]
    breaks: tuple[float, ...] = ()  # y of each row's top (and the legend's): where a page may break


LEFT = 70.0  # room for the band labels
STRIP_GAP = 18.0
BANDS = (("ruler", 16.0), ("scenes", 22.0), ("cuts", 26.0), ("cues", 44.0))
ROW_MINUTES = 20  # a longer input is drawn in rows of this many minutes


def _widths(bold: bool) -> dict[str, int]:
    """Helvetica's advance widths (per 1000 em), as fpdf2 ships them: the face the PDF draws and the SVG asks for."""
    try:
        from fpdf.fonts import CORE_FONTS_CHARWIDTHS
    except ImportError:  # pragma: no cover - fpdf2 is a dependency; an estimate of 0.6 em a letter then
        return {}
    return CORE_FONTS_CHARWIDTHS["helveticaB" if bold else "helvetica"]


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A text's width in Helvetica at ``size`` (a character outside Latin-1 counts as a wide letter)."""
    widths = _widths(bold)
    return sum(widths.get(ch, 600) for ch in text) * size / 1000.0


def fit_text(text: str, width: float, size: float, bold: bool = False) -> str:
    """``text`` shortened with an ellipsis to fit ``width``; '' when not even three letters and the ellipsis fit."""
    if text_width(text, size, bold) <= width:
        return text
    n = len(text)
    while n >= 3 and text_width(text[:n].rstrip() + "...", size, bold) > width:
        n -= 1
    return text[:n].rstrip() + "..." if n >= 3 else ""


def _free(box: tuple[float, float], taken: list[tuple[float, float]], gap: float = 4.0) -> bool:
    """True when the span ``box`` (x0, x1) keeps ``gap`` from every span already laid in ``taken``."""
    return all(box[1] + gap <= t[0] or box[0] >= t[1] + gap for t in taken)


def _box(x: float, width: float, anchor: str) -> tuple[float, float]:
    start = x - (width if anchor == "end" else width / 2 if anchor == "middle" else 0)
    return start, start + width


@dataclass(frozen=True)
class _Window:
    """The stretch ``[lo, hi)`` of an input drawn on one row, and where its frames land."""

    lo: int
    hi: int
    x0: float
    span: float

    @property
    def scale(self) -> float:
        return self.span / max(self.hi - self.lo, 1)

    def x(self, frame: int) -> float:
        return self.x0 + (min(max(frame, self.lo), self.hi) - self.lo) * self.scale

    def shows(self, start: int, end: int) -> bool:
        return start < self.hi and end > self.lo


RULER_SIZE = 7.5
RULER_STEPS = (1, 2, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400)


def _ruler(shapes: list[Shape], w: _Window, y: float, h: float, seq: Any) -> None:
    """Ticks at round timecode and their labels: a step whose labels have room (at most 12 to a row), and a
    label that would still touch the one before (the row's last, anchored at its end) left out, tick kept."""
    fps = nominal_fps(seq.rate)
    seconds = (w.hi - w.lo) / seq.rate
    label_w = text_width(seq.timecode(w.hi), RULER_SIZE) + 8
    room = lambda s: s * fps * w.scale >= label_w  # noqa: E731
    step_s = next((s for s in RULER_STEPS if seconds / s <= 12 and room(s)), RULER_STEPS[-1])
    shapes.append(Line(w.x0, y + h, w.x0 + w.span, y + h, "#555555", 0.8))
    taken: list[tuple[float, float]] = []
    frame = w.lo
    while frame <= w.hi:
        x = w.x(frame)
        shapes.append(Line(x, y + h - 4, x, y + h, "#555555", 0.8))
        label = seq.timecode(frame)
        anchor = "start" if frame == w.lo else "end" if (w.hi - frame) * w.scale < 30 else "middle"
        box = _box(x, text_width(label, RULER_SIZE), anchor)
        if _free(box, taken):
            taken.append(box)
            shapes.append(Text(x, y + h - 6, label, RULER_SIZE, "#444444", anchor))
        frame += step_s * fps


def _windows(total: int, rate: float, span: float) -> list[_Window]:
    """One row for up to ROW_MINUTES (plus a little), else rows of ROW_MINUTES each, so a feature stays legible."""
    row = ROW_MINUTES * 60 * nominal_fps(rate)  # timecode minutes, so the ruler's marks fall on round timecode
    if total <= row * 1.25:
        return [_Window(0, total, LEFT, span)]
    return [_Window(lo, min(lo + row, total), LEFT, span * min(row, total - lo) / row) for lo in range(0, total, row)]


def _strip(sheet: Sheet, index: int, w: _Window, title: str, y: float) -> tuple[list[Shape], float]:
    """The shapes of one row of an input, starting at ``y``; returns them and the row's height."""
    seq = sheet.plan.sequences[index]
    analysis = sheet.plan.analyses[index] if index < len(sheet.plan.analyses) else {}
    shapes: list[Shape] = []
    top = y
    shapes.append(Text(0, y + 10, title, 10, "#111111", bold=True))
    y += 16
    bands: dict[str, tuple[float, float]] = {}
    for name, h in BANDS:
        bands[name] = (y, h)
        if name != "ruler":
            shapes.append(Text(LEFT - 6, y + h / 2 + 3, name, 8, "#555555", "end"))
            shapes.append(Rect(w.x0, y, w.span, h, "#f4f4f4"))
        y += h + 4
    _ruler(shapes, w, *bands["ruler"], seq)
    sy, sh = bands["scenes"]
    for n, scene in enumerate(analysis.get("scenes", [])):
        start, end = int(scene["start_frame"]), int(scene["end_frame"])
        if not w.shows(start, end):
            continue
        sx, ex = w.x(start), w.x(end)
        label = str(scene.get("label", ""))
        shapes.append(Rect(sx, sy, max(ex - sx, 0.5), sh, "#d9dde3" if n % 2 == 0 else "#c3c9d1", "#ffffff", label))
        shapes.append(Text(sx + 2, sy + sh / 2 + 3, fit_text(label, ex - sx - 4, 7.5), 7.5, "#222222"))
    _cut_density(shapes, analysis.get("cuts", []), w, seq.rate, *bands["cuts"])
    _cues(shapes, sheet, index, w, *bands["cues"])
    reels = analysis.get("reels", [])
    one_file = len(sheet.plan.sequences) == 1  # else each input is one reel of the plan, numbered by the plan
    reel_labels: list[tuple[float, float]] = []
    for n, reel in enumerate(reels if one_file else reels[:1]):
        start = int(reel["start_frame"])
        if not w.lo <= start < w.hi:
            continue
        rx = w.x(start)
        number = reel.get("number", n + 1) if one_file else sheet.input_reel(index)
        shapes.append(Line(rx, top + 14, rx, y - 4, REEL_COLOR, 1.2, dash=True))
        box = (rx + 2, rx + 2 + text_width(f"R{number}", 8, True))
        if _free(box, reel_labels):
            reel_labels.append(box)
            shapes.append(Text(rx + 2, y + 5, f"R{number}", 8, REEL_COLOR, bold=True))
    y += 8
    return shapes, y - top


def _cut_density(shapes: list[Shape], cuts: list[Any], w: _Window, rate: float, y: float, h: float) -> None:
    """Cuts per bin (about 1/60 of the row, never under 5 seconds), as bars; the busiest bin fills the band."""
    length = w.hi - w.lo
    inside = [int(c) - w.lo for c in cuts if w.lo <= int(c) < w.hi]
    if not inside or length <= 0:
        return
    bins = max(1, min(60, int(length / rate / 5)))
    counts = [0] * bins
    for frame in inside:
        counts[min(bins - 1, frame * bins // length)] += 1
    peak = max(counts)
    for b, n in enumerate(counts):
        if n:
            bh = h * n / peak
            shapes.append(Rect(w.x0 + b * length / bins * w.scale, y + h - bh, length / bins * w.scale, bh,
                               "#7f8c8d", "", f"{n} cuts"))


def _cues(shapes: list[Shape], sheet: Sheet, index: int, w: _Window, y: float, h: float) -> None:
    lane_h = h / 2
    lane_end = [-1, -1]
    for cue in (c for c in sheet.cues if c.input == index):
        lane = 0 if cue.start_frame >= lane_end[0] else 1
        lane_end[lane] = max(lane_end[lane], cue.end_frame)
        if not w.shows(cue.start_frame, cue.end_frame):
            continue
        cx = w.x(cue.start_frame)
        cw = max(w.x(cue.end_frame) - cx, 1.0)
        cy = y + lane * lane_h
        seq = sheet.sequence(cue)
        tip = f"{cue.id} {seq.timecode(cue.start_frame)}-{seq.timecode(cue.end_frame)} {', '.join(cue.moods)}"
        shapes.append(Rect(cx, cy + 1, cw, lane_h - 2, mood_color(cue.moods[0] if cue.moods else ""), "#333333", tip))
        shapes.append(Text(cx + 2, cy + lane_h / 2 + 3, fit_text(cue.id, cw - 4, 8, True), 8, "#ffffff", bold=True))
        for hit in cue.hits:
            if w.lo <= hit.frame < w.hi:
                hx = w.x(hit.frame)
                shapes.append(Line(hx, cy - 2, hx, cy + lane_h + 1, HIT_COLOR, 1.4))


def _legend(sheet: Sheet, y: float, width: float) -> tuple[list[Shape], float]:
    moods: list[str] = []
    for cue in sheet.cues:
        m = cue.moods[0] if cue.moods else ""
        if m not in moods:
            moods.append(m)
    shapes: list[Shape] = []
    x = LEFT
    for m in moods + ["hit", "reel"]:
        label = m or "no mood"
        w = 14 + text_width(label, 8) + 12
        if x + w > width:
            x, y = LEFT, y + 14
        if m == "hit":
            shapes.append(Line(x + 4, y, x + 4, y + 10, HIT_COLOR, 1.4))
        elif m == "reel":
            shapes.append(Line(x + 4, y, x + 4, y + 10, REEL_COLOR, 1.2, dash=True))
        else:
            shapes.append(Rect(x, y, 10, 10, mood_color(m), "#333333"))
        shapes.append(Text(x + 14, y + 8.5, label, 8, "#333333"))
        x += w
    return shapes, y + 16


def cue_layout(sheet: Sheet, width: float = 1000.0) -> Picture:
    """The picture of the sheet's cues over its inputs (one strip per input, a long one in rows), in abstract units."""
    shapes: list[Shape] = []
    breaks: list[float] = []
    y = 0.0
    for index in sheet.inputs:
        seq = sheet.plan.sequences[index]
        total = max(seq.duration_frames, max((c.end_frame for c in sheet.cues if c.input == index), default=1), 1)
        windows = _windows(total, seq.rate, width - LEFT - 10)
        for k, w in enumerate(windows):
            title = seq.name if len(windows) == 1 else f"{seq.name} ({k + 1}/{len(windows)})"
            breaks.append(y)
            strip, h = _strip(sheet, index, w, title, y)
            shapes += strip
            y += h + STRIP_GAP
    breaks.append(y)
    legend, y = _legend(sheet, y, width)
    shapes += legend
    return Picture(width, y + 2, tuple(shapes), tuple(breaks))


def shape_top(shape: Shape) -> float:
    """The y a shape belongs by (for cutting a picture into rows): a text's baseline, else its top."""
    if isinstance(shape, Line):
        return min(shape.y1, shape.y2)
    return shape.y


def _f(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def render_svg(picture: Picture) -> str:
    """The picture as an inline SVG element (no external references)."""
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="layout" viewBox="0 0 {_f(picture.width)} {_f(picture.height)}" '
           f'width="{_f(picture.width)}" height="{_f(picture.height)}" role="img" aria-label="cue layout" '
           'font-family="Helvetica, Arial, sans-serif">']
    for s in picture.shapes:
        if isinstance(s, Rect):
            stroke = f' stroke="{s.stroke}" stroke-width="0.5"' if s.stroke else ""
            title = f"<title>{html.escape(s.title)}</title>" if s.title else ""
            out.append(f'<rect x="{_f(s.x)}" y="{_f(s.y)}" width="{_f(s.w)}" height="{_f(s.h)}" fill="{s.fill}"{stroke}>{title}</rect>'
                       if title else f'<rect x="{_f(s.x)}" y="{_f(s.y)}" width="{_f(s.w)}" height="{_f(s.h)}" fill="{s.fill}"{stroke}/>')
        elif isinstance(s, Line):
            dash = ' stroke-dasharray="3 2"' if s.dash else ""
            out.append(f'<line x1="{_f(s.x1)}" y1="{_f(s.y1)}" x2="{_f(s.x2)}" y2="{_f(s.y2)}" stroke="{s.stroke}" '
                       f'stroke-width="{_f(s.width)}"{dash}/>')
        elif s.text:
            weight = ' font-weight="bold"' if s.bold else ""
            out.append(f'<text x="{_f(s.x)}" y="{_f(s.y)}" font-size="{_f(s.size)}" fill="{s.fill}" '
                       f'text-anchor="{s.anchor}"{weight}>{html.escape(s.text)}</text>')
    out.append("</svg>")
    return "\n".join(out)
