"""The naive preview mix, for the benchmark only: every fitted cue overlaid on one whole-film pydub segment.

This is what pydub invites (``AudioSegment.silent(film).overlay(cue, position=ms)``): the whole film sits
in memory at least twice, each overlay copies it, and positions are whole milliseconds. ``make bench``
sets it beside :func:`~otio_scoreplan.audio.render.render_mix` (streamed, sample-exact).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

from ..library.choose import Pick
from ..library.cuespec import CueSpec
from ..model import SequenceInfo
from ..outfile import atomic_path
from .decode import DecodeError, audio_segment_class, to_segment
from .fit import frame_to_sample
from .render import RenderSettings, prepare

log = logging.getLogger(__name__)


def render_mix_naive(cues: Sequence[CueSpec], picks: Sequence[Pick], seq: SequenceInfo, out: str | os.PathLike,
                     settings: RenderSettings = RenderSettings()) -> int:
    """Overlay every fitted cue on a silent 16-bit segment as long as the film; export it. Returns cues mixed."""
    AudioSegment = audio_segment_class()  # noqa: N806
    sr = settings.fit.sample_rate
    origin = frame_to_sample(seq.start_frame, seq.rate, sr)
    total = frame_to_sample(seq.start_frame + seq.duration_frames, seq.rate, sr) - origin
    film = AudioSegment.silent(duration=total * 1000 / sr, frame_rate=sr).set_channels(2)
    mixed = 0
    for cue, pick in zip(cues, picks):
        try:
            fitted, _ = prepare(cue, pick, seq, settings)
        except DecodeError as exc:
            log.warning("cue %s: left out of the naive mix: %s", cue.id, exc.one_line())
            continue
        segment = to_segment(fitted.samples, sr).set_sample_width(2)
        film = film.overlay(segment, position=fitted.start_sample * 1000 / sr)
        mixed += 1
    with atomic_path(out) as tmp:
        film.export(os.fspath(tmp), format="wav")
    return mixed
