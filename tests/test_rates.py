"""Record timecode per frame rate: what ``scoreplan inspect --json`` says is what the editor saw.

For each rate (23.976, 24, 25, 29.97 drop and non-drop, 59.94 drop) and each start (00:00:00:00 and
01:00:00:00) the test writes small timelines by hand (an EDL whose ``* LOC:`` lines state each
marker's timecode, an xmeml sequence, an FCPXML project, an .otio built through the OTIO API), reads
them through the real command line and compares every marker's timecode with a reference
SMPTE conversion written here (independent of OpenTimelineIO and of otio_scoreplan.timecode).
The offsets straddle the places drop frame gets wrong: the last frame of a minute, the first frame
of the next (``00:01:00;02``) and the tenth minute (no frames dropped).

``otio_scoreplan.timecode`` itself is checked against the same reference, and for its rate parsing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest
from conftest import run_main

from otio_scoreplan import timecode as tc


@dataclass(frozen=True)
class Rate:
    label: str  # as `inspect --json` labels it
    nominal: int  # frames per timecode second
    ntsc: bool  # x/1.001
    drop_frame: bool
    cli: str  # what a person passes to --rate

    @property
    def exact(self) -> Fraction:
        return Fraction(self.nominal * 1000, 1001) if self.ntsc else Fraction(self.nominal)


RATES = [
    Rate("23.976", 24, True, False, "23.976"),
    Rate("24", 24, False, False, "24"),
    Rate("25", 25, False, False, "25"),
    Rate("29.97", 30, True, True, "29.97"),
    Rate("29.97", 30, True, False, "30000/1001"),
    Rate("59.94", 60, True, True, "59.94"),
]
RATE_IDS = ["23.976", "24", "25", "29.97DF", "29.97NDF", "59.94DF"]
STARTS = {"00h": (0, 0, 0, 0), "01h": (1, 0, 0, 0)}


# ----------------------------------------------------------------------------------------------
# Reference SMPTE timecode (the textbook drop-frame formula)
# ----------------------------------------------------------------------------------------------


def _drop(rate: Rate) -> int:
    return rate.nominal // 15 if rate.drop_frame else 0  # 2 at 29.97, 4 at 59.94


def ref_timecode(frame: int, rate: Rate) -> str:
    """Timecode label of an absolute frame count."""
    n, drop = rate.nominal, _drop(rate)
    if drop:
        per_10min = n * 600 - drop * 9
        per_min = n * 60 - drop
        tens, rest = divmod(frame, per_10min)
        frame += drop * 9 * tens + (drop * ((rest - drop) // per_min) if rest > drop else 0)
    ff = frame % n
    ss = frame // n % 60
    mm = frame // (n * 60) % 60
    hh = frame // (n * 3600)
    return f"{hh:02d}:{mm:02d}:{ss:02d}{';' if drop else ':'}{ff:02d}"


def ref_frame(hh: int, mm: int, ss: int, ff: int, rate: Rate) -> int:
    """Absolute frame count of a timecode label."""
    minutes = hh * 60 + mm
    return (minutes * 60 + ss) * rate.nominal + ff - _drop(rate) * (minutes - minutes // 10)


def test_reference_timecode_agrees_with_published_values() -> None:
    df30, df60, ndf30 = RATES[3], RATES[5], RATES[4]
    assert ref_frame(1, 0, 0, 0, df30) == 107892  # one hour of 29.97 drop frame
    assert ref_frame(1, 0, 0, 0, df60) == 215784
    assert ref_timecode(1800, df30) == "00:01:00;02"
    assert ref_timecode(1799, df30) == "00:00:59;29"
    assert ref_timecode(17982, df30) == "00:10:00;00"
    assert ref_timecode(3600, df60) == "00:01:00;04"
    assert ref_timecode(107892, df30) == "01:00:00;00"
    assert ref_timecode(108000, ndf30) == "01:00:00:00"


def offsets(rate: Rate) -> list[int]:
    """Marker offsets in frames from the sequence start: either side of a minute and the tenth minute."""
    n = rate.nominal
    return [0, n + 5, 60 * n - 1, 60 * n, 61 * n + 7, 600 * n - 9 * _drop(rate)]  # the tenth minute: 00:10:00;00


LENGTH_MINUTES = 11


# ----------------------------------------------------------------------------------------------
# Inputs written by hand
# ----------------------------------------------------------------------------------------------


def edl_text(rate: Rate, start: int, colon_df: bool = False) -> str:
    """One video event over the whole length, a ``* LOC:`` line per marker (Avid layout)."""
    length = LENGTH_MINUTES * 60 * rate.nominal
    t = lambda f: ref_timecode(f, rate).replace(";", ":") if colon_df else ref_timecode(f, rate)  # noqa: E731
    src = ref_frame(10, 0, 0, 0, rate)
    lines = ["TITLE:   RATE TEST ", f"FCM: {'DROP FRAME' if rate.drop_frame else 'NON-DROP FRAME'}",
             f"001  A001C001 V     C        {t(src)} {t(src + length)} {t(start)} {t(start + length)} ",
             "* FROM CLIP NAME:  1A-1 "]
    for i, off in enumerate(offsets(rate)):
        lines.append(f"* LOC: {t(start + off)} RED     marker {i}")
    return "\r\n".join(lines) + "\r\n"


def xmeml_text(rate: Rate, start: int) -> str:
    """A Premiere-style sequence: timecode element with string and frame, sequence markers in frames."""
    rate_el = f"<rate><timebase>{rate.nominal}</timebase><ntsc>{'TRUE' if rate.ntsc else 'FALSE'}</ntsc></rate>"
    length = LENGTH_MINUTES * 60 * rate.nominal
    markers = "".join(f"<marker><comment></comment><name>marker {i}</name><in>{off}</in><out>-1</out></marker>"
                      for i, off in enumerate(offsets(rate)))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xmeml>
<xmeml version="4">
<sequence id="sequence-1" MZ.Sequence.EditingModeGUID="795454d9-d3c2-429d-9474-923ab13b7018">
<duration>{length}</duration>{rate_el}<name>rate test</name>
<media><video><format><samplecharacteristics>{rate_el}<width>1920</width><height>1080</height></samplecharacteristics></format>
<track><clipitem id="clipitem-1"><name>1A-1</name><enabled>TRUE</enabled><duration>{length}</duration>{rate_el}
<start>0</start><end>{length}</end><in>0</in><out>{length}</out>
<file id="file-1"><name>A001C001.mov</name><pathurl>file://localhost/media/A001C001.mov</pathurl>{rate_el}<duration>{length}</duration>
<timecode>{rate_el}<string>{ref_timecode(0, rate)}</string><frame>0</frame><displayformat>{'DF' if rate.drop_frame else 'NDF'}</displayformat></timecode>
<media><video></video></media></file></clipitem><enabled>TRUE</enabled><locked>FALSE</locked></track></video></media>
<timecode>{rate_el}<string>{ref_timecode(start, rate)}</string><frame>{start}</frame><displayformat>{'DF' if rate.drop_frame else 'NDF'}</displayformat></timecode>
{markers}
</sequence>
</xmeml>
"""


