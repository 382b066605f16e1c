"""Write-back for FCP7 XML (xmeml): edit the editor's own document with lxml.

We add sequence ``<marker>`` elements and temp-music audio tracks to the sequence that was read, and
change nothing else: every original element keeps its attributes, text and children in order.
Premiere-only constructs (``MZ.TrackName``, exploded stereo pairs, ``<pproColor>``) are written only
where the input already uses them, so we never add a kind of DTD error the input did not have.
Our elements carry ``scoreplan-`` ids (clip items, files) or :data:`~otio_scoreplan.OUR_TOKEN` in
the comment (markers), and a second run removes them before adding the new ones.
"""

from __future__ import annotations

import copy
import logging
import urllib.parse
from fractions import Fraction
from pathlib import Path

from lxml import etree

from ... import OUR_ID_PREFIX as ID_PREFIX
from ... import OUR_TOKEN
from ...colors import premiere_color_value
from ...errors import InputError
from ...outfile import write_bytes_atomic
from ...timecode import snap_rate, supports_drop_frame, to_timecode
from .. import Source
from ..additions import Additions, ClipAdd, MarkerAdd, is_music_track_name, level_keyframes
from ..common import chosen_element
from ..media import media_format, media_start
from .items import is_primary_channel

log = logging.getLogger(__name__)


def _sub(parent: etree._Element, tag: str, text: str | int | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, **attrs)
    if text is not None:
        el.text = str(text)
    return el


def top_sequences(root: etree._Element) -> list[etree._Element]:
    """Sequences that are not nested inside a clip item (nested sequences live in clip items)."""
    return [s for s in root.iter("sequence") if not any(a.tag == "clipitem" for a in s.iterancestors())]


def find_sequence(root: etree._Element, name: str, path: Path) -> etree._Element:
    """The sequence named ``name``, else the only one (for a Source made without the reader, which keeps the
    element it chose: :func:`~..common.chosen_element`)."""
    seqs = top_sequences(root)
    named = [s for s in seqs if (s.findtext("name") or "") == name]
    if named:
        return named[0]
    if len(seqs) == 1:
        return seqs[0]
    raise InputError(f"cannot find the sequence {name!r} in the XML to write back", path)


def is_our_marker_element(marker: etree._Element) -> bool:
    return OUR_TOKEN in (marker.findtext("comment") or "")


def is_ours_item(item: etree._Element) -> bool:
    return (item.get("id") or "").startswith(ID_PREFIX)


def xmeml_track_name(track: etree._Element) -> str:
    """The name the editor gave a track (Premiere keeps it in ``MZ.TrackName``)."""
    return (track.findtext("name") or track.get("MZ.TrackName") or "").strip()


def is_ours_track(track: etree._Element, prefix: str = "TEMP MX") -> bool:
    """A track we made: only clip items of ours, and no name but ours (the editor's own music track that an
    earlier run put temp on keeps its name, and stays)."""
    items = track.findall("clipitem")
    name = xmeml_track_name(track)
    return bool(items) and all(is_ours_item(i) for i in items) and (not name or name.startswith(prefix))


def remove_additions(seq: etree._Element, prefix: str = "TEMP MX") -> int:
    """Remove markers, tracks and clip items of ours from an earlier run; returns how many elements went."""
    gone = 0
    for marker in seq.findall("marker"):
        if is_our_marker_element(marker):
            _remove(marker)
            gone += 1
    for track in seq.findall("media/audio/track"):
        if is_ours_track(track, prefix):
            _remove(track)
            gone += 1
        else:  # temp an earlier run put on the editor's own music track
            for item in track.findall("clipitem"):
                if is_ours_item(item):
                    _remove(item)
                    gone += 1
    return gone


def editors_music_tracks(audio: etree._Element, prefix: str) -> list[tuple[str, list[etree._Element]]]:
    """The editor's own empty music tracks: (label 'A6', its track elements) for each stereo pair named for music
    ('Musikk 2', 'MX B') with no clip on it, enabled and unlocked, in track order. Our clips hold a stereo pair
    (left, right), so only a pair (Premiere's exploded stereo track, two ``<track>`` elements) can take them."""
    groups: list[list[etree._Element]] = []
    for track in audio.findall("track"):
        if is_primary_channel(track) or not groups:
            groups.append([track])
        else:
            groups[-1].append(track)
    out = []
    for n, group in enumerate(groups, start=1):
        name = xmeml_track_name(group[0])
        if len(group) != 2 or not name or name.startswith(prefix) or not is_music_track_name(name):
            continue
        if any(el.tag in ("clipitem", "transitionitem", "generatoritem") for t in group for el in t):
            continue
        if any((t.findtext("enabled") or "TRUE").strip().upper() == "FALSE"
               or (t.findtext("locked") or "FALSE").strip().upper() == "TRUE" for t in group):
            continue
        out.append((f"A{n}", group))
    return out


