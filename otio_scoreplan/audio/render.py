"""Render fitted temp cues: one Broadcast Wave file per cue, and a whole-film preview mix.

Each cue is decoded, fitted (:mod:`.fit`) and levelled (:mod:`.loudness`), then written as WAV 48 kHz
24-bit stereo named by its cue id and content (``1M1_<hash8>.wav``: never written over, the same bytes
on every run), with a bext TimeReference at the cue's record timecode. The preview
mix is streamed block by block: worker threads fit and level the next cues in start order (numpy, the
filters and file reads release the GIL, so they run beside the writing) and park each in a temporary raw
file; the mix reads one block of each sounding cue from there. A short cue is fitted and levelled whole in
memory; a cue longer than ``long_cue_seconds`` is fitted a window at a time, measured as it is parked on disk
and levelled as it is read back (:mod:`.stream`: the same samples), so memory holds a few windows and a
block per worker whatever the cue's or the film's length.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..library.choose import Pick
from ..library.cuespec import CueSpec
from ..model import SequenceInfo
from ..outfile import content_named, spill_file
from .bwf import Bext, BwfWriter, write_bwf
from .decode import DecodeError, decode, open_piece
from .encode import mix_file
from .fit import FitSettings, Fitted, cue_sample_range, fit, frame_to_sample
from .loudness import DEFAULT_CEILING_DBTP, DEFAULT_TARGET_LUFS, Leveling, gain_factor, level
from .stream import WINDOW_FRAMES, ParkedCue, fitted_window, park_cue

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
    spill_dir: str | None = None  # where prepared cues wait for the mix (default: the system's temp folder)
    workers: int = 2  # threads fitting and levelling upcoming cues while the mix is written (each holds one cue)
    lookahead_cues: int = 4  # prepared cues waiting on disk for their turn
    long_cue_seconds: float = 30.0  # longer cues are fitted and levelled a window at a time (bounded memory)
    clean_media: bool = False  # per-cue files: the cut with handles and no fades (the clips carry them as automation)
    handle_seconds: float = 2.0  # clean media: music kept before the in and after the out, where the piece allows
    cut: bool = True  # score cues cut as a music editor would (:mod:`.cut`); False: laid from the offset and looped
    intensity_range_lu: float = 8.0  # a cue of intensity 5 sits this much louder than one of 1; 3 at the target
    duck_db: float = 0.0  # the ride under the cue's speech (``CueSpec.speech``), dB (negative); 0: no ride
    duck_ramp_seconds: float = 0.3  # the ride's ramp down before speech and up after it


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
    head_frames: int = 0  # the handle before the cue's in, whole frames: where a clip of the cue starts in the file
    fade_in: int = 0  # samples of entry fade a clip of the clean file carries as automation (0: none, or baked in)
    fade_out: int = 0  # samples of exit fade, ending at the out (or at the end of the ring past it)
    past_out_frames: int = 0  # whole frames a clip of the clean file plays past the cue's out (a button's ring)
    ride_baked: bool = False  # the ride under the cue's speech is in the file (else a clip plays it as automation)
    fade_out_shape: str = "sine"  # the exit fade's curve (:func:`~.fit.fade_points`): 'ring' for a button's decay


@dataclass
class MixReport:
    """What a preview-mix render did."""

    path: Path
    frames: int
    cues_mixed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (cue id, reason)
    max_active: int = 0  # most cues held at once


def render_settings_from_rules(rules, **overrides) -> RenderSettings:  # type: ignore[no-untyped-def]
    """Render settings with the rules' ``[temp]`` table (intensity range, handles); ``overrides`` on top."""
    from .fit import fit_settings_from_rules

    table = rules.get("temp")
    return RenderSettings(**{"fit": fit_settings_from_rules(rules), "intensity_range_lu": float(table["intensity_range_lu"]),
                             "handle_seconds": float(table["handle_seconds"]),
                             "duck_db": float(table.get("duck_db", 0.0)),
                             "duck_ramp_seconds": float(table.get("duck_ramp_seconds", 0.3)), **overrides})


