"""The companion temp-music EDL of an EDL apply, on real music (issue 14): each source timecode is the media
file's own (its BWF time reference, read back by ffmpeg, a reader we did not write), so a timecode relink finds
the music; each stereo file is one event on a CMX stereo pair; a segue is one dissolve event (B from A) on one
pair. Read back with pycmx and OTIO's cmx_3600 adapter. Real music: Debian's wesnoth-1.16-music."""

from __future__ import annotations

import io
import json
import re
import subprocess
import wave
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest
from conftest import CORPUS, SAMPLES, run_cli
from test_cut import real

from otio_scoreplan.formats import ReadOptions, read_source
from otio_scoreplan.formats.edl.timeline import is_black_generator
from otio_scoreplan.formats.edl.write import companion_path
from otio_scoreplan.plan.model import sequence_from_json
from otio_scoreplan.timecode import STANDARD_RATES, from_timecode

pycmx = pytest.importorskip("pycmx")
imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")

SAMPLE = SAMPLES / "avid_sample.edl"


def _time_reference(path: Path) -> int:
    """The file's BWF time reference (samples since midnight) as ffmpeg reads it from the bext chunk."""
    done = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
                          capture_output=True, text=True, check=True)
    (value,) = re.findall(r"^time_reference=(\d+)$", done.stdout, re.M)
    return int(value)


def _exact(rate: float) -> Fraction:
    return next(r for r in STANDARD_RATES.values() if abs(float(r) - rate) < 1e-6)


def _apply(tmp_path: Path, cues: list[dict], source: Path = SAMPLE) -> tuple[dict, Path, Path]:
    """apply ``source`` (the sample EDL) with ``cues`` (plan cue documents) as its plan: (plan doc, companion, media
    folder)."""
    doc = json.loads(run_cli("spot", "--json", str(source)).stdout)
    doc["cues"] = cues
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc), encoding="utf-8")
    out, media = tmp_path / "cut.edl", tmp_path / "media"
    proc = run_cli("apply", str(source), "--plan", str(plan), "-o", str(out), "--media-dir", str(media))
    assert proc.returncode == 0, proc.stderr
    return doc, companion_path(out), media


def _spot_cues() -> list[dict]:
    proc = run_cli("spot", "--json", str(SAMPLE))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["cues"]


def _temp(piece: str, title: str) -> dict:
    return {"path": str(real(piece)), "title": title, "offset_seconds": 0.0, "reason": "pinned", "pinned": True}


def test_source_timecode_is_the_files_bwf_time_reference(tmp_path: Path) -> None:
    """Each music event's source in is the file's own timecode at the clip's first frame: its BWF time reference
    (read by ffmpeg) plus the head handle the clip skips; for a file spotted at its cue that is the record in."""
    cue = max(_spot_cues(), key=lambda c: c["end_frame"] - c["start_frame"])
    cue.update(entry={"type": "fade_in"}, exit={"type": "fade_out"}, hits=[], temp=_temp("breaking_the_chains.ogg", "c"))
    doc, companion, media = _apply(tmp_path, [cue])
    seq = sequence_from_json(doc["sequence"] if "sequence" in doc else doc["inputs"][0]["sequence"])
    rate = float(_exact(seq.rate))
    (wav,) = [f for f in media.iterdir() if f.name.startswith(cue["id"])]
    origin = Fraction(_time_reference(wav)) * _exact(seq.rate) / 48_000
    assert abs(origin - round(origin)) < Fraction(1, 100), "the file starts on a frame (to the sample)"
    edl = pycmx.parse_cmx3600(io.StringIO(companion.read_text(encoding="utf-8")))
    music = [e for ev in edl.events for e in ev.edits if e.source != "BL"]
    assert music, companion.read_text()
    for edit in music:
        assert sorted(edit.channels.channels) == [1, 2], "one stereo event on AA"
        # the source timecode runs with the record timecode: the file lies where its time reference says
        assert from_timecode(edit.source_in, rate) == from_timecode(edit.record_in, rate)
        assert from_timecode(edit.source_out, rate) - from_timecode(edit.source_in, rate) == \
            from_timecode(edit.record_out, rate) - from_timecode(edit.record_in, rate)
    first = min(music, key=lambda e: from_timecode(e.record_in, rate))
    head = from_timecode(first.source_in, rate) - round(origin)
    assert from_timecode(first.record_in, rate) == seq.start_frame + cue["start_frame"]
    assert head > 0, "the clip plays from the end of the file's head handle"


