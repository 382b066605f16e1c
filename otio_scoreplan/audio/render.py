"""Render fitted temp cues: one Broadcast Wave file per cue, and a whole-film preview mix.

Each cue is decoded, fitted (:mod:`.fit`) and levelled (:mod:`.loudness`), then written as WAV 48 kHz
24-bit stereo named by its cue id, with a bext TimeReference at the cue's record timecode. The preview
mix is streamed block by block: a cue is fitted when the block it starts in is reached and dropped once
it has been mixed, so memory holds only the cues sounding at one time, whatever the film's length.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..errors import ScorePlanError
from ..library.choose import Pick
from ..library.cuespec import CueSpec
from ..model import SequenceInfo
from .bwf import Bext, BwfWriter, write_bwf
from .decode import DecodeError, decode
from .fit import Fitted, FitSettings, cue_sample_range, fit, frame_to_sample
from .loudness import DEFAULT_CEILING_DBTP, DEFAULT_TARGET_LUFS, Leveling, level

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RenderSettings:
    """Fitting and level settings for rendering."""

    fit: FitSettings = field(default_factory=FitSettings)
    target_lufs: float = DEFAULT_TARGET_LUFS
    ceiling_db: float = DEFAULT_CEILING_DBTP
    normalise: bool = True
    block_seconds: float = 10.0


@dataclass(frozen=True)
class RenderedCue:
    """A cue rendered to its own file."""

    cue_id: str
    path: Path
    start_sample: int  # from the sequence's first frame
    frames: int
    time_reference: int  # samples since midnight (bext)
    offset_seconds: float
    loops: int
    leveling: Leveling | None
    hit: str = ""


@dataclass
class MixReport:
    """What a preview-mix render did."""

    path: Path
    frames: int
    cues_mixed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (cue id, reason)
    max_active: int = 0  # most cues held at once


def cue_file_name(cue_id: str) -> str:
    """The file name of a cue's render: its id, with anything but letters, digits, ``.-_`` replaced."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", cue_id).strip("._") + ".wav"


def prepare(cue: CueSpec, pick: Pick, seq: SequenceInfo, settings: RenderSettings = RenderSettings()) -> tuple[Fitted, Leveling | None]:
    """Decode the picked piece, fit it to ``cue`` and level it. Raises :class:`DecodeError`."""
    sr = settings.fit.sample_rate
    start, end = cue_sample_range(cue, seq.rate, sr, seq.start_frame)
    need_all = settings.fit.align_hits and bool(cue.hits)
    offset = max(0, int(round(pick.offset_seconds * sr)))
    fitted = None
    if not need_all:  # most cues: read just the cue's stretch of the piece and fit it in place
        piece = decode(pick.path, sample_rate=sr, start_frame=offset, max_frames=end - start)
        if len(piece) == end - start:
            fitted = fit(piece, cue, seq.rate, 0.0, settings.fit, origin_frame=seq.start_frame, in_place=True)
            fitted.offset_seconds = offset / sr
        del piece
    if fitted is None:  # a loop (the piece ends inside the cue) or hit alignment: the piece from its start
        piece = decode(pick.path, sample_rate=sr, max_frames=None if need_all else offset + (end - start))
        fitted = fit(piece, cue, seq.rate, pick.offset_seconds, settings.fit, origin_frame=seq.start_frame)
        del piece
    leveling = None
    if settings.normalise:
        fitted.samples, leveling = level(fitted.samples, settings.target_lufs, settings.ceiling_db, sr, in_place=True)
        if leveling.ceiling_limited:
            log.info("cue %s: held %.1f LU under the target by the %.1f dBTP ceiling", cue.id,
                     settings.target_lufs - leveling.output_lufs, settings.ceiling_db)
    return fitted, leveling