def cue_ride(cue: CueSpec, seq: SequenceInfo, settings: RenderSettings, before: int = 0, after: int = 0):  # type: ignore[no-untyped-def]
    """The ride under ``cue``'s speech over the frames it sounds (``before`` its in to ``after`` past its out):
    keyframes (timeline frame, dB) from :func:`~.duck.ride_points`; () when the cue has no speech or no ride is set."""
    from .duck import ramp_frames, ride_points

    return ride_points(cue.speech, cue.start_frame - before, cue.end_frame + after, settings.duck_db,
                       ramp_frames(settings.duck_ramp_seconds, seq.rate))


def _ride_gain(points, seq: SequenceInfo, sr: int, lo: int, hi: int):  # type: ignore[no-untyped-def]
    """Per-sample gain of the ride ``points`` over mix samples ``lo``..``hi`` (from the sequence's first frame)."""
    from .duck import ride_gain

    origin = frame_to_sample(seq.start_frame, seq.rate, sr)
    return ride_gain(points, lambda f: frame_to_sample(seq.start_frame + f, seq.rate, sr) - origin, lo, hi)


def _sounding_ride(cue: CueSpec, seq: SequenceInfo, settings: RenderSettings, start_sample: int, end_sample: int):  # type: ignore[no-untyped-def]
    """:func:`cue_ride` over every frame the fitted cue sounds (mix samples ``start_sample``..``end_sample``): a
    segue's lead and tail, and a button's ring past the out, ride as the clip written for it does (its ride spans
    the clip, ramping back up after the talk), not held at the level of the cue's last frame."""
    sr = settings.fit.sample_rate
    cue_start, cue_end = cue_sample_range(cue, seq.rate, sr, seq.start_frame)
    rate = float(seq.rate)
    before = int(math.ceil(max(0, cue_start - start_sample) * rate / sr)) + (1 if start_sample < cue_start else 0)
    after = int(math.ceil(max(0, end_sample - cue_end) * rate / sr)) + (1 if end_sample > cue_end else 0)
    return cue_ride(cue, seq, settings, before, after)


def render_file_stem(cue_id: str) -> str:
    """The start of a cue's render's file name: its id, anything but letters, digits, ``.-_`` replaced.

    The file is ``<stem>_<hash8>.wav`` (:func:`~otio_scoreplan.outfile.content_named`). The plan schema refuses
    ids that give no stem or the stem of another cue (:func:`~otio_scoreplan.plan.schema.cue_file_stem`).
    """
    from ..plan.schema import cue_file_stem as plan_stem

    return plan_stem(cue_id) or "cue"


def target_lufs(cue: CueSpec, settings: RenderSettings) -> float:
    """The loudness ``cue`` is levelled to: the target for intensity 3 (or unknown), up or down a step per level."""
    if cue.intensity is None:
        return settings.target_lufs
    level = 1.0 + 4.0 * (min(1.0, max(0.2, cue.intensity)) - 0.2) / 0.8  # the plan's 1..5 (stored as 0.2..1)
    return settings.target_lufs + (level - 3.0) * settings.intensity_range_lu / 4.0


def _cut_fitted(cue: CueSpec, pick: Pick, seq: SequenceInfo, settings: RenderSettings, lead_frames: int,
                tail_seconds: float) -> Fitted | None:
    """The cue cut from its piece (:func:`~.cut.cut_layout`) whole in memory; None when the piece must loop."""
    from .cut import cut_layout

    sr = settings.fit.sample_rate
    with open_piece(pick.path, sample_rate=sr, folder=settings.spill_dir) as piece:
        layout = cut_layout(piece, cue, seq.rate, pick.offset_seconds, settings.fit, seq.start_frame, lead_frames, tail_seconds,
                            seq.start_frame + seq.duration_frames)
        if layout is None:
            return None
        samples = fitted_window(piece, layout, 0, layout.length)
    return Fitted(cue.id, layout.start_sample, samples, layout.offset / sr, layout.joins, layout.fade_in, layout.fade_out,
                  layout.hit, layout.lead, layout.tail, layout.edits, layout.button)


