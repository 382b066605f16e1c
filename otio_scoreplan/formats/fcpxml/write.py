"""Write-back for FCPXML (Final Cut Pro, Resolve): edit the editor's own document with lxml.

What we add, in the document's own version and layout (everything else is kept as it was):

* cue markers: FCPXML has no sequence markers, so each cue is a ``<marker>`` inside the primary
  storyline item (clip, gap, title ...) under the cue's first frame, in that item's local time
  (:mod:`.fcpxml_place`), named ``value="1M1 tension"`` with the tagged comment in ``note``, and
  as long as the cue where its item reaches. FCPXML markers have kinds, not colours: cues are
  standard markers (blue in Final Cut Pro) and hit points are to-do markers (``completed="0"``, red)
  so that they stand out as sync points to hit; the configured colours are not used here.
* temp music: one connected audio clip per cue (``asset-clip``; ``audio`` before FCPXML 1.6) on the
  storyline item under the cue's first frame, below every lane the input uses (``TEMP MX A`` on
  lane -N, ``B`` on -N-1 ...), with ``audioRole="music.TEMP MX A"`` (FCPXML names tracks by role),
  referencing an ``<asset>`` of ours for its media (``media-rep`` from 1.9, ``src`` before).

Our elements carry ids starting ``scoreplan-`` (assets, and the clips that reference them) or
:data:`~otio_scoreplan.OUR_TOKEN` in the marker note; a second run removes them before adding the
new ones. A ``.fcpxmld`` output is written as a bundle folder holding ``Info.fcpxml``.
"""

from __future__ import annotations

import copy
import logging
import math
import re
import shutil
from fractions import Fraction
from pathlib import Path

from lxml import etree

from ... import OUR_ID_PREFIX as ID_PREFIX
from ... import OUR_TOKEN
from ...errors import InputError, RateError
from ...outfile import atomic_folder, write_bytes_atomic
from .. import Source
from ..additions import Additions, ClipAdd, MarkerAdd, level_keyframes
from ..common import chosen_element
from ..media import media_format, media_start
from . import tree as tree_ops
from .document import Resources
from .marks import MARKER_TAGS
from .place import Grid, Storyline, fcpxml_version
from .read import choose_sequence, document_path, sequence_rate
from .timing import parse_time
from .tree import Layout

log = logging.getLogger(__name__)

_ROOT_START = re.compile(rb"<fcpxml[\s>/]")
AUDIO_GRID = 48_000  # sub-frame keyframe times are whole samples at 48 kHz
SILENCE_DB = -96.0  # Final Cut Pro's volume floor (its exports' silent keyframes)


def is_our_element(el: etree._Element) -> bool:
    """True for an element of ours: a resource or clip with our id, a marker with our token."""
    if not isinstance(el.tag, str):
        return False
    if el.tag in MARKER_TAGS:
        return OUR_TOKEN in (el.get("note") or "") or OUR_TOKEN in (el.get("value") or "")
    if el.tag == "asset":
        return (el.get("id") or "").startswith(ID_PREFIX)
    return (el.get("ref") or "").startswith(ID_PREFIX)


def remove_additions(root: etree._Element, sequence: etree._Element) -> int:
    """Remove our markers and clips from ``sequence``, then our resources nothing references any more."""
    ours = [e for e in sequence.iter() if is_our_element(e)]
    outermost = [e for e in ours if not any(is_our_element(a) for a in e.iterancestors())]
    for el in outermost:
        tree_ops.remove(el)
    gone = len(outermost)
    used = {el.get("ref") for el in root.iter() if isinstance(el.tag, str) and el.get("ref")}
    for res in root.iter("resources"):
        for el in [c for c in res if is_our_element(c) and c.get("id") not in used]:
            tree_ops.remove(el)
            gone += 1
    return gone


