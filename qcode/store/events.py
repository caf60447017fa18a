"""The append-only audit trail: one row per change, grouped by the user action (`batch`)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy.orm import Session

from qcode.store.models import Event, utcnow


def new_batch() -> str:
    return str(uuid.uuid4())


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target_type: str,
    target_id: int | None,
    before: Any = None,
    after: Any = None,
    summary: str = "",
    batch: str | None = None,
    undoes: str | None = None,
) -> Event:
    event = Event(
        actor=actor,
        action=action,
        batch=batch or new_batch(),
        target_type=target_type,
        target_id=target_id,
        before_json=None if before is None else json.dumps(before, ensure_ascii=False, default=str),
        after_json=None if after is None else json.dumps(after, ensure_ascii=False, default=str),
        summary=summary,
        undoes=undoes,
    )
    session.add(event)
    return event


def record_many(session: Session, events: list[dict[str, Any]]) -> None:
    """`record` for many events at once (each a dict of `record`'s keyword arguments), written
    with one executemany: a bulk action's log without an object per row."""
    from sqlalchemy import insert

    def dumped(value: Any) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, default=str)

    now = utcnow()
    rows = [
        {
            "at": now, "actor": e["actor"], "action": e["action"], "batch": e.get("batch") or new_batch(),
            "target_type": e["target_type"], "target_id": e["target_id"],
            "before_json": dumped(e.get("before")), "after_json": dumped(e.get("after")),
            "summary": e.get("summary", ""), "undoes": e.get("undoes"),
        }
        for e in events
    ]
    if rows:
        session.execute(insert(Event), rows)
