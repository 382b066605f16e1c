"""Where an FCPXML addition goes: the primary-storyline item under a frame, and its local time there.

FCPXML has no sequence-level markers and no tracks: a marker lives inside a story element and a
connected clip hangs from one, both in that element's *local* time. An element placed at record
time ``at`` with ``start`` ``S`` shows its local time ``t`` at ``at + (t - S)``, so a record frame
``F`` is local time ``S + F * frameDuration - at``. A ``timeMap`` (retime) maps local time to the
media and leaves this mapping alone: Final Cut Pro writes the markers of retimed clips in the same
local time (DAWFileKit's ``24.fcpxml`` test, markers on retimed clips at the timecodes FCP shows).

Local times are written on the element's own frame grid (its ``format``'s ``frameDuration``; the
sequence's when it has none), as Final Cut Pro writes them: for an element on the sequence's grid
that is the exact frame; for media at another rate (23.976 in a 24 fps project) it is the media
frame that shows at the planned record frame. The exact sequence frame is written instead where no
media frame shows at the planned frame (media frames longer than the sequence's, e.g. 29.97 fps
media in a 50 fps project), and in items whose local time is off their own grid anyway (retimed or
rate-conformed clips, whose ``start`` Final Cut Pro itself writes between media frames; audio), so
the cue always shows where it was planned.
"""

from __future__ import annotations

import bisect
import logging
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from lxml import etree

from .document import STORY_TAGS, Resources
from .timing import ZERO, attr_time, parse_time, story_timing

log = logging.getLogger(__name__)

MARKER_ITEMS = frozenset({"marker", "chapter-marker", "rating", "keyword", "analysis-marker", "shot-marker",
                          "hidden-clip-marker"})
CONTENT_TAGS = STORY_TAGS | {"spine", "caption"}
# Children that come after the markers in every story element's content model (FCPXML 1.0-1.14).
SUFFIX_TAGS = frozenset({
    "audio-source", "audio-aux-source", "audio-channel-source", "audio-role-source", "sync-source",
    "filter-video", "filter-video-mask", "filter-audio", "filter", "metadata", "reserved",
})


@dataclass(frozen=True)
class Grid:
    """A frame duration as the document writes it (``100/2500s`` keeps its denominator 2500)."""

    step: Fraction
    denominator: int

    @classmethod
    def parse(cls, text: str | None, path: Path) -> Grid | None:
        value = parse_time(text, path, "frameDuration")
        if value is None or value <= 0:
            return None
        body = text.strip().rstrip("s")
        den = int(body.split("/", 1)[1]) if "/" in body else 1
        return cls(value, den if den > 0 else value.denominator)

    def fmt(self, value: Fraction) -> str:
        """``value`` as an FCPXML time: ``"3600s"``, ``"417417/24000s"``, in this grid's denominator."""
        if value.denominator == 1:
            return f"{value.numerator}s"
        scaled = value * self.denominator
        if scaled.denominator == 1:
            return f"{scaled.numerator}/{self.denominator}s"
        return f"{value.numerator}/{value.denominator}s"

    def on_grid(self, value: Fraction) -> bool:
        return (value / self.step).denominator == 1


@dataclass(frozen=True)
class Host:
    """A primary-storyline element that can hold markers and connected clips."""

    el: etree._Element  # the element that receives children (an audition's active pick)
    at: Fraction  # record time of its first visible frame (seconds from the sequence start)
    start: Fraction  # its local time at ``at``
    duration: Fraction
    grid: Grid  # the frame grid of its local time

    def local(self, record: Fraction) -> Fraction:
        return self.start + record - self.at

    def record(self, local: Fraction) -> Fraction:
        return self.at + local - self.start

    @property
    def end(self) -> Fraction:
        return self.at + self.duration