class _Writer:
    """Adds one run's markers and temp clips to a parsed document."""

    def __init__(self, root: etree._Element, sequence: etree._Element, res: Resources, rate: Fraction) -> None:
        self.root = root
        self.sequence = sequence
        self.version = fcpxml_version(root)
        self.layout = Layout(root)
        fmt = res.get(sequence.get("format"))
        grid = Grid.parse(fmt.get("frameDuration"), res.path) if fmt is not None else None
        self.frame = grid or Grid(1 / rate, (1 / rate).denominator)
        self.story = Storyline(sequence, res, rate, self.frame)
        # a title's text comes after its markers before FCPXML 1.3, before its content from 1.3
        self.suffix = tree_ops.SUFFIX_TAGS | ({"text"} if self.version < (1, 3) else set())
        self.assets: dict[Path, str] = {}
        self.asset_starts: dict[Path, Fraction] = {}  # each asset's start: its file's timecode

    # ---- markers -----------------------------------------------------------------------------
    def add_marker(self, add: MarkerAdd) -> None:
        host = self.story.host_at(add.frame)
        if host is None:
            raise InputError("the sequence's storyline is empty: there is no clip to hold a marker", self.story.res.path)
        start = self.story.marker_start(host, add.frame)
        frames = add.duration_frames if add.kind == "cue" else 0
        duration = self.story.marker_duration(host, add.frame, frames)
        attrs = {"start": host.grid.fmt(start), "duration": host.grid.fmt(duration)}
        if self.version >= (1, 1):
            attrs.update(value=add.name, note=add.comment)
        else:  # FCPXML 1.0 markers have no note: the tagged comment goes with the name
            attrs["value"] = f"{add.name} - {add.comment}"
        if add.kind == "hit":
            attrs["completed"] = "0"
        el = etree.Element("marker", attrs)
        self.layout.insert(host.el, tree_ops.marker_index(host.el, frozenset(self.suffix)), el)

    # ---- temp clips --------------------------------------------------------------------------
    def add_clip(self, add: ClipAdd, lane: int, role: str) -> None:
        host = self.story.host_at(add.start_frame)
        if host is None:
            raise InputError("the sequence's storyline is empty: there is no clip to connect temp music to", self.story.res.path)
        offset = self.story.clip_offset(host, add.start_frame)
        step = self.frame.step
        attrs = {
            "ref": self.asset_id(add),
            "lane": str(lane),
            "offset": host.grid.fmt(offset),
            "name": add.name,
            "start": self.frame.fmt(self.media_time(add, add.source_in)),
            "duration": self.frame.fmt(add.duration_frames * step),
        }
        if self.version >= (1, 6):
            attrs["audioRole"] = role
            el = etree.Element("asset-clip", attrs)
        else:
            attrs["role"] = role
            el = etree.Element("audio", attrs)
        keyed = self.version >= (1, 4)  # keyframeAnimation from FCPXML 1.4 (its curve attribute from 1.5)
        ride = add.ride if keyed else ()
        if (add.fade_in_frames or add.fade_out_frames or ride) and self.version >= (1, 1):  # 1.0: no adjust-volume
            param = etree.SubElement(etree.SubElement(el, "adjust-volume"), "param", name="amount")
            if keyed:
                self.add_level_keyframes(param, add)
            else:  # no keyframes before 1.4: FCP's fade handles, linear (the one fade type whose curve is known)
                if add.fade_in_frames:
                    etree.SubElement(param, "fadeIn", type="linear", duration=self.frame.fmt(add.fade_in_frames * step))
                if add.fade_out_frames:
                    etree.SubElement(param, "fadeOut", type="linear", duration=self.frame.fmt(add.fade_out_frames * step))
        self.layout.insert(host.el, tree_ops.anchor_index(host.el, frozenset(self.suffix)), el)

    def add_level_keyframes(self, param: etree._Element, add: ClipAdd) -> None:
        """The clip's fades and its ride under speech as volume keyframes (dB, ``curve="linear"`` from 1.5: the DTD's
        default is smooth) at the clip's own (media) times: the points render plays
        (:func:`..additions.level_keyframes`: the fades' :func:`~otio_scoreplan.fades.fade_points` times the ride), with
        sub-frame keyframes on the 48 kHz sample grid where dB interpolation would part from them (FCP's own exports
        time audio to the sample). Not ``fadeIn``/``fadeOut``: FCP's fade types (linear, +3 dB, -3 dB, S-curve; their
        XML names easeIn/easeOut/easeInOut) are not documented as curves, so no type is known to play ours. Silence is
        FCP's floor, -96 dB."""
        anim = etree.SubElement(param, "keyframeAnimation")
        for x, gain in level_keyframes(add, in_db=True):
            time = self.media_time(add, add.source_in + x)
            if x.denominator != 1:
                time = Fraction(round(time * AUDIO_GRID), AUDIO_GRID)
            db = max(SILENCE_DB, 20 * math.log10(gain)) if gain > 0 else SILENCE_DB
            key = etree.SubElement(anim, "keyframe", time=self.frame.fmt(time), value=f"{round(db, 3):g}dB")
            if self.version >= (1, 5):
                key.set("curve", "linear")

    def media_time(self, add: ClipAdd, frame: int | Fraction) -> Fraction:
        """The time of ``add.media``'s frame ``frame`` (0 = its first sample) in its asset's own time, which starts at
        the asset's ``start``: a clip's ``start`` and its keyframes' times are in it."""
        self.asset_id(add)
        return self.asset_starts[add.media.resolve()] + frame * self.frame.step

    def asset_id(self, add: ClipAdd) -> str:
        """The id of the asset for ``add.media``, adding the asset on first use.

        The asset starts at the file's own timecode, its BWF time reference (:func:`..media.media_start`: the cue's
        start minus its head handle), not at 0 s: Final Cut Pro gives an imported BWF that start, and an asset-clip's
        ``start`` must lie in ``[asset start, asset start + duration]``, so a relink or reimport of the file keeps
        our clips on their music (Final Cut Pro's own exports state a camera file's timecode as its asset's start
        and its clips' ``start`` from it: DAWFileKit StandaloneRefClip in the corpus)."""
        media = add.media.resolve()
        if media in self.assets:
            return self.assets[media]
        url = media.as_uri()
        resources = self._resources()
        for existing in resources:  # an asset of ours another sequence of this file still uses
            if is_our_element(existing) and existing.tag == "asset" and _asset_url(existing) == url:
                self.assets[media] = existing.get("id")
                self.asset_starts[media] = _time_value(existing.get("start"))
                return existing.get("id")
        ids = {el.get("id") for el in self.root.iter() if isinstance(el.tag, str) and el.get("id")}
        n = 1
        while f"{ID_PREFIX}r{n}" in ids:
            n += 1
        asset_id = f"{ID_PREFIX}r{n}"
        fmt = media_format(media)  # described as the file is: rate, channels, length
        self.asset_starts[media] = media_start(media)
        attrs = {
            "id": asset_id,
            "name": media.stem,
            "start": self.frame.fmt(self.asset_starts[media]),
            "duration": self.frame.fmt(add.media_frames * self.frame.step),
            "hasAudio": "1",
            "audioSources": "1",
            "audioChannels": str(fmt.channels),
            "audioRate": str(fmt.sample_rate),
        }
        asset = etree.Element("asset", attrs)
        if self.version < (1, 9):
            asset.set("src", url)
        self.layout.insert(resources, len(resources), asset)
        if self.version >= (1, 9):
            self.layout.insert(asset, 0, etree.Element("media-rep", kind="original-media", src=url))
        self.assets[media] = asset_id
        return asset_id

    def _resources(self) -> etree._Element:
        """The document's ``<resources>`` (under the root from FCPXML 1.4, under the project before)."""
        found = next(self.root.iter("resources"), None)
        if found is not None:
            return found
        resources = etree.Element("resources")
        if self.version < (1, 4):
            project = self.sequence.getparent()
            self.layout.insert(project, 0, resources)
        else:
            index = 1 if len(self.root) and self.root[0].tag == "import-options" else 0
            self.layout.insert(self.root, index, resources)
        return resources


