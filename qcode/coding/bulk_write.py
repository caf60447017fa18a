"""Writing many new codings at once: one statement per chunk for the codings, one for their
memos, and one compact event per coder and round for each (`store.compact_events`), so that one
`qcode undo` removes them all. Used by `import-codings` and `autocode`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.corpus.anchoring import CONTEXT
from qcode.store.models import Coder, Coding, Document


class NewRow(NamedTuple):
    """A coding to write (`write_codings`)."""

    document_id: int
    code_id: int
    coder: str
    start: int
    end: int
    memo: str | None


@dataclass
class Names:
    """Rows to write, with the names their events print."""

    rows: list[NewRow]
    documents: dict[int, str]  # id -> name
    codes: dict[int, str]  # id -> key


def write_codings(session: Session, fresh: list[tuple[NewRow, Coder]], names: Names, *,
                  actor: str, batch: str, action: str = "import-coding") -> int:
    """A chunk of new codings, their events and memos, one statement each; how many went in
    (a row another coder's identical insert beat on PostgreSQL is skipped)."""
    from qcode.coding.memos import _checked
    from qcode.coding.rounds_lookup import round_for
    from qcode.store.inserts import insert_new
    from qcode.store.models import new_uuid, utcnow

    now = utcnow()
    texts: dict[int, str] = dict(session.connection().execute(
        select(Document.id, Document.text).where(
            Document.id.in_(sorted({row.document_id for row, _ in fresh})))).tuples().all())
    values: list[dict[str, Any]] = []
    for row, coder in fresh:
        text = texts[row.document_id]
        start, end = row.start, row.end
        values.append({
            "uuid": new_uuid(), "document_id": row.document_id, "code_id": row.code_id,
            "coder_id": coder.id, "layer": "coding",
            "round_id": round_for(session, coder.id, row.document_id), "start": start,
            "end": end, "quote": text[start:end], "prefix": text[max(0, start - CONTEXT):start],
            "suffix": text[end:end + CONTEXT], "anchor": "ok", "created_at": now, "updated_at": now,
        })
    del texts
    ids: dict[str, int] = dict(insert_new(session, Coding.__table__, values, ("uuid", "id")))  # type: ignore[arg-type]
    # One event per coder and round in the chunk: whoever may see a row sees its whole event.
    groups: dict[tuple[str, int | None], list[dict[str, Any]]] = {}
    memo_rows: list[dict[str, Any]] = []
    for (row, coder), value in zip(fresh, values, strict=True):
        coding_id = ids.get(value["uuid"])
        if coding_id is None:
            continue
        groups.setdefault((coder.name, value["round_id"]), []).append(
            compact_snapshot(coding_id, value))
        if row.memo:
            # The coding's coder wrote the memo that came with it; the import is the actor's action.
            memo_rows.append({"uuid": new_uuid(), "target_type": "coding", "target_id": coding_id,
                              "coder_id": coder.id, "text": _checked(row.memo), "created_at": now,
                              "updated_at": now})
    _write_events(session, [
        _event(actor, batch, "codings", states, _summary(action, states, names, coder, actor),
               now, action=action) for (coder, _round), states in groups.items()])
    if memo_rows:
        _write_memos(session, memo_rows, actor=actor, batch=batch, now=now)
    return len(ids)


def _summary(action: str, states: list[dict[str, Any]], names: Names, coder: str,
             actor: str) -> str:
    """`import-coding (ana) 3 codings in int_001.txt: barriers, diaspora`; many documents
    or codes are counted, the first and last document named."""
    documents = sorted({names.documents[s["document_id"]] for s in states})
    codes = sorted({names.codes[s["code_id"]] for s in states})
    where = documents[0] if len(documents) == 1 else (
        f"{len(documents):,} documents ({documents[0]} … {documents[-1]})")
    what = ", ".join(codes) if len(codes) <= 5 else f"{len(codes)} codes"
    owner = "" if coder == actor else f" ({coder})"
    return (f"{action}{owner} {len(states):,} coding{'s' if len(states) != 1 else ''} in "
            f"{where}: {what}")


def compact_snapshot(coding_id: int, value: dict[str, Any]) -> dict[str, Any]:
    """What undo checks and redo restores of a coding a bulk action created: ids, span and
    identity. The quote and its context are the document's text at that span, so they are
    not copied into every event."""
    created = value["created_at"]
    return {"id": coding_id, "uuid": value["uuid"], "document_id": value["document_id"],
            "code_id": value["code_id"], "coder_id": value["coder_id"], "layer": value["layer"],
            "start": value["start"], "end": value["end"],
            "created_at": created.isoformat() if created else None}


def _event(actor: str, batch: str, target_type: str, states: list[dict[str, Any]],
           summary: str, now: datetime, *, action: str) -> dict[str, object]:
    """One event for the creation of many rows (`store.compact_events`)."""
    from qcode.store.compact_events import pack

    return {"at": now, "actor": actor, "action": action, "batch": batch,
            "target_type": target_type, "target_id": None, "before_json": None,
            "after_json": pack(states), "summary": summary, "undoes": None}


def _write_events(session: Session, events: list[dict[str, object]]) -> None:
    from qcode.store.inserts import insert_all
    from qcode.store.models import Event

    insert_all(session, Event.__table__, events)  # type: ignore[arg-type]


def _write_memos(session: Session, rows: list[dict[str, Any]], *, actor: str, batch: str,
                 now: datetime) -> None:
    from qcode.store.inserts import insert_new
    from qcode.store.models import Memo

    ids: dict[str, int] = dict(insert_new(session, Memo.__table__, rows, ("uuid", "id")))  # type: ignore[arg-type]
    states = [{"memo_id": ids[row["uuid"]], "uuid": row["uuid"], "text": row["text"],
               "target_type": "coding", "target_id": row["target_id"],
               "coder_id": row["coder_id"], "created_at": now.isoformat()} for row in rows]
    _write_events(session, [_event(actor, batch, "memos:coding", states,
                                   f"memo on {len(states):,} imported coding"
                                   f"{'s' if len(states) != 1 else ''}", now, action="memo")])
