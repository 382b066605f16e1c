"""Build an OTIO stack from an FCPXML ``<sequence>``, element by element.

FCPXML has no tracks: the primary storyline (the sequence's ``<spine>``) holds the picture, and
everything else is connected to a clip on a ``lane`` (> 0 above, < 0 below) or sits in a connected
``<spine>`` (storyline). Each element has a local time: an element placed at record time ``R`` with
``start`` ``S`` shows its local time ``t`` at ``R + (t - S)``; a child's ``offset`` and a marker's
``start`` are in the parent's local time. ``timeMap`` retimes change only how local time maps to the
media, not this mapping, so they need no work here; ``conform-rate`` likewise.

The result, in OTIO terms (all times at the sequence rate, record time counted from the first frame):

* video tracks ordered by lane; the primary storyline is the track named ``Primary Storyline``, with
  its gaps and transitions; connected video clips are packed onto tracks per lane;
* audio tracks per audio role (``Dialogue``, ``Music``, ``Effects``, or the custom role's name), as
  Final Cut Pro's role-based audio lanes: audio-only clips, and the audio of A/V clips as clips of
  their own (``ensure_read_info(clip)["audio_of"]`` says so);
* compound clips (``ref-clip``) as nested stacks built from their media's sequence;
* an ``audition`` as its active pick; markers on the other picks kept on it, flagged inactive;
* every marker on the OTIO item that shows its element (or the container that holds it), placed so
  that its record frame is the frame Final Cut Pro shows (sub-frames dropped).
"""

from __future__ import annotations

import logging
from fractions import Fraction

import opentimelineio as otio
from lxml import etree
from opentimelineio import opentime

from ...errors import InputError
from ..common import ensure_read_info
from .document import STORY_TAGS, Resources
from .marks import (
    MARKER_TAGS,
    audio_role,
    element_notes,
    has_our_token,
    main_role,
    make_marker,
    mark_ours,
    role_track_name,
)
from .timing import ZERO, attr_time, floor_frame, story_timing
from .tracks import Clock, Groups, Shown, assemble

log = logging.getLogger(__name__)

CONTAINERS = frozenset({"clip", "sync-clip"})
MAX_NESTING = 16


