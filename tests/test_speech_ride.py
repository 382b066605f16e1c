"""The temp rides down under speech (issue 14, "Levels: ... rides down under speech").

The planner records the talk inside each cue (``Cue.speech``, timeline frames), the plan JSON carries it and the
schema checks it; ``render`` applies the ride (rules ``temp.duck_db``, ramps of ``temp.duck_ramp_seconds``) to the
mix, and FCP7 XML / FCPXML clips carry the same ride as level keyframes over clean media. Real music: Debian's
wesnoth-1.16-music (see test_cut.py); the mixes are reread with the project's decoder (ffmpeg), the XML with lxml.
"""

from __future__ import annotations

import json
import re
import shutil
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES, VALIDATORS, run_cli
from lxml import etree
from plan_builders import build, sequence
from test_cut import real

from otio_scoreplan.audio.decode import decode
from otio_scoreplan.audio.duck import ride_points
from otio_scoreplan.audio.fit import frame_to_sample
from otio_scoreplan.fades import fade_points
from otio_scoreplan.plan import make_plan
from otio_scoreplan.plan.model import load_plan, plan_to_json, sequence_from_json

DUCK = -8.0  # the shipped rules' temp.duck_db
PIECE = "breaking_the_chains.ogg"


def test_the_ride_ramps_down_before_the_talk_and_up_after_it() -> None:
    # two lines 5 frames apart ride as one (no pumping); a span reaching past the clip starts ducked
    assert ride_points([(10, 50), (55, 60)], 0, 100, -8.0, 7) == ((0, 0.0), (3, 0.0), (10, -8.0), (60, -8.0), (67, 0.0), (100, 0.0))
    assert ride_points([(0, 20)], 0, 100, -8.0, 7) == ((0, -8.0), (20, -8.0), (27, 0.0), (100, 0.0))
    assert ride_points([(10, 50), (80, 90)], 0, 100, -6.0, 5)[3:6] == ((50, -6.0), (55, 0.0), (75, 0.0))
    assert ride_points([(10, 50)], 0, 100, 0.0, 7) == ()  # 0 dB: no ride
    assert ride_points([], 0, 100, -8.0, 7) == ()


def test_the_planner_records_the_talk_inside_each_cue(tmp_path: Path) -> None:
    seq = sequence("24")
    a = build(seq, [5, 40, 80], markers=[(10, "MUSIC IN - tension"), (30, "MUSIC OUT")],
              dialogue=[(15, 18), (18.25, 20), (25, 40), (100, 110)])
    plan = make_plan([a])
    (cue,) = [c for c in plan.cues if c.origin == "explicit"]
    assert (cue.start_frame, cue.end_frame) == (240, 720)
    # 18 s to 18.25 s is a breath (under half a second): one span; the line running past the out is cut there
    assert cue.speech == ((360, 480), (600, 720))
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_to_json(plan)), encoding="utf-8")
    doc = json.loads(path.read_text(encoding="utf-8"))
    (written,) = [c for c in doc["cues"] if c["id"] == cue.id]
    assert written["speech"] == [{"start_frame": 360, "end_frame": 480}, {"start_frame": 600, "end_frame": 720}]
    assert next(c for c in load_plan(path).cues if c.id == cue.id).speech == cue.speech  # checked by the schema
    # a recut: the talk is read again from the new cut
    b = build(seq, [5, 40, 80], markers=[(10, "MUSIC IN - tension"), (30, "MUSIC OUT")], dialogue=[(12, 14)])
    again = make_plan([b], previous=plan)
    assert next(c for c in again.cues if c.id == cue.id).speech == ((288, 336),)
    # an older plan without speech still loads; a span outside its cue is refused
    for c in doc["cues"]:
        c.pop("speech", None)
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert all(c.speech == () for c in load_plan(path).cues)
    doc["cues"][0]["speech"] = [{"start_frame": doc["cues"][0]["end_frame"] - 5, "end_frame": doc["cues"][0]["end_frame"] + 20}]
    path.write_text(json.dumps(doc), encoding="utf-8")
    proc = run_cli("notes", str(path), "-o", str(tmp_path / "sheet.csv"))
    assert proc.returncode == 2
    assert "plan.json" in proc.stderr and "speech" in proc.stderr and "Traceback" not in proc.stderr


