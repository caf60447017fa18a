"""Inserting many rows fast: statements compiled by SQLAlchemy for the connection's dialect,
handed to the driver with plain tuples.

SQLAlchemy's own executemany processes every parameter of every row in Python, which is most of
the cost of importing a transcript's ~700 units. The SQL still comes from SQLAlchemy, so it stays
portable; only the parameter passing is done directly. Where the driver takes positional
parameters (SQLite), rows go a hundred to an INSERT with many VALUES: SQLite then runs one
statement per hundred rows instead of one per row, which takes about half the time. Compiled
statements are kept per table, columns, dialect and row count: an import inserts into the same
tables once per file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain
from typing import Any, NamedTuple

from sqlalchemy import Connection, Dialect, Table, insert

ROWS_PER_STATEMENT = 100
# What SQLite allows in one statement before 3.32 (later builds allow 32766).
_MAX_PARAMETERS = 999


class _Compiled(NamedTuple):
    sql: str
    # The columns in the order of the statement's positional parameters (one row's worth), or
    # None where the driver takes named parameters.
    order: tuple[str, ...] | None


_COMPILED: dict[tuple[Table, tuple[str, ...], Dialect, int], _Compiled | None] = {}


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows`, dicts that all have the same keys."""
    if not rows:
        return
    columns = tuple(rows[0])
    insert_tuples(conn, table, columns, [tuple(row[c] for c in columns) for row in rows])


def insert_tuples(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert `rows`, tuples of values for `columns` in that order, in the order given. The
    driver gets the values as they are: `columns` must include every column that the model fills
    by a Python-side default (a `uuid`, a time)."""
    if not rows:
        return
    names = tuple(columns)
    single = _compiled(conn.dialect, table, names, 1)
    assert single is not None
    if single.order is None:
        conn.exec_driver_sql(single.sql, [dict(zip(names, row, strict=True)) for row in rows])
        return
    if single.order != names:
        index = [names.index(c) for c in single.order]
        rows = [tuple(row[i] for i in index) for row in rows]
    size = max(1, min(ROWS_PER_STATEMENT, _MAX_PARAMETERS // len(names)))
    many = _compiled(conn.dialect, table, names, size) if len(rows) >= size else None
    done = 0
    if many is not None:
        done = len(rows) - len(rows) % size
        # One call for all the whole chunks: the driver runs the statement once per chunk.
        chunks = [tuple(chain.from_iterable(rows[start : start + size])) for start in range(0, done, size)]
        conn.exec_driver_sql(many.sql, chunks)
    if done < len(rows):
        conn.exec_driver_sql(single.sql, list(rows[done:]))


def _compiled(dialect: Dialect, table: Table, columns: tuple[str, ...], rows: int) -> _Compiled | None:
    """The INSERT of `rows` rows of `columns`; None for several rows where its parameters do not
    come row by row in the order of one row's (then the rows go one statement each)."""
    key = (table, columns, dialect, rows)
    if key in _COMPILED:
        return _COMPILED[key]
    row = {c: None for c in columns}
    compiled = insert(table).values([row] * rows if rows > 1 else row).compile(dialect=dialect)
    found: _Compiled | None = None
    if not compiled.positional:
        found = _Compiled(str(compiled), None) if rows == 1 else None
    elif rows == 1:
        found = _Compiled(str(compiled), tuple(compiled.positiontup or []))
    else:
        single = _compiled(dialect, table, columns, 1)
        assert single is not None and single.order is not None
        expected = [f"{c}_m{i}" for i in range(rows) for c in single.order]
        if list(compiled.positiontup or []) == expected:
            found = _Compiled(str(compiled), single.order)
    _COMPILED[key] = found
    return found
