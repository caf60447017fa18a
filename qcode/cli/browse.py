"""`qcode docs`, `qcode show DOC` and `qcode cases`: looking at what the project holds."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import typer

from qcode.cli.output import FORMAT_OPTION, MAX_NUMBER, Format, echo, emit, shown, write_json
from qcode.cli.output import info as say
from qcode.cli.state import transaction

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console
    from rich.text import Text

    from qcode.coding.highlight import HighlightedUnit, Mark
    from qcode.corpus.documents import DocumentView, UnitInfo


DOCS_LIMIT = 500


def docs(
    fmt: Format = FORMAT_OPTION,
    limit: int = typer.Option(DOCS_LIMIT, "--limit", min=0, max=MAX_NUMBER,
                              help="List at most this many documents (in name order); 0 for all."),
) -> None:
    """List documents with their case, words, speaker turns and codings."""
    from qcode.corpus.documents import list_documents

    with transaction(write=False) as session:
        listed = list_documents(session, limit)
    rows = [asdict(d) for d in listed.documents]
    columns = ["name", "case", "format", "words", "turns", "codings"]
    emit(rows, columns, fmt, numeric=("words", "turns", "codings"))
    if len(rows) < listed.total:
        say(f"{listed.total:,} documents; showing the first {len(rows):,} (--limit 0 shows all)")


def show(
    document: str = typer.Argument(..., help="Document name (or its stem, or a unique prefix)."),
    fmt: Format = FORMAT_OPTION,
    by: str = typer.Option(
        "line", "--by", help="Table layout: `line` (line numbers) or `turn` (one block per turn)."
    ),
    coder: list[str] = typer.Option(
        None, "--coder", help="Highlight only these coders' codings (repeatable or a,b)."
    ),
    code: list[str] = typer.Option(
        None, "--code", "-c", help="Highlight only these codes and those below them (repeatable or a,b)."
    ),
) -> None:
    """Print a transcript with line and turn numbers and speakers, ready to cite, its coded
    passages highlighted in the codebook's colours and labelled `code(coder)` in the margin."""
    from qcode.coding.retrieve import marked_document, split_names

    if by not in ("line", "turn"):
        raise typer.BadParameter("--by takes `line` or `turn`")
    with transaction(write=False) as session:
        marked = marked_document(session, document, coders=split_names(coder),
                                 codes=split_names(code))
    view = marked.view
    if fmt is Format.json:
        write_json({**asdict(view), "codings": [asdict(m) for m in marked.marks]})
    elif fmt is Format.csv:
        emit([asdict(u) for u in view.units], ["kind", "number", "start", "end", "speaker",
                                               "timestamp"], fmt)
    else:
        console = _terminal()
        if by == "turn" and not any(u.kind == "turn" for u in view.units):
            # A document without speakers still reads block by block: its paragraphs.
            say(f"{view.name} has no speaker turns; showing its paragraphs (cite them as p1, p2, ...)")
            _print_turns(view, marked.marks, console, kind="paragraph")
        elif by == "turn":
            _print_turns(view, marked.marks, console)
        else:
            _print_lines(view, marked.marks, console)


def _terminal() -> Console | None:
    """A rich console when stdout is a terminal; None means plain text (pipes, files)."""
    from qcode.cli import output

    return output.console() if output.stdout_is_terminal() else None


def _title(view: DocumentView) -> str:
    return f"# {view.name}" + (f"  (case {view.case})" if view.case else "")


def _line_markers(view: DocumentView) -> dict[int, str]:
    """`t12` on the line where turn 12 starts."""
    import bisect

    lines = [u for u in view.units if u.kind == "line"]
    line_starts = [u.start for u in lines]
    markers: dict[int, str] = {}
    for turn in (u for u in view.units if u.kind == "turn"):
        index = bisect.bisect_right(line_starts, turn.start) - 1
        if index >= 0:
            markers.setdefault(lines[index].number, f"t{turn.number}")
    return markers


