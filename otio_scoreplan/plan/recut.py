"""A recut planned against the previous plan (``spot --previous``): the music editor's work goes on.

Cues are matched to the previous plan's by overlap (:func:`.numbering.match_previous`: one to one, the
largest overlap of at least half the shorter cue) after the previous cues are moved to where their picture
is in the recut (:mod:`.shotmap`), so a matched cue keeps its id. A matched cue keeps from
the previous plan what a music editor decides in it:

- ``final`` (the final music's catalogue data for the cue sheet), as written;
- ``temp`` (the temp piece chosen or pinned, with its offset): the cue's new length is fitted when the plan
  is rendered or applied (trimmed, looped or faded by :mod:`otio_scoreplan.audio.fit`); where the picture
  under the cue's head is gone from the cut (shots dropped, or frames trimmed from a shot's head: the shots'
  media frames tell, see :mod:`.shotmap`), the offset advances by exactly those frames (the piece stays in sync
  with the picture it played under); an in point moved over picture still in the cut keeps the offset;
  :func:`otio_scoreplan.tempscore.check_kept_temp` says where a kept piece no longer fits;
- the spotting decisions: ``kind`` (score/source), ``moods``, ``themes``, ``intensity``, ``palette``,
  ``description`` (when a person wrote it: the planner's follows the recut's scenes) and the entry/exit (type and length, re-anchored on the recut's cuts; a segue on either
  side is the recut's: it follows the neighbouring cues; the frames the cut marks, NO MUSIC ranges and
  neighbouring score cues win over a kept pre-lap or tail). Where the recut's own planning suggests
  something else, the previous value is kept and the cue's ``recut.notes`` say what the cut now suggests.

A cue the previous plan proposed (origin ``auto``) is the music editor's cue once they have the plan: it is not
planned again but kept where its picture is, exactly as a marked cue follows its markers (:func:`kept_proposals`;
its range, pre-lap and tail cuts and hits moved through the shots, so a cue whose shots all survive keeps its
length and moves by exactly the frames deleted before it; one that began or ended on a cut does so on the
recut's). The previous picture has been spotted: the recut proposes cues only over picture new to the cut
(:func:`previous_picture`). A NO MUSIC direction touching a kept proposal wins: it is then dropped (saying why).
A direction's cue over part of its picture (a marked cue moved onto it in the recut) wins there: the proposal
keeps its picture on either side (a split, as in :func:`split_part`), or is merged when nothing of cue length
is left. Its segue sides follow the neighbours (:func:`segues_rejoined`).

Every continued cue keeps the picture edits the recut made inside it in ``recut.edits``
(:class:`~.recut_edits.PictureEdit`: frames removed or added, where), for the temp conform and the change memo.

Where the music sounds otherwise follows the recut: ranges, cut frames, hits and reasons are the new planning's.
Each cue records what happened to it in ``recut`` (:class:`~.model.CueChange`: kept, moved, lengthened,
shortened, split, new); previous cues no cue continues are listed as :class:`~.model.DroppedCue`, with their
final music and temp piece; a cue one merged into says in its notes what it absorbed (its own ``final`` is
not changed: which music plays there now, and so what the cue sheet lists, is the music editor's call). A part
split off a previous cue gets its spotting decisions and its temp piece (the offset advanced to where the
part starts), but not its final music: a cue sheet entry is a person's call.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from .context import Range
from .model import Cue, CueChange, DroppedCue, Edge, Plan, TempPick
from .numbering import IdFormat, match_previous
from .recut_edits import PictureEdit
from .rules import Rules
from .shotmap import Placed

log = logging.getLogger(__name__)

SPOTTING_FIELDS = ("kind", "moods", "themes", "intensity", "palette", "description")


def _overlap(a: Cue, b: Cue) -> int:
    if a.input != b.input:
        return 0
    return max(0, min(a.end_frame, b.end_frame) - max(a.start_frame, b.start_frame))


def _words(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value) or "none"
    return str(value) or "none"


def _edges(new: Cue, old: Cue, duration: int, forbidden: list[Range]) -> tuple[Cue, list[str], list[str]]:
    """``new`` with the previous cue's entry and exit (type, length), anchored on the new cut; kept; notes."""
    notes, kept = [], []
    entry_anchor = new.entry.cut_frame if new.entry.type == "prelap" and new.entry.cut_frame is not None else new.start_frame
    exit_anchor = new.exit.cut_frame if new.exit.type == "tail_out" and new.exit.cut_frame is not None else new.end_frame
    start, entry = new.start_frame, new.entry
    if "segue" not in (old.entry.type, new.entry.type) and (old.entry.type, old.entry.frames) != (new.entry.type, new.entry.frames):
        if old.entry.type == "prelap":
            start = max(0, entry_anchor - old.entry.frames)  # no earlier than the sequence's first frame
            entry = Edge("prelap", entry_anchor - start, entry_anchor) if start < entry_anchor else Edge("hard_in")
        else:
            start, entry = entry_anchor, Edge(old.entry.type, old.entry.frames)
        notes.append(f"entry: kept {_edge_words(old.entry)} (the cut now suggests {_edge_words(new.entry)})")
        kept.append("entry")
    end, exit_ = new.end_frame, new.exit
    if "segue" not in (old.exit.type, new.exit.type) and (old.exit.type, old.exit.frames) != (new.exit.type, new.exit.frames):
        if old.exit.type == "tail_out":
            end = min(duration, exit_anchor + old.exit.frames)  # no later than the sequence's end
            exit_ = Edge("tail_out", end - exit_anchor, exit_anchor) if end > exit_anchor else Edge("hard_out")
        else:
            end, exit_ = exit_anchor, Edge(old.exit.type, old.exit.frames)
        notes.append(f"exit: kept {_edge_words(old.exit)} (the cut now suggests {_edge_words(new.exit)})")
        kept.append("exit")
    if end <= start:  # the previous edges do not fit the recut's range: the new planning's stand
        return new, [], [f"the previous entry/exit ({_edge_words(old.entry)}, {_edge_words(old.exit)}) leave no "
                         "room in the recut; the new planning's are used"]
    if notes and new.origin in ("explicit", "music") and (start, end) != (new.start_frame, new.end_frame):
        # a marked range or music in the cut fixes the frames: only an edge that keeps them is kept
        return new, [], [f"the previous entry/exit ({_edge_words(old.entry)}, {_edge_words(old.exit)}) would move "
                         "the frames the cut marks; the cut's are used"]
    if any(start < f1 and end > f0 for f0, f1 in forbidden) and not any(
            new.start_frame < f1 and new.end_frame > f0 for f0, f1 in forbidden):
        return new, [], [f"the previous entry/exit ({_edge_words(old.entry)}, {_edge_words(old.exit)}) would run "
                         "into a NO MUSIC range; the new planning's are used"]
    return replace(new, start_frame=start, end_frame=end, entry=entry, exit=exit_), kept, notes


