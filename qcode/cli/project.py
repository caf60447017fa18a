"""`qcode init` and `qcode summary`."""

from __future__ import annotations

from pathlib import Path

import typer

from qcode.cli.output import FORMAT_OPTION, Format, echo, info, write_json
from qcode.cli.state import STATE, transaction


def init(
    path: Path = typer.Argument(
        None, help="Where to create the project (a folder or a .db file; default: ./qcode.db)."
    ),
    codebook: Path = typer.Option(
        None, "--codebook", "-c", help="Load this YAML codebook into the new project."
    ),
    name: str = typer.Option(None, "--name", help="Project name (default: the folder's name)."),
    coder: str = typer.Option(
        None, "--coder", help="You: registered as the project's PI and its default coder."
    ),
    from_pack: Path = typer.Option(
        None, "--from", help="A package from `qcode pack export`: a coder's local project.",
        dir_okay=False,
    ),
    schema: str = typer.Option(
        None, "--schema", metavar="NAME",
        help="PostgreSQL: keep the project in this schema of the database (made if missing); "
        "the same as ?schema=NAME on the URL, which every later command then needs too.",
    ),
) -> None:
    """Create a new project, refusing to overwrite an existing one."""
    from qcode.cli.codebook import load_and_report
    from qcode.store.engine import to_url
    from qcode.store.schema import create_project

    location = _init_location(path)
    url = to_url(location)
    if schema is not None:
        location = url = _in_schema(url, schema)
    if from_pack is not None:
        from qcode.cli.pack import init_from
        from qcode.errors import UsageError

        if codebook is not None or coder or name:
            raise UsageError("--from takes the codebook, coder and name from the package")
        if "://" not in location:
            Path(location).parent.mkdir(parents=True, exist_ok=True)
        init_from(from_pack, url, location)
        return
    book = None
    if codebook is not None:
        from qcode.codebook.parse import load_codebook_file

        book = load_codebook_file(codebook)  # validate before anything is created
    project_name = name or (Path(location).resolve().parent.name if "://" not in location else "qcode")
    if "://" not in location:
        Path(location).parent.mkdir(parents=True, exist_ok=True)
    create_project(url, name=project_name)
    STATE.db = url
    if "://" in location:
        from sqlalchemy.engine import make_url

        shown = make_url(url).render_as_string(hide_password=True)
        info(f"created project {shown} (give later commands this URL: --db or QCODE_DB)")
    else:
        info(f"created project {location}")
    if coder:
        from qcode.coding.coders import add_coder
        from qcode.store.events import new_batch
        from qcode.store.project import set_meta

        with transaction(write=True) as session:
            pi = add_coder(session, coder, "pi", None, batch=new_batch())
            set_meta(session, "default_coder", pi.name)
        info(f"{pi.name} is the project's PI and default coder")
    if book is not None and codebook is not None:
        load_and_report(book, codebook, retire_removed=False)


def _in_schema(url: str, schema: str) -> str:
    from sqlalchemy.engine import make_url

    from qcode.errors import UsageError
    from qcode.store import postgres

    if make_url(url).get_backend_name() != "postgresql":
        raise UsageError("--schema is for a PostgreSQL project: pass --db postgresql://…",
                         hint="a SQLite project is one file and needs no schema")
    given = postgres.split_schema(url)[1]
    if given is not None and given != schema:
        raise UsageError(f"the URL names schema {given} and --schema {schema}: give one")
    return postgres.with_schema(postgres.split_schema(url)[0] if given else url, schema)


def _init_location(path: Path | None) -> str:
    """A URL as given, else a SQLite file: a folder (existing or without a suffix) gets qcode.db."""
    from qcode.store.engine import DEFAULT_FILENAME

    given = str(path) if path is not None else STATE.db
    if given and "://" in given:
        return given
    target = Path(given) if given else Path.cwd()
    if target.is_dir() or not target.suffix:
        target = target / DEFAULT_FILENAME
    return str(target)


def summary(fmt: Format = FORMAT_OPTION) -> None:
    """Summarise the project: documents, cases, words, speaker turns, codes, codings."""
    from dataclasses import asdict

    from qcode.store.project import summary as core_summary

    with transaction(write=False) as session:
        result = core_summary(session)
    data = asdict(result)
    if fmt is Format.json:
        write_json(data)
    elif fmt is Format.csv:
        from qcode.cli.output import write_csv

        write_csv([data], list(data))
    else:
        width = max(len(k) for k in data)
        for key, value in data.items():
            shown = f"{value:,}" if isinstance(value, int) else (value or "-")
            echo(f"{key:<{width}}  {shown}")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("summary")(summary)
