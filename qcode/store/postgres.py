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

from sqlalchemy import Connection, Engine, text
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
    """(the URL without qcode's `schema` parameter, the schema it names or None). A URL that sets
    the search path itself (`?options=-csearch_path%3Dname`) names its first schema, and is kept
    as it is: the driver passes that option on."""
    parsed = make_url(url)
    schema = parsed.query.get("schema")
    if schema is None:
        return url, _options_schema(parsed.query.get("options"))
    if not isinstance(schema, str):
        raise UsageError("--db: name one schema (?schema=NAME), not several")
    check_identifier(schema, "schema")
    return parsed.difference_update_query(["schema"]).render_as_string(hide_password=False), schema


def _options_schema(options: str | tuple[str, ...] | None) -> str | None:
    if not isinstance(options, str):
        return None
    found = re.search(r"-c\s*search_path\s*=\s*\"?([A-Za-z0-9_]+)", options)
    return check_identifier(found.group(1), "schema") if found else None


def sets_search_path(url: str) -> bool:
    """Whether qcode must set the search path itself (the URL names `?schema=`)."""
    return make_url(url).query.get("schema") is not None


def with_schema(url: str, schema: str) -> str:
    """The URL that opens the project kept in `schema`."""
    check_identifier(schema, "schema")
    parsed = make_url(url)
    return parsed.update_query_dict({"schema": schema}).render_as_string(hide_password=False)


def connect_args(schema: str) -> dict[str, Any]:
    # The project's schema alone (pg_catalog is always searched): with `public` after it, a
    # schema not made yet, or misspelt, would find another project's tables kept in `public`.
    return {"options": f"-csearch_path={schema}"}


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
    """Make the project's schema (`qcode init`); connections opened before it existed go."""
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{check_identifier(schema, "schema")}"'))
            conn.commit()
    except DBAPIError as exc:
        first = (str(exc.orig or exc).strip().splitlines() or ["no message"])[0][:200]
        raise ProjectError(f"cannot create schema {schema}: {first}",
                           hint="ask the server's administrator for CREATE on the database") from exc
    engine.dispose()


def denied(exc: BaseException) -> str | None:
    """The server's refusal (insufficient_privilege: a grant or a row-security policy), if
    that is what `exc` is: a coder's login trying what only the PI may do."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) != "42501":
        return None
    return (str(orig).strip().splitlines() or ["permission denied"])[0][:200]


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


# --- team servers: a login role per coder, and row security ----------------------------------
#
# The PI's role owns the tables (it ran `qcode init`) and, as their owner, is not subject to the
# policies below: it sees and changes everything. A coder's role may read every table, write
# only her own codings and memo entries and append to the log, and, while a blind round is
# open, sees nobody else's codings (nor the consensus layer, nor memos and log entries on them)
# on that round's documents. `coders.db_role` maps `current_user` to her row on the roster.

_ME = "(SELECT c.id FROM coders c WHERE c.db_role = current_user)"
_MY_NAME = "(SELECT c.name FROM coders c WHERE c.db_role = current_user)"
_BLIND = ("(SELECT a.document_id FROM round_assignments a JOIN rounds r ON r.id = a.round_id "
          "WHERE r.blind AND r.status = 'open')")
_OWN_CODING = f"(layer = 'coding' AND coder_id = {_ME})"
# A PI's login is not held back, should it not own the tables (the owner is never held back).
_PI = "EXISTS (SELECT 1 FROM coders c WHERE c.db_role = current_user AND c.role = 'pi')"
# A change to a coding is hidden when either state of it is one the coder may not see.
_HIDDEN_STATE = (
    "EXISTS (SELECT 1 FROM (VALUES (events.before_json), (events.after_json)) AS s (j) "
    "WHERE j IS NOT NULL AND (j::jsonb ->> 'document_id')::integer IN " + _BLIND + " AND "
    f"((j::jsonb ->> 'coder_id')::integer IS DISTINCT FROM {_ME} "
    "OR j::jsonb ->> 'layer' = 'consensus'))"
)

# table -> [(policy, command, USING, WITH CHECK)]
POLICIES: dict[str, list[tuple[str, str, str | None, str | None]]] = {
    "codings": [
        ("qcode_read", "SELECT", f"(document_id NOT IN {_BLIND} OR {_OWN_CODING})", None),
        ("qcode_insert", "INSERT", None, _OWN_CODING),
        ("qcode_update", "UPDATE", _OWN_CODING, _OWN_CODING),
        ("qcode_delete", "DELETE", _OWN_CODING, None),
    ],
    "memos": [
        ("qcode_read", "SELECT", "(target_type <> 'coding' OR EXISTS "
         "(SELECT 1 FROM codings c WHERE c.id = memos.target_id))", None),
        ("qcode_insert", "INSERT", None, f"(coder_id = {_ME})"),
        ("qcode_update", "UPDATE", f"(coder_id = {_ME})", f"(coder_id = {_ME})"),
        ("qcode_delete", "DELETE", f"(coder_id = {_ME})", None),
    ],
    "events": [
        ("qcode_read", "SELECT", f"(actor = {_MY_NAME} OR target_type NOT IN ('coding', 'memo:coding') "
         f"OR (target_type = 'coding' AND NOT {_HIDDEN_STATE}) OR (target_type = 'memo:coding' "
         "AND EXISTS (SELECT 1 FROM memos m WHERE m.id = events.target_id)))", None),
        ("qcode_insert", "INSERT", None, f"(actor = {_MY_NAME})"),
    ],
    "coding_sources": [("qcode_read", "SELECT", "EXISTS (SELECT 1 FROM codings c WHERE "
                        "c.id = coding_sources.coding_id)", None)],
    "resolutions": [("qcode_read", "SELECT", f"(document_id NOT IN {_BLIND})", None)],
    "resolution_codings": [("qcode_read", "SELECT", "EXISTS (SELECT 1 FROM codings c WHERE "
                            "c.id = resolution_codings.coding_id)", None)],
}
# What a coder writes: her codings and memo entries (undo deletes and restores them), the log.
CODER_WRITES = {"codings": "INSERT, UPDATE, DELETE", "memos": "INSERT, UPDATE, DELETE",
                "events": "INSERT"}


def install_policies(conn: Connection) -> None:
    """Turn row security on for the tables above and (re)create qcode's policies on them."""
    for table, policies in POLICIES.items():
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        for name, command, using, check in policies:
            conn.exec_driver_sql(f'DROP POLICY IF EXISTS {name} ON "{table}"')
            sql = f'CREATE POLICY {name} ON "{table}" FOR {command}'
            if using:
                sql += f" USING ({_PI} OR {using})"
            if check:
                sql += f" WITH CHECK ({_PI} OR {check})"
            conn.exec_driver_sql(sql)


