"""Schema 3 on a project with data: ids never reused, UUIDs filled, one coder per person,
coding memos moved into threads, and the same tables as a new project."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from qcode.store.engine import get_engine, session_scope, to_url
from qcode.store.models import Coder, Coding, Memo
from qcode.store.schema import SCHEMA_VERSION, create_project, ensure_current

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"

ROWS = """
INSERT INTO meta (key, value) VALUES ('schema_version', '2'), ('project_name', 'old'),
  ('default_coder', 'Ana');
INSERT INTO documents (id, name, text, sha256, source_format, chars, words, metadata_json, revision,
  imported_at, updated_at) VALUES (1, 'int_001.txt', 'Respondent: my cousin in Vienna.', 'x', 'txt',
  32, 5, '{}', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00');
INSERT INTO codes (id, key, label, position, definition, examples_json, retired, first_version)
  VALUES (1, 'diaspora', 'Diaspora', 0, 'd', '[]', 0, 1), (2, 'barriers', 'Barriers', 1, 'd', '[]', 0, 1);
INSERT INTO coders (id, name, created_at) VALUES (1, 'Ana', '2026-01-01 00:00:00'),
  (2, 'ben', '2026-01-01 00:00:00'), (3, 'ana', '2026-01-02 00:00:00');
INSERT INTO codings (id, document_id, code_id, coder_id, layer, start, "end", quote, prefix, suffix,
  anchor, memo, created_at, updated_at) VALUES
  (1, 1, 1, 1, 'coding', 12, 31, 'my cousin in Vienna', '', '.', 'ok', 'cousin = network?',
   '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
  (2, 1, 1, 3, 'coding', 12, 31, 'my cousin in Vienna', '', '.', 'ok', NULL,
   '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
  (3, 1, 2, 3, 'coding', 12, 31, 'my cousin in Vienna', '', '.', 'ok', NULL,
   '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
  (4, 1, 2, 2, 'coding', 0, 10, 'Respondent', '', ':', 'ok', '',
   '2026-01-01 00:00:00', '2026-01-01 00:00:00');
INSERT INTO events (at, actor, action, batch, target_type, target_id, summary) VALUES
  ('2026-01-01 00:00:00', 'ben', 'tag', 'b1', 'coding', 9, 'tag'),
  ('2026-01-01 00:00:01', 'ben', 'untag', 'b2', 'coding', 9, 'untag');
"""


def _old_project(path: Path) -> str:
    con = sqlite3.connect(path)
    con.executescript((SNAPSHOTS / "schema_v2.sql").read_text(encoding="utf-8"))
    con.executescript(ROWS)
    con.commit()
    con.close()
    return to_url(path)


def test_old_data_comes_through_schema_3(tmp_path: Path) -> None:
    url = _old_project(tmp_path / "old.db")
    report = ensure_current(url)
    assert report is not None and report.backup is not None
    with session_scope(url, write=False) as session:
        coders = {c.name: c for c in session.execute(select(Coder)).scalars()}
        assert set(coders) == {"Ana", "ben"}  # `ana` was `Ana` typed another way
        assert coders["Ana"].role == "pi" and coders["ben"].role == "coder"
        assert coders["Ana"].key == "ana"
        ana, ben = coders["Ana"].id, coders["ben"].id
        codings = {c.id: c for c in session.execute(select(Coding)).scalars()}
        # coding 2 duplicated coding 1 once both coders were one: kept once; 3 moved to Ana
        assert sorted(codings) == [1, 3, 4] and codings[3].coder_id == ana
        uuids = [c.uuid for c in codings.values()] + [c.uuid for c in coders.values()]
        assert len(set(uuids)) == len(uuids) and all(len(u) == 36 and u[14] == "4" for u in uuids)
        memos = list(session.execute(select(Memo)).scalars())
        assert [(m.target_type, m.target_id, m.coder_id, m.text) for m in memos] == [
            ("coding", 1, ana, "cousin = network?")]
    with session_scope(url, write=True) as session:
        fresh = Coding(document_id=1, code_id=2, coder_id=ben, start=1, end=5,
                       quote="espo")
        session.add(fresh)
        session.flush()
        assert fresh.id == 10  # 9 was used (and deleted) before the migration: never again


def test_migrated_tables_are_exactly_those_of_a_new_project(tmp_path: Path) -> None:
    url = _old_project(tmp_path / "old.db")
    ensure_current(url)
    fresh = to_url(tmp_path / "new.db")
    create_project(fresh, name="new")

    def ddl(u: str) -> dict[str, str]:
        with get_engine(u).connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'units_fts%'"
            ).all()
        return {name: " ".join(sql.split()) for name, sql in rows}

    migrated, new = ddl(url), ddl(fresh)
    assert migrated == new
    assert "AUTOINCREMENT" in new["codings"]
    with get_engine(url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_two_processes_opening_an_old_project_migrate_it_once(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "old.db"
    _old_project(path)
    code = (
        "import sys; from qcode.store.schema import ensure_current; "
        "r = ensure_current(sys.argv[1]); print(r.backup if r else '')"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, to_url(path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    backups = sorted(tmp_path.glob("old.db.schema2-*.bak"))
    assert backups
    for backup in backups:  # each one a whole copy of the schema-2 project, never overwritten later
        con = sqlite3.connect(backup)
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        con.close()
        assert version == ("2",), backup.name
    with session_scope(to_url(path), write=False) as session:
        assert len(list(session.execute(select(Memo)).scalars())) == 1  # moved once, not thrice


@pytest.mark.postgres
def test_postgres_project_of_schema_2_migrates_with_its_data(pg_empty: str) -> None:
    """The same migration in place on PostgreSQL (columns added and dropped, no rebuild)."""
    from sqlalchemy import MetaData, create_engine

    ddl = (SNAPSHOTS / "schema_v2.sql").read_text(encoding="utf-8").replace("DATETIME", "TIMESTAMP")
    ddl = ddl.replace("\tid INTEGER NOT NULL,", "\tid SERIAL NOT NULL,")  # sequences, as PG made them
    engine = get_engine(pg_empty)
    with engine.begin() as conn:
        for statement in filter(str.strip, (ddl + ROWS.replace("0, 1)", "false, 1)")
                                .replace("0, 1),", "false, 1),")).split(";")):
            conn.exec_driver_sql(statement)
    report = ensure_current(pg_empty)
    assert report is not None and (report.from_version, report.to_version) == (2, SCHEMA_VERSION)
    with session_scope(pg_empty, write=False) as session:
        assert {c.name for c in session.execute(select(Coder)).scalars()} == {"Ana", "ben"}
        assert sorted(c.id for c in session.execute(select(Coding)).scalars()) == [1, 3, 4]
        assert [m.text for m in session.execute(select(Memo)).scalars()] == ["cousin = network?"]
    # The same columns as a new project's
    meta = MetaData()
    meta.reflect(create_engine(pg_empty))
    migrated = {t.name: sorted((c.name, c.nullable) for c in t.columns) for t in meta.tables.values()
                if t.name != "units_fts"}  # the search index, not a model
    from qcode.store.models import Base

    fresh = {t.name: sorted((c.name, c.nullable) for c in t.columns) for t in Base.metadata.sorted_tables}
    assert migrated == fresh
