"""Rendering: data to stdout as table, CSV or JSON; messages to stderr.

Numbers are rounded only in tables; CSV and JSON carry full precision. Text cells that start with
`=`, `+`, `-`, `@`, a tab or a carriage return are prefixed with `'` in CSV so spreadsheets never
run them as formulas (`qcode.coding.cells`).

Everything a command shows passes through here, and what it shows is the text: never rich markup
(`[laughs]` is a transcript's word, not a style), and never a terminal control sequence (ESC,
OSC, BEL and the other C0/C1 controls but newline and tab are shown escaped, as `\\x1b`).
"""

from __future__ import annotations

import csv
import enum
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import typer

from qcode.coding.cells import guard

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# The largest number qcode hands the store (PostgreSQL's INTEGER); the same value as
# `qcode.coding.targets.MAX_NUMBER`, repeated so that declaring options imports no core module.
MAX_NUMBER = 2**31 - 1


class Format(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"


FORMAT_OPTION = typer.Option(
    Format.table, "--format", "-f", help="Output format: table, csv or json.", case_sensitive=False
)

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_JSON_CONTROLS = re.compile(r"[\x7f-\x9f]")  # json.dumps escapes the C0 ones itself
_LINE_BREAKS = re.compile(r"\s*\n\s*")


def shown(value: object) -> str:
    """`value` as it may reach a terminal: control characters other than newline and tab in a
    visible escaped form (`\\x1b`), so imported text can never move the cursor, set the window
    title or write the clipboard."""
    plain = "" if value is None else str(value)
    if _CONTROLS.search(plain) is None:
        return plain
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", plain)


def one_line(message: object) -> str:
    """A message as one line (`grep error:` on a log must see all of it)."""
    return _LINE_BREAKS.sub(" ", shown(message)).strip()


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def echo(value: object = "", *, err: bool = False) -> None:
    """Print text as it is (controls escaped)."""
    typer.echo(shown(value), err=err)


def console(*, stderr: bool = False) -> Console:
    """A rich console that never reads markup or emoji codes in strings it is given."""
    from rich.console import Console

    terminal = sys.stderr.isatty() if stderr else stdout_is_terminal()
    return Console(stderr=stderr, markup=False, emoji=False, highlight=False,
                   force_terminal=True if terminal else None)


def text(value: object, style: str = "") -> Text:
    """A rich `Text` of `value` (never markup), controls escaped."""
    from rich.text import Text

    return Text(shown(value), style=style)


def _message(line: str, colour: str | None, on: Console | None) -> None:
    if on is not None:
        # soft_wrap: rich must not cut the line at the console's width (80 off a terminal).
        on.print(text(line, colour or ""), soft_wrap=True)
    else:
        typer.secho(line, err=True, fg=colour)


def info(message: str, *, on: Console | None = None) -> None:
    _message(shown(message), "cyan" if sys.stderr.isatty() else None, on)


def warn(message: str, *, on: Console | None = None) -> None:
    _message(f"warning: {one_line(message)}", "yellow", on)


def error(message: str, *, on: Console | None = None) -> None:
    _message(f"error: {one_line(message)}", "red", on)


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
    # A file or a pipe gets the data as stored; a terminal never gets its control characters.
    sys.stdout.write(shown(buf.getvalue()) if stdout_is_terminal() else buf.getvalue())


def stream_csv(rows: Iterable[Sequence[Any]], columns: Sequence[str]) -> None:
    """`write_csv` of rows given as values in `columns`' order, a few thousand rows at a time,
    so a million codings never sit in memory."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    # A lone `\r` is not quoted when `\n` ends lines; rows holding one are quoted in full.
    quoting = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    terminal = stdout_is_terminal()  # looked up here, so tests can stand in a terminal
    plain, careful = writer.writerow, _careful(writer, quoting)
    for count, row in enumerate(rows, 1):
        for cell in row:
            if cell.__class__ is str and (cell[:1] in _RISKY or "\r" in cell):
                careful(row)
                break
        else:
            plain(row)  # csv writes None as an empty cell
        if count % 2000 == 0:
            _flush(buf, terminal)
    _flush(buf, terminal)


_RISKY = frozenset("'=+-@\t\r")  # first characters `csv_safe` may guard


def _careful(writer: Any, quoting: Any) -> Callable[[Sequence[Any]], None]:
    def write(row: Sequence[Any]) -> None:
        cells = ["" if c is None else csv_safe(c) for c in row]
        (quoting if any(isinstance(c, str) and "\r" in c for c in cells) else writer).writerow(cells)

    return write


def _flush(buf: io.StringIO, terminal: bool) -> None:
    # A file or a pipe gets the data as stored; a terminal never gets its control characters.
    sys.stdout.write(shown(buf.getvalue()) if terminal else buf.getvalue())
    buf.seek(0)
    buf.truncate()


def stream_json(rows: Iterable[dict[str, Any]]) -> None:
    """The same JSON array `write_json` writes, one object at a time."""
    # json.dumps with `indent` runs the pure-Python encoder. A flat object (every listing row)
    # is written by the C encoder instead, its separators giving the layout `indent=2` gives.
    flat = json.JSONEncoder(ensure_ascii=False, default=str, separators=(",\n    ", ": ")).encode
    sys.stdout.write("[")
    first = True
    for row in rows:
        sys.stdout.write("\n" if first else ",\n")
        first = False
        if row and not any(isinstance(v, (dict, list, tuple)) and v for v in row.values()):
            dumped = "  {\n    " + flat(row)[1:-1] + "\n  }"
        else:
            dumped = json.dumps(row, ensure_ascii=False, indent=2, default=str)
            # json.dumps escapes newlines inside strings: every "\n" here is between tokens.
            dumped = "  " + dumped.replace("\n", "\n  ")
        sys.stdout.write(_JSON_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped))
    sys.stdout.write("\n]\n" if not first else "]\n")


def write_json(data: Any) -> None:
    dumped = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    # DEL and the C1 controls are left raw by json.dumps; as \u escapes they are the same JSON.
    sys.stdout.write(_JSON_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped))
    sys.stdout.write("\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    return shown(value)


def write_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    numeric: Sequence[str] = (),
) -> None:
    if not stdout_is_terminal():
        # Piped or redirected: plain aligned columns (greppable, and no rich import to pay for).
        _plain_table(rows, columns, numeric)
        return
    from rich.table import Table

    table = Table(title=None if title is None else text(title), show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(
            column, justify="right" if column in numeric else "left", no_wrap=True,
            overflow="ellipsis", max_width=None if column in numeric else 60,
        )
    for row in rows:
        table.add_row(*(text(_cell(row.get(c))) for c in columns))
    console().print(table)


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
