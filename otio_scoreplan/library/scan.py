"""Scan a folder of temp music into a :class:`Library`: probe each file (cached), merge what is known.

A file that cannot be read is reported (a warning) and skipped, never fatal.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .cache import CACHE_NAME, ScanCache
from .catalogue import Piece, merge_fields, mood_word_map, name_fields, read_catalogue, tag_fields
from .files import library_files

if TYPE_CHECKING:
    from ..plan.rules import Rules

log = logging.getLogger(__name__)

# Audio files by suffix (the format a piece is listed with); ffmpeg decodes them all. Other files are named
# as skipped, except the library's own (catalogue, cache) and the text, pictures and documents a library
# folder commonly holds beside its music.
AUDIO_SUFFIXES = {".wav": "wav", ".wave": "wav", ".bwf": "wav", ".aif": "aiff", ".aiff": "aiff", ".aifc": "aiff",
                  ".flac": "flac", ".mp3": "mp3", ".mp2": "mp2", ".m4a": "m4a", ".mp4": "m4a", ".aac": "aac",
                  ".ogg": "ogg", ".oga": "ogg", ".opus": "opus", ".spx": "speex", ".wma": "wma", ".ac3": "ac3",
                  ".caf": "caf", ".wv": "wavpack", ".ape": "ape", ".mka": "mka", ".au": "au", ".webm": "webm"}
QUIET_SUFFIXES = {".toml", ".csv", ".json", ".txt", ".md", ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".nfo", ".cue",
                  ".log", ".m3u", ".m3u8", ".pls", ".db", ".ini", ".xml", ".html", ".sfk", ".pkf", ".asd", ".reapeaks"}
ANALYSIS_VERSION = 2  # bump when the analysis changes: cached analyses of another version are redone


@dataclass
class Library:
    """The pieces of a temp-music folder, and the files that were skipped."""

    folder: Path
    pieces: list[Piece] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (relative path, reason)
    catalogue_file: str = ""
    cache_hits: int = 0
    probed: int = 0
    analysed: int = 0  # pieces listened to in this scan (the rest came from the cache)

    def by_path(self, path: str) -> Piece | None:
        """The piece at ``path`` (relative to the folder, or absolute), or None."""
        rel = self.relative(path)
        return next((p for p in self.pieces if p.path == rel), None)

    def relative(self, path: str) -> str:
        """``path`` relative to the folder when it lies inside it (absolute, or relative to the folder)."""
        p = Path(path)
        full = p if p.is_absolute() else self.folder / p
        try:
            return full.resolve().relative_to(self.folder.resolve()).as_posix()
        except ValueError:
            return p.as_posix()

    def absolute(self, piece_or_path: Piece | str) -> Path:
        rel = piece_or_path.path if isinstance(piece_or_path, Piece) else piece_or_path
        return self.folder / rel


def mood_table_key(rules: Rules | None = None) -> str:
    """A digest of what the scan reads by the rules' mood table (the shipped rules when None): the mood words
    (tags, file names, catalogue entries) and each mood's intensity (the analysis's mood hints). The scan cache
    keeps tag moods and hints, so it is kept for one such table."""
    from .analysis import rules_mood_table

    table = {"words": mood_word_map(rules), "levels": rules_mood_table(rules)}
    return hashlib.sha256(json.dumps(table, sort_keys=True).encode()).hexdigest()[:16]


def _probe_mutagen(path: Path, rules: Rules | None = None) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(audio facts, tag fields) from mutagen, or None when mutagen cannot time the file."""
    import mutagen

    try:
        audio = mutagen.File(path)
    except Exception as exc:  # mutagen raises many unrelated types for damaged files
        log.debug("%s: mutagen: %s", path, exc)
        return None
    info = getattr(audio, "info", None)
    length = float(getattr(info, "length", 0) or 0)
    if audio is None or length <= 0:
        return None
    facts = {"duration_seconds": length, "sample_rate": int(getattr(info, "sample_rate", 0) or 0),
             "channels": int(getattr(info, "channels", 0) or 0)}
    return facts, tag_fields(audio, rules)


def probe(path: Path, rules: Rules | None = None) -> dict[str, Any]:
    """What the audio file itself says: duration, rate, channels, tags (mood words by ``rules``' mood table).
    Raises ``ValueError`` if unreadable.

    mutagen reads headers only; when it cannot time the file, ffmpeg decodes it to count samples, so a
    file is kept exactly when it can be decoded.
    """
    from ..audio.decode import DecodeError, count_frames

    found = _probe_mutagen(path, rules)
    if found is not None:
        facts, tags = found
    else:
        try:
            frames = count_frames(path)
        except DecodeError as exc:
            raise ValueError(exc.message) from None
        facts, tags = {"duration_seconds": frames / 48000.0, "sample_rate": 0, "channels": 0}, {}
    return {"audio": facts, "tags": tags}


