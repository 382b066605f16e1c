"""The plan as a readable table for the terminal (a pure function over the plan)."""

from __future__ import annotations

from .model import Plan

ENTRY = {"hard_in": "in", "prelap": "prelap", "fade_in": "fade in", "segue": "segue"}
EXIT = {"hard_out": "out", "tail_out": "tail", "fade_out": "fade out", "segue": "segue"}


def _edge(edge, names: dict[str, str], rate: float) -> str:
    text = names.get(edge.type, edge.type)
    if edge.type == "prelap":
        return f"{text} {edge.frames}f"
    if edge.type == "tail_out":
        return f"{text} {edge.frames / rate:g}s"
    if edge.type == "segue" and edge.frames:
        return f"xfade {edge.frames}f"
    return text


def plan_text(plan: Plan) -> str:
    """The cue list: id, in/out timecode, length, kind, entry/exit, moods, intensity and the first reason."""
    lines = []
    for i, seq in enumerate(plan.sequences):
        lines.append(f"Sequence {seq.name!r}  {seq.start_timecode} - {seq.end_timecode}  ({seq.format})")
    lines.append(f"Fingerprint {plan.fingerprint}")
    lines.append("")
    header = f"{'Cue':<7} {'In':<12} {'Out':<12} {'Length':>7}  {'Kind':<6} {'Entry':<10} {'Exit':<10} {'Int':>3}  Moods / themes / description"
    lines += [header, "-" * len(header)]
    for cue in plan.cues:
        seq = plan.sequences[cue.input]
        words = ", ".join(cue.moods) + (f"  [{', '.join(cue.themes)}]" if cue.themes else "")
        lines.append(
            f"{cue.id:<7} {seq.timecode(cue.start_frame):<12} {seq.timecode(cue.end_frame):<12} "
            f"{cue.duration_frames / seq.rate:>6.1f}s  {cue.kind:<6} {_edge(cue.entry, ENTRY, seq.rate):<10} "
            f"{_edge(cue.exit, EXIT, seq.rate):<10} {cue.intensity:>3}  {words}"
        )
        detail = [cue.description] if cue.description else []
        detail += [f"palette: {', '.join(cue.palette)}"] if cue.palette else []
        detail += [f"hit {seq.timecode(h.frame)} {h.label}" for h in cue.hits]
        detail += [f"why: {cue.reasons[0]}"] if cue.reasons else []
        lines += [f"{'':<8}{d[:110]}" for d in detail]
    if not plan.cues:
        lines.append("(no cues)")
    if plan.themes:
        lines += ["", "Themes"]
        lines += [f"  {t.name}: {', '.join(t.cues)} (introduced in {t.introduced_by})" for t in plan.themes]
    if plan.retired_ids:
        lines += ["", "Retired ids: " + ", ".join(plan.retired_ids)]
    return "\n".join(lines) + "\n"