def test_a_segue_is_one_dissolve_event_from_a_to_b_on_one_stereo_pair(tmp_path: Path) -> None:
    """Two cues that segue: one event, B dissolving from A over the clips' overlap, both on AA; A's listed out is
    the dissolve's start and its music runs on in its tail handle (its file holds the dissolve's length past it)."""
    long = max(_spot_cues(), key=lambda c: c["end_frame"] - c["start_frame"])
    cut = (long["start_frame"] + long["end_frame"]) // 2
    # (A enters hard: OTIO's cmx_3600 reader refuses a track that starts with a dissolve, from black or not, as
    # Premiere's own lists with a fade-in on a track's first event are refused)
    a = dict(long, end_frame=cut, entry={"type": "hard_in"}, exit={"type": "segue"}, hits=[], temp=_temp("frantic.ogg", "a"))
    b = dict(long, id=long["id"] + "A", start_frame=cut, entry={"type": "segue"}, hits=[],
             temp=_temp("breaking_the_chains.ogg", "b"))
    doc, companion, media = _apply(tmp_path, [a, b])
    seq = sequence_from_json(doc["sequence"] if "sequence" in doc else doc["inputs"][0]["sequence"])
    rate = float(_exact(seq.rate))
    frame = lambda tc: from_timecode(tc, rate) - seq.start_frame  # noqa: E731
    text = companion.read_text(encoding="utf-8")
    edl = pycmx.parse_cmx3600(io.StringIO(text))
    dissolves = [ev for ev in edl.events if any(e.transition.dissolve for e in ev.edits)]
    segue = [ev for ev in dissolves if all(e.source != "BL" for e in ev.edits)]
    assert len(segue) == 1, text
    (event,) = segue
    out_a, into_b = event.edits
    assert out_a.clip_name.startswith(a["id"] + " ") and into_b.clip_name.startswith(b["id"] + " ")
    assert out_a.source_in == out_a.source_out and out_a.record_in == out_a.record_out == into_b.record_in
    overlap = into_b.transition.effect_duration
    assert frame(into_b.record_in) + overlap / 2 == cut, "the dissolve is centred on the cut"
    assert 1.0 <= overlap / seq.rate <= 4.5
    assert all(sorted(e.channels.channels) == [1, 2] for ev in edl.events for e in ev.edits)
    # no fade to black of A, nor from black into B, at the segue: the dissolve is the only transition there
    assert not [ev for ev in dissolves if ev is not event and abs(frame(ev.edits[-1].record_in) - cut) <= overlap]
    # the source timecodes are the files' own: A's file holds the music under the whole dissolve
    (wav_a,) = [f for f in media.iterdir() if f.name.startswith(a["id"] + "_")]
    a_start = Fraction(_time_reference(wav_a)) * _exact(seq.rate) / 48_000
    frames_a = len(subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(wav_a), "-f", "s16le",
                                   "-ac", "1", "-ar", "48000", "-"], capture_output=True, check=True).stdout) // 2
    a_end = a_start + Fraction(frames_a) * _exact(seq.rate) / 48_000
    assert from_timecode(out_a.source_in, rate) + overlap <= a_end
    # our reader: A then B on A1 and on A2 (besides the fades' black), B listed from the dissolve's start, as pycmx reads it
    ours = read_source(companion, ReadOptions(rate=rate)).timeline
    for name in ("A1", "A2"):
        (track,) = [t for t in ours.tracks if t.name == name]
        music = [c for c in track.find_clips() if not is_black_generator(c)]
        assert [c.name.split()[0] for c in music] == [a["id"], b["id"]]
        assert music[1].duration().to_frames() == frame(into_b.record_out) - frame(into_b.record_in)
    # OTIO's cmx_3600 reader: the A and B clips on A1 and on A2 (the pair), one transition between them
    timeline = otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=rate)
    assert sorted(t.name for t in timeline.tracks) == ["A1", "A2"]
    for track in timeline.tracks:
        music = [c for c in track.find_clips() if not isinstance(c.media_reference, otio.schema.GeneratorReference)]
        assert [c.name.split()[0] for c in music] == [a["id"], b["id"]]
        before_b = track[track.index(music[1]) - 1]  # the one transition between them: the dissolve of the overlap
        assert isinstance(before_b, otio.schema.Transition) and track.index(music[1]) == track.index(music[0]) + 2
        assert before_b.out_offset.to_frames() == overlap


