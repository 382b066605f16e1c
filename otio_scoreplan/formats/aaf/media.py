"""Temp media for AAF write-back: mobs that AMA-link external WAV files or embed their PCM, with ids
derived from the input.

Media Composer links an external WAV (AMA) as a chain of three mobs, which pyaaf2's
``aaf2.ama.create_media_link`` also builds: a MasterMob (the clip in the bin), a file SourceMob whose
``WAVEDescriptor`` carries a ``NetworkLocator`` with the file URL, and an import SourceMob
(``ImportDescriptor``). We build the same chain without ffprobe (the WAV header gives what we need),
one file and import mob per WAV and one MasterMob per cue, so each temp clip shows the cue's name.

Embedded (on request) the media is laid out as Media Composer embeds audio: one mono file SourceMob
per channel with a ``PCMDescriptor`` (``Channels`` 1) and an ``EssenceData`` holding that channel's
PCM samples, each playing its channel of an import SourceMob whose ``ImportDescriptor`` locates the
WAV the samples came from. The samples are copied from the WAV's ``data`` chunk as they are (16- or
24-bit, plain PCM or WAVE_FORMAT_EXTENSIBLE), one channel at a time and block by block.

Every MobID derives from the sequence's original MobID and a key (uuid5; embedded media and its master
clips have keys of their own), and every timestamp is the sequence's own, so the same input and plan
always make the same mobs.
"""

from __future__ import annotations

import logging
import struct
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from ... import OUR_TOKEN
from ...errors import InputError
from ...timecode import snap_rate, supports_drop_frame
from ..additions import ClipAdd, tagged

log = logging.getLogger(__name__)

ID_NAMESPACE = uuid.UUID("5c0a7e2d-4f3b-5a61-9d2e-6f7c8b9a0e11")  # otio-scoreplan AAF ids
_PCM_SUBFORMAT = bytes.fromhex("0100000000001000800000aa00389b71")  # KSDATAFORMAT_SUBTYPE_PCM
_EMBED_WIDTHS = (2, 3, 4)  # bytes per sample of the integer PCM we embed
_BLOCK_FRAMES = 1 << 16  # sample frames copied per read when embedding


def bare(f: Any, class_name: str) -> Any:
    """A new object of ``class_name`` with no properties set, so the caller sets them in Avid's order
    (pyaaf2's constructors set some properties first, and some want definitions named their way)."""
    classobj = f.metadict.lookup_class(class_name)
    obj = classobj.__new__(classobj)
    obj.root = f
    return obj


def derived_mob_id(base: Any, key: str) -> Any:
    """A MobID with ``base``'s SMPTE label and a material number from uuid5(``base``, ``key``)."""
    from aaf2.auid import AUID
    from aaf2.mobid import MobID

    mob_id = MobID(str(base))
    mob_id.material = AUID(uuid.uuid5(ID_NAMESPACE, f"{base}/{key}"))
    return mob_id


@dataclass(frozen=True)
class WavInfo:
    """What the descriptor needs from a WAV header."""

    sample_rate: int
    channels: int
    sample_width: int  # bytes per sample
    frames: int  # samples per channel


@dataclass(frozen=True)
class _WavLayout:
    """Where a WAV's samples are and whether they are integer PCM."""

    info: WavInfo
    data_offset: int  # file offset of the first sample
    pcm: bool  # format tag 1, or WAVE_FORMAT_EXTENSIBLE with the PCM subformat


def wav_info(path: Path) -> WavInfo:
    """Channels, rate and length from a WAV's ``fmt `` and ``data`` chunks (PCM, WAVE_FORMAT_EXTENSIBLE, BWF).

    Read by hand because Python's ``wave`` (before 3.12) refuses WAVE_FORMAT_EXTENSIBLE, which most
    24-bit library music uses. An :class:`InputError` names the file when it is not a WAV.
    """
    return _wav_layout(path).info


