"""Inserting many rows fast: one statement compiled by SQLAlchemy for the connection's dialect,
handed to the driver's `executemany` with plain tuples.

SQLAlchemy's own executemany processes every parameter of every row in Python, which is most of
the cost of importing a transcript's ~700 units. The SQL still comes from SQLAlchemy, so it stays
portable; only the parameter passing is done directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    if not rows:
        return
    sql, order = _statement(conn, table, tuple(rows[0]))
    if order is not None:
        params: list[Any] = [tuple(row[c] for c in order) for row in rows]
    else:
        params = [dict(row) for row in rows]
    conn.exec_driver_sql(sql, params)


_COMPILED: dict[tuple[str, str, tuple[str, ...]], tuple[str, list[str] | None]] = {}


def _statement(conn: Connection, table: Table, columns: tuple[str, ...]
               ) -> tuple[str, list[str] | None]:
    """The INSERT's SQL for these columns, compiled once per dialect, and the order of its
    positional parameters (None: named)."""
    key = (conn.dialect.name, table.name, columns)
    if key not in _COMPILED:
        compiled = insert(table).values({c: None for c in columns}).compile(dialect=conn.dialect)
        order = list(compiled.positiontup or []) if compiled.positional else None
        _COMPILED[key] = (str(compiled), order)
    return _COMPILED[key]