INS4 = sorted(CORPUS.glob("avid/pycmx_INS4_R1_0*.edl"))


@pytest.mark.parametrize("edl", INS4, ids=lambda p: p.name)
def test_no_event_reads_past_its_wav_when_the_piece_ends_in_the_tail(tmp_path: Path, edl: Path) -> None:
    """A real Avid EDL whose cue 1M2 plays Love Theme (what `spot --library` chooses for it from wesnoth's music):
    the piece ends inside the cue's 2 s tail, so its WAV ends before the clip's planned fade to black does. No
    event's source range, the outgoing side of a dissolve included, runs past its WAV's end (BWF time reference by
    ffmpeg, length by the wave module), and that fade ends at the media's end (shortened: it starts where planned)."""
    rate = Fraction(24000, 1001)
    proc = run_cli("spot", "--json", "--rate", "23.976", str(edl))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    (cue,) = [c for c in doc["cues"] if c["id"] == "1M2"]
    assert cue["exit"]["type"] == "tail_out", cue
    cue["temp"] = _temp("love_theme.ogg", "Love Theme")
    plan, out = tmp_path / "plan.json", tmp_path / "INS.edl"
    plan.write_text(json.dumps(doc), encoding="utf-8")
    proc = run_cli("apply", str(edl), "--rate", "23.976", "--plan", str(plan), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    text = companion_path(out).read_text(encoding="utf-8")
    events = list(pycmx.parse_cmx3600(io.StringIO(text)).events)
    frames = lambda tc: from_timecode(tc, float(rate))  # noqa: E731
    media_end = {}  # reel -> the record/source frame (the file's own timecode) its WAV's last sample ends in
    for ev in events:
        for e in ev.edits:
            if e.source != "BL" and e.source not in media_end:
                wav = companion_path(out).parent / e.source_file
                with wave.open(str(wav)) as w:
                    samples, sample_rate = w.getnframes(), w.getframerate()
                reference = _time_reference(wav) if e.source != "TEMPMX" else 0
                media_end[e.source] = Fraction(reference + samples) * rate / sample_rate
    love = next(r for r in media_end if r.startswith("1M2"))
    seq_start = sequence_from_json(doc["sequence"] if "sequence" in doc else doc["inputs"][0]["sequence"]).start_frame
    assert media_end[love] < seq_start + cue["end_frame"], "the case: the WAV ends before the planned clip does"
    checked = 0
    for ev in events:
        edits = list(ev.edits)
        for i, e in enumerate(edits):
            if e.source == "BL":
                continue
            out_frame = frames(e.source_out)
            if i + 1 < len(edits) and edits[i + 1].transition.dissolve:  # it plays on under the dissolve
                out_frame = frames(e.source_in) + edits[i + 1].transition.effect_duration
            assert out_frame <= media_end[e.source], f"event {ev.number} ({e.source}) reads past its WAV:\n{text}"
            checked += 1
    assert checked >= len(doc["cues"])
    (fade,) = [ev.edits for ev in events if ev.edits[0].source == love and len(ev.edits) == 2]
    assert fade[1].source == "BL" and fade[1].transition.dissolve
    assert frames(fade[1].record_in) == seq_start + cue["exit"]["cut_frame"], "the fade starts where planned"
    assert frames(fade[1].record_out) == int(media_end[love]), "and ends at the WAV's last whole frame"


def _title(path: Path) -> str:
    return next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("TITLE:"))[6:].strip()