def _remove(el: etree._Element) -> None:
    """Remove ``el`` keeping the whitespace layout of what follows."""
    parent = el.getparent()
    prev = el.getprevious()
    if el.tail and prev is not None:
        prev.tail = el.tail if prev.tail is None or prev.tail.strip() == "" else prev.tail
    elif el.tail and prev is None:
        parent.text = el.tail if parent.text is None or parent.text.strip() == "" else parent.text
    parent.remove(el)


def _insert_after(anchor: etree._Element, el: etree._Element) -> None:
    el.tail = anchor.tail
    anchor.addnext(el)


def _append(parent: etree._Element, el: etree._Element, before_tags: tuple[str, ...] = ()) -> None:
    """Append ``el`` to ``parent`` after its last child (or before the first of ``before_tags``)."""
    children = list(parent)
    for i, child in enumerate(children):
        if child.tag in before_tags:
            if i > 0:
                _insert_after(children[i - 1], el)
            else:
                el.tail = parent.text
                parent.insert(0, el)
            return
    if children:
        _insert_after(children[-1], el)
    else:
        parent.append(el)


def uses(root: etree._Element, tag: str, attr: str | None = None) -> bool:
    """True when the input already has element ``tag`` (with attribute ``attr``)."""
    for el in root.iter(tag):
        if attr is None or el.get(attr) is not None:
            return True
    return False


def marker_element(add: MarkerAdd, with_ppro: bool) -> etree._Element:
    m = etree.Element("marker")
    _sub(m, "comment", add.comment)
    _sub(m, "name", add.name)
    _sub(m, "in", add.frame)
    _sub(m, "out", add.frame + add.duration_frames if add.duration_frames > 0 else -1)
    if with_ppro:
        value = premiere_color_value(add.color)
        if value is not None:
            _sub(m, "pproColor", value)
    return m


def _rate(seq: etree._Element) -> etree._Element:
    rate = seq.find("rate")
    if rate is None:
        raise InputError("the sequence has no <rate>", None)
    return copy.deepcopy(rate)


# What Premiere and Final Cut Pro leave as it is in a <pathurl> (as the corpus exports show); everything else
# (spaces, '#', '?', '%', control characters, non-ASCII as its UTF-8 bytes) is percent-encoded.
_PATHURL_SAFE = "/:[]+,()'=!$&;@~*"


def path_url(path: Path) -> str:
    """The ``<pathurl>`` of a media file: ``file://localhost`` and its absolute path, percent-encoded."""
    return "file://localhost" + urllib.parse.quote(path.resolve().as_posix(), safe=_PATHURL_SAFE)


