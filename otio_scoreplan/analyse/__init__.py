"""Analysis: from a :class:`~otio_scoreplan.formats.Source` to an :class:`~otio_scoreplan.model.Analysis`.

All times are whole frames counted from the sequence's first frame; see ``model``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..formats import Source
from ..model import Analysis, SequenceInfo
from ..timecode import frames_at
from .annotations import collect_annotations
from .music import RoleCache, find_music, picture_layout
from .overlays import find_overlays
from .picture import find_shots, find_transitions
from .reels import find_reels
from .scenes import find_scenes
from .tracks import audio_clips, describe_tracks, music_list_name
from .walk import walk_timeline

if TYPE_CHECKING:
    from .video import ReferenceVideo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnalysisSettings:
    reel_minutes: float = 0.0  # > 0: fixed-length reels where nothing else says where reels are


def sequence_info(source: Source) -> SequenceInfo:
    duration = frames_at(source.timeline.duration(), source.rate)
    return SequenceInfo(
        name=source.name,
        rate=source.rate,
        drop_frame=source.drop_frame,
        start_frame=source.start_frame,
        duration_frames=max(0, duration),
        format=source.format,
        application=source.application,
        rate_assumed=source.rate_assumed,
        path=str(source.path),
    )


def analyse(
    source: Source, settings: AnalysisSettings | None = None, reference: ReferenceVideo | None = None
) -> Analysis:
    """Shots, transitions, annotations, scenes, reels and music already in the cut.

    ``reference`` (from :func:`.video.detect_reference`) lays a reference video's detected cuts over
    the timeline's shots: see :mod:`.video` for the rule.
    """
    settings = settings or AnalysisSettings()
    seq = sequence_info(source)
    tl, rate, n = source.timeline, source.rate, seq.duration_frames
    walk = walk_timeline(tl, rate)  # every item placed and its metadata read once, for all that follows
    roles = RoleCache()
    shots = find_shots(tl, rate, n, walk)
    transitions = find_transitions(tl, rate, shots, walk)
    reference_warnings: list[str] = []
    if reference is not None:
        from .video import refine_shots

        shots, reference_warnings = refine_shots(shots, reference, n)
    annotations = collect_annotations(tl, rate, walk)
    # a reader may know an annotation is not shown in the cut (e.g. on unused clip media): extra["unplaced"]
    unplaced = [a for a in annotations if not 0 <= a.frame <= n or a.extra.get("unplaced")]
    inside = [a for a in annotations if 0 <= a.frame <= n and not a.extra.get("unplaced")]
    warnings = list(source.warnings) + reference_warnings
    if unplaced:
        warnings.append(f"{len(unplaced)} annotation(s) lie outside the sequence (see unplaced_annotations)")
    clips = audio_clips(tl, rate, walk, roles, file_name=str(source.path or ""))
    tracks = describe_tracks(tl, clips, walk, roles)
    layout = picture_layout(walk)
    scenes, scene_note = find_scenes(shots, transitions, inside, n, rate)
    if seq.rate_assumed:
        warnings.append("no frame rate in the file: 24 fps was assumed; pass --rate to be sure")
    return Analysis(
        sequence=seq,
        tracks=tracks,
        shots=shots,
        transitions=transitions,
        annotations=inside,
        unplaced_annotations=unplaced,
        scenes=scenes,
        scene_note=scene_note,
        reels=find_reels(seq, inside, settings.reel_minutes),
        audio_clips=clips,
        music=find_music(clips, music_list_name(tl), roles, *layout),
        warnings=warnings,
        picture_edits=[f for f in layout[0] if 0 < f < n],
        overlays=find_overlays(walk, n),
    )
