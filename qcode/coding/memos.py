"""Memo threads on a coding, a document, a code or the whole project.

A memo is a thread of entries, each credited to the person who wrote it, with its time. Writing
a memo appends an entry, so nobody's note ever replaces another's; an author may edit or delete
their own entries (a PI anyone's, with `force`), and every change is an undoable event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.orm import Session

from qcode.errors import NotFoundError, QcodeError, UsageError
from qcode.store.events import record
from qcode.store.id_lists import IdStatement
from qcode.store.models import Coder, Coding, Memo, utcnow

TARGETS = ("coding", "document", "code", "project")
MAX_MEMO = 1_000_000  # characters; a memo is a note, not a second transcript


@dataclass(frozen=True)
class MemoInfo:
    id: int
    uuid: str
    target: str
    name: str
    coder: str | None
    text: str
    created_at: str
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
        if not ref.isdigit() or len(ref) > 18:
            raise UsageError(f"a coding is named by its id (a number), not `{ref}`")
        from qcode.store.visibility import can_see

        coding = session.get(Coding, int(ref))
        if coding is None or not can_see(session, coding):  # a hidden coding's thread too
            raise NotFoundError(f"no coding {ref}", hint="run `qcode codings` to list them")
        return int(ref), f"coding {ref}"
    if kind == "document":
        doc = resolve_document(session, ref)
        return doc.id, doc.name
    code = resolve_code(session, ref, allow_retired=True)
    return code.id, code.key


def add_memo(
    session: Session, kind: str, target_id: int | None, name: str, text: str, author: Coder,
    *, batch: str, actor: str | None = None, uuid: str | None = None,
    created_at: datetime | None = None, updated_at: datetime | None = None,
) -> MemoInfo:
    """Append an entry to the thread on a target, credited to `author`; `actor` (who ran the
    command, by default the author) is who the event log says made the change. `uuid` and the
    times keep an exchanged memo's identity and dates (REFI-QDA imports)."""
    text = _checked(text)
    memo = Memo(target_type=kind, target_id=target_id, coder_id=author.id, text=text)
    if uuid is not None:
        memo.uuid = uuid
    if created_at is not None:
        memo.created_at = created_at
        memo.updated_at = updated_at or created_at
    session.add(memo)
    session.flush()
    record(session, actor=actor or author.name, action="memo", target_type=f"memo:{kind}",
           target_id=memo.id, before=None, after=memo_state(memo), batch=batch,
           summary=f"memo on {kind} {name}" if kind != "project" else "memo on the project")
    return _info(memo, name, author.name)


def edit_memo(
    session: Session, memo_id: int, text: str | None, author: Coder, *, batch: str,
    force: bool = False,
) -> MemoInfo | None:
    """Change (or, with `text=None`, delete) one entry: one's own, or anyone's with `force`."""
    # Locked: two edits (or an edit and a delete) of one entry run one after the other.
    memo = session.get(Memo, memo_id, with_for_update=True, populate_existing=True)
    if memo is None:
        raise NotFoundError(f"no memo entry {memo_id}", hint="`qcode memo KIND NAME` lists a thread with ids")
    if memo.coder_id != author.id and not force:
        owner = session.get(Coder, memo.coder_id) if memo.coder_id else None
        raise QcodeError(
            f"memo entry {memo_id} was written by {owner.name if owner else 'someone else'}",
            hint="add your own entry instead, or pass --force (a PI correcting a thread)",
        )
    before = memo_state(memo)
    what = "delete memo" if text is None else "edit memo"
    if text is None:
        session.delete(memo)
        after = None
    else:
        memo.text, memo.updated_at = _checked(text), utcnow()
        after = memo_state(memo)
    session.flush()
    record(session, actor=author.name, action="memo", target_type=f"memo:{before['target_type']}",
           target_id=memo_id, before=before, after=after, batch=batch,
           summary=f"{what} {memo_id} on {before['target_type']}")
    if after is None:
        return None
    owner = session.get(Coder, memo.coder_id) if memo.coder_id else None
    return _info(memo, str(before["target_type"]), owner.name if owner else None)


def memo_state(memo: Memo) -> dict[str, Any]:
    """What undo needs to restore an entry exactly."""
    return {
        "memo_id": memo.id, "uuid": memo.uuid, "text": memo.text, "target_type": memo.target_type,
        "target_id": memo.target_id, "coder_id": memo.coder_id,
        "created_at": memo.created_at.isoformat() if memo.created_at else None,
    }


def _checked(text: str) -> str:
    text = text.strip("\n")
    if not text.strip():
        raise UsageError("a memo needs some text", hint="qcode memo KIND NAME \"TEXT\"")
    if len(text) > MAX_MEMO:
        raise UsageError(f"a memo of {len(text):,} characters is too long (at most {MAX_MEMO:,})")
    return text


def _target_is(target_id: int | None) -> ColumnElement[bool]:
    return Memo.target_id.is_(None) if target_id is None else Memo.target_id == target_id


def _info(memo: Memo, name: str, coder: str | None) -> MemoInfo:
    return MemoInfo(
        memo.id, memo.uuid, memo.target_type, name, coder, memo.text,
        memo.created_at.isoformat(timespec="seconds"), memo.updated_at.isoformat(timespec="seconds"),
    )


def get_memos(session: Session, kind: str, target_id: int | None, name: str) -> list[MemoInfo]:
    """A thread, oldest entry first."""
    rows = session.execute(
        select(Memo, Coder.name)
        .outerjoin(Coder, Coder.id == Memo.coder_id)
        .where(Memo.target_type == kind, _target_is(target_id))
        .order_by(Memo.created_at, Memo.id)
    ).all()
    return [_info(m, name, coder_name) for m, coder_name in rows]


_THREADS = IdStatement(lambda among: select(Memo.target_id, Memo.text)
                       .where(Memo.target_type == "coding", among(Memo.target_id))
                       .order_by(Memo.target_id, Memo.created_at, Memo.id))


_RANGE = (select(Memo.target_id, Memo.text)
          .where(Memo.target_type == "coding", Memo.target_id.between(bindparam("lo"), bindparam("hi")))
          .order_by(Memo.target_id, Memo.created_at, Memo.id))


def coding_memo_texts(session: Session, coding_ids: Iterable[int]) -> dict[int, str]:
    """Each coding's thread as one text (entries oldest first, separated by a blank line), for
    listings and the one `memo` column of a codings CSV."""
    ids = sorted(set(coding_ids))
    found: dict[int, list[str]] = {}
    session.flush()  # Core execution below does not flush pending entries itself
    connection = session.connection()
    if ids and ids[-1] - ids[0] < 4 * len(ids):
        # Ids close together (a listing's chunk of one import): one range, the others dropped,
        # costs far less than binding thousands of values.
        wanted = set(ids)
        for target_id, text in connection.execute(_RANGE, {"lo": ids[0], "hi": ids[-1]}):
            if target_id in wanted:
                found.setdefault(int(target_id), []).append(text)
        ids = []
    for target_id, text in _THREADS.rows(connection, ids):
        found.setdefault(int(target_id), []).append(text)
    return {coding_id: "\n\n".join(texts) for coding_id, texts in found.items()}
