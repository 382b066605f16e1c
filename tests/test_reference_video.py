"""Reference-video shot detection (``inspect --reference-video``, the optional ``[video]`` extra).

The placement rules (time mapping, refining the timeline's shots) are pure and always tested. The
detection tests need PySceneDetect with OpenCV and are skipped without them; they run on short
videos written here with OpenCV's VideoWriter as Motion-JPEG AVI: every frame is a key frame, so
the hard cuts between flat colours and a noise frame are exact in the decoded picture, and the
detector must find them on the exact video frame (tolerance 0, not +-1). Each expected sequence
frame follows from exact rational arithmetic (the sequence frame playing when the video frame
starts), so those are asserted exactly too.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import corpus_files, corpus_id, read_once, run_cli

from otio_scoreplan.analyse.video import (
    REFERENCE_KIND,
    ReferenceVideo,
    refine_shots,
    video_frame_to_sequence,
    video_length_in_sequence,
)
from otio_scoreplan.errors import InputError, ScorePlanError
from otio_scoreplan.model import Shot

NTSC_FILM = Fraction(24000, 1001)


# --- the time mapping -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MapCase:
    id: str
    video_frame: int
    video_rate: Fraction
    seq_rate: Fraction
    offset: int
    expected: int


MAP_CASES = [
    MapCase("same rate", 48, Fraction(24), Fraction(24), 0, 48),
    MapCase("24 fps video, 23.976 sequence: 2.0 s plays frame 47", 48, Fraction(24), NTSC_FILM, 0, 47),
    MapCase("23.976 video, 24 sequence: 2.002 s plays frame 48", 48, NTSC_FILM, Fraction(24), 0, 48),
    MapCase("an hour in, 24 fps video on 23.976: 86.3 frames of drift", 86400, Fraction(24), NTSC_FILM, 0, 86313),
    MapCase("30 fps video, 24 sequence", 190, Fraction(30), Fraction(24), 0, 152),
    MapCase("video starts 10 frames into the sequence", 48, Fraction(24), Fraction(24), 10, 58),
    MapCase("video holds a 2 s leader", 48, Fraction(24), Fraction(24), -48, 0),
]


@pytest.mark.parametrize("case", MAP_CASES, ids=lambda c: c.id)
def test_video_frame_maps_through_time(case: MapCase) -> None:
    assert video_frame_to_sequence(case.video_frame, case.video_rate, case.seq_rate, case.offset) == case.expected


def test_video_length_counts_every_sequence_frame_it_reaches() -> None:
    assert video_length_in_sequence(192, Fraction(24), Fraction(24)) == 192
    assert video_length_in_sequence(192, Fraction(24), NTSC_FILM) == 192  # 191.8 frames started
    assert video_length_in_sequence(240, Fraction(30), Fraction(24)) == 192


# --- laying detected cuts over the timeline's shots --------------------------------------------


def _ref(cuts: list[int], start: int = 0, end: int = 192) -> ReferenceVideo:
    return ReferenceVideo("/refs/REF_v3.mov", Fraction(24), end - start, start, end, cuts)


def _spans(shots: list[Shot]) -> list[tuple[int, int, str]]:
    return [(s.start_frame, s.end_frame, s.kind) for s in shots]


def test_one_long_clip_is_split_at_the_detected_cuts() -> None:
    long_clip = [Shot(0, 192, "REF_v3", kind="clip", track="V1", source="/refs/REF_v3.mov")]
    shots, warnings = refine_shots(long_clip, _ref([48, 120, 150]), 192)
    assert _spans(shots) == [(0, 48, REFERENCE_KIND), (48, 120, REFERENCE_KIND), (120, 150, REFERENCE_KIND), (150, 192, REFERENCE_KIND)]
    assert {(s.name, s.track, s.source) for s in shots} == {("REF_v3", "V1", "/refs/REF_v3.mov")}
    assert warnings == []


def test_the_timelines_own_cuts_stay_and_a_cut_within_one_frame_is_the_same_cut() -> None:
    cut = [Shot(0, 50, "A", track="V1"), Shot(50, 100, "B", track="V1"), Shot(100, 192, "C", track="V1")]
    shots, _ = refine_shots(cut, _ref([51, 75, 100, 150]), 192)
    assert _spans(shots) == [
        (0, 50, "clip"),
        (50, 75, REFERENCE_KIND),
        (75, 100, REFERENCE_KIND),
        (100, 150, REFERENCE_KIND),
        (150, 192, REFERENCE_KIND),
    ]
    assert [s.name for s in shots] == ["A", "B", "B", "C", "C"]


def test_black_and_titles_are_not_split() -> None:
    cut = [Shot(0, 24, "", kind="gap"), Shot(24, 96, "Slug", kind="slug"), Shot(96, 150, "Title", kind="generator"),
           Shot(150, 192, "A", kind="clip")]
    shots, _ = refine_shots(cut, _ref([12, 60, 120, 170]), 192)
    assert _spans(shots) == [(0, 24, "gap"), (24, 96, "slug"), (96, 150, "generator"),
                             (150, 170, REFERENCE_KIND), (170, 192, REFERENCE_KIND)]


def test_a_timeline_without_picture_takes_the_references_shots() -> None:
    audio_only = [Shot(0, 240, "", kind="gap")]
    shots, warnings = refine_shots(audio_only, _ref([48, 120], 0, 192), 240)
    assert _spans(shots) == [(0, 48, REFERENCE_KIND), (48, 120, REFERENCE_KIND), (120, 192, REFERENCE_KIND), (192, 240, "gap")]
    assert len(warnings) == 1 and "covers sequence frames 0-192" in warnings[0]


def test_a_reference_out_of_sync_with_the_cut_is_reported() -> None:
    cut = [Shot(a, b, f"S{a}") for a, b in [(0, 40), (40, 80), (80, 120), (120, 160), (160, 192)]]
    _, in_sync = refine_shots(cut, _ref([40, 80, 120, 160]), 192)
    _, late = refine_shots(cut, _ref([52, 92, 132, 172]), 192)
    assert in_sync == []
    assert len(late) == 1 and "only 0 of the timeline's 4 cuts" in late[0]


def test_without_scenedetect_the_error_says_how_to_install(monkeypatch, tmp_path) -> None:
    from otio_scoreplan.analyse.video import detect_cuts

    monkeypatch.setitem(sys.modules, "scenedetect", None)  # import fails as if not installed
    with pytest.raises(ScorePlanError, match=r"pip install \.\[video\]"):
        detect_cuts(tmp_path / "ref.avi", 24.0)


# --- detection on generated videos (needs the [video] extra) -----------------------------------

# Looks of the successive shots, BGR: dark blue, bright yellow, noise, dark red (every change scores
# far above the detector's threshold of 27; within a shot the picture does not change).
_LOOKS = [(140, 20, 10), (20, 230, 240), None, (30, 30, 160)]


def _write_video(path: Path, fps: float, frames: int, cuts: list[int]) -> Path:
    """A Motion-JPEG AVI of ``frames`` frames at ``fps`` whose picture changes on the frames ``cuts``."""
    cv2 = pytest.importorskip("cv2")
    import numpy as np

    width, height = 160, 96
    noise = np.random.default_rng(7).integers(0, 256, (height, width, 3), dtype=np.uint8)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    assert writer.isOpened(), "OpenCV cannot write Motion-JPEG AVI here"
    bounds = [0, *cuts, frames]
    for k, (a, b) in enumerate(zip(bounds, bounds[1:])):
        look = _LOOKS[k % len(_LOOKS)]
        image = noise if look is None else np.full((height, width, 3), look, np.uint8)
        for _ in range(a, b):
            writer.write(image)
    writer.release()
    return path


@pytest.fixture(scope="module")
def scenedetect():
    return pytest.importorskip("scenedetect", reason="PySceneDetect is not installed (pip install .[video])")


@pytest.fixture(scope="module")
def ref_24(scenedetect, tmp_path_factory) -> Path:
    """8 s at 24 fps, cuts on video frames 48, 120, 150 (2.0 s, 5.0 s, 6.25 s)."""
    return _write_video(tmp_path_factory.mktemp("ref") / "ref_24.avi", 24.0, 192, [48, 120, 150])


@pytest.fixture(scope="module")
def ref_30(scenedetect, tmp_path_factory) -> Path:
    """8 s at 30 fps, cuts on video frames 60, 135, 190 (2.0 s, 4.5 s, 6.333 s)."""
    return _write_video(tmp_path_factory.mktemp("ref") / "ref_30.avi", 30.0, 240, [60, 135, 190])


@dataclass(frozen=True)
class DetectCase:
    id: str
    video: str
    seq_rate: float
    offset: int
    expected: list[int]


DETECT_CASES = [
    DetectCase("24 fps video on a 24 fps sequence", "ref_24", 24.0, 0, [48, 120, 150]),
    DetectCase("24 fps video on a 23.976 sequence", "ref_24", float(NTSC_FILM), 0, [47, 119, 149]),
    DetectCase("30 fps video on a 24 fps sequence", "ref_30", 24.0, 0, [48, 108, 152]),
    DetectCase("video starting 10 frames into the sequence", "ref_24", 24.0, 10, [58, 130, 160]),
]


@pytest.mark.parametrize("case", DETECT_CASES, ids=lambda c: c.id)
def test_detected_cuts_land_on_the_exact_sequence_frame(case: DetectCase, request) -> None:
    from otio_scoreplan.analyse.video import detect_reference

    video = request.getfixturevalue(case.video)
    ref = detect_reference(video, case.seq_rate, case.offset)
    assert ref.cuts == case.expected
    assert ref.video_frames == (192 if case.video == "ref_24" else 240)
    assert (ref.start_frame, ref.end_frame) == (case.offset, case.offset + 192)


def test_a_file_that_is_not_a_video_is_refused(scenedetect, tmp_path) -> None:
    from otio_scoreplan.analyse.video import detect_cuts

    bogus = tmp_path / "ref.mov"
    bogus.write_text("not a movie\n")
    with pytest.raises(InputError, match="ref.mov"):
        detect_cuts(bogus, 24.0)
    with pytest.raises(InputError, match="does not exist"):
        detect_cuts(tmp_path / "missing.mov", 24.0)


# --- through the command line ---------------------------------------------------------------------


def _baked_timeline(path: Path, frames: int = 192, rate: float = 24.0) -> Path:
    """An .otio whose picture is one long clip (a baked reference) starting at 01:00:00:00."""
    import opentimelineio as otio

    tl = otio.schema.Timeline(name="baked reel", global_start_time=otio.opentime.RationalTime(3600 * rate, rate))
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    track.append(otio.schema.Clip(
        name="REF_v3",
        media_reference=otio.schema.ExternalReference(target_url="/refs/REF_v3.mov"),
        source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(frames, rate)),
    ))
    tl.tracks.append(track)
    otio.adapters.write_to_file(tl, str(path))
    return path


def test_inspect_with_a_reference_video_splits_the_long_clip(ref_24, tmp_path) -> None:
    timeline = _baked_timeline(tmp_path / "baked.otio")
    plain = run_cli("inspect", str(timeline), "--json")
    assert plain.returncode == 0, plain.stderr
    assert [s["start_frame"] for s in json.loads(plain.stdout)["shots"]] == [0]

    done = run_cli("inspect", str(timeline), "--json", "--reference-video", str(ref_24))
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert [(s["start_frame"], s["end_frame"]) for s in doc["shots"]] == [(0, 48), (48, 120), (120, 150), (150, 192)]
    assert {s["kind"] for s in doc["shots"]} == {REFERENCE_KIND}
    assert doc["cuts"] == [48, 120, 150]
    assert doc["warnings"] == []


def test_inspect_reference_start_places_a_video_with_a_leader(ref_24, tmp_path) -> None:
    """A reference rendered with a 2 s leader before the reel's first frame (01:00:00:00)."""
    timeline = _baked_timeline(tmp_path / "baked.otio", frames=144)
    done = run_cli("inspect", str(timeline), "--json", "--reference-video", str(ref_24), "--reference-start", "00:59:58:00")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["cuts"] == [72, 102]  # video frames 120 and 150; its cut on frame 48 is the reel's first frame
    assert doc["warnings"] == []


