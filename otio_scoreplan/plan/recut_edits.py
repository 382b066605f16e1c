"""The picture edits a recut made inside a cue (``recut.edits`` of the plan): what the temp conform and the
change memo read to follow the cut frame by frame. Found by :meth:`.shotmap.ShotMap.edits`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class PictureEdit:
    """A picture edit a recut made inside a cue: ``removed`` frames taken out, or ``added`` frames put in, at
    ``at`` frames from the cue's start in the recut (``previous_at``: from its start in the previous cut). The
    plan keeps them per cue (``recut.edits``) for the temp conform and the change memo."""

    at: int
    previous_at: int
    removed: int = 0
    added: int = 0

    def to_json(self) -> dict[str, int]:
        out = {"at": self.at, "previous_at": self.previous_at}
        out.update({"removed": self.removed} if self.removed else {"added": self.added})
        return out

    @classmethod
    def from_json(cls, d: Any) -> PictureEdit:
        if not isinstance(d, dict) or not isinstance(d.get("at"), int):
            raise ValueError(f"a recut edit is not an object with a whole frame 'at': {d!r}")
        edit = cls(d["at"], int(d.get("previous_at", d["at"])), int(d.get("removed", 0)), int(d.get("added", 0)))
        if min(edit.at, edit.removed, edit.added) < 0 or (edit.removed > 0) == (edit.added > 0):
            raise ValueError(f"a recut edit needs 'at' >= 0 and either 'removed' or 'added' frames: {d!r}")
        return edit


def joined(edits: list[PictureEdit]) -> tuple[PictureEdit, ...]:
    """Removals at one place made one (a shot dropped with its neighbour's trimmed tail)."""
    out: list[PictureEdit] = []
    for e in edits:
        last = out[-1] if out else None
        if last is not None and e.removed and last.removed and e.at == last.at and \
                e.previous_at == last.previous_at + last.removed:
            out[-1] = replace(last, removed=last.removed + e.removed)
        else:
            out.append(e)
    return tuple(out)
