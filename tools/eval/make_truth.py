"""Draft the frozen truth files of the spotting evaluation (run once by a person, then checked by hand).

    .venv/bin/python tools/eval/make_truth.py [--force]

For each case in ``cases.toml`` this reads the editor's own xmeml with lxml (:mod:`xmeml`), lists every clip a
music editor would call music and joins them into cues (clips less than 2 s apart are one cue). The draft rules
are deliberately plain and *not* the package's music detector: a track named for music, a file in a music
folder, a production-music catalogue name. Then the case's ``judgement`` entries in ``cases.toml`` add or
remove clips a person decided on while reading the XML; every such decision is written into the truth file
with its reason, next to the person's ``checked`` notes. An existing truth file is never overwritten without
``--force`` (the truth is frozen: a change is a reviewed commit).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import xmeml

MUSIC_TRACK = re.compile(r"(?i)\b(musikk|music|musik|mx)\b")
MUSIC_FOLDER = re.compile(r"(?i)^(musikk|music|musik|wav musikk|aux ?mp.*|universal|dma|instr bakgrunn|hip hop instru.*|tommy tee|edge_\d+_produc.*)$")
CATALOGUE = re.compile(r"^(AUXMP_|NONR[A-Z]\d{6}|SCDV?\d{6}|SCD\d{6}|[A-Z]{2,5}_\d{1,4}_\d{1,3}_[A-Za-z]|BAC\d{6}|CAND\d{6})")


def corpus() -> Path:
    return Path(__import__("os").environ.get("SCOREPLAN_CORPUS", HERE.parents[2] / "shared" / "corpus"))


def load_cases() -> list[dict]:
    return tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))["case"]


def _folders(path: str) -> list[str]:
    """The file's folder and the two above it, nearest first."""
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    return parts[-2:-5:-1]


def draft_reason(c: xmeml.XClip) -> str:
    """Why the plain draft rules call an audio clip music, or ''."""
    if MUSIC_TRACK.search(c.track_name):
        return f"on a track named {c.track_name!r}"
    for folder in _folders(c.path):
        if MUSIC_FOLDER.match(folder):
            return f"file in the music folder {folder!r}"
    if CATALOGUE.match(c.name) or CATALOGUE.match(c.path.rsplit("/", 1)[-1]):
        return "production-music catalogue name"
    return ""


def _judged(c: xmeml.XClip, rules: list[dict]) -> dict | None:
    for r in rules:
        if re.search(r["name"], c.name) and (not r.get("track") or r["track"] == c.track):
            return r
    return None


def music_clips(case: dict) -> tuple[list[dict], list[dict], float, int]:
    """(music clips, judged-out clips, rate, duration in frames) of one case."""
    tree = xmeml.parse(corpus() / case["file"])
    seq = xmeml.main_sequence(tree)
    rate = xmeml.rate_of(seq)
    clips = xmeml.track_clips(tree, seq)
    duration = max((c.end for c in clips), default=0)
    rules = case.get("judgement", [])
    kept: dict[tuple, dict] = {}
    removed: list[dict] = []
    for c in clips:
        if c.kind != "audio" or c.end <= c.start:
            continue
        why = draft_reason(c)
        judged = _judged(c, rules)
        if judged is not None:
            if judged["music"] and not why:
                why = "judgement: " + judged["why"]
            elif not judged["music"] and why:
                same = next((r for r in removed if r["name"] == c.name and r["record_frames"] == [c.start, c.end]), None)
                if same is not None:
                    same["track"] += "+" + c.track
                else:
                    removed.append({"name": c.name, "track": c.track, "record_frames": [c.start, c.end], "why": judged["why"]})
                why = ""
        if not why:
            continue
        key = (c.path or c.name, c.start, c.end)
        if key in kept:  # the other half of a stereo pair: one clip on two tracks
            kept[key]["track"] += "+" + c.track
            continue
        kept[key] = {"name": c.name, "track": c.track, "track_name": c.track_name, "role": "music", "why": why,
                     "path": c.path, "record_frames": [c.start, c.end]}
    out = sorted(kept.values(), key=lambda m: (m["record_frames"][0], m["track"]))
    return out, removed, rate, duration


def cues_of(clips: list[dict], rate: float) -> list[list[int]]:
    """Clips joined into cues where less than 2 s apart: [start, end) record frames."""
    join = int(round(2 * rate))
    out: list[list[int]] = []
    for s, e in sorted(tuple(c["record_frames"]) for c in clips):
        if out and s - out[-1][1] < join:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="overwrite existing truth files")
    args = ap.parse_args()
    (HERE / "truth").mkdir(exist_ok=True)
    for case in load_cases():
        target = HERE / "truth" / f"{case['id']}.json"
        if target.exists() and not args.force:
            print(f"{target.name}: kept (frozen; --force to redraft)")
            continue
        clips, removed, rate, duration = music_clips(case)
        cues = cues_of(clips, rate)
        doc = {
            "case": case["id"], "file": case["file"], "application": case["application"], "rate": rate,
            "duration_frames": duration, "why_kept": case["why"], "checked": case.get("checked", []),
            "judged_out": removed, "music_clips": clips,
            "cues": [{"start_frame": s, "end_frame": e} for s, e in cues],
        }
        target.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{target.name}: {len(clips)} music clips, {len(cues)} cues, {len(removed)} judged out")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