def prepare(cue: CueSpec, pick: Pick, seq: SequenceInfo, settings: RenderSettings = RenderSettings(),
            lead_frames: int = 0, tail_seconds: float = 0.0, exact_peak: bool = True) -> tuple[Fitted, Leveling | None]:
    """Decode the picked piece, fit it to ``cue`` and level it. Raises :class:`DecodeError`.

    With ``settings.cut`` the piece is cut for the cue (``lead_frames`` before it, up to ``tail_seconds``
    after it: a segue's overlap); a piece that cannot be cut or laid is looped from its offset. Without
    ``exact_peak`` the true peak is measured only as far as the gain needs (the mix: same samples, no peak shown).
    """
    sr = settings.fit.sample_rate
    start, end = cue_sample_range(cue, seq.rate, sr, seq.start_frame)
    need_all = settings.fit.align_hits and bool(cue.hits)
    offset = max(0, int(round(pick.offset_seconds * sr)))
    fitted = _cut_fitted(cue, pick, seq, settings, lead_frames, tail_seconds) if settings.cut else None
    if fitted is None and not need_all:  # most cues: read just the cue's stretch of the piece and fit it in place
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
        fitted.samples, leveling = level(fitted.samples, target_lufs(cue, settings), settings.ceiling_db, sr, in_place=True,
                                         exact_peak=exact_peak)
        _note_ceiling(cue, leveling, settings)
    return fitted, leveling


def _note_ceiling(cue: CueSpec, leveling: Leveling | None, settings: RenderSettings) -> None:
    if leveling is not None and leveling.ceiling_limited:
        log.info("cue %s: held %.1f LU under the target by the %.1f dBTP ceiling", cue.id,
                 target_lufs(cue, settings) - leveling.output_lufs, settings.ceiling_db)


def is_long(cue: CueSpec, seq: SequenceInfo, settings: RenderSettings = RenderSettings()) -> bool:
    """Whether ``cue`` is rendered a window at a time (longer than ``settings.long_cue_seconds``)."""
    start, end = cue_sample_range(cue, seq.rate, settings.fit.sample_rate, seq.start_frame)
    return end - start > settings.long_cue_seconds * settings.fit.sample_rate


def park(cue: CueSpec, pick: Pick, seq: SequenceInfo, settings: RenderSettings = RenderSettings(),
         folder: str | None = None, lead_frames: int = 0, tail_seconds: float = 0.0, exact_peak: bool = True) -> ParkedCue:
    """:func:`prepare` a window at a time: the cue parked on disk, levelled as it is read back. Raises :class:`DecodeError`."""
    from .cut import cut_layout

    layout_of = None
    if settings.cut:
        def layout_of(piece):  # type: ignore[no-untyped-def]
            return cut_layout(piece, cue, seq.rate, pick.offset_seconds, settings.fit, seq.start_frame, lead_frames,
                              tail_seconds, seq.start_frame + seq.duration_frames)
    parked = park_cue(cue, pick.path, pick.offset_seconds, seq.rate, seq.start_frame, settings.fit,
                      normalise=settings.normalise, target_lufs=target_lufs(cue, settings), ceiling_db=settings.ceiling_db,
                      folder=folder if folder is not None else settings.spill_dir, layout_of=layout_of, exact_peak=exact_peak)
    _note_ceiling(cue, parked.leveling, settings)
    return parked


def render_cue(cue: CueSpec, pick: Pick, seq: SequenceInfo, media_dir: str | os.PathLike,
               settings: RenderSettings = RenderSettings()) -> RenderedCue:
    """Render one cue to ``media_dir/<cue id>_<hash8>.wav`` (Broadcast Wave, spotted at the cue's record timecode)."""
    sr = settings.fit.sample_rate
    if is_long(cue, seq, settings):
        return _render_long_cue(cue, pick, seq, media_dir, settings)
    fitted, leveling = prepare(cue, pick, seq, settings)
    gain = _ride_gain(_sounding_ride(cue, seq, settings, fitted.start_sample, fitted.end_sample), seq, sr,
                      fitted.start_sample, fitted.end_sample)
    if gain is not None:  # its fades are baked in: so is the ride
        fitted.samples *= gain[:, None]
    bext = _cue_bext(cue, pick, seq, leveling, sr)
    time_ref = bext.time_reference
    with content_named(media_dir, render_file_stem(cue.id), ".wav") as media:
        write_bwf(media.tmp, fitted.samples, bext, sample_rate=sr)
    assert media.path is not None
    return RenderedCue(cue.id, media.path, fitted.start_sample, len(fitted.samples), time_ref, fitted.offset_seconds,
                       fitted.loops, leveling, fitted.hit, ride_baked=gain is not None)


