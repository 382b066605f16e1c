"""Analysis: from a :class:`~otio_scoreplan.read.Source` to an :class:`~otio_scoreplan.model.Analysis`.

All times are whole frames counted from the sequence's first frame; see ``model``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from ..model import Analysis, SequenceInfo
from ..read import Source
from ..timecode import frames_at
from .annotations import collect_annotations
from .music import find_music, track_role
from .picture import find_shots, find_transitions
from .reels import find_reels
from .scenes import find_scenes
from .tracks import audio_clips, describe_tracks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnalysisSettings:
    reel_minutes: float = 20.0


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


def analyse(source: Source, settings: AnalysisSettings | None = None) -> Analysis:
    """Shots, transitions, annotations, scenes, reels and music already in the cut."""
    settings = settings or AnalysisSettings()
    seq = sequence_info(source)
    tl, rate, n = source.timeline, source.rate, seq.duration_frames
    shots = find_shots(tl, rate, n)
    transitions = find_transitions(tl, rate)
    annotations = collect_annotations(tl, rate)
    inside = [a for a in annotations if 0 <= a.frame <= n]
    unplaced = [a for a in annotations if not 0 <= a.frame <= n]
    warnings = list(source.warnings)
    if unplaced:
        warnings.append(f"{len(unplaced)} annotation(s) lie outside the sequence (see unplaced_annotations)")
    tracks = describe_tracks(tl, {})
    roles = {t.label: track_role(t.name) for t in tracks}
    tracks = [replace(t, role=roles.get(t.label, "")) for t in tracks]
    clips = [replace(c, role=c.role or roles.get(c.track, "")) for c in audio_clips(tl, rate)]
    scenes, scene_note = find_scenes(shots, transitions, inside, n)
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
        music=find_music(clips),
        warnings=warnings,
    )