def _edge_words(edge: Edge) -> str:
    return f"{edge.type} {edge.frames}f" if edge.frames else edge.type


def _with_kind(cue: Cue, kind: str, rules: Rules) -> Cue:
    """``cue`` as ``kind``, its id's source suffix following (``1M3`` <-> ``1M3S``, in the rules' id template)."""
    if kind == cue.kind:
        return cue
    return replace(cue, kind=kind, id=IdFormat.from_rules(rules).with_source(cue.id, kind == "source"))


def planner_described(old: Cue, previous: Plan) -> bool:
    """Whether ``old``'s description is still the one the planner wrote (a person's own words, or their edit of
    the planner's, are kept across a recut; the planner's follow the recut's scenes).

    The planner stores a digest of the text it wrote (``description_digest``): a description that no longer
    matches it is a person's. A plan written before digests were stored is judged by its opening: the name of a
    scene it plays over, as :func:`.describe.describe` writes it."""
    own = old.planner_description
    if own is not None:
        return own
    rows = previous.analyses[old.input].get("scenes", []) if old.input < len(previous.analyses) else []
    labels = [str(r.get("label", "")) for r in rows
              if int(r.get("start_frame", 0)) < old.end_frame and int(r.get("end_frame", 0)) > old.start_frame]
    return any(label and old.description.startswith(label) for label in labels)


