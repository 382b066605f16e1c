"""Builders for planner tests: small Analysis objects made by hand, in whole frames."""

from __future__ import annotations

from otio_scoreplan.model import Analysis, Annotation, AudioClip, MusicClip, Reel, Scene, SequenceInfo, Shot, Transition
from otio_scoreplan.timecode import STANDARD_RATES, from_timecode


def sequence(rate: str = "24", seconds: float = 300, start_tc: str = "01:00:00:00", drop: bool = False, name: str = "R1 test") -> SequenceInfo:
    r = float(STANDARD_RATES[rate])
    return SequenceInfo(
        name=name,
        rate=r,
        drop_frame=drop,
        start_frame=from_timecode(start_tc, r),
        duration_frames=int(round(seconds * r)),
        format="otio",
    )


def build(
    seq: SequenceInfo,
    cut_seconds: list[float],
    scenes: list[tuple[float, str]] = (),
    markers: list[tuple[float, str] | tuple[float, str, float] | tuple[float, str, float, str]] = (),
    music: list[tuple[float, float, str]] = (),
    dialogue: list[tuple[float, float]] = (),
    fades: list[tuple[float, float, str]] = (),
    reels: list[tuple[int, float]] = (),
) -> Analysis:
    """An analysis: cuts and scene starts in seconds, markers (seconds, name[, length seconds[, colour]])."""
    f = lambda s: int(round(s * seq.rate))  # noqa: E731
    n = seq.duration_frames
    bounds = [0] + sorted(f(c) for c in cut_seconds) + [n]
    shots = [Shot(a, b, f"shot{i}") for i, (a, b) in enumerate(zip(bounds, bounds[1:]))]
    starts = [(f(s), label) for s, label in scenes]
    scene_list = [
        Scene(s, starts[i + 1][0] if i + 1 < len(starts) else n, label, f"scene marker {label!r}") for i, (s, label) in enumerate(starts)
    ]
    anns = []
    for m in markers:
        at, name = m[0], m[1]
        length = f(m[2]) if len(m) > 2 else 0
        color = m[3] if len(m) > 3 else "red"
        anns.append(Annotation(frame=f(at), duration_frames=length, name=name, color=color, origin="sequence marker"))
    clips = [AudioClip(f(a), f(b), "dx", "A1", "DIA", role="dialogue") for a, b in dialogue]
    mus = [MusicClip(f(a), f(b), name, "A3", f"/music/{name}", "on music track A3 'MX'") for a, b, name in music]
    trans = [Transition(f(a), f(b), f(a), kind) for a, b, kind in fades]
    reel_list = [Reel(num, f(s), f(reels[i + 1][1]) if i + 1 < len(reels) else n, "test") for i, (num, s) in enumerate(reels)] or [
        Reel(1, 0, n, "test")
    ]
    return Analysis(
        sequence=seq,
        shots=shots,
        transitions=trans,
        annotations=sorted(anns, key=lambda a: a.frame),
        scenes=scene_list,
        reels=reel_list,
        audio_clips=clips,
        music=mus,
    )
