"""The one description of a fade: keyframe points on the frame grid, shared by render and every writer.

A fade of whole frames is :func:`fade_points` ``(shape, frames, rising)``: ``(frame from the fade's start, gain)``
keyframes of its curve (:func:`fade_curve`: 'sine', equal power, for entries, exits and segues; 'ring', a button's
decay, for a tail; 'linear'). The FCP7 XML writer writes them as Audio Levels keyframes (gain, linear between
them), the FCPXML writer as volume keyframes (dB, linear between them), and render plays them
(:func:`otio_scoreplan.audio.fit.fade_gain`: linear in gain at each sample's time), so what the NLE plays inside a fade
is what the preview mix plays. Pure (numpy only): the formats and the audio side both import it.
"""

from __future__ import annotations

import functools

import numpy as np

FADE_TOLERANCE_DB = 0.25  # a fade's keyframes, interpolated linearly in gain, stay this close to its curve ...
FADE_FLOOR_DB = -40.0  # ... wherever the curve is above this level


def fade_curve(x: np.ndarray, shape: str) -> np.ndarray:
    """A rising fade's gain at ``x`` (0..1 of the fade): 'sine' (equal power), 'linear', or 'ring' (x squared: a
    falling ring, played backwards, drops quickly then decays long). A falling fade is ``fade_curve(1 - x)``."""
    if shape == "linear":
        return x
    if shape == "ring":
        return x**2
    return np.sin(x * np.pi / 2)


@functools.lru_cache(maxsize=256)
def fade_points(shape: str, frames: int, rising: bool = True) -> tuple[tuple[int, float], ...]:
    """The one description of a fade lasting ``frames`` whole frames: keyframes ``(frame from the fade's start, gain)``.

    Whole frames (FCP7's ``<when>`` and every NLE's keyframe grid), gains rounded to 5 decimals as the FCP7 writer
    writes them; a frame is kept only where interpolating between its neighbours, linearly in gain (FCP7's Audio
    Levels) or in dB (FCPXML's volume keyframes), would stray more than :data:`FADE_TOLERANCE_DB` from
    :func:`fade_curve` above :data:`FADE_FLOOR_DB` where frames allow; the frame next to silence is always kept (the
    one stretch where gain and dB interpolation part). The writers write these points and render plays them
    (:func:`otio_scoreplan.audio.fit.fade_gain`, linear in gain), so the mix is what the NLE plays.
    """
    if frames < 1:
        return ()
    sub = max(1, min(16, 4096 // frames))  # the curve checked at up to 16 points per frame (a long fade: once a frame)
    x_fine = np.arange(frames * sub + 1) / (frames * sub)
    fine = fade_curve(x_fine, shape)
    at_frame = np.round(fade_curve(np.arange(frames + 1) / frames, shape), 5)
    floor = 10 ** (FADE_FLOOR_DB / 20)

    def straight(i: int, e: int) -> bool:
        """Whether one line from frame ``i`` to frame ``e`` stays within the tolerance of the curve."""
        lo, hi = i * sub, e * sub
        ends = [i / frames, e / frames]
        ref = fine[lo : hi + 1]
        loud = ref >= floor
        if not loud.any():
            return True
        lines = [np.interp(x_fine[lo : hi + 1], ends, [at_frame[i], at_frame[e]])]
        if min(at_frame[i], at_frame[e]) > 0:  # and linear in dB, as FCPXML's volume keyframes are
            lines.append(10 ** (np.interp(x_fine[lo : hi + 1], ends, 20 * np.log10([at_frame[i], at_frame[e]])) / 20))
        return max(np.max(np.abs(20 * np.log10(np.maximum(line[loud], 1e-9) / ref[loud]))) for line in lines) \
            <= FADE_TOLERANCE_DB

    keep, i = [0, 1], 1  # from silence in one frame: the only stretch where gain and dB interpolation part
    while i < frames:
        # the farthest frame one line from i reaches: galloping, then halving (a few checks per keyframe, not one per
        # frame: a hand-made fade of 40,000 frames took minutes)
        good, step = i + 1, 1
        while good + step <= frames and straight(i, good + step):
            good, step = good + step, step * 2
        bad = min(frames + 1, good + step)
        while bad - good > 1:
            mid = (good + bad) // 2
            good, bad = (mid, bad) if straight(i, mid) else (good, mid)
        keep.append(good)
        i = good
    points = tuple((k, float(at_frame[k])) for k in keep)
    if rising:
        return points
    return tuple((frames - k, g) for k, g in reversed(points))
