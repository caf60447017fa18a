"""`qcode autocode` and `qcode import-codings`: coding many passages in one undoable action."""

from __future__ import annotations

import shlex
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from qcode.cli.coding import CODER_OPTION
from qcode.cli.output import FORMAT_OPTION, Format, emit, info, write_json
from qcode.cli.review import EXACT_OPTION, WHERE_OPTION
from qcode.cli.state import transaction

if TYPE_CHECKING:
    from qcode.coding.autocode import AutocodeResult


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def autocode(
    code: str = typer.Argument(..., help="The code to apply."),
    pattern: str = typer.Option(None, "--pattern", "-p", help="A regular expression to look for."),
    words: str = typer.Option(None, "--words",
                              help="Comma-separated words or phrases, matched as whole words."),
    unit: str = typer.Option("sentence", "--unit", "-u",
                             help="What to code where a match is: sentence, turn or paragraph."),
    speaker: list[str] = typer.Option(None, "--speaker",
                                      help="Only this speaker's units (repeatable; any case)."),
    document: list[str] = typer.Option(None, "--doc", "-d", help="Only this document (repeatable)."),
    where: list[str] = WHERE_OPTION,
    exact: bool = EXACT_OPTION,
    case_sensitive: bool = typer.Option(False, "--case-sensitive",
                                        help="Match capitals exactly (default: ignore case)."),
    dry_run: bool = typer.Option(False, "--dry-run", "-n",
                                 help="Show what would be coded; write nothing."),
    coder: str = CODER_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Code every sentence, turn or paragraph matching a pattern; one `qcode undo` reverses it."""
    from qcode.coding.autocode import UNITS, AutocodeScope, build_pattern
    from qcode.coding.autocode import autocode as core_autocode
    from qcode.coding.coders import coder_name
    from qcode.coding.codes import resolve_code
    from qcode.corpus.where import parse_where
    from qcode.errors import UsageError
    from qcode.store.events import new_batch

    if unit not in UNITS:
        raise UsageError(f"--unit takes {', '.join(UNITS)}, not {unit!r}")
    matcher = build_pattern(pattern, words, case_sensitive=case_sensitive)
    scope = AutocodeScope(unit=unit, documents=tuple(document or ()),
                          where=parse_where(where or []), where_exact=exact,
                          speakers=tuple(speaker or ()))
    with transaction(write=not dry_run) as session:
        target = resolve_code(session, code, for_coding=True)
        who = coder_name(session, coder)
        result = core_autocode(session, target, who, matcher, scope, batch=new_batch(),
                               dry_run=dry_run)
    _report(result, fmt, who)


def _report(result: AutocodeResult, fmt: Format, who: str) -> None:
    rows = [{**asdict(m), "unit": f"{m.kind[0]}{m.number}", "text": " ".join(m.text.split())}
            for m in result.matches]
    if fmt is Format.json:
        write_json([asdict(m) for m in result.matches])
    elif fmt is Format.csv:
        emit(rows, ["document", "kind", "number", "start", "end", "speaker", "status", "text"], fmt)
    elif rows:
        emit(rows, ["document", "unit", "speaker", "status", "text"], fmt)
    summary = (f"{_plural(len(result.matches), 'unit')} matched in "
               f"{_plural(result.documents, 'document')}, {_plural(result.created, 'new coding')}, "
               f"{result.existing} already coded")
    if result.dry_run:
        info(f"{summary} (dry run: nothing was written)")
    else:
        tail = f"; `qcode undo --coder {shlex.quote(who)}` reverses it" if result.created else ""
        info(f"{result.code} by {who}: {summary}{tail}")


def import_codings(
    file: Path = typer.Argument(..., help="CSV with document, coder, code, start, end[, memo].",
                                dir_okay=False),
    coder: str = typer.Option(
        None, "--coder", envvar="QCODE_CODER", help="Who runs the import and can undo it (default: "
        "QCODE_CODER, the project's default coder, then your login name); each coding belongs to "
        "its row's coder."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", "-n",
                                 help="Check the file and count what would be loaded; write nothing."),
) -> None:
    """Load codings from a CSV (as `qcode codings --format csv` writes it): all rows or none."""
    from qcode.coding.bulk import import_codings as core_import
    from qcode.coding.bulk import read_codings_csv
    from qcode.coding.coders import actor_name
    from qcode.store.events import new_batch

    parsed = read_codings_csv(file, name=str(file))
    with transaction(write=not dry_run) as session:
        who = actor_name(session, coder)
        result = core_import(session, parsed, who, batch=new_batch(), dry_run=dry_run)
    verb = "would import" if dry_run else "imported"
    message = (f"{verb} {_plural(result.created, 'coding')} into "
               f"{_plural(result.documents, 'document')} from {file}; "
               f"{_plural(result.duplicates, 'duplicate')} skipped")
    if result.new_coders:
        message += f"; new coder{'s' if len(result.new_coders) > 1 else ''}: " + ", ".join(
            result.new_coders)
    if dry_run:
        message += " (dry run: nothing was written)"
    elif result.created:
        message += f"; `qcode undo --coder {shlex.quote(who)}` removes the whole import"
    info(message)


def register(app: typer.Typer) -> None:
    app.command("autocode")(autocode)
    app.command("import-codings")(import_codings)
