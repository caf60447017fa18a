"""Finding the project database and opening it.

SQLite is opened in WAL mode with foreign keys on and a busy timeout. Write transactions start
with `BEGIN IMMEDIATE` so that two coders writing at once queue on the lock instead of failing
half-way with "database is locked" when a read transaction tries to upgrade.

Opening a project never creates one: a SQLite file is opened read-write only if it exists
(`mode=rw`), and only `get_engine(url, create=True)` (what `qcode init` uses) may make it.
`postgres://` and `postgresql://` URLs name no driver; they get the one installed (psycopg 3
first), where SQLAlchemy alone would insist on psycopg2.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from qcode.errors import BusyError, ProjectError, QcodeError, UsageError

if TYPE_CHECKING:
    import sqlite3

DEFAULT_FILENAME = "qcode.db"
BUSY_TIMEOUT_MS = 60_000


POSTGRES_INSTALL = "pip install 'qcode[postgres]'"


def to_url(location: str | os.PathLike[str]) -> str:
    """A `--db` value is either a SQLAlchemy URL or a path to a SQLite file."""
    text = str(location)
    if "://" in text:
        try:
            parsed = make_url(text)
        except ArgumentError as exc:
            raise UsageError(f"--db: not a database URL or file path: {text}") from exc
        if parsed.drivername in ("postgres", "postgresql"):
            return _postgres_driver() + text[len(parsed.drivername):]
        return text
    path = Path(text).expanduser()
    if path.is_dir():
        path = path / DEFAULT_FILENAME
    return f"sqlite:///{path.resolve()}"


def _postgres_driver() -> str:
    """`postgresql+psycopg` unless only psycopg2 is installed (then SQLAlchemy's default)."""
    import importlib.util

    if importlib.util.find_spec("psycopg") is None and importlib.util.find_spec("psycopg2"):
        return "postgresql+psycopg2"
    return "postgresql+psycopg"


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


def _postgres_listeners(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Listings stream through server-side cursors and always read them to the end. With the
        # default fraction (0.1) the planner picks fast-start plans for them (nested loops in
        # name order), which took 2.6 times as long as the plan it picks for the whole result.
        # A SET rather than a startup option: connection poolers refuse unknown options.
        cur = dbapi_conn.cursor()
        cur.execute("SET cursor_tuple_fraction = 1")
        cur.close()
        dbapi_conn.commit()


_ENGINES: dict[str, Engine] = {}


def get_engine(url: str, *, create: bool = False) -> Engine:
    """One engine per URL per process. A SQLite file must exist unless `create` is given."""
    engine = _ENGINES.get(url)
    if engine is not None:
        return engine
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    path = sqlite_path(url)
    target = url
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    elif parsed.get_backend_name() == "postgresql":
        from qcode.store import postgres

        target, schema = postgres.split_schema(url)
        if schema is not None and postgres.sets_search_path(url):
            kwargs["connect_args"] = postgres.connect_args(schema)
    if path is not None and not create:
        if not path.is_file():
            raise ProjectError(
                f"no qcode project at {path}",
                hint=f"run `qcode init {path}` to create one, or pass --db to an existing project",
            )
        kwargs["creator"] = _opener(path)
    try:
        engine = create_engine(target, **kwargs)
    except ImportError as exc:
        raise _driver_error(parsed, exc) from exc
    except (ArgumentError, SQLAlchemyError) as exc:
        raise ProjectError(f"cannot open database {parsed!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        _sqlite_listeners(engine)
    elif parsed.get_backend_name() == "postgresql":
        _postgres_listeners(engine)
    _ENGINES[url] = engine
    return engine


def _opener(path: Path) -> Any:
    """Connect to an existing SQLite file only (`mode=rw`): a missing file is an error, never
    a new empty database left behind."""
    import sqlite3
    from urllib.parse import quote

    uri = f"file:{quote(str(path.resolve()))}?mode=rw"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)

    return connect


def _driver_error(parsed: Any, exc: ImportError) -> QcodeError:
    if parsed.get_backend_name() == "postgresql":
        return ProjectError(
            f"cannot open {parsed!r}: the PostgreSQL driver ({parsed.get_driver_name()}) "
            "is not installed",
            hint=f"install it with {POSTGRES_INSTALL}",
        )
    return ProjectError(f"cannot open database {parsed!r}: {exc}")


def dispose_engines() -> None:
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


@contextmanager
def session_scope(url: str, *, write: bool) -> Iterator[Session]:
    """One transaction: committed when the block ends normally, rolled back on any error."""
    engine = get_engine(url)
    with bound_session(engine.execution_options(qcode_write=write), write=write) as session:
        yield session


def connect(url: str, *, write: bool) -> Connection:
    """A connection for several transactions one after another (`bound_session` on it for each);
    the caller closes it."""
    engine = get_engine(url)
    try:
        return engine.execution_options(qcode_write=write).connect()
    except BaseException as exc:
        _raise_translated(exc)
        raise


@contextmanager
def bound_session(bind: Engine | Connection, *, write: bool) -> Iterator[Session]:
    """A session on `bind` for one transaction, as `session_scope` describes. On a connection
    outside a transaction the session begins one and ends it, and leaves the connection open."""
    session = Session(bind=bind, expire_on_commit=False, autoflush=True)
    try:
        yield session
        if write:
            session.commit()
        else:
            session.rollback()
    except BaseException as exc:
        session.rollback()
        _raise_translated(exc)
        raise
    finally:
        session.close()


def _raise_translated(exc: BaseException) -> None:
    """Raise the one-line error a store failure stands for (busy, damaged, refused), if any."""
    translated = busy_error(exc) or damaged_error(exc) or denied_error(exc)
    if translated is not None:
        raise translated from exc


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


def denied_error(exc: BaseException) -> QcodeError | None:
    """A team server refusing a coder's login something only the PI may do, as one line."""
    from qcode.store import postgres

    refused = postgres.denied(exc)
    if refused is None:
        return None
    return QcodeError(
        f"the server refused this ({refused}); nothing was changed",
        hint="your login may change only your own codings and memos: ask the PI to do the rest",
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
