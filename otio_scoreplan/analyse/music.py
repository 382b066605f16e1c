"""Music already in the cut, and the roles of audio (dialogue, music, effects) from names and folders.

Editors lay temp music themselves; where it is is the starting point of a spotting session. A clip
is the editor's music when (first match wins):

* the reader found a music role on it (FCPXML ``audioRole`` 'music', 'music.temp' ...);
* it sits on a track named for music ('MX', 'MX 1', 'MUSIC', 'Musik', 'Musikk', 'Musique', 'Música',
  'SCORE', 'TEMP MX', 'SONGS', 'Muziek', 'Muzyka', 'музыка', '音楽' ...) but not 'Music Video B-roll';
* its media sits in a music folder ('/Music/', '/03-Lyd/Musikk/', '/Temp Score/', a production-music
  library's folder) nearer to the file than any folder of footage;
* it is named by a production-music catalogue id ('KPM_0123_04_Title', 'BER_1250_89_Title_898428',
  'SCDV051608', 'AUXMP_RSM014012_TITLE', an ISRC whose first two letters are a country code an ISRC can
  carry: 'DVNA21002215AA' is production media, 'DV' being no country) and is not on a dialogue or effects track;
* it is a compressed music file ('.mp3', '.m4a', '.aac', '.ogg', '.opus', '.flac', '.wma'), or an audio file
  named for music ('Title Music.wav'), laid under at least :data:`MIN_CUTS_UNDER` picture cuts (the clips of
  one source together) and not the sound of any picture in the cut: a full-length 'Beverly.mp3' on A1/A2 of
  an Avid sequence is music; a sync clip's audio, cut with its shot, is not.

Names are weak evidence, a file's own path is strong: a picture file ('.mxf', '.mov', '.mp4' ... in its
path or URL) is never taken for music by its name or its clip's name (an MXF camera file named
'MDHP11001314AA' looks like an ISRC from Moldova). Its track, folder or role still count: editors lay the
sound of a music video on the music track. A music file is judged by its clip's name too when its media is
no picture the cut shows: Media Composer keeps an imported 'Beverly.mp3' as audio-only MXF media.

Words are matched as whole tokens, so 'MX' in 'MAXIMUM', 'REMIX' or 'SMX' and 'MIX' itself are not
music. Our own additions (``AudioClip.ours``) are never the editor's music. Clips of one source that
touch or overlap (a music edit, a stereo pair on two tracks) are reported as one.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Collection, Sequence
from functools import lru_cache
from urllib.parse import unquote

import opentimelineio as otio

from ..model import AudioClip, MusicClip
from .picture import media_source
from .walk import TimelineWalk, flattened

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
    # ISRC: CC-XXX-YY-NNNNN, CC a country code (checked against ISRC_COUNTRIES)
    re.compile(r"^(?P<id>(?P<country>[A-Z]{2})-?[A-Z0-9]{3}-?\d{2}-?\d{5})(?!\d)"),
]
# ISO 3166-1 alpha-2 (officially assigned), which ISRC's first element is drawn from (ISO 3901).
_ISO_3166_ALPHA2 = frozenset(
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY "
    "BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK "
    "FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR "
    "IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK "
    "ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF "
    "TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW".split()
)
# Codes ISRCs carry beyond ISO 3166-1: the UK's 'UK' beside 'GB'; the US agency's QM, QT, QZ; ZZ of the
# International ISRC Agency; CP and DG, reserved for ISRC use; codes of states that issued ISRCs before they
# were withdrawn from ISO 3166 (YU, CS) and Kosovo's XK: old recordings keep their codes.
ISRC_COUNTRIES = _ISO_3166_ALPHA2 | frozenset("UK QM QT QZ ZZ CP DG YU CS XK".split())
# Compressed music formats: a production's own sound is recorded to WAV/BWF or camera files, not to these.
_COMPRESSED_MUSIC = re.compile(r"(?i)\.(?:mp3|m4a|aac|ogg|oga|opus|flac|wma)$")
_AUDIO_FILE = re.compile(r"(?i)\.(?:wav|wave|bwf|aif|aiff)$")
# Avid's copy and subclip suffixes after a file name ('X.MP3.SUB.01', 'X.MP3.COPY.01').
_COPY_SUFFIX = re.compile(r"(?i)(?:\.(?:copy|new|sub)\.\d+)+$")
# A music file lies under at least this many picture cuts (a sync clip is cut with its shot).
MIN_CUTS_UNDER = 3
# Files of picture (camera files, exports): never named by a music catalogue id.
_PICTURE_FILE = re.compile(r"(?i)\.(?:mxf|mov|mp4|m4v|mts|m2ts|avi|mkv|r3d|braw|ari|dng|mpg|mpeg|dv|wmv|webm)\b")
# Prefixes of camera, recorder and slate names that the catalogue patterns would otherwise take.
_NOT_LABELS = frozenset(
    "SC SCN SH SHOT TK TAKE CLIP CAM IMG DSC MVI REC TRACK AUDIO ZOOM DJI GOPR GH VID MOV TC REEL ROLL "
    "FILE SND SOUND BOOM LAV DX FX SFX VO ADR".split()
)


def tokens(text: str) -> list[str]:
    """Lower-case word and number tokens of a name, accents folded ('MX1' -> ['mx', '1'], 'MÚSICA' -> ['musica'])."""
    return list(_tokens(text or ""))


@lru_cache(maxsize=65536)  # a cut's clip, media and track names repeat; several readers ask for each
def _tokens(text: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return tuple(re.findall(r"[^\W\d_]+|\d+", unicodedata.normalize("NFC", text).lower()))


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
        """:func:`name_role` of ``text`` (each text worked out once)."""
        found = self._names.get(text)
        if found is None:
            found = self._names[text] = name_role(text)
        return found


def catalogue_id(name: str) -> str | None:
    """The production-music catalogue id a clip or file is named by, else None (an ISRC needs a country code
    an ISRC can carry, :data:`ISRC_COUNTRIES`)."""
    base = (name or "").strip()
    for pattern in _CATALOGUE:
        m = pattern.match(base)
        if m is None:
            continue
        groups = m.groupdict()
        label = groups.get("label") or groups.get("country")
        if label in _NOT_LABELS or groups.get("country", "ZZ") not in ISRC_COUNTRIES:
            continue
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
    file_name = file_name_of(clip.source)
    if _PICTURE_FILE.search(file_name):
        return None  # 'DVNA21002215AA' on a '.mxf' is a camera file, whatever its clip is named
    for text in (clip.name, file_name):
        if _PICTURE_FILE.search(text):
            continue  # 'KOIF40000007AA.mxf' is a camera file, whatever its letters
        cid = catalogue_id(text)
        if cid:
            return f"named by a music-library catalogue id {cid!r}"
    return None


def file_name_of(source: str) -> str:
    """The file name of a media path or URL ('file:///Vol/Music/Beverly%20Hills.mp3' -> 'Beverly Hills.mp3')."""
    return unquote(source or "").replace("\\", "/").rsplit("/", 1)[-1]


def music_file(clip: AudioClip) -> str | None:
    """The name of ``clip``'s media when it is a music file: a compressed music format ('Beverly.mp3', an Avid
    subclip 'BEVERLY.MP3.SUB.01') or an audio file named for music ('Main Theme Music.wav'); else None.

    Only half the evidence: :func:`find_music` asks too that the file lie under picture cuts and be no
    picture's own sound. A picture file ('.mp4' ...) or a name saying video or interview is no music file."""
    if clip.ours or clip.role in ("dialogue", "effects"):
        return None
    for text in (file_name_of(clip.source), clip.name):
        name = _COPY_SUFFIX.sub("", text.strip())
        if not name or _PICTURE_FILE.search(name):
            continue
        toks = tokens(name)
        if set(toks) & NOT_MUSIC_WORDS or "video" in name.lower():
            continue
        if _COMPRESSED_MUSIC.search(name) or (_AUDIO_FILE.search(name) and _tokens_role(toks) == "music"):
            return name
    return None


