"""The benchmark table (Markdown) from bench/run.py's results, with every target checked."""

from __future__ import annotations

from typing import Any

FEATURE_SHOTS, REEL_SHOTS = 3000, 500


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _series(s: dict | None) -> str:
    """'12.3 (5)' or why there is no figure."""
    if not s:
        return "–"
    if s["median"] is None:
        return f"failed: {s['error'][:80]}" if not s["timed_out"] else f"> {s['runs'][0]['seconds']:.0f} (killed, 1 run)"
    return f"{_s(s['median'])} ({len(s['runs'])})"


def ratio(case: dict) -> float | None:
    """apply / plain OTIO round trip, medians."""
    a, o = case.get("apply") or {}, case.get("otio") or {}
    if a.get("median") is None or o.get("median") is None:
        return None
    return a["median"] / o["median"]


def cpu_ratio(case: dict) -> str:
    """apply / plain OTIO on CPU time (user + system), medians: steadier than wall time on a busy machine."""
    a, o = case.get("apply") or {}, case.get("otio") or {}
    if not a.get("cpu_median") or not o.get("cpu_median"):
        return "–"
    return f"{a['cpu_median'] / o['cpu_median']:.2f}"


def ratio_text(case: dict) -> str:
    r = ratio(case)
    a, o = case.get("apply") or {}, case.get("otio") or {}
    if r is None and a.get("median") is not None and o.get("timed_out"):
        return f"< {a['median'] / o['runs'][0]['seconds']:.2f}"
    return "–" if r is None else f"{r:.2f}"


def target_of(case: dict) -> float | None:
    """The issue's targets are on the feature: FCP7 XML at most 0.5x plain OTIO, every other format at most 1x."""
    if case["size"] != "feature":
        return None
    return 0.5 if case["fmt"] == "fcp7_xml" and case["origin"] == "generated" else 1.0


def verdict(case: dict) -> str:
    """'met', 'MISSED' or why not measured."""
    if case.get("skipped"):
        return case["skipped"]
    a, o = case.get("apply") or {}, case.get("otio") or {}
    if a.get("median") is None:
        return "apply failed"
    if target_of(case) is None:
        return "(no target)"
    if o.get("median") is None:
        if o.get("timed_out"):
            return "met (OTIO killed)" if a["median"] <= target_of(case) * o["runs"][0]["seconds"] else "MISSED"
        return "met (OTIO fails)"
    return "met" if ratio(case) <= target_of(case) else "MISSED"


def growth(cases: list[dict], fmt: str, kind: str, figure: str = "median") -> float | None:
    """(t_feature / t_reel) / 6 for the generated inputs of ``fmt`` (``figure``: wall "median" or "cpu_median")."""
    by = {c["size"]: c for c in cases if c["fmt"] == fmt and c["origin"] == "generated"}
    try:
        f, r = by["feature"][kind].get(figure), by["reel"][kind].get(figure)
    except (KeyError, TypeError, AttributeError):
        return None
    if f is None or r is None:
        return None
    return (f / r) / (FEATURE_SHOTS / REEL_SHOTS)


