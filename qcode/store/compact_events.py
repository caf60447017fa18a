"""Events that record many rows at once: what a bulk action keeps in the log.

An import of a million codings is logged as one event per chunk of rows rather than one per
coding: the event's `target_type` is the plural (`codings`, `memos:coding`), its `target_id` is
empty, and its before or after state holds the rows' states column by column (`pack`), values
that every row shares written once. The log still answers who changed what and when: the actor,
the time and the batch are the event's, and each row's id (and whose row it was) is in its
state. Undo and redo read them back as row changes (`unpack`), and `db check` follows them as it
follows one-row events (`latest_states`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, select

from qcode.store.models import Event

# Plural target type -> the one-row target type whose states it holds, and the state's id key.
COMPACT: dict[str, tuple[str, str]] = {"codings": ("coding", "id"),
                                       "memos:coding": ("memo:coding", "memo_id")}
PLURAL = {single: plural for plural, (single, _) in COMPACT.items()}


def is_compact(target_type: str) -> bool:
    return target_type in COMPACT


def pack(states: Sequence[dict[str, Any]]) -> str:
    """Row states (all with the same keys) as one JSON object: `same` holds the values every
    row shares, `columns` the others, one list per key."""
    keys = list(states[0]) if states else []
    same: dict[str, Any] = {}
    columns: dict[str, list[Any]] = {}
    for key in keys:
        values = [state[key] for state in states]
        if all(v == values[0] for v in values):
            same[key] = values[0]
        else:
            columns[key] = values
    return json.dumps({"rows": len(states), "same": same, "columns": columns},
                      ensure_ascii=False, separators=(",", ":"), default=str)


def unpack(text: str | None) -> list[dict[str, Any]]:
    """`pack`'s row states back, in their order."""
    if not text:
        return []
    data = json.loads(text)
    same, columns = data["same"], data["columns"]
    return [{**same, **{key: values[i] for key, values in columns.items()}}
            for i in range(data["rows"])]


def row_ids(target_type: str, text: str | None) -> list[int]:
    _single, key = COMPACT[target_type]
    return [int(state[key]) for state in unpack(text)]


def latest_states(conn: Connection, target_type: str
                  ) -> Iterator[tuple[int, int, dict[str, Any] | None]]:
    """(event id, row id, the row's state after it, None: removed) for every row that the
    compact events of `target_type` (a one-row type: `coding`, `memo:coding`) name, oldest
    first. `offline:` events are a coder's history from elsewhere, not these rows' state."""
    plural = PLURAL[target_type]
    _single, key = COMPACT[plural]
    rows = conn.execute(
        select(Event.id, Event.before_json, Event.after_json)
        .where(Event.target_type == plural, Event.action.not_like("offline:%"))
        .order_by(Event.id)
    )
    for event_id, before, after in rows:
        for state in unpack(after):
            yield event_id, int(state[key]), state
        if after is None:
            for state in unpack(before):
                yield event_id, int(state[key]), None