class SequenceBuilder:
    """Turns one ``<sequence>`` into an OTIO :class:`~opentimelineio.schema.Stack` of tracks."""

    def __init__(self, res: Resources, rate: Fraction, otio_rate: float, chain: tuple[str, ...] = ()) -> None:
        self.res = res
        self.rate = rate
        self.otio_rate = otio_rate
        self.clock = Clock(rate, otio_rate)
        self.chain = chain  # media ids of the compound clips we are inside (cycle guard)
        self.groups = Groups()
        self.markers = 0
        self._sinks: set[int] = set()  # ids of items that absorb all their element's descendants
        self.placed: list[tuple[otio.schema.Marker, Fraction]] = []  # every marker with its record time
        self._ours_depth = 0  # > 0 inside a storyline of ours
        self.unreadable: list[str] = []  # markers left out: they state no start (it would read as the clip's first frame)

    # ---- times -------------------------------------------------------------------------------
    def _t(self, el: etree._Element, name: str, default: Fraction | None = None) -> Fraction | None:
        return attr_time(el, name, self.res.path, default)

    def _frames(self, seconds: Fraction) -> float:
        return self.clock.frames(seconds)

    def _range(self, start: Fraction, duration: Fraction) -> opentime.TimeRange:
        return self.clock.range(start, duration)

    # ---- the walk ----------------------------------------------------------------------------
    def build(self, sequence: etree._Element) -> otio.schema.Stack:
        """The tracks of ``sequence``, record time 0 being its ``tcStart``."""
        spine = sequence.find("spine")
        if spine is None:
            raise InputError(f"the sequence (line {sequence.sourceline}) has no <spine>", self.res.path)
        tc_start = self._t(sequence, "tcStart", ZERO)
        self.spine(spine, -tc_start, lane=0, host=None, primary=True)
        return self.assemble()

    def spine(self, spine: etree._Element, zero: Fraction, lane: int, host: Shown | None, primary: bool) -> None:
        """The children of a storyline whose local time 0 is at record time ``zero``."""
        ours = has_our_token(spine.get("name"))  # a connected storyline we added in an earlier run
        self._ours_depth += ours
        try:
            self._spine_children(spine, zero, lane, host, primary)
        finally:
            self._ours_depth -= ours

    def _spine_children(self, spine: etree._Element, zero: Fraction, lane: int, host: Shown | None, primary: bool) -> None:
        cursor = zero
        pending: list[tuple[etree._Element, Fraction]] = []
        for child in spine:
            if not isinstance(child.tag, str):
                continue
            offset = self._t(child, "offset")
            at = zero + offset if offset is not None else cursor
            if child.tag == "transition":
                duration = self._t(child, "duration", ZERO)
                if primary and host is None:
                    self.groups.transitions.append((at, duration, child.get("name") or "", len(self.groups.primary)))
                pending.extend((m, zero + self._t(m, "start", ZERO)) for m in child if m.tag in MARKER_TAGS)
                continue
            if child.tag not in STORY_TAGS:
                continue
            shown = self.element(child, at, lane, host, primary)
            cursor = at + story_timing(child, self.res)[1] if child.tag != "audition" else at + (shown.duration if shown else ZERO)
        for marker, at in pending:  # markers on transitions: on the item the transition ends in
            target = host or self._nearest_primary(at)
            if target is not None:
                self._add_marker(marker, at, target, "marker on a transition")

    def element(self, el: etree._Element, at: Fraction, lane: int, host: Shown | None, primary: bool) -> Shown | None:
        """Place one story element at record time ``at``; returns the OTIO item showing it."""
        if len(self.chain) > MAX_NESTING:
            raise InputError("compound clips nest too deeply", self.res.path)
        if el.tag == "audition":
            picks = [c for c in el if isinstance(c.tag, str) and c.tag in STORY_TAGS]
            if not picks:
                return None
            shown = self.element(picks[0], at, lane, host, primary)
            for alt in picks[1:]:
                self._inactive_pick(alt, at, shown or host, alt.get("name") or alt.tag)
            return shown
        start, duration = story_timing(el, self.res)
        name = el.get("name") or ""
        if host is None:
            target = self._show(el, at, start, duration, lane, primary)
        else:
            target = host
            self._absorb(el, host)

        def rec(t: Fraction) -> Fraction:
            return at + t - start

        notes = element_notes(el)
        if notes:
            ensure_read_info(target.item).setdefault("notes", []).extend(notes)
        inner = "" if target.item.name == name or host is None else name
        if host is None and self._absorbs_all(el):
            self._sinks.add(id(target.item))
        absorb_all = id(target.item) in self._sinks  # everything inside shows as this one item
        for m in el:
            if isinstance(m.tag, str) and m.tag in MARKER_TAGS:
                self._add_marker(m, rec(self._t(m, "start", ZERO)), target, f"marker on {inner!r} inside {target.name!r}" if inner else "")
        for c in el:
            if not isinstance(c.tag, str):
                continue
            c_lane = _lane(c)
            if c.tag == "spine":
                zero = rec(self._t(c, "offset", start))
                if c_lane == 0 or absorb_all:
                    self.spine(c, zero, lane, target, primary=False)
                else:
                    self.spine(c, zero, lane + c_lane, None, primary=False)
            elif c.tag in STORY_TAGS:
                c_at = rec(self._t(c, "offset", start))
                if c_lane != 0 and not absorb_all:
                    self.element(c, c_at, lane + c_lane, None, primary=False)
                else:  # the content of a container (clip, sync-clip): shown by the container
                    self.element(c, c_at, lane, target, primary=False)
        return target

    # ---- items -------------------------------------------------------------------------------
    def kind(self, el: etree._Element) -> str:
        """``video``, ``audio`` or ``gap``: how an element shows in the timeline."""
        tag = el.tag
        if tag == "gap":
            return "gap"
        if tag == "audio":
            return "audio"
        if tag in ("video", "title", "live-drawing"):
            return "video"
        if el.get("srcEnable") == "audio":
            return "audio"
        if tag == "asset-clip":
            asset = self.res.get(el.get("ref"))
            if asset is not None and asset.get("hasVideo") != "1" and asset.get("hasAudio") == "1":
                return "audio"
            return "video"
        if tag in CONTAINERS:
            kinds = {self.kind(c) for c in _content(el)}
            if "video" in kinds or "audio" in kinds:
                return "video" if "video" in kinds else "audio"
            return "audio" if self._absorbs_all(el) else "gap"
        return "video"  # ref-clip, mc-clip

    def _absorbs_all(self, el: etree._Element) -> bool:
        """A container whose own content is empty (a gap) and whose media hangs on lanes inside it.

        Final Cut Pro writes detached audio this way (``<clip lane="-1"><gap><audio lane="-1"/>``):
        the container is the audio clip the editor sees, so everything inside is its content.
        """
        if el.tag not in CONTAINERS or any(c.tag != "gap" for c in _content(el)):
            return False
        return any(d.tag in ("audio", "video", "asset-clip") for d in el.iter())

    def has_audio(self, el: etree._Element) -> bool:
        """True when a video element also plays audio of its own (shown on a role track)."""
        if el.get("srcEnable") == "video":
            return False
        if el.tag == "asset-clip":
            return self._asset_has_audio(el)
        if el.tag in CONTAINERS:
            return any(self.kind(c) == "audio" or self.has_audio(c) for c in _content(el))
        if el.tag == "mc-clip":
            return True
        if el.tag == "ref-clip":
            media = self.res.get(el.get("ref"))
            return media is not None and any(d.tag == "audio" or self._asset_has_audio(d) for d in media.iter())
        return False

    def _asset_has_audio(self, el: etree._Element) -> bool:
        asset = self.res.get(el.get("ref")) if el.tag == "asset-clip" else None
        return asset is not None and asset.get("hasAudio") == "1"

    def role(self, el: etree._Element) -> str:
        """The full audio role of an element, looking into a container's content."""
        found = audio_role(el)
        if not found and el.tag == "mc-clip":  # the role of the angle it plays
            roles = [r.get("role") for src in el.findall("mc-source") if src.get("srcEnable", "all") in ("all", "audio")
                     for r in src.findall("audio-role-source") if r.get("role") and r.get("active", "1") != "0"]
            angle = self._active_angle(el, "audio")
            inside = [audio_role(d) for d in angle.iter()] if angle is not None else []
            found = next((r for r in roles + inside if r), "")
        if found or el.tag not in CONTAINERS:
            return found
        inside = [d for d in el.iter() if d is not el and d.tag in STORY_TAGS] if self._absorbs_all(el) else _content(el)
        for c in inside:
            found = self.role(c)
            if found:
                return found
        return ""

    def _show(self, el: etree._Element, at: Fraction, start: Fraction, duration: Fraction, lane: int, primary: bool) -> Shown:
        kind = self.kind(el)
        name = el.get("name") or ""
        item, origin = self._make_item(el, kind, at, start, duration)
        shown = Shown(item, at, duration, origin, name)
        info = ensure_read_info(item)
        info.update({"fcpxml": el.tag, "xml_line": el.sourceline})
        if lane:
            info["lane"] = lane
        full_role = self.role(el)
        if full_role:
            info.update({"role": main_role(full_role), "audio_role": full_role})
        if el.get("videoRole") or (el.tag in ("video", "title") and el.get("role")):
            info["video_role"] = el.get("videoRole") or el.get("role")
        if has_our_token(name, full_role) or self._ours_depth:
            mark_ours(item)
        if kind == "audio":
            self.groups.audio.setdefault(role_track_name(full_role), []).append(shown)
            if primary and lane == 0:  # an audio clip on the primary storyline holds its place there
                self.groups.primary.append(Shown(otio.schema.Gap(source_range=self._range(ZERO, duration)), at, duration, at, ""))
        elif primary and lane == 0:
            self.groups.primary.append(shown)
        else:
            self.groups.video.setdefault(lane, []).append(shown)
        if kind == "video" and self.has_audio(el):
            self._audio_of(shown, el, full_role, start)
        return shown

    def _audio_of(self, shown: Shown, el: etree._Element, full_role: str, start: Fraction) -> None:
        """The audio of an A/V element, as a clip of its own on its role's track."""
        src = shown.item
        ref = src.media_reference.clone() if isinstance(src, otio.schema.Clip) else otio.schema.MissingReference()
        clip = otio.schema.Clip(name=shown.name, media_reference=ref, source_range=self._range(start, shown.duration))
        clip.enabled = bool(getattr(src, "enabled", True))
        info = ensure_read_info(clip)
        info.update({"fcpxml": el.tag, "xml_line": el.sourceline, "audio_of": shown.name})
        if full_role:
            info.update({"role": main_role(full_role), "audio_role": full_role})
        if has_our_token(shown.name, full_role) or self._ours_depth:
            mark_ours(clip)
        self.groups.audio.setdefault(role_track_name(full_role), []).append(Shown(clip, shown.start, shown.duration, shown.start - start, shown.name))

    def _make_item(self, el: etree._Element, kind: str, at: Fraction, start: Fraction, duration: Fraction) -> tuple[otio.core.Item, Fraction]:
        name = el.get("name") or ""
        if kind == "gap":
            item = otio.schema.Gap(source_range=self._range(start, duration))
            item.name = name
            return item, at - start
        if el.tag == "ref-clip":
            nested = self._compound(el, start, duration, at)
            if nested is not None:
                stack, inner_zero = nested
                return stack, at - (start - inner_zero)
        clip = otio.schema.Clip(name=name, media_reference=self._media(el), source_range=self._range(start, duration))
        if el.get("enabled") == "0":
            clip.enabled = False
        return clip, at - start

    def _compound(self, el: etree._Element, start: Fraction, duration: Fraction, at: Fraction) -> tuple[otio.schema.Stack, Fraction] | None:
        """A compound clip as a nested stack built from its media's sequence."""
        ref = el.get("ref") or ""
        media = self.res.get(ref)
        inner = media.find("sequence") if media is not None else None
        if inner is None:
            return None
        if ref in self.chain:
            raise InputError(f"compound clip {el.get('name')!r} contains itself (media {ref})", self.res.path)
        builder = SequenceBuilder(self.res, self.rate, self.otio_rate, self.chain + (ref,))
        stack = builder.build(inner)
        self.markers += builder.markers
        self.unreadable.extend(builder.unreadable)
        inner_zero = self._t(inner, "tcStart", ZERO)
        shown_from, shown_to = start - inner_zero, start - inner_zero + duration
        for marker, inner_at in builder.placed:  # the compound clip shows only part of its media
            if not shown_from <= inner_at < shown_to:
                hide(marker)
            self.placed.append((marker, at + inner_at - shown_from))
        stack.name = el.get("name") or media.get("name") or ""
        stack.source_range = self._range(start - inner_zero, duration)
        if el.get("enabled") == "0":
            stack.enabled = False
        return stack, inner_zero

    def _active_angle(self, el: etree._Element, want: str) -> etree._Element | None:
        """The multicam angle an ``mc-clip`` shows (``want`` "video") or plays (``want`` "audio")."""
        media = self.res.get(el.get("ref"))
        multicam = media.find("multicam") if media is not None else None
        if multicam is None:
            return None
        angles = {a.get("angleID"): a for a in multicam.findall("mc-angle")}
        for src in el.findall("mc-source"):
            if src.get("srcEnable", "all") in ("all", want) and src.get("angleID") in angles:
                return angles[src.get("angleID")]
        return None

    def _media(self, el: etree._Element) -> otio.core.MediaReference:
        ref = self.res.get(el.get("ref"))
        if el.tag == "mc-clip":
            angle = self._active_angle(el, "video")
            first = next((d for d in angle.iter() if d.get("ref") and d.tag in ("video", "asset-clip")), None) if angle is not None else None
            ref = self.res.get(first.get("ref")) if first is not None else ref
        if el.tag in CONTAINERS:
            for d in el.iter():
                if d is not el and d.get("ref") and not d.get("lane") and d.tag in ("video", "audio", "asset-clip"):
                    ref = self.res.get(d.get("ref"))
                    break
        if ref is None:
            return otio.schema.MissingReference()
        if ref.tag == "asset":
            url = self.res.media_url(ref)
            available = None
            if ref.get("duration"):
                available = self._range(self._t(ref, "start", ZERO), self._t(ref, "duration", ZERO))
            if url:
                return otio.schema.ExternalReference(target_url=url, available_range=available)
            return otio.schema.MissingReference(name=ref.get("name") or "", available_range=available)
        if ref.tag == "effect":
            kind = ("title: " if el.tag == "title" else "") + (ref.get("name") or ref.get("uid") or "effect")
            return otio.schema.GeneratorReference(name=ref.get("name") or "", generator_kind=kind)
        return otio.schema.MissingReference(name=ref.get("name") or "")

    def _absorb(self, el: etree._Element, host: Shown) -> None:
        """What a container's content lends the container: its role, when it has none."""
        info = ensure_read_info(host.item)
        full_role = audio_role(el)
        if full_role and "audio_role" not in info:
            info.update({"role": main_role(full_role), "audio_role": full_role})

    # ---- markers -----------------------------------------------------------------------------
    def _add_marker(self, el: etree._Element, at: Fraction, target: Shown, origin: str, extra: dict | None = None) -> None:
        if el.get("start") is None:
            self.unreadable.append(f"<{el.tag} value={el.get('value', '')!r}> (line {el.sourceline})")
            return
        frame = floor_frame(at, self.rate)
        local = frame - self._frames(target.origin)
        duration = self._frames(self._t(el, "duration", ZERO))
        info = dict(extra or {})
        info["xml_line"] = el.sourceline
        marker = make_marker(el, local, duration, self.otio_rate, origin, info)
        if not target.start <= at < target.start + target.duration:
            hide(marker)
        target.item.markers.append(marker)
        self.placed.append((marker, at))
        self.markers += 1

    def _inactive_pick(self, el: etree._Element, at: Fraction, target: Shown | None, pick: str) -> None:
        """Markers of an audition's other picks, placed as if the pick were chosen."""
        if target is None:
            return
        start, _ = story_timing(el, self.res)
        for c in el:
            if not isinstance(c.tag, str):
                continue
            if c.tag in MARKER_TAGS:
                self._add_marker(c, at + self._t(c, "start", ZERO) - start, target,
                                 f"marker on inactive audition pick {pick!r}", {"audition_pick": "inactive"})
            elif c.tag in STORY_TAGS or c.tag == "spine":
                self._inactive_pick(c, at + self._t(c, "offset", start) - start, target, pick)

    def _nearest_primary(self, at: Fraction) -> Shown | None:
        best = None
        for s in self.groups.primary:
            if s.start <= at:
                best = s
        return best or (self.groups.primary[0] if self.groups.primary else None)

    # ---- tracks ------------------------------------------------------------------------------

    def assemble(self) -> otio.schema.Stack:
        """The tracks of everything placed so far."""
        return assemble(self.groups, self.clock)


def hide(marker: otio.schema.Marker) -> None:
    """Flag a marker Final Cut Pro does not show: it lies on media its clip does not use.

    It is still read (nothing of the editor's is lost) but goes to the unplaced annotations.
    """
    info = ensure_read_info(marker)
    info["outside_clip"] = True
    info["unplaced"] = True


def _lane(el: etree._Element) -> int:
    try:
        return int(el.get("lane") or 0)
    except ValueError:
        return 0


def _content(el: etree._Element) -> list[etree._Element]:
    """A container's own content: its story children (and storyline) without a lane."""
    out = []
    for c in el:
        if not isinstance(c.tag, str) or _lane(c) != 0:
            continue
        if c.tag == "spine":
            out.extend(x for x in c if isinstance(x.tag, str) and x.tag in STORY_TAGS)
        elif c.tag in STORY_TAGS:
            out.append(c)
    return out
