"""Music already in the cut, and the roles of audio (dialogue, music, effects) from names and folders.

Editors lay temp music themselves; where it is is the starting point of a spotting session. A clip
is the editor's music when (first match wins):

* the reader found a music role on it (FCPXML ``audioRole`` 'music', 'music.temp' ...);
* it sits on a track named for music ('MX', 'MX 1', 'MUSIC', 'Musik', 'Musikk', 'Musique', 'Música',
  'SCORE', 'TEMP MX', 'SONGS', 'Muziek', 'Muzyka', 'музыка', '音楽' ...) but not 'Music Video B-roll';
* its media sits in a music folder ('/Music/', '/03-Lyd/Musikk/', '/Temp Score/', a production-music
  library's folder) nearer to the file than any folder of footage;
* it is named by a production-music catalogue id ('KPM_0123_04_Title', 'BER_1250_89_Title_898428',
  'SCDV051608', 'AUXMP_RSM014012_TITLE', an ISRC) and is not on a dialogue or effects track.

Words are matched as whole tokens, so 'MX' in 'MAXIMUM', 'REMIX' or 'SMX' and 'MIX' itself are not
music. Our own additions (``AudioClip.ours``) are never the editor's music. Clips of one source that
touch or overlap (a music edit, a stereo pair on two tracks) are reported as one.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from ..model import AudioClip, MusicClip, TrackInfo

MUSIC_WORDS = frozenset(
    "mx mus music musics musik musikk musiikki musique musiques musica musicas musiche muziek muzyka muzika "
    "hudba zene zenek score scores song songs soundtrack needledrop temptrack "
    "музыка музика 音楽 音乐 음악".split()
)
DIALOGUE_WORDS = frozenset(
    "dx dia dial dialog dialogs dialogue dialogues dialogo dialogos vo vos voiceover voice voices voicer narration "
    "narr narrator adr boom lav lavs sync speak speaker interview interviews tale tal stimme sprecher kommentar "
    "commentary".split()
)
EFFECTS_WORDS = frozenset(
    "fx sfx efx effects effect foley amb ambs ambience ambiences ambiance atmos atmo atmosphere atmosfaere atmosfære bg bgs "
    "woosh whoosh swoosh swooshes bruitage bruitages efectos efeitos effetti geräusche gerausche".split()
)
# Names that say the audio belongs to pictures, not music ('Music Video B-roll', 'Musician interview').
NOT_MUSIC_WORDS = frozenset("video videos broll roll footage rushes interview interviews".split())
# Folders that hold footage: a music word further up the path (a project called 'Music Doc') says nothing.
FOOTAGE_WORDS = frozenset("video videos footage rushes dailies camera cameras dcim xdroot clips clip contents".split())
# Production-music libraries named in folder names.
LIBRARY_WORDS = frozenset("auxmp apm kpm upm sonoton epidemic artlist musicbed premiumbeat audiojungle audionetwork".split())
LIBRARY_PHRASES = (("aux", "mp"), ("audio", "network"), ("extreme", "music"), ("universal", "production"),
                   ("killer", "tracks"), ("west", "one"), ("de", "wolfe"), ("production", "music"), ("library", "music"))

# Catalogue ids of production-music libraries.
_CATALOGUE = [
    # Label_Album_Track_Title (Universal, KPM, Extreme ...): 'BER_1250_89_Stress', 'XCD123_05_Title'
    re.compile(r"^(?P<id>(?P<label>[A-Z]{2,6})_?\d{1,4}_\d{1,3})_[A-Za-z]"),
    # Label + 6-digit number (Sonoton, Auxmp ...): 'SCDV051608', 'AUXMP_RSM014012_TITLE', 'NONRT023272CD0017'
    re.compile(r"^(?P<id>(?:AUXMP_)?(?P<label>[A-Z]{3,5})\d{6})(?!\d)"),
    # ISRC: CC-XXX-YY-NNNNN
    re.compile(r"^(?P<id>(?P<label>[A-Z]{2})-?[A-Z0-9]{3}-?\d{2}-?\d{5})(?!\d)"),
]
# Files of picture (camera files, exports): never named by a music catalogue id.
_PICTURE_FILE = re.compile(r"(?i)\.(?:mxf|mov|mp4|m4v|mts|m2ts|avi|mkv|r3d|braw|ari|dng|mpg|mpeg|dv|wmv|webm)\b")
# Prefixes of camera, recorder and slate names that the catalogue patterns would otherwise take.
_NOT_LABELS = frozenset(
    "SC SCN SH SHOT TK TAKE CLIP CAM IMG DSC MVI REC TRACK AUDIO ZOOM DJI GOPR GH VID MOV TC REEL ROLL "
    "FILE SND SOUND BOOM LAV DX FX SFX VO ADR".split()
)


def tokens(text: str) -> list[str]:
    """Lower-case word and number tokens of a name, accents folded ('MX1' -> ['mx', '1'], 'MÚSICA' -> ['musica'])."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.findall(r"[^\W\d_]+|\d+", unicodedata.normalize("NFC", text).lower())


