"""AAF from Avid Media Composer (and Premiere Pro, Pro Tools).

The clips, gaps and transitions are what the OTIO AAF adapter (otio-aaf-adapter) makes of the file:
built by ``aaf_build`` with pyaaf2 for the plain sequences it knows (5-10x faster: the adapter
transcribes every property of every mob), else read through the adapter itself. What it gets
wrong or leaves out is read again from the file with pyaaf2, for the one mob the adapter turned into
our timeline (see ``aaf_raw``):

* locators: the adapter moves each one into the space of whatever clip or gap lies under it, drops
  its user and its place on the track, and names it by its comment. We drop the adapter's markers
  and put every DescriptiveMarker of the mob on the sequence (the timeline's stack) at the record
  frame Media Composer shows, with comment, Avid colour, user and track;
* the start timecode and drop frame come from the mob's primary timecode slot, the rate from its
  picture slot (a Pro Tools session counts in samples: its timecode slot gives the video rate);
* track, gap and transition names that are only AAF class names ("TimelineMobSlot", "Filler") are
  cleared; clip ``Comments`` and ``Scene``/``Take`` (UserComments) become notes and read facts.
"""

from __future__ import annotations

import contextlib
import io
import logging
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio
from opentimelineio import opentime

from ... import OUR_TOKEN, TAG
from ... import timecode as tc
from ...colors import avid_otio_color
from ...errors import InputError, RateError
from ...marker_names import locator_name
from .. import ReadOptions, Source, choose_timeline, read_bytes
from ..common import call_adapter, ensure_read_info, gc_paused, make_source
from .container import cut_short
from .locators import Locator
from .raw import MobFacts, find_mob, mob_facts

log = logging.getLogger(__name__)

# An AAF is a Microsoft compound file (structured storage): it starts with this signature.
CFB_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")

READ_FAILED = "reading AAF (damaged, cut short, or laid out in a way the OTIO AAF adapter cannot read)"

# Names the adapter gives objects that have none: the AAF class name.
CLASS_NAMES = {
    "TimelineMobSlot", "MobSlot", "EventMobSlot", "Sequence", "NestedScope", "Filler", "ScopeReference",
    "Transition", "OperationGroup", "Selector", "EssenceGroup",
}
# UserComments keys (Avid bin columns) that hold an editor's note on a clip.
NOTE_KEYS = ("Comments", "Comment", "Description")


def read(path: Path, options: ReadOptions) -> Source:
    """Read an AAF's sequence: see the module docstring for what is repaired."""
    if read_bytes(path, 8) != CFB_SIGNATURE:
        raise InputError("not an AAF file (no compound-file signature)", path)
    short = cut_short(path)  # (a truncated copy fails deep in pyaaf2 with its own words: say what it is)
    if short:
        raise InputError(short, path)
    with _pyaaf2_warnings_to_debug():
        built = _built(path, options)
        if built is not None:
            timeline, facts, application = built
        else:
            result = call_adapter(path, lambda: _adapter_read(path), READ_FAILED)
            timeline = choose_timeline(_without_our_mobs(result), path, options.sequence)
            facts, application = call_adapter(path, lambda: _raw_facts(path, timeline), READ_FAILED)
    warnings: list[str] = []
    rate = _sequence_rate(path, facts, options, warnings)
    start_frame, drop = _start_timecode(facts, rate, warnings, path)
    timeline.global_start_time = opentime.RationalTime(start_frame, rate)
    removed = _drop_adapter_markers(timeline)
    _add_locators(timeline, facts.locators, rate)
    _clean_names(timeline)
    _clip_notes(timeline)
    _mark_ours(timeline)
    _restore_identity(timeline, facts)
    log.debug("%s: %d locators (adapter had %d markers)", path.name, len(facts.locators), removed)
    return make_source(path, "aaf", timeline, options, rate=rate, drop_frame=drop, application=application, warnings=warnings)