def _time_value(text: str | None) -> Fraction:
    """An FCPXML time attribute (``"3600s"``, ``"1001/30000s"``) as seconds; 0 when absent or unreadable."""
    try:
        return parse_time(text, Path(), "start") or Fraction(0)
    except InputError:
        return Fraction(0)


def _asset_url(asset: etree._Element) -> str:
    if asset.get("src"):
        return asset.get("src")
    rep = asset.find("media-rep")
    return rep.get("src") if rep is not None else ""


def add_to_document(source: Source, additions: Additions) -> etree._ElementTree:
    """A copy of the source's document with earlier additions removed and ``additions`` added."""
    doc = copy.deepcopy(source.document)
    root = doc.getroot()
    sequence = chosen_element(source, doc)  # the sequence the reader chose
    if sequence is None:  # a Source built without the reader
        sequence = choose_sequence(root, source.path, source.timeline.name or None).sequence
    res = Resources(root, source.path)
    try:
        rate = sequence_rate(sequence, res, source.path, None)
    except RateError:  # read with --rate: the sequence's format has no frameDuration
        rate = sequence_rate(sequence, res, source.path, source.rate)
    removed = remove_additions(root, sequence)
    if removed:
        log.info("%s: removed %d elements of an earlier run", source.path, removed)
    res = Resources(root, source.path)  # without the resources just removed
    writer = _Writer(root, sequence, res, rate)
    first_lane = min(writer.story.lowest_lane(), 0) - 1
    for add in additions.markers:
        writer.add_marker(add)
    for add in sorted(additions.clips, key=lambda c: (c.lane, c.start_frame)):
        name = additions.track_names[add.lane] if add.lane < len(additions.track_names) else f"TEMP MX {add.lane + 1}"
        writer.add_clip(add, first_lane - add.lane, f"music.{name}")
    return doc


