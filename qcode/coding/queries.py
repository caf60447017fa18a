"""Reading codings back: filters shared by `codings`, `retrieve` and the exports, and where a
coding sits in its document (turn, lines, speaker)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from qcode.coding.layers import coder_label, sources_clause
from qcode.coding.locate import locate, offset_ranges, seek_columns, seek_turns, turn_of
from qcode.coding.tagging import CodingInfo
from qcode.corpus.where import WhereLike, matching_cases
from qcode.store.models import Code, Coder, Coding, Document


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


CHUNK = 5000
# What a listing row holds, in `CodingRow`'s order (`asdict` of it gives the same keys).
FIELDS = ("id", "document", "code", "coder", "start", "end", "text", "memo", "uuid", "speaker",
          "turn", "line_start", "line_end", "anchor", "created_at")
_CSV = ("document", "coder", "code", "start", "end", "memo")  # `coding.bulk.CSV_COLUMNS`


def iter_codings(session: Session, flt: CodingFilter, *, chunk: int = CHUNK) -> Iterator[CodingRow]:
    """The codings matching `flt` in listing order, as `CodingRow`s."""
    for values in iter_coding_values(session, flt, chunk=chunk):
        yield CodingRow(**dict(zip(FIELDS, values, strict=True)))


def iter_coding_values(session: Session, flt: CodingFilter, *, chunk: int = CHUNK
                       ) -> Iterator[tuple[Any, ...]]:
    """The codings matching `flt` in listing order as plain tuples of `FIELDS`, read `chunk`
    rows at a time with only the columns a listing prints; each chunk's turns and lines come
    from range queries on the units of its documents (`coding.locate`)."""
    query = filtered_codings(session, flt).with_only_columns(
        Coding.document_id, Coding.start, Coding.end, Coding.id, Coding.uuid, Coding.quote,
        Coding.anchor, Coding.created_at, Document.name, Code.key, coder_label(),
        maintain_column_froms=True,
    )
    speaker = flt.speaker.casefold() if flt.speaker else None
    if flt.code or flt.document:
        yield from _sought(session, query, chunk, speaker)
        return
    for part, memos in _chunks(session, query, chunk):
        units = locate(session, offset_ranges(part))
        for (doc_id, start, end, id_, uuid, quote, anchor, created_at, doc_name, code_key,
             coder_name) in part:
            where = units[doc_id]
            turn, said_by = where.turn(start)
            if speaker is not None and (said_by or "").casefold() != speaker:
                continue
            yield (id_, doc_name, code_key, coder_name, start, end, quote, memos.get(id_), uuid,
                   said_by, turn, where.line(start), where.line(max(start, end - 1)), anchor,
                   created_at.isoformat(timespec="seconds"))


def _sought(session: Session, query: Select[Any], chunk: int, speaker: str | None
            ) -> Iterator[tuple[Any, ...]]:
    """`iter_coding_values` for a listing narrowed to a code or a document: a few codings in
    each of many documents, so each is located by index seeks (`coding.locate.seek_columns`)
    rather than by reading its documents' turns and texts."""
    query = query.add_columns(*seek_columns())
    for part, memos in _chunks(session, query, chunk):
        turns = seek_turns(session, part, 11)
        for (_doc, start, end, id_, uuid, quote, anchor, created_at, doc_name, code_key,
             coder_name, before, after, first, last) in part:
            turn, said_by = turn_of(turns, start, before, after)
            if speaker is not None and (said_by or "").casefold() != speaker:
                continue
            yield (id_, doc_name, code_key, coder_name, start, end, quote, memos.get(id_), uuid,
                   said_by, turn, first, last, anchor, created_at.isoformat(timespec="seconds"))


def iter_transfer_values(session: Session, flt: CodingFilter, *, chunk: int = CHUNK
                         ) -> Iterator[tuple[Any, ...]]:
    """The columns `qcode import-codings` reads (document, coder, code, start, end, memo) of the
    codings matching `flt`, in listing order: no turns or lines are looked up unless a speaker
    is asked for."""
    if flt.speaker:
        index = [FIELDS.index(c) for c in _CSV]
        for values in iter_coding_values(session, flt, chunk=chunk):
            yield tuple(values[i] for i in index)
        return
    query = filtered_codings(session, flt).with_only_columns(
        Coding.document_id, Coding.start, Coding.end, Coding.id, Document.name, coder_label(),
        Code.key, maintain_column_froms=True,
    )
    for part, memos in _chunks(session, query, chunk):
        for _doc, start, end, id_, doc_name, coder_name, code_key in part:
            yield doc_name, coder_name, code_key, start, end, memos.get(id_)


def _chunks(session: Session, query: Select[Any], chunk: int
            ) -> Iterator[tuple[Sequence[Any], dict[int, str]]]:
    """Rows of `query` (whose fourth column is the coding's id), `chunk` at a time, streamed
    from the cursor as plain rows, with the memo threads of each chunk's codings."""
    from qcode.coding.memos import coding_memo_texts

    # Core execution on the session's connection: plain rows, streamed from the cursor.
    session.flush()
    result = session.connection().execute(query.execution_options(yield_per=chunk))
    for part in result.partitions(chunk):
        yield part, coding_memo_texts(session, (r[3] for r in part))


def list_codings(session: Session, flt: CodingFilter) -> list[CodingRow]:
    return list(iter_codings(session, flt))
