"""Schema 2: the full-text index over sentence units, built from the units already stored.

No table of the models changes. On SQLite with FTS5 this creates and fills `units_fts` (see
`qcode.store.fulltext`); on PostgreSQL, or a SQLite without FTS5, it does nothing and searches
scan the documents instead.
"""

from __future__ import annotations

from sqlalchemy import Connection


def upgrade(conn: Connection) -> None:
    from qcode.store.fulltext import install

    install(conn)
