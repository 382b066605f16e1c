"""Music detection on real exports (issue 13): ISRCs need a country code, a picture file is never music by its
name, a compressed music file laid under many picture cuts is music.

The production media, the editor's mp3 layout and the Avid sequence are real corpus files; where a case the
corpus lacks is needed (a full-length song on A1/A2 of an Avid sequence, a camera file whose clip lost its
extension), the real file is read and the one clip changed, nothing else.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import opentimelineio as otio
import pytest
from conftest import CORPUS, read_once

from otio_scoreplan.analyse import analyse
from otio_scoreplan.analyse.music import (
    ISRC_COUNTRIES,
    catalogue_id,
    find_music,
    music_evidence,
    picture_layout,
)
from otio_scoreplan.analyse.walk import walk_timeline
from otio_scoreplan.formats import read_source
from otio_scoreplan.model import AudioClip

MELKEKARTONG = CORPUS / "premiere" / "nrk_melkekartong_master_v7.xml"
LEGO = CORPUS / "other" / "nrk_fcp_legacy_NGxx13_Lego_cec.xml"
AVID_SIMPLE = CORPUS / "avid" / "simple.aaf"
DX_LIST = CORPUS / "avid" / "pycmx_INS4_R1_DX_092117.edl"


@pytest.mark.parametrize("name, expected", [
    ("DVNA21002215AA", None),  # 'DV' is no country: production media
    ("DVNA21001212AA.mxf", None),
    ("GBAYE0601498", "GBAYE0601498"),
    ("USRC17607839 Title.wav", "USRC17607839"),
    ("UK-ABC-01-00001", "UK-ABC-01-00001"),  # the UK's own ISRC code beside GB
    ("QZES71982312", "QZES71982312"),  # the US agency's extra codes
    ("QMDA61300010", "QMDA61300010"),
    ("ZZXYZ1200001", "ZZXYZ1200001"),  # the International ISRC Agency
    ("NOABC1234567", "NOABC1234567"),
    ("XXABC1200001", None), ("QQABC1200001", None), ("EUABC1200001", None),
])
def test_an_isrc_needs_a_country_code(name: str, expected: str | None) -> None:
    assert catalogue_id(name) == expected


def test_isrc_countries_hold_iso_codes_and_not_made_up_ones() -> None:
    assert {"NO", "SE", "DE", "US", "GB", "FR", "MD", "UK", "QZ", "ZZ"} <= ISRC_COUNTRIES
    assert not {"DV", "XX", "QQ", "EU", "AA"} & ISRC_COUNTRIES


def _picture_clip(path: Path, stem: str) -> tuple[str, list[AudioClip]]:
    """The media path of a real picture file shown in ``path``'s cut whose name starts with ``stem``, and the
    audio clips of that media on the cut's tracks."""
    _, analysis = read_once(path)
    source = next(s.source for s in analysis.shots if stem in s.source)
    return source, [c for c in analysis.audio_clips if c.source == source]


def test_production_media_named_like_an_isrc_is_not_music() -> None:
    """The camera file DVNA21001212AA.mxf of a real Premiere project, its clip named without the extension (as
    the issue saw it: 'DV' taken for a country), on an audio track with no name: never music."""
    source, _ = _picture_clip(MELKEKARTONG, "DVNA")
    clip = AudioClip(100, 200, "DVNA21001212AA", "A3", track_name="", source=source)
    assert source.endswith(".mxf") and music_evidence(clip) is None
    # the same for a camera file whose letters do make an ISRC with a real country (MD: Moldova)
    source, clips = _picture_clip(MELKEKARTONG, "MDHP")
    assert clips, "the MXF's sound is on the cut's audio tracks"
    for c in clips:
        bare = replace(c, name="MDHP11001314AA", track_name="", role="")
        assert catalogue_id(bare.name) == "MDHP11001314"  # the name alone would pass
        assert music_evidence(bare) is None, bare


def test_no_picture_file_of_the_corpus_is_music_by_its_name() -> None:
    """Every audio clip of the real Premiere project whose media is a picture file: not music (the project's
    music is its A6/A7 'Musikk' WAVs)."""
    _, analysis = read_once(MELKEKARTONG)
    pictures = [c for c in analysis.audio_clips if c.source.lower().endswith((".mxf", ".mov", ".mp4"))]
    assert len(pictures) > 100
    assert not [m for m in analysis.music if m.source.lower().endswith((".mxf", ".mov", ".mp4"))]
    assert {m.track.split(",")[0] for m in analysis.music} == {"A6"}
    stripped = [replace(c, track_name="", role="") for c in pictures]
    cuts = analysis.cuts
    assert find_music(stripped, cuts=cuts) == []


def _with_song(path: Path, track_labels: tuple[str, ...], url: str, name: str, frames: tuple[int, int]):
    """``path`` read afresh, the clips of the given audio tracks replaced by one clip of ``url`` over
    ``frames`` (an editor's full-length song on the sequence's A1/A2)."""
    source = read_source(path)
    rate = source.rate
    audio = [t for t in source.timeline.tracks if t.kind == otio.schema.TrackKind.Audio]
    for label in track_labels:
        track = audio[int(label[1:]) - 1]
        while len(track):
            del track[0]
        start, end = frames
        if start:
            track.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(start, rate))))
        track.append(otio.schema.Clip(name=name, media_reference=otio.schema.ExternalReference(target_url=url),
                                      source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate),
                                                                           otio.opentime.RationalTime(end - start, rate))))
    return source


