"""`qcode codebook check|load|show|diff`: the YAML codebook and its stored versions."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from qcode.cli.output import FORMAT_OPTION, Format, echo, emit, info, write_json
from qcode.cli.state import transaction

if TYPE_CHECKING:
    from qcode.codebook.model import Codebook

app = typer.Typer(help="Check, load, show and compare codebooks.", no_args_is_help=True,
                  suggest_commands=False)


def actor_name() -> str:
    import getpass
    import os

    return os.environ.get("QCODE_CODER") or getpass.getuser()


@app.command("check")
def check(file: Path = typer.Argument(..., help="A YAML codebook file.")) -> None:
    """Validate a codebook file; every problem is reported as FILE:LINE:COL: message."""
    from qcode.codebook.parse import load_codebook_file

    book = load_codebook_file(file)
    info(f"{file}: ok ({len(book.codes)} codes, version {book.version})")


@app.command("load")
def load(
    file: Path = typer.Argument(..., help="A YAML codebook file."),
    retire_removed: bool = typer.Option(
        False, "--retire-removed", help="Keep codes missing from the file as retired."
    ),
) -> None:
    """Store the codebook as a new version of the project's codebook."""
    from qcode.codebook.parse import load_codebook_file

    load_and_report(load_codebook_file(file), file, retire_removed=retire_removed)


def load_and_report(book: Codebook, file: Path, *, retire_removed: bool) -> None:
    from qcode.codebook.store import load_codebook

    with transaction(write=True) as session:
        result = load_codebook(
            session, book, source=str(file), actor=actor_name(), retire_removed=retire_removed
        )
    if result.version is None:
        info(f"{file}: unchanged; the project already has this codebook")
        return
    parts = [f"{len(result.added)} added"]
    for label, items in (("renamed", result.renamed), ("changed", result.updated),
                         ("removed", result.removed), ("retired", result.retired)):
        if items:
            parts.append(f"{len(items)} {label}")
    info(f"loaded {book.name} {book.version} as codebook version {result.version}: "
         + ", ".join(parts))


@app.command("show")
def show(fmt: Format = FORMAT_OPTION) -> None:
    """Print the code tree with coding counts (own and including descendants)."""
    from qcode.codebook.store import code_tree

    with transaction(write=False) as session:
        nodes = code_tree(session)
    if fmt is Format.json:
        write_json([asdict(n) for n in nodes])
        return
    if fmt is Format.csv:
        emit([asdict(n) for n in nodes], ["id", "label", "parent", "count", "total", "retired",
                                         "colour"], fmt)
        return
    rows = [
        {
            "code": "  " * n.depth + n.id + (" (retired)" if n.retired else ""),
            "label": n.label,
            "count": n.count,
            "total": n.total,
        }
        for n in nodes
    ]
    emit(rows, ["code", "label", "count", "total"], fmt, numeric=("count", "total"))


@app.command("diff")
def diff(file: Path = typer.Argument(..., help="A YAML codebook file.")) -> None:
    """Show what loading FILE would change in the project's codebook."""
    from qcode.codebook.diff import diff_codebooks, summarise
    from qcode.codebook.parse import load_codebook_file
    from qcode.codebook.store import current_codebook

    book = load_codebook_file(file)
    with transaction(write=False) as session:
        current = current_codebook(session)
    changes = diff_codebooks(current, book)
    if changes.is_empty:
        info("no changes")
        return
    for line in summarise(changes):
        echo(line)


@app.command("versions")
def versions(fmt: Format = FORMAT_OPTION) -> None:
    """List the codebook versions stored in the project."""
    from qcode.codebook.store import list_versions

    with transaction(write=False) as session:
        rows = [asdict(v) for v in list_versions(session)]
    emit(rows, ["number", "name", "label", "codes", "loaded_at", "loaded_by", "source"], fmt,
         numeric=("number", "codes"))


@app.command("add")
def add(
    code_id: str = typer.Argument(..., metavar="ID", help="The new code's id, e.g. `platforms`."),
    label: str = typer.Option(..., "--label", help="Short name shown to coders."),
    definition: str = typer.Option(..., "--definition", help="The full definition."),
    parent: str | None = typer.Option(None, "--parent", help="Nest the code under this code."),
    brief: str | None = typer.Option(None, "--brief", help="One-line definition."),
    when_to_use: str | None = typer.Option(None, "--when-to-use", help="Inclusion criteria."),
    when_not_to_use: str | None = typer.Option(
        None, "--when-not-to-use", help="Exclusion criteria, neighbouring codes to use instead."
    ),
    examples: list[str] | None = typer.Option(
        None, "--example", help="A passage that fits (repeat for more)."
    ),
    colour: str | None = typer.Option(None, "--colour", help='Display colour, e.g. "#4e79a7".'),
    file: Path | None = typer.Option(
        None, "--file", help="The YAML codebook to edit (default: the last one loaded)."
    ),
    write: bool = typer.Option(False, "--write", help="Edit the codebook file in place and load it."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the edited codebook to this file and load it."
    ),
) -> None:
    """Add a code to the YAML codebook, keeping its comments and layout, with a new version label.

    Without --write or -o the edited YAML goes to stdout and nothing changes; --write edits the
    file in place and loads it; -o FILE writes a new file and loads that."""
    from qcode.codebook.edit import NewCode, apply_edit, codebook_file, plan_add, revert_edit
    from qcode.codebook.store import latest_version, list_versions
    from qcode.errors import QcodeError, UsageError

    if write and output is not None:
        raise UsageError("--write edits the file in place; -o writes another: choose one")
    with transaction(write=False) as session:
        latest = latest_version(session)
        source, number = (latest.source_path, latest.number) if latest else (None, None)
        taken = frozenset(v.label for v in list_versions(session))
    path = codebook_file(file, source, number)
    code = NewCode(id=code_id, label=label, definition=definition, parent=parent, brief=brief,
                   when_to_use=when_to_use, when_not_to_use=when_not_to_use,
                   examples=tuple(examples or ()), colour=colour)
    edit = plan_add(path, code, taken)  # checks everything it can before the file is touched
    if not write and output is None:
        sys.stdout.write(edit.after.decode("utf-8"))
        info(f"(not written: pass --write to edit {path}, or -o FILE) new version {edit.book.version}")
        return
    if output is not None:
        from dataclasses import replace

        edit = replace(edit, path=output, before=output.read_bytes() if output.exists() else b"")
        path = output
    apply_edit(edit)
    try:
        load_and_report(edit.book, path, retire_removed=False)
    except QcodeError as exc:
        exc.message += (f"; {path} was left unchanged" if revert_edit(edit) else
                        f"; the code was added to {path} but not loaded: "
                        f"run `qcode codebook load {path}` once this is fixed")
        raise
    info(f"added code `{code_id.strip()}` to {path} (version {edit.book.version})")


def register(root: typer.Typer) -> None:
    from qcode.cli import refi

    refi.register_codebook(app)
    root.add_typer(app, name="codebook")
