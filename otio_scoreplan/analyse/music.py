"""Music already in the cut: clips on music tracks, in music folders, or named like library music."""

from __future__ import annotations

import re

from ..model import AudioClip, MusicClip, TrackInfo

# Track names editors give music tracks, in several languages.
MUSIC_TRACK = re.compile(
    r"(?i)\b(?:mx|mus|music|musik|musikk|musique|musica|música|muziek|muzyka|score|temp\s*(?:mx|music|score)?|"
    r"song|songs|source|needle\s*drop)\b"
)
# Folder names where music lives.
MUSIC_FOLDER = re.compile(r"(?i)[/\\](?:music|musik|musikk|musique|musica|mx|score|temp[ _-]?(?:music|score)|songs|library music)[/\\]")
# Catalogue ids of production-music libraries: APM 'KPM_0123_04', Extreme 'XCD123_05', 'BR 0456 ...'.
CATALOGUE_ID = re.compile(r"(?i)^(?:apm|kpm|bruton|br|ext|xcd|uppm|audio\s*network|anw|amb|bbc|ipm|cezame|mxm)[ _-]?\d{2,5}[ _-]\d{1,3}")


def track_role(name: str) -> str:
    """'music' for music tracks, 'dialogue' for dialogue tracks, 'effects' for effects tracks."""
    n = name or ""
    if MUSIC_TRACK.search(n):
        return "music"
    if re.search(r"(?i)\b(?:dx|dia|dial|dialog|dialogue|dialogo|diálogo|dialog|tale|sync|vo|voice|interview|int)\b", n):
        return "dialogue"
    if re.search(r"(?i)\b(?:fx|sfx|effects|foley|amb|ambience|bg)\b", n):
        return "effects"
    return ""


def music_evidence(clip: AudioClip) -> str | None:
    """Why ``clip`` is music, or None."""
    if clip.ours:
        return None
    if track_role(clip.track_name) == "music":
        return f"on music track {clip.track} {clip.track_name!r}"
    if clip.role == "music":
        return "music role"
    if clip.source and MUSIC_FOLDER.search("/" + clip.source.replace("file://", "")):
        return f"media in a music folder ({clip.source})"
    if CATALOGUE_ID.search(clip.name or ""):
        return f"named by a music-library catalogue id ({clip.name})"
    return None


def find_music(clips: list[AudioClip]) -> list[MusicClip]:
    """Each music clip of the editor's, merged where the same source runs on over an edit."""
    out: list[MusicClip] = []
    for clip in clips:
        evidence = music_evidence(clip)
        if evidence is None:
            continue
        out.append(MusicClip(clip.start_frame, clip.end_frame, clip.name, clip.track, clip.source, evidence))
    out.sort(key=lambda m: (m.start_frame, m.track))
    return out


def track_roles(tracks: list[TrackInfo]) -> dict[str, str]:
    return {t.label: track_role(t.name) for t in tracks}