def render_clean_cue(cue: CueSpec, pick: Pick, seq: SequenceInfo, media_dir: str | os.PathLike,
                     settings: RenderSettings = RenderSettings(), lead_frames: int = 0,
                     tail_seconds: float = 0.0) -> RenderedCue | None:
    """Render one cue's clean media: the cut with handles (:func:`~.cut.media_layout`), levelled as the mix levels
    the cue, no fades (the clip plays them as automation); spotted at the file's own start (the in minus the head).

    A cue that segues (``lead_frames`` before its in, ``tail_seconds`` past its out, as :func:`render_mix` asks
    them) is cut and levelled as the mix cuts and levels it, so its A/B clip plays the music the mix crossfades.
    None when the piece is looped rather than cut (its file is rendered as :func:`render_cue` does).
    """
    from .cut import media_layout

    sr = settings.fit.sample_rate
    if is_long(cue, seq, settings):  # the level the mix gives the cue, measured as the mix measures it
        parked = park(cue, pick, seq, settings, None, lead_frames, tail_seconds)
        leveling, factor = parked.leveling, parked.factor
        parked.close()
    else:
        leveling = prepare(cue, pick, seq, settings, lead_frames, tail_seconds)[1]
        factor = gain_factor(leveling) if leveling is not None and math.isfinite(leveling.loudness_lufs) else None
    with open_piece(pick.path, sample_rate=sr, folder=settings.spill_dir) as piece:
        found = media_layout(piece, cue, seq.rate, pick.offset_seconds, settings.fit, seq.start_frame, settings.handle_seconds,
                             seq.start_frame + seq.duration_frames, lead_frames, tail_seconds)
        if found is None:
            return None
        layout, head_frames, (fade_in, fade_out, past_out, fade_out_shape) = found
        bext = replace(_cue_bext(cue, pick, seq, leveling, sr),
                       time_reference=frame_to_sample(seq.start_frame + cue.start_frame - head_frames, seq.rate, sr))
        with content_named(media_dir, render_file_stem(cue.id), ".wav") as media, \
                BwfWriter(media.tmp, bext, sample_rate=sr, channels=piece.channels) as writer:
            for a in range(0, layout.length, WINDOW_FRAMES):
                window = fitted_window(piece, layout, a, min(layout.length, a + WINDOW_FRAMES))
                writer.write(window * factor if factor is not None else window)
    assert media.path is not None
    return RenderedCue(cue.id, media.path, layout.start_sample, layout.length, bext.time_reference, layout.offset / sr,
                       layout.joins, leveling, "", head_frames, fade_in, fade_out, past_out, fade_out_shape=fade_out_shape)


def _cue_bext(cue: CueSpec, pick: Pick, seq: SequenceInfo, leveling: Leveling | None, sr: int) -> Bext:
    return Bext(
        time_reference=frame_to_sample(seq.start_frame + cue.start_frame, seq.rate, sr),
        description=f"{cue.id} temp: {pick.title} ({seq.timecode(cue.start_frame)}-{seq.timecode(cue.end_frame)})",
        originator_reference=cue.id,
        loudness_lufs=leveling.output_lufs if leveling else None,
        max_true_peak_db=leveling.output_peak_db if leveling else None,
        coding_history=f"A=PCM,F={sr},W=24,M=stereo,T=otio-scoreplan temp fit\r\n",
        dated=False,  # the same cue renders the same bytes, so its content-addressed name is stable
    )


def _render_long_cue(cue: CueSpec, pick: Pick, seq: SequenceInfo, media_dir: str | os.PathLike,
                     settings: RenderSettings) -> RenderedCue:
    """:func:`render_cue` for a long cue: parked a window at a time, then written levelled a window at a time."""
    sr = settings.fit.sample_rate
    parked = park(cue, pick, seq, settings)
    ride = _sounding_ride(cue, seq, settings, parked.start_sample, parked.end_sample)
    try:
        bext = _cue_bext(cue, pick, seq, parked.leveling, sr)
        with content_named(media_dir, render_file_stem(cue.id), ".wav") as media, \
                BwfWriter(media.tmp, bext, sample_rate=sr, channels=parked.channels) as writer:
            for a in range(0, parked.frames, WINDOW_FRAMES):
                window = parked.read_cue(a, a + WINDOW_FRAMES)
                gain = _ride_gain(ride, seq, sr, parked.start_sample + a, parked.start_sample + a + len(window))
                writer.write(window * gain[:, None] if gain is not None else window)
    finally:
        parked.close()
    assert media.path is not None
    return RenderedCue(cue.id, media.path, parked.start_sample, parked.frames, bext.time_reference, parked.offset_seconds,
                       parked.layout.joins, parked.leveling, parked.layout.hit, ride_baked=bool(ride))


