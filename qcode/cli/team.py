"""`qcode team`: coders' own logins on a PostgreSQL team server (see docs/team.md)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer

from qcode.cli.coding import CODER_OPTION
from qcode.cli.output import FORMAT_OPTION, Format, emit, info, warn
from qcode.cli.state import transaction

app = typer.Typer(
    help="A PostgreSQL team server: a database login per coder, with the blind rule kept by the "
    "server's row security (PI only; SQLite projects have no logins).",
    no_args_is_help=True,
)

COLUMNS = ["name", "role", "login", "exists", "can_login", "can_code"]


def _password(password: str | None, password_file: Path | None) -> str | None:
    from qcode.errors import InputError, UsageError

    if password is not None and password_file is not None:
        raise UsageError("give --password or --password-file, not both")
    if password_file is None:
        return password
    try:
        lines = password_file.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {password_file}: {exc.__class__.__name__}") from exc
    if not lines or not lines[0]:
        raise InputError(f"{password_file} is empty: its first line is the password")
    return lines[0]


@app.command("add-coder")
def add_coder(
    name: str = typer.Argument(..., help="The coder (added to the roster if new)."),
    login: str = typer.Option(
        None, "--login", metavar="ROLE",
        help="Her database role (default: her name in lower case, `_` for anything else).",
    ),
    password: str = typer.Option(
        None, "--password", help="Her password (visible to others on this machine: prefer a file)."
    ),
    password_file: Path = typer.Option(
        None, "--password-file", dir_okay=False, help="Read her password from the file's first line."
    ),
    coder: str = CODER_OPTION,
) -> None:
    """Give a coder her own login: she codes, sees and undoes her own work only (PI only)."""
    from qcode.coding.coders import acting_coder
    from qcode.coding.team import add_member
    from qcode.store.events import new_batch

    secret = _password(password, password_file)
    with transaction(write=True) as session:
        added = add_member(session, name, login=login, password=secret,
                           actor=acting_coder(session, coder), batch=new_batch())
    made = "created role" if added.created else "role"
    info(f"{added.name} logs in as {added.login} ({made}; a coder's rights and row security on)")
    if not added.password and added.created:
        warn(f"role {added.login} has no password: set one with --password-file, or it logs in "
             "only where the server trusts it without one")


@app.command("remove-coder")
def remove_coder(
    name: str = typer.Argument(..., help="The coder whose login goes."),
    drop_role: bool = typer.Option(
        False, "--drop-role", help="Also drop the database role (unless it has rights elsewhere)."
    ),
    coder: str = CODER_OPTION,
) -> None:
    """Revoke a coder's login from the project; her codings and history stay (PI only)."""
    from qcode.coding.coders import acting_coder
    from qcode.coding.team import remove_member

    with transaction(write=True) as session:
        role, dropped = remove_member(session, name, drop=drop_role, actor=acting_coder(session, coder))
    info(f"{name} no longer logs in to this project (role {role} "
         f"{'dropped' if dropped else 'kept, without rights here'}); her codings stay")
    if drop_role and not dropped:
        warn(f"role {role} still has rights in another database or project, so it was kept")


@app.command("setup")
def setup(coder: str = CODER_OPTION) -> None:
    """Turn row security on and refresh every coder login's rights, e.g. after `db upgrade`
    (PI only; `team add-coder` does it too)."""
    from qcode.coding.coders import acting_coder
    from qcode.coding.team import setup as core_setup

    with transaction(write=True) as session:
        roles = core_setup(session, acting_coder(session, coder))
    info(f"row security on; rights refreshed for {len(roles)} coder login(s)")


@app.command("list")
def list_team(fmt: Format = FORMAT_OPTION) -> None:
    """The roster with each coder's login and what the server lets it do."""
    from qcode.coding.team import members

    with transaction(write=False) as session:
        rows = [asdict(m) for m in members(session)]
    emit(rows, COLUMNS, fmt)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="team")
