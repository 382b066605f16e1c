#!/usr/bin/env python3
"""Classify every difference ``tools/compare_outputs.py`` found (issue 12, must show: list every difference).

Reads the reference store and a new store (as ``compare_outputs.py --report`` does) and, for every output that
differs, names the deliberate changes that explain it - or ``UNEXPLAINED`` with the lines no known change
explains. JSON outputs (plans, ``.otio``) are compared value by value (a path per changed value); the other text
outputs line by line; WAVs by their stored digest. Each kind is a change a commit made on purpose (the closing
note lists them); a difference that fits none is a bug to look at.

    .venv/bin/python tools/compare/classify.py /tmp/ref_outputs/cd7e98f90c38 /tmp/ref_outputs/<new> -o diff.md
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from compare_outputs import aaf_dump, text_view  # noqa: E402

# Kinds: (name, what it is). Order: the first kind whose test takes a changed item explains it.
KINDS = {
    "rules-digest": "the shipped rules changed (new keys: temp.duck_db, duck_ramp_seconds, over_editors_music ...), "
                    "so every plan's rules_digest changed",
    "marker-names": "one vocabulary for marker names and comments (marker_names.py): a hit marker is '1M1 hit x' "
                    "everywhere, a cue marker's name and description are joined by ' | ' in the marker lists",
    "default-intensity": "the one default intensity 3 (cuespec had None where the plan has 3)",
    "speech": "per-cue speech spans in the plan (Cue.speech, issue 14) and the temp's ride under speech",
    "editors-music": "no temp over the editor's own music (issue 11/14: temp.over_editors_music = false)",
    "temp-media": "temp media and render mix bytes changed (handles in clean media, fades, the ride under speech, "
                  "fits): new file names (content hash), sizes, AAF mob ids and lengths derived from them",
    "frame-over-string": "xmeml: a timecode's <frame> wins over its <string> where they disagree (warned)",
    "climax-reason": "a piece left out for playing its climax twice says so in the pick's reason",
    "romantic-genre": "a genre naming the Romantic period is no mood (library tags): moods and choices change",
    "clean-media": "AAF/EDL clean media and dissolves",
    "opening": "issue 13 (339822c): the first proposal within the opening 30 s starts on the first frame, under the "
               "first words, and says so ('opens the programme: from the first frame')",
    "follows-plan": "an output made from a plan that changed by a kind above (cue times, descriptions, reasons): "
                    "notes, marker lists, write-back, media lengths follow the plan",
}

# Plan-level kinds: a cue of the new plan that says this (and the reference's does not) changed for that reason.
PLAN_REASONS = {"opening": "opens the programme: from the first frame"}
FRAME_WINS = "the frame count was used"  # the xmeml reader's warning where <frame> and <string> disagree
CASE_KINDS = {*PLAN_REASONS, "frame-over-string"}  # what changes a case's plan, so what is made from it

DIGESTS = re.compile(r"sha256:(?:1c0814f8dda2de84|6d6e4b05871a1184)")
MEDIA_NAME = re.compile(r"\b(1M\d+|\d+M\d+[A-Z]?)_[0-9a-fA-F]{8}\.wav|scoreplan_silence_\d+s_[0-9a-f]{8}\.wav")
UMID = re.compile(r"urn:smpte:umid:[0-9a-f.]+")
EDITORS_MUSIC = re.compile(r"the editor's music plays|temp-music events are in a companion|TEMP_MX\.edl|temp tracks|"
                           r"scoreplan_silence_")
CUE_LABEL = re.compile(r"(\d+M\d+[A-Z]?)([^|:\t\"]*?)(?:: | \| )")
EDL_TEMP_EVENT = re.compile(r"^\d{3}  (\d+M\d+[A-Z]?_[0-9A-F]{4}|BL) ")


def aaf_view(path: Path):
    """The AAF's mobs keyed by name (a media file's name without its content hash), its ids and media names
    taken out: what is left to compare when the temp media's bytes (and so their names and mob ids) changed."""
    def clean(v):
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return MEDIA_NAME.sub("MEDIA", UMID.sub("UMID", v)) if isinstance(v, str) else v
    mobs = {}
    for mob in aaf_dump(path).values():
        key = f"{mob.get('@class')} {clean(mob.get('Name', ''))}"
        while key in mobs:
            key += "+"
        mobs[key] = clean(mob)
    return mobs


