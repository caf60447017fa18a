"""Statements over a list of ids known only at run time (`WHERE id IN …`), as each store takes
them best.

SQLite binds at most 999 parameters to a statement, so ids go 900 to a statement as an expanded
`IN (?, ?, …)`. PostgreSQL takes the whole list as one array parameter (`= ANY(:ids)`): the
server parses one short statement instead of one with hundreds of placeholders, and no
statement is compiled per batch (a `retrieve` of 4,400 codings spent 60–90 ms on its turns'
look-ups the other way, against 25 ms on SQLite).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Connection, Integer, Row, any_, bindparam
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import Executable

SQLITE_BATCH = 900

Column = ColumnElement[Any] | InstrumentedAttribute[Any]
Build = Callable[[Callable[[Column], ColumnElement[bool]]], Executable]


class IdStatement:
    """A statement with a condition on a list of ids, built once per kind of store:
    `IdStatement(lambda among: select(T.a).where(among(T.id)))`, then `rows(connection, ids)`."""

    def __init__(self, build: Build) -> None:
        self._build = build
        self._made: dict[bool, Executable] = {}

    def _statement(self, array: bool) -> Executable:
        if array not in self._made:
            if array:
                self._made[array] = self._build(
                    lambda column: column == any_(bindparam("ids", type_=ARRAY(Integer))))
            else:
                self._made[array] = self._build(
                    lambda column: column.in_(bindparam("ids", expanding=True)))
        return self._made[array]

    def rows(self, connection: Connection, ids: Sequence[int], **params: Any) -> Iterator[Row[Any]]:
        """The statement's rows for all of `ids` (in batches where the store needs them)."""
        if not ids:
            return
        array = connection.dialect.name == "postgresql"
        statement = self._statement(array)
        size = len(ids) if array else SQLITE_BATCH
        for start in range(0, len(ids), size):
            yield from connection.execute(statement, {**params, "ids": list(ids[start:start + size])})
