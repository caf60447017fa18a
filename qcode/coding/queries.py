"""Reading codings back: filters shared by `codings`, `retrieve` and the exports, and where a
coding sits in its document (turn, lines, speaker)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from qcode.coding.layers import coder_label, sources_clause
from qcode.coding.tagging import CodingInfo
from qcode.corpus.where import WhereLike, matching_cases
from qcode.store.models import Code, Coder, Coding, Document, Unit


@dataclass(frozen=True)
class CodingFilter:
    document: str | None = None
    code: str | None = None  # includes descendants
    coder: str | None = None
    speaker: str | None = None
    where: WhereLike = ()  # case attributes, checked and matched by `qcode.corpus.where`
    where_exact: bool = False  # values as written (default: capitals and diacritics aside)
    layer: str = "coding"


@dataclass(frozen=True, kw_only=True)
class CodingRow(CodingInfo):
    """A coding with where it sits: what `qcode codings` lists."""

    speaker: str | None
    turn: int | None
    line_start: int | None
    line_end: int | None
    anchor: str
    created_at: str


def filtered_codings(session: Session, flt: CodingFilter) -> Select[Any]:
    """A SELECT of (Coding, document name, code key, coder name) matching the filter."""
    query = _visible_source(session, flt, (
        select(Coding, Document.name, Code.key, coder_label())
        .join(Document, Document.id == Coding.document_id)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
    ))
    if flt.document:
        from qcode.corpus.documents import resolve_document

        query = query.where(Coding.document_id == resolve_document(session, flt.document).id)
    if flt.code:
        from qcode.coding.codes import descendant_ids, resolve_code

        code = resolve_code(session, flt.code, allow_retired=True)
        query = query.where(Coding.code_id.in_(descendant_ids(session, code)))
    cases = matching_cases(session, flt.where, exact=flt.where_exact)
    if cases is not None:
        query = query.where(Document.case_id.in_(sorted(cases)))
    return query.order_by(Document.name, Coding.start, Coding.end, Code.key, Coder.name, Coding.id)


def _visible_source(session: Session, flt: CodingFilter, query: Select[Any]) -> Select[Any]:
    """The filter's coder (or `consensus`, or every coder of its layer), and only what the
    person looking may see (the blind rule of open rounds)."""
    from qcode.store.visibility import visible

    return visible(session, query.where(sources_clause(session, [flt.coder] if flt.coder else [],
                                                       flt.layer)))


class Locator:
    """Finds the turn, lines and speaker of spans in a document (loaded once per document)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[int, dict[str, list[tuple[int, int, int, str | None]]]] = {}
        self._start_cache: dict[tuple[int, str], list[int]] = {}

    def preload(self, document_ids: Iterable[int]) -> None:
        """Load the turns and lines of many documents in one query."""
        wanted = sorted(set(document_ids) - set(self._cache))
        for chunk in range(0, len(wanted), 500):
            ids = wanted[chunk : chunk + 500]
            for doc_id in ids:
                self._cache[doc_id] = {}
            rows = self.session.execute(
                select(Unit.document_id, Unit.kind, Unit.start, Unit.end, Unit.number, Unit.speaker)
                .where(Unit.document_id.in_(ids), Unit.kind.in_(("turn", "line")))
                .order_by(Unit.document_id, Unit.kind, Unit.start)
            ).all()
            for doc_id, kind, start, end, number, speaker in rows:
                self._cache[doc_id].setdefault(kind, []).append((start, end, number, speaker))

    def _units(self, document_id: int) -> dict[str, list[tuple[int, int, int, str | None]]]:
        if document_id not in self._cache:
            self.preload([document_id])
        return self._cache[document_id]

    def _starts(self, document_id: int, kind: str) -> list[int]:
        key = (document_id, kind)
        if key not in self._start_cache:
            self._start_cache[key] = [u[0] for u in self._units(document_id).get(kind, [])]
        return self._start_cache[key]

    def turn(self, document_id: int, offset: int) -> tuple[int | None, str | None]:
        """The turn containing `offset`, else the next one (a span that starts on a label)."""
        turns = self._units(document_id).get("turn", [])
        index = bisect.bisect_right(self._starts(document_id, "turn"), offset) - 1
        if index >= 0 and offset < turns[index][1]:
            return turns[index][2], turns[index][3]
        if index + 1 < len(turns):
            return turns[index + 1][2], turns[index + 1][3]
        return None, None

    def line(self, document_id: int, offset: int) -> int | None:
        lines = self._units(document_id).get("line", [])
        index = bisect.bisect_right(self._starts(document_id, "line"), offset) - 1
        return lines[index][2] if index >= 0 else None