class _TrackBuilder:
    """Builds our audio tracks in the style of the input (Premiere's stereo pairs, or plain FCP7)."""

    def __init__(self, root: etree._Element, seq: etree._Element, additions: Additions) -> None:
        self.seq = seq
        self.additions = additions
        self.premiere_pairs = uses(root, "track", "premiereTrackType")
        self.track_names = uses(root, "track", "MZ.TrackName")
        self.channel_type = uses(root, "clipitem", "premiereChannelType")
        self.files_defined: set[str] = set()
        try:
            self.version = int(root.get("version") or 5)
        except ValueError:
            self.version = 5

    def file_id(self, media: Path) -> str:
        return f"{ID_PREFIX}file-{media.name}"

    def file_element(self, add: ClipAdd) -> etree._Element:
        fid = self.file_id(add.media)
        f = etree.Element("file", id=fid)
        if fid in self.files_defined:
            return f
        self.files_defined.add(fid)
        fmt = media_format(add.media)  # described as the file is: depth, rate, channels, length
        _sub(f, "name", add.media.name)
        _sub(f, "pathurl", path_url(add.media))
        f.append(_rate(self.seq))
        _sub(f, "duration", add.media_frames)
        timecode = self.file_timecode(add.media)
        if timecode is not None:
            f.append(timecode)
        audio = _sub(_sub(f, "media"), "audio")
        sc = _sub(audio, "samplecharacteristics")
        _sub(sc, "depth", fmt.bits)
        _sub(sc, "samplerate", fmt.sample_rate)
        if self.version >= 2:  # <channelcount> came with xmeml version 2
            _sub(audio, "channelcount", fmt.channels)
        return f

    def file_timecode(self, media: Path) -> etree._Element | None:
        """The ``<timecode>`` of a temp file: its BWF time reference (the cue's start minus its head handle) at the
        sequence's rate and display format, as Premiere and FCP7 state an audio file's own timecode in the corpus
        exports (nrk_melkekartong ``01;06;08;16`` frame 118936, nrk_fcp7 ``00:39:00:00``); ``<in>``/``<out>`` stay
        counted from the file's first frame, as theirs are. None for a file without one (the silent placeholder)."""
        start = media_start(media)
        if not start:
            return None
        seq = self.additions.sequence
        frame = round(start * Fraction(snap_rate(seq.rate)).limit_denominator(1001))  # 30000/1001, 25 ...
        drop = seq.drop_frame and supports_drop_frame(seq.rate)
        text = to_timecode(frame, seq.rate, drop)
        own = self.seq.findtext("timecode/string") or ""
        if drop and own.count(";") == 3:  # Premiere writes a drop-frame timecode with semicolons only
            text = text.replace(":", ";")
        tc = etree.Element("timecode")
        tc.append(_rate(self.seq))
        _sub(tc, "string", text)
        _sub(tc, "frame", frame)
        _sub(tc, "displayformat", "DF" if drop else "NDF")
        return tc

    def clip_name(self, add: ClipAdd) -> str:
        if self.track_names:
            return add.name
        return f"{self.additions.track_names[add.lane]} {add.name}"

    def clipitem(self, add: ClipAdd, channel: int, track_index: int, clip_index: int) -> etree._Element:
        attrs = {"id": f"{ID_PREFIX}{add.cue_id}-{'LR'[channel - 1]}"}
        if self.channel_type:
            attrs["premiereChannelType"] = "stereo"
        ci = etree.Element("clipitem", **attrs)
        _sub(ci, "name", self.clip_name(add))
        _sub(ci, "enabled", "TRUE")
        _sub(ci, "duration", add.media_frames)
        ci.append(_rate(self.seq))
        _sub(ci, "start", add.start_frame)
        _sub(ci, "end", add.end_frame)
        _sub(ci, "in", add.source_in)
        _sub(ci, "out", add.source_in + add.duration_frames)
        ci.append(self.file_element(add))
        if add.fade_in_frames or add.fade_out_frames or add.ride:
            ci.append(level_fades(add))
        st = _sub(ci, "sourcetrack")
        _sub(st, "mediatype", "audio")
        _sub(st, "trackindex", channel)
        for ch in (1, 2):
            link = _sub(ci, "link")
            _sub(link, "linkclipref", f"{ID_PREFIX}{add.cue_id}-{'LR'[ch - 1]}")
            _sub(link, "mediatype", "audio")
            _sub(link, "trackindex", track_index - channel + ch)
            _sub(link, "clipindex", clip_index)
            _sub(link, "groupindex", 1)
        return ci

    def tracks(self, first_index: int, first_lane: int = 0) -> list[etree._Element]:
        """Two tracks (left, right) per temp lane from ``first_lane`` on; ``first_index`` is the 1-based xmeml index
        of the first."""
        out = []
        for lane, name in enumerate(self.additions.track_names):
            if lane < first_lane:
                continue
            clips = sorted((c for c in self.additions.clips if c.lane == lane), key=lambda c: c.start_frame)
            for channel in (1, 2):
                index = first_index + 2 * (lane - first_lane) + channel - 1
                attrs: dict[str, str] = {}
                if self.track_names:
                    attrs["MZ.TrackName"] = name
                if self.premiere_pairs:
                    attrs.update(currentExplodedTrackIndex=str(channel - 1), totalExplodedTrackCount="2", premiereTrackType="Stereo")
                track = etree.Element("track", **attrs)
                for n, add in enumerate(clips, start=1):
                    track.append(self.clipitem(add, channel, index, n))
                _sub(track, "enabled", "TRUE")
                _sub(track, "locked", "FALSE")
                _sub(track, "outputchannelindex", channel)
                out.append(track)
        return out