def _print_lines(view: DocumentView, marks: Sequence[Mark] = (), console: Console | None = None) -> None:
    """Each line with its number; a turn's number where the turn starts; codings in the margin."""
    from qcode.coding.highlight import highlight

    lines = highlight(view.text, [(u.number, u.start, u.end) for u in view.units if u.kind == "line"],
                      marks)
    markers = _line_markers(view)
    width = len(str(len(lines)))
    if console is not None:
        _rich_lines(view, lines, markers, width, console)
        return
    labelled = [len(view.text[u.start:u.end]) for u in lines if u.labels]
    column = min(max(labelled, default=0), 80)
    out = [_title(view)]
    for u in lines:
        row = f"{u.number:>{width}} {markers.get(u.number, ''):>5}  {view.text[u.start:u.end]}"
        if u.labels:
            row = f"{row:<{width + 8 + column}}   │ {', '.join(u.labels)}"
        out.append(row)
    echo("\n".join(out))


def _print_turns(view: DocumentView, marks: Sequence[Mark] = (), console: Console | None = None,
                 kind: str = "turn") -> None:
    from qcode.coding.highlight import highlight

    turns = {u.number: u for u in view.units if u.kind == kind}
    lit = highlight(view.text, [(u.number, u.start, u.end) for u in turns.values()], marks)
    if console is not None:
        _rich_turns(view, lit, turns, console, kind)
        return
    echo(_title(view))
    for unit in lit:
        turn = turns[unit.number]
        stamp = f" [{turn.timestamp}]" if turn.timestamp else ""
        labels = f"   │ {', '.join(unit.labels)}" if unit.labels else ""
        echo(f"\n{shown(_block_head(turn, kind))}{stamp}{labels}")
        echo(view.text[turn.start:turn.end])


def _block_head(unit: UnitInfo, kind: str) -> str:
    """`t12 Ana` for a turn; `p3` (with its speaker, if any) for a paragraph."""
    if kind == "turn":
        return f"t{unit.number} {unit.speaker or '(no speaker)'}"
    return f"p{unit.number}" + (f" {unit.speaker}" if unit.speaker else "")


def _styled(unit: HighlightedUnit) -> Text:
    """The unit's text, each coded piece on its code's colour (underlined where codings overlap)."""
    from rich.style import Style
    from rich.text import Text

    from qcode.coding.highlight import innermost, normalise_colour, text_colour_on

    text = Text()
    for segment in unit.segments:
        mark = innermost(segment.marks)
        if mark is None:
            text.append(shown(segment.text))
            continue
        colour = normalise_colour(mark.colour, mark.code)
        text.append(shown(segment.text), Style(color=text_colour_on(colour), bgcolor=colour,
                                        underline=len(segment.marks) > 1))
    return text


def _margin(unit: HighlightedUnit) -> Text:
    from rich.text import Text

    from qcode.coding.highlight import normalise_colour

    text = Text()
    labels: list[str] = []
    for mark in unit.marks:
        if mark.label in labels:
            continue
        if labels:
            text.append(", ")
        labels.append(mark.label)
        text.append(shown(mark.label), style=f"bold {normalise_colour(mark.colour, mark.code)}")
    return text


def _rich_lines(view: DocumentView, lines: list[HighlightedUnit], markers: dict[int, str],
                width: int, console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", style="dim", min_width=width)
    grid.add_column(justify="right", style="bold cyan", min_width=5)
    grid.add_column(ratio=3, overflow="fold")
    labelled = any(unit.marks for unit in lines)
    if labelled:
        grid.add_column(ratio=1, overflow="fold")
    for unit in lines:
        cells = [Text(str(unit.number)), Text(markers.get(unit.number, "")), _styled(unit)]
        grid.add_row(*cells, *([_margin(unit)] if labelled else []))
    console.print(Text(shown(_title(view)), style="bold"))
    console.print(grid)


def _rich_turns(view: DocumentView, lit: list[HighlightedUnit], turns: dict[int, UnitInfo],
                console: Console, kind: str = "turn") -> None:
    from rich.text import Text

    console.print(Text(shown(_title(view)), style="bold"))
    for unit in lit:
        turn = turns[unit.number]
        number, _, speaker = _block_head(turn, kind).partition(" ")
        head = Text(f"\n{number} ", style="bold cyan")
        head.append(shown(speaker), style="bold")
        if turn.timestamp:
            head.append(shown(f" [{turn.timestamp}]"), style="dim")
        if unit.labels:
            head.append("   │ ")
            head.append_text(_margin(unit))
        console.print(head)
        console.print(_styled(unit))


def cases(fmt: Format = FORMAT_OPTION) -> None:
    """List cases with their attributes and number of documents."""
    from qcode.corpus.cases import list_cases

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