class RangeLocator(Locator):
    """A `Locator` that loads only the units around given spans, a batch of documents per query
    (a listing of 35 k codings then reads their turns and lines, not all units of 10 k
    documents), and forgets earlier batches so memory stays flat."""

    def load_spans(self, spans: Iterable[tuple[int, int, int]]) -> None:
        """Forget what was loaded; load the turns and lines overlapping each document's
        (document, start, end) spans, and the turn after them (a span starting on a label)."""
        ranges: dict[int, tuple[int, int]] = {}
        for doc_id, start, end in spans:
            lo, hi = ranges.get(doc_id, (start, end))
            ranges[doc_id] = (min(lo, start), max(hi, end))
        self._cache = {doc_id: {} for doc_id in ranges}
        self._start_cache = {}
        items = sorted(ranges.items())
        for first in range(0, len(items), 100):
            part = items[first : first + 100]
            rows = self.session.execute(
                select(Unit.document_id, Unit.kind, Unit.start, Unit.end, Unit.number, Unit.speaker)
                .where(Unit.kind.in_(("turn", "line")), or_(*(
                    and_(Unit.document_id == doc_id, Unit.start <= hi, Unit.end >= lo)
                    for doc_id, (lo, hi) in part)))
                .order_by(Unit.document_id, Unit.kind, Unit.start)
            ).all()
            for doc_id, kind, start, end, number, speaker in rows:
                self._cache[doc_id].setdefault(kind, []).append((start, end, number, speaker))


CHUNK = 5000


def iter_codings(session: Session, flt: CodingFilter, *, chunk: int = CHUNK) -> Iterator[CodingRow]:
    """The codings matching `flt` in listing order, read `chunk` rows at a time with only the
    columns a listing prints."""
    from qcode.coding.memos import coding_memo_texts

    query = filtered_codings(session, flt).with_only_columns(
        Coding.id, Coding.uuid, Coding.document_id, Coding.start, Coding.end, Coding.quote,
        Coding.anchor, Coding.created_at, Document.name, Code.key, coder_label(),
        maintain_column_froms=True,
    )
    locator = RangeLocator(session)
    result = session.execute(query.execution_options(yield_per=chunk))
    for part in result.partitions(chunk):
        locator.load_spans((r[2], r[3], r[4]) for r in part)
        memos = coding_memo_texts(session, (r[0] for r in part))
        for (id_, uuid, doc_id, start, end, quote, anchor, created_at, doc_name, code_key,
             coder_name) in part:
            turn, speaker = locator.turn(doc_id, start)
            if flt.speaker and (speaker or "").casefold() != flt.speaker.casefold():
                continue
            yield CodingRow(
                id=id_, uuid=uuid, document=doc_name, code=code_key, coder=coder_name,
                start=start, end=end, text=quote, memo=memos.get(id_), speaker=speaker, turn=turn,
                line_start=locator.line(doc_id, start),
                line_end=locator.line(doc_id, max(start, end - 1)),
                anchor=anchor, created_at=created_at.isoformat(timespec="seconds"),
            )


def list_codings(session: Session, flt: CodingFilter) -> list[CodingRow]:
    return list(iter_codings(session, flt))