def _fcpx_time(frames: int, rate: Rate) -> str:
    seconds = Fraction(frames) / rate.exact
    return f"{seconds.numerator}/{seconds.denominator}s" if seconds.denominator != 1 else f"{seconds.numerator}s"


def fcpxml_text(rate: Rate, start: int) -> str:
    """An FCPXML 1.10 project: a gap on the spine carrying the markers, tcStart at the start timecode."""
    frame_duration = "1001/%d000s" % rate.nominal if rate.ntsc else "100/%d00s" % rate.nominal  # noqa: UP031 - reads as the FCPXML rational it builds
    length = LENGTH_MINUTES * 60 * rate.nominal
    markers = "".join(f'<marker start="{_fcpx_time(start + off, rate)}" duration="{_fcpx_time(1, rate)}" value="marker {i}"/>'
                      for i, off in enumerate(offsets(rate)))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE fcpxml>
<fcpxml version="1.10">
<resources><format id="r1" name="FFVideoFormat1080p" frameDuration="{frame_duration}" width="1920" height="1080"/></resources>
<library><event name="rates"><project name="rate test">
<sequence format="r1" duration="{_fcpx_time(length, rate)}" tcStart="{_fcpx_time(start, rate)}" tcFormat="{'DF' if rate.drop_frame else 'NDF'}">
<spine><gap name="Gap" offset="{_fcpx_time(start, rate)}" start="{_fcpx_time(start, rate)}" duration="{_fcpx_time(length, rate)}">{markers}</gap></spine>
</sequence></project></event></library>
</fcpxml>
"""


def otio_file(rate: Rate, start: int, path: Path) -> None:
    """A timeline built through the OTIO API; drop frame stated in our metadata (OTIO has no field)."""
    r = float(rate.exact)
    length = LENGTH_MINUTES * 60 * rate.nominal
    tl = otio.schema.Timeline(name="rate test", global_start_time=otio.opentime.RationalTime(start, r))
    if rate.drop_frame or rate.ntsc:
        tl.metadata["scoreplan"] = {"drop_frame": rate.drop_frame}
    track = otio.schema.Track(name="V1")
    track.append(otio.schema.Clip(name="1A-1", source_range=otio.opentime.TimeRange(
        otio.opentime.RationalTime(0, r), otio.opentime.RationalTime(length, r))))
    tl.tracks.append(track)
    for i, off in enumerate(offsets(rate)):
        tl.tracks.markers.append(otio.schema.Marker(name=f"marker {i}", marked_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(off, r), otio.opentime.RationalTime(0, r))))
    otio.adapters.write_to_file(tl, str(path))


def write_input(kind: str, rate: Rate, start: int, folder: Path) -> tuple[Path, list[str]]:
    """The input file of ``kind`` and the extra command-line arguments it needs."""
    if kind == "edl":
        path = folder / "rate.edl"
        path.write_text(edl_text(rate, start), encoding="ascii", newline="")
        return path, ["--rate", rate.cli]
    if kind == "edl_colon_df":
        path = folder / "rate_colons.edl"
        path.write_text(edl_text(rate, start, colon_df=True), encoding="ascii", newline="")
        return path, ["--rate", rate.cli]
    if kind == "xmeml":
        path = folder / "rate.xml"
        path.write_text(xmeml_text(rate, start), encoding="utf-8")
        return path, []
    if kind == "fcpxml":
        path = folder / "rate.fcpxml"
        path.write_text(fcpxml_text(rate, start), encoding="utf-8")
        return path, []
    path = folder / "rate.otio"
    otio_file(rate, start, path)
    return path, []


KINDS = ["edl", "xmeml", "fcpxml", "otio"]
CASES = [
    pytest.param(kind, rate, start, id=f"{kind}-{rid}-{sid}")
    for kind in KINDS
    for rate, rid in zip(RATES, RATE_IDS)
    for sid, start in STARTS.items()
] + [
    # Avid's own drop-frame EDLs write ':' throughout (corpus: avid/losslesscut_12_16_TL01_MUSIC.edl)
    pytest.param("edl_colon_df", RATES[3], STARTS["01h"], id="edl_colon_df-29.97DF-01h"),
    pytest.param("edl_colon_df", RATES[5], STARTS["00h"], id="edl_colon_df-59.94DF-00h"),
]


@pytest.mark.parametrize("kind, rate, start_tc", CASES)
def test_marker_record_timecode(kind: str, rate: Rate, start_tc: tuple[int, int, int, int], tmp_path: Path) -> None:
    start = ref_frame(*start_tc, rate)
    path, args = write_input(kind, rate, start, tmp_path)
    proc = run_main("inspect", "--json", str(path), *args)  # in process (52 cases); the command runs in test_samples
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    seq = data["sequence"]
    assert (seq["rate_label"], seq["drop_frame"], seq["start_timecode"]) == (rate.label, rate.drop_frame, ref_timecode(start, rate))
    got = sorted((a["frame"], a["timecode"], a["name"]) for a in data["annotations"])
    want = [(off, ref_timecode(start + off, rate), f"marker {i}") for i, off in enumerate(offsets(rate))]
    assert got == want
    assert data["unplaced_annotations"] == []


# ----------------------------------------------------------------------------------------------
# otio_scoreplan.timecode against the reference
# ----------------------------------------------------------------------------------------------


def _frames_to_check(rate: Rate) -> list[int]:
    n = rate.nominal
    one_hour = ref_frame(1, 0, 0, 0, rate)
    around = [60 * n * k + d for k in range(0, 12) for d in (-1, 0, 1, 2, 3, 4, 5)]
    return sorted({f for base in (0, one_hour, ref_frame(23, 40, 0, 0, rate)) for f in (base + a for a in around) if f >= 0})


@pytest.mark.parametrize("rate", RATES, ids=RATE_IDS)
def test_to_timecode_matches_reference(rate: Rate) -> None:
    r = float(rate.exact)
    for frame in _frames_to_check(rate):
        assert tc.to_timecode(frame, r, rate.drop_frame) == ref_timecode(frame, rate), frame


@pytest.mark.parametrize("rate", RATES, ids=RATE_IDS)
def test_from_timecode_round_trips(rate: Rate) -> None:
    r = float(rate.exact)
    for frame in _frames_to_check(rate):
        label = ref_timecode(frame, rate)
        assert tc.from_timecode(label, r) == frame, label


@pytest.mark.parametrize("rate", [RATES[3], RATES[5]], ids=["29.97DF", "59.94DF"])
def test_from_timecode_refuses_dropped_labels(rate: Rate) -> None:
    """A drop-frame label that does not exist (frames ;00 and ;01 of minute 1) is refused, not guessed."""
    with pytest.raises(ValueError):
        tc.from_timecode("00:01:00;00", float(rate.exact))


@pytest.mark.parametrize("text, exact", [
    ("23.976", Fraction(24000, 1001)), ("23.98", Fraction(24000, 1001)), ("24", Fraction(24)), ("25", Fraction(25)),
    ("29.97", Fraction(30000, 1001)), ("30000/1001", Fraction(30000, 1001)), ("24000/1001", Fraction(24000, 1001)),
    ("59.94", Fraction(60000, 1001)), ("60000/1001", Fraction(60000, 1001)), (" 25fps ", Fraction(25)),
    ("29.97df", Fraction(30000, 1001)), ("50", Fraction(50)),
])
def test_parse_rate(text: str, exact: Fraction) -> None:
    assert tc.parse_rate(text) == pytest.approx(float(exact), abs=1e-12)
    assert tc.rate_label(tc.parse_rate(text)) == {Fraction(24000, 1001): "23.976", Fraction(30000, 1001): "29.97",
                                                   Fraction(60000, 1001): "59.94"}.get(exact, str(exact))


@pytest.mark.parametrize("text", ["0", "-1", "abc", "", "0/1001", "1/0", "nan", "inf", "-29.97", "25/0"])
def test_parse_rate_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        tc.parse_rate(text)
