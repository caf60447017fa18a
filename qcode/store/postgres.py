"""PostgreSQL's own SQL, in one place: the project's schema, maintenance, roles and row security.

A team project may live in its own PostgreSQL schema: the URL names it as `?schema=NAME` (qcode's
own parameter, taken off before the driver sees the URL), and every connection then starts with
that schema on its `search_path`, so the portable SQL everywhere else never names a schema.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url

from qcode.errors import ProjectError, QcodeError, UsageError

_IDENT = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def check_identifier(name: str, what: str) -> str:
    """A schema or role name qcode may put into SQL: lower-case letters, digits, `_`."""
    if not _IDENT.fullmatch(name):
        raise UsageError(
            f"{what} `{name}` is not usable: use lower-case letters, digits and _ (at most 63, "
            "not starting with a digit)"
        )
    return name


def split_schema(url: str) -> tuple[str, str | None]:
    """(the URL without qcode's `schema` parameter, the schema it names or None)."""
    parsed = make_url(url)
    schema = parsed.query.get("schema")
    if schema is None:
        return url, None
    if not isinstance(schema, str):
        raise UsageError("--db: name one schema (?schema=NAME), not several")
    check_identifier(schema, "schema")
    return parsed.difference_update_query(["schema"]).render_as_string(hide_password=False), schema


def with_schema(url: str, schema: str) -> str:
    """The URL that opens the project kept in `schema`."""
    check_identifier(schema, "schema")
    parsed = make_url(url)
    return parsed.update_query_dict({"schema": schema}).render_as_string(hide_password=False)


def connect_args(schema: str) -> dict[str, Any]:
    # `public` stays on the path after the project's schema for extensions installed there.
    return {"options": f"-csearch_path={schema},public"}


# deadlock_detected, serialization_failure, lock_not_available: nothing was written, and the
# same command run again will almost always go through.
TRANSIENT = frozenset({"40P01", "40001", "55P03"})


def is_transient(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) in TRANSIENT


def serialize(session: Any, name: str) -> None:
    """Let one transaction at a time past this point for `name` (PostgreSQL: an advisory lock
    held to the end of the transaction). SQLite needs nothing: its writers already queue."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})


def create_schema(engine: Engine, schema: str) -> None:
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{check_identifier(schema, "schema")}"'))
        conn.commit()


def current_schema(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT current_schema()")).scalar())


def size(engine: Engine) -> int:
    """Bytes taken by the tables (with indexes and TOAST) of the project's schema."""
    with engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')"
        )).scalar() or 0)


def vacuum(engine: Engine) -> None:
    """VACUUM ANALYZE the project's tables (it cannot run inside a transaction)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        tables = conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )).scalars().all()
        for table in tables:
            conn.execute(text(f'VACUUM ANALYZE "{table}"'))


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the command-line tools, and the environment for them."""
    host = url.host or "localhost"
    port = f":{url.port}" if url.port else ""
    user = f"{url.username}@" if url.username else ""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return f"postgresql://{user}{host}{port}/{url.database or ''}", env


def dump(url: str, target: Path) -> None:
    """`pg_dump` of the project's schema (custom format, for `pg_restore`) into `target`."""
    program = shutil.which("pg_dump")
    if program is None:
        raise QcodeError(
            "pg_dump is not installed here, so qcode cannot back up a PostgreSQL project",
            hint="install the PostgreSQL client tools (e.g. apt-get install postgresql-client), "
            "or ask the server's administrator for a backup",
        )
    bare, schema = split_schema(url)
    conninfo, env = _libpq(make_url(bare))
    args = [program, "--format=custom", f"--file={target}", "--no-owner"]
    if schema:
        args.append(f"--schema={schema}")
    try:
        done = subprocess.run([*args, conninfo], env=env, capture_output=True, text=True,
                              timeout=3600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ProjectError(f"pg_dump did not finish: {exc}") from exc
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["no message"])[0][:300]
        raise ProjectError(f"pg_dump failed: {first}")
