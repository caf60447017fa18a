"""Schema 4: the PI's decisions on disagreements, and their links to the consensus codings.

Two new tables, nothing else changes: `resolutions` (one row per decision; a revision is a new
row and the old one is marked superseded) and `resolution_codings` (which consensus codings a
decision made or stands on). They are defined here as they were in schema 4, not taken from
the models, so that a later schema changing them still finds this step's tables; SQLAlchemy's
portable DDL creates them on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

TABLES = ("resolutions", "resolution_codings")


def _tables() -> list[Table]:
    meta = MetaData()
    for name in ("rounds", "documents", "coders", "codings"):  # what the new tables refer to
        Table(name, meta, Column("id", Integer, primary_key=True))
    resolutions = Table(
        "resolutions", meta,
        Column("id", Integer, primary_key=True),
        Column("uuid", String(36), nullable=False, unique=True),
        Column("disagreement", String(600), nullable=False),
        Column("round_id", Integer, ForeignKey("rounds.id", ondelete="SET NULL")),
        Column("unit", String(16), nullable=False),
        Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
               nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("code", String(64), nullable=False),
        Column("domain", Boolean, nullable=False),
        Column("coders", Text, nullable=False),
        Column("option", String(255), nullable=False),
        Column("chosen_code", String(64)),
        Column("note", Text, nullable=False),
        Column("decided_by", Integer, ForeignKey("coders.id"), nullable=False),
        Column("decided_at", DateTime, nullable=False),
        Column("revision", Integer, nullable=False),
        Column("superseded_by_id", Integer, ForeignKey("resolutions.id")),
        Column("status", String(16), nullable=False),
        Index("ix_resolutions_disagreement", "disagreement"),
        sqlite_autoincrement=True,
    )  # fmt: skip
    links = Table(
        "resolution_codings", meta,
        Column("resolution_id", Integer, ForeignKey("resolutions.id", ondelete="CASCADE"),
               primary_key=True),
        Column("coding_id", Integer, ForeignKey("codings.id", ondelete="CASCADE"),
               primary_key=True),
        Column("made", Boolean, nullable=False),
    )  # fmt: skip
    return [resolutions, links]


def upgrade(conn: Connection) -> None:
    for table in _tables():
        table.create(conn, checkfirst=True)  # with its indexes