def _resynced(temp: TempPick, frames: int, rate: float) -> tuple[TempPick, str]:
    """``temp`` for a cue whose first ``frames`` lost their picture in the recut (a head trim): the piece goes
    on in sync with the picture it played under (its offset advanced by the trimmed frames); a note saying so."""
    offset = round(temp.offset_seconds + frames / rate, 3)
    return replace(temp, offset_seconds=offset), (
        f"temp piece offset {temp.offset_seconds:.3f} -> {offset:.3f} s: the picture under the cue's first "
        f"{frames}f is gone from the cut, the piece stays in sync with the picture it played under")


def carry(new: Cue, old: Cue, duration: int, forbidden: list[Range], rules: Rules, placed: Cue | None = None,
          described: bool = False, rate: float = 24.0, moved: bool = False, head_lost: int = 0,
          edits: tuple[PictureEdit, ...] = ()) -> Cue:
    """``new`` (the recut's planning of a cue the previous plan had as ``old``) with the music editor's work kept.

    ``placed`` is ``old`` moved to where its picture is in the recut (:mod:`.shotmap`): where the cue now sits
    against that picture is noted. ``head_lost``: frames at the previous cue's head whose picture the recut
    removed: a kept temp piece's offset advances by them (``rate``: the recut's frame rate), so the music stays
    in sync with the picture it played under. A start moved over picture still in the cut (an in point moved)
    keeps the offset: the piece's entry follows the new in point, as the notes say. ``described``: the previous
    description is the planner's, not kept. ``moved``: the cut moved some of the cue's picture elsewhere.
    ``edits``: the picture edits the recut made inside the previous cue (:meth:`.shotmap.ShotMap.edits`), kept
    in ``recut.edits``.
    """
    kept: list[str] = []
    notes: list[str] = []
    out = new
    for name in SPOTTING_FIELDS:
        before, now = getattr(old, name), getattr(new, name)
        if before == now or (name == "description" and described):
            continue
        out = _with_kind(out, before, rules) if name == "kind" else replace(out, **{name: before})
        kept.append(name)
        if name not in ("palette", "description"):
            notes.append(f"{name}: kept {_words(before)} (the cut now suggests {_words(now)})")
        elif name == "description":
            notes.append(f"description: kept (the cut now reads: {now or 'nothing'})")
    out, edge_kept, edge_notes = _edges(out, old, duration, forbidden)
    kept += edge_kept
    notes += edge_notes
    if old.final:
        out = replace(out, final=old.final)
        kept.append("final")
    at = placed if placed is not None else old
    if old.temp is not None:
        temp = old.temp
        if head_lost > 0:
            temp, note = _resynced(temp, head_lost, rate)
            notes.append(note)
        out = replace(out, temp=temp)
        kept.append("temp")
    if moved:
        notes.append(f"its picture was moved in the cut (from {old.start_frame} to {at.start_frame}); the cue "
                     "went with it")
    if placed is not None and (placed.start_frame, placed.end_frame) != (old.start_frame, old.end_frame):
        d_in, d_out = out.start_frame - placed.start_frame, out.end_frame - placed.end_frame
        notes.append(f"against the picture: in {d_in:+d}f, out {d_out:+d}f" if d_in or d_out else
                     f"the same on the picture (the picture under it moved {placed.start_frame - old.start_frame:+d}f)")
    if edits and placed is not None and placed.start_frame != out.start_frame:  # counted from the cue's own start
        edits = tuple(replace(e, at=e.at + placed.start_frame - out.start_frame) for e in edits)
    grown = out.duration_frames - old.duration_frames
    if old.temp is not None and grown:
        notes.append(f"temp piece re-fitted to the new length ({grown:+d} frames) when rendered or applied")
    return replace(out, recut=CueChange("kept", old.id, old.start_frame, old.end_frame, kept=tuple(kept),
                                        notes=tuple(notes), edits=edits))  # change, frames counted at the end


