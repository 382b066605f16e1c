"""Shot cuts from a reference video (optional extra ``pip install .[video]``: PySceneDetect + OpenCV).

When an editor hands over a *baked* reference (the whole picture rendered to one file and laid in the
timeline as one long clip, or an audio-only timeline sent with a QuickTime), the timeline holds no
cuts; the picture itself does. ``scoreplan inspect --reference-video FILE`` finds them with
PySceneDetect's content detector and lays them over the timeline's own shots:

- the reference is taken to start at the sequence's first frame, unless told otherwise
  (``start_offset_frames``: the sequence frame its first frame shows; negative when the video holds
  frames before the sequence starts, e.g. a leader);
- a video frame is placed through *time*, not by its index, so a reference whose rate differs from
  the sequence (a 24 fps render of a 23.976 cut, a 30 fps screen recording) still lands right. The
  video frame starting at time ``t`` shows the sequence frame playing at ``t``, so a cut on video
  frame ``i`` is the sequence cut ``floor(i * seq_rate / video_rate)``: exact rational arithmetic,
  no rounding of float seconds. The video is taken as constant frame rate (as every NLE export is);
- the timeline's own cuts always stay. A detected cut splits a shot of real picture (a ``clip`` or
  ``nested`` shot, the long clip of a baked reference) when it falls more than ``CUT_TOLERANCE``
  frames from that shot's edges; one within the tolerance of an existing cut *is* that cut (and
  counts as agreement, a check that the reference is in sync). Gaps, slug and titles are never
  split, except when the timeline holds no picture at all (every shot a gap): then the shots are
  the reference's. The pieces of a split shot get ``kind="reference"``.

scenedetect is imported inside :func:`detect_reference` only; without it a
:class:`~otio_scoreplan.errors.ScorePlanError` says how to install it.
"""

from __future__ import annotations

import bisect
import logging
import math
import os
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from ..errors import InputError, ScorePlanError, UsageError
from ..model import Shot
from ..timecode import STANDARD_RATES, from_timecode

log = logging.getLogger(__name__)

# A detected cut this close (in sequence frames) to a cut the timeline already has is that cut.
CUT_TOLERANCE = 1
# PySceneDetect's content detector threshold (its default) and the shortest shot it may report.
# The shortest shot is kept small (a quarter second at 24 fps): features do cut that fast; the
# detector's own default of 15 frames would merge quick cuts.
DEFAULT_THRESHOLD = 27.0
DEFAULT_MIN_SHOT_FRAMES = 6
# Shots split into pieces this kind says where their boundaries came from.
REFERENCE_KIND = "reference"
# Shot kinds that are real picture whose content the timeline cannot see into.
_SPLITTABLE = ("clip", "nested")

# FFmpeg's AV_LOG_QUIET, for OPENCV_FFMPEG_LOGLEVEL.
_FFMPEG_QUIET = "-8"

INSTALL_HINT = "install the video extra: pip install .[video] (PySceneDetect with OpenCV)"


@dataclass(frozen=True)
class ReferenceVideo:
    """What a reference video showed, placed in sequence frames.

    ``start_frame``/``end_frame`` are the sequence frames the video covers (end exclusive), ``cuts``
    the detected cuts (first frame of each new shot) inside that range, sorted.
    """

    path: str
    video_rate: Fraction
    video_frames: int
    start_frame: int
    end_frame: int
    cuts: list[int] = field(default_factory=list)


def exact_rate(rate: float | Fraction) -> Fraction:
    """A frame rate as an exact fraction: 23.976023976 -> 24000/1001 (the standard rates), else close."""
    value = float(rate)
    for exact in STANDARD_RATES.values():
        if abs(float(exact) - value) < 1e-6:
            return exact
    return Fraction(rate).limit_denominator(100000)


def video_frame_to_sequence(index: int, video_rate: Fraction, seq_rate: Fraction, start_offset_frames: int = 0) -> int:
    """The sequence frame playing when video frame ``index`` starts (the frame it shows)."""
    return start_offset_frames + math.floor(Fraction(index) * seq_rate / video_rate)


def video_length_in_sequence(frames: int, video_rate: Fraction, seq_rate: Fraction) -> int:
    """How many sequence frames start while a video of ``frames`` frames plays."""
    return math.ceil(Fraction(frames) * seq_rate / video_rate)