def render_cue(cue: CueSpec, pick: Pick, seq: SequenceInfo, media_dir: str | os.PathLike,
               settings: RenderSettings = RenderSettings()) -> RenderedCue:
    """Render one cue to ``media_dir/<cue id>.wav`` (Broadcast Wave, spotted at the cue's record timecode)."""
    sr = settings.fit.sample_rate
    fitted, leveling = prepare(cue, pick, seq, settings)
    time_ref = frame_to_sample(seq.start_frame + cue.start_frame, seq.rate, sr)
    path = Path(media_dir) / cue_file_name(cue.id)
    bext = Bext(
        time_reference=time_ref,
        description=f"{cue.id} temp: {pick.title} ({seq.timecode(cue.start_frame)}-{seq.timecode(cue.end_frame)})",
        originator_reference=cue.id,
        loudness_lufs=leveling.output_lufs if leveling else None,
        max_true_peak_db=leveling.output_peak_db if leveling else None,
        coding_history=f"A=PCM,F={sr},W=24,M=stereo,T=otio-scoreplan temp fit\r\n",
    )
    Path(media_dir).mkdir(parents=True, exist_ok=True)
    write_bwf(path, fitted.samples, bext, sample_rate=sr)
    return RenderedCue(cue.id, path, fitted.start_sample, len(fitted.samples), time_ref, fitted.offset_seconds,
                       fitted.loops, leveling, fitted.hit)


def render_cues(cues: Sequence[CueSpec], picks: Sequence[Pick], seq: SequenceInfo, media_dir: str | os.PathLike,
                settings: RenderSettings = RenderSettings()) -> tuple[list[RenderedCue], list[tuple[str, str]]]:
    """Render every cue to its own file; a cue whose piece cannot be decoded is skipped with a warning.

    Returns the rendered cues and the skipped ones as (cue id, reason).
    """
    done: list[RenderedCue] = []
    skipped: list[tuple[str, str]] = []
    for cue, pick in zip(cues, picks):
        try:
            done.append(render_cue(cue, pick, seq, media_dir, settings))
        except DecodeError as exc:
            log.warning("cue %s: not rendered: %s", cue.id, exc.one_line())
            skipped.append((cue.id, exc.one_line()))
    return done, skipped


def render_mix(cues: Sequence[CueSpec], picks: Sequence[Pick], seq: SequenceInfo, out: str | os.PathLike,
               settings: RenderSettings = RenderSettings(), progress: Progress | None = None) -> MixReport:
    """Render the whole temp score as one file aligned to the sequence's first frame, block by block.

    The file lasts exactly the sequence (to the sample) and carries a bext TimeReference at the
    sequence's start timecode. ``progress(done_samples, total_samples)`` is called after each block.
    """
    sr = settings.fit.sample_rate
    origin = frame_to_sample(seq.start_frame, seq.rate, sr)
    total = frame_to_sample(seq.start_frame + seq.duration_frames, seq.rate, sr) - origin
    block = max(1, int(settings.block_seconds * sr))
    pending = sorted(zip(cues, picks), key=lambda cp: cp[0].start_frame, reverse=True)
    report = MixReport(Path(out), total)
    active: list[Fitted] = []
    bext = Bext(time_reference=origin, description=f"temp score preview mix: {seq.name} from {seq.start_timecode}",
                coding_history=f"A=PCM,F={sr},W=24,M=stereo,T=otio-scoreplan preview mix\r\n")
    if Path(out).exists() and Path(out).is_dir():
        raise ScorePlanError("the mix output is a folder; give a .wav file name", out)
    with BwfWriter(out, bext, sample_rate=sr) as writer:
        for b0 in range(0, total, block):
            b1 = min(total, b0 + block)
            while pending and cue_sample_range(pending[-1][0], seq.rate, sr, seq.start_frame)[0] < b1:
                cue, pick = pending.pop()
                if cue.start_frame >= seq.duration_frames or cue.end_frame <= 0:
                    report.skipped.append((cue.id, "outside the sequence"))
                    continue
                try:
                    active.append(prepare(cue, pick, seq, settings)[0])
                    report.cues_mixed += 1
                except DecodeError as exc:
                    log.warning("cue %s: left out of the mix: %s", cue.id, exc.one_line())
                    report.skipped.append((cue.id, exc.one_line()))
            report.max_active = max(report.max_active, len(active))
            buf = np.zeros((b1 - b0, 2), dtype=np.float32)
            for f in active:
                lo, hi = max(b0, f.start_sample), min(b1, f.end_sample)
                if hi > lo:
                    buf[lo - b0 : hi - b0] += f.samples[lo - f.start_sample : hi - f.start_sample]
            active = [f for f in active if f.end_sample > b1]
            writer.write(buf)
            if progress:
                progress(b1, total)
    return report
