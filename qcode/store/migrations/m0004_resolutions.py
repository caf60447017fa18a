"""Schema 4: the PI's decisions on disagreements, and their links to the consensus codings.

Two new tables, nothing else changes: `resolutions` (one row per decision; a revision is a new
row and the old one is marked superseded) and `resolution_codings` (which consensus codings a
decision made or stands on). Created from their definitions in `qcode.store.models` with
SQLAlchemy's portable DDL, so the same step runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import Connection

from qcode.store.models import Base

TABLES = ("resolutions", "resolution_codings")


def upgrade(conn: Connection) -> None:
    for name in TABLES:
        # checkfirst: a project rebuilt by the schema 3 step from these models may have them.
        Base.metadata.tables[name].create(conn, checkfirst=True)
