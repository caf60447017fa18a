"""`qcode codings`: listing codings with filters."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import typer

from qcode.cli import output
from qcode.cli.output import (
    _JSON_CONTROLS,
    FORMAT_OPTION,
    Format,
    csv_safe,
    emit,
    shown,
)
from qcode.cli.state import transaction

DOC_OPTION = typer.Option(None, "--doc", "-d", help="Only this document.")
CODE_OPTION = typer.Option(None, "--code", "-c", help="Only this code and the codes below it.")
CODER_FILTER = typer.Option(None, "--coder", help="Only this coder's codings.")
SPEAKER_OPTION = typer.Option(None, "--speaker", help="Only codings in this speaker's turns.")
WHERE_OPTION = typer.Option(
    None, "--where", "-w", metavar="KEY=VALUE", help="Only documents whose case has this attribute "
    "(repeatable; all must hold). Capitals and diacritics aside; a name or value no case has is an "
    "error naming the near ones."
)
EXACT_OPTION = typer.Option(
    False, "--exact", help="Match --where values exactly as written (capitals and diacritics count)."
)


def codings(
    document: str = DOC_OPTION,
    code: str = CODE_OPTION,
    coder: str = CODER_FILTER,
    speaker: str = SPEAKER_OPTION,
    where: list[str] = WHERE_OPTION,
    exact: bool = EXACT_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List codings. `--format csv` writes the columns `qcode import-codings` reads."""
    from qcode.coding.queries import (
        FIELDS,
        CodingFilter,
        iter_coding_values,
        iter_transfer_values,
    )
    from qcode.corpus.where import parse_where

    flt = CodingFilter(document=document, code=code, coder=coder, speaker=speaker,
                       where=parse_where(where or []), where_exact=exact)
    with transaction(write=False) as session:
        if fmt is Format.csv:
            from qcode.coding.bulk import CSV_COLUMNS

            _stream_csv(iter_transfer_values(session, flt), CSV_COLUMNS)
            return
        rows = (dict(zip(FIELDS, values, strict=True)) for values in iter_coding_values(session, flt))
        if fmt is Format.json:
            _stream_json(rows)
            return
        table = [
            {**r, "where": _where(r["turn"], r["line_start"], r["line_end"]),
             "text": " ".join(r["text"].split())[:60]}
            for r in rows
        ]
    emit(table, ["id", "document", "where", "code", "coder", "speaker", "text"], fmt,
         numeric=("id",))


def _stream_csv(rows: Iterable[Sequence[Any]], columns: Sequence[str]) -> None:
    """`write_csv` of rows given as values in `columns`' order, a few thousand rows at a time,
    so a million codings never sit in memory."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    # A lone `\r` is not quoted when `\n` ends lines; rows holding one are quoted in full.
    quoting = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    terminal = output.stdout_is_terminal()  # looked up here, so tests can stand in a terminal
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


def _stream_json(rows: Iterable[dict[str, Any]]) -> None:
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


def _where(turn: int | None, first: int | None, last: int | None) -> str:
    lines = "" if first is None else (f"l{first}" if first == last else f"l{first}-{last}")
    return " ".join(p for p in (f"t{turn}" if turn else "", lines) if p)


def register(app: typer.Typer) -> None:
    app.command("codings")(codings)
