"""Clips for EDL events, made by the OTIO cmx_3600 adapter from text we prepare for it.

The adapter turns an event line and its comments into a clip (name from ``FROM/TO CLIP NAME``,
media reference, black/bars generators, ASC CDL, ``M2`` retimes, freeze frames) and a transition.
We let it do that, and nothing else: each event goes to it on a single channel, so that its
clips come back in event order, one per event; record placement, tracks, locators and markers
are ours (``edl_timeline``). Prepared text also avoids the adapter's failures on real lists:

* header lines it does not know ("Unknown event type": a byte-order mark, EDL-X option lines);
* a transition first on its track ("Transitions can't be at the very beginning of a track"):
  every batch opens with a zero-length dummy event;
* a dissolve written without its cut line: the cut line is made from the dissolve's own in point;
* key edits (K, KB, KO), which it cannot read: read as cuts, with a warning;
* its line list is consumed with ``list.pop(0)``, quadratic in the list's length: events go to it
  in batches.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import opentimelineio as otio

from .common import call_adapter
from .edl_scan import Event

log = logging.getLogger(__name__)

BATCH = 2000
DUMMY_REEL = "SCOREPLAN_BATCH_START"
_DF_LABEL = re.compile(r"^(\d{1,2})[:;.](\d\d)[:;.](\d\d)[:;.](\d\d)$")


def _source_tc(text: str, drop: bool) -> str:
    """Source timecode as the adapter should parse it: ';' before the frames for drop frame."""
    m = _DF_LABEL.match(text)
    if not m:
        return text
    hh, mm, ss, ff = m.groups()
    sep = ";" if drop else ":"
    return f"{hh}:{mm}:{ss}{sep}{ff}"


def _event_text(event: Event, drop_ok: bool, warned: set[str]) -> list[str]:
    drop = event.source_drop and drop_ok
    src_in, src_out = _source_tc(event.src_in, drop), _source_tc(event.src_out, drop)
    rec_in, rec_out = _source_tc(event.rec_in, False), _source_tc(event.rec_out, False)
    edit = event.edit
    reel = event.reel.replace(" ", "_")
    lines: list[str] = []
    if event.has_transition:
        if not (edit == "D" or re.fullmatch(r"W\d{3}", edit)):
            log.debug("EDL event %s: transition type %r read as a dissolve", event.number, edit)
            edit = "D"
        lines.append(f"{event.number} {reel} V C {src_in} {src_in} {rec_in} {rec_in}")
        lines.append(f"{event.number} {reel} V {edit} {event.transition_frames} {src_in} {src_out} {rec_in} {rec_out}")
    else:
        if edit != "C" and edit not in warned:
            warned.add(edit)
            log.warning("EDL edits of type %r are read as cuts", edit)
        lines.append(f"{event.number} {reel} V C {src_in} {src_out} {rec_in} {rec_out}")
    lines.extend(event.adapter_lines)
    return lines


def adapter_clips(
    events: list[Event], rate: float, drop_ok: bool, path: Path
) -> list[tuple[otio.schema.Clip, otio.schema.Transition | None]]:
    """One ``(clip, transition or None)`` per event, in the order given."""
    out: list[tuple[otio.schema.Clip, otio.schema.Transition | None]] = []
    warned: set[str] = set()
    for start in range(0, len(events), BATCH):
        batch = events[start:start + BATCH]
        first = int(batch[0].number)
        dummy_num = next(n for n in (0, 1, 2) if n != first)
        lines = [f"{dummy_num:03d} {DUMMY_REEL} V C 00:00:00:00 00:00:00:00 00:00:00:00 00:00:00:00"]
        for event in batch:
            lines.extend(_event_text(event, drop_ok, warned))
        text = "\n".join(lines) + "\n"
        timeline = call_adapter(
            path,
            lambda: otio.adapters.read_from_string(
                text, adapter_name="cmx_3600", rate=rate, ignore_timecode_mismatch=True
            ),
            f"reading EDL events {batch[0].number} (line {batch[0].line_no}) onwards",
        )
        out.extend(_pair(timeline, batch, path))
    return out


def _pair(timeline: otio.schema.Timeline, batch: list[Event], path: Path):
    from ..errors import InputError

    pairs = []
    pending: otio.schema.Transition | None = None
    items = [c for t in timeline.tracks for c in t]
    clips_seen = 0
    for item in items:
        if isinstance(item, otio.schema.Transition):
            pending = item
        elif isinstance(item, otio.schema.Clip):
            clips_seen += 1
            if clips_seen == 1:  # the batch's dummy
                pending = None
                continue
            pairs.append((item, pending))
            pending = None
    if len(pairs) != len(batch):
        raise InputError(
            f"the EDL adapter made {len(pairs)} clips for {len(batch)} events from line {batch[0].line_no}", path
        )
    return pairs
