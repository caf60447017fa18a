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

from qcode.errors import ProjectError, QcodeError, UsageError

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
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    try:
        engine = create_engine(url, **kwargs)
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
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
