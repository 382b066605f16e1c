#!/usr/bin/env python3
"""Measure the temp choice's intensity fit on real libraries (issue 14): every cue of the corpus edits that get
music cues and of the sample timelines, against each library given.

For each (library, timeline, cue) the pick is recorded with the cue's and the piece's intensity (1..5) and
moods; the summary gives, per library, the mean |intensity gap| of the picks, how many are off by >= 1 and by
>= 1.5, and how many carry none of the cue's moods. ``--compare OLD.json`` also counts the picks that changed and
how many of them changed mood (the piece's moods differ) or lost the cue's mood.

    python tools/measure_choice.py --library wesnoth=/usr/share/games/wesnoth/1.16/data/core/music \\
        --library warzone=/usr/share/games/warzone2100/music/albums --out picks.json [--compare before.json]

The libraries are scanned (and listened to) with the scan cache, as ``scoreplan library`` does. Timelines the
readers refuse, and those planned with no cue, are left out (named on stderr).

Figures (2026-12-07, 314 cues of 84 plans, 107 of them naming a mood; choose.py before = d67879e, after = 697099e): mean
|intensity gap| and picks off by >= 1.5 before -> after; picks changed (on cues naming a mood; of those, to a piece
of other mood families): wesnoth as installed (names and tags) 0.343, 13 -> 0.277, 0; 45 changed (7; 2). The same
pieces untagged 0.236, 0: unchanged. With the committed labels as a catalogue 0.780, 55 -> 0.529, 0; 134 changed
(11; 9). warzone2100 (every piece measured 4-5) 1.493, 127 -> 1.466, 102; 47 changed (0). Both together 0.332,
11 -> 0.283, 0; 44 changed (7; 0). Picks outside the cue's mood family: the same before and after (0, 0, 1, 39, 0).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SUFFIXES = {".edl", ".xml", ".fcpxml", ".aaf", ".otio"}


def timelines() -> list[Path]:
    files = [p for p in CORPUS.rglob("*") if p.suffix.lower() in SUFFIXES and not p.name.startswith(".")]
    files += [p for p in (ROOT / "sample_timelines").iterdir() if p.suffix.lower() in SUFFIXES]
    return sorted(files)


def plans(keep: Path | None = None) -> list[tuple[str, object]]:
    """(name, plan) of every timeline whose plan has cues; with ``keep`` (a folder) each plan is saved there and
    read back on the next run (planning does not depend on the choice: before/after runs share the plans)."""
    from otio_scoreplan.errors import ScorePlanError
    from otio_scoreplan.pipeline import read_and_analyse
    from otio_scoreplan.plan import make_plan, plan_to_json
    from otio_scoreplan.plan.model import load_plan
    from otio_scoreplan.plan.rules import default_rules

    rules = default_rules()
    out = []
    for path in timelines():
        name = str(path.relative_to(CORPUS) if path.is_relative_to(CORPUS) else path.relative_to(ROOT))
        kept = keep / (name.replace("/", "__") + ".plan.json") if keep else None
        try:
            if kept is not None and kept.is_file():
                plan = load_plan(kept)
            else:
                _, analysis = read_and_analyse(path)
                plan = make_plan([analysis], rules)
                if kept is not None:
                    kept.write_text(json.dumps(plan_to_json(plan)), encoding="utf-8")
        except ScorePlanError as exc:
            print(f"left out {name}: {exc}", file=sys.stderr)
            continue
        if plan.cues:
            out.append((name, plan))
        else:
            print(f"left out {name}: no cue planned", file=sys.stderr)
    return out


def picks(libraries: dict[str, str], keep: Path | None = None) -> list[dict]:
    from otio_scoreplan.library.catalogue import NEUTRAL_MOODS, canonical_mood
    from otio_scoreplan.library.choose import ChooseSettings, assign_temp, mood_families
    from otio_scoreplan.library.scan import scan

    planned = plans(keep)
    rows = []
    for lib_name, folder in libraries.items():
        lib = scan(folder)
        for name, plan in planned:
            chosen = assign_temp(plan, lib, ChooseSettings())
            for cue in chosen.cues:
                if cue.temp is None:
                    continue
                piece = lib.by_path(cue.temp.path) or next(
                    (p for p in lib.pieces if lib.absolute(p).resolve() == Path(cue.temp.path).resolve()), None)
                cue_moods = sorted({canonical_mood(m) for m in cue.moods} - NEUTRAL_MOODS)
                piece_moods = sorted({canonical_mood(m) for m in piece.moods}) if piece else []
                rows.append({
                    "library": lib_name, "timeline": name, "cue": cue.id, "cue_intensity": cue.intensity or None,
                    "cue_moods": cue_moods, "piece": piece.path if piece else cue.temp.path,
                    "piece_intensity": None if piece is None or piece.intensity is None else round(5 * piece.intensity, 3),
                    "piece_moods": piece_moods, "mood_kept": bool(set(cue_moods) & set(piece_moods)) if cue_moods else None,
                    "family_kept": bool(mood_families(cue_moods) & mood_families(piece_moods)) if cue_moods else None,
                    "reason": cue.temp.reason,
                })
    return rows


def summary(rows: list[dict], old: list[dict] | None = None) -> list[str]:
    lines = []
    before = {(r["library"], r["timeline"], r["cue"]): r for r in old or []}
    for lib in dict.fromkeys(r["library"] for r in rows):
        mine = [r for r in rows if r["library"] == lib]
        gaps = [abs(r["piece_intensity"] - r["cue_intensity"]) for r in mine
                if r["piece_intensity"] is not None and r["cue_intensity"]]
        mean = sum(gaps) / len(gaps) if gaps else float("nan")
        no_mood = sum(1 for r in mine if r["mood_kept"] is False)
        no_family = sum(1 for r in mine if r.get("family_kept") is False)
        line = (f"{lib}: {len(mine)} picks, mean |intensity gap| {mean:.3f} (1..5), off >= 1: "
                f"{sum(g >= 1 - 1e-9 for g in gaps)}, off >= 1.5: {sum(g >= 1.5 - 1e-9 for g in gaps)}, "
                f"without the cue's mood: {no_mood}, nor its mood family: {no_family}")
        if old is not None:
            pairs = [(before[k], r) for r in mine if (k := (r["library"], r["timeline"], r["cue"])) in before]
            changed = [(a, b) for a, b in pairs if a["piece"] != b["piece"]]
            moods = sum(1 for a, b in changed if a["piece_moods"] != b["piece_moods"])
            lost = sum(1 for a, b in changed if a["mood_kept"] and not b["mood_kept"])
            gained = sum(1 for a, b in changed if a["mood_kept"] is False and b["mood_kept"])
            named = sum(1 for a, b in changed if a["cue_moods"])
            line += (f"; against the old picks: {len(changed)} of {len(pairs)} changed ({named} on cues naming a mood), "
                     f"{moods} to a piece of other moods, {lost} lost the cue's mood, {gained} gained it")
        lines.append(line)
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", action="append", required=True, metavar="NAME=DIR")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--compare", type=Path, help="an earlier --out file: count the picks that changed")
    parser.add_argument("--plans", type=Path, help="a folder keeping the plans between runs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    libraries = dict(item.split("=", 1) for item in args.library)
    if args.plans:
        args.plans.mkdir(parents=True, exist_ok=True)
    rows = picks(libraries, args.plans)
    args.out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    old = json.loads(args.compare.read_text(encoding="utf-8")) if args.compare else None
    print("\n".join(summary(rows, old)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
