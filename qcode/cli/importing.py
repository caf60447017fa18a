"""`qcode import`: transcripts from files and folders, each file in its own transaction.

Every file gets one line on stderr naming the speaker convention detected, the rules that
fired and what was left out of the text (page headers, invisible characters), with its word
count before and after. `--dry-run` reads and reports without opening the project, and
writes the speakers and turn counts it would store to stdout.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from qcode.cli.output import FORMAT_OPTION, Format, console, echo, emit, error, info, shown, warn

if TYPE_CHECKING:
    from rich.console import Console

    from qcode.corpus.cases import CaseRow
    from qcode.corpus.importing import FileSummary, ImportOptions

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
    max_mb: int = typer.Option(
        50, "--max-mb", min=1, max=2**20,
        help="Refuse files (and the text they unpack to) larger than this (MB).",
    ),
    speakers: str = typer.Option(
        "auto",
        "--speakers",
        help="`auto` (detect the file's convention), `none` (no speaker turns), or the labels "
        "to use, comma-separated (`Interviewer,Ana`): only lines with those labels open turns.",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Read the files, show the speakers and turns they would get; store nothing."
    ),
    follow_links: bool = typer.Option(
        False, "--follow-links", help="Follow symbolic links inside folders (skipped by default)."
    ),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Import transcripts (.txt .md .docx .odt .rtf .pdf .vtt .srt .html .json), or REFI-QDA
    projects (.qdpx .qde) from NVivo, ATLAS.ti, MAXQDA or QualCoder.

    One line per file on stderr names the speaker convention detected and any rule that fired.
    """
    from qcode.cli.refi import split_refi
    from qcode.corpus.importing import ImportOptions, collect_paths
    from qcode.corpus.ingest.base import SpeakerPolicy

    if not paths and cases is None:
        raise typer.BadParameter("give transcript files or folders, or --cases FILE")
    if max_mb < 1:
        raise typer.BadParameter("--max-mb takes a whole number of megabytes, 1 or more")
    paths, refi_failures = split_refi(paths or [], update=update)
    if refi_failures is not None and not paths and cases is None:
        raise typer.Exit(1 if refi_failures else 0)
    options = ImportOptions(
        update=update,
        merge_aliases=merge_aliases,
        aliases=_parse_aliases(alias or []),
        max_bytes=max_mb * 2**20,
        speakers=SpeakerPolicy.parse(speakers),
        follow_links=follow_links,
    )
    collected = collect_paths(paths or [], follow_links=follow_links)
    failures = list(collected.errors) + (refi_failures or [])
    for message in collected.errors:
        error(message)
    if dry_run:
        _dry_run(collected.files, options, failures, fmt)
        _report_dry(len(collected.files), failures)
        if failures:
            raise typer.Exit(1)
        return
    case_map = _read_cases(cases)
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
    from qcode.cli.state import transactions
    from qcode.corpus.cases import CaseCache, lookup_case_row
    from qcode.corpus.importing import read_file, store_document, summarise
    from qcode.errors import InputError

    cases = CaseCache()

    counts = {"imported": 0, "updated": 0, "unchanged": 0, "words": 0}
    # One connection for the whole import, one transaction on it per file.
    with transactions(write=True) as held, _progress(len(files)) as (on, say, advance):
        for path in files:
            try:
                parsed = read_file(path, options)
                row = lookup_case_row(case_map, path.name) if case_map else None
                try:
                    with held.transaction() as session:
                        outcome = store_document(session, path, parsed, options, row, cases)
                except BaseException:
                    cases.discard()  # the file's transaction was rolled back: so are its cases
                    raise
                cases.commit()
            except InputError as exc:
                failures.append(str(exc))
                error(str(exc), on=on)
            else:
                done.add(outcome.name)
                counts[outcome.status] += 1
                counts["words"] += outcome.words if outcome.status != "unchanged" else 0
                if outcome.status != "unchanged":
                    say(file_line(path, summarise(parsed, outcome.words)))
                for message in outcome.warnings:
                    warn(f"{path}: {message}", on=on)
                if outcome.orphaned:
                    warn(f"{path}: {outcome.orphaned} codings lost their text; see `qcode codings`",
                         on=on)
            advance()
    return counts


@contextmanager
def _progress(total: int) -> Iterator[tuple[Console | None, Callable[[str], None], Callable[[], None]]]:
    """Where the import's messages go, how a file's line is printed, and how the bar moves on:
    on a terminal a bar below the messages; elsewhere (a log, a pipe) plain lines as the dry run
    prints them, without loading rich (a bar is never drawn there, and would leave an empty line
    behind)."""
    if not total or not sys.stderr.isatty():
        yield None, lambda line: echo(line, err=True), lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console(stderr=True), transient=True) as progress:
        task = progress.add_task("import", total=total)
        # Messages go through the progress bar's console, so the bar is redrawn below them.
        shown_on = progress.console
        yield (shown_on,
               lambda line: shown_on.print(shown(line), markup=False, highlight=False, soft_wrap=True),
               lambda: progress.advance(task))


def _dry_run(files: list[Path], options: ImportOptions, failures: list[str], fmt: Format) -> None:
    """Read every file as the import would, report it, and list its speakers on stdout."""
    from qcode.corpus.importing import read_file, summarise
    from qcode.errors import InputError

    rows: list[dict[str, object]] = []
    for path in files:
        try:
            parsed = read_file(path, options)
        except InputError as exc:
            failures.append(str(exc))
            error(str(exc))
            continue
        summary = summarise(parsed)
        echo(file_line(path, summary), err=True)
        for message in parsed.warnings:
            warn(f"{path}: {message}")
        for speaker, turns in summary.speakers.items():
            rows.append({"file": str(path), "speaker": speaker, "turns": turns})
        if summary.unnamed_turns:
            rows.append({"file": str(path), "speaker": None, "turns": summary.unnamed_turns})
    emit(rows, ["file", "speaker", "turns"], fmt, numeric=("turns",))


def file_line(path: Path, summary: FileSummary) -> str:
    """`name: convention — N speakers, M turns; rules; removed ...; words A → B`."""
    if summary.turns:
        found = f"{len(summary.speakers)} speakers, {summary.turns} turns"
    elif summary.cues is not None:
        found = f"{summary.cues} cues"
        if summary.unnamed_turns:
            found += f", {summary.unnamed_turns} turns"
    else:
        found = "no speaker turns"
    if summary.turns and summary.unnamed_turns:
        found += f" (+{summary.unnamed_turns} unnamed)"
    parts = [f"{path.name}: {summary.convention} — {found}", *summary.rules]
    removed = [f"{what} ({items})" for what, (items, chars, _) in summary.removed.items() if chars >= 0]
    added = [f"{what} ({items})" for what, (items, chars, _) in summary.removed.items() if chars < 0]
    if removed:
        parts.append("removed: " + ", ".join(removed))
    if added:
        parts.append("added: " + ", ".join(added))
    parts.append(f"words {summary.words_before:,} → {summary.words_after:,}")
    return "; ".join(parts)


def _report_dry(files: int, failures: list[str]) -> None:
    info(f"dry run: {files - len(failures)} files read, {len(failures)} failed; nothing stored")


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