def serialise(doc: etree._ElementTree, original: bytes | None = None) -> bytes:
    """The document as bytes, behind the original's own prolog (declaration, doctype, blank lines)."""
    root = doc.getroot()
    encoding = doc.docinfo.encoding or "UTF-8"
    prolog = _prolog(original) if original else None
    if prolog is None:
        parts = [f'<?xml version="1.0" encoding="{encoding}"?>\n'.encode(encoding)]
        if doc.docinfo.doctype:
            parts.append(doc.docinfo.doctype.encode(encoding) + b"\n")
        for sibling in reversed(list(root.itersiblings(preceding=True))):
            parts.append(etree.tostring(sibling, encoding=encoding, xml_declaration=False))
        prolog = b"".join(parts)
    body = etree.tostring(root, encoding=encoding, xml_declaration=False, with_tail=False)
    tail = b"".join(etree.tostring(s, encoding=encoding, xml_declaration=False) for s in root.itersiblings())
    ends_in_newline = not original or original.endswith((b"\n", b"\r"))
    body += tail or (b"\n" if ends_in_newline else b"")
    newline = _newline(original or b"")
    return prolog + (body.replace(b"\n", newline) if newline != b"\n" else body)


def _newline(original: bytes) -> bytes:
    """The original's line ending (XML parsing turns CR LF and CR into LF; we give them back)."""
    if b"\r\n" in original:
        return b"\r\n"
    return b"\r" if b"\r" in original else b"\n"


def _prolog(original: bytes) -> bytes | None:
    """Everything before the root element in the original bytes (None if it cannot be found)."""
    match = _ROOT_START.search(original)
    return original[: match.start()] if match else None


def write(source: Source, additions: Additions, output: Path) -> list[Path]:
    """Write ``source``'s FCPXML with ``additions`` to ``output`` (a file, or a ``.fcpxmld`` bundle)."""
    if source.document is None:
        raise InputError("the FCPXML document was not kept by the reader; read it again", source.path)
    try:
        original = document_path(source.path).read_bytes()
    except (OSError, InputError):
        original = None
    data = serialise(add_to_document(source, additions), original)
    if output.suffix.lower() == ".fcpxmld":
        write_bundle(output, data, source.path)
    else:
        write_bytes_atomic(output, data, source.path, document_path(source.path))
    return [output]


def write_bundle(output: Path, data: bytes, input_path: Path) -> None:
    """Write a ``.fcpxmld`` bundle (a folder with ``Info.fcpxml``): staged beside ``output``, then swapped in.

    The other files of an input bundle are copied along (links as links); an earlier bundle at ``output``
    is replaced. The input bundle itself, or a place inside it, is refused (:mod:`..outfile`).
    """
    with atomic_folder(output, input_path) as tmp:
        if input_path.is_dir():
            for item in input_path.iterdir():
                if item.name != "Info.fcpxml":
                    if item.is_dir() and not item.is_symlink():
                        shutil.copytree(item, tmp / item.name, symlinks=True)
                    else:
                        shutil.copy2(item, tmp / item.name, follow_symlinks=False)
        (tmp / "Info.fcpxml").write_bytes(data)