def _has_phrase(toks: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(toks[i : i + len(p)] == list(p) for p in phrases for i in range(len(toks) - len(p) + 1))


def name_role(name: str) -> str:
    """The role a track, role or folder name states: 'music', 'dialogue', 'effects' or ''."""
    return _tokens_role(tokens(name))


def _tokens_role(toks: list[str]) -> str:
    """:func:`name_role` of a name already split by :func:`tokens`."""
    words = set(toks)
    if words & MUSIC_WORDS and not words & NOT_MUSIC_WORDS:
        return "music"
    if words & DIALOGUE_WORDS:
        return "dialogue"
    if words & EFFECTS_WORDS or any("ffekt" in t for t in toks):
        return "effects"
    return ""


def track_role(name: str) -> str:
    """'music', 'dialogue' or 'effects' for tracks named for them, else ''."""
    return name_role(name)


def role_of(read_role: str) -> str:
    """A reader's role ('music', 'Music.Temp', 'dialogue.dialogue-1', 'Temp MX') as ours."""
    text = (read_role or "").strip()
    if not text:
        return ""
    head = text.split(".")[0].strip().lower()
    if head in ("music", "dialogue", "effects"):
        return head
    return name_role(text)


def _folders(source: str) -> list[str]:
    path = unquote(source or "")
    for prefix in ("file://localhost", "file://"):
        if path.startswith(prefix):
            path = path[len(prefix) :]
    parts = [p for p in re.split(r"[/\\]", path) if p]
    return parts[:-1]  # the file name itself is not a folder


def _folder_verdict(folder: str) -> tuple[str, str] | None:
    """What one folder name says: (role, folder) when it tells a role, ('', '') for footage, None for nothing."""
    toks = tokens(folder)
    words = set(toks)
    if words & LIBRARY_WORDS or _has_phrase(toks, LIBRARY_PHRASES):
        return "music", folder
    role = _tokens_role(toks)
    if role:
        return role, folder
    if words & FOOTAGE_WORDS:
        return "", ""
    return None


def folder_role(source: str) -> tuple[str, str]:
    """The role the nearest telling folder of a media path states, and that folder's name."""
    for folder in reversed(_folders(source)):
        verdict = _folder_verdict(folder)
        if verdict is not None:
            return verdict
    return "", ""


class RoleCache:
    """One analysis run's memo of :func:`folder_role` per media path and :func:`name_role` per name.

    A feature's clips share a few thousand media paths, dozens of folders and a handful of track
    names; judging each once instead of once per clip and per consumer (audio clips, then music)
    takes the tokenising out of the per-clip cost. Same answers as the plain functions.
    """

    def __init__(self) -> None:
        self._sources: dict[str, tuple[str, str]] = {}
        self._folders: dict[str, tuple[str, str] | None] = {}
        self._names: dict[str, str] = {}

    def folder(self, source: str) -> tuple[str, str]:
        """:func:`folder_role` of ``source``."""
        found = self._sources.get(source)
        if found is None:
            found = ("", "")
            for folder in reversed(_folders(source)):
                if folder not in self._folders:
                    self._folders[folder] = _folder_verdict(folder)
                verdict = self._folders[folder]
                if verdict is not None:
                    found = verdict
                    break
            self._sources[source] = found
        return found

    def name(self, text: str) -> str:
        """:func:`name_role` (the same as :func:`track_role`) of ``text``."""
        found = self._names.get(text)
        if found is None:
            found = self._names[text] = name_role(text)
        return found


def catalogue_id(name: str) -> str | None:
    """The production-music catalogue id a clip or file is named by, else None."""
    base = (name or "").strip()
    for pattern in _CATALOGUE:
        m = pattern.match(base)
        if m and m.group("label") not in _NOT_LABELS:
            return m.group("id")
    return None


def music_evidence(clip: AudioClip, music_list: str = "", roles: RoleCache | None = None) -> str | None:
    """Why ``clip`` is the editor's music, or None.

    ``clip.role`` is the role the reader found on the clip (FCPXML roles) or else its track's role;
    ``music_list`` names the sequence when it is an audio-only list named for music (a music EDL);
    ``roles``: the run's memo of folder and name roles (see :class:`RoleCache`).
    """
    if clip.ours:
        return None
    roles = roles if roles is not None else RoleCache()
    on_track = roles.name(clip.track_name)
    if on_track == "music":
        return f"on music track {clip.track} {clip.track_name!r}"
    role, folder = roles.folder(clip.source)
    if role == "music":
        return f"media in a music folder {folder!r}"
    if music_list:
        return f"in the audio-only music list {music_list!r}"
    if clip.role == "music":
        return "music role"
    if clip.role in ("dialogue", "effects") or on_track in ("dialogue", "effects"):
        return None
    file_name = unquote(clip.source).replace("\\", "/").rsplit("/", 1)[-1]
    for text in (clip.name, file_name):
        if _PICTURE_FILE.search(text):
            continue  # 'KOIF40000007AA.mxf' is a camera file, whatever its letters
        cid = catalogue_id(text)
        if cid:
            return f"named by a music-library catalogue id {cid!r}"
    return None


def find_music(clips: list[AudioClip], music_list: str = "", roles: RoleCache | None = None) -> list[MusicClip]:
    """Each music clip of the editor's, one per run of a source across edits and tracks.

    ``music_list``: the sequence's name when it is an audio-only list named for music
    (see :func:`otio_scoreplan.analyse.tracks.music_list_name`); ``roles``: the run's memo of folder
    and name roles, shared with :func:`otio_scoreplan.analyse.tracks.audio_clips`.
    """
    roles = roles if roles is not None else RoleCache()
    found: list[MusicClip] = []
    for clip in clips:
        evidence = music_evidence(clip, music_list, roles)
        if evidence is not None:
            found.append(MusicClip(clip.start_frame, clip.end_frame, clip.name, clip.track, clip.source, evidence))
    return merge_music(found)


def merge_music(found: list[MusicClip]) -> list[MusicClip]:
    """Clips of the same source that touch or overlap become one (a music edit, a stereo pair)."""
    by_source: dict[tuple[str, str], list[MusicClip]] = {}
    for m in sorted(found, key=lambda m: (m.start_frame, m.end_frame, m.track)):
        by_source.setdefault((m.source, _base_name(m.name)), []).append(m)
    out: list[MusicClip] = []
    for runs in by_source.values():
        current, tracks, count = runs[0], [runs[0].track], 1
        for m in runs[1:]:
            if m.start_frame <= current.end_frame:
                current = MusicClip(current.start_frame, max(current.end_frame, m.end_frame), current.name,
                                    current.track, current.source, current.evidence)
                tracks.append(m.track)
                count += 1
                continue
            out.append(_merged(current, tracks, count))
            current, tracks, count = m, [m.track], 1
        out.append(_merged(current, tracks, count))
    out.sort(key=lambda m: (m.start_frame, m.track))
    return out


def _base_name(name: str) -> str:
    """A clip name without Avid's copy/subclip suffixes and the file extension: the same source's name.

    Needed because an EDL's source is its reel, cut to 8 characters ('BENJAMIN' for every
    'BENJAMINDAVIS_...' file), so the source alone does not tell two songs apart.
    """
    base = re.sub(r"(?i)(?:\.(?:copy|new|sub)\.\d+)+$", "", (name or "").strip())
    return re.sub(r"\.[A-Za-z0-9]{2,4}$", "", base).strip().lower()


def _merged(m: MusicClip, tracks: list[str], count: int) -> MusicClip:
    if count == 1:
        return m
    labels = sorted(set(tracks), key=lambda t: (t[:1], int(t[1:]) if t[1:].isdigit() else 0))
    evidence = f"{m.evidence}; {count} clips of the same source joined"
    return MusicClip(m.start_frame, m.end_frame, m.name, ", ".join(labels), m.source, evidence)


def track_roles(tracks: list[TrackInfo]) -> dict[str, str]:
    """Track label -> role, for the tracks with one."""
    return {t.label: t.role for t in tracks if t.role}
