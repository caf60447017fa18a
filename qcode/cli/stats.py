"""`qcode stats`: the study's headline figures and code frequencies, with bar charts on a terminal."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

import typer

from qcode.cli.output import FORMAT_OPTION, Format, emit, write_json
from qcode.cli.state import transaction

if TYPE_CHECKING:
    from rich.console import Console

    from qcode.coding.stats import Stats

BAR = 28  # cells for the longest bar


def stats(
    by: str = typer.Option(None, "--by", metavar="ATTR",
                           help="Count cases with each code by this case attribute (e.g. sector)."),
    coder: str = typer.Option(None, "--coder", help="Only this coder's codings."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Headline figures (documents, cases, words, coders, codings) and how often each code is
    used: codings, documents and cases, a code counting the codes below it."""
    from qcode.coding.stats import project_stats

    with transaction(write=False) as session:
        result = project_stats(session, by=by, coder=coder)
    if fmt is Format.json:
        write_json({"headline": asdict(result.headline), "codes": [asdict(c) for c in result.codes],
                    "by": result.by, "group_cases": result.group_cases,
                    "by_group": [{**asdict(g), "share": g.share} for g in result.by_group]})
    elif fmt is Format.csv:
        _csv(result)
    elif sys.stdout.isatty():
        _rich(result)
    else:
        _plain(result)


def _csv(result: Stats) -> None:
    if result.by is None:
        emit([asdict(c) for c in result.codes],
             ["code", "label", "depth", "codings", "documents", "cases"], Format.csv)
        return
    rows = [{"attribute": result.by, **asdict(g), "share": g.share} for g in result.by_group]
    emit(rows, ["attribute", "value", "code", "cases", "group_cases", "share", "codings"], Format.csv)


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _headline_text(result: Stats) -> str:
    h = result.headline
    return (f"{_n(h.documents, 'document')} · {_n(h.cases, 'case')} · {_n(h.words, 'word')} · "
            f"{_n(h.coders, 'coder')} · {_n(h.codings, 'coding')} in "
            f"{_n(h.coded_documents, 'document')}, {_n(h.codes_used, 'code')}")


def _plain(result: Stats) -> None:
    """Piped: the same figures as aligned columns, no colour or bars."""
    sys.stdout.write(_headline_text(result) + "\n\n")
    if result.by is None:
        rows = [{**asdict(c), "code": "  " * c.depth + c.code} for c in result.codes]
        emit(rows, ["code", "codings", "documents", "cases"], Format.table,
             numeric=("codings", "documents", "cases"))
        return
    shares = {(g.code, g.value): f"{g.cases}/{g.group_cases}" for g in result.by_group}
    rows = [{"code": "  " * c.depth + c.code, **{v: shares[(c.code, v)] for v in result.groups}}
            for c in result.codes]
    emit(rows, ["code", *result.groups], Format.table, numeric=tuple(result.groups))


def _bar(value: float, top: float, width: int, colour: str) -> str:
    cells = round(width * value / top) if top else 0
    return f"[{colour}]{'█' * cells}[/]" + " " * (width - cells)


def _rich(result: Stats, console: Console | None = None) -> None:
    if console is None:
        from rich.console import Console

        console = Console(highlight=False)
    console.print(f"[bold]{_headline_text(result)}[/]\n")
    if result.by is None:
        _rich_codes(result, console)
    else:
        _rich_groups(result, console)


def _rich_codes(result: Stats, console: Console) -> None:
    from rich.table import Table

    top = max((c.codings for c in result.codes), default=0)
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name, justify in (("code", "left"), ("codings", "left"), ("documents", "right"),
                          ("cases", "right")):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for c in result.codes:
        name = ("  " * c.depth) + (c.code if c.applicable else f"[bold]{c.code}[/]")
        table.add_row(name, f"{_bar(c.codings, top, BAR, c.colour)} {c.codings:,}",
                      f"{c.documents:,}", f"{c.cases:,}")
    console.print(table)


def _rich_groups(result: Stats, console: Console) -> None:
    """Codes down, groups across: each cell the cases of the group with the code and a bar for
    their share of the group; as many tables as it takes to fit the terminal's width."""
    widest = max((len(str(n)) for n in result.group_cases.values()), default=1)
    chunk: list[str] = []
    used = 26
    for value in result.groups:
        width = max(len(value), 6 + widest) + 2
        if chunk and used + width > console.width:
            _group_table(result, chunk, console, first=chunk[0] == result.groups[0])
            chunk, used = [], 26
        chunk.append(value)
        used += width
    if chunk:
        _group_table(result, chunk, console, first=chunk[0] == result.groups[0])


def _group_table(result: Stats, groups: list[str], console: Console, *, first: bool) -> None:
    from rich.table import Table

    title = f"cases with each code, by {result.by} (codes with no coding left out)"
    table = Table(box=None, header_style="bold", pad_edge=False, title_justify="left",
                  title=title if first else None)
    table.add_column("code", no_wrap=True, overflow="ellipsis", max_width=24)
    for value in groups:
        table.add_column(value, no_wrap=True, justify="right")
    table.add_row("[dim]cases[/]", *(f"[dim]{result.group_cases[v]}[/]" for v in groups))
    cells = {(g.code, g.value): g for g in result.by_group}
    for c in result.codes:
        if not c.codings:
            continue
        shown = [cells[(c.code, value)] for value in groups]
        table.add_row("  " * c.depth + c.code,
                      *(f"{_bar(g.share, 1.0, 5, c.colour)} {g.cases}" for g in shown))
    console.print(table)
    console.print()


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)
