"""Schema 4 on a project of schema 3 with data: the decision tables appear, nothing else moves."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select

from qcode.store.engine import get_engine, session_scope, to_url
from qcode.store.models import Base, Coding, Resolution, ResolutionCoding
from qcode.store.schema import SCHEMA_VERSION, create_project, ensure_current

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"

ROWS = """
INSERT INTO meta (key, value) VALUES ('schema_version', '3'), ('project_name', 'old');
INSERT INTO documents (id, uuid, name, text, sha256, source_format, chars, words, metadata_json,
  revision, imported_at, updated_at) VALUES (1, 'd-1', 'int_001.txt', 'Respondent: my cousin.', 'x',
  'txt', 22, 3, '{}', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00');
INSERT INTO codes (id, uuid, key, label, position, definition, examples_json, retired, applicable,
  first_version) VALUES (1, 'k-1', 'diaspora', 'Diaspora', 0, 'd', '[]', FALSE, TRUE, 1);
INSERT INTO coders (id, uuid, name, key, role, retired, created_at) VALUES
  (1, 'c-1', 'pia', 'pia', 'pi', FALSE, '2026-01-01 00:00:00'),
  (2, 'c-2', 'ana', 'ana', 'coder', FALSE, '2026-01-01 00:00:00');
INSERT INTO rounds (id, uuid, name, blind, status, created_at) VALUES
  (1, 'r-1', 'pilot', TRUE, 'open', '2026-01-01 00:00:00');
INSERT INTO round_assignments (round_id, coder_id, document_id) VALUES (1, 2, 1);
INSERT INTO codings (id, uuid, document_id, code_id, coder_id, layer, round_id, start, "end", quote,
  prefix, suffix, anchor, created_at, updated_at) VALUES
  (1, 'g-1', 1, 1, 2, 'coding', 1, 12, 21, 'my cousin', '', '.', 'ok', '2026-01-01 00:00:00',
   '2026-01-01 00:00:00')
"""


def _shape(url: str) -> dict[str, list[tuple[str, bool]]]:
    meta = MetaData()
    engine = create_engine(url)
    meta.reflect(engine)
    engine.dispose()
    return {t.name: sorted((c.name, bool(c.nullable)) for c in t.columns)
            for t in meta.tables.values() if not t.name.startswith("units_fts")}


def _decide(url: str) -> None:
    with session_scope(url, write=True) as session:
        consensus = Coding(document_id=1, code_id=1, coder_id=1, layer="consensus", start=12,
                           end=21, quote="my cousin")
        decision = Resolution(disagreement="int_001.txt:c12-21:diaspora", round_id=1,
                              unit="character", document_id=1, start=12, end=21, code="diaspora",
                              coders="ana,ben", option="ana", note="clear", decided_by=1)
        session.add_all([consensus, decision])
        session.flush()
        session.add(ResolutionCoding(resolution_id=decision.id, coding_id=consensus.id))
    with session_scope(url, write=False) as session:
        found = session.execute(select(Resolution)).scalar_one()
        assert (found.status, found.revision, found.superseded_by_id) == ("active", 1, None)
        assert session.execute(select(ResolutionCoding.made)).scalar_one() is True


def test_schema_3_project_gains_the_decision_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.executescript((SNAPSHOTS / "schema_v3.sql").read_text(encoding="utf-8"))
    con.executescript(ROWS.replace("FALSE", "0").replace("TRUE", "1"))
    con.commit()
    con.close()
    url = to_url(path)
    report = ensure_current(url)
    assert report is not None and (report.from_version, report.to_version) == (3, SCHEMA_VERSION)
    with get_engine(url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        ddl = dict(conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE name LIKE "
                                        "'%resolution%'").tuples().all())
    fresh = to_url(tmp_path / "new.db")
    create_project(fresh, name="new")
    with get_engine(fresh).connect() as conn:
        new = dict(conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE name LIKE "
                                        "'%resolution%'").tuples().all())
    assert ddl == new and "AUTOINCREMENT" in new["resolutions"]
    assert _shape(url) == _shape(fresh)
    _decide(url)
    with session_scope(url, write=False) as session:
        kept = session.execute(select(Coding).where(Coding.layer == "coding")).scalar_one()
        assert (kept.round_id, kept.quote) == (1, "my cousin")


@pytest.mark.postgres
def test_postgres_project_of_schema_3_gains_the_decision_tables(pg_empty: str) -> None:
    from qcode.store.migrations.m0004_resolutions import TABLES

    # Schema 3 on PostgreSQL is schema 4 without the decision tables (they are all it adds).
    engine = get_engine(pg_empty)
    with engine.begin() as conn:
        Base.metadata.create_all(conn, tables=[t for t in Base.metadata.sorted_tables
                                               if t.name not in TABLES])
        for statement in filter(str.strip, ROWS.split(";")):
            conn.exec_driver_sql(statement)
        # the rows above name their ids; move the sequences past them, as PostgreSQL would be
        for table in ("documents", "codes", "coders", "rounds", "codings"):
            conn.exec_driver_sql(f"SELECT setval('{table}_id_seq', 10)")
    report = ensure_current(pg_empty)
    assert report is not None and (report.from_version, report.to_version) == (3, SCHEMA_VERSION)
    fresh = {t.name: sorted((c.name, bool(c.nullable)) for c in t.columns)
             for t in Base.metadata.sorted_tables}
    assert _shape(pg_empty) == fresh
    _decide(pg_empty)
