"""Listen to a piece of temp music: beats, bars, onsets, sections, the ending, an intensity 1..5.

Built from librosa's primitives (no model, nothing downloaded): the onset-strength envelope gives beats
(:func:`librosa.beat.beat_track`) and onsets; RMS gives the level; beat-synchronous chroma and MFCCs are
segmented into sections where they change most (a novelty curve over the beats). On top of those, small rules:

- **bars**: beats grouped by the catalogue's metre, or by the metre (3 or 4) whose downbeats stand out;
- **sections**: each with its relative loudness (``energy`` 0..1) and a label (intro, build, climax,
  body, outro) from its level against the piece's;
- **ending**: a *button* (the last strong onset, then only decay), a *fade* (the level falling over the
  last seconds while the music goes on) or a *cut* (the file stops while the music is loud, or held music
  is released within :data:`FADE_MIN_SECONDS`); a soft note in the quiet ring after released music (an onset
  :data:`RING_BELOW_DB` under it, in a ring of few onsets) is no button: the music ended at its release;
- **intensity** 1..5 from loudness, percussive share, spectral density and onset strength, and mood hints from the planner's
  mood table (``[moods]`` in the rules) near that intensity.

Every figure a person might question is a module constant. Positions are seconds in the piece.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..plan.rules import Rules

log = logging.getLogger(__name__)

ANALYSIS_RATE = 22_050  # analysed at this rate, mono
HOP = 512  # analysis frame hop in samples (23 ms at 22.05 kHz)
SILENCE_BELOW_PEAK_DB = 50.0  # the ending "reaches silence" this far below the piece's loud level
STRONG_ONSET = 0.35  # an onset this strong (0..1 of the piece's strongest) counts for a button
BUTTON_MAX_DECAY_SECONDS = 12.0  # a button rings at most this long
BUTTON_BELOW_BEFORE_DB = 4.0  # a button is at most this much quieter than the loudest of the 4 s before it
RING_BELOW_DB = 12.0  # an onset this far under the loudest of the BUTTON_MAX_DECAY_SECONDS before it lies in a ring
RELEASE_WITHIN_DB = 3.0  # held music ends (is released) at the last moment within this of its level
RING_ONSET_SECONDS = 4.0  # a ring holds at most one strong onset per this many seconds (more: quiet music goes on)
FADE_MIN_SECONDS = 2.0  # a shorter fall after held music is a cut (released at once), not a fade
CUT_WITHIN_DB = 20.0  # the file ends while the level is within this of the loud level: a cut
NOVELTY_PROMINENCE = 0.2  # a section change stands out of the novelty curve by this share of its highest peak
SECTION_MIN_SECONDS = 8.0  # a shorter section joins its neighbour
SECTION_CONTRAST_DB = 3.0  # an intro/outro is this much below the piece's median section level; a climax above

# Intensity: the mean of four features, each scaled to 0..1 between the two figures given (clipped):
# loudness, the percussive share of the sound, how dense the spectrum is (low peak-to-valley contrast: a
# tutti), and how strong the strongest onsets are. Features and bounds were chosen on half of the labelled
# Debian pieces (tests/data/music_labels.json, alternate pieces), the bounds being that half's 10th and
# 90th percentiles rounded; the other half is the held-out check (see test_real_music.py).
INTENSITY_FEATURES: dict[str, tuple[float, float, float]] = {
    # name: (weight, value at 0, value at 1)
    "loudness_db": (1.0, -23.0, -14.0),  # 90th percentile RMS level, dBFS
    "percussive": (1.0, 0.10, 0.29),  # percussive share of the mel energy (median-filter HPSS) while sounding
    "contrast_db": (1.0, 24.0, 18.5),  # mean spectral contrast while sounding (lower: denser)
    "onset_peak": (1.0, 1.1, 2.0),  # 90th percentile of the onset-strength envelope while sounding
}


@dataclass(frozen=True)
class Section:
    """A stretch of the piece with one character."""

    start: float
    end: float
    energy: float  # 0..1: the section's RMS against the loudest section's
    label: str  # intro | build | climax | body | outro


@dataclass(frozen=True)
class Ending:
    """How the piece ends."""

    kind: str  # button | fade | cut
    time: float  # the button's onset, the fade's start, or the cut (the file end, or a release under 2 s)
    end: float  # where the decay reaches silence (or the file end)


@dataclass(frozen=True)
class PieceAnalysis:
    """What listening to one piece found."""

    duration: float
    tempo: float
    beats: tuple[float, ...]
    bars: tuple[float, ...]  # downbeat times
    beats_per_bar: int
    onsets: tuple[float, ...]
    onset_strength: tuple[float, ...]  # per onset, 0..1 of the piece's strongest
    sections: tuple[Section, ...]
    ending: Ending
    intensity: float  # 1..5
    mood_hints: tuple[str, ...]
    estimated: bool = True  # measured from the audio, not given by a person

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (the scan cache keeps it)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PieceAnalysis:
        """The inverse of :meth:`to_dict`; raises ``KeyError``/``TypeError``/``ValueError`` on bad data."""
        floats = lambda key: tuple(float(v) for v in data[key])  # noqa: E731
        return cls(
            duration=float(data["duration"]), tempo=float(data["tempo"]), beats=floats("beats"), bars=floats("bars"),
            beats_per_bar=int(data["beats_per_bar"]), onsets=floats("onsets"), onset_strength=floats("onset_strength"),
            sections=tuple(Section(float(s["start"]), float(s["end"]), float(s["energy"]), str(s["label"]))
                           for s in data["sections"]),
            ending=Ending(str(data["ending"]["kind"]), float(data["ending"]["time"]), float(data["ending"]["end"])),
            intensity=float(data["intensity"]), mood_hints=tuple(str(m) for m in data["mood_hints"]),
            estimated=bool(data.get("estimated", True)),
        )


# librosa compiles parts of itself with numba and keeps the machine code on disk (``cache=True``). When two
# processes compile its generalized ufuncs at the same time on a fresh install (two scoreplan runs at once, the
# test suite's two workers), numba can pair cache files written by different processes and the next call
# crashes the interpreter (a segmentation fault; numba issue #10128, open in numba 0.68). So each process
# imports librosa and runs one small analysis - which compiles, or loads, everything analyse_audio uses - under
# an exclusive lock that every process takes: the first compiles and writes the cache whole, the others read it.
COMPILE_LOCK_NAME = "otio-scoreplan-numba.lock"  # in the system temp folder
COMPILE_LOCK_SAY_SECONDS = 5.0  # waiting this long for the lock, the run says so
COMPILE_LOCK_WAIT_SECONDS = 180  # a first compile takes about a minute on 2 busy cores; a holder past this
# (a stopped run, another user holding the file) is not waited for: the run goes on without the lock
_loaded = threading.Lock()
_librosa_ready = False


@contextmanager
def _compile_lock() -> Iterator[None]:
    """Hold the lock all processes take around librosa's first use (no lock where ``fcntl`` is missing)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; the race stays as numba has it
        yield
        return
    fd = -1
    for name in (COMPILE_LOCK_NAME, f"otio-scoreplan-numba-{os.getuid()}.lock"):  # another user's file: ours
        try:
            fd = os.open(os.path.join(tempfile.gettempdir(), name), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
            break
        except OSError:
            continue
    if fd < 0:
        log.debug("no lock file for librosa's first compile; going on without one")
        yield
        return
    try:
        waited = 0.0
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if waited == COMPILE_LOCK_SAY_SECONDS:
                    log.warning("waiting for another scoreplan run to finish preparing the music analysis "
                                "(lock %s)", os.path.join(tempfile.gettempdir(), COMPILE_LOCK_NAME))
                if waited >= COMPILE_LOCK_WAIT_SECONDS:  # a stopped run or another user holds it: go on without
                    log.warning("the music-analysis lock is still held after %d s; going on without it",
                                COMPILE_LOCK_WAIT_SECONDS)
                    break
                time.sleep(0.5)
                waited += 0.5
        yield
    finally:
        os.close(fd)  # closing releases the lock


def load_librosa() -> ModuleType:
    """librosa, its compiled parts made (or read from numba's cache) under the lock all processes share."""
    global _librosa_ready
    if not _librosa_ready:
        with _loaded, _compile_lock():
            if not _librosa_ready:
                import librosa  # noqa: F401  (its submodules compile as the warm-up first touches them)

                _librosa_ready = True
                clicks = np.zeros(ANALYSIS_RATE * 6, dtype=np.float32)
                clicks[:: ANALYSIS_RATE // 2] = 1.0
                noise = np.random.default_rng(0).standard_normal(len(clicks)).astype(np.float32)
                analyse_audio(clicks + 0.01 * noise, ANALYSIS_RATE)
    import librosa

    return librosa


def _db(x: np.ndarray) -> np.ndarray:
    return 20.0 * np.log10(np.maximum(x, 1e-6))


def _times(frames: np.ndarray) -> np.ndarray:
    return np.asarray(frames, dtype=float) * HOP / ANALYSIS_RATE


def group_bars(beats: np.ndarray, accent: np.ndarray, beats_per_bar: int | None) -> tuple[np.ndarray, int]:
    """Downbeat times and the metre: beats grouped by ``beats_per_bar`` (or 3 or 4, whichever accents more).

    ``accent`` is a strength per beat (onset strength and low-frequency energy); the downbeat phase is the
    one whose beats are strongest on average.
    """
    beats = np.asarray(beats, dtype=float)
    if len(beats) == 0:
        return beats, beats_per_bar or 4
    accent = np.asarray(accent, dtype=float)
    accent = (accent - accent.mean()) / (accent.std() + 1e-9)

    def best_phase(m: int) -> tuple[int, float]:
        means = [accent[p::m].mean() if len(accent[p::m]) else -np.inf for p in range(m)]
        phase = int(np.argmax(means))
        return phase, float(means[phase] - np.mean([v for i, v in enumerate(means) if i != phase]))

    if beats_per_bar:
        m = int(beats_per_bar)
    else:  # 3 only when its downbeats stand out clearly more than 4's (4 is far more common)
        contrast = {m: best_phase(m)[1] for m in (3, 4)} if len(beats) >= 12 else {4: 0.0}
        m = 3 if contrast.get(3, 0.0) > 1.25 * max(contrast.get(4, 0.0), 0.1) else 4
    phase = best_phase(m)[0] if m > 1 else 0
    return beats[phase::m], m


def global_tempo(envelope: np.ndarray, start_bpm: float = 120.0) -> float:
    """The piece's tempo (BPM): the lag of the onset envelope's autocorrelation that is strongest under a
    log-normal prior around ``start_bpm`` (one octave wide), as librosa's tempo estimate weighs it, but over
    the whole envelope at once (librosa's per-frame tempogram costs seconds a piece)."""
    librosa = load_librosa()

    fps = ANALYSIS_RATE / HOP
    max_lag = int(fps * 60.0 / 30.0)  # down to 30 BPM
    if len(envelope) < 4:
        return 0.0
    ac = librosa.autocorrelate(envelope - envelope.mean(), max_size=min(max_lag + 1, len(envelope)))
    lags = np.arange(1, len(ac))
    bpm = 60.0 * fps / lags
    weight = np.exp(-0.5 * (np.log2(bpm / start_bpm)) ** 2)
    score = ac[1:] * weight
    score[bpm > 320] = -np.inf
    return float(bpm[int(np.argmax(score))]) if np.isfinite(score).any() else 0.0


def beat_accents(beat_frames: np.ndarray, envelope: np.ndarray, mel_db: np.ndarray, chroma: np.ndarray) -> np.ndarray:
    """How much each beat sounds like a bar's first: bass level, onset strength and harmony change there.

    Each is z-scored over the beats and summed, so none dominates by its units.
    """
    if len(beat_frames) == 0:
        return np.zeros(0)
    n = mel_db.shape[1]
    around = [slice(max(0, f - 1), min(n, f + 4)) for f in beat_frames]
    bass = np.array([mel_db[:12, w].mean() for w in around])
    onset = np.array([envelope[w].max() if w.stop > w.start else 0.0 for w in around])
    sync = chroma[:, np.clip(beat_frames, 0, chroma.shape[1] - 1)]
    change = np.r_[0.0, np.linalg.norm(np.diff(sync, axis=1), axis=0)]
    z = lambda x: (x - x.mean()) / (x.std() + 1e-9)  # noqa: E731
    return z(bass) + 0.5 * z(onset) + 0.5 * z(change)


def _window_levels(rms_db: np.ndarray, start: int, stop: int, frames: int) -> np.ndarray:
    """Levels (dB) of consecutive ``frames``-long windows of the frame levels ``rms_db[start:stop]``."""
    power = 10 ** (rms_db[start:stop] / 10.0)
    n = len(power) // frames
    return 10 * np.log10(np.maximum(power[:n * frames].reshape(n, frames).mean(axis=1), 1e-12)) if n else np.zeros(0)


def _rises_after(rms_db: np.ndarray, frame: int, last: int) -> bool:
    """True when some quarter second after ``frame`` (from half a second on, up to ``last``) is more than
    1 dB louder than the quarter second starting at ``frame``: the music goes on, it is no button."""
    quarter = max(1, int(0.25 * ANALYSIS_RATE / HOP))
    at = _window_levels(rms_db, frame, frame + quarter, quarter)
    after = _window_levels(rms_db, frame + 2 * quarter, last + 1, quarter)
    return bool(len(at) and len(after) and after.max() > at[0] + 1.0)


def find_ending(rms_db: np.ndarray, onset_times: np.ndarray, onset_strength: np.ndarray, duration: float) -> Ending:
    """The ending from the level (dB per frame) and the onsets (times, strengths 0..1)."""
    n = len(rms_db)
    if n == 0:
        return Ending("cut", duration, duration)
    loud = float(np.percentile(rms_db, 95))
    sounding = np.nonzero(rms_db > loud - SILENCE_BELOW_PEAK_DB)[0]
    last = int(sounding[-1]) if len(sounding) else n - 1
    end = min(duration, float(_times(np.array([last + 1]))[0]))
    tail_frames = max(1, int(0.5 * ANALYSIS_RATE / HOP))
    if last >= n - 2 and float(np.median(rms_db[max(0, n - tail_frames):])) > loud - CUT_WITHIN_DB:
        return Ending("cut", duration, duration)
    # The level's upper envelope (the loudest of each second, smoothed), so beats and notes do not count as
    # rises; walk back from the end of sound while it keeps rising going backwards (or holds within 0.5 dB).
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    width = max(1, int(0.5 * ANALYSIS_RATE / HOP))
    smooth = uniform_filter1d(maximum_filter1d(rms_db, size=2 * width), size=2 * width)
    i = last
    while i > 0 and smooth[i - 1] >= smooth[i] - 0.5:
        i -= 1
    rise_start = float(_times(np.array([i]))[0])  # a button lies at (or after) the top of the walk back
    top = smooth[i]  # a fade starts at the last moment the level is within 3 dB of that top
    i = i + int(np.nonzero(smooth[i:last + 1] >= top - 3.0)[0][-1])
    fall_start = float(_times(np.array([i]))[0])
    strong = onset_times[(onset_strength >= STRONG_ONSET) & (onset_times < end - 0.05)]
    if len(strong):
        button = float(strong[-1])
        frame = int(button * ANALYSIS_RATE / HOP)
        near = rms_db[frame:frame + width * 2]
        released = _released_before(rms_db, smooth, frame, near, width)
        if released is not None and _ring_is_quiet(strong, released, button):  # the last strong onset is a note in the ring of music that ended before it
            return _ending_at_release(released, rms_db, onset_times, onset_strength, end, loud, last, width)
        rises_after = _rises_after(rms_db, frame, last)
        before = rms_db[max(0, frame - 8 * width):frame]  # the music just before: a button is not quieter than it
        level_before = float(np.max(before)) if len(before) else loud
        if (end - button <= BUTTON_MAX_DECAY_SECONDS and len(near) and np.max(near) > max(loud - 15.0, level_before - BUTTON_BELOW_BEFORE_DB)
                and not rises_after and button >= rise_start - 1.0):
            return Ending("button", round(button, 4), round(end, 4))
    if end - fall_start < FADE_MIN_SECONDS:  # held at level, then released at once: the music stops there
        return Ending("cut", round(fall_start, 4), round(end, 4))
    return Ending("fade", round(fall_start, 4), round(end, 4))


def _released_before(rms_db: np.ndarray, smooth: np.ndarray, frame: int, near: np.ndarray, width: int) -> int | None:
    """Where louder music ended before the onset at ``frame`` (its level ``near``), when the onset lies in its ring:
    the last frame within :data:`RELEASE_WITHIN_DB` of the loudest of the :data:`BUTTON_MAX_DECAY_SECONDS` before
    the onset, which is :data:`RING_BELOW_DB` or more above the onset's level, and after which the level is that
    far down within two seconds (released, not faded). None otherwise."""
    back = max(0, frame - int(BUTTON_MAX_DECAY_SECONDS * ANALYSIS_RATE / HOP))
    before = rms_db[back:frame]
    if not len(before) or not len(near) or float(np.max(near)) > float(np.max(before)) - RING_BELOW_DB:
        return None
    top = float(np.max(smooth[back:frame]))
    release = back + int(np.nonzero(smooth[back:frame] >= top - RELEASE_WITHIN_DB)[0][-1])
    after = rms_db[release + 2 * width:release + 4 * width]  # a release falls at once; a fade falls for longer
    if not len(after) or float(np.median(after)) > top - RING_BELOW_DB:
        return None
    return release


def _ring_is_quiet(strong: np.ndarray, release: int, button: float) -> bool:
    """Whether the stretch from the release (frame) to the onset at ``button`` is a ring: at most one strong onset
    (``strong``: their times) per :data:`RING_ONSET_SECONDS`, the one at ``button`` counted."""
    start = float(_times(np.array([release]))[0])
    count = int(np.count_nonzero((strong > start) & (strong <= button)))
    return count <= max(1.0, (button - start) / RING_ONSET_SECONDS)


def _ending_at_release(release: int, rms_db: np.ndarray, onset_times: np.ndarray, onset_strength: np.ndarray,
                       end: float, loud: float, last: int, width: int) -> Ending:
    """The ending of music released at frame ``release`` (the smoothed level's last moment at its top) and ringing
    on quietly to ``end``: a button when a strong onset at full level stands just before the release (within a
    second of it) with only decay after it; else the music stops at the release (a cut), its ring to ``end``."""
    at = float(_times(np.array([release]))[0]) + width * HOP / ANALYSIS_RATE  # the smoothing's half-width after it
    near_release = onset_times[(onset_strength >= STRONG_ONSET) & (onset_times <= at) & (onset_times >= at - 1.0)]
    if len(near_release):
        button = float(near_release[-1])
        frame = int(button * ANALYSIS_RATE / HOP)
        if not _rises_after(rms_db, frame, last) and float(np.max(rms_db[frame:frame + 2 * width])) > loud - 15.0:
            return Ending("button", round(button, 4), round(end, 4))
    # the release itself: the last frame of the raw level within RELEASE_WITHIN_DB of the held music's
    lo = max(0, release - 2 * width)
    hi = min(len(rms_db), release + 2 * width)
    held = float(np.max(rms_db[lo:hi]))
    stop = lo + int(np.nonzero(rms_db[lo:hi] >= held - RELEASE_WITHIN_DB)[0][-1]) + 1
    return Ending("cut", round(float(_times(np.array([stop]))[0]), 4), round(end, 4))


def label_sections(bounds: list[tuple[float, float]], levels_db: list[float], slopes_db: list[float]) -> tuple[Section, ...]:
    """Sections from their (start, end), mean level (dB) and level change across them (dB)."""
    if not bounds:
        return ()
    lin = 10 ** (np.asarray(levels_db) / 20.0)
    energy = lin / (lin.max() or 1.0)
    median = float(np.median(levels_db))
    top = int(np.argmax(levels_db))
    labels = ["body"] * len(bounds)
    if len(bounds) >= 3 and levels_db[top] >= median + SECTION_CONTRAST_DB / 2:
        labels[top] = "climax"
        for j in range(top - 1, 0, -1):  # the rising stretch just before the climax
            if slopes_db[j] >= SECTION_CONTRAST_DB:
                labels[j] = "build"
            else:
                break
    if len(bounds) >= 2 and labels[0] != "climax" and levels_db[0] <= median - SECTION_CONTRAST_DB:
        labels[0] = "intro"
    if len(bounds) >= 2 and labels[-1] != "climax" and (levels_db[-1] <= median - SECTION_CONTRAST_DB
                                                         or slopes_db[-1] <= -2 * SECTION_CONTRAST_DB):
        labels[-1] = "outro"
    return tuple(Section(round(a, 4), round(b, 4), round(float(e), 4), lab)
                 for (a, b), e, lab in zip(bounds, energy, labels))


def section_features(beat_frames: np.ndarray, chroma: np.ndarray, mfcc: np.ndarray, rms_db: np.ndarray) -> np.ndarray:
    """Beat-synchronous features for segmentation: harmony (chroma), timbre (MFCC 1-12) and level (RMS dB),
    each group averaged over 8 beats, z-scored and weighted equally, so a change of level counts like a
    change of harmony."""
    from scipy.ndimage import uniform_filter1d

    librosa = load_librosa()

    if len(beat_frames) <= 4:
        return np.zeros((25, 0))
    groups = []
    for rows in (chroma, mfcc[1:13], rms_db[None, :]):
        synced = librosa.util.sync(rows[:, :chroma.shape[1]], beat_frames)
        synced = uniform_filter1d(synced, size=8, axis=1, mode="nearest")  # phrases, not beats
        z = (synced - synced.mean(axis=1, keepdims=True)) / (synced.std(axis=1, keepdims=True) + 1e-9)
        groups.append(z / np.sqrt(len(rows)))
    return np.vstack(groups)


def _merge_short(edges: list[float], levels: list[float], shortest: float) -> list[float]:
    """Section edges with every section shorter than ``shortest`` merged into its neighbour nearer in level."""
    edges, levels = list(edges), list(levels)
    while len(edges) > 2:
        lengths = np.diff(edges)
        j = int(np.argmin(lengths))
        if lengths[j] >= shortest:
            break
        if j == 0 or (j < len(levels) - 1 and abs(levels[j + 1] - levels[j]) < abs(levels[j - 1] - levels[j])):
            edges.pop(j + 1)  # into the next
            levels[j:j + 2] = [max(levels[j], levels[j + 1])]
        else:
            edges.pop(j)  # into the previous
            levels[j - 1:j + 1] = [max(levels[j - 1], levels[j])]
    return edges


def _level(rms_db: np.ndarray, a: float, b: float) -> tuple[float, float]:
    """(RMS level in dB, level change from first to last quarter) of the stretch ``a``..``b`` seconds."""
    lo = int(a * ANALYSIS_RATE / HOP)
    seg = rms_db[lo:max(lo + 1, int(b * ANALYSIS_RATE / HOP))]
    lin = 10 ** (seg / 20.0)
    q = max(1, len(seg) // 4)
    return float(_db(np.array([np.sqrt(np.mean(lin ** 2))]))[0]), float(np.mean(seg[-q:]) - np.mean(seg[:q]))


def novelty(features: np.ndarray, width: int) -> np.ndarray:
    """Per beat, how far the mean of the ``width`` beats after it lies from the mean of the ``width`` before
    (a two-window form of Foote's checkerboard novelty over the self-similarity of the features)."""
    n = features.shape[1]
    out = np.zeros(n)
    if n < 2 * width:
        return out
    csum = np.concatenate([np.zeros((features.shape[0], 1)), np.cumsum(features, axis=1)], axis=1)
    for j in range(width, n - width + 1):
        before = (csum[:, j] - csum[:, j - width]) / width
        after = (csum[:, j + width] - csum[:, j]) / width
        out[j] = float(np.linalg.norm(after - before))
    return out


def _sections(beat_frames: np.ndarray, bars: np.ndarray, features: np.ndarray, rms_db: np.ndarray,
              duration: float) -> tuple[Section, ...]:
    """Sections where the beat-synchronous ``features`` change most (novelty peaks), boundaries on bar lines."""
    from scipy.signal import find_peaks

    cuts: list[float] = []
    beat_seconds = float(np.median(np.diff(beat_frames))) * HOP / ANALYSIS_RATE if len(beat_frames) > 1 else 0.5
    width = max(4, int(round(SECTION_MIN_SECONDS / 2 / beat_seconds)))
    curve = novelty(features, width) if features.shape[1] else np.zeros(0)
    if curve.any():
        peaks, props = find_peaks(curve, distance=width, prominence=NOVELTY_PROMINENCE * float(np.max(curve)))
        keep = sorted(peaks[np.argsort(props["prominences"])[::-1][:int(duration // SECTION_MIN_SECONDS)]])
        edges_f = np.concatenate([[0], beat_frames])  # feature column j spans edges_f[j] .. edges_f[j + 1]
        times = _times(edges_f[np.clip(keep, 0, len(edges_f) - 1)])
        if len(bars) and len(times):  # on the nearest bar line
            times = bars[np.abs(bars[None, :] - times[:, None]).argmin(axis=1)]
        cuts = sorted({round(float(t), 4) for t in times if 1.0 < t < duration - 1.0})
    edges = [0.0, *cuts, duration]
    log.debug("section cuts %s", cuts)
    edges = _merge_short(edges, [_level(rms_db, a, b)[0] for a, b in zip(edges, edges[1:])],
                         min(SECTION_MIN_SECONDS, duration / 3))
    bounds = list(zip(edges, edges[1:]))
    measured = [_level(rms_db, a, b) for a, b in bounds]
    return label_sections(bounds, [m[0] for m in measured], [m[1] for m in measured])


def intensity_features(spec: np.ndarray, mel: np.ndarray, envelope: np.ndarray, rms_db: np.ndarray) -> dict[str, float]:
    """The features of :data:`INTENSITY_FEATURES` from the magnitude and mel power spectrograms, the
    onset-strength envelope and the level (dB), measured over the frames where the piece sounds."""
    librosa = load_librosa()

    n = min(spec.shape[1], mel.shape[1], len(envelope), len(rms_db))
    sounding = np.nonzero(rms_db[:n] > float(np.percentile(rms_db, 95)) - SILENCE_BELOW_PEAK_DB)[0]
    if len(sounding) == 0:
        sounding = np.arange(n)
    # on a coarser grid (mel bands and frames in pairs) with a kernel half as long: the same spans, 8x cheaper
    coarse = mel[:, sounding]
    coarse = coarse[: coarse.shape[0] // 2 * 2, : coarse.shape[1] // 2 * 2]
    coarse = coarse.reshape(coarse.shape[0] // 2, 2, -1).sum(axis=1)
    coarse = coarse.reshape(coarse.shape[0], -1, 2).sum(axis=2)
    harmonic, percussive = librosa.decompose.hpss(coarse, kernel_size=9)
    contrast = librosa.feature.spectral_contrast(S=spec[:, sounding], sr=ANALYSIS_RATE)
    return {
        "loudness_db": float(np.percentile(rms_db, 90)),
        "percussive": float(percussive.sum() / (harmonic.sum() + percussive.sum() + 1e-12)),
        "contrast_db": float(contrast.mean()),
        "onset_peak": float(np.percentile(envelope[sounding], 90)),
    }


def intensity_from(features: Mapping[str, float]) -> float:
    """Intensity 1..5 from the features named in :data:`INTENSITY_FEATURES`."""
    total = 0.0
    for name, (weight, lo, hi) in INTENSITY_FEATURES.items():
        total += weight * float(np.clip((features[name] - lo) / (hi - lo), 0.0, 1.0))
    total /= sum(w for w, _, _ in INTENSITY_FEATURES.values())
    return round(1.0 + 4.0 * total, 2)


def mood_hints(intensity: float, minor: bool, mood_table: Mapping[str, int] | None = None) -> tuple[str, ...]:
    """Up to two moods of the planner's mood table (name -> intensity 1..5) that fit the estimate.

    Among the moods whose table intensity lies within one step of ``intensity``, the darker ones (sad,
    tension, horror, mystery) for a minor key and the others for a major key (the other colour when none
    fits), nearest first.
    """
    if mood_table is None:
        mood_table = rules_mood_table()
    dark = {"sad", "tension", "horror", "mystery"}
    near = sorted(((m in dark) != minor, abs(level - intensity), m) for m, level in mood_table.items()
                  if abs(level - intensity) <= 1.0 and m != "underscore")
    if not near:
        return ()
    same = [m for off, _, m in near if off == near[0][0]]  # a second hint only of the same colour
    return tuple(same[:2])


def rules_mood_table(rules: Rules | None = None) -> dict[str, int]:
    """The planner's moods and their intensities (``rules``' ``[moods]`` table; the shipped rules' when None)."""
    from ..plan.rules import default_rules

    table = (rules if rules is not None else default_rules()).get("moods")
    return {name: int(entry.get("intensity", 3)) for name, entry in table.items()}


def _is_minor(chroma: np.ndarray) -> bool:
    """Major or minor, by correlating the mean chroma with the Krumhansl-Kessler key profiles."""
    major = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
    minor = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
    profile = chroma.mean(axis=1)
    if not np.isfinite(profile).all() or profile.std() == 0:
        return False
    best = lambda p: max(np.corrcoef(np.roll(p, k), profile)[0, 1] for k in range(12))  # noqa: E731
    return bool(best(minor) > best(major))


def analyse_audio(samples: np.ndarray, sr: int, beats_per_bar: int | None = None,
                  mood_table: Mapping[str, int] | None = None) -> PieceAnalysis:
    """Analyse mono float samples at ``sr`` (resampled to :data:`ANALYSIS_RATE`)."""
    librosa = load_librosa()

    y = np.asarray(samples, dtype=np.float32).reshape(-1)
    if sr != ANALYSIS_RATE and len(y):
        y = librosa.resample(y, orig_sr=sr, target_sr=ANALYSIS_RATE)
    duration = len(y) / ANALYSIS_RATE
    if len(y) < HOP * 4:
        return PieceAnalysis(duration, 0.0, (), (), beats_per_bar or 4, (), (), (), Ending("cut", duration, duration),
                             1.0, (), True)
    spec = np.abs(librosa.stft(y, n_fft=2048, hop_length=HOP))
    power = spec ** 2  # once: the mel and chroma filters both take it (a long piece's spectrogram is ~100 MB)
    mel = librosa.feature.melspectrogram(S=power, sr=ANALYSIS_RATE)
    mel_db = librosa.power_to_db(mel, ref=np.max)
    envelope = librosa.onset.onset_strength(S=mel_db, sr=ANALYSIS_RATE, hop_length=HOP)
    # trim=False: librosa's trimming drops the beats of a quiet intro; beats outside the sound are dropped below
    tempo = global_tempo(envelope)
    _, beat_frames = librosa.beat.beat_track(onset_envelope=envelope, sr=ANALYSIS_RATE, hop_length=HOP, trim=False,
                                             bpm=tempo)
    rms_db = _db(librosa.feature.rms(S=spec, frame_length=2048, hop_length=HOP)[0])
    sounding = np.nonzero(rms_db > float(np.percentile(rms_db, 95)) - SILENCE_BELOW_PEAK_DB)[0]
    if len(sounding):
        beat_frames = beat_frames[(beat_frames >= sounding[0] - 2) & (beat_frames <= sounding[-1])]
    onset_frames = librosa.onset.onset_detect(onset_envelope=envelope, sr=ANALYSIS_RATE, hop_length=HOP)
    peak = float(envelope[onset_frames].max()) if len(onset_frames) else 1.0
    strengths = envelope[onset_frames] / (peak or 1.0)
    onset_times = _times(onset_frames)
    beats = _times(beat_frames)
    chroma = librosa.feature.chroma_stft(S=power, sr=ANALYSIS_RATE, hop_length=HOP, tuning=0.0)
    del power
    bars, metre = group_bars(beats, beat_accents(beat_frames, envelope, mel_db, chroma), beats_per_bar)
    mfcc = librosa.feature.mfcc(S=mel_db, n_mfcc=13)
    feats = section_features(beat_frames, chroma, mfcc, rms_db)
    sections = _sections(beat_frames, bars, feats, rms_db, duration)
    ending = find_ending(rms_db, onset_times, strengths, duration)
    features = intensity_features(spec, mel, envelope, rms_db)
    log.debug("intensity features %s", features)
    intensity = intensity_from(features)
    return PieceAnalysis(
        duration=round(duration, 4), tempo=round(tempo, 2), beats=tuple(np.round(beats, 4).tolist()),
        bars=tuple(np.round(bars, 4).tolist()), beats_per_bar=metre, onsets=tuple(np.round(onset_times, 4).tolist()),
        onset_strength=tuple(np.round(strengths, 4).tolist()), sections=sections, ending=ending, intensity=intensity,
        mood_hints=mood_hints(intensity, _is_minor(chroma), mood_table), estimated=True,
    )


def analyse_piece(path: str | os.PathLike, beats_per_bar: int | None = None,
                  mood_table: Mapping[str, int] | None = None) -> PieceAnalysis:
    """Decode ``path`` (ffmpeg, mono at :data:`ANALYSIS_RATE`) and analyse it; raises ``DecodeError``."""
    from ..audio.decode import decode

    samples = decode(path, sample_rate=ANALYSIS_RATE, channels=1)[:, 0]
    return analyse_audio(samples, ANALYSIS_RATE, beats_per_bar, mood_table)


def summary(analysis: PieceAnalysis) -> dict[str, Any]:
    """The analysis for people and ``library --json``: everything but the beat and onset lists."""
    out = analysis.to_dict()
    for key in ("beats", "onsets", "onset_strength"):
        out.pop(key)
    out["beat_count"] = len(analysis.beats)
    return out