def find_music(clips: list[AudioClip], music_list: str = "", roles: RoleCache | None = None,
               cuts: Sequence[int] = (), picture_sources: Collection[str] = ()) -> list[MusicClip]:
    """Each music clip of the editor's, one per run of a source across edits and tracks.

    ``music_list``: the sequence's name when it is an audio-only list named for music
    (see :func:`otio_scoreplan.analyse.tracks.music_list_name`); ``roles``: the run's memo of folder
    and name roles, shared with :func:`otio_scoreplan.analyse.tracks.audio_clips`; ``cuts``: the picture's
    cuts (frames, sorted) and ``picture_sources``: the media the picture shows (both from
    :func:`picture_layout`), for music files laid under the picture (:func:`music_file`).
    """
    roles = roles if roles is not None else RoleCache()
    found: list[MusicClip] = []
    files: dict[tuple[str, str], list[AudioClip]] = {}
    for clip in clips:
        evidence = music_evidence(clip, music_list, roles)
        if evidence is not None:
            found.append(MusicClip(clip.start_frame, clip.end_frame, clip.name, clip.track, clip.source, evidence,
                                   clip.fade_in_frames, clip.fade_out_frames))
        elif cuts and clip.source not in picture_sources and (name := music_file(clip)) is not None:
            files.setdefault((clip.source, name), []).append(clip)
    for (_, name), runs in files.items():
        under = _cuts_under(runs, cuts)
        if under >= MIN_CUTS_UNDER:
            found += [MusicClip(c.start_frame, c.end_frame, c.name, c.track, c.source,
                                f"a music file {name!r} laid under {under} picture cuts", c.fade_in_frames,
                                c.fade_out_frames) for c in runs]
    return merge_music(found)