def table(results: dict[str, Any]) -> str:
    """The whole Markdown report: apply vs OTIO, growth, start time, render, the machine."""
    cases = results["cases"]
    lines = ["| input | format | shots | `scoreplan apply` s (runs) | plain OTIO read+write s (runs) | ratio | target | verdict | CPU-time ratio | apply peak MB |",
             "|---|---|---:|---:|---:|---:|---:|---|---:|---:|"]
    for c in cases:
        a = c.get("apply") or {}
        lines.append(f"| {c['name']}{' (' + c['note'] + ')' if c.get('note') else ''} | {c['fmt']} | {c['shots']} | "
                     f"{_series(c.get('apply')) if not c.get('skipped') else '–'} | "
                     f"{_series(c.get('otio')) if not c.get('skipped') else '–'} | {ratio_text(c)} | "
                     f"{'–' if target_of(c) is None else f'≤ {target_of(c)}'} | {verdict(c)} | {cpu_ratio(c)} | {_s(a.get('peak_mb'))} |")
    lines += ["", "Growth reel (500 shots) → feature (3,000 shots), (t_feature / t_reel) / 6: 1.00 is linear, target ≤ 1.1 "
              "for apply, judged on CPU time (the reel and the feature run minutes apart, under different load).",
              "", "| format | apply growth, CPU | verdict | apply growth, wall | plain OTIO growth, CPU | plain OTIO growth, wall |",
              "|---|---:|---|---:|---:|---:|"]
    fx = lambda g: "–" if g is None else f"{g:.2f}"  # noqa: E731
    for fmt in dict.fromkeys(c["fmt"] for c in cases if c["origin"] == "generated"):
        gc = growth(cases, fmt, "apply", "cpu_median")
        v = "–" if gc is None else "met" if gc <= 1.1 else "MISSED"
        lines.append(f"| {fmt} | {fx(gc)} | {v} | {fx(growth(cases, fmt, 'apply'))} | "
                     f"{fx(growth(cases, fmt, 'otio', 'cpu_median'))} | {fx(growth(cases, fmt, 'otio'))} |")
    h = results.get("help")
    if h:
        lines += ["", f"`scoreplan --help` start time: median {h['median']:.3f} s over {len(h['runs'])} runs "
                  f"(target < 0.2 s: {'met' if h['median'] is not None and h['median'] < 0.2 else 'MISSED'})."]
    b = results.get("big_edl")
    if b:
        if b["median"] is None:
            lines += ["", f"100,000-event EDL, `scoreplan inspect --json`: {_series(b)}."]
        else:
            lines += ["", f"100,000-event EDL (the hostile suite's), `scoreplan inspect --json`: median {_s(b['median'])} s "
                      f"over {len(b['runs'])} runs, {_s(b['cpu_median'])} s CPU, peak {b['peak_mb']:.0f} MB "
                      f"(target < 10 s: {'met' if b['median'] < 10 else 'MISSED'})."]
    r = results.get("render") or {}
    lines.append("")
    if r.get("skipped"):
        lines.append(f"Render: not measured ({r['skipped']}).")
    elif r:
        lines += [f"Render of a {r['cues']}-cue temp score over {r['film_seconds'] / 3600:.1f} h (whole processes):", "",
                  "| mix | wall s (runs) | realtime factor | CPU s | peak MB (ru_maxrss) | target |", "|---|---:|---:|---:|---:|---|"]
        for key, label in (("stream", "`scoreplan render` (streamed)"), ("naive", "naive pydub overlay, whole file")):
            m = r.get(key) or {}
            if m.get("killed_after"):
                lines.append(f"| {label} | > {m['killed_after']:.0f} (killed, 1 run) | < {r['film_seconds'] / m['killed_after']:.0f}x | "
                             f"– | ≥ {m['peak_mb_at_kill']:.0f} when killed | |")
                continue
            if not m.get("ok"):
                lines.append(f"| {label} | failed: {m.get('error', '')[:80]} | – | – | – | |")
                continue
            tgt = ""
            if key == "stream":
                met = m["realtime"] >= 300 and m["peak_mb"] < 150
                tgt = f"≥ 300x, < 150 MB: {'met' if met else 'MISSED'}"
            lines.append(f"| {label} | {_s(m['median_s'])} ({m['runs']}) | {m['realtime']:.0f}x | {_s(m.get('cpu_s'))} | {m['peak_mb']:.0f} | {tgt} |")
    from library_bench import report_lines

    lines += report_lines(results.get("library") or {})
    m = results["machine"]
    pk = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    lines += ["", f"Machine: {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, {m['os']}; {pk}; "
              f"commit {m['git']}; measured {m['date']}; load average {m.get('load_before', 0):.1f} before, "
              f"{m.get('load_after', 0):.1f} after (other processes share the machine: wall times grow with it, CPU times less)."]
    st = results.get("settings") or {}
    if st:
        lines.append(f"Runs: median of {st['reps']} whole-process runs; 3 runs for a command whose first run took over "
                     f"{st['slow']:.0f} s, 1 run over {3 * st['slow']:.0f} s; plain OTIO killed after {st['timeout']:.0f} s "
                     f"(the ratio is then an upper bound). Whole run: {st.get('total_minutes', 0):.1f} min.")
    return "\n".join(lines) + "\n"


BEGIN, END = "<!-- bench:begin (written by bench/run.py --doc) -->", "<!-- bench:end -->"


def update_doc(text: str, body: str) -> str:
    """``text`` with the part between the bench markers replaced by ``body`` (appended when missing)."""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        return f"{head}{BEGIN}\n{body}{END}{tail}"
    return f"{text.rstrip()}\n\n{BEGIN}\n{body}{END}\n"
