"""Reading codings back: filters shared by `codings`, `retrieve` and the exports, and where a
coding sits in its document (turn, lines, speaker)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session, aliased

from qcode.coding.layers import coder_label, sources_clause
from qcode.coding.tagging import CodingInfo
from qcode.errors import UsageError
from qcode.store.models import CaseAttribute, Code, Coder, Coding, Document, Unit


@dataclass(frozen=True)
class CodingFilter:
    document: str | None = None
    code: str | None = None  # includes descendants
    coder: str | None = None
    speaker: str | None = None
    where: dict[str, str] = field(default_factory=dict)
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


def parse_where(items: Iterable[str]) -> dict[str, str]:
    where = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--where takes KEY=VALUE (a case attribute), got {item!r}")
        where[key.strip()] = value.strip()
    return where


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
    for key, value in flt.where.items():
        attr = aliased(CaseAttribute)
        query = query.join(
            attr, and_(attr.case_id == Document.case_id, attr.name == key, attr.value == value)
        )
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


def list_codings(session: Session, flt: CodingFilter) -> list[CodingRow]:
    locator = Locator(session)
    found = session.execute(filtered_codings(session, flt)).all()
    locator.preload(coding.document_id for coding, *_ in found)
    from qcode.coding.memos import coding_memo_texts

    memos = coding_memo_texts(session, (coding.id for coding, *_ in found))
    rows = []
    for coding, doc_name, code_key, coder_name in found:
        turn, speaker = locator.turn(coding.document_id, coding.start)
        if flt.speaker and (speaker or "").casefold() != flt.speaker.casefold():
            continue
        rows.append(
            CodingRow(
                id=coding.id, uuid=coding.uuid, document=doc_name, code=code_key, coder=coder_name,
                start=coding.start, end=coding.end, text=coding.quote, memo=memos.get(coding.id),
                speaker=speaker, turn=turn,
                line_start=locator.line(coding.document_id, coding.start),
                line_end=locator.line(coding.document_id, max(coding.start, coding.end - 1)),
                anchor=coding.anchor, created_at=coding.created_at.isoformat(timespec="seconds"),
            )
        )
    return rows
