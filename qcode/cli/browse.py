"""`qcode docs`, `qcode show DOC` and `qcode cases`: looking at what the project holds."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import typer

from qcode.cli.output import FORMAT_OPTION, Format, emit, write_json
from qcode.cli.state import transaction

if TYPE_CHECKING:
    from qcode.documents import DocumentView


def docs(fmt: Format = FORMAT_OPTION) -> None:
    """List documents with their case, words, speaker turns and codings."""
    from qcode.documents import list_documents

    with transaction(write=False) as session:
        rows = [asdict(d) for d in list_documents(session)]
    columns = ["name", "case", "format", "words", "turns", "codings"]
    emit(rows, columns, fmt, numeric=("words", "turns", "codings"))


def show(
    document: str = typer.Argument(..., help="Document name (or its stem, or a unique prefix)."),
    fmt: Format = FORMAT_OPTION,
    by: str = typer.Option(
        "line", "--by", help="Table layout: `line` (line numbers) or `turn` (one block per turn)."
    ),
) -> None:
    """Print a transcript with line and turn numbers and speakers, ready to cite."""
    from qcode.documents import show_document

    if by not in ("line", "turn"):
        raise typer.BadParameter("--by takes `line` or `turn`")
    with transaction(write=False) as session:
        view = show_document(session, document)
    if fmt is Format.json:
        write_json(asdict(view))
    elif fmt is Format.csv:
        emit([asdict(u) for u in view.units], ["kind", "number", "start", "end", "speaker",
                                               "timestamp"], fmt)
    elif by == "turn":
        _print_turns(view)
    else:
        _print_lines(view)


def _print_lines(view: DocumentView) -> None:
    """Each line with its number; a turn's number where the turn starts."""
    import bisect

    lines = [u for u in view.units if u.kind == "line"]
    line_starts = [u.start for u in lines]
    markers: dict[int, str] = {}
    for turn in (u for u in view.units if u.kind == "turn"):
        index = bisect.bisect_right(line_starts, turn.start) - 1
        if index >= 0:
            markers.setdefault(lines[index].number, f"t{turn.number}")
    width = len(str(len(lines)))
    typer.echo(f"# {view.name}" + (f"  (case {view.case})" if view.case else ""))
    typer.echo(
        "\n".join(
            f"{u.number:>{width}} {markers.get(u.number, ''):>5}  {view.text[u.start:u.end]}"
            for u in lines
        )
    )


def _print_turns(view: DocumentView) -> None:
    typer.echo(f"# {view.name}" + (f"  (case {view.case})" if view.case else ""))
    for turn in (u for u in view.units if u.kind == "turn"):
        stamp = f" [{turn.timestamp}]" if turn.timestamp else ""
        typer.echo(f"\nt{turn.number} {turn.speaker or '(no speaker)'}{stamp}")
        typer.echo(view.text[turn.start:turn.end])


def cases(fmt: Format = FORMAT_OPTION) -> None:
    """List cases with their attributes and number of documents."""
    from qcode.cases import list_cases

    with transaction(write=False) as session:
        infos = list_cases(session)
    names: list[str] = []
    for info in infos:
        names.extend(k for k in info.attributes if k not in names)
    if fmt is Format.json:
        write_json([asdict(i) for i in infos])
        return
    rows = [{"case": i.name, "documents": i.documents, **i.attributes} for i in infos]
    emit(rows, ["case", "documents", *names], fmt, numeric=("documents",))


def register(app: typer.Typer) -> None:
    app.command("docs")(docs)
    app.command("show")(show)
    app.command("cases")(cases)