def refresh_team(conn: Connection) -> None:
    """After a migration: policies and coders' rights again, should a step have rebuilt or
    added tables (nothing to do on a project without coder logins)."""
    roles = conn.execute(text(
        "SELECT db_role FROM coders WHERE db_role IS NOT NULL AND role <> 'pi' ORDER BY 1"
    )).scalars().all()
    if not roles:
        return
    install_policies(conn)
    for role in roles:
        if role_exists(conn, role):
            grant_coder(conn, role)


def role_exists(conn: Connection, role: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first() is not None


def login_role(conn: Connection) -> str:
    return str(conn.execute(text("SELECT current_user")).scalar())


def create_login(conn: Connection, role: str, password: str | None) -> bool:
    """Create the login role (True), or give an existing one LOGIN (False); set its password."""
    check_identifier(role, "role")
    made = not role_exists(conn, role)
    if made:
        conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
    else:
        conn.exec_driver_sql(f'ALTER ROLE "{role}" LOGIN')
    if password is not None:
        # A utility statement takes no parameters: the server quotes the literal itself.
        sql = conn.execute(text("SELECT format('ALTER ROLE %I PASSWORD %L', CAST(:r AS text), "
                                "CAST(:p AS text))"), {"r": role, "p": password}).scalar_one()
        conn.exec_driver_sql(sql)
    return made


def grant_coder(conn: Connection, role: str) -> None:
    """Exactly what a coder's role needs in the project's schema, and nothing more."""
    check_identifier(role, "role")
    schema = '"' + current_schema_of(conn) + '"'
    revoke_coder(conn, role)
    conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA {schema} TO "{role}"')
    conn.exec_driver_sql(f'GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO "{role}"')
    for table, rights in CODER_WRITES.items():
        conn.exec_driver_sql(f'GRANT {rights} ON "{table}" TO "{role}"')
    conn.exec_driver_sql(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO "{role}"')


def revoke_coder(conn: Connection, role: str) -> None:
    """Take back every right the role has in the project's schema (its rows stay)."""
    check_identifier(role, "role")
    schema = '"' + current_schema_of(conn) + '"'
    conn.exec_driver_sql(f'REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM "{role}"')
    conn.exec_driver_sql(f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM "{role}"')
    # Only what was granted to the role itself: `public` stays usable through PUBLIC's grant.
    conn.exec_driver_sql(f'REVOKE ALL ON SCHEMA {schema} FROM "{role}"')


def drop_login(conn: Connection, role: str) -> None:
    check_identifier(role, "role")
    conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')


def role_rights(conn: Connection, role: str) -> dict[str, bool]:
    """Whether the role exists, may log in, and may write codings in this project."""
    row = conn.execute(text(
        "SELECT rolcanlogin, has_table_privilege(rolname, 'codings', 'INSERT') "
        "FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if row is None:
        return {"exists": False, "login": False, "codes": False}
    return {"exists": True, "login": bool(row[0]), "codes": bool(row[1])}


def current_schema_of(conn: Connection) -> str:
    return str(conn.execute(text("SELECT current_schema()")).scalar())


def login_coder(session: Any) -> tuple[str, str] | None:
    """(name, role on the roster) of the coder whose role this connection logged in as, if any.
    Always None on SQLite, which has no logins."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    key = "qcode.login"
    if key not in session.info:
        row = session.execute(text(
            "SELECT name, role FROM coders WHERE db_role = current_user")).first()
        session.info[key] = None if row is None else (str(row[0]), str(row[1]))
    found: tuple[str, str] | None = session.info[key]
    return found
