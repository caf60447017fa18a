"""REFI-QDA exchange and memo exports: `qcode export qdpx|memos|codebook --format qdc`,
`qcode codebook import FILE.qdc`, and the `.qdpx`/`.qde` side of `qcode import`."""

from __future__ import annotations

import enum
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from qcode.cli.output import error, info, warn
from qcode.cli.state import transaction

if TYPE_CHECKING:
    from qcode.export.refi.import_state import ImportReport

REFI_SUFFIXES = (".qdpx", ".qde")
OUTPUT_OPTION = typer.Option(None, "--output", "-o", help="Write to this file (default: stdout).")


class TableFormat(str, enum.Enum):
    csv = "csv"
    tsv = "tsv"
    json = "json"


class CodebookFormat(str, enum.Enum):
    qdc = "qdc"


def qdpx(file: Path = typer.Argument(..., metavar="FILE", help="The .qdpx file to write.")) -> None:
    """Write the project as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA or QualCoder.

    Coders, the codebook, documents, codings, cases with their attributes, memos and coding
    rounds; every item keeps its uuid as GUID, so exports of one project match, and an
    unchanged project gives the same bytes."""
    from qcode.export.refi.project_out import export_qdpx

    with transaction(write=False) as session:
        summary = export_qdpx(session, file)
    counts = summary.counts
    info(f"wrote {file} ({summary.bytes:,} bytes): {counts['documents']} documents, "
         f"{counts['codings']} codings, {counts['coders']} coders, {counts['cases']} cases, "
         f"{counts['memos']} memos")
    _left_out(summary.left_out)


def memos(output: Path = OUTPUT_OPTION,
          fmt: TableFormat = typer.Option(TableFormat.csv, "--format", "-f", case_sensitive=False,
                                          help="csv, tsv or json.")) -> None:
    """Every memo entry: what it is on (kind and name), its author, times, text and uuid."""
    from qcode.export.memos import COLUMNS, memo_rows

    with transaction(write=False) as session:
        rows = [asdict(r) for r in memo_rows(session)]
    _write_table(rows, list(COLUMNS), fmt, output)
    if output is not None:
        info(f"wrote {len(rows)} memo entries to {output}")


def codebook(fmt: CodebookFormat = typer.Option(CodebookFormat.qdc, "--format", "-f", case_sensitive=False,
                                                help="qdc: a REFI-QDA codebook."),
             output: Path = OUTPUT_OPTION) -> None:
    """Write the project's codebook (as a REFI-QDA .qdc)."""
    data = qdc_bytes()
    _write_bytes(data, output)
    if output is not None:
        info(f"wrote {output}")


def qdc_bytes() -> bytes:
    """The project's codebook as .qdc bytes (for any `export codebook` to call)."""
    from qcode.codebook.store import code_tree, current_codebook
    from qcode.export.refi.codebook import qdc_bytes as render

    with transaction(write=False) as session:
        return render(code_tree(session), current_codebook(session))


def codebook_import(
    file: Path = typer.Argument(..., help="A REFI-QDA codebook (.qdc)."), output: Path = OUTPUT_OPTION,
) -> None:
    """Turn a REFI-QDA codebook (.qdc) into a YAML codebook: hierarchy, descriptions and colours
    kept, ids made from the names. Load it with `qcode codebook load`."""
    from qcode.errors import InputError
    from qcode.export.refi.codebook import MAX_QDC_BYTES, qdc_to_yaml

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"{file}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_QDC_BYTES:
        raise InputError(f"{file}: larger than {MAX_QDC_BYTES // 2**20} MB; not a codebook")
    text, refi, book = qdc_to_yaml(data, name=file.name, stem=file.stem)
    for message in refi.warnings:
        warn(f"{file}: {message}")
    _write_bytes(text.encode("utf-8"), output)
    where = f"wrote {output}" if output is not None else "read"
    info(f"{where}: {len(book.codes)} codes from {file}" + (f" ({refi.origin})" if refi.origin else ""))