def split_part(new: Cue, old: Cue) -> Cue:
    """A cue of the recut cut out of the previous cue ``old`` (whose id another part kept): its moods, themes,
    intensity and palette, and its temp piece; its kind is the recut's."""
    out = new
    kept: list[str] = []
    for name in ("moods", "themes", "intensity", "palette"):
        if getattr(old, name) != getattr(new, name):
            out = replace(out, **{name: getattr(old, name)})
            kept.append(name)
    notes: list[str] = []
    if old.temp is not None:  # its offset is set with the other parts' (see _carry_on)
        out = replace(out, temp=old.temp)
        kept.append("temp")
    if old.final:
        notes.append(f"the final music of {old.id} stays on {old.id}: add it here if this part plays it too")
    return replace(out, recut=CueChange("split", old.id, old.start_frame, old.end_frame, kept=tuple(kept),
                                        notes=tuple(notes)))


def _keep_apart(out: list[Cue], rules: Rules) -> None:
    """Shorten kept pre-laps and tails that would run into a neighbouring score cue (only a planned crossfade
    overlaps); a kind kept from the previous plan that makes two score cues overlap gives way to the recut's."""
    for index in sorted({c.input for c in out}):
        order = sorted((k for k, c in enumerate(out) if c.input == index and c.kind == "score"),
                       key=lambda k: (out[k].start_frame, out[k].end_frame))
        for a, b in zip(order, order[1:]):
            first, second = out[a], out[b]
            if first.end_frame <= second.start_frame:
                continue
            kept_b = second.recut.kept if second.recut else ()
            kept_a = first.recut.kept if first.recut else ()
            if "entry" in kept_b and second.entry.type == "prelap":
                cut = second.entry.cut_frame if second.entry.cut_frame is not None else second.start_frame
                start = min(cut, max(second.start_frame, first.end_frame))
                entry = Edge("prelap", cut - start, cut) if cut > start else Edge("hard_in")
                out[b] = second = _noted(replace(second, start_frame=start, entry=entry),
                                         f"entry: the kept pre-lap shortened to {cut - start}f (it ran into {first.id})")
            planners = first.origin in ("auto", "grown")  # a kept proposal's tail, moved with its picture
            if first.end_frame > second.start_frame and ("exit" in kept_a or planners) and first.exit.type == "tail_out":
                cut = first.exit.cut_frame if first.exit.cut_frame is not None else first.end_frame
                end = max(cut, min(first.end_frame, second.start_frame))
                exit_ = Edge("tail_out", end - cut, cut) if end > cut else Edge("hard_out")
                out[a] = first = _noted(replace(first, end_frame=end, exit=exit_),
                                        f"exit: the kept tail shortened to {end - cut}f (it ran into {second.id})")
            for k, cue, kept in ((b, second, kept_b), (a, first, kept_a)):
                if out[a].end_frame > out[b].start_frame and "kind" in kept:  # the recut's kind, as planned
                    cue = replace(cue, recut=replace(cue.recut, kept=tuple(x for x in kept if x != "kind")))
                    out[k] = _noted(_with_kind(cue, "source", rules), "kind: source, as the cut now suggests "
                                    "(as score it would run into another score cue)")


def _noted(cue: Cue, note: str) -> Cue:
    return replace(cue, recut=replace(cue.recut, notes=cue.recut.notes + (note,))) if cue.recut else cue


def _carry_on(out: list[Cue], parts: list[int], old: Cue, rate: float, head_lost: int = 0) -> None:
    """The parts a previous cue was split into (``out`` indexes, the id holder first), told of each other; the
    previous temp piece carries on through them: the first part at its offset (advanced by the ``head_lost``
    frames whose picture is gone), each later one as far into the piece as it starts after the first."""
    first = min(out[k].start_frame for k in parts)
    names = ", ".join(out[k].id for k in sorted(parts, key=lambda j: out[j].start_frame))
    for k in parts:
        cue, change = out[k], out[k].recut
        notes = change.notes + (f"split: {old.id} of the previous plan is now {names}",)
        temp = cue.temp
        if old.temp is not None and cue.temp is not None and cue.temp.path == old.temp.path:
            offset = round(old.temp.offset_seconds + (head_lost + cue.start_frame - first) / rate, 3)
            temp = replace(old.temp, offset_seconds=offset)
            if cue.start_frame != first:
                notes += (f"temp piece carried on from {offset:.3f} s into it",)
        out[k] = replace(cue, temp=temp, recut=replace(change, notes=notes))


