"""The editor vocabulary: how real editors type music directions, parsed with the shipped rules."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from otio_scoreplan.model import Annotation
from otio_scoreplan.plan.rules import default_rules, merge_rules
from otio_scoreplan.plan.vocabulary import parse_annotation, parse_text


@dataclass(frozen=True)
class Said:
    id: str
    text: str
    action: str = ""
    moods: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    hits: tuple[str, ...] = ()
    cue_id: str = ""
    source: bool = False
    entry: str = ""
    exit: str = ""
    prelap: int | None = None
    tail: int | None = None


CASES = [
    Said("music-in", "MUSIC IN", action="in"),
    Said("mx-in", "MX IN", action="in"),
    Said("m-dot-in", "M.IN", action="in"),
    Said("mus-out-lower", "mus out", action="out"),
    Said("mx-hyphen-out", "Mx-Out", action="out"),
    Said("in-with-mood", "Music in - tension", action="in", moods=("tension",)),
    Said("in-with-two-moods", "mus in - tense/sad", action="in", moods=("tension", "sad")),
    Said("hashtag", "#tense", moods=("tension",)),
    Said("hashtag-unknown-kept", "#gritty", moods=("gritty",)),
    Said("mood-prefix", "mood: romantic", moods=("romantic",)),
    Said("mood-prefix-unknown", "Mood - bittersweet", moods=("bittersweet",)),
    Said("theme", "THEME: Anna", themes=("Anna",)),
    Said("theme-two-words", "theme: The Sea", themes=("The Sea",)),
    Said("hit-colon", "hit: gunshot", hits=("gunshot",)),
    Said("hit-dash", "HIT - door slam", hits=("door slam",)),
    Said("cue-id", "2M3", cue_id="2M3"),
    Said("cue-id-source", "1M4S", cue_id="1M4S"),
    Said("cue-id-in-prelap", "2M3 music in prelap 12", action="in", cue_id="2M3", entry="prelap", prelap=12),
    Said("prelap-seconds", "MUSIC IN prelap 2s", action="in", entry="prelap", prelap=48),
    Said("m-colon-range", "M: big theme", action="range"),
    Said("cue-colon-source", "cue: source radio", action="range", source=True),
    Said("range-word", "MX", action="range"),
    Said("tail-seconds", "Music out tail 3s", action="out", exit="tail_out", tail=72),
    Said("fade-out", "music out - fade", action="out", exit="fade_out"),
    Said("fade-in", "Music in fade", action="in", entry="fade_in"),
    Said("no-music", "NO MUSIC", action="no_music"),
    Said("no-mx", "no mx - let the room breathe", action="no_music"),
    Said("two-clauses", "MUSIC IN - tension, THEME: Anna", action="in", moods=("tension",), themes=("Anna",)),
    Said("mood-list-runs-on", "Music in - tense, sad", action="in", moods=("tension", "sad")),
    Said("mood-prefix-list", "mood: warm, Bittersweet", moods=("hopeful", "bittersweet")),
    Said("direction-then-theme", "MX IN theme: Anna", action="in", themes=("Anna",)),
    Said("no-music-no-moods", "NO MUSIC - tense room", action="no_music"),
    # Not music: words that only look like it.
    Said("m-space-number", "M 5"),
    Said("musical", "musical chairs"),
    Said("default-marker", "Marker 5"),
    Said("length-not-id", "1m50 høy"),
    Said("interview", "printet 1 km"),
    Said("hash-number", "Marker #3"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_vocabulary(case: Said) -> None:
    d = parse_text(case.text, default_rules(), 24.0)
    got = (d.action, d.moods, d.themes, d.hits, d.cue_id, d.source, d.entry, d.exit, d.prelap_frames, d.tail_frames)
    want = (case.action, case.moods, case.themes, case.hits, case.cue_id, case.source, case.entry, case.exit, case.prelap, case.tail)
    assert got == want
    assert d.says_music == bool(case.action or case.moods or case.themes or case.hits or case.cue_id)


def test_comment_and_colour_count() -> None:
    rules = merge_rules(default_rules(), {"colors": {"music": ["Yellow"], "mood": {"blue": "sad"}}})
    plain = Annotation(frame=10, duration_frames=0, name="Anna walks", comment="", color="yellow")
    assert parse_annotation(plain, rules, 24).music
    assert not parse_annotation(plain, default_rules(), 24).says_music
    blue = Annotation(frame=10, duration_frames=0, name="x", color="BLUE")
    assert parse_annotation(blue, rules, 24).moods == ("sad",)
    commented = Annotation(frame=10, duration_frames=0, name="SC 4", comment="mx in - heroic")
    d = parse_annotation(commented, default_rules(), 24)
    assert (d.action, d.moods) == ("in", ("heroic",))


def test_words_come_from_the_rules() -> None:
    rules = merge_rules(default_rules(), {"vocabulary": {"music_in": ["musikk inn"]}, "moods": {"nordic": {"words": ["vemodig"]}}})
    assert parse_text("Musikk inn - vemodig", rules, 25).action == "in"
    assert parse_text("Musikk inn - vemodig", rules, 25).moods == ("nordic",)
    assert parse_text("MUSIC IN", rules, 25).action == "range"  # "music in" is no longer an IN word; "music" still names a range
