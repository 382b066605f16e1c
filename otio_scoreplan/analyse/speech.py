"""Speech in the cut, read from its layout when nothing is named: sync (words spoken on camera) and voice-over.

The media is offline, so what is heard is read the way an editor lays it out:

* **voice-over**: clips on a track or with a name that says so ('Speak', 'VO', 'Voice Over 6.aif',
  'Kommentar', 'Kom mono', 'Narration');
* **sync**: audio that shares media with the picture above it (the same file or clip name as the shot on
  top at that moment), audio whose media is a picture file (camera sound: '.MXF', '.mov'), a track named
  'sync'/'synk', or the dialogue of a list with no picture (an Avid DX list: production sound and ADR on
  A1-A3, the dialogue role from the list's name). Clips of one source that follow each other (an interview cut in several pieces, a stereo
  pair) are one run.

A long run of sync is someone talking on camera (an interview, a scene); short runs are the natural sound of
b-roll. Music editors leave room for the first and run beds under voice-over and b-roll.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..model import AudioClip, Shot
from .music import tokens

VO_WORDS = frozenset({"vo", "vos", "voice", "voiceover", "voices", "speak", "speaker", "kommentar", "kom", "komm",
                      "commentary", "narration", "narr", "narrator", "sprecher"})
SYNC_WORDS = frozenset({"sync", "synk", "synch", "interview", "intervju"})
_LIST_EVIDENCE = "dialogue of an audio-only list"
_PICTURE_MEDIA = re.compile(r"(?i)\.(?:mxf|mov|mp4|m4v|mts|m2ts|avi|mkv|dv|mpg|mpeg)\b")


@dataclass(frozen=True)
class SpeechRun:
    """A stretch of one speech source in record frames, end exclusive."""

    start_frame: int
    end_frame: int
    kind: str  # "sync" | "vo"
    name: str
    evidence: str

    @property
    def length(self) -> int:
        return self.end_frame - self.start_frame


def media_key(name: str, source: str) -> str:
    """The media a clip plays, as a short key: the file's stem ('ua4-171215-k1r-101'), else the clip name's."""
    base = (source or "").replace("\\", "/").rsplit("/", 1)[-1] or (name or "")
    return re.split(r"[.\s]", base.strip(), maxsplit=1)[0].lower()


def _shot_finder(shots: list[Shot]):
    starts = [s.start_frame for s in shots]

    def at(frame: int) -> Shot | None:
        i = bisect.bisect_right(starts, frame) - 1
        return shots[i] if i >= 0 and shots[i].end_frame > frame else None

    return at


def _speech_kind(clip: AudioClip, shot_at, picture: bool = True) -> tuple[str, str]:
    """('vo' | 'sync' | '', evidence) of one audio clip; ``picture``: the cut shows any."""
    words = set(tokens(clip.track_name)) | set(tokens(clip.name))
    if words & VO_WORDS:
        return "vo", f"voice-over by its name ({clip.track} {clip.track_name or clip.name!r})"
    if clip.role in ("music", "effects") or clip.ours:
        return "", ""
    if not picture and clip.role == "dialogue":
        return "sync", f"{_LIST_EVIDENCE} ({clip.track} {clip.name!r})"
    key = media_key(clip.name, clip.source)
    shot = shot_at((clip.start_frame + clip.end_frame) // 2)
    if key and shot is not None and shot.kind in ("clip", "nested") and (
        key == media_key(shot.name, shot.source) or (shot.name or "").lower().startswith(key)
    ):
        return "sync", f"shares media with the picture above ({clip.track} {clip.name!r})"
    if _PICTURE_MEDIA.search(clip.source or clip.name):
        return "sync", f"camera sound ({clip.track} {clip.name!r})"
    if words & SYNC_WORDS:
        return "sync", f"on a sync track ({clip.track} {clip.track_name!r})"
    return "", ""


def find_speech(clips: list[AudioClip], shots: list[Shot], rate: float) -> list[SpeechRun]:
    """Runs of sync and of voice-over, in film order (clips of one source less than half a second apart join)."""
    shot_at = _shot_finder(shots)
    picture = any(s.kind not in ("gap", "slug") for s in shots)
    join = int(round(rate / 2))
    found: list[tuple[int, int, str, str, str, str]] = []
    for c in clips:
        if c.end_frame <= c.start_frame:
            continue
        kind, evidence = _speech_kind(c, shot_at, picture)
        if kind:
            # a dialogue list's lines run on from one sound roll to the next: one scene's talk, whatever its source
            key = "" if evidence.startswith(_LIST_EVIDENCE) else media_key(c.name, c.source)
            found.append((c.start_frame, c.end_frame, kind, key, c.name, evidence))
    found.sort()
    runs: list[list] = []
    open_by_key: dict[tuple[str, str], list] = {}
    for s, e, kind, key, name, evidence in found:
        run = open_by_key.get((kind, key))
        if run is not None and s <= run[1] + join:
            run[1] = max(run[1], e)
            continue
        run = [s, e, kind, name, evidence]
        open_by_key[(kind, key)] = run
        runs.append(run)
    return sorted((SpeechRun(*r) for r in runs), key=lambda r: (r.start_frame, r.end_frame))


def natural_sound_only(runs: list[SpeechRun], clips: list[AudioClip]) -> bool:
    """True when nothing in the cut is speech by its name: no voice-over, no track or clip named for sync or
    dialogue, and the sync found is only the picture's own sound (a wordless documentary item, a nature film).

    Its long takes are then natural sound (insects, a workshop, a street), not someone talking on camera:
    music runs under them. A cut that names its speech anywhere is read by those names instead.
    """
    if not any(r.kind == "sync" for r in runs) or any(r.kind == "vo" for r in runs):
        return False
    return not any(not c.ours and (c.role == "dialogue" or (set(tokens(c.track_name)) | set(tokens(c.name))) & SYNC_WORDS)
                   for c in clips)


def talk_blocks(runs: list[SpeechRun], min_frames: int) -> list[SpeechRun]:
    """Sync runs of at least ``min_frames``: someone talking on camera; overlapping ones joined."""
    out: list[SpeechRun] = []
    for r in runs:
        if r.kind != "sync" or r.length < min_frames:
            continue
        if out and r.start_frame <= out[-1].end_frame:
            last = out[-1]
            out[-1] = SpeechRun(last.start_frame, max(last.end_frame, r.end_frame), "sync", last.name, last.evidence)
        else:
            out.append(r)
    return out
