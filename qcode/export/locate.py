"""Where codings sit (speaker turn, lines), found with range queries on the units index.

For each document in a chunk of codings, one query reads the turns and lines that overlap the
chunk's offsets in that document, through the `(document_id, kind, start)` index; never every
unit of every document. The answers are those of `qcode.coding.queries.Locator` (what
`qcode codings` prints): the turn containing a coding's start, else the next turn (a coding that
starts on a speaker label), and the line containing an offset.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from qcode.store.models import Unit

_RANGE = (
    select(Unit.kind, Unit.start, Unit.end, Unit.number, Unit.speaker)
    .where(Unit.document_id == bindparam("doc"), Unit.kind.in_(("turn", "line")),
           Unit.start <= bindparam("hi"), Unit.end >= bindparam("lo"))
    .order_by(Unit.kind, Unit.start)
)
_NEXT_TURN = (
    select(Unit.number, Unit.speaker)
    .where(Unit.document_id == bindparam("doc"), Unit.kind == "turn", Unit.start > bindparam("hi"))
    .order_by(Unit.start).limit(1)
)


@dataclass
class DocumentUnits:
    """The turns and lines of one document around offsets `lo`..`hi`."""

    session: Session
    document_id: int
    hi: int
    turn_starts: list[int] = field(default_factory=list)
    turn_ends: list[int] = field(default_factory=list)
    turns: list[tuple[int, str | None]] = field(default_factory=list)
    line_starts: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    _after: tuple[int | None, str | None] | None = None

    def turn(self, offset: int) -> tuple[int | None, str | None]:
        """(turn number, speaker) at `offset`, for `lo <= offset <= hi`."""
        index = bisect.bisect_right(self.turn_starts, offset) - 1
        if index >= 0 and offset < self.turn_ends[index]:
            return self.turns[index]
        if index + 1 < len(self.turns):
            return self.turns[index + 1]
        return self._turn_after()

    def _turn_after(self) -> tuple[int | None, str | None]:
        # Every turn starting up to `hi` is loaded, so the next one is the first after `hi`.
        if self._after is None:
            row = self.session.execute(_NEXT_TURN, {"doc": self.document_id, "hi": self.hi}).first()
            self._after = (row[0], row[1]) if row is not None else (None, None)
        return self._after

    def line(self, offset: int) -> int | None:
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return self.lines[index] if index >= 0 else None


def locate(session: Session, ranges: dict[int, tuple[int, int]]) -> dict[int, DocumentUnits]:
    """Units of each document overlapping its `(lo, hi)` offset range (one query per document)."""
    found = {}
    for doc_id, (lo, hi) in ranges.items():
        units = DocumentUnits(session, doc_id, hi)
        for kind, start, end, number, speaker in session.execute(
            _RANGE, {"doc": doc_id, "lo": lo, "hi": hi}
        ).tuples():
            if kind == "turn":
                units.turn_starts.append(start)
                units.turn_ends.append(end)
                units.turns.append((number, speaker))
            else:
                units.line_starts.append(start)
                units.lines.append(number)
        found[doc_id] = units
    return found


def offset_ranges(spans: Iterable[tuple[int, int, int]]) -> dict[int, tuple[int, int]]:
    """(document id, start, end) of codings → each document's range of offsets to locate:
    the starts, and the last character of each coding (where its last line is)."""
    ranges: dict[int, tuple[int, int]] = {}
    for doc_id, start, end in spans:
        last = max(start, end - 1)
        if doc_id in ranges:
            lo, hi = ranges[doc_id]
            ranges[doc_id] = (min(lo, start), max(hi, last))
        else:
            ranges[doc_id] = (start, last)
    return ranges
