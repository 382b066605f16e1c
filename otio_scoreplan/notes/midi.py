"""Cue and hit markers as a Standard MIDI File (type 0) that Pro Tools, Logic and Cubase import as markers.

One tick is one frame: PPQ is the timecode's frames per second and the tempo one beat per second, or
1.001 seconds at the NTSC rates (23.976: 24 PPQ at 1,001,000 us per beat; 25: 25 PPQ at 1,000,000;
29.97: 30 PPQ at 1,001,000). Tick 0 is the sequence's first frame, and an SMPTE offset meta message
gives its start timecode, so a DAW session at that start places every marker on its exact frame.

Marker texts: ``1M1 in tension`` at a cue's first frame, ``1M1 out`` at its end, and at a hit point the hit
marker's name (``1M2 hit: gunshot``, :func:`otio_scoreplan.marker_names.hit_marker_name`).
"""

from __future__ import annotations

import io
import logging

from ..errors import RateError, UsageError
from ..marker_names import hit_marker_name
from ..model import SequenceInfo
from ..timecode import is_ntsc, nominal_fps, supports_drop_frame
from .markers import single_input
from .sheet import Sheet, document_date

log = logging.getLogger(__name__)

SMPTE_RATES = {24: 24, 25: 25, 30: 30}  # nominal fps -> mido's smpte_offset frame_rate


def ticks_for_rate(rate: float) -> tuple[int, int]:
    """(PPQ, tempo in microseconds per beat) so that one tick lasts exactly one frame at ``rate``."""
    return nominal_fps(rate), 1_001_000 if is_ntsc(rate) else 1_000_000


def smpte_offset(seq: SequenceInfo) -> dict[str, float | int]:
    """The fields of the SMPTE offset meta message for the sequence's start timecode.

    The message knows 24, 25, 29.97 drop frame and 30 frames a second: 23.976 is stated as 24 and 29.97
    non-drop as 30 (the timecode digits are the same); 48, 50, 59.94 and 60 as half the rate with the odd
    frame in ``sub_frames`` (50 hundredths).
    """
    fps = nominal_fps(seq.rate)
    digits = seq.start_timecode.replace(";", ":").split(":")
    hh, mm, ss, ff = (int(d) for d in digits)
    sub = 0
    if fps not in SMPTE_RATES and fps % 2 == 0 and fps // 2 in SMPTE_RATES:
        fps, sub, ff = fps // 2, (ff % 2) * 50, ff // 2
    if fps not in SMPTE_RATES:
        raise RateError(f"a MIDI file's SMPTE offset has no {seq.rate:g} fps timecode", seq.path or None)
    drop = seq.drop_frame and supports_drop_frame(seq.rate)
    frame_rate: float = 29.97 if (fps == 30 and drop) else SMPTE_RATES[fps]
    return {"frame_rate": frame_rate, "hours": hh % 24, "minutes": mm, "seconds": ss, "frames": ff, "sub_frames": sub}


def render_midi(sheet: Sheet) -> bytes:
    """The Standard MIDI File of the sheet's cue and hit markers (one input: see :func:`single_input`)."""
    import mido

    seq = single_input(sheet, "MIDI marker file")
    if seq.rate_assumed:
        raise UsageError("the frame rate was assumed, not read: markers would land on the wrong frames; "
                         "give the timeline's rate with --rate", seq.path or None)
    ppq, tempo = ticks_for_rate(seq.rate)
    events: list[tuple[int, int, str]] = []  # (tick, order, text)
    for cue in sheet.cues:
        mood = f" {cue.moods[0]}" if cue.moods else ""
        events.append((cue.start_frame, 1, f"{cue.id} in{mood}"))
        events.append((cue.end_frame, 0, f"{cue.id} out"))
        events += [(h.frame, 2, hit_marker_name(cue.id, h.label)) for h in cue.hits]
    if any(t < 0 for t, _, _ in events):
        raise UsageError("a cue starts before the sequence's first frame; a MIDI file cannot hold it")
    events.sort()
    track = mido.MidiTrack()
    title = sheet.title or seq.name
    track.append(mido.MetaMessage("track_name", name=_ascii(title), time=0))
    track.append(mido.MetaMessage("text", text=_ascii(f"{seq.name} rev {sheet.plan.revision_label} "
                                                      f"{document_date(sheet)}"), time=0))
    track.append(mido.MetaMessage("smpte_offset", time=0, **smpte_offset(seq)))
    track.append(mido.MetaMessage("set_tempo", tempo=tempo, time=0))
    track.append(mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0))
    now = 0
    for tick, _, text in events:
        track.append(mido.MetaMessage("marker", text=_ascii(text), time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=max(0, seq.duration_frames - now)))
    midi = mido.MidiFile(type=0, ticks_per_beat=ppq)
    midi.tracks.append(track)
    out = io.BytesIO()
    midi.save(file=out)
    return out.getvalue()


def _ascii(text: str) -> str:
    """Marker text as DAWs read it (Latin-1 meta text; other characters become '?')."""
    return " ".join(text.split()).encode("latin-1", "replace").decode("latin-1")