class Storyline:
    """The items of a sequence's primary storyline with their record times."""

    def __init__(self, sequence: etree._Element, res: Resources, rate: Fraction, seq_grid: Grid) -> None:
        self.res = res
        self.rate = rate
        self.frame = seq_grid
        spine = sequence.find("spine")
        self.spine = spine
        self.hosts: list[Host] = []
        if spine is not None:
            zero = -attr_time(sequence, "tcStart", res.path, ZERO)
            self._walk(spine, zero)
        self._starts = [h.at for h in self.hosts]

    def _walk(self, spine: etree._Element, zero: Fraction) -> None:
        cursor = zero
        for child in spine:
            if not isinstance(child.tag, str) or child.tag not in STORY_TAGS:
                continue
            offset = attr_time(child, "offset", self.res.path)
            at = zero + offset if offset is not None else cursor
            el = child
            if child.tag == "audition":  # the active pick shows, and holds what we add
                picks = [c for c in child if isinstance(c.tag, str) and c.tag in STORY_TAGS]
                if not picks:
                    continue
                el = picks[0]
            start, duration = story_timing(el, self.res)
            self.hosts.append(Host(el, at, start, duration, self.grid_of(el)))
            cursor = at + duration

    def grid_of(self, el: etree._Element) -> Grid:
        """The frame grid of an element's local time: its own format's, else the sequence's."""
        fmt = self.res.get(el.get("format"))
        if fmt is None and el.tag in ("ref-clip", "mc-clip"):
            media = self.res.get(el.get("ref"))
            inner = None
            if media is not None:
                inner = media.find("sequence") if media.find("sequence") is not None else media.find("multicam")
            fmt = self.res.get(inner.get("format")) if inner is not None else None
        grid = Grid.parse(fmt.get("frameDuration"), self.res.path) if fmt is not None else None
        return grid or self.frame

    def host_at(self, frame: int) -> Host | None:
        """The item showing record ``frame`` (the later one where a transition overlaps two)."""
        if not self.hosts:
            return None
        t = frame * self.frame.step
        i = bisect.bisect_right(self._starts, t) - 1
        for host in reversed(self.hosts[: i + 1]):
            if host.at <= t < host.end:
                return host
        best = self.hosts[max(i, 0)]
        log.warning("no storyline item covers frame %d; attaching to %r, where Final Cut Pro may not show it",
                    frame, best.el.get("name") or best.el.tag)
        return best

    def marker_start(self, host: Host, frame: int) -> Fraction:
        """The local time on ``host``'s grid that shows as record ``frame`` (FCP drops sub-frames)."""
        t = frame * self.frame.step
        exact = host.local(t)
        if host.grid.on_grid(exact) or not host.grid.on_grid(host.start):
            return exact  # on its grid already, or an item whose local time is off any frame grid (audio)
        candidate = math.ceil(exact / host.grid.step) * host.grid.step
        if host.record(candidate) < t + self.frame.step * Fraction(999, 1000):
            return candidate
        log.debug("no media frame of %r shows at frame %d; the marker goes at the exact time", host.el.get("name"), frame)
        return exact

    def clip_offset(self, host: Host, frame: int) -> Fraction:
        """The local time on ``host``'s grid nearest to record ``frame`` (within half a frame)."""
        t = frame * self.frame.step
        exact = host.local(t)
        if host.grid.on_grid(exact) or not host.grid.on_grid(host.start):
            return exact
        k = exact / host.grid.step
        for n in sorted((math.floor(k), math.ceil(k)), key=lambda n: abs(n - k)):
            candidate = n * host.grid.step
            if abs(host.record(candidate) - t) * 2 < self.frame.step:
                return candidate
        log.debug("no media frame of %r is within half a frame of %d; the clip goes at the exact time", host.el.get("name"), frame)
        return exact

    def marker_duration(self, host: Host, frame: int, frames: int) -> Fraction:
        """A marker's length: ``frames`` as far as its host reaches (at least one frame of the host's grid)."""
        t = frame * self.frame.step
        wanted = min(frames * self.frame.step, host.end - t) if frames > 0 else ZERO
        steps = math.floor(wanted / host.grid.step) if wanted > 0 else 0
        return max(steps, 1) * host.grid.step

    def lowest_lane(self) -> int:
        """The lowest lane any item of the primary storyline connects a child on (0 if none)."""
        low = 0
        for host in self.hosts:
            for c in host.el:
                if isinstance(c.tag, str) and c.tag in CONTENT_TAGS and c.get("lane"):
                    try:
                        low = min(low, int(c.get("lane")))
                    except ValueError:
                        continue
        return low


def fcpxml_version(root: etree._Element) -> tuple[int, int]:
    """``<fcpxml version="1.11">`` as ``(1, 11)`` (``(1, 0)`` when unreadable)."""
    try:
        major, minor = (root.get("version") or "1.0").strip().split(".", 1)
        return int(major), int(minor)
    except ValueError:
        return 1, 0
