"""Schema 5: `coders.db_role`, the PostgreSQL login role a coder of a team server connects as.

One nullable column and a unique index on it; existing coders have none. Row security on a
team server (see `qcode.store.postgres`) maps `current_user` to a coder through it. The policies
themselves are not part of the schema: `qcode team add-coder` installs them on PostgreSQL only.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect


def upgrade(conn: Connection) -> None:
    # Schema 3's SQLite step rebuilds `coders` from the current models, so a project coming from
    # schema 2 or older may have the column already.
    if "db_role" not in {c["name"] for c in inspect(conn).get_columns("coders")}:
        conn.exec_driver_sql("ALTER TABLE coders ADD COLUMN db_role VARCHAR(63)")
    conn.exec_driver_sql("CREATE UNIQUE INDEX IF NOT EXISTS ix_coders_db_role ON coders (db_role)")
