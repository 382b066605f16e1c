"""Scenes: shots grouped by scene markers, scene numbers in clip names, or fades to black and gaps."""

from __future__ import annotations

import re

from ..model import Annotation, Scene, Shot, Transition

SCENE_MARKER = re.compile(r"^\s*(?:sc(?:ene)?\.?\s*#?\s*(\d+[a-z]?)\b|((?:int|ext|i/e|int\./ext)\.?\s.+))", re.IGNORECASE)
CLIP_SCENE = re.compile(r"^(?:sc)?0*(\d{1,4}[a-z]?)(?:[-_ ](?:tk)?\d+|_tk\d+)", re.IGNORECASE)


def scene_marker_label(text: str) -> str | None:
    """'SC 12', 'Scene 4', 'INT. KITCHEN - NIGHT' -> a label, else None."""
    m = SCENE_MARKER.match(text or "")
    if not m:
        return None
    return f"Scene {m.group(1).upper()}" if m.group(1) else m.group(2).strip()


def clip_scene_number(name: str) -> str | None:
    """Scene number in a clip name: '12A-3' -> '12A', 'SC012_TK03' -> '12'."""
    m = CLIP_SCENE.match((name or "").strip())
    return m.group(1).upper() if m else None


def find_scenes(
    shots: list[Shot], transitions: list[Transition], annotations: list[Annotation], duration: int
) -> tuple[list[Scene], str]:
    """Scenes covering the shots without overlap, and a note when no structure was found."""
    if duration <= 0 or not shots:
        return [], "no scene structure found (empty sequence)"
    markers = sorted(
        (a.frame, label, a.name)
        for a in annotations
        if not a.ours and 0 <= a.frame < duration and (label := scene_marker_label(a.name)) is not None
    )
    if markers:
        return _from_boundaries([(f, lbl, f"scene marker {name!r}") for f, lbl, name in markers], duration), ""
    numbered = [(s, clip_scene_number(s.name)) for s in shots if s.kind == "clip"]
    if sum(1 for _, n in numbered if n) >= max(2, len(numbered) // 2):
        bounds = []
        current = None
        for shot, number in numbered:
            if number and number != current:
                bounds.append((shot.start_frame, f"Scene {number}", f"scene number in clip name {shot.name!r}"))
                current = number
        return _from_boundaries(bounds, duration), ""
    breaks = [(t.end_frame, "fade in") for t in transitions if t.kind == "fade_in"]
    breaks += [(s.end_frame, "gap") for s in shots if s.kind in ("gap", "slug") and s.end_frame < duration]
    breaks += [(t.end_frame, "fade to black") for t in transitions if t.kind == "fade_out" and t.end_frame < duration]
    if breaks:
        bounds = [(0, "", "sequence start")] + sorted(set(breaks))
        bounds = [(f, f"Scene {i}", ev) for i, (f, *rest) in enumerate(bounds, start=1) for ev in [rest[-1]]]
        return _from_boundaries(bounds, duration), ""
    return [], "no scene structure found (no scene markers, no scene numbers in clip names, no fades or gaps)"


def _from_boundaries(bounds: list[tuple[int, str, str]], duration: int) -> list[Scene]:
    bounds = sorted({b[0]: b for b in bounds}.values())
    if bounds[0][0] > 0:
        bounds.insert(0, (0, "Opening", "before the first scene boundary"))
    out = []
    for i, (start, label, evidence) in enumerate(bounds):
        end = bounds[i + 1][0] if i + 1 < len(bounds) else duration
        if end > start:
            out.append(Scene(start, end, label, evidence))
    return out
