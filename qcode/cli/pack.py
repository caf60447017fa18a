"""`qcode pack export|import`: offline work packages (and `qcode init --from PACK`)."""

from __future__ import annotations

import shlex
from pathlib import Path

import typer

from qcode.cli.coding import CODER_OPTION
from qcode.cli.output import info, warn

app = typer.Typer(help="Offline work packages: a coder's share of the project, and her work back.",
                  no_args_is_help=True)


def _plural(n: int, word: str) -> str:
    many = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{n:,} {word if n == 1 else many}"


@app.command("export")
def export(
    output: Path = typer.Option(..., "--output", "-o", help="The package file to write (.qpack).",
                                dir_okay=False),
    coder: str = CODER_OPTION,
    round_name: str = typer.Option(None, "--round", "-r",
                                   help="Only the documents this round assigns to the coder."),
    force: bool = typer.Option(False, "--force", help="Replace OUTPUT if it exists."),
) -> None:
    """Write a coder's package: documents, codebook, assignments, her codings, memos and log."""
    from qcode.cli.state import transaction
    from qcode.coding.coders import coder_name, find_coder
    from qcode.errors import QcodeError
    from qcode.export.pack.build import export_pack

    if output.exists() and not force:
        raise QcodeError(f"{output} already exists", hint="choose another name, or pass --force")
    with transaction(write=True) as session:  # write: the project's uuid is made on first use
        who = find_coder(session, coder_name(session, coder))
        result = export_pack(session, who, round_name, output)
    scope = f"round {result.round}" if result.round else "all documents"
    info(f"wrote {result.path} for {result.coder} ({scope}): {_plural(result.documents, 'document')}, "
         f"{_plural(result.codings, 'coding')}, {_plural(result.memos, 'memo entry')}, "
         f"{_plural(result.events, 'logged change')}; {result.bytes:,} bytes")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A package written by `qcode pack export`.",
                                dir_okay=False),
    coder: str = typer.Option(None, "--coder", envvar="QCODE_CODER",
                              help="Who runs the import and can undo it (default: QCODE_CODER, "
                              "the project's default coder, then your login name)."),
) -> None:
    """Merge a coder's work from a package, by identity; a second import changes nothing."""
    from qcode.cli.state import transaction
    from qcode.coding.coders import actor_name
    from qcode.errors import QcodeError
    from qcode.export.pack.content import read_pack
    from qcode.export.pack.merge import import_pack
    from qcode.store.events import new_batch

    pack = read_pack(file)  # verified in full before the project is opened for writing
    with transaction(write=True) as session:
        who = actor_name(session, coder)
        result = import_pack(session, pack, who, batch=new_batch())
    for name, reason in result.refused:
        warn(f"{file}: refused {name}: {reason}")
    for note in result.skipped[:20]:
        warn(note)
    if result.changes == 0 and result.events == 0:
        info(f"nothing new from {file}: {result.coder}'s work is already in the project")
    else:
        info(f"imported {result.coder}'s work from {file}: codings {result.added:,} added, "
             f"{result.changed:,} changed, {result.removed:,} removed; memo entries "
             f"{result.memos_added:,} added, {result.memos_changed:,} changed, "
             f"{result.memos_removed:,} removed; {_plural(result.events, 'logged change')} "
             f"kept as history" + (f"; `qcode undo --coder {shlex.quote(who)}` takes it back"
                                   if result.changes else ""))
    if result.refused:
        raise QcodeError(f"{_plural(len(result.refused), 'document')} refused; the rest was imported")


def init_from(pack_file: Path, url: str, location: str) -> None:
    """`qcode init --from PACK`: a new project holding the package (nothing left on failure)."""
    from qcode.cli.state import STATE, transaction
    from qcode.export.pack.content import read_pack
    from qcode.export.pack.load import load_pack
    from qcode.store.engine import dispose_engines, sqlite_path
    from qcode.store.schema import create_project

    pack = read_pack(pack_file)
    create_project(url, name=pack.project["name"] or "qcode")
    STATE.db = url
    try:
        with transaction(write=True) as session:
            result = load_pack(session, pack)
    except BaseException:
        path = sqlite_path(url)
        if path is not None:
            dispose_engines()
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
        raise
    scope = f"round {result.round}" if result.round else "all documents"
    info(f"created project {location} from {pack_file} for {result.coder} ({scope}): "
         f"{_plural(result.documents, 'document')}, {_plural(result.codings, 'coding')}, "
         f"{_plural(result.memos, 'memo entry')}; {result.coder} is its default coder")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="pack")
