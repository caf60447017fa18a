"""`qcode coders`: the roster — list, add, rename, merge, retire, roles, closing it."""

from __future__ import annotations

from dataclasses import asdict

import typer

from qcode.cli.coding import CODER_OPTION
from qcode.cli.output import FORMAT_OPTION, Format, emit, info
from qcode.cli.state import transaction

app = typer.Typer(
    help="The coders of the project: who they are, their roles, and whether the roster is closed.",
    no_args_is_help=False,
    invoke_without_command=True,
)

COLUMNS = ["name", "role", "retired", "codings", "documents", "last_action", "uuid"]


@app.callback()
def coders(
    ctx: typer.Context,
    fmt: Format = FORMAT_OPTION,
    set_default: str = typer.Option(
        None, "--set-default", metavar="NAME", help="Make NAME the project's default coder."
    ),
    closed: bool = typer.Option(
        None, "--closed/--open", help="Close the roster (unknown names are refused) or open it again."
    ),
    coder: str = CODER_OPTION,
) -> None:
    """List coders with their role, codings and documents (with no subcommand)."""
    if ctx.invoked_subcommand is not None:
        return
    from qcode.coding.coders import current_coder, get_or_create_coder, list_coders, set_roster

    if set_default or closed is not None:
        with transaction(write=True) as session:
            if set_default:
                from qcode.store.project import set_meta

                chosen = get_or_create_coder(session, set_default)
                set_meta(session, "default_coder", chosen.name)
            if closed is not None:
                set_roster(session, closed, current_coder(session, coder))
        if set_default:
            info(f"default coder: {chosen.name}")
        if closed is not None:
            info(
                "the roster is closed: unknown coder names are refused"
                if closed
                else "the roster is open: a new name creates a coder"
            )
    with transaction(write=False) as session:
        rows = [asdict(c) for c in list_coders(session)]
    emit(rows, COLUMNS, fmt, numeric=("codings", "documents"))


@app.command("add")
def add(
    name: str = typer.Argument(..., help="The coder's name."),
    role: str = typer.Option("coder", "--role", help="coder or pi."),
    coder: str = CODER_OPTION,
) -> None:
    """Register a coder, bring a retired one back, or change a role (roles are a PI's to give)."""
    from qcode.coding.coders import acting_coder, add_coder
    from qcode.store.events import new_batch

    with transaction(write=True) as session:
        added = add_coder(session, name, role, acting_coder(session, coder), batch=new_batch())
    info(f"coder {added.name} ({added.role})")


@app.command("rename")
def rename(old: str, new: str, coder: str = CODER_OPTION) -> None:
    """Rename a coder; their codings and history follow."""
    from qcode.coding.coders import current_coder, rename_coder
    from qcode.store.events import new_batch

    with transaction(write=True) as session:
        done = rename_coder(session, old, new, current_coder(session, coder), batch=new_batch())
    info(f"renamed {old} to {done.name}")


@app.command("merge")
def merge(
    source: str = typer.Argument(..., metavar="FROM"),
    target: str = typer.Argument(..., metavar="INTO"),
    coder: str = CODER_OPTION,
) -> None:
    """Merge coder FROM into INTO (one person under two names): one undoable action."""
    from qcode.coding.coders import current_coder, merge_coders
    from qcode.store.events import new_batch

    with transaction(write=True) as session:
        moved, dropped = merge_coders(
            session, source, target, current_coder(session, coder), batch=new_batch()
        )
    extra = f", {dropped} already coded alike dropped" if dropped else ""
    info(f"merged {source} into {target}: {moved} codings moved{extra}; `qcode undo` reverses it")


@app.command("retire")
def retire(name: str, coder: str = CODER_OPTION) -> None:
    """Retire a coder: their codings stay, they code no more (`coders add NAME` brings them back)."""
    from qcode.coding.coders import current_coder, retire_coder
    from qcode.store.events import new_batch

    with transaction(write=True) as session:
        done = retire_coder(session, name, current_coder(session, coder), batch=new_batch())
    info(f"retired {done.name}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="coders")