class _Pyaaf2Records(logging.Filter):
    """Turn pyaaf2's root-logger warnings ("Fraction(0,0) not mathematically plausible") into our debug lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "aaf2" in Path(record.pathname).parts:
            log.debug("pyaaf2: %s", record.getMessage())
            return False
        return True


@contextlib.contextmanager
def _pyaaf2_warnings_to_debug():
    """pyaaf2 logs through the root logger; while we read, its notes go to our logger at DEBUG."""
    root = logging.getLogger()
    records = _Pyaaf2Records()
    root.addFilter(records)
    try:
        yield
    finally:
        root.removeFilter(records)


def _built(path: Path, options: ReadOptions) -> tuple[otio.schema.Timeline, MobFacts, str] | None:
    """The chosen timeline built directly (``aaf_build``) with its mob's facts, the file opened once.

    None where the adapter must read the file (a structure the builder does not know, or a file
    pyaaf2 cannot open: the adapter's own attempt then gives the error, as before).
    """
    import aaf2

    from .build import build_timelines

    try:
        aaf_file = aaf2.open(str(path), "r")
    except Exception as error:
        log.debug("%s: not built (%s: %s)", path.name, type(error).__name__, error)
        return None
    with aaf_file:
        with gc_paused():
            result = build_timelines(aaf_file)
        if result is None:
            log.debug("%s: read through otio-aaf-adapter", path.name)
            return None
        log.debug("%s: built from the file", path.name)
        timeline = choose_timeline(_without_our_mobs(result), path, options.sequence)
        facts, application = call_adapter(path, lambda: _facts_in(aaf_file, path, timeline), READ_FAILED)
    return timeline, facts, application


def _adapter_read(path: Path) -> Any:
    """The adapter's result; it prints to stdout on some files, which would spoil ``--json``."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = otio.adapters.read_from_file(str(path), adapter_name="AAF")
    if out.getvalue().strip():
        log.debug("AAF adapter said: %s", " | ".join(out.getvalue().split("\n"))[:500])
    return result


def _without_our_mobs(result: Any) -> Any:
    """The adapter's result less the master clips our write-back added (named with OUR_TOKEN).

    A file with no top-level sequence (only master clips) comes back as one timeline per MasterMob,
    which then includes the temp-music clips we linked; they are never the editor's sequence.
    """
    if isinstance(result, otio.schema.Timeline) or not isinstance(result, otio.schema.SerializableCollection):
        return result
    keep = [t for t in result if not (isinstance(t, otio.schema.Timeline) and OUR_TOKEN in (t.name or ""))]
    if len(keep) == len(result) or not keep:
        return result
    return otio.schema.SerializableCollection(name=result.name, children=keep)


def _raw_facts(path: Path, timeline: otio.schema.Timeline) -> tuple[MobFacts, str]:
    """The chosen mob's facts and the application that wrote the file."""
    import aaf2

    with aaf2.open(str(path), "r") as aaf_file:
        return _facts_in(aaf_file, path, timeline)


def _facts_in(aaf_file: Any, path: Path, timeline: otio.schema.Timeline) -> tuple[MobFacts, str]:
    """The chosen mob's facts and the application, from an open file."""
    meta = timeline.metadata.get("AAF", {})
    mob_id = meta.get("MobID") if hasattr(meta, "get") else None
    mob = find_mob(aaf_file, mob_id, timeline.name)
    if mob is None:
        raise InputError(f"cannot find the sequence {timeline.name!r} in the AAF", path)
    return mob_facts(mob), _application(aaf_file)


def _application(aaf_file: Any) -> str:
    """avid | premiere | protools | resolve, or the writer's product name."""
    try:
        idents = list(aaf_file.header["IdentificationList"].value or [])
        product = str(idents[0]["ProductName"].value or "") if idents else ""
    except Exception:
        return "unknown"
    low = product.lower().replace(" ", "")
    for key, app in (("mediacomposer", "avid"), ("avid", "avid"), ("premiere", "premiere"), ("protools", "protools"), ("resolve", "resolve")):
        if key in low:
            return app
    return product or "unknown"


def _sequence_rate(path: Path, facts: MobFacts, options: ReadOptions, warnings: list[str]) -> float:
    """The rate frames are counted in: the picture rate the file states, else --rate (a --rate that
    contradicts the file's own is refused by ``make_source``)."""
    video = facts.video_rate
    if video is None and options.rate:
        return options.rate
    if video is None:
        edit = f"{float(facts.edit_rate):g}" if facts.edit_rate else "no"
        raise RateError(f"audio-only AAF at an edit rate of {edit} with no timecode track to give a video rate; pass --rate FPS", path)
    if facts.edit_rate is not None and video != facts.edit_rate:
        warnings.append(
            f"audio session at {float(facts.edit_rate):g} units/s: frames are counted at its timecode track's "
            f"{tc.rate_label(tc.snap_rate(video))} fps"
        )
    return tc.snap_rate(video)


def _start_timecode(facts: MobFacts, rate: float, warnings: list[str], path: Path) -> tuple[int, bool | None]:
    """Start frame at ``rate`` and drop frame, from the primary timecode slot."""
    t = facts.timecode
    if t is None:
        return 0, None
    start = t.start
    if t.fps and t.fps != tc.nominal_fps(rate):
        start = round(Fraction(t.start * tc.nominal_fps(rate), t.fps))
        warnings.append(f"the timecode track counts {t.fps} fps against a {tc.rate_label(rate)} fps sequence; start converted")
    if start < 0:  # (it would be read as 00:00:00:00, a place nobody put the sequence)
        raise InputError(f"the sequence's start timecode is a negative frame count ({start}): the file is damaged", path)
    return start, t.drop


def _all_markers(timeline: otio.schema.Timeline):
    yield timeline.tracks
    yield from timeline.tracks.find_children()


def _drop_adapter_markers(timeline: otio.schema.Timeline) -> int:
    """Remove the markers the adapter made from DescriptiveMarkers (we place them ourselves)."""
    removed = 0
    for obj in _all_markers(timeline):
        markers = getattr(obj, "markers", None)
        if not markers:
            continue
        keep = [m for m in markers if not _from_descriptive_marker(m)]
        removed += len(markers) - len(keep)
        if len(keep) != len(markers):
            markers[:] = keep
    return removed


def _from_descriptive_marker(marker: otio.schema.Marker) -> bool:
    meta = marker.metadata.get("AAF", {})
    return hasattr(meta, "get") and (meta.get("ClassName") == "DescriptiveMarker" or "DescribedSlots" in meta)


def _add_locators(timeline: otio.schema.Timeline, locators: list[Locator], rate: float) -> None:
    """Each locator as a marker on the sequence (the stack), at its record frame."""
    stack = timeline.tracks
    offset = stack.source_range.start_time.value_rescaled_to(rate) if stack.source_range is not None else 0
    for loc in sorted(locators, key=lambda l: (l.position, l.track)):  # noqa: E741 - a short-lived name in a comprehension
        frame = loc.frame_at(Fraction(rate).limit_denominator(100000)) + int(round(offset))
        text = loc.comment.strip()
        name = locator_name(text)  # ours: "1M1 tense | description [scoreplan]" is named "1M1 tense"
        marker = otio.schema.Marker(
            name=name,
            marked_range=otio.opentime.TimeRange(
                opentime.RationalTime(frame, rate), opentime.RationalTime(loc.frames_long_at(rate), rate)
            ),
            comment=loc.comment,
        )
        if loc.color:
            marker.color = avid_otio_color(loc.color)
        info = ensure_read_info(marker)
        info.update(kind="locator", origin=f"Avid locator on {loc.track}" if loc.track else "Avid locator", user=loc.user)
        if not loc.color:
            info["color"] = ""
        info["avid_color"] = loc.color
        info["track"] = loc.track
        stack.markers.append(marker)


def _clean_names(timeline: otio.schema.Timeline) -> None:
    """Clear names that are AAF class names, not the editor's."""
    for obj in timeline.tracks.find_children():
        if isinstance(obj, otio.schema.Clip):
            continue
        meta = obj.metadata.get("AAF", {})
        cls = meta.get("ClassName") if hasattr(meta, "get") else None
        if obj.name and (obj.name == cls or (obj.name in CLASS_NAMES and meta.get("Name") == obj.name)):
            obj.name = ""


def _clip_notes(timeline: otio.schema.Timeline) -> None:
    """Avid bin columns (UserComments of the clip's mob): Comments -> notes, Scene/Take -> read facts."""
    for item in timeline.tracks.find_children():
        if not isinstance(item, (otio.schema.Clip, otio.schema.Stack)):
            continue
        meta = item.metadata.get("AAF", {})
        comments = meta.get("UserComments") if hasattr(meta, "get") else None
        if not hasattr(comments, "items") or not comments:
            continue
        values = {str(k): str(v).strip() for k, v in comments.items() if v is not None}
        notes = [{"field": k.lower(), "text": values[k]} for k in NOTE_KEYS if values.get(k)]
        facts = {k.lower(): values[k] for k in ("Scene", "Take") if values.get(k)}
        if notes or facts:
            info = ensure_read_info(item)
            if notes:
                info["notes"] = notes
            info.update(facts)


# What our write-back (writeback.aaf) stores in the file: the editor's name of the sequence (or master clip) it
# renamed, in the mob's MobAttributeList; the mark of its temp-music slots, in their TimelineMobAttributeList.
ORIGINAL_NAME_KEY = "_SCOREPLAN_ORIGINAL_NAME"
TEMP_TRACK_KEY = "_SCOREPLAN_TEMP_TRACK"


def _attributes(obj: Any, key: str) -> Any:
    meta = obj.metadata.get("AAF", {})
    found = meta.get(key) if hasattr(meta, "get") else None
    return found if hasattr(found, "get") else {}


def _restore_identity(timeline: otio.schema.Timeline, facts: MobFacts) -> None:
    """Our own output read as its input was: the editor's name of the sequence (and of the master clip's
    own clips, named after it), not the one our write-back gave it; our temp-music tracks flagged ours.

    Without this, ``[scoreplan temp score]`` in the name made an audio sequence read as a music list,
    and a second ``apply`` planned differently from the first.
    """
    for track in timeline.tracks:
        if TEMP_TRACK_KEY in _attributes(track, "TimelineMobAttributeList"):
            _set_added(track)
    original = facts.attributes.get(ORIGINAL_NAME_KEY)
    renamed = timeline.name
    if not original or str(original) == renamed:
        return
    original = str(original)
    timeline.name = original
    for obj in (timeline.tracks, *timeline.tracks.find_children()):
        if isinstance(obj, (otio.schema.Clip, otio.schema.Stack)) and obj.name == renamed:
            obj.name = original
    if timeline.tracks.name == renamed:
        timeline.tracks.name = original


def _mark_ours(timeline: otio.schema.Timeline) -> None:
    """Our own additions from an earlier run carry OUR_TOKEN in a comment or a name."""
    for obj in _all_markers(timeline):
        if isinstance(obj, (otio.schema.Track, otio.schema.Clip, otio.schema.Stack)) and OUR_TOKEN in (obj.name or ""):
            _set_added(obj)
        for marker in getattr(obj, "markers", []):
            if OUR_TOKEN in (marker.comment or "") or OUR_TOKEN in (marker.name or ""):
                _set_added(marker)


def _set_added(obj: Any) -> None:
    meta = obj.metadata
    if TAG not in meta:
        meta[TAG] = {}
    meta[TAG]["added"] = True