def carry_previous(cues: list[Cue], previous: Plan, placed: Plan, durations: list[int], rates: list[float],
                   forbidden: list[list[Range]], rules: Rules,
                   where: Placed | None = None) -> tuple[list[Cue], list[DroppedCue]]:
    """The recut's numbered cues (film order) with the previous plan's work carried, and the dropped cues.

    ``placed`` is ``previous`` with its cues moved to where their picture is in the recut
    (:func:`.shotmap.place_previous`): cues are matched there. ``durations``, ``rates`` and ``forbidden``
    (NO MUSIC ranges) are per input of the recut; ``where``: what the cut did to each previous cue's picture.
    A dropped cue keeps its final music and temp piece in its record; a cue it merged into says so.
    """
    matched = match_previous(cues, placed)
    old_by_id = {c.id: c for c in previous.cues}
    holder = {old_id: i for i, old_id in matched.items()}
    out: list[Cue] = []
    for i, cue in enumerate(cues):
        if i in matched:
            old = old_by_id[matched[i]]
            out.append(carry(cue, old, durations[cue.input], forbidden[cue.input], rules,
                             next(p for p in placed.cues if p.id == old.id), planner_described(old, previous),
                             rates[cue.input], where is not None and old.id in where.moved,
                             where.head_lost.get(old.id, 0) if where is not None else 0,
                             where.edits.get(old.id, ()) if where is not None else ()))
            continue
        parents = sorted((o for o in placed.cues if o.id in holder and _overlap(cue, o) * 2 >= cue.duration_frames
                          and cue.kind == cues[holder[o.id]].kind and not _overlap(cue, cues[holder[o.id]])),
                         key=lambda o: -_overlap(cue, o))
        if parents:  # a part of a previous cue beside the part that kept its id
            out.append(split_part(cue, old_by_id[parents[0].id]))
        else:
            near = [o.id for o in placed.cues if _overlap(cue, o)]
            note = f"overlaps {', '.join(near)} of the previous plan" if near else "no cue of the previous plan here"
            out.append(replace(cue, recut=CueChange("new", notes=(note,))))
    for old_id, i in holder.items():
        parts = [k for k, c in enumerate(out) if c.recut and c.recut.change == "split" and c.recut.previous_id == old_id]
        if parts:
            _carry_on(out, [i] + parts, old_by_id[old_id], rates[out[i].input],
                      where.head_lost.get(old_id, 0) if where is not None else 0)
    _keep_apart(out, rules)
    dropped = []
    for old, there in zip(previous.cues, placed.cues):
        if old.id in holder:
            continue
        into = sorted((k for k, c in enumerate(out) if _overlap(c, there) > 0), key=lambda k: -_overlap(out[k], there))
        barred = there.end_frame > there.start_frame and _overlaps(there, forbidden[old.input] if old.input < len(
            forbidden) else [])
        note = ("a NO MUSIC direction covers its picture now" if barred else f"merged into {out[into[0]].id}" if into
                else "its picture is gone from the cut" if there.end_frame <= there.start_frame
                else "no cue of the recut plays here")
        dropped.append(DroppedCue(old.id, old.input, old.start_frame, old.end_frame, note, old.final, old.temp,
                                  out[into[0]].id if into else ""))
        if into and (old.final or old.temp is not None):
            out[into[0]] = _noted(out[into[0]], _absorbed(old))
    return [_measured(c) for c in out], dropped


def _overlaps(cue: Cue, ranges: list[Range]) -> bool:
    return any(cue.start_frame < f1 and cue.end_frame > f0 for f0, f1 in ranges)


KEPT_PROPOSAL = "proposed in an earlier plan and kept on its picture: the music editor's cue now"


GAVE_WAY = "a direction's cue now plays over part of its picture: it gives way there and keeps the rest"