def detect_reference(
    video_path: str | os.PathLike,
    rate: float | Fraction,
    start_offset_frames: int = 0,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_shot_frames: int = DEFAULT_MIN_SHOT_FRAMES,
) -> ReferenceVideo:
    """Detect the hard cuts of a reference video and place them in sequence frames at ``rate``.

    Raises :class:`ScorePlanError` when PySceneDetect is not installed and :class:`InputError`
    when the file is missing or is not a video OpenCV can decode.
    """
    path = Path(video_path)
    # FFmpeg inside OpenCV prints its own complaints ("moov atom not found") to stderr; ours say it in
    # one line. Read once, at OpenCV's first use of FFmpeg; a user may set it to see them.
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", _FFMPEG_QUIET)
    try:
        import scenedetect
        from scenedetect import ContentDetector, SceneManager, VideoOpenFailure, VideoStreamCv2
    except ImportError:
        raise ScorePlanError(f"--reference-video needs PySceneDetect: {INSTALL_HINT}", path) from None
    sd_log = logging.getLogger("pyscenedetect")
    if not sd_log.handlers and sd_log.level <= logging.INFO:  # as its import leaves it: progress at INFO
        sd_log.setLevel(logging.WARNING)  # on the user's terminal; a caller who configured it keeps theirs
    if not path.is_file():
        raise InputError("the reference video does not exist or is not a file", path)
    try:  # OpenCV's stream directly: open_video() logs a warning before the error we report anyway
        video = VideoStreamCv2(str(path))
    except (VideoOpenFailure, OSError, ValueError):
        raise InputError("cannot open the reference video: not a video OpenCV's FFmpeg can decode", path) from None
    video_rate = Fraction(video.frame_rate)
    manager = SceneManager()
    manager.add_detector(ContentDetector(threshold=threshold, min_scene_len=max(1, min_shot_frames)))
    frames = manager.detect_scenes(video=video)
    if frames <= 0:
        raise InputError("the reference video holds no frames OpenCV can decode", path)
    starts = [start.frame_num for start, _ in manager.get_scene_list(start_in_scene=True)[1:]]
    seq_rate = exact_rate(rate)
    log.info(
        "reference video %s: %d frames at %s fps (scenedetect %s), %d cuts at video frames %s",
        path, frames, video_rate, scenedetect.__version__, len(starts), starts[:50],
    )
    begin = start_offset_frames
    end = start_offset_frames + video_length_in_sequence(frames, video_rate, seq_rate)
    cuts = sorted({video_frame_to_sequence(i, video_rate, seq_rate, start_offset_frames) for i in starts})
    return ReferenceVideo(str(path), video_rate, frames, begin, end, [c for c in cuts if begin < c < end])


def detect_cuts(
    video_path: str | os.PathLike, rate: float | Fraction, start_offset_frames: int = 0
) -> list[int]:
    """The reference video's hard cuts as sequence frames (first frame of each new shot), sorted."""
    return detect_reference(video_path, rate, start_offset_frames).cuts


def reference_for_sequence(
    video_path: str | os.PathLike, rate: float, seq_start_frame: int, start_timecode: str | None = None
) -> ReferenceVideo:
    """Detect a reference video's cuts for a sequence; ``start_timecode`` is the record timecode of
    the video's first frame (default: the sequence's first frame), as ``--reference-start`` gives it."""
    offset = 0
    if start_timecode:
        try:
            offset = from_timecode(start_timecode, rate) - seq_start_frame
        except ValueError as exc:
            raise UsageError(f"--reference-start {start_timecode!r}: {exc}", video_path) from None
    return detect_reference(video_path, rate, offset)


def refine_shots(shots: list[Shot], reference: ReferenceVideo, duration: int) -> tuple[list[Shot], list[str]]:
    """The timeline's shots with the reference's cuts laid in (see the module notes), and warnings."""
    name = Path(reference.path).name
    cuts = sorted(c for c in reference.cuts if 0 < c < duration)
    warnings: list[str] = []
    if duration <= 0:
        return shots, warnings
    covered = (max(0, reference.start_frame), min(duration, reference.end_frame))
    if reference.start_frame > CUT_TOLERANCE or abs(reference.end_frame - duration) > CUT_TOLERANCE:  # not this cut?
        warnings.append(
            f"the reference video {name} covers sequence frames {reference.start_frame}-{reference.end_frame}, "
            f"the sequence 0-{duration}: check that it is a render of this cut and where it starts"
        )
    if not shots or all(s.kind == "gap" for s in shots):
        return _reference_only(cuts, covered, duration, reference.path), warnings
    existing = [s.start_frame for s in shots[1:]]
    out: list[Shot] = []
    agreed = 0
    for shot in shots:
        inside = cuts[bisect.bisect_left(cuts, shot.start_frame) : bisect.bisect_left(cuts, shot.end_frame)]
        agreed += sum(1 for c in inside if _near(c, existing))
        splits = [c for c in inside if shot.start_frame + CUT_TOLERANCE < c < shot.end_frame - CUT_TOLERANCE]
        if shot.kind not in _SPLITTABLE or not splits:
            out.append(shot)
            continue
        edges = [shot.start_frame, *splits, shot.end_frame]
        out.extend(replace(shot, start_frame=a, end_frame=b, kind=REFERENCE_KIND) for a, b in zip(edges, edges[1:]))
    checkable = [c for c in existing if covered[0] < c < covered[1]]
    if len(checkable) >= 3 and len(cuts) >= 3 and agreed * 2 < len(checkable):
        warnings.append(
            f"only {agreed} of the timeline's {len(checkable)} cuts were found in the reference video {name}: "
            "is it in sync with this cut (see --reference-start)?"
        )
    log.info("reference video %s: %d cuts, %d on the timeline's own cuts, %d shots now", name, len(cuts), agreed, len(out))
    return out, warnings


def _near(frame: int, cuts: list[int]) -> bool:
    i = bisect.bisect_left(cuts, frame - CUT_TOLERANCE)
    return i < len(cuts) and cuts[i] <= frame + CUT_TOLERANCE


def _reference_only(cuts: list[int], covered: tuple[int, int], duration: int, path: str) -> list[Shot]:
    """Shots of a timeline without picture: the reference's shots, gaps where it does not reach."""
    lo, hi = covered
    if hi <= lo:  # the video does not reach into the sequence
        return [Shot(0, duration, "", kind="gap")]
    edges = [lo, *[c for c in cuts if lo < c < hi], hi]
    out = [Shot(a, b, "", kind=REFERENCE_KIND, source=path) for a, b in zip(edges, edges[1:])]
    head = [Shot(0, lo, "", kind="gap")] if lo > 0 else []
    tail = [Shot(hi, duration, "", kind="gap")] if hi < duration else []
    return head + out + tail