def _listen(path: Path, found: dict[str, Any], beats_per_bar: int | None,
            rules: Rules | None = None) -> tuple[Any, bool]:
    """(the piece's analysis, whether it is new): from ``found["analysis"]`` (the cache) when it is of this
    version and metre, else analysed now (mood hints from ``rules``' mood table) and stored there. None when the
    audio cannot be analysed (a warning)."""
    from ..audio.decode import DecodeError
    from .analysis import PieceAnalysis, analyse_piece, rules_mood_table

    kept = found.get("analysis")
    if isinstance(kept, dict) and kept.get("version") == ANALYSIS_VERSION and kept.get("metre") == beats_per_bar:
        try:
            return PieceAnalysis.from_dict(kept["result"]), False
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.warning("%s: cached analysis unusable, analysed again (%s)", path, exc)
    try:
        analysis = analyse_piece(path, beats_per_bar, rules_mood_table(rules))
    except DecodeError as exc:
        log.warning("%s: not analysed: %s", path, exc.message)
        return None, False
    found["analysis"] = {"version": ANALYSIS_VERSION, "metre": beats_per_bar, "result": analysis.to_dict()}
    return analysis, True


def with_analysis(piece: Piece, analysis: Any) -> Piece:
    """Attach ``analysis`` to ``piece`` and fill what no person said: intensity (unless the catalogue or tags
    give one, or the catalogue's moods imply one), moods, tempo and metre, each marked as from ``analysis``."""
    piece.analysis = analysis
    said_moods = piece.sources.get("moods") == "catalogue"  # a tag's mood words are often its genre ("Romantic")
    if piece.intensity is None or (piece.sources.get("intensity") == "moods" and not said_moods):
        piece.intensity = round(analysis.intensity / 5.0, 3)
        piece.sources["intensity"] = "analysis"
    if not piece.moods and analysis.mood_hints:
        piece.moods = list(analysis.mood_hints)
        piece.sources["moods"] = "analysis"
    if piece.tempo is None and analysis.tempo > 0:
        piece.tempo = analysis.tempo
        piece.sources["tempo"] = "analysis"
    if piece.beats_per_bar is None and analysis.beats:
        piece.beats_per_bar = analysis.beats_per_bar
        piece.sources["beats_per_bar"] = "analysis"
    return piece


def scan(folder: str | os.PathLike, *, use_cache: bool = True, listen: bool = True,
         rules: Rules | None = None) -> Library:
    """Scan ``folder`` (recursively) for audio files (:data:`AUDIO_SUFFIXES`: WAV, AIFF, FLAC, MP3, M4A, Ogg, Opus ...).

    With ``listen`` each piece is analysed once (cached with its probe): beats, bars, sections, ending,
    and an estimated intensity and mood hints for a piece whose catalogue, tags and name give none.

    Mood words in the catalogue, tags and file names, and the mood hints, are those of ``rules``' mood table
    (the run's ``--rules``, so a user's moods and words count; the shipped rules when None). The scan cache is
    kept for one mood table: a scan by another probes and listens again.

    Raises :class:`InputError` when the folder does not exist or its catalogue file is malformed.
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError("temp-music library folder not found", root)
    catalogue = read_catalogue(root, rules)
    lib = Library(folder=root, catalogue_file=next((n for n in ("library.toml", "library.csv") if (root / n).is_file()), ""))
    moods = mood_table_key(rules)
    cache = ScanCache(root, moods, unkeyed_ours=moods == mood_table_key()) if use_cache else None
    files, odd = library_files(root, AUDIO_SUFFIXES)  # a FIFO, a device, a broken link: named, never opened
    lib.skipped.extend(odd)
    for path in files:
        if path.suffix.lower() not in AUDIO_SUFFIXES:
            if path.suffix.lower() not in QUIET_SUFFIXES:
                lib.skipped.append((path.relative_to(root).as_posix(),
                                    f"not an audio file scoreplan reads (suffix {path.suffix or 'none'!r})"))
            continue
        rel = path.relative_to(root).as_posix()
        stat = path.stat()
        found = cache.get(rel, stat) if cache else None
        if found is None:
            lib.probed += 1
            try:
                found = probe(path, rules)
            except ValueError as exc:
                found = {"broken": str(exc)}
            if cache:
                cache.put(rel, stat, found)
        else:
            lib.cache_hits += 1
        if "broken" in found:
            log.warning("%s: skipped, cannot read the audio (%s)", path, found["broken"])
            lib.skipped.append((rel, found["broken"]))
            continue
        audio = found["audio"]
        piece = Piece(path=rel, format=AUDIO_SUFFIXES[path.suffix.lower()], **audio)
        layers = [("catalogue", catalogue.get(rel.lower(), {})), ("tags", found["tags"]),
                  ("file name", name_fields(rel, rules))]
        piece = merge_fields(piece, layers, rules)
        if listen:
            analysis, fresh = _listen(path, found, piece.beats_per_bar, rules)
            if fresh:
                lib.analysed += 1
                if cache:
                    cache.put(rel, stat, found)
            if analysis is not None:
                with_analysis(piece, analysis)
        lib.pieces.append(piece)
    listed = set(catalogue) - {p.path.lower() for p in lib.pieces} - {s[0].lower() for s in lib.skipped}
    for rel in sorted(listed):
        log.warning("%s: the catalogue lists %s, which is not in the folder", root / (lib.catalogue_file or CACHE_NAME), rel)
    if cache:
        cache.save()
    return lib
