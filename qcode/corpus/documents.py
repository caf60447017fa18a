"""Browsing documents: listing them and showing one with its units."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from qcode.corpus.segmentation import Unit as UnitInfo  # one shape for units, stored or computed
from qcode.errors import NotFoundError
from qcode.store.models import Case, Coding, Document, Unit

UNIT_KINDS = ("turn", "paragraph", "sentence", "line")


@dataclass(frozen=True)
class DocumentInfo:
    name: str
    case: str | None
    format: str
    words: int
    turns: int
    codings: int
    chars: int
    uuid: str = ""


@dataclass(frozen=True)
class DocumentView:
    name: str
    case: str | None
    format: str
    sha256: str
    words: int
    metadata: dict[str, Any]
    text: str
    units: list[UnitInfo]


def resolve_document(session: Session, ref: str) -> Document:
    """A document by exact name, by name without suffix, or by unique prefix."""
    doc = session.execute(select(Document).where(Document.name == ref)).scalar()
    if doc is not None:
        return doc
    names = list(session.execute(select(Document.name)).scalars())
    matches = [n for n in names if Path(n).stem == ref] or [n for n in names if n.startswith(ref)]
    if len(matches) == 1:
        return session.execute(select(Document).where(Document.name == matches[0])).scalar_one()
    if len(matches) > 1:
        shown = ", ".join(sorted(matches)[:8])
        raise NotFoundError(f"document `{ref}` is ambiguous: {shown}", hint="give more of the name")
    close = difflib.get_close_matches(ref, names, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else "run `qcode docs` to list documents"
    raise NotFoundError(f"no document `{ref}`", hint=hint)


@dataclass(frozen=True)
class DocumentList:
    documents: list[DocumentInfo]  # in name order, at most the limit asked for
    total: int  # documents in the project


def list_documents(session: Session, limit: int = 0) -> DocumentList:
    """Documents in name order with their counts; `limit` > 0: only the first `limit`, and
    only theirs are counted (a page of a large project costs what a small project does)."""
    from qcode.store.visibility import visible

    query = (
        select(Document.id, Document.name, Case.name, Document.source_format, Document.words,
               Document.chars, Document.uuid)
        .outerjoin(Case, Case.id == Document.case_id)
        .order_by(Document.name)
    )
    rows = session.execute(query.limit(limit) if limit else query).all()
    total = len(rows)
    if limit and total == limit:
        total = int(session.execute(select(func.count(Document.id))).scalar_one())
    # Every document's counts at once for the whole project; a page's by their ids.
    ids = [row[0] for row in rows] if limit and total > limit else None
    turns_query = (
        select(Unit.document_id, func.count(Unit.id))
        # Turns where there are speakers: timed paragraphs of captions without speakers
        # are counted as cues at import, not as turns.
        .where(Unit.kind == "turn", Unit.speaker.is_not(None))
        .group_by(Unit.document_id)
    )
    codings_query = visible(session, select(Coding.document_id, func.count(Coding.id))).group_by(
        Coding.document_id)
    if ids is not None:
        turns_query = turns_query.where(Unit.document_id.in_(ids))
        codings_query = codings_query.where(Coding.document_id.in_(ids))
    turns: dict[int, int] = dict(session.execute(turns_query).tuples().all())
    codings: dict[int, int] = dict(session.execute(codings_query).tuples().all())
    return DocumentList([
        DocumentInfo(
            name=name,
            case=case,
            format=fmt,
            words=words,
            turns=int(turns.get(doc_id, 0)),
            codings=int(codings.get(doc_id, 0)),
            chars=chars,
            uuid=uuid,
        )
        for doc_id, name, case, fmt, words, chars, uuid in rows
    ], total)


TEXTS = 50  # documents whose texts are held at once


def with_texts(connection: Connection, rows: Iterable[Any], document: int = 0
               ) -> Iterator[tuple[list[Any], dict[int, tuple[str, str]]]]:
    """`rows` (in document order, the document id in column `document`) in runs of `TEXTS`
    documents, each run with those documents' names and texts: each text read once, in one
    statement for the run, and let go after it."""
    run: list[Any] = []
    documents: set[int] = set()
    for row in rows:
        if row[document] not in documents and len(documents) == TEXTS:
            yield run, _texts(connection, documents)
            run, documents = [], set()
        run.append(row)
        documents.add(row[document])
    if run:
        yield run, _texts(connection, documents)


def _texts(connection: Connection, ids: set[int]) -> dict[int, tuple[str, str]]:
    query = select(Document.id, Document.name, Document.text).where(Document.id.in_(sorted(ids)))
    return {doc_id: (name, text) for doc_id, name, text in connection.execute(query)}


def document_units(session: Session, document_id: int, kind: str | None = None) -> list[UnitInfo]:
    query = select(
        Unit.kind, Unit.number, Unit.start, Unit.end, Unit.speaker, Unit.timestamp
    ).where(Unit.document_id == document_id)
    if kind is not None:
        query = query.where(Unit.kind == kind)
    query = query.order_by(Unit.kind, Unit.number)
    return [UnitInfo(*row) for row in session.execute(query).all()]


def show_document(session: Session, ref: str) -> DocumentView:
    doc = resolve_document(session, ref)
    case = session.get(Case, doc.case_id).name if doc.case_id else None  # type: ignore[union-attr]
    return DocumentView(
        name=doc.name,
        case=case,
        format=doc.source_format,
        sha256=doc.sha256,
        words=doc.words,
        metadata=json.loads(doc.metadata_json or "{}"),
        text=doc.text,
        units=document_units(session, doc.id),
    )