def level_fades(add: ClipAdd) -> etree._Element:
    """The clip's fades as FCP7's own automation: Audio Levels keyframes (gain 0..1) at media frames, as FCP7
    and Premiere write them (``<when>`` counts the media's frames, like ``<in>`` and ``<out>``), linear in gain
    between them: the fades' points (:func:`~otio_scoreplan.fades.fade_points`, the curves render plays) times the
    ride under speech (``add.ride``, dB), a keyframe on every frame of its ramps (:func:`..additions.level_keyframes`)."""
    points = [(add.source_in + int(x), gain) for x, gain in level_keyframes(add)]
    f = etree.Element("filter")
    effect = _sub(f, "effect")
    for tag, text in (("name", "Audio Levels"), ("effectid", "audiolevels"), ("effectcategory", "audiolevels"),
                      ("effecttype", "audiolevels"), ("mediatype", "audio")):
        _sub(effect, tag, text)
    param = _sub(effect, "parameter")
    for tag, text in (("name", "Level"), ("parameterid", "level"), ("valuemin", 0), ("valuemax", 3.98109), ("value", 1)):
        _sub(param, tag, text)
    for when, value in points:
        kf = _sub(param, "keyframe")
        _sub(kf, "when", when)
        _sub(kf, "value", value)
    return f


def add_to_document(source: Source, additions: Additions) -> etree._ElementTree:
    """A copy of the source's document with earlier additions removed and ``additions`` added to the sequence
    the reader chose."""
    tree = copy.deepcopy(source.document)
    root = tree.getroot()
    seq = chosen_element(source, tree)
    if seq is None:
        seq = find_sequence(root, source.timeline.name or "", source.path)
    remove_additions(seq, additions.track_prefix)
    with_ppro = uses(root, "pproColor")
    anchor = (seq.findall("marker") or [None])[-1]
    if anchor is None:
        anchor = seq.find("timecode") if seq.find("timecode") is not None else seq.find("media")
    for add in additions.markers:
        el = marker_element(add, with_ppro)
        if anchor is None:
            _append(seq, el)
        else:
            _insert_after(anchor, el)
        anchor = el
    if additions.clips:
        media = seq.find("media")
        if media is None:
            media = _sub(seq, "media")
        audio = media.find("audio")
        if audio is None:
            audio = _sub(media, "audio")
        homes = editors_music_tracks(audio, additions.track_prefix) if additions.editors_tracks else []
        homes = homes[: len(additions.track_names)]
        builder = _TrackBuilder(root, seq, additions)
        tracks = audio.findall("track")
        for lane, (label, pair) in enumerate(homes):  # the first lanes on the editor's own empty music tracks
            for channel, track in enumerate(pair, start=1):
                index = tracks.index(track) + 1
                clips = sorted((c for c in additions.clips if c.lane == lane), key=lambda c: c.start_frame)
                anchor = next((el for el in track if el.tag in ("enabled", "locked", "outputchannelindex")), None)
                for n, add in enumerate(clips, start=1):
                    item = builder.clipitem(add, channel, index, n)
                    if anchor is not None:
                        anchor.addprevious(item)
                        item.tail = track.text or anchor.tail
                    else:
                        _append(track, item)
            additions.notes.append(f"temp track {additions.track_names[lane]}: on the editor's empty music track "
                                   f"{label} {xmeml_track_name(pair[0])!r}")
        existing = audio.findall("track")
        last = existing[-1] if existing else None
        new = builder.tracks(len(existing) + 1, first_lane=len(homes))
        for track in new:
            if last is not None:
                _insert_after(last, track)
            else:
                _append(audio, track)
            last = track
        if homes and new:
            names = ", ".join(additions.track_names[len(homes):])
            additions.notes.append(f"temp track{'s' if len(new) > 2 else ''} {names}: new, below the last track")
    return tree


def serialise(tree: etree._ElementTree) -> bytes:
    """The document as bytes, with its own XML declaration and doctype."""
    docinfo = tree.docinfo
    return etree.tostring(
        tree,
        xml_declaration=True,
        encoding=docinfo.encoding or "UTF-8",
        standalone=docinfo.standalone,
    ) + b"\n"


def write(source: Source, additions: Additions, output: Path) -> list[Path]:
    """Write ``source``'s xmeml with ``additions`` to ``output`` (atomically, never over the input)."""
    tree = add_to_document(source, additions)
    write_bytes_atomic(output, serialise(tree), source.path)
    return [output]
