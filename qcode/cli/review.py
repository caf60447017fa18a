"""`qcode codings`: listing codings with filters."""

from __future__ import annotations

import typer

from qcode.cli.output import FORMAT_OPTION, Format, emit, stream_csv, stream_json
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

            stream_csv(iter_transfer_values(session, flt), CSV_COLUMNS)
            return
        rows = (dict(zip(FIELDS, values, strict=True)) for values in iter_coding_values(session, flt))
        if fmt is Format.json:
            stream_json(rows)
            return
        table = [
            {**r, "where": _where(r["turn"], r["line_start"], r["line_end"]),
             "text": " ".join(r["text"].split())[:60]}
            for r in rows
        ]
    emit(table, ["id", "document", "where", "code", "coder", "speaker", "text"], fmt,
         numeric=("id",))


def _where(turn: int | None, first: int | None, last: int | None) -> str:
    lines = "" if first is None else (f"l{first}" if first == last else f"l{first}-{last}")
    return " ".join(p for p in (f"t{turn}" if turn else "", lines) if p)


def register(app: typer.Typer) -> None:
    app.command("codings")(codings)
