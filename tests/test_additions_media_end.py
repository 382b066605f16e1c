"""A temp clip never reads past its file (formats/additions.build_additions, the one place every writer's clips
come from). Found by the music-editor review: a piece that ends inside its cue's tail gave a WAV 18 frames
shorter than the clip laid from it, in FCP7 XML, FCPXML, AAF, EDL and .otio alike (the EDL companion's own
guard is tested on the real Insidious list in test_edl_companion.py)."""

from __future__ import annotations

from pathlib import Path

from plan_builders import sequence

from otio_scoreplan.formats.additions import build_additions
from otio_scoreplan.plan.model import Cue, Edge, Plan


def _plan(seq, cue: Cue) -> Plan:
    return Plan(sequences=[seq], fingerprints=[""], cues=[cue])


def test_a_clip_stops_at_its_media_end_and_its_fade_out_still_starts_where_planned() -> None:
    seq = sequence("24", seconds=120)
    cue = Cue(240, 1200, exit=Edge("tail_out", 48, 1152), id="1M1")
    # media: 900 frames from source frame 48 (a 2 s head handle): 852 frames of it for a 960-frame clip
    media = {"1M1": (Path("1M1.wav"), 900, 48, True, 24, 48)}
    (clip,) = build_additions(_plan(seq, cue), 0, seq, media).clips
    assert clip.source_in + (clip.end_frame - clip.start_frame) == 900, "the clip ends on the media's last frame"
    assert clip.start_frame == 240 and clip.end_frame == 240 + 852
    assert clip.fade_out_frames == 0, "108 frames short: the planned 48-frame fade lay wholly past the media's end"


def test_a_shortened_fade_keeps_its_start() -> None:
    seq = sequence("24", seconds=120)
    cue = Cue(240, 1200, exit=Edge("tail_out", 48, 1152), id="1M1")
    media = {"1M1": (Path("1M1.wav"), 48 + 960 - 18, 48, True, 24, 48)}  # 18 frames short, as the review's case
    (clip,) = build_additions(_plan(seq, cue), 0, seq, media).clips
    assert clip.end_frame == 1200 - 18 and clip.fade_out_frames == 48 - 18
    assert clip.end_frame - clip.fade_out_frames == 1200 - 48, "the fade starts where the plan put it"


def test_a_clip_the_media_holds_is_unchanged_and_no_media_means_no_clip() -> None:
    seq = sequence("24", seconds=120)
    cue = Cue(240, 1200, id="1M1")
    whole = build_additions(_plan(seq, cue), 0, seq, {"1M1": (Path("1M1.wav"), 2000, 48, True, 24, 48)})
    (clip,) = whole.clips
    assert (clip.start_frame, clip.end_frame, clip.fade_out_frames) == (240, 1200, 48)
    none = build_additions(_plan(seq, cue), 0, seq, {"1M1": (Path("1M1.wav"), 40, 48, True, 0, 0)})
    assert none.clips == [] and any("no frame of the cue" in n for n in none.notes)