def json_leaves(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from json_leaves(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from json_leaves(v, f"{path}[{i}]")
    else:
        yield path, value


def json_changes(a, b, path=""):
    """(path, ref, new) for every value that differs; a key only on one side is one change."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k not in a:
                yield f"{path}/{k}", "<absent>", b[k]
            elif k not in b:
                yield f"{path}/{k}", a[k], "<absent>"
            else:
                yield from json_changes(a[k], b[k], f"{path}/{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from json_changes(x, y, f"{path}[{i}]")
    elif a != b:
        yield path, a, b


def load_json(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
        if not text.lstrip().startswith(("{", "[")):
            return None
        return json.loads(text)
    except (ValueError, UnicodeDecodeError):
        return None


def classify_json_change(path: str, ref, new, root=None, aaf=False) -> str | None:
    last = re.sub(r"\[\d+\]", "", path).rsplit("/", 1)[-1]
    rs, ns = json.dumps(ref, default=str), json.dumps(new, default=str)
    if FRAME_WINS in ns and FRAME_WINS not in rs:
        return "frame-over-string"
    if aaf:
        if "Transition" in ns and "Transition" not in rs:
            return "clean-media"
        if last in ("Length", "StartTime", "Summary") or "MEDIA" in rs + ns:  # Summary: the WAV's header
            return "temp-media"
        return None
    if path.startswith("/tracks/children") and _EDITORS_CASE[-1]:  # temp left out: the editor's music plays
        return "editors-music"
    cue = re.match(r"/cues\[(\d+)\]", path)
    if cue and root and new == "<absent>" and last == "temp":
        if root["cues"][int(cue.group(1))].get("origin") == "music":
            return "editors-music"
    if cue and root and isinstance(root.get("cues"), list) and int(cue.group(1)) < len(root["cues"]):
        said = " ".join(root["cues"][int(cue.group(1))].get("reasons") or [])
        for kind, words in PLAN_REASONS.items():
            if words in said and words not in rs:
                return kind
    if last == "rules_digest" or DIGESTS.search(rs + ns):
        return "rules-digest"
    if last == "speech" or "/speech" in path or last in ("duck_db", "duck_ramp_seconds", "ride"):
        return "speech"
    if last == "intensity" and ref is None and new == 3:
        return "default-intensity"
    if "climax" in ns and "climax" not in rs:
        return "climax-reason"
    if MEDIA_NAME.search(rs) and MEDIA_NAME.search(ns) and MEDIA_NAME.sub("M", rs) == MEDIA_NAME.sub("M", ns):
        return "temp-media"
    if re.search(r"\bhit\b", rs + ns) and re.sub(r"hit:? ", "hit ", rs) == re.sub(r"hit:? ", "hit ", ns):
        return "marker-names"
    return None


def classify_line(line: str) -> str | None:
    body = line[1:]
    if DIGESTS.search(body) or "rules_digest" in body or "rules digest" in body.lower():
        return "rules-digest"
    if MEDIA_NAME.search(body) or "SOURCE FILE: media/" in body:
        return "temp-media"
    return None


def pairs(ref: list[str], new: list[str]) -> list[tuple[str, str]]:
    """Changed line pairs ('-' line, '+' line; '' when one side has none), by difflib's opcodes."""
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ref, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        a, b = ref[i1:i2], new[j1:j2]
        for k in range(max(len(a), len(b))):
            out.append((a[k] if k < len(a) else "", b[k] if k < len(b) else ""))
    return out


PAIR_RULES = [  # (kind, test on a changed line pair (ref, new) of a text output)
    ("rules-digest", lambda a, b: bool(DIGESTS.search(a + b))),
    ("marker-names", lambda a, b: re.sub(r"(\d+M\d+[A-Z]?) hit:? ", r"\1 hit ", a) == re.sub(r"(\d+M\d+[A-Z]?) hit:? ", r"\1 hit ", b)),
    ("marker-names", lambda a, b: re.sub(r"(\d+M\d+[A-Z]?) ([^|:\t]*?)(?:: | \| )", r"\1 \2 | ", a)
     == re.sub(r"(\d+M\d+[A-Z]?) ([^|:\t]*?)(?:: | \| )", r"\1 \2 | ", b)),
    ("marker-names", lambda a, b: CUE_LABEL.sub(r"\1\2 | ", a) == CUE_LABEL.sub(r"\1\2 | ", b)),
    ("marker-names", lambda a, b: "hit point" in a and "hit point" in b),
    ("climax-reason", lambda a, b: "climax twice" in b and "climax twice" not in a and b.startswith(a.rstrip())),
    ("frame-over-string", lambda a, b: FRAME_WINS in b and FRAME_WINS not in a),
    ("speech", lambda a, b: ("keyframe" in b and "keyframe" not in a) or ("Audio Levels" in b and "Audio Levels" not in a)),
    ("temp-media", lambda a, b: (a.startswith(("WAV ", "bytes ")) and b.startswith(("WAV ", "bytes "))) or
     (a.startswith("bytes ") and not b.strip()) or (b.startswith("bytes ") and not a.strip())),
    ("editors-music", lambda a, b: _EDITORS_CASE[-1] and bool(re.match(r"^(\d{3}  TEMPMX|\* FROM CLIP NAME: .*\[scoreplan\])", a + b))),
    ("editors-music", lambda a, b: _EDITORS_CASE[-1] and re.sub(r"\d+ cue", "N cue", a) == re.sub(r"\d+ cue", "N cue", b)),
    ("temp-media", lambda a, b: bool(MEDIA_NAME.search(a + b)) and MEDIA_NAME.sub("M", a) == MEDIA_NAME.sub("M", b)),
    ("editors-music", lambda a, b: bool(EDITORS_MUSIC.search(a + b))),
    ("clean-media", lambda a, b: bool(EDL_TEMP_EVENT.match(a) or EDL_TEMP_EVENT.match(b))),
    ("clean-media", lambda a, b: not a.strip() and b.startswith(("* FROM CLIP NAME:", "* TO CLIP NAME:"))),
    ("editors-music", lambda a, b: _EDITORS_CASE[-1] and bool(MEDIA_NAME.search(a)) and not b.strip()),
    ("temp-media", lambda a, b: a.startswith("* SOURCE FILE: media/") or b.startswith("* SOURCE FILE: media/")),
]


def classify_text(ref: list[str], new: list[str]) -> tuple[Counter, list[tuple[str, str]]]:
    kinds: Counter = Counter()
    left = []
    for a, b in pairs(ref, new):
        for kind, test in PAIR_RULES:
            try:
                if test(a, b):
                    kinds[kind] += 1
                    break
            except re.error:
                continue
        else:
            left.append((a, b))
    if left and _EDITORS_CASE[-1] and (all(not b.strip() for _, b in left)  # only lines gone: the temp left out
                                       or all("scoreplan" in a + b or not (a + b).strip() or a.startswith("\t")
                                              for a, b in left)):  # our temp lanes laid again without those cues
        kinds["editors-music"] += len(left)
        left = []
    return kinds, left


def classify_output(a: Path, b: Path) -> tuple[Counter, list[str]]:
    """(kinds with their count of changed items, the changed items no kind explains)."""
    aaf = a.suffix.lower() == ".aaf"
    ja, jb = (aaf_view(a), aaf_view(b)) if aaf else (load_json(a), load_json(b))
    if ja is not None and jb is not None:
        kinds: Counter = Counter()
        left = []
        for path, r, n in json_changes(ja, jb):
            kind = classify_json_change(path, r, n, jb, aaf)
            if kind:
                kinds[kind] += 1
            else:
                left.append(f"{path}: {json.dumps(r, default=str)[:160]} -> {json.dumps(n, default=str)[:160]}")
        return kinds, left
    kinds, left = classify_text(text_view(a), text_view(b))
    return kinds, [f"- {x[:200]}\n+ {y[:200]}" for x, y in left]


def follow_plan(rows: list[dict]) -> None:
    """Where a case's reading (inspect) or plan (spot) changed by a case-level kind, what is left unexplained in the outputs made from
    that plan (notes, write-back, plugin, media) follows it: classified follows-plan, and named so."""
    plan_kinds = defaultdict(set)
    for r in rows:
        if r["step"] in ("spot", "inspect"):
            plan_kinds[r["case"]] |= {k for k in r["kinds"] if k in CASE_KINDS}
    for r in rows:
        if r["unexplained"] and plan_kinds[r["case"]]:
            r["kinds"]["follows-plan"] = len(r["unexplained"])
            r["follows"] = sorted(plan_kinds[r["case"]])
            r["unexplained"] = []


def pair_media(rows: list[dict]) -> None:
    """A temp media file only on one side: its cue's file on the other side under a new content hash is the same
    file with new bytes (temp-media); one of a cue the editor's music now plays (the case's apply says so) or a
    silence placeholder no longer needed there is editors-music."""
    media = re.compile(r"media/(\d+M\d+[A-Z]?)_[0-9a-f]{8}\.wav\.digest$")
    sides = defaultdict(set)
    for r in rows:
        m = media.search(r["file"])
        if m and r["verdict"] != "DIFF":
            sides[r["case"], r["step"], m.group(1)].add(r["verdict"])
    for r in rows:
        if r["verdict"] == "DIFF":
            continue
        m = media.search(r["file"])
        if m and sides[r["case"], r["step"], m.group(1)] == {"only-ref", "only-new"}:
            r["kinds"], r["unexplained"] = {"temp-media": 1}, []
        elif ((m or r["file"].endswith("TEMP_MX.edl")) and r["verdict"] == "only-ref" or "scoreplan_silence_" in r["file"]) \
                and editors_music_case(r["case"]):  # a silence placeholder as long as the longest cue left unassigned
            r["kinds"], r["unexplained"] = {"editors-music": 1}, []


_NEW_STORE: list[Path] = []
_EDITORS_CASE: list[bool] = [False]  # whether the case being classified has cues the editor's music plays


def editors_music_case(case: str) -> bool:
    return any("the editor's music plays" in p.read_text(errors="replace")
               for p in (_NEW_STORE[0] / case).glob("apply*/_stdout.txt"))


def markdown(rows: list[dict], ref: Path, new: Path) -> str:
    compared = sorted(d.name for d in new.iterdir() if (d / "meta.json").is_file() and (ref / d.name / "meta.json").is_file())
    out = [f"# Differences: {ref.name} (reference) against {new.name}", "",
           f"{len(compared)} inputs compared, {len(rows)} outputs differ, "
           f"{sum(1 for r in rows if r['unexplained'])} with a difference no deliberate change explains.", "",
           "## Kinds (each a deliberate change), outputs they explain, one example", "",
           "| kind | outputs | what | example |", "|---|---|---|---|"]
    by_kind = Counter(k for r in rows for k in r["kinds"])
    for kind, n in by_kind.most_common():
        ex = next(r for r in rows if kind in r["kinds"])
        out.append(f"| {kind} | {n} | {KINDS.get(kind, '')} | `{ex['case']}/{ex['step']}/{ex['file']}` |")
    if any(r["unexplained"] for r in rows):
        out.append(f"| UNEXPLAINED | {sum(1 for r in rows if r['unexplained'])} | a bug, or a change not listed | |")
    out += ["", "## Per step (outputs that differ, by verdict, and the kinds in them)", "",
            "| step | DIFF | only-ref | only-new | kinds |", "|---|---|---|---|---|"]
    steps = sorted({r["step"] for r in rows})
    for step in steps:
        rs = [r for r in rows if r["step"] == step]
        v = Counter(r["verdict"] for r in rs)
        k = Counter(x for r in rs for x in r["kinds"])
        out.append(f"| {step} | {v['DIFF']} | {v['only-ref']} | {v['only-new']} | "
                   f"{', '.join(f'{a} {b}' for a, b in k.most_common())} |")
    out += ["", "## Inputs compared", "", ", ".join(compared), "", "## Every differing output", ""]
    for r in rows:
        kinds = ", ".join(sorted(r["kinds"])) or "-"
        if r.get("follows"):
            kinds += f" (the plan changed by: {', '.join(r['follows'])})"
        out.append(f"- `{r['case']}/{r['step']}/{r['file']}` ({r['verdict']}): {kinds}"
                   + (" **UNEXPLAINED**: " + " / ".join(u.replace(chr(10), ' ')[:200] for u in r["unexplained"][:3])
                      if r["unexplained"] else ""))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("ref", type=Path)
    p.add_argument("new", type=Path)
    p.add_argument("--json", type=Path, help="write every classified output here")
    p.add_argument("--md", type=Path, help="write the classified list as Markdown here (counts per step and kind, an "
                   "example per kind, every differing output)")
    args = p.parse_args(argv)
    _NEW_STORE.append(args.new)
    rows = []
    for case in sorted(d for d in args.new.iterdir() if d.is_dir() and (d / "meta.json").is_file()):
        rcase = args.ref / case.name
        if not (rcase / "meta.json").is_file():
            continue
        for step_dir in sorted(d for d in case.iterdir() if d.is_dir()):
            rstep = rcase / step_dir.name
            names = sorted({str(f.relative_to(d)) for d in (rstep, step_dir) if d.is_dir() for f in d.rglob("*") if f.is_file()})
            for name in names:
                a, b = rstep / name, step_dir / name
                if a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes():
                    continue
                verdict = "DIFF" if a.is_file() and b.is_file() else "only-ref" if a.is_file() else "only-new"
                if verdict == "DIFF":
                    _EDITORS_CASE.append(editors_music_case(case.name))
                    kinds, left = classify_output(a, b)
                else:
                    kinds, left = Counter(), [f"{verdict}: {name}"]
                rows.append({"case": case.name, "step": step_dir.name, "file": name, "verdict": verdict,
                             "kinds": dict(kinds), "unexplained": left})
    pair_media(rows)
    follow_plan(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    if args.md:
        args.md.write_text(markdown(rows, args.ref, args.new), encoding="utf-8")
    by_kind = Counter(k for r in rows for k in r["kinds"])
    print(f"{len(rows)} differing outputs; unexplained in {sum(1 for r in rows if r['unexplained'])}")
    for k, n in by_kind.most_common():
        print(f"  {k:20} {n}")
    per_step = defaultdict(Counter)
    for r in rows:
        per_step[r["step"]][r["verdict"]] += 1
    for s, c in sorted(per_step.items()):
        print(f"  step {s:15} {dict(c)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
