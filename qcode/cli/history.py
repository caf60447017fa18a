"""`qcode log`, `qcode undo` and `qcode redo`: the audit trail."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import typer

from qcode.cli.coding import CODER_OPTION
from qcode.cli.output import FORMAT_OPTION, MAX_NUMBER, Format, emit, info
from qcode.cli.state import transaction


def log(
    coder: str = typer.Option(None, "--coder", help="Only this coder's actions."),
    action: str = typer.Option(None, "--action", help="Only this action (tag, untag, recode, …)."),
    since: datetime = typer.Option(None, "--since", help="Only from this time on (ISO date/time)."),
    limit: int = typer.Option(50, "--limit", "-n", min=0, max=MAX_NUMBER,
                              help="The newest N events (0 = all)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Show the audit trail: who changed what, when."""
    from qcode.coding.history import read_log

    with transaction(write=False) as session:
        entries = read_log(session, actor=coder, action=action, since=since, limit=limit)
    emit([asdict(e) for e in entries], ["id", "at", "actor", "action", "target", "summary"], fmt,
         numeric=("id",))


def _step(coder: str | None, redo: bool) -> None:
    from qcode.coding.coders import coder_name
    from qcode.coding.history import redo as core_redo
    from qcode.coding.history import undo as core_undo

    with transaction(write=True) as session:
        who = coder_name(session, coder)
        result = (core_redo if redo else core_undo)(session, who)
    verb = "redid" if redo else "undid"
    info(f"{verb} {result.action} ({result.changes} change{'s' if result.changes != 1 else ''}): "
         f"{result.summary}")


def undo(coder: str = CODER_OPTION) -> None:
    """Reverse your own last action (a bulk action counts as one)."""
    _step(coder, redo=False)


def redo(coder: str = CODER_OPTION) -> None:
    """Re-apply the action you last undid."""
    _step(coder, redo=True)


def register(app: typer.Typer) -> None:
    for command in (log, undo, redo):
        app.command(command.__name__)(command)
