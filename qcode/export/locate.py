"""Where codings sit (speaker turn, lines), document by document for a chunk of codings.

Turns: for each document in the chunk, one range query reads the turns overlapping the chunk's
offsets in it, through the `(document_id, kind, start)` index; never every unit of every
document. Lines: line units are the text's lines as an editor numbers them (`corpus.segmentation`),
so they are counted from the document's text, read once per document and chunk, which costs far
less than reading its line units. The answers are those of `qcode.coding.queries.Locator` (what
`qcode codings` prints): the turn containing a coding's start, else the next turn (a coding that
starts on a speaker label), and the line containing an offset.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from qcode.corpus.segmentation import line_starts
from qcode.store.models import Document, Unit

BATCH = 50  # documents a query: texts held at once, and terms of the turns' range query
_NEXT_TURN = (
    select(Unit.number, Unit.speaker)
    .where(Unit.document_id == bindparam("doc"), Unit.kind == "turn", Unit.start > bindparam("hi"))
    .order_by(Unit.start).limit(1)
)


@dataclass
class DocumentUnits:
    """The turns of one document around offsets `lo`..`hi`, and where its lines start."""

    session: Session
    document_id: int
    hi: int
    turn_starts: list[int] = field(default_factory=list)
    turn_ends: list[int] = field(default_factory=list)
    turns: list[tuple[int, str | None]] = field(default_factory=list)
    line_starts: list[int] = field(default_factory=list)
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

    def line(self, offset: int) -> int:
        """The 1-based line containing `offset` (an offset at a `\\n` belongs to its line)."""
        return bisect.bisect_right(self.line_starts, offset)


def locate(session: Session, ranges: dict[int, tuple[int, int]]) -> dict[int, DocumentUnits]:
    """Turns and lines of each document around its `(lo, hi)` offset range, a few dozen
    documents a query."""
    found = {doc_id: DocumentUnits(session, doc_id, hi) for doc_id, (_, hi) in ranges.items()}
    connection = session.connection()
    items = list(ranges.items())
    for first in range(0, len(items), BATCH):
        batch = items[first:first + BATCH]
        near = or_(*(and_(Unit.document_id == doc_id, Unit.start <= hi, Unit.end >= lo)
                     for doc_id, (lo, hi) in batch))
        for doc_id, start, end, number, speaker in connection.execute(
            select(Unit.document_id, Unit.start, Unit.end, Unit.number, Unit.speaker)
            .where(Unit.kind == "turn", near).order_by(Unit.document_id, Unit.start)
        ):
            units = found[doc_id]
            units.turn_starts.append(start)
            units.turn_ends.append(end)
            units.turns.append((number, speaker))
        ids = [doc_id for doc_id, _ in batch]
        for doc_id, text in connection.execute(
            select(Document.id, Document.text).where(Document.id.in_(ids))
        ):
            found[doc_id].line_starts = line_starts(text)
    return found


def offset_ranges(rows: Iterable[Sequence[Any]]) -> dict[int, tuple[int, int]]:
    """Rows of (document id, start, end, …) → each document's range of offsets to locate: from
    the first start to the last end (which covers the last character of every coding)."""
    ranges: dict[int, tuple[int, int]] = {}
    for row in rows:
        doc_id, start, end = row[0], row[1], row[2]
        known = ranges.get(doc_id)
        if known is None:
            ranges[doc_id] = (start, end)
        elif start < known[0] or end > known[1]:
            ranges[doc_id] = (min(start, known[0]), max(end, known[1]))
    return ranges
