"""Project creation, discovery, schema versions, migrations and backups."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, inspect, text

from qcode.errors import ProjectError
from qcode.store import schema
from qcode.store.engine import get_engine, session_scope, to_url
from qcode.store.schema import SCHEMA_VERSION, create_project, ensure_current

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO / "tests" / "store" / "snapshots"


def _fresh(tmp_path: Path, name: str = "qcode.db") -> str:
    url = to_url(tmp_path / name)
    create_project(url, name="t")
    return url


def test_sqlite_is_opened_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    url = _fresh(tmp_path)
    with get_engine(url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_create_refuses_an_existing_project(store_url: str) -> None:
    create_project(store_url, name="t")
    with pytest.raises(Exception, match="already exists"):
        create_project(store_url, name="again")


def test_create_refuses_a_database_with_other_tables(store_url: str) -> None:
    from qcode.store import postgres

    engine = get_engine(store_url, create=True)
    if engine.dialect.name == "postgresql":
        postgres.create_schema(engine, postgres.split_schema(store_url)[1] or "public")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE payroll (x INTEGER)"))
    with pytest.raises(Exception, match="other tables"):
        create_project(store_url, name="t")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    url = to_url(path)
    create_project(url, name="t")
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 5),))
    con.commit()
    con.close()
    schema._CHECKED.discard(url)
    with pytest.raises(ProjectError, match="newer qcode") as info:
        ensure_current(url)
    assert info.value.exit_code == 3


def test_not_a_project_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    with pytest.raises(ProjectError, match="not a qcode project"):
        ensure_current(to_url(path))


def _project_with_pending_migration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, upgrade: object
) -> str:
    """A current project, and a qcode that knows one more schema version reached by `upgrade`."""
    from qcode.store import migrations

    url = _fresh(tmp_path)
    schema._CHECKED.discard(url)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(migrations.MIGRATIONS, SCHEMA_VERSION + 1, upgrade)
    return url


def _add_table_migration(conn: object) -> None:
    conn.execute(text("CREATE TABLE extra (id INTEGER PRIMARY KEY, note TEXT)"))  # type: ignore[attr-defined]


def test_old_project_is_backed_up_then_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _project_with_pending_migration(tmp_path, monkeypatch, _add_table_migration)
    report = ensure_current(url)
    assert report is not None and report.backup is not None and report.backup.exists()
    assert (report.from_version, report.to_version) == (SCHEMA_VERSION, SCHEMA_VERSION + 1)
    with get_engine(url).connect() as conn:
        assert "extra" in inspect(conn).get_table_names()
        assert schema.read_version(conn) == SCHEMA_VERSION + 1
    # The backup is the old schema, untouched.
    old = sqlite3.connect(report.backup)
    names = {r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    old.close()
    assert "extra" not in names


def _failing_migration(conn: object) -> None:
    conn.execute(text("CREATE TABLE half (id INTEGER)"))  # type: ignore[attr-defined]
    conn.execute(text("INSERT INTO no_such_table VALUES (1)"))  # type: ignore[attr-defined]


def test_failed_migration_leaves_the_project_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _project_with_pending_migration(tmp_path, monkeypatch, _failing_migration)
    with pytest.raises(ProjectError, match="migration from schema"):
        ensure_current(url)
    with get_engine(url).connect() as conn:
        assert "half" not in inspect(conn).get_table_names()
        assert schema.read_version(conn) == SCHEMA_VERSION


def test_current_models_match_the_schema_snapshot() -> None:
    """Changing the models needs a new schema version, a migration and a new snapshot."""
    sys.path.insert(0, str(REPO / "scripts"))
    from dump_schema import current_ddl

    snapshot = SNAPSHOTS / f"schema_v{SCHEMA_VERSION}.sql"
    assert snapshot.exists(), "run `python scripts/dump_schema.py`"
    assert current_ddl() == snapshot.read_text(encoding="utf-8"), (
        "models changed: bump SCHEMA_VERSION, add a migration, run scripts/dump_schema.py"
    )


def _shape(url: str) -> dict[str, object]:
    meta = MetaData()
    engine = create_engine(url)
    meta.reflect(engine)
    shape = {
        name: sorted((c.name, str(c.type), c.nullable) for c in table.columns)
        for name, table in meta.tables.items()
    }
    engine.dispose()
    return shape


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_every_old_schema_migrates_to_the_current_one(tmp_path: Path, version: int) -> None:
    old_path = tmp_path / f"v{version}.db"
    con = sqlite3.connect(old_path)
    con.executescript((SNAPSHOTS / f"schema_v{version}.sql").read_text(encoding="utf-8"))
    con.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(version),))
    con.commit()
    con.close()
    old_url = to_url(old_path)
    ensure_current(old_url)
    assert _shape(old_url) == _shape(_fresh(tmp_path, "fresh.db"))


def test_transaction_rolls_back_on_error(store_url: str) -> None:
    from qcode.store.models import Coder

    url = store_url
    create_project(url, name="t")
    with pytest.raises(RuntimeError), session_scope(url, write=True) as session:
        session.add(Coder(name="ana"))
        session.flush()
        raise RuntimeError("boom")
    with session_scope(url, write=False) as session:
        assert session.query(Coder).count() == 0


@pytest.mark.postgres
def test_postgres_project_round_trip(pg_empty: str) -> None:
    from qcode.store.models import Coder
    from qcode.store.project import summary

    create_project(pg_empty, name="team")
    ensure_current(pg_empty)
    with session_scope(pg_empty, write=True) as session:
        session.add(Coder(name="ana"))
    with session_scope(pg_empty, write=False) as session:
        result = summary(session)
    assert result.project == "team" and result.coders == 1


@pytest.mark.postgres
def test_postgres_migration_runs_inside_the_projects_schema(pg_schema: str, pg_url: str) -> None:
    from qcode.store.postgres import split_schema

    name = split_schema(pg_schema)[1]
    create_project(pg_schema, name="team")
    with get_engine(pg_schema).begin() as conn:  # back to schema 4: no coders.db_role
        conn.execute(text("DROP INDEX ix_coders_db_role"))
        conn.execute(text("ALTER TABLE coders DROP COLUMN db_role"))
        conn.execute(text("UPDATE meta SET value = '4' WHERE key = 'schema_version'"))
    schema._CHECKED.discard(pg_schema)
    report = ensure_current(pg_schema)
    assert report is not None and (report.from_version, report.to_version) == (4, SCHEMA_VERSION)
    with get_engine(pg_url).connect() as conn:
        where = conn.execute(text(
            "SELECT table_schema FROM information_schema.columns "
            "WHERE table_name = 'coders' AND column_name = 'db_role'")).scalars().all()
    assert name in where  # (`public` may hold another test's project)


def test_many_rows_go_in_in_order(store_url: str) -> None:
    """`insert_tuples` (several rows per statement where the driver allows) keeps the rows'
    order in their ids, whatever their number against the statement's size."""
    from sqlalchemy import insert

    from qcode.store.bulk import ROWS_PER_STATEMENT, insert_tuples
    from qcode.store.models import Case, CaseAttribute, Document, Unit

    create_project(store_url, name="t")
    engine = get_engine(store_url)
    counts = (1, ROWS_PER_STATEMENT - 1, ROWS_PER_STATEMENT, 2 * ROWS_PER_STATEMENT + 3)
    with engine.execution_options(qcode_write=True).begin() as conn:
        made = conn.execute(insert(Document).values(name="a.txt", text="x" * 1000, sha256="0" * 64,
                                                    source_format="txt"))
        doc = made.inserted_primary_key[0]
        # columns not in the table's order, some values None
        rows = [(n, doc, "line", n + 1, n, f"s{n}" if n % 3 else None) for n in range(sum(counts))]
        for count in counts:
            part, rows = rows[:count], rows[count:]
            insert_tuples(conn, Unit.__table__, ("start", "document_id", "kind", "number", "end",
                                                 "speaker"), part)
        stored = conn.execute(text('SELECT number, start, "end", speaker FROM units ORDER BY id')).all()
        assert [tuple(r) for r in stored] == [
            (n + 1, n, n, f"s{n}" if n % 3 else None) for n in range(sum(counts))
        ]
        case = conn.execute(insert(Case).values(name="c")).inserted_primary_key[0]
        attributes = [(f"v{n}" if n % 2 else None, f"a{n:04}", case) for n in range(2 * ROWS_PER_STATEMENT)]
        insert_tuples(conn, CaseAttribute.__table__, ("value", "name", "case_id"), attributes)
        stored = conn.execute(text("SELECT value, name, case_id FROM case_attributes ORDER BY name")).all()
        assert [tuple(r) for r in stored] == attributes


def test_rows_for_a_list_of_ids_come_whole_past_sqlites_parameter_limit(store_url: str) -> None:
    """`IdStatement` binds ids as one array on PostgreSQL and 900 to a statement on SQLite: the
    same rows either way, for none, a few, and more ids than SQLite takes in one statement."""
    from sqlalchemy import insert, select

    from qcode.store.id_lists import SQLITE_BATCH, IdStatement
    from qcode.store.models import Case

    create_project(store_url, name="t")
    wanted = IdStatement(lambda among: select(Case.id, Case.name).where(among(Case.id)))
    with get_engine(store_url).execution_options(qcode_write=True).begin() as conn:
        conn.execute(insert(Case), [{"name": f"c{n:05}"} for n in range(2 * SQLITE_BATCH + 7)])
        ids = sorted(conn.execute(select(Case.id)).scalars())
        for chosen in ([], ids[:3], ids[::2], ids, [ids[0], -1, ids[-1]]):
            found = sorted(tuple(r) for r in wanted.rows(conn, chosen))
            assert [r[0] for r in found] == sorted(i for i in chosen if i > 0)
            assert all(name == f"c{ids.index(i):05}" for i, name in found)