def _wav_layout(path: Path) -> _WavLayout:
    """The ``fmt `` facts and the ``data`` chunk's offset of a WAV (see :func:`wav_info`)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"RIFF" or not fh.read(4) or fh.read(4) != b"WAVE":
                raise ValueError("not a RIFF/WAVE file")
            fmt: tuple[int, int, int, bool] | None = None
            while True:
                header = fh.read(8)
                if len(header) < 8:
                    raise ValueError("no data chunk")
                chunk, size = header[:4], struct.unpack("<I", header[4:])[0]
                if chunk == b"fmt ":
                    body = fh.read(size + (size & 1))
                    tag, channels, rate = struct.unpack("<HHI", body[0:8])
                    block_align = struct.unpack("<H", body[12:14])[0]
                    pcm = tag == 1 or (tag == 0xFFFE and body[24:40] == _PCM_SUBFORMAT)
                    fmt = (channels, rate, block_align, pcm)
                elif chunk == b"data":
                    if fmt is None or not fmt[0] or not fmt[2]:
                        raise ValueError("data before a usable fmt chunk")
                    channels, rate, block_align, pcm = fmt
                    info = WavInfo(rate, channels, block_align // channels, size // block_align)
                    return _WavLayout(info, fh.tell(), pcm)
                else:
                    fh.seek(size + (size & 1), 1)
    except (OSError, ValueError, struct.error) as exc:
        raise InputError(f"temp media is not a readable WAV: {exc}", path) from None


class MediaLinker:
    """Creates (once per WAV) the import and file SourceMobs, and one MasterMob per cue.

    With ``embed`` the file SourceMobs hold the WAV's samples (one mono mob per channel) instead of
    linking the file.
    """

    def __init__(self, f: Any, base_id: Any, edit_rate: Any, stamp: Any, embed: bool = False,
                 rate: float | None = None, drop_frame: bool = False,
                 start_of: Callable[[Path], Fraction] | None = None) -> None:
        self.f = f
        self.rate = rate  # the sequence's frame rate and timecode: the temp media's timecode slots count in them
        self.drop_frame = drop_frame
        self.start_of = start_of  # a WAV's own start, seconds since midnight (formats.media.media_start; passed in:
        # formats.media imports this module)
        self.base_id = base_id
        self.edit_rate = edit_rate  # the sequence's edit rate (master clips count in it)
        self.stamp = stamp  # CreationTime / LastModified of every mob we create
        self.embed = embed
        self.files: dict[str, tuple[list[tuple[Any, int]], WavInfo]] = {}

    def _existing(self, key: str) -> Any:
        """A mob of an earlier run with the id ``key`` derives to, kept because the editor uses it."""
        return self.f.content.mobs.get(derived_mob_id(self.base_id, key))

    def _mob(self, kind: str, name: str, key: str) -> Any:
        mob = getattr(self.f.create, kind)()
        mob.name = name
        mob.mob_id = derived_mob_id(self.base_id, key)
        if self.stamp is not None:
            mob["CreationTime"].value = self.stamp
            mob["LastModified"].value = self.stamp
        return mob

    def channel_sources(self, media: Path) -> tuple[list[tuple[Any, int]], WavInfo]:
        """(file SourceMob, slot id) playing each channel of ``media`` (created on first use), and its WAV facts."""
        url = media.resolve().as_uri()
        if url not in self.files:
            if self.embed:
                self.files[url] = self._embedded_mobs(media, url)
            else:
                source, info = self.file_mob(media)
                self.files[url] = ([(source, channel) for channel in range(1, info.channels + 1)], info)
        return self.files[url]

    def file_mob(self, media: Path) -> tuple[Any, WavInfo]:
        """The file SourceMob linking ``media`` (AMA), with its WAV facts."""
        from aaf2 import ama

        url = media.resolve().as_uri()
        info = wav_info(media)
        key = f"media/{url}"
        kept = self._existing(key + "/file")
        if kept is not None:
            return kept, info
        name = tagged(media.name)
        tape = self._mob("SourceMob", name, key + "/import")
        self.f.content.mobs.append(tape)
        tape.descriptor = self.f.create.ImportDescriptor()
        source = self._mob("SourceMob", name, key + "/file")
        self.f.content.mobs.append(source)
        for channel in range(1, info.channels + 1):
            tape_slot = tape.create_empty_sequence_slot(info.sample_rate, slot_id=channel, media_kind="sound")
            tape_slot.segment.length = info.frames
            tape_slot.segment.components.append(self.f.create.SourceClip(media_kind="sound", length=info.frames))
            slot = source.create_empty_sequence_slot(info.sample_rate, slot_id=channel, media_kind="sound")
            slot["PhysicalTrackNumber"].value = channel
            clip = tape.create_source_clip(slot_id=channel, start=0, length=info.frames, media_kind="sound")
            slot.segment.components.append(clip)
            slot.segment.length = info.frames
        self._timecode_slot(tape, media, info)
        desc = self.f.create.WAVEDescriptor()
        desc["SampleRate"].value = info.sample_rate
        desc["Summary"].value = ama.get_wave_fmt(str(media))
        desc["Length"].value = info.frames
        desc["ContainerFormat"].value = self.f.dictionary.lookup_containerdef("AAF")
        desc["Locator"].append(ama.create_network_locator(self.f, str(media.resolve())))
        source.descriptor = desc
        return source, info

    def _embedded_mobs(self, media: Path, url: str) -> tuple[list[tuple[Any, int]], WavInfo]:
        """The import SourceMob of ``media`` and a mono file SourceMob with its samples per channel."""
        from aaf2 import ama

        layout = _wav_layout(media)
        info = layout.info
        if not layout.pcm:
            raise InputError("temp media is not integer PCM: only PCM WAVs can be embedded", media)
        if info.sample_width not in _EMBED_WIDTHS:
            raise InputError(f"temp media is {8 * info.sample_width}-bit: only 16-, 24- or 32-bit PCM is embedded", media)
        key = f"embedded/{url}"
        name = tagged(media.name)
        tape = self._existing(key + "/import")
        if tape is None:
            tape = self._mob("SourceMob", name, key + "/import")
            self.f.content.mobs.append(tape)
            desc = self.f.create.ImportDescriptor()
            desc["Locator"].append(ama.create_network_locator(self.f, str(media.resolve())))
            tape.descriptor = desc
            for channel in range(1, info.channels + 1):
                tape_slot = tape.create_empty_sequence_slot(info.sample_rate, slot_id=channel, media_kind="sound")
                tape_slot.segment.length = info.frames
                tape_slot.segment.components.append(self.f.create.SourceClip(media_kind="sound", length=info.frames))
            self._timecode_slot(tape, media, info)
        sources = []
        for channel in range(1, info.channels + 1):
            source = self._existing(f"{key}/file/{channel}")
            if source is None:
                source = self._mob("SourceMob", name, f"{key}/file/{channel}")
                self.f.content.mobs.append(source)
                slot = source.create_timeline_slot(info.sample_rate, slot_id=1)
                slot["PhysicalTrackNumber"].value = channel
                slot.segment = tape.create_source_clip(slot_id=channel, start=0, length=info.frames, media_kind="sound")
                source.descriptor = _pcm_descriptor(self.f, info)
                _embed_channel(self.f, source, media, layout, channel)
            sources.append((source, 1))
        log.debug("embedded %s: %d channel(s) of %d samples", media.name, info.channels, info.frames)
        return sources, info

    def _timecode_slot(self, tape: Any, media: Path, info: WavInfo) -> None:
        """A timecode slot on ``media``'s import SourceMob starting at the file's own timecode, its BWF time reference
        (the cue's start minus its head handle) at the sequence's edit rate, as Media Composer describes an imported
        WAV (corpus nested_audio_dissolve.aaf: its import mob of ``0335J YW1.wav`` holds a Timecode slot, edit rate
        24, FPS 24, Start 86400 = 01:00:00:00, PhysicalTrackNumber 1, beside its sound slot); none for a file
        without one (the silent placeholder). The adapter and our reader then put the clip's source range in that
        timecode, as they do for Avid's own media."""
        start = self.start_of(media) if self.start_of is not None else 0
        if not start or not self.rate:
            return
        rate = Fraction(snap_rate(self.rate)).limit_denominator(1001)  # 30000/1001, 25 ...
        drop = self.drop_frame and supports_drop_frame(self.rate)
        length = int(Fraction(info.frames) * rate / info.sample_rate)
        slot = tape.create_timecode_slot(rate, round(rate), drop_frame=drop, length=length)
        slot.segment.start = round(start * rate)
        slot["PhysicalTrackNumber"].value = 1

    def master_mob(self, add: ClipAdd, length: int) -> Any:
        """A MasterMob named for the cue, one slot per channel of its WAV, ``length`` edit units long."""
        sources, info = self.channel_sources(add.media)
        key = f"embedded/master/{add.cue_id}" if self.embed else f"master/{add.cue_id}"
        kept = self._existing(key)
        if kept is not None:
            return kept
        master = self._mob("MasterMob", tagged(add.name), key)
        self.f.content.mobs.append(master)
        for channel, (source, slot_id) in enumerate(sources, start=1):
            slot = master.create_timeline_slot(self.edit_rate, slot_id=channel)
            slot["PhysicalTrackNumber"].value = channel
            clip = self.f.create.SourceClip(media_kind="sound", length=length)
            clip.mob = source
            clip.slot = source.slot_at(slot_id)
            clip.start = 0
            slot.segment = clip
        return master


def _pcm_descriptor(f: Any, info: WavInfo) -> Any:
    """A mono PCMDescriptor for ``info``'s samples, properties in Media Composer's order."""
    desc = bare(f, "PCMDescriptor")
    desc["AverageBPS"].value = info.sample_rate * info.sample_width
    desc["BlockAlign"].value = info.sample_width
    desc["QuantizationBits"].value = 8 * info.sample_width
    desc["AudioSamplingRate"].value = info.sample_rate
    desc["Channels"].value = 1
    desc["ContainerFormat"].value = f.dictionary.lookup_containerdef("AAF")
    desc["Length"].value = info.frames
    desc["SampleRate"].value = info.sample_rate
    return desc


def _embed_channel(f: Any, source: Any, media: Path, layout: _WavLayout, channel: int) -> None:
    """An EssenceData for ``source`` holding channel ``channel`` (1-based) of ``media``'s samples."""
    import numpy as np

    info = layout.info
    essence = f.create.EssenceData()
    essence.mob_id = source.mob_id
    f.content.essencedata.append(essence)
    stream = essence.open("w")
    frame_bytes = info.channels * info.sample_width
    with open(media, "rb") as fh:
        fh.seek(layout.data_offset)
        left = info.frames
        while left:
            n = min(left, _BLOCK_FRAMES)
            raw = fh.read(n * frame_bytes)
            if len(raw) < n * frame_bytes:
                raise InputError(f"temp media ends {left - len(raw) // frame_bytes} samples before its data chunk does", media)
            if info.channels > 1:
                raw = np.frombuffer(raw, np.uint8).reshape(n, info.channels, info.sample_width)[:, channel - 1].tobytes()
            stream.write(raw)
            left -= n


def is_ours_mob(mob: Any) -> bool:
    """A master or source mob we made (its name carries our token)."""
    import aaf2

    return isinstance(mob, (aaf2.mobs.MasterMob, aaf2.mobs.SourceMob)) and OUR_TOKEN in (mob.name or "")
