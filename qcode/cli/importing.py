"""`qcode import`: transcripts from files and folders, each file in its own transaction."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from qcode.cli.output import error, info, warn

if TYPE_CHECKING:
    from qcode.corpus.cases import CaseRow
    from qcode.corpus.importing import ImportOptions

    CaseMap = dict[str, CaseRow]


def import_(
    paths: list[Path] = typer.Argument(None, help="Transcript files and folders (recursive)."),
    cases: Path = typer.Option(
        None, "--cases", help="CSV with a column naming the document; other columns are attributes."
    ),
    update: bool = typer.Option(
        False, "--update", help="Replace documents whose text changed; their codings are re-anchored."
    ),
    merge_aliases: bool = typer.Option(
        False,
        "--merge-aliases",
        help="Merge speaker aliases: a surname after the full name, a one-letter typo of a label.",
    ),
    alias: list[str] = typer.Option(
        None, "--alias", help="Rename a speaker label, as OLD=NEW (repeatable)."
    ),
    max_mb: int = typer.Option(50, "--max-mb", help="Refuse files larger than this (MB)."),
) -> None:
    """Import transcripts (.txt .md .docx .odt .rtf .pdf .vtt .srt .html .json), or REFI-QDA
    projects (.qdpx .qde) from NVivo, ATLAS.ti, MAXQDA or QualCoder."""
    from qcode.cli.refi import split_refi
    from qcode.corpus.importing import ImportOptions, collect_paths

    if not paths and cases is None:
        raise typer.BadParameter("give transcript files or folders, or --cases FILE")
    paths, refi_failures = split_refi(paths or [], update=update)
    if refi_failures is not None and not paths and cases is None:
        raise typer.Exit(1 if refi_failures else 0)
    options = ImportOptions(
        update=update,
        merge_aliases=merge_aliases,
        aliases=_parse_aliases(alias or []),
        max_bytes=max_mb * 2**20,
    )
    case_map = _read_cases(cases)
    collected = collect_paths(paths or [])
    failures = list(collected.errors) + (refi_failures or [])
    for message in collected.errors:
        error(message)
    done: set[str] = set()
    counts = _import_files(collected.files, options, case_map, failures, done)
    if case_map:
        _apply_cases(case_map, skip=frozenset(done))
    _report(counts, collected.skipped, failures)
    if failures:
        raise typer.Exit(1)


def _parse_aliases(pairs: list[str]) -> dict[str, str]:
    aliases = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise typer.BadParameter(f"--alias takes OLD=NEW, got {pair!r}")
        aliases[old.strip()] = new.strip()
    return aliases


def _read_cases(cases: Path | None) -> CaseMap | None:
    if cases is None:
        return None
    from qcode.corpus.cases import read_cases_csv

    return read_cases_csv(cases)


def _import_files(
    files: list[Path],
    options: ImportOptions,
    case_map: CaseMap | None,
    failures: list[str],
    done: set[str],
) -> dict[str, int]:
    """Import each file in its own transaction; names stored (or found unchanged) go to `done`."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from qcode.cli.state import transaction
    from qcode.corpus.cases import lookup_case_row
    from qcode.corpus.importing import read_file, store_document
    from qcode.errors import InputError

    counts = {"imported": 0, "updated": 0, "unchanged": 0, "words": 0}
    console = Console(stderr=True)
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not files) as progress:
        task = progress.add_task("import", total=len(files))
        for path in files:
            try:
                parsed = read_file(path, options)
                row = lookup_case_row(case_map, path.name) if case_map else None
                with transaction(write=True) as session:
                    outcome = store_document(session, path, parsed, options, row)
            except InputError as exc:
                failures.append(str(exc))
                progress.console.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
            else:
                done.add(outcome.name)
                counts[outcome.status] += 1
                counts["words"] += outcome.words if outcome.status != "unchanged" else 0
                for message in outcome.warnings:
                    progress.console.print(f"[yellow]warning:[/yellow] {path}: {message}", highlight=False)
                if outcome.orphaned:
                    warn(f"{path}: {outcome.orphaned} codings lost their text; see `qcode codings`")
            progress.advance(task)
    return counts


def _apply_cases(case_map: CaseMap, *, skip: frozenset[str]) -> None:
    """Apply the cases file to documents imported before (this run's files have it already)."""
    from qcode.cli.state import transaction
    from qcode.corpus.cases import apply_cases_to_existing

    with transaction(write=True) as session:
        matched = apply_cases_to_existing(session, case_map, skip=skip)
    unmatched = len(case_map) - matched
    info(f"cases: {matched} documents matched the cases file" + (
        f", {unmatched} rows named no document in the project" if unmatched > 0 else ""))


def _report(counts: dict[str, int], skipped: dict[str, int], failures: list[str]) -> None:
    parts = [f"{counts['imported']} imported"]
    if counts["updated"]:
        parts.append(f"{counts['updated']} updated")
    parts.append(f"{counts['unchanged']} unchanged")
    if skipped:
        detail = ", ".join(f"{n} {suffix}" for suffix, n in sorted(skipped.items()))
        parts.append(f"{sum(skipped.values())} skipped ({detail})")
    parts.append(f"{len(failures)} failed")
    info(f"{'; '.join(parts)}; {counts['words']:,} words added")


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