def render_cues(cues: Sequence[CueSpec], picks: Sequence[Pick], seq: SequenceInfo, media_dir: str | os.PathLike,
                settings: RenderSettings = RenderSettings(),
                segues: dict[str, tuple[int, float]] | None = None) -> tuple[list[RenderedCue], list[tuple[str, str]]]:
    """Render every cue to its own file; a cue whose piece cannot be decoded is skipped with a warning. ``segues``:
    cue id -> (lead frames, tail seconds) of the cues that segue (:func:`~.cut.segue_edges`), for clean media.

    Returns the rendered cues and the skipped ones as (cue id, reason).
    """
    done: list[RenderedCue] = []
    skipped: list[tuple[str, str]] = []
    for cue, pick in zip(cues, picks):
        try:
            lead, tail = (segues or {}).get(cue.id, (0, 0.0))
            clean = render_clean_cue(cue, pick, seq, media_dir, settings, lead, tail) if settings.clean_media and settings.cut else None
            done.append(clean or render_cue(cue, pick, seq, media_dir, settings))
        except DecodeError as exc:
            log.warning("cue %s: not rendered: %s", cue.id, exc.one_line())
            skipped.append((cue.id, exc.one_line()))
    return done, skipped


def render_mix(cues: Sequence[CueSpec], picks: Sequence[Pick], seq: SequenceInfo, out: str | os.PathLike,
               settings: RenderSettings = RenderSettings(), progress: Progress | None = None) -> MixReport:
    """Render the whole temp score as one file aligned to the sequence's first frame, block by block.

    The file lasts exactly the sequence (to the sample) and carries a bext TimeReference at the
    sequence's start timecode. ``progress(done_samples, total_samples)`` is called after each block.
    The mix is written to a temporary file beside ``out`` and renamed over it when complete.
    """
    sr = settings.fit.sample_rate
    origin = frame_to_sample(seq.start_frame, seq.rate, sr)
    total = frame_to_sample(seq.start_frame + seq.duration_frames, seq.rate, sr) - origin
    block = max(1, int(settings.block_seconds * sr))
    edges: dict[str, tuple[CueSpec, int, float]] = {}
    if settings.cut:
        from .cut import segue_edges

        edges = segue_edges(list(cues), [p.path for p in picks], seq.rate)

    def lead_of(cue: CueSpec) -> int:
        return edges[cue.id][1] if cue.id in edges else 0

    order = sorted(zip(cues, picks), key=lambda cp: cp[0].start_frame - lead_of(cp[0]))
    report = MixReport(Path(out), total)
    bext = Bext(time_reference=origin, description=f"temp score preview mix: {seq.name} from {seq.start_timecode}",
                coding_history=f"A=PCM,F={sr},W=24,M=stereo,T=otio-scoreplan preview mix\r\n")
    workers = max(1, settings.workers)
    ahead: deque[tuple[CueSpec, int, Future | None]] = deque()  # (cue, start sample, its preparation)
    upcoming = iter(order)
    spill_dir = tempfile.TemporaryDirectory(prefix="scoreplan-mix-", dir=settings.spill_dir)

    def top_up(pool: ThreadPoolExecutor) -> None:
        """Start preparing the next cues, in start order, while workers and the look-ahead allow."""
        for cue, pick in upcoming:
            lead = lead_of(cue)
            c0 = frame_to_sample(seq.start_frame + cue.start_frame - lead, seq.rate, sr) - origin
            outside = cue.start_frame >= seq.duration_frames or cue.end_frame <= 0
            cue, _, tail = edges.get(cue.id, (cue, 0, 0.0))
            ahead.append((cue, c0, None if outside else
                          pool.submit(_prepare_spilled, cue, pick, seq, settings, spill_dir.name, lead, tail)))
            if sum(job is not None and not job.done() for *_, job in ahead) >= workers or len(ahead) >= settings.lookahead_cues:
                return

    active: list[_Spilled] = []
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scoreplan-fit") as pool:
            try:
                with mix_file(out) as tmp, BwfWriter(tmp, bext, sample_rate=sr) as writer:  # (encoded by its suffix)
                    for b0 in range(0, total, block):
                        b1 = min(total, b0 + block)
                        top_up(pool)
                        while ahead and ahead[0][1] < b1:
                            cue, _c0, job = ahead.popleft()
                            if job is None:
                                report.skipped.append((cue.id, "outside the sequence"))
                            else:
                                try:
                                    active.append(job.result())
                                    report.cues_mixed += 1
                                except DecodeError as exc:
                                    log.warning("cue %s: left out of the mix: %s", cue.id, exc.one_line())
                                    report.skipped.append((cue.id, exc.one_line()))
                            top_up(pool)
                        report.max_active = max(report.max_active, len(active))
                        buf = np.zeros((b1 - b0, 2), dtype=np.float32)
                        for f in active:
                            lo, hi = max(b0, f.start_sample), min(b1, f.end_sample)
                            if hi > lo:
                                buf[lo - b0 : hi - b0] += f.read(lo, hi)
                        for f in active:
                            if f.end_sample <= b1:
                                f.close()
                        active = [f for f in active if f.end_sample > b1]
                        writer.write(buf)
                        if progress:
                            progress(b1, total)
            finally:
                for *_, job in ahead:
                    if job is not None and not job.cancel():
                        try:
                            job.result().close()
                        except Exception:  # noqa: BLE001 - its error was not asked for: the mix stops anyway
                            pass
    finally:
        for f in active:
            f.close()
        spill_dir.cleanup()
    return report