def _one_cue_plan(tmp_path: Path, sample: Path, speech: list[tuple[int, int]] | None, name: str,
                  edges: tuple[str, str] = ("hard_in", "hard_out")) -> tuple[dict, dict, Path]:
    """The plan ``spot`` makes of ``sample``, its longest cue alone with a real piece pinned and ``speech`` given
    as offsets (frames) from the cue's in; (plan doc, the cue, plan file)."""
    proc = run_cli("spot", "--json", str(sample))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    cue = max(doc["cues"], key=lambda c: c["end_frame"] - c["start_frame"])
    cue["entry"], cue["exit"] = {"type": edges[0]}, {"type": edges[1]}
    cue["temp"] = {"path": str(real(PIECE)), "title": "chains", "offset_seconds": 0.0, "reason": "pinned", "pinned": True}
    cue.pop("speech", None)
    if speech is not None:
        cue["speech"] = [{"start_frame": cue["start_frame"] + s, "end_frame": cue["start_frame"] + e} for s, e in speech]
    doc["cues"], doc["themes"] = [cue], []
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return doc, cue, path


def _rms_db(x: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(np.square(x.astype(np.float64)))) + 1e-12)


def test_render_rides_down_under_speech_on_real_music(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(real(PIECE), library / PIECE)
    sample = SAMPLES / "premiere_sample.xml"
    rate = 24000 / 1001
    talk = (int(8 * rate), int(16 * rate))  # 8 s to 16 s into the cue
    doc, cue, spoken = _one_cue_plan(tmp_path, sample, [talk], "spoken.json")
    _, _, silent = _one_cue_plan(tmp_path, sample, None, "silent.json")
    no_ride = tmp_path / "no_ride.toml"
    no_ride.write_text("[temp]\nduck_db = 0.0\n", encoding="utf-8")
    mixes = {}
    for key, plan, rules in (("ride", spoken, None), ("off", spoken, no_ride), ("none", silent, None)):
        mixes[key] = tmp_path / f"{key}.wav"
        args = ["render", str(plan), "--library", str(library), "-o", str(mixes[key])]
        proc = run_cli(*args, *(["--rules", str(rules)] if rules else []))
        assert proc.returncode == 0, proc.stderr
    # no speech (or the ride set to 0) renders exactly what a render without the ride gives
    assert mixes["none"].read_bytes() == mixes["off"].read_bytes()
    seq = sequence_from_json(doc["sequence"])
    sr = 48_000
    origin = frame_to_sample(seq.start_frame, seq.rate, sr)

    def at(frame: int) -> int:
        return frame_to_sample(seq.start_frame + cue["start_frame"] + frame, seq.rate, sr) - origin

    ridden, plain = decode(mixes["ride"]), decode(mixes["none"])
    inside = slice(at(talk[0]) + sr // 2, at(talk[1]) - sr // 2)  # clear of the 0.3 s ramps
    before = slice(at(int(2 * rate)), at(talk[0]) - sr // 2)
    after = slice(at(talk[1]) + sr // 2, at(talk[1]) + 4 * sr)
    assert _rms_db(plain[inside]) > -50, "the piece plays there"
    # inside the talk the level is the setting lower than without the ride; around it, unchanged
    assert _rms_db(ridden[inside]) - _rms_db(plain[inside]) == pytest.approx(DUCK, abs=1.0)
    for outside in (before, after):
        assert _rms_db(ridden[outside]) - _rms_db(plain[outside]) == pytest.approx(0.0, abs=0.05)
    # read as the listener hears it: inside against outside, the ride's 8 dB on top of the music's own change
    own = _rms_db(plain[inside]) - _rms_db(plain[before])
    assert _rms_db(ridden[inside]) - _rms_db(ridden[before]) == pytest.approx(own + DUCK, abs=1.0)


def _rendered(media: Path, cue_id: str) -> Path:
    (found,) = [f for f in media.iterdir() if re.fullmatch(rf"{cue_id}(_[0-9a-f]{{8}})?\.wav", f.name)]
    return found


def test_fcp7_clips_carry_the_ride_as_audio_levels_over_clean_media(tmp_path: Path) -> None:
    sample = SAMPLES / "premiere_sample.xml"
    rate = 24000 / 1001
    talk = (int(6 * rate), int(12 * rate))
    outs = {}
    for key, speech in (("ride", [talk]), ("none", None)):
        doc, cue, plan = _one_cue_plan(tmp_path, sample, speech, f"{key}.json", ("fade_in", "fade_out"))
        outs[key] = (tmp_path / f"{key}.xml", tmp_path / f"media_{key}")
        proc = run_cli("apply", str(sample), "--plan", str(plan), "-o", str(outs[key][0]), "--media-dir", str(outs[key][1]))
        assert proc.returncode == 0, proc.stderr
    # the media stay clean: the same file (content-named) with the ride and without it
    assert _rendered(outs["ride"][1], cue["id"]).read_bytes() == _rendered(outs["none"][1], cue["id"]).read_bytes()
    seq = sequence_from_json(doc["sequence"])
    items = [ci for ci in etree.parse(str(outs["ride"][0])).iter("clipitem") if (ci.get("id") or "").endswith(f"{cue['id']}-L")]
    assert len(items) == 1
    head = int(items[0].findtext("in"))
    length = cue["end_frame"] - cue["start_frame"]
    keys = [(int(k.findtext("when")), float(k.findtext("value")))
            for k in items[0].findall("filter/effect[effectid='audiolevels']/parameter/keyframe")]
    fin, fout, ramp = round(2.0 * seq.rate), round(3.0 * seq.rate), round(0.3 * seq.rate)
    fades = [(head + f, g) for f, g in fade_points("sine", fin, True)] + \
        [(head + length - fout + f, g) for f, g in fade_points("sine", fout, False)]
    ride = [(head, 0.0), (head + talk[0] - ramp, 0.0), (head + talk[0], DUCK), (head + talk[1], DUCK),
            (head + talk[1] + ramp, 0.0), (head + length, 0.0)]
    # a keyframe at every fade point and ride corner, and on every frame of the ride's ramps (FCP7 interpolates in
    # gain, the ride is linear in dB), each the fades' gain times the ride's
    ramps = set(range(head + talk[0] - ramp, head + talk[0] + 1)) | set(range(head + talk[1], head + talk[1] + ramp + 1))
    assert [w for w, _ in keys] == sorted({w for w, _ in fades} | {w for w, _ in ride} | ramps)
    expected = [np.interp(w, *zip(*fades)) * 10 ** (np.interp(w, *zip(*ride)) / 20) for w, _ in keys]
    assert [v for _, v in keys] == pytest.approx(expected, abs=1e-4)
    # without speech the clip carries its fades alone
    plain = [ci for ci in etree.parse(str(outs["none"][0])).iter("clipitem") if (ci.get("id") or "").endswith(f"{cue['id']}-L")]
    assert [int(k.findtext("when")) for k in plain[0].findall("filter/effect[effectid='audiolevels']/parameter/keyframe")] == \
        [w for w, _ in fades]


def test_fcpxml_clips_carry_the_ride_as_volume_keyframes_and_validate(tmp_path: Path) -> None:
    sample = SAMPLES / "resolve_sample.fcpxml"
    talk = (5 * 25, 9 * 25)
    doc, cue, plan = _one_cue_plan(tmp_path, sample, [talk], "plan.json", ("fade_in", "fade_out"))
    out, media = tmp_path / "cut.fcpxml", tmp_path / "media"
    proc = run_cli("apply", str(sample), "--plan", str(plan), "-o", str(out), "--media-dir", str(media))
    assert proc.returncode == 0, proc.stderr
    tree = etree.parse(str(out))
    version = tree.getroot().get("version")
    dtd = etree.DTD(str(VALIDATORS / "fcpxml" / f"FCPXMLv{version.replace('.', '_')}.dtd"))
    assert dtd.validate(tree), dtd.error_log
    seq = sequence_from_json(doc["sequence"])
    (clip,) = [el for el in tree.iter("asset-clip", "audio") if cue["id"] in (el.get("name") or "")]
    frame = Fraction(1) / Fraction(seq.rate).limit_denominator(1001)

    def frames(t: str) -> Fraction:
        return Fraction(t.rstrip("s")) / frame

    head = frames(clip.get("start"))
    keys = [(frames(k.get("time")) - head, k.get("value"))
            for k in clip.findall("adjust-volume/param[@name='amount']/keyframeAnimation/keyframe")]
    ramp = round(0.3 * seq.rate)
    at = dict(keys)
    assert [at[f] for f in (talk[0] - ramp, talk[0], talk[1], talk[1] + ramp)] == ["0dB", "-8dB", "-8dB", "0dB"]
    assert all(k in at for k in range(talk[0] - ramp, talk[1] + ramp + 1) if not talk[0] < k < talk[1]), "every ramp frame"
    assert (at[0], at[cue["end_frame"] - cue["start_frame"]]) == ("-96dB", "-96dB"), "the fades, as keyframes"
    assert clip.find("adjust-volume/param[@name='amount']/fadeIn") is None  # (FCP's fade types: no known curve)


@pytest.mark.parametrize("seconds", [20, 40])  # a short cue fitted in memory, a long one a window at a time
def test_a_cue_file_with_its_fades_baked_in_has_the_ride_baked_in(tmp_path: Path, seconds: int) -> None:
    """``render --media`` and formats without level automation: the cue's own file carries the ride."""
    from otio_scoreplan.audio.render import RenderSettings, render_cue
    from otio_scoreplan.library.choose import Pick
    from otio_scoreplan.library.cuespec import CueSpec
    from otio_scoreplan.model import SequenceInfo

    seq = SequenceInfo(name="t", rate=24.0, drop_frame=False, start_frame=86400, duration_frames=24 * 400, format="otio")
    cue = CueSpec("1M1", 240, 240 + 24 * seconds, speech=((240 + 24 * 6, 240 + 24 * 12),))
    pick = Pick("1M1", str(real(PIECE)), "chains", 0.0, "pinned")
    files = {d: render_cue(cue, pick, seq, tmp_path / f"d{d}", RenderSettings(duck_db=d)) for d in (0.0, DUCK)}
    assert files[DUCK].ride_baked and not files[0.0].ride_baked
    ridden, plain = decode(files[DUCK].path), decode(files[0.0].path)
    sr = 48_000
    inside, before = slice(7 * sr, 11 * sr), slice(2 * sr, 5 * sr)
    assert _rms_db(ridden[inside]) - _rms_db(plain[inside]) == pytest.approx(DUCK, abs=1.0)
    assert _rms_db(ridden[before]) - _rms_db(plain[before]) == pytest.approx(0.0, abs=0.05)


def test_talk_across_a_segue_keeps_both_clips_down_in_the_overlap(tmp_path: Path) -> None:
    """Someone talks across the cut of a segue: each cue's plan keeps only the talk inside it, but both clips sound
    in the overlap. Neither may rise back toward full there while the talk goes on (the music-editor review saw
    NRK Prg6 1M13 -> 1M14 come up +3.9 dB over the held duck for 2 s under continuing speech)."""
    sample = SAMPLES / "premiere_sample.xml"
    doc = json.loads(run_cli("spot", "--json", str(sample)).stdout)
    first, second = sorted(doc["cues"], key=lambda c: c["start_frame"])[:2]
    cut = second["start_frame"]
    first["end_frame"] = cut
    first["exit"], second["entry"] = {"type": "segue", "frames": 48}, {"type": "segue", "frames": 48}
    first["speech"] = [{"start_frame": cut - 120, "end_frame": cut}]
    second["speech"] = [{"start_frame": cut, "end_frame": cut + 120}]
    for cue, name in ((first, PIECE), (second, "battle.ogg")):
        cue["temp"] = {"path": str(real(name)), "title": name, "offset_seconds": 0.0, "reason": "pinned", "pinned": True}
        cue["hits"] = []
    doc["cues"], doc["themes"] = [first, second], []
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "cut.xml"
    proc = run_cli("apply", str(sample), "--plan", str(plan), "-o", str(out), "--media-dir", str(tmp_path / "media"))
    assert proc.returncode == 0, proc.stderr
    held = 10 ** (DUCK / 20)
    sounding = 0
    for cue in (first, second):
        (item,) = [ci for ci in etree.parse(str(out)).iter("clipitem") if (ci.get("id") or "").endswith(f"{cue['id']}-L")]
        start, head = int(item.findtext("start")), int(item.findtext("in"))
        keys = [(int(k.findtext("when")), float(k.findtext("value")))
                for k in item.findall("filter/effect[effectid='audiolevels']/parameter/keyframe")]
        record = int(item.findtext("end"))
        for frame in range(max(start, cut - 100), min(record, cut + 100)):  # the talk runs cut-120 .. cut+120
            gain = float(np.interp(head + frame - start, *zip(*keys)))
            assert gain <= held + 1e-3, f"{cue['id']} at frame {frame}: gain {gain:.3f} over the held ride {held:.3f}"
            sounding += 1
    assert sounding > 200  # both clips checked over the overlap, not only one side
