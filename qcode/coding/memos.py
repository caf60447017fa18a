"""Memos on a coding, a document, a code or the whole project.

A coding's memo lives on the coding (it travels with it through recode and export). Memos on
documents, codes and the project are kept per coder, so two coders never overwrite each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from qcode.coding.tagging import get_coding, snapshot
from qcode.errors import QcodeError, UsageError
from qcode.store.events import record
from qcode.store.models import Coder, Memo, utcnow

TARGETS = ("coding", "document", "code", "project")


@dataclass(frozen=True)
class MemoInfo:
    target: str
    name: str
    coder: str | None
    text: str
    updated_at: str


def resolve_memo_target(session: Session, kind: str, ref: str | None) -> tuple[int | None, str]:
    """(target id, display name) for a memo target."""
    from qcode.coding.codes import resolve_code
    from qcode.corpus.documents import resolve_document

    if kind not in TARGETS:
        raise UsageError(f"memo target must be one of {', '.join(TARGETS)}, not `{kind}`")
    if kind == "project":
        return None, "project"
    if not ref:
        raise UsageError(f"say which {kind}: qcode memo {kind} NAME [TEXT]")
    if kind == "coding":
        if not ref.isdigit():
            raise UsageError(f"a coding is named by its id (a number), not `{ref}`")
        return get_coding(session, int(ref)).id, f"coding {ref}"
    if kind == "document":
        doc = resolve_document(session, ref)
        return doc.id, doc.name
    code = resolve_code(session, ref, allow_retired=True)
    return code.id, code.key


def set_memo(
    session: Session, kind: str, target_id: int | None, name: str, text: str, coder: Coder,
    *, batch: str, force: bool = False,
) -> None:
    if kind == "coding":
        assert target_id is not None
        coding = get_coding(session, target_id)
        if coding.coder_id != coder.id and not force:
            raise QcodeError(f"coding {coding.id} belongs to another coder",
                             hint="pass --force to write on another coder's coding")
        coding_before = snapshot(coding, session)
        coding.memo = text or None
        coding.updated_at = utcnow()
        session.flush()
        record(session, actor=coder.name, action="memo", target_type="coding",
               target_id=coding.id, before=coding_before, after=snapshot(coding, session), batch=batch,
               summary=f"memo on coding {coding.id}")
        return
    memo = session.execute(
        select(Memo).where(Memo.target_type == kind, _target_is(target_id), Memo.coder_id == coder.id)
    ).scalar()
    before = _memo_state(memo) if memo else None
    if memo is None:
        memo = Memo(target_type=kind, target_id=target_id, coder_id=coder.id, text=text)
        session.add(memo)
    else:
        memo.text, memo.updated_at = text, utcnow()
    session.flush()
    record(session, actor=coder.name, action="memo", target_type=f"memo:{kind}",
           target_id=memo.id, before=before, after=_memo_state(memo), batch=batch,
           summary=f"memo on {kind} {name}")


def _memo_state(memo: Memo) -> dict[str, object]:
    return {"memo_id": memo.id, "text": memo.text, "target_id": memo.target_id,
            "coder_id": memo.coder_id}


def _target_is(target_id: int | None) -> ColumnElement[bool]:
    return Memo.target_id.is_(None) if target_id is None else Memo.target_id == target_id


def get_memos(session: Session, kind: str, target_id: int | None, name: str) -> list[MemoInfo]:
    if kind == "coding":
        assert target_id is not None
        coding = get_coding(session, target_id)
        coder = session.get(Coder, coding.coder_id)
        if not coding.memo:
            return []
        return [MemoInfo("coding", name, coder.name if coder else None, coding.memo,
                         coding.updated_at.isoformat(timespec="seconds"))]
    rows = session.execute(
        select(Memo, Coder.name)
        .outerjoin(Coder, Coder.id == Memo.coder_id)
        .where(Memo.target_type == kind, _target_is(target_id))
        .order_by(Memo.updated_at)
    ).all()
    return [MemoInfo(kind, name, coder_name, m.text, m.updated_at.isoformat(timespec="seconds"))
            for m, coder_name in rows]
