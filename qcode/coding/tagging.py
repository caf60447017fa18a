"""Tagging passages: tag, untag, recode and memos, each change written to the event log.

Every function takes the session first and a `batch` id that groups the events of one user
action, so that undo reverses the whole action. Codings are never duplicated: the same
(document, span, code, coder) a second time is reported as already there.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qcode.coding.targets import Span
from qcode.corpus.anchoring import context
from qcode.errors import NotFoundError, QcodeError
from qcode.store.events import record
from qcode.store.models import Code, Coder, Coding, CodingSource, Document, utcnow


@dataclass(frozen=True)
class CodingInfo:
    id: int
    document: str
    code: str
    coder: str
    start: int
    end: int
    text: str
    memo: str | None = None
    uuid: str = ""


@dataclass
class TagResult:
    created: list[CodingInfo] = field(default_factory=list)
    existing: list[CodingInfo] = field(default_factory=list)


def snapshot(coding: Coding, session: Session) -> dict[str, Any]:
    """Everything needed to restore a coding, plus names for the log."""
    doc = session.get(Document, coding.document_id)
    code = session.get(Code, coding.code_id)
    coder = session.get(Coder, coding.coder_id)
    return {
        "id": coding.id,
        "uuid": coding.uuid,
        "document_id": coding.document_id,
        "code_id": coding.code_id,
        "coder_id": coding.coder_id,
        "layer": coding.layer,
        "round_id": coding.round_id,
        "start": coding.start,
        "end": coding.end,
        "quote": coding.quote,
        "prefix": coding.prefix,
        "suffix": coding.suffix,
        "anchor": coding.anchor,
        "created_at": coding.created_at.isoformat() if coding.created_at else None,
        "document": doc.name if doc else None,
        "code": code.key if code else None,
        "coder": coder.name if coder else None,
    }


def info_from(snap: dict[str, Any]) -> CodingInfo:
    """The listing view of a coding, from its snapshot (no further queries)."""
    return CodingInfo(
        snap["id"], snap["document"], snap["code"], snap["coder"], snap["start"], snap["end"],
        snap["quote"], snap.get("memo"), snap.get("uuid") or "",
    )


def info(session: Session, coding: Coding) -> CodingInfo:
    return info_from(snapshot(coding, session))


def add_coding(
    session: Session,
    doc: Document,
    span: Span,
    code: Code,
    coder: Coder,
    *,
    batch: str,
    memo: str | None = None,
    action: str = "tag",
) -> tuple[Coding, bool]:
    """Insert one coding unless the same one exists; returns (coding, created)."""
    existing = _same_coding(session, doc, span, code, coder)
    if existing is not None:
        return existing, False
    from qcode.coding.rounds_lookup import round_for

    prefix, suffix = context(doc.text, span.start, span.end)
    coding = Coding(
        document_id=doc.id, code_id=code.id, coder_id=coder.id, layer="coding",
        round_id=round_for(session, coder.id, doc.id),
        start=span.start, end=span.end, quote=doc.text[span.start:span.end],
        prefix=prefix, suffix=suffix,
    )
    try:
        # A savepoint: on PostgreSQL a concurrent coder may insert the same coding between our
        # check and our insert; the unique constraint catches it and we report "already coded".
        with session.begin_nested():
            session.add(coding)
    except IntegrityError:
        existing = _same_coding(session, doc, span, code, coder)
        if existing is None:
            raise
        return existing, False
    record(
        session, actor=coder.name, action=action, target_type="coding", target_id=coding.id,
        after=snapshot(coding, session), batch=batch,
        summary=f"{action} {doc.name} c{span.start}-{span.end} {code.key}",
    )
    if memo:
        from qcode.coding.memos import add_memo

        add_memo(session, "coding", coding.id, f"coding {coding.id}", memo, coder, batch=batch)
    return coding, True


def _same_coding(
    session: Session, doc: Document, span: Span, code: Code, coder: Coder
) -> Coding | None:
    return session.execute(
        select(Coding).where(
            Coding.document_id == doc.id,
            Coding.code_id == code.id,
            Coding.coder_id == coder.id,
            Coding.layer == "coding",
            Coding.start == span.start,
            Coding.end == span.end,
        )
    ).scalar()


def tag(
    session: Session,
    doc: Document,
    span: Span,
    codes: list[Code],
    coder: Coder,
    *,
    batch: str,
    memo: str | None = None,
) -> TagResult:
    result = TagResult()
    for code in codes:
        coding, created = add_coding(session, doc, span, code, coder, batch=batch, memo=memo)
        shown = info(session, coding)
        if created and memo:
            shown = replace(shown, memo=memo)
        (result.created if created else result.existing).append(shown)
    return result


def get_coding(session: Session, coding_id: int) -> Coding:
    """The coding, locked for this transaction (it is about to be changed): on PostgreSQL a
    concurrent untag or recode of the same row waits, then sees what this one left."""
    coding = session.get(Coding, coding_id, with_for_update=True, populate_existing=True)
    if coding is None:
        raise NotFoundError(f"no coding {coding_id}", hint="run `qcode codings` to list them")
    return coding


def _check_owner(session: Session, coding: Coding, coder: Coder, force: bool) -> None:
    _check_consensus(session, coding)
    if coding.coder_id != coder.id and not force:
        owner = session.get(Coder, coding.coder_id)
        raise QcodeError(
            f"coding {coding.id} belongs to {owner.name if owner else '?'}, not {coder.name}",
            hint="pass --force to change another coder's work",
        )


def _check_consensus(session: Session, coding: Coding) -> None:
    """The consensus layer, and the codings it was made from, change only through decisions:
    untagging or recoding them would cut the consensus off from its provenance."""
    hint = "a PI changes the consensus by deciding again (qcode resolve ID --revise) or undo"
    if coding.layer == "consensus":
        raise QcodeError(f"coding {coding.id} is in the consensus layer", hint=hint)
    made = session.execute(select(CodingSource.coding_id)
                           .where(CodingSource.source_id == coding.id).limit(1)).scalar()
    if made is not None:
        raise QcodeError(f"coding {coding.id} is a source of consensus coding {made}", hint=hint)


def remove_coding(
    session: Session, coding: Coding, coder: Coder, *, batch: str, force: bool = False
) -> CodingInfo:
    _check_owner(session, coding, coder, force)
    before = snapshot(coding, session)
    session.delete(coding)
    session.flush()
    record(
        session, actor=coder.name, action="untag", target_type="coding", target_id=before["id"],
        before=before, batch=batch,
        summary=f"untag {before['document']} c{before['start']}-{before['end']} {before['code']}",
    )
    return info_from(before)


def find_codings(
    session: Session, doc: Document, span: Span, codes: list[Code], coder: Coder
) -> list[Coding]:
    found = list(
        session.execute(
            select(Coding).where(
                Coding.document_id == doc.id,
                Coding.coder_id == coder.id,
                Coding.layer == "coding",
                Coding.start == span.start,
                Coding.end == span.end,
                Coding.code_id.in_([c.id for c in codes]),
            ).order_by(Coding.id).with_for_update(),  # in id order: two untags never deadlock
            execution_options={"populate_existing": True},
        ).scalars()
    )
    if not found:
        raise NotFoundError(
            f"{coder.name} has no such coding in {doc.name} at c{span.start}-{span.end}",
            hint="run `qcode codings --doc ... --coder ...` to see the ids",
        )
    return found


def recode(
    session: Session, coding: Coding, code: Code, coder: Coder, *, batch: str, force: bool = False
) -> CodingInfo:
    _check_owner(session, coding, coder, force)
    if coding.code_id == code.id:
        raise QcodeError(f"coding {coding.id} already has code {code.key}")
    clash = session.execute(
        select(Coding.id).where(
            Coding.document_id == coding.document_id, Coding.code_id == code.id,
            Coding.coder_id == coding.coder_id, Coding.layer == coding.layer,
            Coding.start == coding.start, Coding.end == coding.end,
        )
    ).scalar()
    if clash is not None:
        raise QcodeError(f"coding {clash} already codes the same span with {code.key}",
                         hint=f"remove coding {coding.id} with `qcode untag {coding.id}` instead")
    before = snapshot(coding, session)
    coding.code_id = code.id
    coding.updated_at = utcnow()
    session.flush()
    after = snapshot(coding, session)
    record(
        session, actor=coder.name, action="recode", target_type="coding", target_id=coding.id,
        before=before, after=after, batch=batch,
        summary=f"recode {coding.id} {before['code']} -> {code.key}",
    )
    return info_from(after)
