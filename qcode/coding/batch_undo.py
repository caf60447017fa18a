"""Undo and redo of a batch of creations or removals, set-wise.

A bulk action (an import of a million codings, an autocode run) is undone as one `DELETE` per
chunk of rows and redone as one `INSERT` per chunk, after one `SELECT` per chunk has checked the
rows are still as the batch left them. Each change still gets its own event, naming the target
and the change in its summary; the before/after state is not copied again, since redo reads the
original batch's events. Batches that edit rows in place (recode, memo edits, coders) take the
per-event path in `history`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from qcode.errors import QcodeError
from qcode.store.inserts import chunks, insert_all
from qcode.store.models import Coding, Document, Event, Memo, utcnow

CODING_FIELDS = ("document_id", "code_id", "coder_id", "layer", "round_id", "start", "end",
                 "quote", "prefix", "suffix", "anchor", "uuid")
MEMO_FIELDS = ("target_type", "target_id", "coder_id", "text", "uuid")


@dataclass(frozen=True)
class _Change:
    target_type: str
    target_id: int
    expected: dict[str, Any] | None  # the state the row must be in now (None: must not exist)
    wanted: dict[str, Any] | None  # the state to leave it in (None: removed)
    summary: str


def is_set_wise(session: Session, batch: str) -> bool:
    """Whether every event of `batch` creates or removes codings or memo entries."""
    from qcode.store.compact_events import COMPACT

    plural = list(COMPACT)
    other = session.execute(
        select(func.count()).select_from(Event).where(
            Event.batch == batch,
            or_(and_(Event.target_type != "coding", ~Event.target_type.startswith("memo:"),
                     Event.target_type.not_in(plural)),
                and_(Event.target_id.is_(None), Event.target_type.not_in(plural)),
                and_(Event.before_json.is_(None), Event.after_json.is_(None)),
                and_(Event.before_json.is_not(None), Event.after_json.is_not(None))))
    ).scalar_one()
    return other == 0


def apply_batch(session: Session, target: str, *, forward: bool, actor: str, batch: str,
                undoes: str, label: str) -> int:
    """Move every event of batch `target` to its after-state (`forward`) or back; how many rows
    changed. Each compact event's rows are changed together and recorded by one compact event;
    one-row events a chunk at a time, each recorded by one."""
    ids = list(session.execute(
        select(Event.id).where(Event.batch == target).order_by(Event.id)).scalars())
    if not forward:
        ids.reverse()
    done = 0
    for part in chunks(ids, 50):
        for changes, compact in _load(session, part, forward=forward):
            for piece in chunks(changes):
                _apply_codings(session, [c for c in piece if c.target_type == "coding"])
                _apply_memos(session, [c for c in piece if c.target_type != "coding"])
            done += len(changes)
            _record(session, changes, compact, actor=actor, label=label, batch=batch,
                    undoes=undoes)
    return done


def _record(session: Session, changes: Sequence[_Change], compact: str | None, *, actor: str,
            label: str, batch: str, undoes: str) -> None:
    """The undo/redo events of `changes`: one compact event for a compact event's rows, else
    one event per row."""
    from qcode.store.compact_events import COMPACT, pack

    now = utcnow()
    if compact is not None:
        key = COMPACT[compact][1]
        summary = f"{label} {changes[0].summary}" if changes else label
        before = [_owner(key, c.target_id, c.expected) for c in changes if c.expected is not None]
        after = [_owner(key, c.target_id, c.wanted) for c in changes if c.wanted is not None]
        insert_all(session, Event.__table__, [  # type: ignore[arg-type]
            {"at": now, "actor": actor, "action": label, "batch": batch, "target_type": compact,
             "target_id": None, "before_json": pack(before) if before else None,
             "after_json": pack(after) if after else None, "summary": summary, "undoes": undoes}])
        return
    for piece in chunks(changes):
        insert_all(session, Event.__table__, [  # type: ignore[arg-type]
            {"at": now, "actor": actor, "action": label, "batch": batch,
             "target_type": c.target_type, "target_id": c.target_id,
             "before_json": _marker(c.expected), "after_json": _marker(c.wanted),
             "summary": f"{label} {c.summary}", "undoes": undoes}
            for c in piece])


def _owner(key: str, row_id: int, state: dict[str, Any]) -> dict[str, Any]:
    """What a compact undo/redo event keeps of each row: its id (under `key`, as the compact
    event it reverses names it) and whose it is."""
    return {key: row_id, **{k: state.get(k) for k in _OWNER if k in state}}


def _marker(state: dict[str, Any] | None) -> str | None:
    """What an undo/redo event keeps of a row: that it exists, and whose it is (for `db check`
    and the log); the full state stays in the batch it reverses."""
    if state is None:
        return None
    return json.dumps({"present": True, **{k: state[k] for k in _OWNER if k in state}})


_OWNER = ("document_id", "code_id", "coder_id")


def _load(session: Session, ids: Sequence[int], *, forward: bool
          ) -> Iterator[tuple[list[_Change], str | None]]:
    """The events `ids` in that order as row changes: each compact event's rows on their own
    (with its plural target type), runs of one-row events together (with None)."""
    from qcode.store.compact_events import COMPACT, unpack

    rows = session.execute(
        select(Event.id, Event.target_type, Event.target_id, Event.before_json, Event.after_json,
               Event.summary).where(Event.id.in_(ids))
    ).all()
    order = {event_id: i for i, event_id in enumerate(ids)}
    single: list[_Change] = []
    for _id, kind, target_id, before, after, summary in sorted(rows, key=lambda r: order[r[0]]):
        if kind in COMPACT:
            if single:
                yield single, None
                single = []
            one, key = COMPACT[kind]
            states = unpack(after or before)
            created = after is not None
            yield [_Change(one, int(state[key]), None if created == forward else state,
                           state if created == forward else None, summary)
                   for state in states], kind
            continue
        old = json.loads(before) if before else None
        new = json.loads(after) if after else None
        if not forward:
            old, new = new, old
        single.append(_Change(kind, target_id, old, new, summary))
    if single:
        yield single, None


def _apply_codings(session: Session, changes: list[_Change]) -> None:
    if not changes:
        return
    ids = [c.target_id for c in changes]
    columns = [Coding.id, *(getattr(Coding, f) for f in CODING_FIELDS)]
    current = {row[0]: dict(zip(CODING_FIELDS, row[1:], strict=True))
               for row in session.execute(select(*columns).where(Coding.id.in_(ids))).all()}
    for change in changes:
        _check(current.get(change.target_id), change, CODING_FIELDS)
    gone = [c.target_id for c in changes if c.wanted is None]
    if gone:
        session.execute(delete(Coding).where(Coding.id.in_(gone)))
    back = [c for c in changes if c.wanted is not None]
    if back:
        insert_all(session, Coding.__table__, _coding_rows(session, back))  # type: ignore[arg-type]


def _check(row: dict[str, Any] | None, change: _Change, fields: tuple[str, ...]) -> None:
    what = "coding" if change.target_type == "coding" else "memo"
    if change.expected is None:
        if row is not None:
            raise QcodeError(f"{what} {change.target_id} exists again; nothing was changed")
        return
    if row is None:
        raise QcodeError(f"{what} {change.target_id} was removed since; nothing was changed")
    # Events written before schema 3 have no uuid; compact ones have no quote (it is the text).
    if any(row[f] != change.expected[f] for f in fields if f in change.expected):
        raise QcodeError(f"{what} {change.target_id} was changed since; nothing was changed",
                         hint="see `qcode log` for who changed it")


def _when(value: str | None, now: datetime) -> datetime:
    return datetime.fromisoformat(value) if value else now


def _coding_rows(session: Session, changes: list[_Change]) -> list[dict[str, Any]]:
    """Rows to re-insert; the quote and context of a compact snapshot come from the text."""
    from qcode.corpus.anchoring import context

    need = {c.wanted["document_id"] for c in changes
            if c.wanted is not None and "quote" not in c.wanted}
    texts: dict[int, str] = {doc_id: text for doc_id, text in session.execute(
        select(Document.id, Document.text).where(Document.id.in_(need))).all()} if need else {}
    now = utcnow()
    rows = []
    for change in changes:
        wanted = change.wanted
        assert wanted is not None
        row = {"id": change.target_id, "layer": "coding", "round_id": None, "anchor": "ok",
               **{f: wanted[f] for f in CODING_FIELDS if f in wanted},
               "created_at": _when(wanted.get("created_at"), now), "updated_at": now}
        if "quote" not in wanted:
            text = texts.get(wanted["document_id"])
            if text is None or wanted["end"] > len(text):
                raise QcodeError(f"coding {change.target_id}: its document has changed or gone; "
                                 "nothing was changed")
            prefix, suffix = context(text, wanted["start"], wanted["end"])
            row.update(quote=text[wanted["start"]:wanted["end"]], prefix=prefix, suffix=suffix)
        if "uuid" not in row:
            row["uuid"] = _new_uuid()
        rows.append(row)
    keys = {k for row in rows for k in row}
    return [{k: row.get(k) for k in sorted(keys)} for row in rows]


def _apply_memos(session: Session, changes: list[_Change]) -> None:
    if not changes:
        return
    ids = [c.target_id for c in changes]
    current = {row[0]: dict(zip(MEMO_FIELDS, row[1:], strict=True)) for row in session.execute(
        select(Memo.id, *(getattr(Memo, f) for f in MEMO_FIELDS)).where(Memo.id.in_(ids))).all()}
    for change in changes:
        _check(current.get(change.target_id), change, ("text",))
    gone = [c.target_id for c in changes if c.wanted is None]
    if gone:
        session.execute(delete(Memo).where(Memo.id.in_(gone)))
    now = utcnow()
    back = []
    for change in changes:
        wanted = change.wanted
        if wanted is None:
            continue
        back.append({"id": change.target_id, "target_type": change.target_type.split(":", 1)[1],
                     "target_id": wanted.get("target_id"), "coder_id": wanted.get("coder_id"),
                     "text": wanted["text"], "uuid": wanted.get("uuid") or _new_uuid(),
                     "created_at": _when(wanted.get("created_at"), now), "updated_at": now})
    if back:
        insert_all(session, Memo.__table__, back)  # type: ignore[arg-type]


def _new_uuid() -> str:
    from qcode.store.models import new_uuid

    return new_uuid()
