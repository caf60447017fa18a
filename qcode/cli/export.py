"""`qcode export KIND`: tables for analysis, written to stdout or a file (`exports/` by convention)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

import typer

from qcode.cli.output import info
from qcode.cli.review import CODE_OPTION, DOC_OPTION, EXACT_OPTION, SPEAKER_OPTION, WHERE_OPTION
from qcode.cli.state import transaction

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from qcode.export.scope import ExportFilter
    from qcode.export.table import Table

app = typer.Typer(
    help="Export tables for analysis: frequencies, segments (quotes), matrix, cooccurrence, "
    "codebook. CSV by default; deterministic, so exports diff cleanly.",
    no_args_is_help=True,
)

CODER_OPTION = typer.Option(
    None, "--coder", help="Only this coder's codings (`consensus`: the consensus layer)."
)
ROUND_OPTION = typer.Option(None, "--round", help="Only codings made in this round.")
OUTPUT_OPTION = typer.Option(
    None,
    "--output",
    "-o",
    dir_okay=False,
    metavar="FILE",
    help="Write here (e.g. exports/quotes.csv) instead of stdout.",
)
FORMAT_OPTION = typer.Option(
    None,
    "--format",
    "-f",
    metavar="FORMAT",
    help="csv (default), tsv, json or xlsx; taken from -o FILE's suffix when not given.",
)
EXCEL_OPTION = typer.Option(False, "--excel", help="CSV with a UTF-8 byte order mark, for Excel.")
RAW_OPTION = typer.Option(
    False,
    "--raw",
    help="Leave text cells starting with = + - @ as they "
    "are (by default a ' is put before them so spreadsheets never run them).",
)
PSEUDONYMS_OPTION = typer.Option(
    None,
    "--pseudonymise",
    "--pseudonymize",
    dir_okay=False,
    metavar="MAP.csv",
    help="Replace names (columns name,pseudonym) in text and in document, case and coder names.",
)
SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".xlsx": "xlsx",
    ".md": "md",
    ".qdc": "qdc",
    ".yaml": "yaml",
    ".yml": "yaml",
}


@dataclass(frozen=True)
class Output:
    path: Path | None
    fmt: str | None
    excel: bool
    raw: bool
    pseudonyms: Path | None

    @property
    def format(self) -> str:
        if self.fmt is not None:
            return self.fmt.lower()
        return SUFFIXES.get(self.path.suffix.lower(), "csv") if self.path else "csv"


def _filter(
    document: str | None,
    code: str | None,
    coder: str | None,
    speaker: str | None,
    where: list[str] | None,
    round_: str | None,
    exact: bool = False,
) -> ExportFilter:
    from qcode.corpus.where import parse_where
    from qcode.export.scope import ExportFilter

    return ExportFilter(
        document=document,
        code=code,
        coder=coder,
        speaker=speaker,
        where=dict(parse_where(where or [])),
        round=round_,
        where_exact=exact,
    )


def _run(flt: ExportFilter, out: Output, build: Callable[[Session, ExportFilter], Table]) -> None:
    """Check the output options, open one read transaction, build the table, write its rows."""
    from qcode.export.table import WriteOptions, write_table

    pseudonyms = None
    if out.pseudonyms is not None:
        from qcode.export.privacy import read_pseudonyms

        pseudonyms = read_pseudonyms(out.pseudonyms)
    options = WriteOptions(out.format, bom=out.excel, raw=out.raw, pseudonyms=pseudonyms)
    _check_destination(out, options.fmt)
    with transaction(write=False) as session:
        table = build(session, flt)
        rows = _deliver(out.path, lambda stream: write_table(table, stream, options))
    if out.path is not None:
        info(f"wrote {rows:,} row{'s' if rows != 1 else ''} to {out.path}")


def _check_destination(out: Output, fmt: str) -> None:
    from qcode.errors import UsageError

    if out.path is None and fmt == "xlsx" and sys.stdout.isatty():
        raise UsageError("an xlsx file is not for the terminal", hint="give -o FILE.xlsx")


def _deliver(path: Path | None, write: Callable[[IO[bytes]], int]) -> int:
    """Write to stdout, or to a temporary file beside `path` renamed over it when complete (a
    failed export never leaves half a file)."""
    if path is None:
        from qcode.cli import output

        if output.stdout_is_terminal():  # a terminal never gets the text's control characters
            import io

            buffer = io.BytesIO()
            rows = write(buffer)
            sys.stdout.write(output.shown(buffer.getvalue().decode("utf-8", errors="replace")))
            return rows
        sys.stdout.flush()
        rows = write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return rows
    import tempfile

    from qcode.errors import InputError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise InputError(f"cannot write {path} ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            rows = write(handle)
        os.chmod(temporary, _mode(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return rows


def _mode(path: Path) -> int:
    """The mode a new file gets (mkstemp's are private), or the one the old file had."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


@app.command("frequencies")
def frequencies(
    by: list[str] = typer.Option(
        None,
        "--by",
        "-b",
        metavar="GROUP",
        help="code (default), document, case, coder or a case attribute such as sector (repeatable or a,b).",
    ),
    count: str = typer.Option(
        "codings", "--count", help="What to count: codings, documents, cases or words."
    ),
    rollup: bool = typer.Option(False, "--rollup", help="A code counts the codes below it too."),
    wide: bool = typer.Option(False, "--wide", help="Codes × groups instead of one row each."),
    document: str = DOC_OPTION,
    code: str = CODE_OPTION,
    coder: str = CODER_OPTION,
    speaker: str = SPEAKER_OPTION,
    where: list[str] = WHERE_OPTION,
    exact: bool = EXACT_OPTION,
    round_: str = ROUND_OPTION,
    output: Path = OUTPUT_OPTION,
    fmt: str = FORMAT_OPTION,
    excel: bool = EXCEL_OPTION,
    raw: bool = RAW_OPTION,
    pseudonymise: Path = PSEUDONYMS_OPTION,
) -> None:
    """Code frequencies by group, tidy: one row per group and code (group, code, code_path,
    count), zeros included. E.g. knowledge sources by sector, counting firms:
    `--code knowledge_sources --by sector --count cases`."""
    from qcode.export.frequencies import frequencies as core

    _run(
        _filter(document, code, coder, speaker, where, round_, exact),
        Output(output, fmt, excel, raw, pseudonymise),
        lambda s, f: core(s, f, by=by or ["code"], count=count, rollup=rollup, wide=wide),
    )


@app.command("segments")
def segments(
    no_text: bool = typer.Option(False, "--no-text", help="Leave the quoted text out."),
    document: str = DOC_OPTION,
    code: str = CODE_OPTION,
    coder: str = CODER_OPTION,
    speaker: str = SPEAKER_OPTION,
    where: list[str] = WHERE_OPTION,
    exact: bool = EXACT_OPTION,
    round_: str = ROUND_OPTION,
    output: Path = OUTPUT_OPTION,
    fmt: str = FORMAT_OPTION,
    excel: bool = EXCEL_OPTION,
    raw: bool = RAW_OPTION,
    pseudonymise: Path = PSEUDONYMS_OPTION,
) -> None:
    """The quote table: one row per coding with document, case and its attributes, speaker,
    turn and lines (for citing), the code's path one level a column, coder, text and memo."""
    from qcode.export.segments import segments as core

    _run(
        _filter(document, code, coder, speaker, where, round_, exact),
        Output(output, fmt, excel, raw, pseudonymise),
        lambda s, f: core(s, f, no_text=no_text),
    )


@app.command("matrix")
def matrix(
    per: str = typer.Option("case", "--per", help="Rows: case (default) or document."),
    count: bool = typer.Option(False, "--count", help="Number of codings instead of 0/1."),
    rollup: bool = typer.Option(False, "--rollup", help="A code counts the codes below it too."),
    document: str = DOC_OPTION,
    code: str = CODE_OPTION,
    coder: str = CODER_OPTION,
    speaker: str = SPEAKER_OPTION,
    where: list[str] = WHERE_OPTION,
    exact: bool = EXACT_OPTION,
    round_: str = ROUND_OPTION,
    output: Path = OUTPUT_OPTION,
    fmt: str = FORMAT_OPTION,
    excel: bool = EXCEL_OPTION,
    raw: bool = RAW_OPTION,
    pseudonymise: Path = PSEUDONYMS_OPTION,
) -> None:
    """Case × code presence (1 where the code was applied, else 0), every case in scope a row."""
    from qcode.export.matrix import matrix as core

    _run(
        _filter(document, code, coder, speaker, where, round_, exact),
        Output(output, fmt, excel, raw, pseudonymise),
        lambda s, f: core(s, f, per=per, count=count, rollup=rollup),
    )


@app.command("cooccurrence")
def cooccurrence(
    unit: str = typer.Option("turn", "--unit", "-u", help="turn (default), paragraph, sentence or document."),
    jaccard: bool = typer.Option(False, "--jaccard", help="Jaccard index instead of counts."),
    document: str = DOC_OPTION,
    code: str = CODE_OPTION,
    coder: str = CODER_OPTION,
    speaker: str = SPEAKER_OPTION,
    where: list[str] = WHERE_OPTION,
    exact: bool = EXACT_OPTION,
    round_: str = ROUND_OPTION,
    output: Path = OUTPUT_OPTION,
    fmt: str = FORMAT_OPTION,
    excel: bool = EXCEL_OPTION,
    raw: bool = RAW_OPTION,
    pseudonymise: Path = PSEUDONYMS_OPTION,
) -> None:
    """Code × code: the number of units to which both codes were applied (diagonal: each code)."""
    from qcode.export.cooccurrence import cooccurrence as core

    _run(
        _filter(document, code, coder, speaker, where, round_, exact),
        Output(output, fmt, excel, raw, pseudonymise),
        lambda s, f: core(s, f, unit=unit, jaccard=jaccard),
    )


@app.command("codebook")
def codebook(
    fmt: str = typer.Option(
        None,
        "--format",
        "-f",
        metavar="FORMAT",
        help="csv (default), tsv, json, xlsx, md, yaml or qdc (REFI-QDA); "
        "taken from -o FILE's suffix when not given.",
    ),
    document: str = DOC_OPTION,
    code: str = CODE_OPTION,
    coder: str = CODER_OPTION,
    speaker: str = SPEAKER_OPTION,
    where: list[str] = WHERE_OPTION,
    exact: bool = EXACT_OPTION,
    round_: str = ROUND_OPTION,
    output: Path = OUTPUT_OPTION,
    excel: bool = EXCEL_OPTION,
    raw: bool = RAW_OPTION,
) -> None:
    """The codebook: a table of codes with their definitions and codings (csv, tsv, json, xlsx),
    Markdown for a report, or YAML that `qcode codebook check` accepts."""
    from qcode.errors import UsageError
    from qcode.export import codebook as core
    from qcode.export.table import TABLE_FORMATS

    flt = _filter(document, code, coder, speaker, where, round_, exact)
    out = Output(output, fmt, excel, raw, None)
    if out.format == "qdc":  # REFI-QDA: the whole codebook, for NVivo, ATLAS.ti, MAXQDA
        from qcode.cli.refi import qdc_bytes

        data = qdc_bytes()
        _deliver(out.path, lambda stream: stream.write(data) and 1)
        if out.path is not None:
            info(f"wrote {out.path}")
        return
    if out.format not in (*TABLE_FORMATS, *core.TEXT_FORMATS):
        raise UsageError(
            f"--format takes {', '.join((*TABLE_FORMATS, *core.TEXT_FORMATS))} "
            f"for the codebook, not {out.format!r}"
        )
    if out.format not in core.TEXT_FORMATS:
        _run(flt, out, core.codebook_table)
        return
    if excel:
        raise UsageError(f"--excel writes CSV with a byte order mark; not {out.format}")
    make = core.codebook_markdown if out.format == "md" else core.codebook_yaml
    with transaction(write=False) as session:
        text = make(session, flt)
    _deliver(out.path, lambda stream: stream.write(text.encode("utf-8")))
    if out.path is not None:
        info(f"wrote the codebook to {out.path}")


def register(main: typer.Typer) -> None:
    from qcode.cli import refi

    refi.register_exports(app)
    main.add_typer(app, name="export")