def picture_layout(walk: TimelineWalk) -> tuple[list[int], set[str]]:
    """The picture's edit points on every enabled video track (clips' heads and tails, nested ones' too, so a
    flattened export laid over the edit hides none) and the media the picture shows: what :func:`find_music`
    lays music files against."""
    edits: set[int] = set()
    sources: set[str] = set()
    for top in walk.tracks:
        if top.placed.kind != otio.schema.TrackKind.Video or not top.placed.enabled:
            continue
        for placed in flattened(top.placed.items):
            if isinstance(placed.item, otio.schema.Clip) and getattr(placed.item, "enabled", True):
                edits.update((placed.start, placed.end))
                source = media_source(placed.item, placed.snap)
                if source:
                    sources.add(source)
    return sorted(edits), sources


def _cuts_under(clips: list[AudioClip], cuts: Sequence[int]) -> int:
    """How many picture cuts fall inside the clips (the cuts at their own edges left out)."""
    inside: set[int] = set()
    for c in clips:
        lo, hi = bisect.bisect_right(cuts, c.start_frame), bisect.bisect_left(cuts, c.end_frame)
        inside.update(cuts[lo:hi])
    return len(inside)


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
                # the run fades in as its first clip does (the longer fade of a stereo pair) and out as its last
                fade_in = max(current.fade_in_frames, m.fade_in_frames) if m.start_frame == current.start_frame \
                    else current.fade_in_frames
                fade_out = (current.fade_out_frames if current.end_frame > m.end_frame else m.fade_out_frames
                            if m.end_frame > current.end_frame else max(current.fade_out_frames, m.fade_out_frames))
                current = MusicClip(current.start_frame, max(current.end_frame, m.end_frame), current.name,
                                    current.track, current.source, current.evidence, fade_in, fade_out)
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
    return MusicClip(m.start_frame, m.end_frame, m.name, ", ".join(labels), m.source, evidence, m.fade_in_frames,
                     m.fade_out_frames)
