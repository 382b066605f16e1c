"""Scan a folder of temp music into a :class:`Library`: probe each file (cached), merge what is known.

A file that cannot be read is reported (a warning) and skipped, never fatal; so is a piece longer than
:data:`MAX_PIECE_SECONDS` (timed from its header, never decoded whole) and, when listened to, a silent one
(:data:`SILENT_PEAK_DBFS`). Each is named among the skipped files with the reason.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..infile import not_a_folder
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
ANALYSIS_VERSION = 3  # bump when the analysis changes: cached analyses of another version are redone
# 3: the piece's peak level is kept with its analysis (a silent piece is skipped)

# A piece longer than this is neither listened to nor listed: it is named among the skipped with its length.
# Listening decodes the whole piece into memory (mono at the analysis rate, then librosa's features over it):
# about 1.7 GB at its peak for 30 minutes, and a 4 GB WAV (5 h 47 min) drove a scan to 12.9 GB. A temp piece
# is minutes long (production music 2-5 min, a long concert movement 20-odd); a file of hours is a session
# bounce or a whole album, not a piece to lay under a cue. Its length comes from its header (mutagen, the WAV
# chunks) or from decoding no further than this.
MAX_PIECE_SECONDS = 30 * 60
# A piece whose loudest sample (of the mono mix that is analysed) is below this is silence, not music: digital
# zero, an empty bounce, a dither floor (16-bit dither peaks near -84 dBFS). Skipped with its level instead of
# being chosen as temp that plays nothing. Music mastered for a library peaks far above it (about -1 to -20 dBFS).
SILENT_PEAK_DBFS = -60.0
_COUNT_RATE = 48000  # probe durations counted by decoding are in frames at this rate


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
        # as written first: a piece in a linked folder (strings -> /shared/strings) is listed by the link's path
        for inside, base in ((Path(os.path.normpath(full.absolute())), Path(os.path.normpath(self.folder.absolute()))),
                             (full.resolve(), self.folder.resolve())):
            try:
                return inside.relative_to(base).as_posix()
            except ValueError:
                continue
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
    found = _probe_mutagen(path, rules)
    if found is not None:
        facts, tags = found
    else:
        facts, tags = _wav_header_facts(path) or {"duration_seconds": _counted_seconds(path), "sample_rate": 0,
                                                  "channels": 0}, {}
    return {"audio": facts, "tags": tags}


def _wav_header_facts(path: Path) -> dict[str, Any] | None:
    """Duration, rate and channels of a RIFF/WAVE file from its ``fmt `` and ``data`` chunks (the data no longer
    than the file holds), or None when it is none or they do not say."""
    from ..riff import wave_chunks

    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            fmt = None
            for cid, n, at in wave_chunks(fh):
                if cid == b"fmt ":
                    body = fh.read(16)
                    if len(body) < 16:
                        return None
                    _tag, channels, rate, _bps, align, _bits = struct.unpack("<HHIIHH", body)
                    fmt = (channels, rate, align)
                elif cid == b"data" and fmt is not None:
                    channels, rate, align = fmt
                    if not (channels and rate and align):
                        return None
                    frames = max(0, min(n, size - at)) // align
                    return {"duration_seconds": frames / rate, "sample_rate": rate, "channels": channels} if frames else None
    except OSError:
        return None
    return None


def _counted_seconds(path: Path) -> float:
    """The length of ``path`` by decoding it (ffmpeg, mono, in blocks: nothing kept), stopping a little past
    :data:`MAX_PIECE_SECONDS` (so a file of hours is not decoded whole; its length then only says "longer").
    Raises ``ValueError`` when nothing can be decoded."""
    from ..audio.decode import ffmpeg_exe

    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:a:0", "-vn",
           "-f", "f32le", "-acodec", "pcm_f32le", "-ac", "1", "-ar", str(_COUNT_RATE), "pipe:1"]
    limit = (MAX_PIECE_SECONDS + 1) * _COUNT_RATE * 4
    block = bytearray(1 << 18)
    got = 0
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        while got < limit:
            n = proc.stdout.readinto(memoryview(block)[: min(len(block), limit - got)])
            if not n:
                break
            got += n
        stopped = got >= limit
        if stopped:
            proc.kill()
        _, err = proc.communicate()
    if not stopped and proc.returncode != 0:
        message = " ".join(err.decode(errors="replace").split())[:300] or f"ffmpeg exit {proc.returncode}"
        raise ValueError(f"cannot decode audio: {message}")
    if got < 4:
        raise ValueError("no audio decoded (empty or not an audio file)")
    return got // 4 / _COUNT_RATE


def _hours(seconds: float) -> str:
    """A length for people: ``5 h 47 min``, ``31 min``, ``40 s``."""
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min" if minutes else f"{seconds:g} s"


def too_long(seconds: float) -> str:
    """Why a piece of ``seconds`` is skipped, or "" when it is not longer than :data:`MAX_PIECE_SECONDS`. A length
    counted by decoding stops a second past the limit (:func:`_counted_seconds`): it only says "more than"."""
    if seconds <= MAX_PIECE_SECONDS:
        return ""
    length = _hours(seconds) if seconds > MAX_PIECE_SECONDS + 1 else f"more than {_hours(MAX_PIECE_SECONDS)}"
    return (f"{length} long: a temp piece lasts at most {_hours(MAX_PIECE_SECONDS)} (a longer one is not listened to: "
            "its analysis would take gigabytes of memory); not listed")


def silent(peak_dbfs: float) -> str:
    """Why a piece whose loudest sample is ``peak_dbfs`` is skipped, or "" when it is louder than silence."""
    if peak_dbfs >= SILENT_PEAK_DBFS:
        return ""
    if peak_dbfs <= -200:
        return "silent (digital zero throughout); not music to lay under a cue"
    return (f"silent (its mono mix peaks at {peak_dbfs:.1f} dBFS, below the {SILENT_PEAK_DBFS:g} dBFS of silence); "
            "not music to lay under a cue")


def _listen(path: Path, found: dict[str, Any], beats_per_bar: int | None,
            rules: Rules | None = None) -> tuple[Any, bool, str]:
    """(the piece's analysis, whether it is new, why it is silent or ""): from ``found["analysis"]`` (the cache)
    when it is of this version and metre, else analysed now (mood hints from ``rules``' mood table) and stored
    there with the piece's peak level. A silent piece (:data:`SILENT_PEAK_DBFS`) is not analysed. The analysis is
    None when the audio cannot be analysed (a warning) or is silent."""
    import numpy as np

    from ..audio.decode import DecodeError, decode
    from .analysis import ANALYSIS_RATE, PieceAnalysis, analyse_audio, rules_mood_table

    kept = found.get("analysis")
    if isinstance(kept, dict) and kept.get("version") == ANALYSIS_VERSION and kept.get("metre") == beats_per_bar:
        try:
            quiet = silent(float(kept["peak_dbfs"]))
            return (None if quiet else PieceAnalysis.from_dict(kept["result"])), False, quiet
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.warning("%s: cached analysis unusable, analysed again (%s)", path, exc)
    try:
        samples = decode(path, sample_rate=ANALYSIS_RATE, channels=1)[:, 0]  # as analysis.analyse_piece decodes
        peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
        peak_dbfs = round(max(-200.0, 20 * math.log10(peak)), 2) if peak > 0 else -200.0
        quiet = silent(peak_dbfs)
        analysis = None if quiet else analyse_audio(samples, ANALYSIS_RATE, beats_per_bar, rules_mood_table(rules))
    except DecodeError as exc:
        log.warning("%s: not analysed: %s", path, exc.message)
        return None, False, ""
    found["analysis"] = {"version": ANALYSIS_VERSION, "metre": beats_per_bar, "peak_dbfs": peak_dbfs,
                         "result": None if analysis is None else analysis.to_dict()}
    return analysis, True, quiet


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
    and an estimated intensity and mood hints for a piece whose catalogue, tags and name give none; a silent one
    is skipped (without ``listen`` nothing is decoded, so silence is not found). A piece longer than
    :data:`MAX_PIECE_SECONDS` is skipped either way. Linked folders are followed (:func:`~.files.library_files`).

    Mood words in the catalogue, tags and file names, and the mood hints, are those of ``rules``' mood table
    (the run's ``--rules``, so a user's moods and words count; the shipped rules when None). The scan cache is
    kept for one mood table: a scan by another probes and listens again.

    Raises :class:`InputError` when the folder does not exist or its catalogue file is malformed.
    """
    root = Path(folder)
    problem = not_a_folder(root)
    if problem == "does not exist":
        raise InputError("temp-music library folder not found", root)
    if problem:  # a file given for the folder (a piece, a catalogue): say so, not "not found"
        raise InputError(f"the temp-music library {problem} (give the folder that holds the music)", root)
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
        long = too_long(float(audio["duration_seconds"]))
        if long:
            log.warning("%s: skipped, %s", path, long)
            lib.skipped.append((rel, long))
            continue
        piece = Piece(path=rel, format=AUDIO_SUFFIXES[path.suffix.lower()], **audio)
        layers = [("catalogue", catalogue.get(rel.lower(), {})), ("tags", found["tags"]),
                  ("file name", name_fields(rel, rules))]
        piece = merge_fields(piece, layers, rules)
        if listen:
            analysis, fresh, quiet = _listen(path, found, piece.beats_per_bar, rules)
            if fresh:
                lib.analysed += 1
                if cache:
                    cache.put(rel, stat, found)
            if quiet:
                log.warning("%s: skipped, %s", path, quiet)
                lib.skipped.append((rel, quiet))
                continue
            if analysis is not None:
                with_analysis(piece, analysis)
        lib.pieces.append(piece)
    listed = set(catalogue) - {p.path.lower() for p in lib.pieces} - {s[0].lower() for s in lib.skipped}
    for rel in sorted(listed):
        log.warning("%s: the catalogue lists %s, which is not in the folder", root / (lib.catalogue_file or CACHE_NAME), rel)
    if cache:
        cache.save()
    return lib
