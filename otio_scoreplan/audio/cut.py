"""From a music editor's cut (:mod:`.edit_plan`, in seconds) to the fitter's layout (samples), and back to the piece.

:func:`cut_layout` listens to the piece once (:func:`analysis_for`: :mod:`~otio_scoreplan.library.analysis`,
kept per file while it is unchanged), refines the moments that must land exactly (the button, the hit
candidates) to the sample on the piece itself, asks :func:`~.edit_plan.plan_edit` for the spans, and lays
them out as :class:`~.fit.Stretch` es with a short equal-power crossfade ending on each edit's bar line,
so the incoming downbeat plays whole. Entry and exit fades are placed for the cue's edges: a click guard,
a soft fade-in, a segue's equal-power overlap centred on the cut, a ring-out over the tail past the out.

Score cues are cut; source cues play as laid (from their offset, looped only when the piece runs out).
The lead before the cue and the tail after it are whole frames, so a clip can start on a frame of its file.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..library.cuespec import CueSpec, frame_seconds, standard_rate_fraction
from .decode import DecodedPiece
from .edit_plan import CutRequest, EditPlan, Span, plan_edit
from .fit import (
    FitSettings,
    Stretch,
    _strongest,
    cue_sample_range,
    fade_frames,
    fade_lengths,
    frame_to_sample,
    onset_strength,
)
from .stream import FitLayout

log = logging.getLogger(__name__)

SEGUE_SECONDS = (1.0, 2.0, 4.0)  # a segue's overlap: at least, when the tempos are unknown, at most
EDIT_CROSSFADE_SECONDS = 0.05  # each internal edit's crossfade, ending on the bar line
RING_SECONDS = {"hard_out": 2.0, "tail_out": 4.0}  # the most a button's decay plays past the out
REFINE_SECONDS = 0.03  # an analysed onset (22 ms hops) is looked for this far either side, on the piece's samples

_lock = threading.Lock()
_analyses: dict[tuple[str, int, int], Any] = {}
_refined: dict[tuple[str, int, int, int], tuple[Any, Any]] = {}  # file key and rate -> (analysis, refined)


def analysis_for(path: str | os.PathLike) -> Any | None:
    """What listening finds in the piece at ``path`` (a PieceAnalysis), or None when it cannot be analysed.

    Kept per (path, size, mtime) for the life of the process: a mix's workers and the segue planning ask
    for the same piece several times.
    """
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return None
    key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
    with _lock:
        if key in _analyses:
            return _analyses[key]
    from ..library.analysis import analyse_piece

    try:
        found = analyse_piece(p)
    except Exception as exc:  # noqa: BLE001 - an unreadable piece plays as laid; decoding reports it
        log.info("%s: not analysed (%s); it plays as laid", p, exc)
        found = None
    with _lock:
        _analyses[key] = found
    return found


def remember_library(library: Any) -> None:
    """Keep the analyses a library scan already holds (its cache), so cutting does not listen to a piece again."""
    for piece in getattr(library, "pieces", ()):
        if getattr(piece, "analysis", None) is None:
            continue
        path = Path(library.absolute(piece))
        try:
            st = path.stat()
        except OSError:
            continue
        with _lock:
            _analyses[(str(path.resolve()), st.st_size, st.st_mtime_ns)] = piece.analysis


def refined_for(piece: DecodedPiece, analysis: Any, sr: int) -> Any:
    """:func:`refined` of ``analysis`` on ``piece``, worked out once per piece (file unchanged) and sample rate:
    the cues of a score share a few pieces, and the refining reads the piece around every strong onset."""
    try:
        st = Path(piece.path).stat()
    except OSError:
        return refined(analysis, piece.read, piece.frames, sr)
    key = (str(Path(piece.path).resolve()), st.st_size, st.st_mtime_ns, sr)
    with _lock:
        kept = _refined.get(key)
    if kept is not None and kept[0] is analysis:
        return kept[1]
    found = refined(analysis, piece.read, piece.frames, sr)
    with _lock:
        _refined[key] = (analysis, found)
    return found


def bar_seconds(analysis: Any | None) -> float | None:
    """The piece's median bar length in seconds, or None."""
    bars = sorted(getattr(analysis, "bars", ()) or ())
    gaps = sorted(b - a for a, b in zip(bars, bars[1:]))
    return gaps[len(gaps) // 2] if gaps else None


def edge_frames(seconds: float, rate: float | Fraction) -> int:
    """Whole frames covering ``seconds`` (a lead or a tail), at least one when ``seconds`` > 0."""
    return max(0, math.ceil(seconds * float(standard_rate_fraction(rate)) - 1e-9))


def refine_onset(read, frames: int, t: float, sr: int) -> float:
    """``t`` (an analysed onset, seconds) moved to the attack found on the samples near it (``read(a, b)``)."""
    hop = 480
    a = max(0, int((t - REFINE_SECONDS) * sr) - 10 * hop)  # the 10 hops before: the level the attack rises from
    lo = max(0, int((t - REFINE_SECONDS) * sr)) - a
    b = min(frames, int((t + REFINE_SECONDS) * sr))
    if b - a - lo < 4 * hop:
        return t
    window = read(a, b)
    found = _strongest(onset_strength(window, hop), lambda x, y: window[x:y], lo, len(window), hop)
    return t if found is None else (a + found) / sr


def refined(analysis: Any, read, frames: int, sr: int) -> Any:
    """``analysis`` with its button and strong onsets placed to the sample on the piece."""
    from .edit_plan import HIT_CANDIDATES, STRONG_ONSET

    ending = analysis.ending
    if ending.kind == "button":
        ending = replace(ending, time=refine_onset(read, frames, float(ending.time), sr))
    strong = sorted(range(len(analysis.onsets)), key=lambda k: -analysis.onset_strength[k])[:HIT_CANDIDATES]
    onsets = list(analysis.onsets)
    for k in strong:
        if analysis.onset_strength[k] >= STRONG_ONSET:
            onsets[k] = refine_onset(read, frames, float(onsets[k]), sr)
    return replace(analysis, ending=ending, onsets=tuple(onsets))


def at_its_out(cue: CueSpec, rate: float | Fraction) -> CueSpec:
    """``cue`` as the cut sees it: a tail-out whose range holds its ring (the plan's exit frames, ``tail_frames``)
    ends at its out, the picture cut, where the piece's button lands; the ring is asked for as the tail past it
    (exactly those frames, where the piece lasts), so it rings over the cue's tail and is silent at the cue's end.
    Any other cue is returned as it is (as is a cue already at its out)."""
    if cue.exit != "tail_out" or not 0 < cue.tail_frames < cue.duration_frames:
        return cue
    return replace(cue, end_frame=cue.end_frame - cue.tail_frames, tail_frames=0,
                   tail_seconds=float(Fraction(cue.tail_frames) / standard_rate_fraction(rate)))


def ring_samples(plan_tail: float, out_frame: int, rate: float | Fraction, sr: int, end_frame: int | None = None) -> int:
    """A button's ring past the out (``plan_tail`` seconds the piece gives) as whole frames from the out
    (``out_frame``, absolute), so a clip's fade-out ends on the frame where the mix's ring ends.

    The one place the ring is clamped to the programme: never past ``end_frame`` (absolute, the sequence's end),
    so no clip of ours lengthens the editor's sequence and the mix's ring ends, faded to nothing, where the
    sequence does (:func:`cut_layout` for render, :func:`media_layout` for every writer's clip and automation)."""
    frames = math.floor(plan_tail * float(standard_rate_fraction(rate)) + 1e-6)
    if end_frame is not None:
        frames = max(0, min(frames, end_frame - out_frame))
    return frame_to_sample(out_frame + frames, rate, sr) - frame_to_sample(out_frame, rate, sr)


def request_for(cue: CueSpec, rate: float | Fraction, settings: FitSettings, origin_frame: int, offset_seconds: float,
                lead: float, tail: float) -> CutRequest:
    """What ``cue`` asks of its piece, in seconds (its length exact to its samples)."""
    sr = settings.sample_rate
    start, end = cue_sample_range(cue, rate, sr, origin_frame)
    hits = tuple((frame_to_sample(origin_frame + h.frame, rate, sr) - frame_to_sample(origin_frame, rate, sr) - start) / sr
                 for h in cue.hits if cue.start_frame <= h.frame < cue.end_frame)
    if cue.exit in RING_SECONDS:
        tail = max(tail, cue.tail_seconds if cue.exit == "tail_out" and cue.tail_seconds > 0 else RING_SECONDS[cue.exit])
    return CutRequest(length=(end - start) / sr, entry=cue.entry, exit=cue.exit, hits=hits,
                      offset=offset_seconds if offset_seconds > 0 else None, lead=lead, tail=tail,
                      crossfade=EDIT_CROSSFADE_SECONDS, frame=1 / float(standard_rate_fraction(rate)))


def as_laid(request: CutRequest, piece_seconds: float) -> EditPlan | None:
    """A source cue's (or an unanalysed piece's) plan: the piece from its offset, when it lasts the cue."""
    start = max(0.0, (request.offset or 0.0) - request.lead)
    need = request.lead + request.length
    if start + need > piece_seconds:
        return None
    tail = max(0.0, min(request.tail, piece_seconds - start - need))
    return EditPlan((Span(-request.lead, start, need + tail),), request.lead, tail, request.crossfade, notes=("played as laid",))


def plan_for(cue: CueSpec, analysis: Any | None, request: CutRequest, piece_seconds: float) -> EditPlan | None:
    """The cut for ``cue``: a music editor's for a score cue with an analysis, else as laid (None: loop it)."""
    if cue.kind == "score" and analysis is not None:
        plan = plan_edit(analysis, request)
        if plan is not None:
            return plan
    return as_laid(request, piece_seconds)


def stretches_for(plan: EditPlan, lead: int, total: int, frames: int, sr: int, crossfade: int) -> list[Stretch]:
    """The plan's spans as stretches over ``total`` output samples (cue time 0 at ``lead``), joins crossfaded."""
    starts = [lead + int(round(s.at * sr)) for s in plan.spans]
    starts[0] = 0
    bounds = starts[1:] + [total]
    out: list[Stretch] = []
    for k, span in enumerate(plan.spans):
        a, b = starts[k], bounds[k]
        if b <= a:
            continue
        src = int(round(span.source * sr)) - (lead + int(round(span.at * sr)) - a)
        if k + 1 < len(plan.spans) and b < total:
            nxt = int(round(plan.spans[k + 1].source * sr))
            xf = max(0, min(crossfade, nxt, frames - (src + b - a), (b - a) // 2))
            if b - xf > a:
                out.append(Stretch(a, b - xf, src))
            if xf:
                out.append(Stretch(b - xf, b, src + b - xf - a, xf, 0, nxt - xf))
        else:
            out.append(Stretch(a, b, src))
    return out


def edge_fades(cue: CueSpec, settings: FitSettings, plan: EditPlan, lead: int, cue_len: int, tail: int,
               rate: float | Fraction | None = None, origin_frame: int = 0, end_frame: int | None = None) -> dict[str, Any]:
    """The fades of a cut cue: ``fade_in``/``fade_in_at``, ``fade_out``/``fade_out_end``, ``fade_out_shape``, and the
    whole frames each lasts (``fade_in_frames``/``fade_out_frames``: the clip's keyframes, :func:`~.fit.fade_points`).

    Lengths from the one fade table (:func:`~.fit.fade_lengths`, whole frames with ``rate``); a button's ring
    is the ``tail`` past the out, faded to nothing at its end. A ring-out whose out is the sequence's end
    (``end_frame``, absolute: no frame left to ring over) fades over its last whole frame, to nothing at the end."""
    fin, fout = fade_lengths(cue, settings, cue_len, rate, origin_frame)
    if cue.entry == "segue" and lead:
        fin_at, fin = 0, 2 * lead  # equal power, centred on the cue's start
    else:
        fin_at = lead
    total = lead + cue_len + tail
    shape = "sine"
    if cue.exit == "segue" and tail:
        fout = 2 * tail  # centred on the out
    elif cue.exit in RING_SECONDS and tail:
        fout, shape = tail, "ring"  # the button's decay rings on past the out, faded to nothing
    elif cue.exit in RING_SECONDS and rate is not None and end_frame is not None and origin_frame + cue.end_frame >= end_frame:
        sr = settings.sample_rate
        last = frame_to_sample(origin_frame + cue.end_frame, rate, sr) - frame_to_sample(origin_frame + cue.end_frame - 1, rate, sr)
        fout, shape = min(last, cue_len // 2), "ring"  # the programme's last frame: the ring faded inside it
    elif cue.exit in RING_SECONDS:
        fout = min(fout, cue_len // 2)
    if plan.spans and plan.spans[0].source <= 1e-3 and cue.entry == "hard_in":
        fin = min(fin, int(0.002 * settings.sample_rate))  # the piece's own beginning: no more than a guard
    sr = settings.sample_rate
    return {"fade_in": fin, "fade_in_at": fin_at, "fade_out": fout, "fade_out_end": total, "fade_out_shape": shape,
            "fade_in_frames": fade_frames(fin, rate, sr), "fade_out_frames": fade_frames(fout, rate, sr)}


def stored_edit_plan(cut: tuple[tuple[float, float, float], ...], request: CutRequest, piece_seconds: float) -> EditPlan:
    """The cut kept in the plan (``temp.cut``: [cue seconds, piece seconds, length]), with the lead and tail asked for."""
    spans = [Span(*map(float, c)) for c in cut]
    first, last = spans[0], spans[-1]
    spans[0] = Span(first.at - request.lead, first.source - request.lead, first.length + request.lead)
    tail = max(0.0, min(request.tail, piece_seconds - (last.source + request.length - last.at)))
    last = spans[-1]
    spans[-1] = Span(last.at, last.source, request.length + tail - last.at)
    return EditPlan(tuple(spans), request.lead, tail, request.crossfade, notes=("the cut kept in the plan",))


def cut_plan(piece: DecodedPiece, cue: CueSpec, rate: float | Fraction, offset_seconds: float, settings: FitSettings,
             origin_frame: int = 0, lead_frames: int = 0, tail_seconds: float = 0.0) -> tuple[EditPlan | None, int]:
    """The cut of ``cue`` from ``piece`` (seconds) and its lead in samples: the plan's kept cut, else a new one."""
    sr = settings.sample_rate
    start, end = cue_sample_range(cue, rate, sr, origin_frame)
    origin = frame_to_sample(origin_frame, rate, sr)
    lead = start - (frame_to_sample(origin_frame + cue.start_frame - lead_frames, rate, sr) - origin)
    request = request_for(cue, rate, settings, origin_frame, offset_seconds, lead / sr, tail_seconds)
    if cue.temp_cut and abs(sum(c[2] for c in cue.temp_cut) - request.length) <= request.frame:
        return stored_edit_plan(cue.temp_cut, request, piece.frames / sr), lead
    if cue.temp_cut:
        log.warning("cue %s: the cut kept in the plan does not last the cue; cut again", cue.id)
    analysis = analysis_for(piece.path) if cue.kind == "score" else None
    if analysis is not None:
        analysis = refined_for(piece, analysis, sr)
    return plan_for(cue, analysis, request, piece.frames / sr), lead


def plan_for_file(path: str | os.PathLike, cue: CueSpec, rate: float | Fraction, settings: FitSettings,
                  origin_frame: int = 0, offset_seconds: float = 0.0) -> EditPlan | None:
    """:func:`cut_plan` of ``cue`` from the piece at ``path`` (no lead or tail asked). Raises ``DecodeError``."""
    from .decode import open_piece

    with open_piece(path, sample_rate=settings.sample_rate) as piece:
        return cut_plan(piece, at_its_out(cue, rate), rate, offset_seconds, settings, origin_frame)[0]


def cut_layout(piece: DecodedPiece, cue: CueSpec, rate: float | Fraction, offset_seconds: float, settings: FitSettings,
               origin_frame: int = 0, lead_frames: int = 0, tail_seconds: float = 0.0,
               end_frame: int | None = None) -> FitLayout | None:
    """The layout of ``cue`` cut from ``piece``: ``lead_frames`` before its start, up to ``tail_seconds`` past its out;
    a ring never past ``end_frame`` (absolute, the sequence's end: :func:`ring_samples`).

    None when the piece can be neither cut (no bars found) nor laid (it runs out): the caller loops it.
    """
    sr = settings.sample_rate
    cue = at_its_out(cue, rate)
    plan, lead = cut_plan(piece, cue, rate, offset_seconds, settings, origin_frame, lead_frames, tail_seconds)
    if plan is None:
        return None
    start, end = cue_sample_range(cue, rate, sr, origin_frame)
    cue_len = end - start
    tail = ring_samples(plan.tail, origin_frame + cue.end_frame, rate, sr, end_frame) if cue.exit in RING_SECONDS else int(round(plan.tail * sr))
    total = lead + cue_len + tail
    stretches = stretches_for(plan, lead, total, piece.frames, sr, int(round(plan.crossfade * sr)))
    edits = tuple(lead + int(round(t * sr)) for t in plan.edits)
    button = None if plan.button_at is None else lead + int(round(plan.button_at * sr))
    hit = ""
    if plan.hit_source is not None:
        first = next(h for h in cue.hits if cue.start_frame <= h.frame < cue.end_frame)
        label = f" '{first.label}'" if first.label else ""
        hit = f"onset at {plan.hit_source:.3f} s on hit{label} (frame {first.frame})"
    for note in plan.notes:
        log.info("cue %s: %s", cue.id, note)
    return FitLayout(cue.id, start - lead, total, stretches[0].source if stretches else 0, tuple(stretches), len(edits),
                     hit=hit, lead=lead, tail=tail, edits=edits, button=button, notes=plan.notes,
                     **edge_fades(cue, settings, plan, lead, cue_len, tail, rate, origin_frame, end_frame))


def with_handles(plan: EditPlan, head: float, tail: float, piece_seconds: float) -> tuple[EditPlan, float]:
    """``plan`` with its first span reaching up to ``head`` s earlier (as far as the piece goes back) and its last
    playing on to ``tail`` s past the out (as far as the piece goes); and the head it got (seconds)."""
    spans = list(plan.spans)
    first, last = spans[0], spans[-1]
    got = max(0.0, min(head, first.source))
    spans[0] = Span(first.at - got, first.source - got, first.length + got)
    if len(spans) == 1:
        last = spans[0]
    out = plan.spans[-1].end - plan.tail  # the cue's out
    reach = max(0.0, min(max(tail, plan.tail), piece_seconds - (last.source + out - last.at)))
    spans[-1] = Span(last.at, last.source, out + reach - last.at)
    return replace(plan, spans=tuple(spans), lead=plan.lead + got, tail=reach), got


def media_layout(piece: DecodedPiece, cue: CueSpec, rate: float | Fraction, offset_seconds: float, settings: FitSettings,
                 origin_frame: int, handle_seconds: float, end_frame: int | None = None, lead_frames: int = 0,
                 tail_seconds: float = 0.0) -> tuple[FitLayout, int, tuple[int, int, int, str]] | None:
    """The clean media of a cut cue: the cut with handles (whole frames, where the piece allows) and no fades.

    Returns the layout, the head handle in frames, and the clip's automation: the entry and exit fades it
    should carry (samples: from the cue's in, and ending where the mix's exit fade ends), the whole frames it
    plays past the cue's out (a button's ring after a hard out; a tail-out rings inside its range) and the exit
    fade's curve (:func:`~.fit.fade_points`' shape). The cut is the mix's: asked with a segue's ``lead_frames``
    and ``tail_seconds`` as :func:`cut_layout` asks it (the head handle at least the lead). All as the mix plays the cue (:func:`cut_layout`), the ring never past ``end_frame`` (the sequence's end). None when the
    piece is looped (no cut).
    """
    sr = settings.sample_rate
    whole, cue = cue, at_its_out(cue, rate)
    plan, lead = cut_plan(piece, cue, rate, offset_seconds, settings, origin_frame, lead_frames, tail_seconds)
    if plan is None:
        return None
    start, end = cue_sample_range(cue, rate, sr, origin_frame)
    cue_len = end - start
    ring = ring_samples(plan.tail, origin_frame + cue.end_frame, rate, sr, end_frame) if cue.exit in RING_SECONDS else 0
    fades = edge_fades(cue, settings, plan, 0, cue_len, ring if cue.exit in RING_SECONDS else int(round(plan.tail * sr)),
                       rate, origin_frame, end_frame)
    fade_in, fade_out = fades["fade_in"], fades["fade_out"]  # a ring-out: from the out to the ring's end
    past_out = max(0, cue.end_frame + round(ring * float(standard_rate_fraction(rate)) / sr) - whole.end_frame)
    if whole.end_frame > cue.end_frame and ring:  # a tail-out: the clip fades from the out to its end (the media is
        # silent after the ring when the piece ends sooner)
        fade_out = frame_to_sample(origin_frame + whole.end_frame, rate, sr) - frame_to_sample(origin_frame + cue.end_frame, rate, sr)
    after_handle = handle_seconds + frame_seconds(whole.end_frame - cue.end_frame, rate)  # counted from the cue's end
    rate_f = float(standard_rate_fraction(rate))
    # the head handle as long as the piece allows, and never before timecode 00:00:00:00: a BWF time reference
    # cannot be negative (a sequence starting at 00:00:00:00 with a cue on its first frame gets no head handle)
    before_cue = plan.spans[0].source - plan.spans[0].at  # the piece before the cue's in (a segue's lead is in it)
    head_frames = max(lead_frames if lead else 0,
                      min(edge_frames(handle_seconds, rate), int(max(0.0, before_cue) * rate_f + 1e-9),
                          max(0, origin_frame + cue.start_frame)))
    origin = frame_to_sample(origin_frame, rate, sr)
    head = start - (frame_to_sample(origin_frame + cue.start_frame - head_frames, rate, sr) - origin)
    handled, _ = with_handles(plan, (head - lead) / sr, after_handle, piece.frames / sr)
    tail = int(round(handled.tail * sr))
    total = head + cue_len + tail
    stretches = stretches_for(handled, head, total, piece.frames, sr, int(round(plan.crossfade * sr)))
    layout = FitLayout(cue.id, start - head, total, stretches[0].source if stretches else 0, tuple(stretches),
                       len(plan.edits), 0, 0, "sine", lead=head, tail=tail, notes=plan.notes)
    return layout, head_frames, (fade_in, fade_out, past_out, fades["fade_out_shape"])


def segue_edges(cues: list[CueSpec], paths: list[str], rate: float | Fraction) -> dict[str, tuple[CueSpec, int, float]]:
    """Cues that segue into the next one (touching, one of the two marked segue), with their overlap.

    Returns cue id -> (the cue marked segue at the joined edges, lead frames, tail seconds): the two overlap
    by about a bar of their pieces (:data:`SEGUE_SECONDS`), half on either side of the cut, both whole frames.
    """
    order = sorted(range(len(cues)), key=lambda k: cues[k].start_frame)
    out: dict[str, tuple[CueSpec, int, float]] = {}
    for x, y in zip(order, order[1:]):
        a, b = cues[x], cues[y]
        if abs(b.start_frame - a.end_frame) > 1 or not (a.exit == "segue" or b.entry == "segue"):
            continue
        bars = [bar_seconds(analysis_for(paths[k])) for k in (x, y)]
        lo, default, hi = SEGUE_SECONDS
        known = [v for v in bars if v]
        overlap = min(hi, max(lo, sum(known) / len(known))) if known else default
        frames = edge_frames(overlap / 2, rate)
        a_cue, a_lead, _ = out.get(a.id, (a, 0, 0.0))
        out[a.id] = (replace(a_cue, exit="segue"), a_lead, frames / float(standard_rate_fraction(rate)))
        b_cue, _, b_tail = out.get(b.id, (b, 0, 0.0))
        out[b.id] = (replace(b_cue, entry="segue"), frames, b_tail)
    return out
