"""Temp media for AAF write-back: mobs that AMA-link external WAV files, with ids derived from the input.

Media Composer links an external WAV (AMA) as a chain of three mobs, which pyaaf2's
``aaf2.ama.create_media_link`` also builds: a MasterMob (the clip in the bin), a file SourceMob whose
``WAVEDescriptor`` carries a ``NetworkLocator`` with the file URL, and an import SourceMob
(``ImportDescriptor``). We build the same chain without ffprobe (the WAV header gives what we need),
one file and import mob per WAV and one MasterMob per cue, so each temp clip shows the cue's name.
Every MobID derives from the sequence's original MobID and a key (uuid5), and every timestamp is the
sequence's own, so the same input and plan always make the same mobs.
"""

from __future__ import annotations

import logging
import uuid
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import OUR_TOKEN
from ..errors import InputError
from .additions import ClipAdd, tagged

log = logging.getLogger(__name__)

ID_NAMESPACE = uuid.UUID("5c0a7e2d-4f3b-5a61-9d2e-6f7c8b9a0e11")  # otio-scoreplan AAF ids


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


def wav_info(path: Path) -> WavInfo:
    """Channels, rate and length from a WAV's ``fmt `` and ``data`` chunks (PCM, WAVE_FORMAT_EXTENSIBLE, BWF).

    Read by hand because Python's ``wave`` (before 3.12) refuses WAVE_FORMAT_EXTENSIBLE, which most
    24-bit library music uses. An :class:`InputError` names the file when it is not a WAV.
    """
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"RIFF" or not fh.read(4) or fh.read(4) != b"WAVE":
                raise ValueError("not a RIFF/WAVE file")
            fmt: tuple[int, int, int] | None = None
            while True:
                header = fh.read(8)
                if len(header) < 8:
                    raise ValueError("no data chunk")
                chunk, size = header[:4], struct.unpack("<I", header[4:])[0]
                if chunk == b"fmt ":
                    body = fh.read(size + (size & 1))
                    channels, rate = struct.unpack("<HI", body[2:8])
                    block_align = struct.unpack("<H", body[12:14])[0]
                    fmt = (channels, rate, block_align)
                elif chunk == b"data":
                    if fmt is None or not fmt[0] or not fmt[2]:
                        raise ValueError("data before a usable fmt chunk")
                    channels, rate, block_align = fmt
                    return WavInfo(rate, channels, block_align // channels, size // block_align)
                else:
                    fh.seek(size + (size & 1), 1)
    except (OSError, ValueError, struct.error) as exc:
        raise InputError(f"temp media is not a readable WAV: {exc}", path) from None


class MediaLinker:
    """Creates (once per WAV) the import and file SourceMobs, and one MasterMob per cue."""

    def __init__(self, f: Any, base_id: Any, edit_rate: Any, stamp: Any) -> None:
        self.f = f
        self.base_id = base_id
        self.edit_rate = edit_rate  # the sequence's edit rate (master clips count in it)
        self.stamp = stamp  # CreationTime / LastModified of every mob we create
        self.files: dict[str, tuple[Any, WavInfo]] = {}

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

    def file_mob(self, media: Path) -> tuple[Any, WavInfo]:
        """The file SourceMob linking ``media`` (created on first use), with its WAV facts."""
        from aaf2 import ama

        url = media.resolve().as_uri()
        if url in self.files:
            return self.files[url]
        info = wav_info(media)
        key = f"media/{url}"
        kept = self._existing(key + "/file")
        if kept is not None:
            self.files[url] = (kept, info)
            return self.files[url]
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
        desc = self.f.create.WAVEDescriptor()
        desc["SampleRate"].value = info.sample_rate
        desc["Summary"].value = ama.get_wave_fmt(str(media))
        desc["Length"].value = info.frames
        desc["ContainerFormat"].value = self.f.dictionary.lookup_containerdef("AAF")
        desc["Locator"].append(ama.create_network_locator(self.f, str(media.resolve())))
        source.descriptor = desc
        self.files[url] = (source, info)
        return source, info

    def master_mob(self, add: ClipAdd, length: int) -> Any:
        """A MasterMob named for the cue, one slot per channel of its WAV, ``length`` edit units long."""
        source, info = self.file_mob(add.media)
        kept = self._existing(f"master/{add.cue_id}")
        if kept is not None:
            return kept
        master = self._mob("MasterMob", tagged(add.name), f"master/{add.cue_id}")
        self.f.content.mobs.append(master)
        for channel in range(1, info.channels + 1):
            slot = master.create_timeline_slot(self.edit_rate, slot_id=channel)
            slot["PhysicalTrackNumber"].value = channel
            clip = self.f.create.SourceClip(media_kind="sound", length=length)
            clip.mob = source
            clip.slot = source.slot_at(channel)
            clip.start = 0
            slot.segment = clip
        return master


def is_ours_mob(mob: Any) -> bool:
    """A master or source mob we made (its name carries our token)."""
    import aaf2

    return isinstance(mob, (aaf2.mobs.MasterMob, aaf2.mobs.SourceMob)) and OUR_TOKEN in (mob.name or "")
