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
    columns = list(rows[0])
    compiled = insert(table).values({c: None for c in columns}).compile(dialect=conn.dialect)
    if compiled.positional:
        order = list(compiled.positiontup or [])
        params: list[Any] = [tuple(row[c] for c in order) for row in rows]
    else:
        params = [dict(row) for row in rows]
    conn.exec_driver_sql(str(compiled), params)
