"""The MIDI marker file read back with mido: one marker per cue (and per hit) at the exact tick of its
timecode, at every common rate, with the SMPTE offset of the sequence's start timecode."""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction

import mido
import pytest

from otio_scoreplan.errors import UsageError
from otio_scoreplan.model import SequenceInfo
from otio_scoreplan.notes.midi import render_midi
from otio_scoreplan.notes.sheet import Sheet
from otio_scoreplan.plan.model import Cue, Hit, Plan
from otio_scoreplan.timecode import STANDARD_RATES, from_timecode


@dataclass(frozen=True)
class RateCase:
    id: str
    rate: str
    drop: bool
    start: str
    ppq: int
    tempo: int
    smpte_rate: float


CASES = [
    RateCase("23.976", "23.976", False, "00:59:50:00", 24, 1_001_000, 24),
    RateCase("24", "24", False, "01:00:00:00", 24, 1_000_000, 24),
    RateCase("25", "25", False, "10:00:00:00", 25, 1_000_000, 25),
    RateCase("29.97DF", "29.97", True, "00:59:59;00", 30, 1_001_000, 29.97),
    RateCase("29.97NDF", "29.97", False, "01:00:00:00", 30, 1_001_000, 30),
    RateCase("30", "30", False, "01:00:00:00", 30, 1_000_000, 30),
]


def _sheet(case: RateCase, rate_assumed: bool = False) -> Sheet:
    rate = float(STANDARD_RATES[case.rate])
    start = from_timecode(case.start, rate)
    n = int(round(rate * 600))  # ten minutes: several drop-frame minute boundaries
    seq = SequenceInfo("R1", rate, case.drop, start, n, "fcp7_xml", rate_assumed=rate_assumed)
    # starts on odd frames and around the minute marks where drop frame skips numbers
    starts = [1, int(rate * 59.5) + 3, int(rate * 60) + 1, int(rate * 301) + 7, n - 200]
    cues = [Cue(s, s + 150, moods=("tension",), hits=(Hit(s + 37, "slam"),), id=f"1M{i + 1}")
            for i, s in enumerate(starts)]
    return Sheet(Plan([seq], ["x"], cues), "Test")


def _markers(data: bytes) -> tuple[mido.MidiFile, list[tuple[int, str]]]:
    midi = mido.MidiFile(file=io.BytesIO(data))
    tick, out = 0, []
    for msg in midi.tracks[0]:
        tick += msg.time
        if msg.type == "marker":
            out.append((tick, msg.text))
    return midi, out


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_one_marker_per_cue_at_its_timecode(case: RateCase) -> None:
    sheet = _sheet(case)
    seq = sheet.plan.sequences[0]
    midi, markers = _markers(render_midi(sheet))
    assert midi.type == 0 and midi.ticks_per_beat == case.ppq
    meta = {m.type: m for m in midi.tracks[0] if m.is_meta}
    assert meta["set_tempo"].tempo == case.tempo
    offset = meta["smpte_offset"]
    assert offset.frame_rate == case.smpte_rate
    sep = ";" if case.drop else ":"
    offset_tc = f"{offset.hours:02d}:{offset.minutes:02d}:{offset.seconds:02d}{sep}{offset.frames:02d}"
    assert offset_tc == case.start
    exact = STANDARD_RATES[case.rate]
    for cue in sheet.cues:
        starts = [t for t, text in markers if text.split()[:2] == [cue.id, "in"]]
        assert len(starts) == 1, f"{cue.id}: {markers}"
        # the tick is the frame distance between the offset's timecode and the cue's own timecode ...
        cue_tc = seq.timecode(cue.start_frame)
        assert starts[0] == from_timecode(cue_tc, seq.rate) - from_timecode(offset_tc, seq.rate)
        # ... and lasts exactly that many frames of real time at the true rate
        assert Fraction(starts[0] * case.tempo, case.ppq * 1_000_000) == Fraction(cue.start_frame) / exact
        hits = [t for t, text in markers if text == f"{cue.id} hit: slam"]
        assert hits == [cue.hits[0].frame]
        assert [t for t, text in markers if text == f"{cue.id} out"] == [cue.end_frame]
    assert len(markers) == 3 * len(sheet.cues)
    assert [t for t, _ in markers] == sorted(t for t, _ in markers)


def test_assumed_rate_is_refused() -> None:
    with pytest.raises(UsageError, match="--rate"):
        render_midi(_sheet(CASES[1], rate_assumed=True))


def test_several_inputs_need_a_reel() -> None:
    one = _sheet(CASES[1])
    seq = one.plan.sequences[0]
    two = Plan([seq, seq], ["a", "b"], one.plan.cues + [Cue(10, 100, id="2M1", reel=2, input=1)])
    with pytest.raises(UsageError, match="--reel"):
        render_midi(Sheet(two))
    _, markers = _markers(render_midi(Sheet(two, reel=2)))
    assert markers == [(10, "2M1 in"), (100, "2M1 out")]
