"""Many rows in one statement per chunk: the one place bulk writes meet the dialect.

Rows that would break a unique constraint are skipped, not raised (PostgreSQL and SQLite both
have `ON CONFLICT DO NOTHING`), so a race with another coder's identical insert on PostgreSQL
leaves one copy instead of failing the whole batch. Callers learn which rows went in from what
the statement returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Insert, Table, insert
from sqlalchemy.orm import Session

CHUNK = 2000


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert_ignoring_duplicates(session: Session, table: Table) -> Insert:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing()
    return insert(table)


def insert_new(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], returning: Iterable[str]
) -> list[tuple[Any, ...]]:
    """Insert `rows` (all with the same keys), skipping duplicates; the returned columns of the
    rows that went in, in no particular order."""
    columns = [table.c[name] for name in returning]
    found: list[tuple[Any, ...]] = []
    for part in chunks(rows):
        stmt = _insert_ignoring_duplicates(session, table).returning(*columns)
        found.extend(tuple(r) for r in session.execute(stmt, list(part)).all())
    return found


def insert_all(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (all with the same keys) with executemany, a chunk at a time."""
    for part in chunks(rows):
        session.execute(insert(table), list(part))
