"""`qcode db`: check the store, back it up, upgrade it, compact it."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer

from qcode.cli.output import FORMAT_OPTION, Format, emit, info, write_json

app = typer.Typer(help="Look after the project database: check, backup, upgrade, vacuum.",
                  no_args_is_help=True)


@app.command("check")
def check(
    full: bool = typer.Option(False, "--full", help="SQLite: the complete integrity check "
                              "(slower) instead of the quick one."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Check integrity, references, offsets, units, quotes and the event log; exit 3 on errors."""
    from qcode.cli.state import transaction
    from qcode.errors import ProjectError
    from qcode.store.maintenance import check as core_check

    with transaction(write=False) as session:
        report = core_check(session, full=full)
    rows = [asdict(f) for f in report.findings]
    columns = ["check", "severity", "table", "row", "message"]
    if fmt is Format.json:
        write_json({"ok": report.ok, "checks": list(report.checks), "errors": report.errors,
                    "warnings": report.warnings, "findings": rows})
    elif rows or fmt is Format.csv:
        emit(rows, columns, fmt, numeric=["row"])
    tail = f", {report.warnings} warning{'s' if report.warnings != 1 else ''}"
    if not report.ok:
        raise ProjectError(f"{report.errors} problem{'s' if report.errors != 1 else ''} found{tail}",
                           hint="restore a backup, or rerun the command that was interrupted")
    info(f"all {len(report.checks)} checks passed{tail if report.warnings else ''}")


@app.command("backup")
def backup(
    file: Path = typer.Argument(..., help="Where to write the copy.", dir_okay=False),
    force: bool = typer.Option(False, "--force", help="Replace FILE if it exists."),
) -> None:
    """Write a consistent copy while others keep working (SQLite backup API, or pg_dump)."""
    from qcode.cli.state import project_url
    from qcode.store.maintenance import backup as core_backup

    result = core_backup(project_url(), file, overwrite=force)
    how = "restore with pg_restore" if result.method == "pg_dump" else "open it with --db"
    info(f"backed up the project to {result.path} ({result.bytes:,} bytes; {how})")


@app.command("upgrade")
def upgrade() -> None:
    """Migrate the project to this qcode's schema now, backing it up first."""
    from qcode.cli.state import project_url
    from qcode.store.maintenance import upgrade as core_upgrade

    result = core_upgrade(project_url())
    if not result.changed:
        info(f"the project is already at schema {result.to_version}; nothing to do")
        return
    where = f"; backup: {result.backup}" if result.backup else ""
    info(f"upgraded the project from schema {result.from_version} to {result.to_version}{where}")


@app.command("vacuum")
def vacuum() -> None:
    """Compact the database (SQLite VACUUM, PostgreSQL VACUUM ANALYZE)."""
    from qcode.cli.state import project_url
    from qcode.store.maintenance import vacuum as core_vacuum

    result = core_vacuum(project_url())
    info(f"{result.method}: {result.bytes_before:,} bytes before, {result.bytes_after:,} after")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="db")
