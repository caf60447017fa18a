"""`qcode memo`: memo threads on a coding, a document, a code or the project."""

from __future__ import annotations

from dataclasses import asdict

import typer

from qcode.cli.coding import CODER_OPTION
from qcode.cli.output import FORMAT_OPTION, MAX_NUMBER, Format, echo, emit, info
from qcode.cli.state import transaction

COLUMNS = ["id", "target", "name", "coder", "text", "created_at", "updated_at", "uuid"]


def memo(
    kind: str = typer.Argument(None, metavar="coding|document|code|project"),
    args: list[str] = typer.Argument(
        None, metavar="[NAME] [TEXT]", help="What the memo is on (not for project), then the text."
    ),
    edit: int = typer.Option(
        None,
        "--edit",
        metavar="ID",
        min=1,
        max=MAX_NUMBER,
        help="Change your memo entry ID (the text follows).",
    ),
    delete: int = typer.Option(
        None, "--delete", metavar="ID", min=1, max=MAX_NUMBER, help="Delete your memo entry ID."
    ),
    coder: str = CODER_OPTION,
    force: bool = typer.Option(False, "--force", help="Edit or delete someone else's entry (a PI)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Add to (with TEXT) or show (without) the memo thread on a coding, document, code or project.

    Every entry keeps its author and time; a new memo never replaces an earlier one.
    `--edit ID TEXT` and `--delete ID` change your own entries; `qcode undo` reverses either."""
    from qcode.coding.coders import current_coder
    from qcode.store.events import new_batch

    if edit is not None or delete is not None:
        from qcode.coding.memos import edit_memo
        from qcode.errors import UsageError

        words = [w for w in [kind, *(args or [])] if w]
        if edit is not None and delete is not None:
            raise UsageError("--edit or --delete, not both")
        if edit is not None and not words:
            raise UsageError('--edit ID takes the new text: qcode memo --edit ID "TEXT"')
        with transaction(write=True) as session:
            who = current_coder(session, coder)
            entry = edit if edit is not None else delete
            edit_memo(
                session,
                entry,
                " ".join(words) if edit is not None else None,
                who,
                batch=new_batch(),
                force=force,
            )
        info(f"memo entry {entry} {'changed' if edit is not None else 'deleted'}")
        return
    _thread(kind, list(args or []), coder, fmt)


def _thread(kind: str | None, args: list[str], coder: str | None, fmt: Format) -> None:
    from qcode.coding.coders import current_coder
    from qcode.coding.memos import add_memo, get_memos, resolve_memo_target
    from qcode.errors import UsageError
    from qcode.store.events import new_batch

    if kind is None:
        raise UsageError("say what the memo is on: qcode memo coding|document|code|project ...")
    ref = None if kind == "project" else (args.pop(0) if args else None)
    text = " ".join(args) if args else None
    if kind == "coding" and ref is not None and ref.isdigit():
        from qcode.cli.coding import parse_coding_id

        parse_coding_id(ref)  # a number the store cannot hold is a usage error, not a crash
    with transaction(write=text is not None) as session:
        target_id, name = resolve_memo_target(session, kind, ref)
        if text is not None:
            who = current_coder(session, coder)
            entry = add_memo(session, kind, target_id, name, text, who, batch=new_batch())
            info(f"memo entry {entry.id} on {name} by {who.name}")
            return
        memos = get_memos(session, kind, target_id, name)
    if fmt is Format.table:
        for m in memos:
            edited = f" edited {m.updated_at}" if m.updated_at != m.created_at else ""
            echo(f"#{m.id} [{m.coder or '-'} {m.created_at}{edited}] {m.text}")
        if not memos:
            info(f"no memo on {name}")
        return
    emit([asdict(m) for m in memos], COLUMNS, fmt)


def register(app: typer.Typer) -> None:
    app.command("memo")(memo)
