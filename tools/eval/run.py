"""`make eval-spotting`: the planner's spotting of unmarked cuts against real editors' music placement.

    .venv/bin/python tools/eval/run.py [--cases prg6,ua4] [--write EVALUATION.md] [--no-loo]

For every case of ``cases.toml``: the edit with its music taken out (:mod:`strip`) is read, analysed and
planned by the package exactly as ``scoreplan spot`` does; the proposed cues are scored against the frozen
truth (``truth/<case>.json``) beside the baselines (:mod:`baselines`). Settings tuned on these edits
(``tuning.toml``: a small grid of rule values) are reported leave-one-edit-out: for each edit the grid point
with the best mean F1 of cue starts on the *other* edits is used on it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from baselines import every_90s, every_cut, random_cuts
from make_truth import corpus, load_cases
from metrics import Range, Score, score
from strip import strip

BEGIN, END = "<!-- eval-spotting:begin -->", "<!-- eval-spotting:end -->"


@dataclass
class Edit:
    case: str
    truth: dict
    analysis: object
    real: list[Range]
    duration: int
    rate: float
    cuts: list[int]
    stripped: dict = field(default_factory=dict)


def load_edit(case: dict, workdir: Path) -> Edit:
    from otio_scoreplan.analyse import analyse
    from otio_scoreplan.formats import read_source

    truth = json.loads((HERE / "truth" / f"{case['id']}.json").read_text(encoding="utf-8"))
    data, summary = strip(corpus() / case["file"], truth)
    path = workdir / f"{case['id']}.xml"
    path.write_bytes(data)
    analysis = analyse(read_source(path))
    real = [(c["start_frame"], c["end_frame"]) for c in truth["cues"]]
    seq = analysis.sequence
    return Edit(case["id"], truth, analysis, real, seq.duration_frames, seq.rate, list(analysis.cuts), summary)


def plan_cues(edit: Edit, overrides: dict | None = None) -> list[Range]:
    from otio_scoreplan.plan import default_rules, make_plan
    from otio_scoreplan.plan.rules import merge_rules

    rules = merge_rules(default_rules(), overrides) if overrides else default_rules()
    plan = make_plan([edit.analysis], rules)
    return [(c.start_frame, c.end_frame) for c in plan.cues]


def grid() -> list[dict]:
    """The tuning grid of ``tuning.toml`` as rule overrides ([{}] when nothing is tuned)."""
    path = HERE / "tuning.toml"
    if not path.exists():
        return [{}]
    spec = tomllib.loads(path.read_text(encoding="utf-8")).get("grid", {})
    keys = sorted(spec)
    out = []
    for values in itertools.product(*(spec[k] for k in keys)):
        over: dict = {}
        for k, v in zip(keys, values):
            table, key = k.split(".", 1)
            over.setdefault(table, {})[key] = v
        out.append(over)
    return out or [{}]


def evaluate(edits: list[Edit], loo: bool = True) -> dict:
    """Per edit: the planner (leave-one-edit-out when a grid is tuned), the baselines; and the chosen settings."""
    points = grid() if loo else [{}]  # without leave-one-edit-out: the shipped rules as they are
    proposals = {e.case: [plan_cues(e, p) for p in points] for e in edits}
    scores = {e.case: [score(c, e.real, e.duration, e.rate) for c in proposals[e.case]] for e in edits}
    out: dict = {"rows": {}, "chosen": {}}
    for e in edits:
        if len(points) == 1 or not loo:
            k = 0
        else:
            others = [o.case for o in edits if o.case != e.case]
            k = max(range(len(points)), key=lambda i: (sum(scores[o][i].f1 for o in others), -i))
        out["chosen"][e.case] = points[k]
        proposed = proposals[e.case][k]
        out["rows"][e.case] = {
            "planner": scores[e.case][k],
            "every 90 s": score(every_90s(e.duration, e.rate), e.real, e.duration, e.rate),
            "every cut": score(every_cut(e.cuts, e.duration), e.real, e.duration, e.rate),
            "random cuts (20 seeds)": random_cuts(e.cuts, e.duration, e.rate, proposed, e.real),
        }
        out.setdefault("proposed", {})[e.case] = proposed
    return out


METHODS = ["planner", "every 90 s", "every cut", "random cuts (20 seeds)"]


def _row(name: str, s: Score) -> str:
    return (f"| {name} | {s.n_proposed:.0f} | {s.n_real:.0f} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | "
            f"{s.frame_precision:.2f} | {s.frame_recall:.2f} | {s.share_proposed:.0%} | {s.share_real:.0%} |")


def markdown(result: dict, edits: list[Edit], label: str) -> str:
    head = ("| method | cues | real cues | start P | start R | start F1 | frame P | frame R | music share | real share |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    lines = [f"### {label}", ""]
    lines += [("**Summary over the edits** (mean F1: the mean of the per-edit F1 of cue starts; pooled: from all cue "
               "starts together; share MAE: mean absolute error of the music share, in points)"), "",
              "| method | mean F1 | pooled P | pooled R | pooled F1 | pooled frame P | pooled frame R | share MAE |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for m in METHODS:
        rows = [result["rows"][e.case][m] for e in edits]
        pooled = sum(rows[1:], rows[0]) if rows else Score()
        mean_f1 = sum(r.f1 for r in rows) / max(1, len(rows))
        mae = sum(r.share_error for r in rows) / max(1, len(rows))
        lines.append(f"| {m} | {mean_f1:.3f} | {pooled.precision:.2f} | {pooled.recall:.2f} | {pooled.f1:.3f} | "
                     f"{pooled.frame_precision:.2f} | {pooled.frame_recall:.2f} | {mae * 100:.1f} |")
    lines += ["", "**Per edit**", ""]
    for e in edits:
        minutes = e.duration / e.rate / 60
        lines += [f"*{e.case}* ({e.truth['file']}, {minutes:.1f} min, {len(e.real)} real cues)", "", head]
        lines += [_row(m, result["rows"][e.case][m]) for m in METHODS]
        chosen = result["chosen"][e.case]
        if chosen:
            lines.append(f"\nplanner settings chosen on the other edits: `{json.dumps(chosen, sort_keys=True)}`")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default="", help="comma-separated case ids (default: all)")
    ap.add_argument("--write", default="", help="put the tables into this Markdown file between the eval markers")
    ap.add_argument("--label", default="Current planner", help="heading of the tables")
    ap.add_argument("--no-loo", action="store_true", help="score every edit with the shipped rules (no tuning grid)")
    ap.add_argument("--json", default="", help="also write the raw per-edit figures and proposals here")
    args = ap.parse_args()
    wanted = {c for c in args.cases.split(",") if c}
    cases = [c for c in load_cases() if not wanted or c["id"] in wanted]
    with tempfile.TemporaryDirectory(prefix="scoreplan-eval-") as tmp:
        edits = [load_edit(c, Path(tmp)) for c in cases]
    result = evaluate(edits, loo=not args.no_loo)
    text = markdown(result, edits, args.label)
    print(text)
    if args.json:
        raw = {e.case: {"proposed": result["proposed"][e.case], "real": e.real, "stripped": e.stripped,
                        "chosen": result["chosen"][e.case],
                        **{m: vars(result["rows"][e.case][m]) | {"f1": result["rows"][e.case][m].f1} for m in METHODS}}
               for e in edits}
        Path(args.json).write_text(json.dumps(raw, indent=1, default=float) + "\n", encoding="utf-8")
    if args.write:
        path = Path(args.write)
        doc = path.read_text(encoding="utf-8") if path.exists() else f"{BEGIN}\n{END}\n"
        if BEGIN not in doc or END not in doc:
            doc += f"\n{BEGIN}\n{END}\n"
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        path.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