def kept_proposals(where: Placed, index: int, directed: list[Cue], forbidden: list[Range],
                   min_frames: int = 1) -> list[Cue]:
    """The previous plan's proposed cues (origin ``auto``) of input ``index``, where their picture is in the recut.

    A proposal the music editor received is their cue now: it follows its picture exactly as a marked cue does
    (range, the cuts its pre-lap and tail hang on, its hits: :func:`.shotmap.place_previous`) and the recut
    proposes nothing over it. It is left to the recut's planning where its picture is gone, where the picture
    could not be followed (too few shots in common), where a NO MUSIC range (``forbidden``) touches it, or
    where a direction's cue of the other kind covers half its own frames or more. A direction's cue of its kind
    (``directed``: marked, music in the cut, a grown note) over part of its own frames wins there (a marked cue
    moved in the recut onto the proposal's picture): the proposal keeps the picture on either side, each part
    of at least ``min_frames`` (its parts end and start hard on the direction's edges; a part that is not the
    id holder is a split part of it); where no such part is left it is left to the recut's planning.
    Its temp piece and final music are carried by :func:`carry` like any matched cue's."""
    if index >= len(where.followed) or not where.followed[index]:
        return []
    out = []
    for cue in where.plan.cues:
        if cue.input != index or cue.origin != "auto" or cue.end_frame <= cue.start_frame:
            continue
        # a direction's cue over the proposal's own frames wins; its pre-lap or tail may ring over one, as the
        # first plan's did (a score tail over a source cue; one running into a score cue is shortened later)
        core = replace(cue, start_frame=core_frames(cue)[0], end_frame=core_frames(cue)[1])
        # ... and a cue of the other kind (source under score) only where it covers half of them or more: the
        # first plan may have had a proposal segue past a source cue's head
        if _overlaps(cue, forbidden) or any(_overlap(core, d) * 2 >= core.duration_frames
                                            for d in directed if d.kind != cue.kind):
            continue
        kept = replace(cue, id="", wanted_id="", recut=None, temp=None, final=(),
                       reasons=tuple(dict.fromkeys(cue.reasons + (KEPT_PROPOSAL,))))
        out += _around(kept, [(d.start_frame, d.end_frame) for d in directed if d.kind == cue.kind and
                              _overlap(core, d)], min_frames)
    return out


def _around(cue: Cue, taken: list[Range], min_frames: int) -> list[Cue]:
    """A kept proposal's parts outside the ``taken`` ranges (directions' cues over its own frames): the first
    keeps its entry, the last its exit; the others start and end hard on the directions' edges."""
    if not taken:
        return [cue]
    c0, c1 = core_frames(cue)
    parts, at = [], c0
    for f0, f1 in sorted(taken):
        if f0 > at:
            parts.append((at, f0))
        at = max(at, f1)
    if at < c1:
        parts.append((at, c1))
    out = []
    for a, b in parts:
        if b - a < min_frames:
            continue
        start, entry = (cue.start_frame, cue.entry) if a == c0 else (a, Edge("hard_in"))
        end, exit_ = (cue.end_frame, cue.exit) if b == c1 else (b, Edge("hard_out"))
        out.append(replace(cue, start_frame=start, end_frame=end, entry=entry, exit=exit_,
                           hits=tuple(h for h in cue.hits if start <= h.frame < end),
                           reasons=tuple(dict.fromkeys(cue.reasons + (GAVE_WAY,)))))
    return out


def core_frames(cue: Cue) -> Range:
    """A cue's own frames: from the cut its pre-lap leads into to the cut its tail rings past."""
    start = cue.entry.cut_frame if cue.entry.type == "prelap" and cue.entry.cut_frame is not None else cue.start_frame
    end = cue.exit.cut_frame if cue.exit.type == "tail_out" and cue.exit.cut_frame is not None else cue.end_frame
    return start, end


