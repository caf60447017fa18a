"""Schema versions: create a project, check its version, migrate it (with a backup first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, select
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

from qcode.errors import ProjectError, QcodeError
from qcode.store import fulltext
from qcode.store.engine import get_engine, sqlite_path
from qcode.store.models import Base, Meta

SCHEMA_VERSION = 5

_CHECKED: set[str] = set()


@dataclass(frozen=True)
class MigrationReport:
    from_version: int
    to_version: int
    backup: Path | None


def read_version(conn: Connection) -> int | None:
    """The stored schema version, or None when the database holds no qcode project."""
    try:
        value = conn.execute(select(Meta.value).where(Meta.key == "schema_version")).scalar()
    except (OperationalError, ProgrammingError):
        return None
    if value is None:
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise ProjectError(f"schema_version in the project is not a number: {value!r}") from exc


def _set_meta(conn: Connection, key: str, value: str) -> None:
    table = Base.metadata.tables["meta"]
    updated = conn.execute(table.update().where(table.c.key == key).values(value=value))
    if updated.rowcount == 0:
        conn.execute(table.insert().values(key=key, value=value))


def create_project(url: str, *, name: str) -> None:
    """Create every table of the current schema in an empty database and stamp its version."""
    engine = get_engine(url, create=True)
    if engine.dialect.name == "postgresql":
        from qcode.store import postgres

        schema = postgres.split_schema(url)[1]
        if schema is not None:
            postgres.create_schema(engine, schema)
    with engine.connect() as probe:
        if read_version(probe) is not None:
            raise QcodeError(
                f"a qcode project already exists at {_describe(url)}",
                hint="use it, or pass --db to create one elsewhere",
            )
        probe.rollback()
        tables = inspect(probe).get_table_names()
    if tables:
        raise QcodeError(
            f"{_describe(url)} already holds other tables ({', '.join(sorted(tables)[:3])}…)",
            hint="choose an empty database or a new file",
        )
    with engine.execution_options(qcode_write=True).begin() as conn:
        Base.metadata.create_all(conn)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for key, value in (
            ("schema_version", str(SCHEMA_VERSION)),
            ("project_name", name),
            ("created_at", now),
        ):
            _set_meta(conn, key, value)
        fulltext.install(conn)
    _CHECKED.add(url)


def ensure_current(url: str) -> MigrationReport | None:
    """Refuse a missing or newer schema; migrate an older one (backing up SQLite files first)."""
    if url in _CHECKED:
        return None
    engine = get_engine(url)
    try:
        with engine.connect() as conn:
            version = read_version(conn)
            index_mark = (
                conn.execute(select(Meta.value).where(Meta.key == fulltext.META_KEY)).scalar()
                if version is not None
                else None
            )
    except SQLAlchemyError as exc:
        raise ProjectError(f"cannot read the project at {_describe(url)}: {_short(exc)}") from exc
    if version is None:
        raise ProjectError(
            f"{_describe(url)} is not a qcode project",
            hint="run `qcode init` to create one, or pass --db to the right file",
        )
    if version > SCHEMA_VERSION:
        raise ProjectError(
            f"this project was made by a newer qcode (schema {version}; "
            f"this qcode knows up to {SCHEMA_VERSION})",
            hint="upgrade qcode: pip install --upgrade qcode",
        )
    report = None
    if version < SCHEMA_VERSION:
        report = migrate(engine, url, version)
    # A derived index, not schema: (re)built when missing, e.g. made where FTS5 was not at hand.
    if index_mark != fulltext.expected_mark(engine) or report is not None:
        fulltext.heal(engine)
    _CHECKED.add(url)
    return report


def migrate(engine: Engine, url: str, version: int) -> MigrationReport:
    """Upgrade under the write lock, re-reading the version inside it: when several processes
    open an old project at once, the first migrates and the others find it done."""
    from qcode.store.migrations import MIGRATIONS

    backup = backup_sqlite(url, version)
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            if sqlite:
                # Rebuilding a table must not cascade deletes into the rows it just copied; the
                # pragma only takes effect outside a transaction, so it is set before BEGIN.
                _raw_pragma(conn, "foreign_keys = OFF")
            try:
                with conn.execution_options(qcode_write=True).begin():
                    if not sqlite:
                        _lock_meta(conn)
                    found = read_version(conn)
                    if found is None or found >= SCHEMA_VERSION:
                        # Another process migrated first: our copy may already hold the new
                        # schema under the old one's name, and nothing here needs it.
                        if backup is not None:
                            backup.unlink(missing_ok=True)
                        return MigrationReport(version, SCHEMA_VERSION, None)
                    for step in range(found + 1, SCHEMA_VERSION + 1):
                        upgrade = MIGRATIONS.get(step)
                        if upgrade is None:
                            raise ProjectError(f"no migration to schema {step}; reinstall qcode")
                        upgrade(conn)
                        _set_meta(conn, "schema_version", str(step))
                    if sqlite:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                        if broken is not None:
                            raise ProjectError(f"migration left a broken reference in {broken[0]}")
                    else:
                        from qcode.store.postgres import refresh_team

                        refresh_team(conn)
            finally:
                if sqlite:
                    _raw_pragma(conn, "foreign_keys = ON")
    except SQLAlchemyError as exc:
        from qcode.store.engine import busy_error

        busy = busy_error(exc)
        if busy is not None:
            raise busy from exc
        where = f"; the backup is {backup}" if backup else ""
        raise ProjectError(f"migration from schema {version} failed: {_short(exc)}{where}") from exc
    return MigrationReport(version, SCHEMA_VERSION, backup)


def _raw_pragma(conn: Connection, pragma: str) -> None:
    # On the driver's connection, which runs outside any transaction (qcode begins them itself).
    raw = conn.connection.dbapi_connection
    assert raw is not None
    raw.execute(f"PRAGMA {pragma}")


def _lock_meta(conn: Connection) -> None:
    """PostgreSQL: one migrator at a time; the others wait here, then see the new version."""
    conn.exec_driver_sql("LOCK TABLE meta IN ACCESS EXCLUSIVE MODE")


def backup_sqlite(url: str, version: int) -> Path | None:
    """Copy the SQLite file (after a WAL checkpoint) next to itself before touching its schema.

    The name carries the time and a random part, so two processes never write one backup."""
    path = sqlite_path(url)
    if path is None or not path.exists():
        return None
    import uuid

    engine = get_engine(url)
    target = path.with_name(
        f"{path.name}.schema{version}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.bak"
    )
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        # SQLite's online backup: a consistent copy even if another process writes meanwhile.
        raw = conn.connection.dbapi_connection
        assert raw is not None
        import sqlite3

        with sqlite3.connect(target) as copy:
            raw.backup(copy)
        copy.close()
    return target


def _describe(url: str) -> str:
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200]
