"""The catalogue of a scanned temp-music library as people and programs read it (``scoreplan library``).

:func:`library_to_json` is the documented JSON of ``scoreplan library --json``; :func:`library_text` the table.
Both show a piece's intensity on the scale cues and the README use: 1 (barely there) .. 5 (full out), as the
piece's ``analysis`` states its estimate. A catalogue may give 0..1 (or 1-5, 1-10); inside, pieces keep 0..1 (a
1-5 value over 5), so the shown figure is five times that, and a 0..1 value below 0.2 shows as 1, the bottom of
the scale. None (JSON null, an empty column) is unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .catalogue import Piece
    from .scan import Library

LIBRARY_SCHEMA = "otio-scoreplan/library"
LIBRARY_VERSION = 3  # 2: each piece's "analysis" (summary), "beats_per_bar"; "sources" may say "analysis"
# 3: each piece's "intensity" on the cues' 1..5 scale (it was 0..1)


def intensity_scale(intensity: float | None) -> float | None:
    """A piece's 0..1 intensity on the 1..5 scale of cues and the README (two decimals); None stays None."""
    return None if intensity is None else round(max(1.0, min(5.0, 5.0 * intensity)), 2)


def piece_json(piece: Piece) -> dict[str, Any]:
    """One piece of ``library --json``: its plain data with the intensity on the 1..5 scale."""
    out = piece.to_json()
    out["intensity"] = intensity_scale(piece.intensity)
    return out


def library_to_json(lib: Library) -> dict[str, Any]:
    """The documented JSON of ``scoreplan library --json``."""
    return {
        "schema": LIBRARY_SCHEMA,
        "version": LIBRARY_VERSION,
        "folder": str(lib.folder.resolve()),
        "catalogue_file": lib.catalogue_file,
        "pieces": [piece_json(p) for p in lib.pieces],
        "skipped": [{"path": path, "reason": reason} for path, reason in lib.skipped],
    }


def _mmss(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 60}:{s % 60:02d}"


def library_text(lib: Library) -> str:
    """The catalogue as a table for people."""
    total = sum(p.duration_seconds for p in lib.pieces)
    lines = [
        f"{lib.folder}: {len(lib.pieces)} pieces, {_mmss(total)} in all"
        + (f", {len(lib.skipped)} skipped" if lib.skipped else "")
        + (f"; catalogue {lib.catalogue_file}" if lib.catalogue_file else "; no catalogue file (tags and file names)")
        + f"; {lib.cache_hits} from cache, {lib.probed} probed, {lib.analysed} analysed",
        "",
    ]
    rows = [("TITLE", "LENGTH", "FMT", "MOODS", "THEMES", "TEMPO", "INT 1-5", "ENDING", "FILE")]
    estimated = False
    for p in lib.pieces:
        mark = {k: "~" if p.sources.get(k) == "analysis" else "" for k in ("moods", "tempo", "intensity")}
        estimated = estimated or any(mark.values())
        rows.append((
            p.title, _mmss(p.duration_seconds), p.format, ", ".join(p.moods) + mark["moods"], ", ".join(p.themes),
            f"{p.tempo:g}{mark['tempo']}" if p.tempo else "",
            f"{intensity_scale(p.intensity):.1f}{mark['intensity']}" if p.intensity is not None else "",
            f"{p.analysis.ending.kind} {_mmss(p.analysis.ending.time)}" if p.analysis is not None else "", p.path,
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
    if estimated:
        lines.append("~ estimated from the audio (no catalogue entry, tag or file name says it)")
    for path, reason in lib.skipped:
        lines.append(f"skipped: {path}: {reason}")
    return "\n".join(lines) + "\n"