class _Spilled:
    """A fitted, levelled cue parked in a raw float32 file until the mix reaches it: memory holds only a block."""

    def __init__(self, fitted: Fitted, folder: str) -> None:
        self.start_sample, self.end_sample = fitted.start_sample, fitted.end_sample
        self.channels = fitted.samples.shape[1]
        self._fh = spill_file(folder)
        for i in range(0, len(fitted.samples), 1 << 16):
            self._fh.write(np.ascontiguousarray(fitted.samples[i : i + (1 << 16)], dtype="<f4"))

    def read(self, lo: int, hi: int) -> np.ndarray:
        """Samples ``lo`` to ``hi`` (mix positions) of the cue."""
        self._fh.seek((lo - self.start_sample) * 4 * self.channels)
        return np.fromfile(self._fh, dtype="<f4", count=(hi - lo) * self.channels).reshape(-1, self.channels)

    def close(self) -> None:
        self._fh.close()


def _prepare_spilled(cue: CueSpec, pick: Pick, seq: SequenceInfo, settings: RenderSettings, folder: str,
                     lead_frames: int = 0, tail_seconds: float = 0.0) -> _Spilled | ParkedCue | _Ridden:
    """:func:`prepare` a cue and park it on disk (a long cue a window at a time: :func:`park`), riding down
    under its speech as it is read back (:func:`cue_ride`). The mix shows no peak levels: the true peak is
    measured only as far as each cue's gain needs (the same samples; about a quarter of the mix's CPU before)."""
    if is_long(cue, seq, settings):
        parked: _Spilled | ParkedCue = park(cue, pick, seq, settings, folder, lead_frames, tail_seconds, exact_peak=False)
    else:
        parked = _Spilled(prepare(cue, pick, seq, settings, lead_frames, tail_seconds, exact_peak=False)[0], folder)
    ride = _sounding_ride(cue, seq, settings, parked.start_sample, parked.end_sample)
    return _Ridden(parked, ride, seq, settings.fit.sample_rate) if ride else parked


class _Ridden:
    """A parked cue read back with its ride under speech applied (the mix's interface: start/end sample, read, close)."""

    def __init__(self, inner: _Spilled | ParkedCue, ride, seq: SequenceInfo, sr: int) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.ride, self.seq, self.sr = inner, ride, seq, sr
        self.start_sample, self.end_sample = inner.start_sample, inner.end_sample

    def read(self, lo: int, hi: int) -> np.ndarray:
        x = self.inner.read(lo, hi)
        gain = _ride_gain(self.ride, self.seq, self.sr, lo, lo + len(x))
        return x * gain[:, None] if gain is not None else x

    def close(self) -> None:
        self.inner.close()
