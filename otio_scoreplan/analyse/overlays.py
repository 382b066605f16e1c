"""Titles, supers and graphics on the video tracks: what :func:`.picture.find_shots` leaves out.

The shots keep the topmost *picture* at each frame, so a title or a super laid over picture is not a shot (a lower
third is no cut). The overlays are kept here, each with a kind read from the item alone (the media is offline):

- ``lower_third``: a super, caption or name strap (``super V nede``, ``Supermal Høst 2013``, a render from a
  ``09-Super`` folder, ``Super_Liten_Hvit_Nede_Venstre.motn``): names over an interview, no cue for music;
- ``title``: a text generator (Premiere's titles are ``Slug`` generators with their own name), or an item named for
  a title or credits (``Main Titles v3``, ``Rulletekst``, ``NRK_sluttplakat``);
- ``graphic``: a still (``.png``, ``.jpg`` ...), an After Effects or Motion render, media from a graphics folder
  (``04-Grafikk``, ``Graphics``) or named a graphic;
- ``overlay``: any other generator laid over picture (a matte, a shape).

Plain footage on an upper track (a cutaway on V2) is picture, not an overlay; black slug is neither.
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from urllib.parse import unquote

import opentimelineio as otio

from ..model import Overlay
from .music import tokens
from .picture import _Span, _track_spans, media_source
from .walk import TimelineWalk

_LOWER_THIRD_WORDS = frozenset({
    "super", "supers", "supermal", "superer", "lower", "lowerthird", "caption", "captions", "byline", "chyron",
    "namesuper", "navnesuper", "strap", "nametag", "astons",
})
_LOWER_THIRD_PHRASES = (("lower", "third"), ("lower", "thirds"), ("lower", "3rd"), ("name", "strap"))
_TITLE_WORDS = frozenset({
    "title", "titles", "tittel", "titler", "credits", "credit", "rulletekst", "rulletext", "sluttplakat", "plakat",
    "endcard", "endslate", "crawl", "rolltitle", "text", "tekst",
})
_GRAPHIC_WORDS = frozenset({"grafikk", "grafik", "graphic", "graphics", "gfx", "grafisk", "animation", "logo"})
_MATTE_WORDS = frozenset({"matte", "color", "colour", "transparent", "gradient", "shape", "noise", "vignette", "solid"})
_BARS_WORDS = frozenset({"bars", "smpte", "tone"})
STILL_EXTENSIONS = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".psd", ".tga", ".bmp", ".gif", ".ai", ".svg", ".pict")
_GRAPHIC_EXTENSIONS = (".aep", ".motn", ".moti", ".motr", ".prtl", ".aegraphic", ".mogrt")


def _words(*texts: str) -> list[str]:
    return [t for text in texts for t in tokens(text)]


def _has(words: list[str], vocab: frozenset[str], phrases: tuple[tuple[str, ...], ...] = ()) -> bool:
    return any(w in vocab for w in words) or any(
        words[i:i + len(p)] == list(p) for p in phrases for i in range(len(words) - len(p) + 1))


@lru_cache(maxsize=8192)  # clips of one media share their name and path: classified once
def overlay_kind(span_kind: str, name: str, generator: str, source: str) -> str | None:
    """'lower_third', 'title', 'graphic', 'overlay' or None (picture, black, a nest) for one video item.

    ``span_kind``: :func:`.picture.shot_kind` of the item; ``generator``: its generator kind and name;
    ``source``: its media path or reel.
    """
    if span_kind not in ("clip", "generator"):
        return None
    path = unquote(source or "")
    if span_kind == "clip" and _plain(f"{name} {path}"):
        return None  # footage: no word of any kind in its name or path (checked without tokenising, for speed)
    folder, _, file = path.replace("\\", "/").rpartition("/")
    named = _words(name, generator, file)
    if _has(named + _words(folder), _LOWER_THIRD_WORDS, _LOWER_THIRD_PHRASES):
        return "lower_third"
    if _has(named, _TITLE_WORDS):
        return "title"
    lowered = path.lower()
    if (lowered.endswith(STILL_EXTENSIONS) or lowered.endswith(_GRAPHIC_EXTENSIONS) or _has(named, _GRAPHIC_WORDS)
            or _has(_words(folder), _GRAPHIC_WORDS)):
        return "graphic"
    if span_kind == "generator":
        if _has(named, _BARS_WORDS):
            return None  # bars and tone: a leader, not a title
        if _has(named, _MATTE_WORDS):
            return "overlay"
        return "title"  # a text generator: Premiere's titles are 'Slug' generators named by their editor
    return None


_ALL_WORDS = tuple(sorted(_LOWER_THIRD_WORDS | _TITLE_WORDS | _GRAPHIC_WORDS | {w for p in _LOWER_THIRD_PHRASES for w in p}))


def _plain(text: str) -> bool:
    """True when ``text`` (ASCII) holds none of the words as a substring nor a still's or graphic's extension: then no
    token can match either. Non-ASCII text is left to the tokens (accents fold)."""
    if not text.isascii():
        return False
    low = text.lower()
    return not low.endswith(STILL_EXTENSIONS + _GRAPHIC_EXTENSIONS) and not any(w in low for w in _ALL_WORDS)


def _below(layers: list[list[_Span]], starts: list[list[int]], upto: int, frame: int) -> bool:
    """True when a layer under ``upto`` shows an item that is not an overlay at ``frame``."""
    for spans, st in zip(layers[:upto], starts[:upto]):
        i = bisect.bisect_right(st, frame) - 1
        if i >= 0 and spans[i].start <= frame < spans[i].end and not spans[i].overlay:
            return True
    return False


def find_overlays(walk: TimelineWalk, duration: int) -> list[Overlay]:
    """Every title, super and graphic on the enabled video tracks inside ``[0, duration)``, in film order."""
    layers = [_track_spans(top.placed) for top in walk.tracks
              if top.track.kind == otio.schema.TrackKind.Video and getattr(top.track, "enabled", True)]
    starts = [[s.start for s in spans] for spans in layers]
    out: list[Overlay] = []
    for depth, spans in enumerate(layers):
        for span in spans:
            start, end = max(0, span.start), min(duration, span.end)
            if end <= start:
                continue
            item = span.item
            ref = getattr(item, "media_reference", None)
            generator = ""
            if isinstance(ref, otio.schema.GeneratorReference):
                generator = f"{ref.generator_kind or ''} {ref.name or ''}"
            source = media_source(item, span.snap)
            kind = overlay_kind(span.kind, item.name or "", generator, "" if generator else source)
            if kind is None:
                continue
            out.append(Overlay(start, end, item.name or "", kind, span.track, source,
                               _below(layers, starts, depth, start)))
    return sorted(out, key=lambda o: (o.start_frame, o.end_frame, o.track))