def import_refi(paths: list[Path], *, update: bool) -> list[str]:
    """Import each REFI-QDA file in its own transaction; returns the failures' messages."""
    from qcode.coding.coders import actor_name
    from qcode.errors import InputError, QcodeError
    from qcode.export.refi.project_in import import_prepared
    from qcode.export.refi.sources import prepare
    from qcode.store.events import new_batch

    failures = []
    for path in paths:
        try:
            prepared = prepare(path)
            with transaction(write=True) as session:
                actor = actor_name(session, None)
                report = import_prepared(session, prepared, actor=actor, batch=new_batch(), update=update)
        except QcodeError as exc:
            if isinstance(exc, InputError) and str(exc).startswith(path.name):
                message = str(exc)
            else:
                message = f"{path}: {exc}; nothing was imported"
            failures.append(message)
            error(message)
        else:
            _report_import(path, report)
    return failures


def split_refi(paths: list[Path], *, update: bool) -> tuple[list[Path], list[str] | None]:
    """`qcode import`: import the REFI-QDA files among `paths`; the other paths and the REFI
    failures (None when there were no REFI files)."""
    refi = [p for p in paths if p.suffix.lower() in REFI_SUFFIXES and not p.is_dir()]
    books = [p for p in paths if p.suffix.lower() == ".qdc" and not p.is_dir()]
    if not refi and not books:
        return paths, None
    failures = import_refi(refi, update=update)
    for book in books:
        failures.append(f"{book}: a .qdc is a codebook, not a project; "
                        f"run `qcode codebook import {book} -o codebook.yaml`, then `qcode codebook load`")
        error(failures[-1])
    return [p for p in paths if p not in refi and p not in books], failures


def _report_import(path: Path, report: ImportReport) -> None:
    if report.positions:
        info(f"{path}: {report.positions}")
    docs = report.documents
    updated = f", {docs['updated']} updated" if docs["updated"] else ""
    parts = [f"{docs['imported']} documents imported{updated}, {docs['unchanged']} unchanged"]
    if report.codes_added:
        parts.append(f"{report.codes_added} codes added (codebook version {report.codebook_version})")
    parts.append(f"{report.codings['added']} codings added, {report.codings['unchanged']} unchanged")
    parts.append(f"{report.memos['added']} memos added, {report.memos['unchanged']} unchanged")
    parts.append(f"{report.cases['imported']} cases new, {report.cases['matched']} matched")
    if report.coders_new:
        parts.append("new coders " + ", ".join(report.coders_new))
    info(f"{path}: " + "; ".join(parts))
    for coder, count in sorted(report.credited.items()):
        info(f"{path}: {count} items had no known user and are credited to {coder}")
    for message in report.warnings:
        warn(f"{path}: {message}")
    _left_out(report.dropped, path)


def _left_out(counts: Counter[str], path: Path | None = None) -> None:
    shown = [f"{n} {what}" for what, n in sorted(counts.items()) if n]
    if shown:
        warn(f"{str(path) + ': ' if path else ''}left out: {', '.join(shown)}")


def _write_bytes(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from qcode.errors import InputError

    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None


def _write_table(
    rows: list[dict[str, object]], columns: list[str], fmt: TableFormat, output: Path | None
) -> None:
    import csv
    import io
    import json

    from qcode.cli.output import csv_safe

    if fmt is TableFormat.json:
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="\t" if fmt is TableFormat.tsv else ",", lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else csv_safe(row.get(c)) for c in columns])
        text = buffer.getvalue()
    _write_bytes(text.encode("utf-8"), output)


def register_exports(export_app: typer.Typer) -> None:
    """`export qdpx` and `export memos`; `export codebook --format qdc` is the tables' `export
    codebook`, which calls `qdc_bytes`."""
    export_app.command("qdpx")(qdpx)
    export_app.command("memos")(memos)


def register_codebook(codebook_app: typer.Typer) -> None:
    """`codebook import` (a REFI-QDA .qdc or a project's codebook)."""
    codebook_app.command("import")(codebook_import)
