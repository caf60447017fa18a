"""Where codings sit (speaker turn, lines), document by document for a chunk of codings.

Turns: for each document in the chunk, one range query reads the turns overlapping the chunk's
offsets in it, through the `(document_id, kind, start)` index; never every unit of every
document. Lines: line units are the text's lines as an editor numbers them (`corpus.segmentation`),
so they are counted from the document's text, read once per document and chunk, which costs far
less than reading its line units. The one locator of `qcode codings`, `retrieve` and the exports:
the turn containing a coding's start, else the next turn (a coding that starts on a speaker
label), and the line containing an offset.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session, aliased

from qcode.corpus.segmentation import line_starts
from qcode.store.id_lists import IdStatement
from qcode.store.models import Coding, Document, Unit

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
    text: str | None = None  # kept when `locate(..., texts=True)`
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


def _near(count: int) -> Select[Any]:
    """Turns of `count` documents, each within its own offset range (bound as d0, lo0, hi0, …):
    one statement shape per batch size, so SQLAlchemy compiles it once."""
    if count not in _NEAR:
        near = or_(*(and_(Unit.document_id == bindparam(f"d{i}"), Unit.start <= bindparam(f"hi{i}"),
                          Unit.end >= bindparam(f"lo{i}")) for i in range(count)))
        _NEAR[count] = (select(Unit.document_id, Unit.start, Unit.end, Unit.number, Unit.speaker)
                        .where(Unit.kind == "turn", near).order_by(Unit.document_id, Unit.start))
    return _NEAR[count]


_NEAR: dict[int, Select[Any]] = {}
_TEXTS = select(Document.id, Document.text).where(Document.id.in_(bindparam("ids", expanding=True)))


def locate(session: Session, ranges: dict[int, tuple[int, int]], *,
           texts: bool = False) -> dict[int, DocumentUnits]:
    """Turns and lines of each document around its `(lo, hi)` offset range, a few dozen
    documents a query; `texts` keeps each document's text too."""
    found = {doc_id: DocumentUnits(session, doc_id, hi) for doc_id, (_, hi) in ranges.items()}
    connection = session.connection()
    items = list(ranges.items())
    for first in range(0, len(items), BATCH):
        batch = items[first:first + BATCH]
        params: dict[str, int] = {}
        for i, (doc_id, (lo, hi)) in enumerate(batch):
            params.update({f"d{i}": doc_id, f"lo{i}": lo, f"hi{i}": hi})
        for doc_id, start, end, number, speaker in connection.execute(_near(len(batch)), params):
            units = found[doc_id]
            units.turn_starts.append(start)
            units.turn_ends.append(end)
            units.turns.append((number, speaker))
        for doc_id, text in connection.execute(_TEXTS, {"ids": [doc_id for doc_id, _ in batch]}):
            found[doc_id].line_starts = line_starts(text)
            if texts:
                found[doc_id].text = text
    return found


def offset_ranges(rows: Iterable[Sequence[Any]]) -> dict[int, tuple[int, int]]:
    """Rows of (document id, start, end, …), grouped by document → each document's range of
    offsets to locate: from the first start to the last end (covering every coding's last
    character)."""
    ranges: dict[int, tuple[int, int]] = {}
    for doc_id, group in groupby(rows, _DOCUMENT):
        same = list(group)
        lo, hi = min(map(_START, same)), max(map(_END, same))
        if doc_id in ranges:  # not grouped after all: widen
            lo, hi = min(lo, ranges[doc_id][0]), max(hi, ranges[doc_id][1])
        ranges[doc_id] = (lo, hi)
    return ranges


_DOCUMENT, _START, _END = itemgetter(0), itemgetter(1), itemgetter(2)


# --- one index seek per coding ------------------------------------------------------------------
#
# A listing of one code's codings touches a few spans in each of thousands of documents: there,
# the turn before each coding's start (and the one after it), and the line units at its start
# and end, are each found by one seek on the `(document_id, kind, start)` index, inside the
# listing's own statement; the chosen turns are then read by id, a chunk at a time.


def _unit_before(kind: str, offset: Any, column: str) -> Any:
    """The `column` of the last `kind` unit of the coding's document starting at or before
    `offset` (a correlated scalar subquery)."""
    unit = aliased(Unit)
    return (select(getattr(unit, column))
            .where(unit.document_id == Coding.document_id, unit.kind == kind, unit.start <= offset)
            .order_by(unit.start.desc()).limit(1).correlate(Coding).scalar_subquery())


def _turn_after(offset: Any) -> Any:
    unit = aliased(Unit)
    return (select(unit.id)
            .where(unit.document_id == Coding.document_id, unit.kind == "turn", unit.start > offset)
            .order_by(unit.start).limit(1).correlate(Coding).scalar_subquery())


def seek_columns() -> list[Any]:
    """Columns to add to a select of codings: turn before, turn after (unit ids), line at the
    start and line at the last character (line numbers)."""
    return [_unit_before("turn", Coding.start, "id"), _turn_after(Coding.start),
            _unit_before("line", Coding.start, "number"),
            _unit_before("line", Coding.end - 1, "number")]


_TURNS = IdStatement(lambda among: select(Unit.id, Unit.end, Unit.number, Unit.speaker)
                     .where(among(Unit.id)))


def seek_turns(session: Session, rows: Sequence[Sequence[Any]], before: int
               ) -> dict[int, tuple[int, int, str | None]]:
    """id -> (end, number, speaker) of the turns named in columns `before` and `before + 1`."""
    ids = sorted({r[i] for r in rows for i in (before, before + 1) if r[i] is not None})
    found: dict[int, tuple[int, int, str | None]] = {}
    for id_, end, number, speaker in _TURNS.rows(session.connection(), ids):
        found[id_] = (end, number, speaker)
    return found


def turn_of(turns: dict[int, tuple[int, int, str | None]], offset: int, before: int | None,
            after: int | None) -> tuple[int | None, str | None]:
    """`DocumentUnits.turn` from the seeks: the turn before if it holds `offset`, else the next."""
    if before is not None and offset < turns[before][0]:
        return turns[before][1], turns[before][2]
    if after is not None:
        return turns[after][1], turns[after][2]
    return None, None
