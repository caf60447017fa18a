"""Plain rows in the event log: rounds, their assignments, decisions and provenance links.

`row_state` is what an event records of such a row (every column, times as ISO text);
`set_row` moves a row from one recorded state to another for undo and redo, after checking
that it is still as the event left it, so an undo never overwrites someone's later change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, inspect, select
from sqlalchemy.orm import Session

from qcode.errors import QcodeError
from qcode.store.models import (
    Base,
    Coding,
    CodingSource,
    Resolution,
    ResolutionCoding,
    Round,
    RoundAssignment,
)

# Event target types (at most 16 characters, the column's width).
ROW_TYPES: dict[str, type[Base]] = {
    "round": Round,
    "round_assignment": RoundAssignment,
    "resolution": Resolution,
    "decision_coding": ResolutionCoding,
    "coding_source": CodingSource,
}


def row_state(row: Base) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        out[column.key] = value.isoformat() if isinstance(value, datetime) else value
    return out


def _key(model: type[Base], state: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(state[str(c.key)] for c in inspect(model).primary_key)


def _describe(target_type: str, key: tuple[Any, ...]) -> str:
    return f"{target_type.replace('_', ' ')} {'/'.join(str(k) for k in key)}"


def _check_unused(session: Session, target_type: str, key: tuple[Any, ...]) -> None:
    """A round that codings belong to is closed, never taken back."""
    if target_type != "round":
        return
    used = session.execute(select(Coding.id).where(Coding.round_id == key[0]).limit(1)).first()
    if used is not None:
        raise QcodeError(f"round {key[0]} has codings now; nothing was changed",
                         hint="close the round instead: qcode round close NAME")


def set_row(session: Session, target_type: str, *, expected: Any, wanted: Any) -> None:
    """Put the row an event names into the state `wanted` (None: no row), checking first that
    it is in the state `expected` (None: no row)."""
    model = ROW_TYPES[target_type]
    key = _key(model, wanted if wanted is not None else expected)
    row = session.get(model, key)
    name = _describe(target_type, key)
    if expected is None and row is not None:
        raise QcodeError(f"{name} exists again; nothing was changed")
    if expected is not None:
        if row is None:
            raise QcodeError(f"{name} was removed since; nothing was changed")
        if any(row_state(row).get(k) != v for k, v in expected.items()):
            raise QcodeError(f"{name} was changed since; nothing was changed",
                             hint="see `qcode log` for who changed it")  # fmt: skip
    if wanted is None:
        _check_unused(session, target_type, key)
        session.delete(row)
    else:
        if row is None:
            row = model()
            session.add(row)
        dates = {c.key for c in model.__table__.columns if isinstance(c.type, DateTime)}
        for field, value in wanted.items():
            if field in dates and isinstance(value, str):
                value = datetime.fromisoformat(value)
            setattr(row, field, value)
    # Rows of one action refer to each other (a link to a decision, a decision to its
    # successor): each change reaches the database before the next one needs it.
    session.flush()
