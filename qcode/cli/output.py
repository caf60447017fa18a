"""Rendering: data to stdout as table, CSV or JSON; messages to stderr.

Numbers are rounded only in tables; CSV and JSON carry full precision. Text cells that start with
`=`, `+`, `-`, `@`, a tab or a carriage return are prefixed with `'` in CSV so spreadsheets never
run them as formulas (`qcode.coding.cells`).
"""

from __future__ import annotations

import csv
import enum
import io
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import typer

from qcode.coding.cells import guard


class Format(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"


FORMAT_OPTION = typer.Option(
    Format.table, "--format", "-f", help="Output format: table, csv or json.", case_sensitive=False
)


def info(message: str) -> None:
    typer.secho(message, err=True, fg="cyan" if sys.stderr.isatty() else None)


def warn(message: str) -> None:
    typer.secho(f"warning: {message}", err=True, fg="yellow")


def error(message: str) -> None:
    typer.secho(f"error: {message}", err=True, fg="red")


def csv_safe(value: Any) -> Any:
    """A text cell a spreadsheet will not run (`qcode.coding.cells.guard`; import reverses it)."""
    return guard(value) if isinstance(value, str) else value


def write_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    # A lone `\r` is not quoted when `\n` ends lines; rows holding one are quoted in full.
    quoting = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for row in rows:
        cells = ["" if row.get(c) is None else csv_safe(row.get(c)) for c in columns]
        (quoting if any(isinstance(c, str) and "\r" in c for c in cells) else writer).writerow(cells)
    sys.stdout.write(buf.getvalue())


def write_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def write_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    numeric: Sequence[str] = (),
) -> None:
    if not sys.stdout.isatty():
        # Piped or redirected: plain aligned columns (greppable, and no rich import to pay for).
        _plain_table(rows, columns, numeric)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(
            column, justify="right" if column in numeric else "left", no_wrap=True,
            overflow="ellipsis", max_width=None if column in numeric else 60,
        )
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    Console().print(table)


def _plain_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], numeric: Sequence[str]
) -> None:
    def clip(text: str) -> str:
        text = " ".join(text.split()) if "\n" in text else text
        return text if len(text) <= 60 else text[:59] + "…"

    cells = [[clip(_cell(row.get(c))) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if c in numeric else v.ljust(w)
            for v, w, c in zip(values, widths, columns, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)]
    sys.stdout.write("\n".join(out) + "\n")


def emit(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: Format,
    *,
    title: str | None = None,
    numeric: Sequence[str] = (),
) -> None:
    """Write a listing in the chosen format (JSON gets every key of each row, in order)."""
    if fmt is Format.json:
        write_json([dict(r) for r in rows])
    elif fmt is Format.csv:
        write_csv(rows, columns)
    else:
        write_table(rows, columns, title=title, numeric=numeric)
