"""Write the timeline back in the editor's own format with cue markers and temp-music tracks.

Each format has a module with ``write(source, additions, output) -> list[Path]`` that edits the
editor's own document (lxml for XML, pyaaf2 for AAF, text for EDL, the OTIO API for .otio) and
returns the files it wrote. Everything not ours is kept as it was.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..outfile import check_output_path, run
from ..plan.model import Plan
from . import SUFFIXES, Source
from .additions import Additions, ApplySettings, build_additions, temp_cues
from .additions import settings_from_rules as settings_from_rules  # re-exported for the command line
from .media import media_format, silent_wav

log = logging.getLogger(__name__)


@dataclass
class ApplyResult:
    output: Path
    written: list[Path] = field(default_factory=list)
    additions: Additions | None = None
    notes: list[str] = field(default_factory=list)


# format -> the module (in this package) whose ``write(source, additions, output)`` writes it
WRITER_MODULES = {"fcp7_xml": "xmeml", "fcpxml": "fcpxml", "edl": "edl", "aaf": "aaf", "otio": "otiofile"}  # format -> package


def writer_for(source: Source, output: Path):
    """The writer for ``output``'s format; only the input's own format (or .otio) is written surgically."""
    fmt = SUFFIXES.get(output.suffix.lower())
    if fmt is None:
        raise UsageError(f"unknown output format {output.suffix!r}; use the input's own ({source.path.suffix})", output)
    if fmt == "otio" and output.suffix.lower() != ".otio":
        raise UsageError("write .otio (bundles are not written)", output)
    if fmt != source.format and fmt != "otio":
        raise UsageError(
            f"writing {source.format} input as {fmt} is not supported; write the input's own format "
            f"({source.path.suffix}) or .otio", output)
    import importlib

    return importlib.import_module(f"{__package__}.{WRITER_MODULES[fmt]}.write").write


# writers that put a temp clip's fades on the clip as the format's automation (FCP7 Audio Levels keyframes,
# FCPXML adjust-volume fades, AAF audio dissolves to the filler, EDL dissolves from/to black)
AUTOMATION_FORMATS = ("fcp7_xml", "fcpxml", "aaf", "edl")


def writes_fades(output: Path) -> bool:
    """Whether the writer for ``output`` writes temp clips' fades as automation (so their media stay clean)."""
    return SUFFIXES.get(output.suffix.lower()) in AUTOMATION_FORMATS


def check_writer_options(output: Path, *, embed_media: bool = False) -> None:
    """Refuse a writer option that ``output``'s format does not have (call before rendering any media)."""
    if embed_media and SUFFIXES.get(output.suffix.lower()) != "aaf":
        raise UsageError("--embed-media is for AAF outputs", output)


def plan_for_temp_media(plan: Plan, settings: ApplySettings | None = None) -> Plan:
    """``plan`` as temp media are rendered for ``apply``: no temp for a cue playing the editor's own music (it gets
    no clip, see :func:`~.additions.plays_editors_music`), so no file is made for it."""
    from dataclasses import replace

    keep = {c.id for c in temp_cues(plan.cues, settings)}
    return replace(plan, cues=[c if c.id in keep or c.temp is None else replace(c, temp=None) for c in plan.cues])


def default_media_dir(output: Path) -> Path:
    return output.parent / f"{output.stem}_scoreplan_media"


def apply_plan(
    source: Source,
    plan: Plan,
    output: Path,
    *,
    input_index: int = 0,
    media_dir: Path | None = None,
    settings: ApplySettings | None = None,
    temp_media: dict[str, Path] | None = None,
    embed_media: bool = False,
    temp_automation: dict[str, tuple[int, int, int]] | None = None,
) -> ApplyResult:
    """Add ``plan``'s cues for input ``input_index`` to ``source`` and write it to ``output``.

    ``temp_media`` maps cue ids to rendered temp-music files (exactly the cue's length); the other cues
    play a silent placeholder and are marked unassigned. ``embed_media`` (AAF outputs only) puts the
    temp media's samples inside the file instead of linking it.
    """
    writer = writer_for(source, output)
    check_writer_options(output, embed_media=embed_media)
    check_output_path(output, source.path)  # before the media: a refused output leaves nothing behind
    media_dir = media_dir or default_media_dir(output)
    cues = [c for c in plan.cues if c.input == input_index]
    media: dict[str, tuple] = {}  # cue id -> (path, frames, source in, assigned[, fade in, fade out])
    with run():  # a failure takes back every file of the run: the output as it was, no new media
        rendered = temp_media or {}
        for c in temp_cues(cues, settings):  # each medium described as the file is (its length read from it)
            if c.id in rendered:
                head, fade_in, fade_out, *overlap = (temp_automation or {}).get(c.id, (0, 0, 0))  # a clean file's
                before, after, *ride = overlap or (0, 0)  # handle and fades; a segue's overlap before and after the
                # cue; the ride under its speech (keyframes from the clip's start); the fade-out's curve
                media[c.id] = (rendered[c.id], media_format(rendered[c.id]).frames(source.rate), head - before, True,
                               fade_in, fade_out, before, after, tuple(ride[0]) if ride else (),
                               ride[1] if len(ride) > 1 else "sine")
        unassigned = [c for c in temp_cues(cues, settings) if c.id not in media]  # (the editor's music: no clip)
        if unassigned:
            longest = max(c.duration_frames for c in unassigned) / source.rate
            silence, _ = silent_wav(media_dir, longest)
            frames = media_format(silence).frames(source.rate)
            for c in unassigned:
                media[c.id] = (silence, frames, 0, False)
        additions = build_additions(plan, input_index, plan.sequences[input_index], media, settings)
        options = {"embed_media": True} if embed_media else {}  # only the AAF writer takes it
        written = writer(source, additions, output, **options)
    result = ApplyResult(output=output, written=list(written), additions=additions, notes=list(additions.notes))
    describe = getattr(sys.modules.get(writer.__module__), "describe_written", None)
    if describe is not None:  # a writer module may say what its extra files are (the EDL's companion list)
        result.notes.extend(describe(list(written)))
    result.written.extend(sorted({m[0] for m in media.values()}))
    return result