def test_inspect_refuses_a_bad_reference_in_one_line(scenedetect, tmp_path) -> None:
    timeline = _baked_timeline(tmp_path / "baked.otio")
    bogus = tmp_path / "ref.mov"
    bogus.write_text("not a movie\n")
    done = run_cli("inspect", str(timeline), "--reference-video", str(bogus))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "ref.mov" in done.stderr
    bad_tc = run_cli("inspect", str(timeline), "--reference-video", str(bogus), "--reference-start", "1:00")
    assert bad_tc.returncode == 2 and "--reference-start" in bad_tc.stderr


# --- over every real export: the refinement keeps the picture's structure -------------------------

FILES = corpus_files()


@pytest.fixture(scope="module")
def corpus_shots() -> dict[Path, tuple[list[Shot], int] | None]:
    """Each corpus file's shots and duration, read once (None where the file is refused)."""
    out: dict[Path, tuple[list[Shot], int] | None] = {}
    for path in FILES:
        try:
            a = read_once(path)[1]  # shared for the session: refine_shots returns new lists
        except InputError:
            out[path] = None
            continue
        out[path] = (a.shots, a.sequence.duration_frames)
    return out


@pytest.mark.parametrize("path", FILES, ids=corpus_id)
def test_refining_real_cuts(path: Path, corpus_shots) -> None:
    """A reference agreeing with the cut changes nothing; one more cut inside each real-picture shot
    splits exactly those shots in two, and the shots still tile the sequence."""
    if corpus_shots[path] is None:
        pytest.skip("the file is refused (see test_corpus_analysis)")
    shots, n = corpus_shots[path]
    same, warnings = refine_shots(shots, _ref([s.start_frame for s in shots[1:]], 0, n), n)
    assert warnings == []
    if n > 0 and all(s.kind == "gap" for s in shots):  # no picture (an audio-only timeline): the reference's
        assert _spans(same) == [(0, n, REFERENCE_KIND)]
        return
    assert same == shots

    splittable = [s for s in shots if s.kind in ("clip", "nested") and s.end_frame - s.start_frame >= 4]
    mids = [(s.start_frame + s.end_frame) // 2 for s in splittable]
    refined, _ = refine_shots(shots, _ref(sorted(mids + [s.start_frame for s in shots[1:]]), 0, n), n)
    assert len(refined) == len(shots) + len(splittable)
    assert [refined[0].start_frame, refined[-1].end_frame] == [0, n] if n else refined == shots
    assert all(x.end_frame == y.start_frame for x, y in zip(refined, refined[1:]))
    assert all(s.start_frame < s.end_frame for s in refined)
    assert sum(1 for s in refined if s.kind == REFERENCE_KIND) == 2 * len(splittable) + sum(1 for s in shots if s.kind == REFERENCE_KIND)
    assert set(mids) <= {s.start_frame for s in refined}