def test_a_full_length_mp3_on_a1_a2_of_an_avid_sequence_is_music() -> None:
    """A real Media Composer sequence (simple.aaf: 5 shots, their sync sound on A1/A2) with its A1/A2 given
    to one 'Beverly.mp3' under the whole cut, unnamed tracks, no music folder: music, as one clip."""
    _, plain = read_once(AVID_SIMPLE)
    assert plain.music == [] and len(plain.cuts) == 4  # the sync sound of the .mp4 shots is no music
    n = plain.sequence.duration_frames
    analysis = analyse(_with_song(AVID_SIMPLE, ("A1", "A2"), "file:///Users/joshm/Desktop/Beverly.mp3",
                                  "Beverly.mp3", (0, n)))
    assert [(m.start_frame, m.end_frame, m.track) for m in analysis.music] == [(0, n, "A1, A2")]
    assert "a music file 'Beverly.mp3' laid under 4 picture cuts" in analysis.music[0].evidence


def test_a_short_mp3_under_one_cut_is_not_taken_for_music() -> None:
    """The same file under only one cut: a sound effect or a voice memo as likely as music."""
    _, plain = read_once(AVID_SIMPLE)
    cut = plain.cuts[0]
    analysis = analyse(_with_song(AVID_SIMPLE, ("A1",), "file:///Users/joshm/Desktop/Beverly.mp3", "Beverly.mp3",
                                  (cut - 50, cut + 50)))
    assert analysis.music == []


def test_an_mp3_shown_as_picture_or_named_for_video_is_not_music() -> None:
    _, plain = read_once(AVID_SIMPLE)
    n, shot = plain.sequence.duration_frames, plain.shots[0]
    clip = AudioClip(0, n, "Interview Anna.mp3", "A1", source="file:///Volumes/Media/Interview Anna.mp3")
    assert find_music([clip], cuts=plain.cuts) == []
    clip = AudioClip(0, n, "archive.mp3", "A1", source=shot.source.replace(".mp4", ".mp3"))
    assert find_music([clip], cuts=plain.cuts, picture_sources={clip.source}) == []
    named = AudioClip(0, n, "Main Theme Music.wav", "A1", source="file:///Volumes/Media/Main Theme Music.wav")
    assert len(find_music([named], cuts=plain.cuts)) == 1  # a WAV named for music counts
    plain_wav = AudioClip(0, n, "A001T01.WAV", "A1", source="file:///Volumes/Media/A001T01.WAV")
    assert find_music([plain_wav], cuts=plain.cuts) == []  # a recorder's WAV does not


def test_the_editors_mp3s_under_a_real_cut_are_music_by_their_layout_alone() -> None:
    """The real FCP7 project's mp3s (A8/A9) with their folder and catalogue hints taken away (an 'Import' folder,
    no 'AUXMP_' id): still music, found by the layout (compressed files under the picture's cuts)."""
    source, analysis = read_once(LEGO)
    mp3 = [c for c in analysis.audio_clips if c.source.lower().endswith(".mp3")]
    assert mp3 and all("Musikk" in c.source for c in mp3)
    bare = [replace(c, source=c.source.replace("/Musikk/", "/Import/").replace("AUXMP_", "Track_"),
                    name=c.name.replace("AUXMP_", "Track_"), track_name="", role="") for c in mp3]
    assert all(catalogue_id(c.name) is None for c in bare)
    # the top layer is one exported .mov over the whole cut: the cuts the music lies under are the edit's below
    assert len(analysis.shots) == 1
    cuts, shown = picture_layout(walk_timeline(source.timeline, source.rate))
    assert len(cuts) > 50 and analysis.shots[0].source in shown
    found = find_music(bare, cuts=cuts, picture_sources=shown)
    original = [m for m in analysis.music if m.source.lower().endswith(".mp3")]
    assert [(m.start_frame, m.end_frame) for m in found] == [(m.start_frame, m.end_frame) for m in original]
    assert all("laid under" in m.evidence for m in found)


def test_an_audio_only_dialogue_list_holds_no_music() -> None:
    """An Avid DX list (no picture) with an archive MP3 on A3: nothing to lie under, no music."""
    _, analysis = read_once(DX_LIST)
    assert any(".MP3" in c.name for c in analysis.audio_clips)
    assert analysis.music == []


def test_an_avid_audio_mxf_of_an_imported_mp3_keeps_its_clip_name() -> None:
    """Media Composer keeps an imported song as audio-only MXF media under its own name: no picture shows that
    file, so the clip's name 'Beverly.mp3' still tells; the same file shown as picture does not."""
    _, plain = read_once(AVID_SIMPLE)
    n = plain.sequence.duration_frames
    media = "file:///Volumes/RAID/Avid%20MediaFiles/MXF/1/Beverly.mp3A01.6543210_1234.mxf"
    clip = AudioClip(0, n, "Beverly.mp3", "A1", source=media)
    (found,) = find_music([clip], cuts=plain.cuts)
    assert found.evidence == "a music file 'Beverly.mp3' laid under 4 picture cuts"
    assert find_music([clip], cuts=plain.cuts, picture_sources={media}) == []
    named_by_id = AudioClip(0, n, "DVNA21002215AA", "A1", source=media.replace("Beverly.mp3A01", "DVNA21002215AA"))
    assert find_music([named_by_id], cuts=plain.cuts) == []
