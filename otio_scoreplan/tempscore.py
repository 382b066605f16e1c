"""The bridge between a plan and the temp-music library: choose pieces for its cues, render them for apply.

``spot``, ``apply`` and ``notes`` take ``--library DIR``: :func:`plan_with_temp` records each cue's pick under
``temp`` (pinned pieces kept); ``apply`` then renders each fitted cue with :func:`render_temp_media` and the
temp-track clips reference those files, so the editor hears exactly the fit.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import RateError
from .model import SequenceInfo
from .plan.model import Cue, Plan

if TYPE_CHECKING:
    from .library.cuespec import CueSpec
    from .plan.rules import Rules

log = logging.getLogger(__name__)


def plan_with_temp(plan: Plan, library: str | Path, seed: int = 0, rules: Rules | None = None) -> Plan:
    """``plan`` with a temp pick recorded on every cue (cues pinned by a person keep their piece); ``rules``' mood
    table (the shipped rules when None) says which mood words mean one mood.

    A cue over music the editor laid in the cut (origin ``music``) gets no pick unless ``temp.over_editors_music``:
    the editor's music plays there (its clips are the cue's description and reasons), and a temp beside it would
    say otherwise. A piece the plan already gives such a cue (pinned by a person) stays."""
    from .audio.cut import remember_library
    from .library.choose import ChooseSettings, assign_temp
    from .library.scan import scan
    from .plan.rules import default_rules

    lib = scan(library, rules=rules)
    remember_library(lib)  # apply renders next, in this process: its cutting reuses the scan's analyses
    chosen = assign_temp(plan, lib, ChooseSettings(seed=seed, rules=rules))
    if (rules or default_rules()).get("temp.over_editors_music"):
        return chosen
    had = {c.id: c.temp for c in plan.cues}
    return replace(chosen, cues=[replace(c, temp=None) if c.origin == "music" and had.get(c.id) is None else c
                                 for c in chosen.cues])


def render_temp_media(plan: Plan, input_index: int, seq: SequenceInfo, media_dir: Path, *, clean: bool = False,
                      automation: dict[str, tuple[int, int, int]] | None = None, rules=None) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """Render every cue of input ``input_index`` that has a temp pick to ``media_dir/<cue id>_<hash8>.wav``.

    Returns cue id -> rendered file; a cue whose piece cannot be decoded is left out with a warning
    (its clip then plays the silent placeholder).
    With ``clean`` (a format whose clips carry fades as automation) each cut cue's file holds the music with
    handles and no fades; ``automation`` is then filled with cue id -> (head handle frames, fade-in frames,
    fade-out frames, frames the clip starts before the cue, frames it runs past it, the ride under the cue's
    speech as (frame from the clip's start, dB) keyframes: :func:`~.audio.render.cue_ride`, the fade-out's curve) for
    its clip: cues that
    segue overlap by about a bar, each clip fading over the overlap. ``rules`` give the ``[temp]`` settings (the shipped rules when None).
    """
    from .audio.render import RenderSettings, cue_ride, render_cues, render_settings_from_rules
    from .library.choose import Pick
    from .library.cuespec import CueSpec, with_talk_around
    from .outfile import protect

    if seq.rate_assumed:
        raise RateError("no frame rate in the timeline (24 fps was assumed); temp music is fitted in real time, "
                        "so pass --rate", seq.path)
    chosen = [c for c in plan.cues if c.input == input_index and c.temp is not None]
    if not chosen:
        return {}
    specs = with_talk_around([CueSpec.from_cue(c, seq.rate) for c in chosen], plan.cues, seq.rate)
    picks = [Pick(c.id, c.temp.path, c.temp.title, c.temp.offset_seconds, c.temp.reason, pinned=True)
             for c in chosen if c.temp is not None]
    protect(*(p.path for p in picks))  # the pieces are inputs: no output of the run may replace one
    sr = RenderSettings().fit.sample_rate
    from .plan.rules import default_rules

    edges = {}
    if clean:  # cues that segue overlap as A/B clips with fades (their files hold the overlap in their handles)
        from .audio.cut import segue_edges

        edges = segue_edges(specs, [p.path for p in picks], seq.rate)
        specs = [edges[s.id][0] if s.id in edges else s for s in specs]
    settings = render_settings_from_rules(rules or default_rules(), clean_media=clean)
    done, skipped = render_cues(specs, picks, seq, media_dir, settings, {k: (v[1], v[2]) for k, v in edges.items()})
    if automation is not None:
        frames = lambda n: int(round(n * seq.rate / sr)) if n * seq.rate / sr >= 0.5 else 0  # noqa: E731 - sub-frame guards: none
        lengths = {s.id: s.duration_frames for s in specs}
        by_id = {s.id: s for s in specs}
        for r in done:
            fade_in, fade_out, before, after = frames(r.fade_in), frames(r.fade_out), 0, r.past_out_frames  # a ring
            if r.cue_id in edges:  # (an A side without a head handle still runs on past the cut)
                _, lead, tail_seconds = edges[r.cue_id]
                tail_frames = int(r.frames * seq.rate / sr + 1e-6) - r.head_frames - lengths[r.cue_id]
                before, after = min(lead, r.head_frames), max(0, min(int(round(tail_seconds * seq.rate)), tail_frames))
                fade_in, fade_out = (2 * before or fade_in), (2 * after or fade_out)  # centred on the cut: equal overlap
            ride = () if r.ride_baked else cue_ride(by_id[r.cue_id], seq, settings, before, after)
            clip_start = by_id[r.cue_id].start_frame - before  # the ride's keyframes count from the clip's first frame
            automation[r.cue_id] = (r.head_frames, fade_in, fade_out, before, after,
                                    tuple((f - clip_start, db) for f, db in ride), r.fade_out_shape)
    for cue_id, why in skipped:
        log.warning("cue %s keeps the silent placeholder: %s", cue_id, why)
    return {r.cue_id: Path(r.path) for r in done}


def _piece_seconds(path: Path) -> float:
    """The length of a temp piece in seconds; ``ValueError`` when it cannot be read."""
    from .library.scan import probe

    if not path.is_file():
        raise ValueError("the file is not there")
    return float(probe(path)["audio"]["duration_seconds"])


def temp_fit_problem(cue: Cue, rate: float, piece_seconds: float) -> str:
    """Why the fitter cannot play ``cue``'s temp piece as the plan asks, or "" when it can.

    The fitter (:func:`otio_scoreplan.audio.fit.fit`) trims a piece longer than the cue and loops a shorter
    one, so any length fits; what it cannot do is start past the piece's end (it would start at 0 instead).
    """
    if cue.temp is None:
        return ""
    if piece_seconds <= 0:
        return "the piece holds no audio"
    if cue.temp.offset_seconds >= piece_seconds:
        return f"its offset {cue.temp.offset_seconds:.3f} s is past the piece's end ({piece_seconds:.3f} s)"
    return ""


REACH_TOLERANCE_SECONDS = 0.001  # the plan keeps a cut to the microsecond; a piece's length is read to the sample


def check_temp_reach(plan: Plan, plan_path: str | os.PathLike[str]) -> None:
    """Refuse (:class:`~.errors.InputError` naming ``plan_path``, the cue and the key) a temp a person edited to start
    past its piece's end: ``temp.offset_seconds`` at or past it, or a span of ``temp.cut`` starting there. Either
    renders silence where the plan says music (issue 11 follow-up); refused, not clamped: the offset and the cut are
    a person's edit decision, and music from elsewhere in the piece, laid in the cut as theirs, would say something
    false. A span that starts inside the piece but runs past its end is a warning (its last part is silent).
    A piece that is not there or cannot be read is not checked here: it keeps the silent placeholder, as before."""
    import json

    from .errors import InputError

    for n, cue in enumerate(plan.cues):
        if cue.temp is None or not Path(cue.temp.path).is_file():
            continue
        try:
            seconds = _piece_seconds(Path(cue.temp.path))
        except ValueError:
            continue
        where, name = f"cues[{n}] ({cue.id}).temp", Path(cue.temp.path).name
        if cue.temp.offset_seconds >= seconds:
            raise InputError(f"{where}.offset_seconds {cue.temp.offset_seconds:g} s is past the end of {name} "
                             f"({seconds:.3f} s long): give an offset inside the piece", plan_path)
        cut = json.loads(dict(cue.temp.extra).get("cut") or "null") or []
        for k, (_, source, length) in enumerate(cut):
            if source >= seconds:
                raise InputError(f"{where}.cut[{k}] plays from {source:g} s, past the end of {name} ({seconds:.3f} s "
                                 "long): each span's piece second must lie inside the piece", plan_path)
            if source + length > seconds + REACH_TOLERANCE_SECONDS:
                log.warning("%s: %s.cut[%d] plays %g-%g s of %s, which ends at %.3f s: its last %.3f s are silent",
                            plan_path, where, k, source, source + length, name, seconds, source + length - seconds)


def check_kept_temp(plan: Plan, library: str | Path | None = None) -> Plan:
    """``plan`` with each temp piece kept from a previous plan (``spot --previous``) checked against its cue.

    A piece that still fits stays (the fitter fits it to the cue's new length when rendered or applied); the
    cue's ``recut.notes`` say when it now loops. One that does not fit (missing, unreadable, offset past its
    end) is flagged there; a pinned piece is kept all the same (a person chose it, and no library choice
    replaces it), a chosen one is dropped so that ``--library`` chooses again. Relative paths are read from
    the ``library`` folder when given.
    """
    from .library.cuespec import frame_seconds

    cues = []
    for cue in plan.cues:
        if cue.temp is None or cue.recut is None or "temp" not in cue.recut.kept:
            cues.append(cue)
            continue
        path = Path(cue.temp.path)
        if not path.is_absolute() and library is not None:
            path = Path(library) / path
        rate = plan.sequences[cue.input].rate
        try:
            seconds = _piece_seconds(path)
            problem = temp_fit_problem(cue, rate, seconds)
        except ValueError as exc:
            seconds, problem = 0.0, f"{path} cannot be read ({exc})"
        if problem and not path.is_absolute() and library is None:
            cues.append(_noted(cue, f"temp piece not checked: {cue.temp.path} is relative to a library folder "
                                    "(give --library)"))
        elif problem and cue.temp.pinned:
            cues.append(_noted(cue, f"temp piece does not fit: {problem}; pinned, so kept: pin another piece "
                                    "or change its offset"))
        elif problem:
            log.warning("cue %s: the temp piece kept from the previous plan does not fit: %s", cue.id, problem)
            unkept = replace(cue.recut, kept=tuple(k for k in cue.recut.kept if k != "temp"))
            cues.append(_noted(replace(cue, temp=None, recut=unkept), f"temp piece dropped: {problem}; "
                               "--library chooses another"))
        else:
            left = seconds - cue.temp.offset_seconds
            cue_seconds = frame_seconds(cue.duration_frames, rate)
            note = (f"temp piece fits: {left:.1f} s from its offset, trimmed to the cue's {cue_seconds:.1f} s"
                    if left >= cue_seconds else
                    f"temp piece fits by looping: {left:.1f} s from its offset, looped to the cue's {cue_seconds:.1f} s")
            cue = _noted(cue, note) if cue.recut.length_frames or left < cue_seconds else cue
            cues.append(conform_temp(cue, plan, path) if cue.recut.edits else cue)
    return replace(plan, cues=cues)


def conform_temp(cue: Cue, plan: Plan, path: Path) -> Cue:
    """``cue`` with its kept temp edited where the recut edited the picture inside it (:mod:`.audio.conform`).

    The temp's cut (``temp.cut``: [cue s, piece s, length s] spans; the previous cue's cut is made again
    when the plan has none) is conformed and kept in the plan with the music edits made (``temp.edits``),
    so a later recut builds on them and ``apply``/``render`` play exactly that cut.
    """
    import json

    from .audio.conform import conform, fitted_to
    from .audio.cut import analysis_for, at_its_out, plan_for_file
    from .audio.decode import DecodeError
    from .audio.edit_plan import Span
    from .audio.fit import FitSettings, cue_sample_range
    from .library.cuespec import CueSpec, standard_rate_fraction

    assert cue.temp is not None and cue.recut is not None
    seq = plan.sequences[cue.input]
    extra = {k: json.loads(v) for k, v in cue.temp.extra}
    spec = CueSpec.from_cue(cue, seq.rate)
    if spec.temp_cut:
        spans = [Span(*c) for c in spec.temp_cut]
    else:
        try:
            before = _previous_spec(cue, seq.rate)
            previous = plan_for_file(path, before, seq.rate, FitSettings(), seq.start_frame, cue.temp.offset_seconds)
        except (DecodeError, ValueError) as exc:
            return _noted(cue, f"temp not conformed to the recut: {exc}")
        if previous is None:
            return _noted(cue, "temp not conformed to the recut: the piece has no bars to cut on")
        spans = [s for s in previous.spans if s.at < previous.spans[-1].end - previous.tail]
        spans[-1] = Span(spans[-1].at, spans[-1].source, previous.spans[-1].end - previous.tail - spans[-1].at)
    analysis = analysis_for(path)
    rate = float(standard_rate_fraction(seq.rate))
    spans, made = conform(spans, cue.recut.edits, rate, analysis.bars if analysis is not None else ())
    start, end = cue_sample_range(at_its_out(spec, seq.rate), seq.rate, FitSettings().sample_rate, seq.start_frame)  # to the out
    spans = fitted_to(spans, (end - start) / FitSettings().sample_rate)
    extra["cut"] = [[round(s.at, 6), round(s.source, 6), round(s.length, 6)] for s in spans]
    extra["edits"] = list(extra.get("edits") or []) + [m.to_json() for m in made]
    temp = replace(cue.temp, extra=tuple((k, json.dumps(v)) for k, v in extra.items()))
    words = ", ".join(f"{m.removed or m.added:.2f} s {'out' if m.removed else 'in'} at {m.at:.2f} s" for m in made)
    return _noted(replace(cue, temp=temp), f"temp conformed to the recut: {words}")


def _previous_spec(cue: Cue, rate: float) -> CueSpec:
    """The temp view of ``cue`` as it stood in the previous cut (its range and sync points there)."""
    from .library.cuespec import CueSpec

    assert cue.recut is not None
    start, end = cue.recut.previous_start_frame, cue.recut.previous_end_frame
    if start is None or end is None:
        raise ValueError(f"cue {cue.id}: start_frame and end_frame must be whole frames")
    if end <= start:
        raise ValueError(f"cue {cue.id}: empty range {start}-{end}")
    return CueSpec.from_cue(replace(cue, start_frame=start, end_frame=end, hits=cue.recut.previous_hits), rate)


def _noted(cue: Cue, note: str) -> Cue:
    return replace(cue, recut=replace(cue.recut, notes=cue.recut.notes + (note,)))