@pytest.mark.parametrize("title", ["", "A LONG PICTURE LIST TITLE " * 3], ids=["sample", "long"])
def test_the_companion_is_titled_as_the_temp_mx_of_the_picture_list(tmp_path: Path, title: str) -> None:
    """The companion's TITLE is the picture list's plus " TEMP MX" (issue 14 left (5): it was the picture list's own,
    so two lists of one title sat in the editor's bin), read so by pycmx, OTIO's cmx_3600 reader and ours; a
    picture title too long for CMX's 70 characters is shortened, the " TEMP MX" kept."""
    source = SAMPLE
    if title:
        source = tmp_path / "long.edl"
        text = SAMPLE.read_text(encoding="utf-8")
        source.write_text(text.replace(f"TITLE:   {_title(SAMPLE)}", f"TITLE: {title.strip()}", 1), encoding="utf-8")
    picture = _title(source)
    cue = max(_spot_cues(), key=lambda c: c["end_frame"] - c["start_frame"])
    cue.update(entry={"type": "hard_in"}, exit={"type": "hard_out"}, hits=[], temp=_temp("frantic.ogg", "x"))
    doc, companion, _ = _apply(tmp_path, [cue], source)
    wanted = f"{picture} TEMP MX" if len(picture) <= 62 else f"{picture[:62].rstrip()} TEMP MX"
    assert len(wanted) <= 70 and (title == "" or len(picture) > 62), "the cases: a short title, one too long"
    text = companion.read_text(encoding="utf-8")
    assert pycmx.parse_cmx3600(io.StringIO(text)).title == wanted
    rate = float(_exact(sequence_from_json(doc["sequence"] if "sequence" in doc else doc["inputs"][0]["sequence"]).rate))
    assert otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=rate).name == wanted
    assert read_source(companion, ReadOptions(rate=rate)).timeline.name == wanted
    assert _title(tmp_path / "cut.edl") == picture, "the picture list keeps its own title"


def test_the_black_side_of_a_fade_is_named_black_not_after_the_cue(tmp_path: Path) -> None:
    """A fade-in is a dissolve from black (BL) into the clip, a fade-out one from the clip to black. Written as
    Premiere writes them (``* FROM CLIP NAME: BL`` / ``* TO CLIP NAME: BL``), OTIO's cmx_3600 reader names the black
    clip BL and the transitions from/to BL (it named the black of a fade-out after the cue, with the cue's media file
    among its comments), and pycmx names each side as it is; the music clips keep their cues' names."""
    cues = sorted(_spot_cues(), key=lambda c: c["start_frame"])
    # (the first cue enters hard: OTIO's reader refuses a track that starts with a dissolve)
    a = dict(cues[0], entry={"type": "hard_in"}, exit={"type": "fade_out"}, hits=[], temp=_temp("frantic.ogg", "a"))
    b = dict(cues[-1], entry={"type": "fade_in"}, exit={"type": "fade_out"}, hits=[],
             temp=_temp("breaking_the_chains.ogg", "b"))
    doc, companion, _ = _apply(tmp_path, [a, b])
    ids = (a["id"], b["id"])
    rate = float(_exact(sequence_from_json(doc["sequence"] if "sequence" in doc else doc["inputs"][0]["sequence"]).rate))
    text = companion.read_text(encoding="utf-8")
    fades = {"in": 0, "out": 0}
    for event in pycmx.parse_cmx3600(io.StringIO(text)).events:
        edits = list(event.edits)
        for e in edits:
            if e.black:
                assert e.clip_name in (None, "BL"), f"event {event.number}: black named {e.clip_name!r}\n{text}"
            else:
                assert e.clip_name.split()[0] in ids, f"event {event.number}: {e.clip_name!r}\n{text}"
                if e.record_in != e.record_out:  # (the outgoing side of a fade-out is the clip's own event's)
                    assert e.source_file and e.source_file.endswith(".wav"), text
        if len(edits) == 2 and edits[1].transition.dissolve and edits[0].black != edits[1].black:
            fades["in" if edits[0].black else "out"] += 1
            assert [e.clip_name for e in edits if e.black] == ["BL"], text
            if edits[1].black:  # a fade-out: its black carries no file of the cue's
                assert edits[1].source_file is None, text
    assert fades == {"in": 1, "out": 2}, text
    timeline = otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=rate)
    names = {}
    for track in timeline.tracks:
        for item in track:
            if isinstance(item, otio.schema.Transition):
                names.setdefault(track.name, []).append(item.name)
            elif isinstance(item, otio.schema.Clip):
                black = isinstance(item.media_reference, otio.schema.GeneratorReference)
                assert (item.name == "BL") if black else item.name.split()[0] in ids, (track.name, item.name)
                comments = (item.metadata.get("cmx_3600") or {}).get("comments", [])
                assert not black or not comments, (item.name, comments)
    assert sorted(names) == ["A1", "A2"]
    for track_names in names.values():
        assert [n.split(" from ")[1].split(" to ")[0].split()[0] for n in track_names] == [a["id"], "BL", b["id"]]
        assert [n.split(" to ")[1].split()[0] for n in track_names] == ["BL", b["id"], "BL"]
    ours = read_source(companion, ReadOptions(rate=rate)).timeline
    for track in ours.tracks:
        for clip in track.find_clips():
            assert (clip.name == "BL") if is_black_generator(clip) else clip.name.split()[0] in ids, clip.name


