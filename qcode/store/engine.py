"""Finding the project database and opening it.

SQLite is opened in WAL mode with foreign keys on and a busy timeout. Write transactions start
with `BEGIN IMMEDIATE` so that two coders writing at once queue on the lock instead of failing
half-way with "database is locked" when a read transaction tries to upgrade.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from qcode.errors import BusyError, ProjectError, QcodeError, UsageError

DEFAULT_FILENAME = "qcode.db"
BUSY_TIMEOUT_MS = 60_000


def to_url(location: str | os.PathLike[str]) -> str:
    """A `--db` value is either a SQLAlchemy URL or a path to a SQLite file."""
    text = str(location)
    if "://" in text:
        try:
            make_url(text)
        except ArgumentError as exc:
            raise UsageError(f"--db: not a database URL or file path: {text}") from exc
        return text
    path = Path(text).expanduser()
    if path.is_dir():
        path = path / DEFAULT_FILENAME
    return f"sqlite:///{path.resolve()}"


def find_project(start: Path | None = None) -> Path | None:
    """Walk up from `start` (default: the current folder) to the first `qcode.db`, like git."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT_FILENAME
        if candidate.is_file():
            return candidate
    return None


def resolve_location(db: str | None) -> str:
    """`--db`, else `QCODE_DB`, else the nearest `qcode.db` upwards. Returns a URL."""
    if db:
        return to_url(db)
    env = os.environ.get("QCODE_DB")
    if env:
        return to_url(env)
    found = find_project()
    if found is None:
        raise QcodeError(
            "no qcode project here or in any parent folder",
            hint="run `qcode init` to create one, or pass --db FILE",
        )
    return to_url(found)


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _sqlite_listeners(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from the driver so we can say BEGIN IMMEDIATE ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get("qcode_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


_ENGINES: dict[str, Engine] = {}


def get_engine(url: str) -> Engine:
    """One engine per URL per process."""
    engine = _ENGINES.get(url)
    if engine is not None:
        return engine
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    target = url
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    elif parsed.get_backend_name() == "postgresql":
        from qcode.store import postgres

        target, schema = postgres.split_schema(url)
        if schema is not None:
            kwargs["connect_args"] = postgres.connect_args(schema)
    try:
        engine = create_engine(target, **kwargs)
    except (ArgumentError, SQLAlchemyError, ImportError) as exc:
        raise ProjectError(f"cannot open database {parsed!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        _sqlite_listeners(engine)
    _ENGINES[url] = engine
    return engine


def dispose_engines() -> None:
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


@contextmanager
def session_scope(url: str, *, write: bool) -> Iterator[Session]:
    """One transaction: committed when the block ends normally, rolled back on any error."""
    engine = get_engine(url)
    bind = engine.execution_options(qcode_write=write)
    session = Session(bind=bind, expire_on_commit=False, autoflush=True)
    try:
        yield session
        if write:
            session.commit()
        else:
            session.rollback()
    except BaseException as exc:
        session.rollback()
        translated = busy_error(exc) or damaged_error(exc)
        if translated is not None:
            raise translated from exc
        raise
    finally:
        session.close()


def busy_error(exc: BaseException) -> BusyError | None:
    """SQLite's busy timeout, or PostgreSQL giving up on a lock (deadlock, lock timeout,
    serialization failure), as one clear line: the project is busy, nothing changed, retry."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return None
    from qcode.store import postgres

    message = str(exc.orig or exc).lower()
    if "database is locked" in message or "database table is locked" in message:
        waited = f"for over {BUSY_TIMEOUT_MS // 1000} s "
    elif postgres.is_transient(exc):
        waited = ""
    else:
        return None
    return BusyError(
        f"the project is busy: another qcode command has been writing to it {waited}"
        "(a large import?); nothing was changed",
        hint="run the same command again when it has finished",
    )


def damaged_error(exc: BaseException) -> ProjectError | None:
    from sqlalchemy.exc import DatabaseError

    if not isinstance(exc, DatabaseError):
        return None
    message = str(exc.orig or exc).lower()
    if "malformed" not in message and "not a database" not in message:
        return None
    return ProjectError("the project file is damaged (" + message.splitlines()[0][:120] + ")",
                        hint="run `qcode db check --full`, and restore a backup")