def segues_rejoined(kept: list[Cue], others: list[Cue], min_gap: int, cuts: Sequence[int] = (),
                    forbidden: Sequence[Range] = ()) -> list[Cue]:
    """Kept proposals (:func:`kept_proposals`) whose segue follows its neighbour: a side that segued into (out of)
    another cue of its kind (score segues into score, as :mod:`.resolve` fits them; any cue it abuts) reaches the new
    neighbour's edge when that is closer than ``min_gap`` frames (a marked neighbour moved a little), else it ends: ``hard_out``/``hard_in`` on the nearest of the recut's ``cuts``
    inside the cue. ``others``: the recut's cues of the input (the kept ones too); the rest of the cue stays on
    its picture. An edge a NO MUSIC range (``forbidden``) now meets stays where it is; none is moved into one."""
    out = []
    for cue in kept:
        start, end, entry, exit_ = cue.start_frame, cue.end_frame, cue.entry, cue.exit
        if exit_.type == "segue":
            after = [c.start_frame for c in others if c is not cue and cue.start_frame < c.start_frame <= end + min_gap
                     and (c.kind == cue.kind or c.start_frame == end)]
            if after:
                end = max(cue.start_frame + 1, min(after))
            else:
                exit_ = Edge("hard_out")
                if not any(f0 == end for f0, _ in forbidden):
                    end = _on_a_cut(end, start, cuts, others, cue, later=True, forbidden=forbidden)
        if entry.type == "segue":
            before = [c.end_frame for c in others if c is not cue and (c.kind == cue.kind or c.end_frame == start)
                      and start - min_gap <= c.end_frame < end and c.start_frame < start]
            if before:
                start = min(end - 1, max(before))
            else:
                entry = Edge("hard_in")
                if not any(f1 == start for _, f1 in forbidden):
                    start = _on_a_cut(start, end, cuts, others, cue, later=False, forbidden=forbidden)
        out.append(replace(cue, start_frame=start, end_frame=end, entry=entry, exit=exit_))
    return out


def _on_a_cut(frame: int, other_end: int, cuts: Sequence[int], others: list[Cue], cue: Cue, later: bool,
              forbidden: Sequence[Range] = ()) -> int:
    """A kept cue's edge whose segue broke, moved onto a cut: outward (later for its end, earlier for its start)
    where no other cue plays there and no NO MUSIC range lies, else inward, else where it was."""
    outward = [c for c in cuts if (c >= frame if later else c <= frame)]
    if outward:
        c = min(outward) if later else max(outward)
        span = (frame, c) if later else (c, frame)
        if not any(o is not cue and o.start_frame < span[1] and o.end_frame > span[0] for o in others) and not any(
                f0 < span[1] and f1 > span[0] for f0, f1 in forbidden):
            return c
    inward = [c for c in cuts if (other_end < c <= frame if later else frame <= c < other_end)]
    return (max(inward) if later else min(inward)) if inward else frame


def previous_picture(where: Placed, index: int) -> list[Range]:
    """The recut's frames of input ``index`` that show the previous cut's picture: the music editor has spotted
    them (with the previous plan's proposals, kept by :func:`kept_proposals`), so the recut proposes cues only
    over picture new to the cut."""
    return list(where.seen[index]) if index < len(where.seen) else []


def _absorbed(old: Cue) -> str:
    """The note on a cue that took in ``old`` (dropped): what of the music editor's work it held."""
    held = []
    music = old.final_music
    if old.final:
        held.append(f"final music {music.title!r}" if music and music.title else "final music")
    if old.temp is not None:
        held.append(f"temp {(old.temp.title or old.temp.path)!r}")
    return (f"absorbed {old.id} of the previous plan, with its {' and '.join(held)} (kept in recut.dropped; on the "
            f"cue sheet only if added to this cue's final)")


def _measured(cue: Cue) -> Cue:
    """``cue`` with its ``recut`` move, length change and kind of change counted from where it ends up."""
    r = cue.recut
    if r is None or r.previous_start_frame is None or r.previous_end_frame is None:
        return cue
    moved = cue.start_frame - r.previous_start_frame
    grown = cue.duration_frames - (r.previous_end_frame - r.previous_start_frame)
    change = r.change
    if change != "split":
        change = "lengthened" if grown > 0 else "shortened" if grown < 0 else "moved" if moved else "kept"
    return replace(cue, recut=replace(r, change=change, moved_frames=moved, length_frames=grown))
