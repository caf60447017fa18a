"""A team server: each coder logs in to the PostgreSQL project as her own database role.

The PI (the role that ran `qcode init`, which owns the tables) adds a coder with
`qcode team add-coder`: a LOGIN role is created (or an existing one reused), linked to her row
on the roster (`coders.db_role`), granted exactly what coding needs, and row-level security is
turned on (`qcode.store.postgres.POLICIES`). From then on the server itself keeps the blind rule
for her and refuses her changes to anyone else's codings or to the codebook, documents and
rounds, whatever client she connects with. SQLite has no logins: there the blind rule is the
CLI's alone (`qcode.store.visibility`), and these commands refuse with one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from qcode.coding.coders import add_coder, find_coder, lookup, require_pi
from qcode.errors import QcodeError
from qcode.store import postgres
from qcode.store.events import record
from qcode.store.models import Coder

NEEDS_POSTGRES = "team roles need a PostgreSQL project; this one is a SQLite file"
NEEDS_POSTGRES_HINT = (
    "put the project on a PostgreSQL server (see docs/team.md), or share work through offline "
    "packages: qcode pack export --coder NAME"
)


@dataclass(frozen=True)
class Member:
    name: str
    role: str
    login: str | None
    exists: bool
    can_login: bool
    can_code: bool


@dataclass(frozen=True)
class Added:
    name: str
    login: str
    created: bool
    password: bool


def _connection(session: Session) -> Connection:
    if session.get_bind().dialect.name != "postgresql":
        raise QcodeError(NEEDS_POSTGRES, hint=NEEDS_POSTGRES_HINT)
    return session.connection()


def _require_team_pi(session: Session, actor: Coder | None, what: str) -> Coder:
    """Only a PI on the roster, connected as a role that is not a coder's login."""
    login = postgres.login_coder(session)
    if login is not None and login[1] != "pi":
        raise QcodeError(f"only the PI can {what}; you are connected as {login[0]}'s login",
                         hint="connect with the PI's database role (the one that ran qcode init)")
    if actor is None or actor.role != "pi":
        raise QcodeError(f"only a PI can {what}",
                         hint="pass --coder with the PI's name (`qcode coders` shows the roles)")
    require_pi(session, actor, what)
    return actor


def default_login(name: str) -> str:
    """A role name from a coder's name: folded, lower case, `_` for anything else (`Đorđe
    Nikolić` -> `dorde_nikolic`)."""
    from qcode.store.models import coder_key

    login = re.sub(r"[^a-z0-9_]+", "_", coder_key(name)).strip("_")[:63] or "coder"
    return login if not login[0].isdigit() else f"c_{login}"[:63]


def setup(session: Session, actor: Coder | None) -> list[str]:
    """Turn row security on (again), link the PI to the role she is connected as, and give every
    coder's role its rights afresh (after an upgrade added tables). Returns those roles."""
    conn = _connection(session)
    pi = _require_team_pi(session, actor, "set up the team server")
    me = postgres.login_role(conn)
    if pi.db_role is None and lookup_login(session, me) is None:
        _link(session, pi, me, pi, "team: PI's login")
    postgres.install_policies(conn)
    roles = [r for r in session.execute(select(Coder.db_role).where(
        Coder.db_role.is_not(None), Coder.role != "pi").order_by(Coder.db_role)).scalars() if r]
    for role in roles:
        if postgres.role_exists(conn, role):
            postgres.grant_coder(conn, role)
    return roles


def lookup_login(session: Session, role: str) -> Coder | None:
    return session.execute(select(Coder).where(Coder.db_role == role)).scalar()


def _link(session: Session, coder: Coder, login: str | None, actor: Coder, summary: str) -> None:
    before = {"coder_id": coder.id, "name": coder.name, "db_role": coder.db_role}
    coder.db_role = login
    session.flush()
    record(session, actor=actor.name, action="team", target_type="coder", target_id=coder.id,
           before=before, after={**before, "db_role": login}, summary=summary)


def add_member(session: Session, name: str, *, login: str | None, password: str | None,
               actor: Coder | None, batch: str) -> Added:
    """Give coder `name` (added to the roster if new) a login role with a coder's rights."""
    conn = _connection(session)
    pi = _require_team_pi(session, actor, "add coders to the team")
    coder = lookup(session, name) or add_coder(session, name, "coder", pi, batch=batch)
    _check_member(coder)
    role = postgres.check_identifier(login or coder.db_role or default_login(coder.name), "role")
    holder = lookup_login(session, role)
    if holder is not None and holder.id != coder.id:
        raise QcodeError(f"role {role} is already {holder.name}'s login in this project",
                         hint="choose another with --login NAME")
    if role == postgres.login_role(conn):
        raise QcodeError(f"role {role} is the one you are connected as",
                         hint="a coder needs a login of her own: pass --login NAME")
    setup(session, pi)
    created = _create(session, role, password)
    if coder.db_role is not None and coder.db_role != role:
        _revoke_quietly(session, coder.db_role)
    postgres.grant_coder(conn, role)
    _link(session, coder, role, pi, f"team: {coder.name} logs in as {role}")
    return Added(coder.name, role, created, password is not None)


def _check_member(coder: Coder) -> None:
    if coder.role == "pi":
        raise QcodeError(f"{coder.name} is a PI: a PI works as the role that owns the project",
                         hint="team add-coder gives coders their own logins")
    if coder.retired:
        raise QcodeError(f"coder {coder.name} is retired",
                         hint=f"bring them back first: qcode coders add {coder.name}")


def _create(session: Session, role: str, password: str | None) -> bool:
    try:
        with session.begin_nested():
            return postgres.create_login(session.connection(), role, password)
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42501":
            raise QcodeError(f"the server does not let you create or change role {role}",
                             hint="the PI's database role needs CREATEROLE (ALTER ROLE … CREATEROLE)"
                             ) from exc
        raise


def _revoke_quietly(session: Session, role: str) -> None:
    conn = session.connection()
    if postgres.role_exists(conn, role):
        postgres.revoke_coder(conn, role)


def remove_member(session: Session, name: str, *, drop: bool, actor: Coder | None) -> tuple[str, bool]:
    """Take a coder's login away from the project: her rights here are revoked, her codings
    and history stay. With `drop`, the role itself goes too when nothing else holds it.
    Returns (the role, whether it was dropped)."""
    _connection(session)
    pi = _require_team_pi(session, actor, "remove coders from the team")
    coder = find_coder(session, name)
    role = coder.db_role
    if role is None or coder.role == "pi":
        raise QcodeError(f"{coder.name} has no login of her own on this server",
                         hint="`qcode team list` shows the team's logins")
    _revoke_quietly(session, role)
    _link(session, coder, None, pi, f"team: {coder.name} no longer logs in as {role}")
    dropped = False
    if drop:
        try:
            with session.begin_nested():
                postgres.drop_login(session.connection(), role)
            dropped = True
        except DBAPIError:  # it still holds rights in another database or project
            dropped = False
    return role, dropped


def members(session: Session) -> list[Member]:
    """Every coder on the roster with her login, and what the server lets that login do."""
    conn = _connection(session)
    result = []
    for coder in session.execute(select(Coder).order_by(Coder.key)).scalars():
        rights: dict[str, Any] = ({"exists": False, "login": False, "codes": False}
                                  if coder.db_role is None else postgres.role_rights(conn, coder.db_role))
        result.append(Member(coder.name, coder.role, coder.db_role, rights["exists"],
                             rights["login"], rights["codes"]))
    return result
