"""`qcode export memos`: every memo entry, one row each, in a stable order.

A row says what the entry is on (`target`: coding, document, code or project, and `name`: the
document's name, the code's id, `coding N`, `project`), where a coding memo sits (its document,
code and span), who wrote it, when (full precision, UTC) and its uuid.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.store.models import Code, Coder, Coding, Document, Memo

COLUMNS = ("id", "target", "name", "document", "code", "start", "end", "author", "created_at",
           "updated_at", "text", "uuid")


@dataclass(frozen=True)
class MemoRow:
    id: int
    target: str
    name: str
    document: str | None
    code: str | None
    start: int | None
    end: int | None
    author: str | None
    created_at: str
    updated_at: str
    text: str
    uuid: str


def memo_rows(session: Session) -> list[MemoRow]:
    """Every memo entry, by target kind, then target, then time."""
    docs = dict(session.execute(select(Document.id, Document.name)).tuples().all())
    codes = dict(session.execute(select(Code.id, Code.key)).tuples().all())
    codings = {
        coding_id: (document_id, code_id, start, end)
        for coding_id, document_id, code_id, start, end in session.execute(
            select(Coding.id, Coding.document_id, Coding.code_id, Coding.start, Coding.end)
            .where(Coding.id.in_(select(Memo.target_id).where(Memo.target_type == "coding")))
        ).tuples()
    }
    rows = []
    for memo, author in session.execute(
        select(Memo, Coder.name).outerjoin(Coder, Coder.id == Memo.coder_id).order_by(Memo.id)
    ).tuples():
        document = code = start = end = None
        name = "project"
        if memo.target_type == "document":
            document = name = docs.get(memo.target_id or -1, f"document {memo.target_id}")
        elif memo.target_type == "code":
            code = name = codes.get(memo.target_id or -1, f"code {memo.target_id}")
        elif memo.target_type == "coding":
            name = f"coding {memo.target_id}"
            if memo.target_id in codings:
                doc_id, code_id, start, end = codings[memo.target_id]
                document, code = docs.get(doc_id), codes.get(code_id)
        rows.append(MemoRow(
            memo.id, memo.target_type, name, document, code, start, end, author,
            memo.created_at.isoformat(), memo.updated_at.isoformat(), memo.text, memo.uuid,
        ))
    order = {"project": 0, "document": 1, "code": 2, "coding": 3}
    rows.sort(key=lambda r: (order.get(r.target, 9), r.document or r.name, -1 if r.start is None else r.start,
                             r.name, r.created_at, r.id))
    return rows
