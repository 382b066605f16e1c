"""Media the timeline's temp clips point at when no temp music is chosen: a silent WAV we write.

One silent file serves every unassigned cue: 48 kHz, 16-bit stereo PCM (every editing application
imports it), as long as the longest cue plus a second, so each clip's range lies inside its media.
"""

from __future__ import annotations

import math
import struct
import wave
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..errors import ScorePlanError
from ..outfile import content_named
from ..riff import wave_chunks

SAMPLE_RATE = 48000
SILENCE_STEM = "scoreplan_silence_{seconds}s"  # + "_<hash8>.wav": named by its content (see outfile)


def silent_wav(folder: Path, min_seconds: float) -> tuple[Path, float]:
    """Write (or reuse, when the same bytes are there) a silent stereo WAV of at least ``min_seconds``.

    Returns (path, seconds); the file is named by its content and never written over.
    """
    seconds = int(math.ceil(min_seconds)) + 1
    with content_named(folder, SILENCE_STEM.format(seconds=seconds), ".wav") as media, \
            wave.open(str(media.tmp), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        block = b"\x00" * (4 * SAMPLE_RATE)
        for _ in range(seconds):
            w.writeframesraw(block)
    assert media.path is not None
    return media.path, float(seconds)


@dataclass(frozen=True)
class MediaFormat:
    """What a media file holds, read from the file itself: what every writer describes it as."""

    sample_rate: int
    channels: int
    bits: int
    samples: int  # per channel

    def frames(self, rate: float) -> int:
        """Whole frames of ``rate`` the file holds (a frame boundary may round to the sample before it)."""
        return int(math.floor((self.samples + 1) * rate / self.sample_rate))


def media_format(path: Path) -> MediaFormat:
    """The format of the WAV at ``path`` (PCM, WAVE_FORMAT_EXTENSIBLE, BWF); :class:`InputError` if unreadable."""
    from .aaf.media import wav_info

    info = wav_info(path)
    return MediaFormat(info.sample_rate, info.channels, 8 * info.sample_width, info.frames)


_BEXT_TIME_REFERENCE = 338  # offset of TimeReference (two little-endian 32-bit words) in a bext chunk (EBU Tech 3285)


def bwf_time_reference(path: Path) -> int | None:
    """The BWF time reference of the WAV at ``path`` (samples since midnight of its first sample), read from
    its ``bext`` chunk; None when the file has none or is no readable RIFF/WAVE file (the placeholder's silence)."""
    try:
        with open(path, "rb") as fh:
            for chunk, size, _ in wave_chunks(fh):
                if chunk == b"bext":
                    body = fh.read(size)
                    if len(body) < _BEXT_TIME_REFERENCE + 8:
                        return None
                    low, high = struct.unpack("<II", body[_BEXT_TIME_REFERENCE:_BEXT_TIME_REFERENCE + 8])
                    return low | (high << 32)
            return None
    except OSError:
        return None


def media_start(path: Path) -> Fraction:
    """The time of day of ``path``'s first sample, in seconds since midnight: its BWF time reference over its sample
    rate (exact), 0 for a file without one (the silent placeholder). What an editing application reads as the
    file's start timecode (Final Cut Pro, Premiere, Media Composer import a BWF at it), so every writer that states
    a medium's start (FCPXML ``asset start``, FCP7 ``<file><timecode>``) states this one."""
    reference = bwf_time_reference(path)
    if not reference:
        return Fraction(0)
    try:
        return Fraction(reference, media_format(path).sample_rate)
    except ScorePlanError:
        return Fraction(0)
