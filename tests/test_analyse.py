"""Ground truth for the analysis step: shots, transitions, scenes, reels, music and audio roles.

Each case is a small timeline built with the OTIO API (as a reader leaves it: see
``analysis_builders``) and the answer a person reads off it; the case runs through the real
``analyse()``. Cases are dataclasses with readable ids (habit taken from PySceneDetect).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import opentimelineio as otio
import pytest
from analysis_builders import analysed, clip, cut, gap, nest, trans

from otio_scoreplan.analyse.music import catalogue_id, name_role
from otio_scoreplan.analyse.reels import reel_number_in
from otio_scoreplan.analyse.scenes import clip_scene_number, scene_marker_label

# --------------------------------------------------------------------------- shots and transitions


@dataclass(frozen=True)
class PictureCase:
    id: str
    build: Callable[[], otio.schema.Timeline]
    shots: list[tuple[int, int, str, str]]  # start, end, name, kind
    transitions: list[tuple[int, str]] = field(default_factory=list)  # cut frame, kind


PICTURE_CASES = [
    PictureCase(
        "v1-cuts-and-a-gap",
        lambda: cut([[clip("A", 24), clip("B", 24), gap(12), clip("C", 24)]]),
        [(0, 24, "A", "clip"), (24, 48, "B", "clip"), (48, 60, "", "gap"), (60, 84, "C", "clip")],
    ),
    PictureCase(
        "v2-covers-v1-and-cuts-back",
        lambda: cut([[clip("A", 48)], [gap(12), clip("B", 12)]]),
        [(0, 12, "A", "clip"), (12, 24, "B", "clip"), (24, 48, "A", "clip")],
    ),
    PictureCase(
        "disabled-clip-shows-what-is-below",
        lambda: cut([[clip("A", 48)], [gap(12), clip("B", 12, enabled=False)]]),
        [(0, 48, "A", "clip")],
    ),
    PictureCase(
        "disabled-track-is-not-seen",
        lambda: cut([[clip("A", 48)], [clip("B", 48)]], disabled_video=[1]),
        [(0, 48, "A", "clip")],
    ),
    PictureCase(
        "title-over-picture-is-not-a-cut",
        lambda: cut([[clip("A", 48)], [gap(10), clip("Lower third", 20, generator="Slug", generator_name="Internal Title")]]),
        [(0, 48, "A", "clip")],
    ),
    PictureCase(
        "premiere-super-with-a-slug-source-is-not-black",
        lambda: cut([[clip("A", 48)], [gap(10), clip("super H nede", 20, generator="Slug", generator_name="KATTA supermal")]]),
        [(0, 48, "A", "clip")],
    ),
    PictureCase(
        "title-over-black-is-a-title-card",
        lambda: cut([[gap(24), clip("A", 24)], [clip("Main Title", 24, generator="Text")]]),
        [(0, 24, "Main Title", "generator"), (24, 48, "A", "clip")],
    ),
    PictureCase(
        "slug-hides-the-picture-below",
        lambda: cut([[clip("A", 48)], [gap(24), clip("Black Video", 12, generator="Slug")]]),
        [(0, 24, "A", "clip"), (24, 36, "Black Video", "slug"), (36, 48, "A", "clip")],
    ),
    PictureCase(
        "nested-sequence-is-opened-and-trimmed",
        lambda: cut([[clip("A", 10), nest("Nest", [[clip("X", 10), clip("Y", 10)]], start=5, frames=10), clip("B", 10)]]),
        [(0, 10, "A", "clip"), (10, 15, "X", "clip"), (15, 20, "Y", "clip"), (20, 30, "B", "clip")],
    ),
    PictureCase(
        "fade-in-and-fade-out-to-black",
        lambda: cut([[gap(12), trans(6, 6), clip("A", 48), trans(6, 6), gap(12), clip("B", 24)]]),
        [(0, 12, "", "gap"), (12, 60, "A", "clip"), (60, 72, "", "gap"), (72, 96, "B", "clip")],
        [(12, "fade_in"), (60, "fade_out")],
    ),
    PictureCase(
        "dissolve-dip-and-wipe-by-name",
        lambda: cut([[clip("A", 24), trans(6, 6), clip("B", 24), trans(12, 12, "Dip to Color Dissolve"), clip("C", 24),
                      trans(3, 3, "Edge Wipe"), clip("D", 24)]]),
        [(0, 24, "A", "clip"), (24, 48, "B", "clip"), (48, 72, "C", "clip"), (72, 96, "D", "clip")],
        [(24, "dissolve"), (48, "dip"), (72, "wipe")],
    ),
    PictureCase(
        "fade-on-an-upper-track-over-picture-is-a-dissolve",
        lambda: cut([[clip("A", 96)], [gap(24), trans(0, 6), clip("B", 24), trans(6, 0), gap(48)]]),
        [(0, 24, "A", "clip"), (24, 48, "B", "clip"), (48, 96, "A", "clip")],
        [(24, "dissolve"), (48, "dissolve")],
    ),
    PictureCase(
        "transition-under-a-higher-track-is-not-seen",
        lambda: cut([[clip("A", 24), trans(6, 6), clip("B", 24)], [clip("C", 48)]]),
        [(0, 48, "C", "clip")],
        [],
    ),
]


@pytest.mark.parametrize("case", PICTURE_CASES, ids=lambda c: c.id)
def test_shots_and_transitions(case: PictureCase) -> None:
    a = analysed(case.build())
    assert [(s.start_frame, s.end_frame, s.name, s.kind) for s in a.shots] == case.shots
    assert [(t.cut_frame, t.kind) for t in a.transitions] == case.transitions
    assert a.cuts == [s.start_frame for s in a.shots[1:]]


def test_opaque_nest_with_duration_is_one_nested_shot() -> None:
    stack = otio.schema.Stack(name="Multicam 1", source_range=otio.opentime.TimeRange(
        otio.opentime.RationalTime(0, 24), otio.opentime.RationalTime(30, 24)))
    a = analysed(cut([[clip("A", 10), stack, clip("B", 10)]]))
    assert [(s.start_frame, s.end_frame, s.kind) for s in a.shots] == [(0, 10, "clip"), (10, 40, "nested"), (40, 50, "clip")]


def _from(c: otio.schema.Clip, first: float, rate: float = 24.0, *warps: otio.schema.Effect) -> otio.schema.Clip:
    """``c`` showing its media from frame ``first`` (at ``rate``), with time effects ``warps``."""
    n = c.source_range.duration.rescaled_to(rate)
    c.source_range = otio.opentime.TimeRange(otio.opentime.RationalTime(first, rate), n)
    c.effects.extend(warps)
    return c


@dataclass(frozen=True)
class SourceCase:
    id: str
    build: Callable[[], otio.schema.Timeline]
    shots: list[tuple[int, str, int | None]]  # start, name, source_start_frame


SOURCE_CASES = [
    SourceCase("cuts-show-each-clips-in-point",
               lambda: cut([[_from(clip("A", 24), 1000), gap(12), _from(clip("B", 24), 86400)]]),
               [(0, "A", 1000), (24, "", None), (36, "B", 86400)]),
    SourceCase("a-higher-track-hides-a-clips-head-and-middle",
               lambda: cut([[_from(clip("A", 48), 1000)], [clip("C", 12), gap(12), _from(clip("B", 12), 500)]]),
               [(0, "C", 0), (12, "A", 1012), (24, "B", 500), (36, "A", 1036)]),
    SourceCase("after-a-dissolve-the-cut-frame-shows-the-in-point",
               lambda: cut([[_from(clip("A", 24), 100), trans(6, 6), _from(clip("B", 24), 200)]]),
               [(0, "A", 100), (24, "B", 200)]),
    SourceCase("a-trimmed-nest-counts-its-clips-own-frames",
               lambda: cut([[clip("A", 10), nest("Nest", [[_from(clip("X", 10), 300), _from(clip("Y", 10), 400)]],
                                                  start=5, frames=10), clip("B", 10)]]),
               [(0, "A", 0), (10, "X", 305), (15, "Y", 400), (20, "B", 0)]),
    SourceCase("slug-titles-and-gaps-have-no-media",
               lambda: cut([[gap(12), clip("Black Video", 12, generator="Slug"), clip("Main Title", 12, generator="Text")]]),
               [(0, "", None), (12, "Black Video", None), (24, "Main Title", None)]),
    SourceCase("media-at-another-rate-by-its-time",  # 30 fps frame 1000 is 800 at 24; 25 fps frame 1001 is 960.96
               lambda: cut([[_from(clip("A", 24), 1000, 30.0), _from(clip("B", 24), 1001, 25.0)]]),
               [(0, "A", 800), (24, "B", 961)]),
    SourceCase("speed-changes-and-freeze-frames-have-none-a-1x-warp-does",
               lambda: cut([[_from(clip("A", 24), 100, 24.0, otio.schema.LinearTimeWarp(time_scalar=2.0)),
                             _from(clip("B", 24), 100, 24.0, otio.schema.FreezeFrame()),
                             _from(clip("C", 24), 100, 24.0, otio.schema.LinearTimeWarp(time_scalar=1.0)),
                             _from(clip("D", 24), 100, 24.0, otio.schema.LinearTimeWarp(time_scalar=-1.0))]]),
               [(0, "A", None), (24, "B", None), (48, "C", 100), (72, "D", None)]),
]


@pytest.mark.parametrize("case", SOURCE_CASES, ids=lambda c: c.id)
def test_shots_carry_the_media_frame_they_start_on(case: SourceCase) -> None:
    a = analysed(case.build())
    assert [(s.start_frame, s.name, s.source_start_frame) for s in a.shots] == case.shots


def test_an_opaque_nest_starts_at_its_own_source_frame() -> None:
    stack = otio.schema.Stack(name="Multicam 1", source_range=otio.opentime.TimeRange(
        otio.opentime.RationalTime(120, 24), otio.opentime.RationalTime(30, 24)))
    a = analysed(cut([[clip("A", 10), stack], [gap(20), clip("C", 5)]]))
    assert [(s.start_frame, s.kind, s.source_start_frame) for s in a.shots] == [
        (0, "clip", 0), (10, "nested", 120), (20, "clip", 0), (25, "nested", 135)]


# --------------------------------------------------------------------------- scenes


@dataclass(frozen=True)
class SceneCase:
    id: str
    build: Callable[[], otio.schema.Timeline]
    scenes: list[tuple[int, str]]  # start frame, label; empty: no structure found
    evidence_has: str = ""


def _takes(*names: str, frames: int = 48, **kw) -> list[otio.schema.Clip]:
    return [clip(n, frames, **kw) for n in names]


SCENE_CASES = [
    SceneCase(
        "scene-markers-sc-and-sc-dot",
        lambda: cut([_takes("a", "b", "c", "d")], [(0, "SC 12", ""), (96, "Sc. 4A", "")]),
        [(0, "Scene 12"), (96, "Scene 4A")],
        "scene marker 'SC 12'",
    ),
    SceneCase(
        "scene-marker-with-title-in-the-comment",
        lambda: cut([_takes("a", "b", "c", "d")], [(48, "Marker 1", "SCENE 12 - KITCHEN"), (144, "Marker 2", "Scene 13: GARDEN")]),
        [(0, "Opening"), (48, "Scene 12 - KITCHEN"), (144, "Scene 13 - GARDEN")],
    ),
    SceneCase(
        "sluglines",
        lambda: cut([_takes("a", "b", "c")], [(0, "INT. KITCHEN - NIGHT", ""), (96, "12 EXT. ROAD - DAY", "")]),
        [(0, "INT. KITCHEN - NIGHT"), (96, "Scene 12 - EXT. ROAD - DAY")],
    ),
    SceneCase(
        "marker-a-few-frames-off-a-cut-lands-on-it",
        lambda: cut([_takes("a", "b", "c")], [(3, "SC 1", ""), (50, "SC 2", "")]),
        [(0, "Scene 1"), (48, "Scene 2")],
        "moved -2 frame(s) onto the cut",
    ),
    SceneCase(
        "free-text-mentioning-a-scene-is-not-a-scene-marker",
        lambda: cut([_takes("a", "b")], [(20, "note", "Scene 4 needs more music"), (60, "Ext 2 looks dark", "")]),
        [],
    ),
    SceneCase(
        "our-own-markers-are-never-evidence",
        lambda: cut([_takes("a", "b")], our_markers=[(48, "SC 5 [scoreplan]", "")]),
        [],
    ),
    SceneCase(
        "slate-names-setup-letters-are-one-scene",
        lambda: cut([_takes("12A-1", "12B-3", "12-2", "13-1", "13A-2")]),
        [(0, "Scene 12"), (144, "Scene 13")],
        "clip names",
    ),
    SceneCase(
        "slate-names-sc-tk",
        lambda: cut([_takes("SC012_TK03", "SC012_TK04", "SC013_TK01")]),
        [(0, "Scene 12"), (96, "Scene 13")],
    ),
    SceneCase(
        "slate-names-three-digit-pairs",
        lambda: cut([_takes("012_003", "012_004", "014_001.mov")]),
        [(0, "Scene 12"), (96, "Scene 14")],
    ),
    SceneCase(
        "slate-names-s-t",
        lambda: cut([_takes("S12_T3", "S12_T4", "S15_T1")]),
        [(0, "Scene 12"), (96, "Scene 15")],
    ),
    SceneCase(
        "camera-roll-names-are-not-scenes",
        lambda: cut([_takes("A001_C002", "A001_C003", "B002_C001_0315XY", "A001C002_220315_R1AB")]),
        [],
    ),
    SceneCase(
        "dates-are-not-scenes",
        lambda: cut([_takes("2023-03-15_001", "20230315_002", "15-03-2023 interview")]),
        [],
    ),
    SceneCase(
        "avid-scene-column",
        lambda: cut([[clip("clip 1", 48, read={"scene": "12", "take": "3"}), clip("clip 2", 48, read={"scene": "12A"}),
                      clip("clip 3", 48, read={"scene": "014"})]]),
        [(0, "Scene 12"), (96, "Scene 14")],
        "scene metadata",
    ),
    SceneCase(
        "one-shot-insert-stays-in-its-scene",
        lambda: cut([_takes("12-1", "12-2", "40-1", "12-3", "13-1")]),
        [(0, "Scene 12"), (192, "Scene 13")],
    ),
    SceneCase(
        "black-between-sequences",
        lambda: cut([[clip("a", 240), gap(24), clip("b", 240)]]),
        [(0, "Section 1"), (264, "Section 2")],
        "black (gap of 24 frame(s))",
    ),
    SceneCase(
        "a-flash-of-black-is-no-break",
        lambda: cut([[clip("a", 240), gap(2), clip("b", 240)]]),
        [],
    ),
    SceneCase(
        "fade-out-and-in",
        lambda: cut([[clip("a", 240), trans(12, 0), gap(6), trans(0, 12), clip("b", 240)]]),
        [(0, "Section 1"), (246, "Section 2")],
        "fade to black, fade in",
    ),
    SceneCase(
        "black-every-few-seconds-is-style",
        lambda: cut([[clip("a", 48), gap(12), clip("b", 48), gap(12), clip("c", 48)]]),
        [],
    ),
    SceneCase(
        "leading-black-joins-the-first-scene",
        lambda: cut([[gap(24), *_takes("1-1", "1-2", "2-1")]]),
        [(0, "Scene 1"), (120, "Scene 2")],
    ),
]


@pytest.mark.parametrize("case", SCENE_CASES, ids=lambda c: c.id)
def test_scenes(case: SceneCase) -> None:
    a = analysed(case.build())
    assert [(s.start_frame, s.label) for s in a.scenes] == case.scenes
    if case.scenes:
        assert a.scenes[-1].end_frame == a.sequence.duration_frames
        assert all(x.end_frame == y.start_frame for x, y in zip(a.scenes, a.scenes[1:]))
        assert case.evidence_has in " | ".join(s.evidence for s in a.scenes)
        assert a.scene_note == ""
    else:
        assert a.scene_note.startswith("no scene structure found")


def test_scene_boundaries_from_clip_names_land_on_cuts() -> None:
    a = analysed(cut([[clip("12-1", 37), clip("12-2", 41), clip("B-roll", 29), clip("13-1", 53), clip("13-2", 17)]]))
    assert [s.label for s in a.scenes] == ["Scene 12", "Scene 13"]
    assert {s.start_frame for s in a.scenes[1:]} <= set(a.cuts)


# --------------------------------------------------------------------------- reels


@dataclass(frozen=True)
class ReelCase:
    id: str
    build: Callable[[], otio.schema.Timeline]
    reels: list[tuple[int, int, int]]  # number, start, end
    reel_minutes: float = 20.0


MIN = 24 * 60  # frames per minute at 24 fps

REEL_CASES = [
    ReelCase("reel-markers", lambda: cut([[clip("a", 10 * MIN)]], [(0, "R1", ""), (4 * MIN, "Reel 2", "")]),
             [(1, 0, 4 * MIN), (2, 4 * MIN, 10 * MIN)]),
    ReelCase("reel-marker-after-a-leader", lambda: cut([[clip("a", 10 * MIN)]], [(192, "REEL 3 START", "")]),
             [(2, 0, 192), (3, 192, 10 * MIN)]),
    ReelCase("sequence-name-r2-v12", lambda: cut([[clip("a", MIN)]], name="R2 v12"), [(2, 0, MIN)]),
    ReelCase("sequence-name-reel_03", lambda: cut([[clip("a", MIN)]], name="MyFilm_REEL_03_lock"), [(3, 0, MIN)]),
    ReelCase("final-r1-online-is-reel-1", lambda: cut([[clip("a", MIN)]], name="FINAL R1 ONLINE", start="05:00:00:00"),
             [(1, 0, MIN)]),
    ReelCase("camera-roll-name-is-not-a-reel", lambda: cut([[clip("a", MIN)]], name="A001R1", start="03:00:00:00"),
             [(3, 0, MIN)]),
    ReelCase("start-hour-2-is-reel-2", lambda: cut([[clip("a", 18 * MIN)]], start="02:00:00:00"), [(2, 0, 18 * MIN)]),
    ReelCase("leader-before-the-hour", lambda: cut([[clip("a", 18 * MIN)]], start="01:59:52:00"), [(2, 0, 18 * MIN)]),
    ReelCase("broadcast-ten-oclock-is-not-reel-10", lambda: cut([[clip("a", 18 * MIN)]], start="10:00:00:00"),
             [(1, 0, 18 * MIN)]),
    ReelCase("a-programme-is-one-reel-whatever-its-length", lambda: cut([[clip("a", 50 * MIN)]]), [(1, 0, 50 * MIN)],
             reel_minutes=0),
    ReelCase("fixed-length-reels-by-setting", lambda: cut([[clip("a", 50 * MIN)]]),
             [(1, 0, 20 * MIN), (2, 20 * MIN, 40 * MIN), (3, 40 * MIN, 50 * MIN)]),
    ReelCase("short-tail-joins-the-last-reel", lambda: cut([[clip("a", 41 * MIN)]]), [(1, 0, 20 * MIN), (2, 20 * MIN, 41 * MIN)]),
    ReelCase("configured-reel-length", lambda: cut([[clip("a", 25 * MIN)]]), [(1, 0, 10 * MIN), (2, 10 * MIN, 20 * MIN),
                                                                           (3, 20 * MIN, 25 * MIN)], reel_minutes=10),
    ReelCase("our-reel-markers-are-not-evidence", lambda: cut([[clip("a", 10 * MIN)]], our_markers=[(MIN, "R2", "")]),
             [(1, 0, 10 * MIN)]),
]


@pytest.mark.parametrize("case", REEL_CASES, ids=lambda c: c.id)
def test_reels(case: ReelCase) -> None:
    a = analysed(case.build(), reel_minutes=case.reel_minutes)
    assert [(r.number, r.start_frame, r.end_frame) for r in a.reels] == case.reels
    assert all(r.evidence for r in a.reels)


# --------------------------------------------------------------------------- music and audio roles


@dataclass(frozen=True)
class MusicCase:
    id: str
    build: Callable[[], otio.schema.Timeline]
    music: list[tuple[int, int, str]]  # start, end, track(s)
    evidence_has: str = ""


def _one(track: str, *items: otio.core.Composable) -> otio.schema.Timeline:
    return cut([[clip("pic", 200)]], audio=[(track, list(items))])


MUSIC_CASES = [
    MusicCase("mx-track", lambda: _one("MX 1", clip("cue", 96)), [(0, 96, "A1")], "on music track A1 'MX 1'"),
    *[
        MusicCase(f"music-track-named-{n}", (lambda n=n: _one(n, gap(10), clip("cue", 50))), [(10, 60, "A1")])
        for n in ("MUSIC", "Musikk 2", "MÚSICA", "Musique", "TEMP MX", "SCORE", "Songs", "MX1", "музыка")
    ],
    *[
        MusicCase(f"not-music-track-{n}", (lambda n=n: _one(n, clip("interview.wav", 50))), [])
        for n in ("MIX", "Music Video B-roll", "SMX", "TEMP VO", "Maximum", "A7")
    ],
    MusicCase("music-folder", lambda: _one("A7", clip("Trust Me.wav", 50, url="file://localhost/Volumes/P/03-Lyd/Musikk/Trust%20Me.wav")),
              [(0, 50, "A1")], "music folder 'Musikk'"),
    MusicCase("library-folder", lambda: _one("", clip("x.wav", 50, url="/Volumes/P/Aux MP/auxmp14608_372/x.wav")), [(0, 50, "A1")]),
    MusicCase("music-word-above-footage-says-nothing",
              lambda: _one("", clip("A001.mov", 50, url="/Volumes/Music Doc/Video/A001.mov")), []),
    MusicCase("catalogue-id-universal", lambda: _one("", clip("BER_1250_89_Stress_mit_Recht_Muller_898428.wav", 50)),
              [(0, 50, "A1")], "catalogue id 'BER_1250_89'"),
    MusicCase("catalogue-id-sonoton", lambda: _one("", clip("SCDV051608.wav", 50)), [(0, 50, "A1")]),
    MusicCase("camera-names-are-not-catalogue-ids", lambda: _one("", clip("A001_C002_0315XY.mov", 50), clip("AA009201.MXF", 50),
                                                                 clip("SC_12_03_boom.wav", 50)), []),
    MusicCase("catalogue-id-on-a-dialogue-track-is-not-music", lambda: _one("DX", clip("SCDV051608.wav", 50)), []),
    MusicCase("fcpxml-music-role", lambda: _one("", clip("song", 50, read={"role": "Music.Temp"})), [(0, 50, "A1")], "music role"),
    MusicCase("our-temp-track-is-never-the-editors-music", lambda: _one("MX", clip("1M1 temp [scoreplan]", 50, added=True)), []),
    MusicCase("disabled-clip-is-not-in-the-cut", lambda: _one("MX", clip("cue", 50, enabled=False)), []),
    MusicCase("one-source-across-an-edit-is-one-clip",
              lambda: _one("MX", clip("cue", 40, url="/m/cue.wav"), clip("cue", 30, url="/m/cue.wav"), gap(10), clip("cue", 20, url="/m/cue.wav")),
              [(0, 70, "A1"), (80, 100, "A1")], "2 clips of the same source joined"),
]


def _music_edl() -> otio.schema.Timeline:
    return cut([], audio=[("A7", [clip("BFD_CHILI.MP3", 40, url="BFD_CHIL")])], name="12_16 TL01 MUSIC")


MUSIC_CASES += [
    MusicCase("audio-only-list-named-for-music", _music_edl, [(0, 40, "A1")], "audio-only music list '12_16 TL01 MUSIC'"),
    MusicCase("a-music-word-in-the-name-of-a-cut-with-picture-is-not-enough",
              lambda: cut([[clip("pic", 100)]], audio=[("A1", [clip("x.wav", 40)])], name="MUSIC DOC"), []),
    MusicCase("camera-file-is-not-a-catalogue-id", lambda: _one("", clip("KOIF40000007AA.mxf", 50)), []),
    MusicCase("two-songs-on-one-8-character-edl-reel-stay-apart",
              lambda: _one("MX", clip("BENJAMINDAVIS_SHOCKER.MP3", 40, url="BENJAMIN"),
                           clip("BENJAMINDAVIS_GET ON TOP.MP3", 40, url="BENJAMIN"),
                           clip("BENJAMINDAVIS_GET ON TOP.MP3.COPY.01", 20, url="BENJAMIN")),
              [(0, 40, "A1"), (40, 100, "A1")]),
]


def _stereo_pair() -> otio.schema.Timeline:
    return cut([[clip("pic", 200)]], audio=[("MX L", [clip("cue", 60, url="/m/cue.wav")]), ("MX R", [clip("cue", 60, url="/m/cue.wav")])])


MUSIC_CASES.append(MusicCase("stereo-pair-on-two-tracks-is-one-clip", _stereo_pair, [(0, 60, "A1, A2")]))


@pytest.mark.parametrize("case", MUSIC_CASES, ids=lambda c: c.id)
def test_music_already_in_the_cut(case: MusicCase) -> None:
    a = analysed(case.build())
    assert [(m.start_frame, m.end_frame, m.track) for m in a.music] == case.music
    assert case.evidence_has in " | ".join(m.evidence for m in a.music)
    for m in a.music:
        assert m.source or m.name


@dataclass(frozen=True)
class RoleCase:
    id: str
    track: str
    clip: otio.schema.Clip
    role: str


ROLE_CASES = [
    RoleCase("dx-track", "DX 1", clip("12-3", 20), "dialogue"),
    RoleCase("dialogue-track", "Dialogue", clip("12-3", 20), "dialogue"),
    RoleCase("sfx-track", "SFX", clip("door", 20), "effects"),
    RoleCase("foley-track", "FOLEY 2", clip("steps", 20), "effects"),
    RoleCase("scandinavian-effects-folder", "", clip("woosh.wav", 20, url="/P/Lydeffekter/Woosh/woosh.wav"), "effects"),
    RoleCase("voice-over-folder", "", clip("vo_3.wav", 20, url="/P/03-Lyd/VO/vo_3.wav"), "dialogue"),
    RoleCase("fcpxml-role-wins", "Audio", clip("x", 20, read={"role": "dialogue.dialogue-1"}), "dialogue"),
    RoleCase("unnamed", "Audio 3", clip("x", 20), ""),
]


@pytest.mark.parametrize("case", ROLE_CASES, ids=lambda c: c.id)
def test_audio_roles(case: RoleCase) -> None:
    a = analysed(cut([[clip("pic", 100)]], audio=[(case.track, [case.clip])]))
    assert [c.role for c in a.audio_clips] == [case.role]
    track = [t for t in a.tracks if t.kind == "audio"][0]
    assert track.role == case.role


def test_track_role_from_its_clips_when_the_name_says_nothing() -> None:
    music = [clip(f"song{i}.wav", 10, url=f"/P/Musikk/song{i}.wav") for i in range(4)]
    a = analysed(cut([[clip("pic", 100)]], audio=[("Audio 6", [*music, clip("other.wav", 10, url="/P/x/other.wav")])]))
    assert [t.role for t in a.tracks if t.kind == "audio"] == ["music"]


# --------------------------------------------------------------------------- the name readers, one by one

SCENE_LABELS = {
    "SC 12": "Scene 12", "Sc. 4A": "Scene 4A", "Scene: 12": "Scene 12", "SC-12": "Scene 12", "Szene 3": "Scene 3",
    "SCENE 12 - KITCHEN": "Scene 12 - KITCHEN", "Sc 117 INTERCUT": "Scene 117 - INTERCUT",
    "INT. KITCHEN - NIGHT": "INT. KITCHEN - NIGHT", "12 INT. HOUSE": "Scene 12 - INT. HOUSE", "I/E CAR": "I/E CAR",
    "Scene 4 needs more music": None, "scenery": None, "Interview": None, "Ext 2 looks dark": None, "": None,
}
CLIP_SCENES = {
    "12A-3": "12", "111B-1-B": "111", "57B-3-B*": "57", "4M-1.SUB.01": "4", "SC012_TK03": "12", "S12_T3": "12",
    "012_003": "12", "sc01_sh010_anim": "1", "12A_3": "12",
    "A001_C002": None, "A001C002_220315_R1AB": None, "2021-04-17_15-01-18.mp4": None, "12-03-2023": None,
    "65675056673-10-NTSC-DV.MOV": None, "MVI_0448": None, "V11-3A": None, "DYR18233_01": None,
    # names starting with what re.I and \d also take: the long s and other scripts' digits
    "ſc12_tk3": "12", "٣-1": "3", "１２-3": "12", " 12A-3": "12", "ſ": None, "²-1": None,
}
REEL_NAMES = {"R1": 1, "Reel 2": 2, "REEL_03": 3, "R2 v12": 2, "INS4_R1_010417": 1, "ToD_R4_LOCK3.1_030618_Video": 4,
              "A001R1": None, "clip.R3D": None, "Showreel 2019": None, "Timeline 1 (Resolve)": None, "R0": None}
ROLE_NAMES = {"MX": "music", "MX1": "music", "TEMP MX": "music", "Musikk 1": "music", "MÚSICA": "music", "MIX": "",
              "REMIX": "", "Music Video B-roll": "", "TEMP VO": "dialogue", "DX": "dialogue", "Speak": "dialogue",
              "SFX": "effects", "Lydeffekter": "effects", "Audio 1": ""}
CATALOGUE = {"KPM_0123_04_Title.wav": "KPM_0123_04", "SCDV051608.wav": "SCDV051608", "AUXMP_RSM014012_SIGNS.wav": "AUXMP_RSM014012",
             "XCD123_05_Title": "XCD123_05", "SC_12_03_boom.wav": None, "IMG_0233": None, "AA009201.MXF": None}


@pytest.mark.parametrize("text", SCENE_LABELS, ids=lambda t: t or "empty")
def test_scene_marker_label(text: str) -> None:
    assert scene_marker_label(text) == SCENE_LABELS[text]


@pytest.mark.parametrize("name", CLIP_SCENES)
def test_clip_scene_number(name: str) -> None:
    assert clip_scene_number(name) == CLIP_SCENES[name]


@pytest.mark.parametrize("name", REEL_NAMES)
def test_reel_number_in_a_sequence_name(name: str) -> None:
    assert reel_number_in(name) == REEL_NAMES[name]


@pytest.mark.parametrize("name", ROLE_NAMES)
def test_role_of_a_track_name(name: str) -> None:
    assert name_role(name) == ROLE_NAMES[name]


@pytest.mark.parametrize("name", CATALOGUE)
def test_catalogue_id(name: str) -> None:
    assert catalogue_id(name) == CATALOGUE[name]