def test_a_cut_with_no_temp_left_takes_away_our_earlier_companion(tmp_path: Path) -> None:
    """Applied once with temp, then with a plan whose only cue is the editor's own music (no temp clip): the earlier run's X.TEMP_MX.edl listed temp
    events the new list does not have, and was left beside it without a word (hostile review). Ours (marked) is now
    taken away and the summary says so; an editor's file of that name is left as it is."""
    cues = _spot_cues()
    first = next(c for c in cues if c.get("temp") is None or c["origin"] != "music")
    first["temp"] = _temp("breaking_the_chains.ogg", "chains")
    _, companion, _ = _apply(tmp_path, [first])
    assert companion.exists() and "[scoreplan]" in companion.read_text(encoding="utf-8", errors="replace")
    doc = json.loads(run_cli("spot", "--json", str(SAMPLE)).stdout)
    doc["cues"] = [c for c in doc["cues"] if c["origin"] == "music"]  # the editor's own music: no temp clip at all
    assert doc["cues"]
    plan = tmp_path / "bare.json"
    plan.write_text(json.dumps(doc), encoding="utf-8")
    proc = run_cli("apply", str(SAMPLE), "--plan", str(plan), "-o", str(tmp_path / "cut.edl"), "--media-dir",
                   str(tmp_path / "media"))
    assert proc.returncode == 0, proc.stderr
    assert not companion.exists() and "removed" in proc.stdout and companion.name in proc.stdout
    # an editor's own file at that name: never touched
    companion.write_text("TITLE: MY OWN\n", encoding="utf-8")
    proc = run_cli("apply", str(SAMPLE), "--plan", str(plan), "-o", str(tmp_path / "cut.edl"), "--media-dir",
                   str(tmp_path / "media"))
    assert proc.returncode == 0, proc.stderr
    assert companion.read_text(encoding="utf-8") == "TITLE: MY OWN\n"


def test_a_fade_longer_than_a_cmx_dissolve_is_said_to_be_shortened(tmp_path: Path) -> None:
    """CMX counts a dissolve in three digits: a 1,200-frame fade-out was written as D 999 without a word while the
    mix and the other formats fade over all of it (hostile review). Now a warning names the clip."""
    cues = _spot_cues()
    cue = max((c for c in cues if c["origin"] != "music"), key=lambda c: c["end_frame"] - c["start_frame"])
    frames = min(1200, cue["end_frame"] - cue["start_frame"] - 24)
    assert frames > 999
    cue["exit"] = {"type": "fade_out", "frames": frames}
    cue["temp"] = _temp("breaking_the_chains.ogg", "chains")
    doc = json.loads(run_cli("spot", "--json", str(SAMPLE)).stdout)
    doc["cues"] = [cue]
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "cut.edl"
    proc = run_cli("apply", str(SAMPLE), "--plan", str(plan), "-o", str(out), "--media-dir", str(tmp_path / "media"))
    assert proc.returncode == 0, proc.stderr
    assert "999" in proc.stderr and cue["id"] in proc.stderr and "longest a CMX list counts" in proc.stderr
    assert "D    999" in companion_path(out).read_text(encoding="utf-8")
