"""The preview mix in the format its name asks for: ``.wav`` is our Broadcast Wave (48 kHz 24-bit, bext time
reference); ``.flac .mp3 .m4a .aac .ogg .opus`` are encoded from that WAV by the ffmpeg we ship (imageio-ffmpeg), so a
director gets the mp3 they asked for, not a WAV under an mp3 name. Both go through the safe writer (outfile): the WAV is
staged beside the output, encoded into the output's temporary file, renamed over the output only when ffmpeg succeeded.
An encoded mix keeps the audio and its length, not the bext chunk (those formats have none).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

from ..errors import UsageError
from ..outfile import OutputError, atomic_path, staged_beside

# suffix -> (ffmpeg muxer, encoder options): lossless FLAC, the lossy ones at a high rate (a preview to listen to)
ENCODINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    ".flac": ("flac", ("-c:a", "flac")),
    ".mp3": ("mp3", ("-c:a", "libmp3lame", "-b:a", "320k")),
    ".m4a": ("ipod", ("-c:a", "aac", "-b:a", "256k")),
    ".aac": ("adts", ("-c:a", "aac", "-b:a", "256k")),
    ".ogg": ("ogg", ("-c:a", "libvorbis", "-q:a", "6")),
    ".opus": ("opus", ("-c:a", "libopus", "-b:a", "192k")),
}
MIX_SUFFIXES = (".wav", *ENCODINGS)


def check_mix_suffix(output: str | os.PathLike) -> None:
    """Refuse (naming ``output`` and the suffixes written) a mix name whose suffix is no format we write."""
    suffix = Path(output).suffix.lower()
    if suffix not in MIX_SUFFIXES:
        raise UsageError(f"a mix is written as {', '.join(MIX_SUFFIXES)} (the suffix chooses; .wav is 48 kHz 24-bit "
                         f"Broadcast Wave), not {suffix or 'a name without a suffix'}", output)


@contextlib.contextmanager
def mix_file(output: str | os.PathLike) -> Iterator[Path]:
    """Yield the path to write the mix's WAV to; when the block succeeds, ``output`` holds it in its suffix's format."""
    check_mix_suffix(output)
    out = Path(output)
    suffix = out.suffix.lower()
    if suffix == ".wav":
        with atomic_path(out) as tmp:
            yield tmp
        return
    with atomic_path(out) as tmp, staged_beside(out) as wav:
        yield wav
        encode(wav, tmp, suffix, out)


def encode(wav: Path, target: Path, suffix: str, named: Path) -> None:
    """Encode ``wav`` into ``target`` in the format of ``suffix``; an ffmpeg failure is an error naming ``named``."""
    from .decode import ffmpeg_exe

    muxer, options = ENCODINGS[suffix]
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav), "-map", "0:a:0",
           "-vn", *options, "-f", muxer, str(target)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        detail = " ".join((proc.stderr or "").split())[-200:] or f"exit status {proc.returncode}"
        raise OutputError(f"cannot encode the mix as {suffix}: ffmpeg: {detail}", named)
