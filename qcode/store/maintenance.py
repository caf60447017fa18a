"""Keeping the store healthy: check it, back it up, upgrade it, compact it.

`check` looks at what the product promises rather than only at what the engine can see:

* integrity — SQLite's own page and index check (`quick_check`, or the full `integrity_check`);
* foreign keys — every reference of every table points at a row (portable: the engine may have
  had them switched off, or a file may have been edited by another tool);
* documents — the stored SHA-256 and character count are those of the text;
* offsets — every unit and coding lies inside its document;
* units — the line units are exactly the document's lines, and every kind is numbered 1, 2, 3…;
* quotes — each coding's stored quote is the text at its span (an `orphaned` coding, flagged for a
  person after a re-import, is a warning, not an error);
* events — the newest event about each coding and memo agrees with the row: a row the log says
  was removed, a removed row the log says exists, or one whose owner or code differ.

Findings are plain data; `ok` is false when any is an error, which the CLI turns into exit 3.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, exists, func, select
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from qcode.errors import ProjectError, QcodeError
from qcode.store.models import Base, Coding, Document, Event, Memo, Unit

CHECKS = ("integrity", "foreign_keys", "documents", "offsets", "units", "quotes", "events")
MAX_FINDINGS = 1000  # per check: a broken file can have millions of bad rows; the first say enough


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str  # error | warning
    table: str
    row: int | None
    message: str


@dataclass
class CheckReport:
    checks: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def ok(self) -> bool:
        return self.errors == 0


def check(session: Session, *, full: bool = False) -> CheckReport:
    """Run every check; `full` runs SQLite's complete integrity check instead of the quick one."""
    conn = session.connection()
    report = CheckReport(CHECKS)
    for name, found in (
        ("integrity", _integrity(conn, full=full)),
        ("foreign_keys", _foreign_keys(conn)),
        ("documents", _per_document(conn)),
        ("events", _events(conn)),
    ):
        try:
            for count, finding in enumerate(found):
                if count >= MAX_FINDINGS:
                    report.findings.append(Finding(name, finding.severity, "", None,
                                                   "… and more of the same"))
                    break
                report.findings.append(finding)
        except DatabaseError as exc:
            # A damaged file can fail the very reads a check needs: that is the finding.
            first = str(exc.orig or exc).splitlines()[0][:200]
            report.findings.append(Finding(name, "error", "", None, f"cannot read: {first}"))
        if name == "integrity" and report.findings:
            break  # the pages themselves are damaged: reading rows could only mislead
    return report


def _integrity(conn: Connection, *, full: bool) -> Iterator[Finding]:
    if conn.dialect.name != "sqlite":
        return  # the server keeps its pages and indexes consistent itself
    pragma = "integrity_check" if full else "quick_check"
    for (message,) in conn.exec_driver_sql(f"PRAGMA {pragma}").all():
        if message != "ok":
            yield Finding("integrity", "error", "", None, str(message))


def _foreign_keys(conn: Connection) -> Iterator[Finding]:
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_key_constraints:
            if len(fk.columns) != 1:
                continue
            column = next(iter(fk.columns))
            # An alias, so a table referring to itself (codes.parent_id) is not correlated away.
            referred = fk.elements[0].column.table.alias("referred")
            target = referred.c[fk.elements[0].column.name]
            orphan = ~exists().where(target == column)
            key = _row_key(table)
            rows = conn.execute(
                select(key, column).where(column.is_not(None), orphan).limit(MAX_FINDINGS)
            ).all()
            for row_id, value in rows:
                yield Finding("foreign_keys", "error", table.name, row_id,
                              f"{column.name} = {value}: no such row in {fk.referred_table.name}")


def _row_key(table: Table) -> Any:
    return table.c.id if "id" in table.c else next(iter(table.primary_key.columns))


def _per_document(conn: Connection) -> Iterator[Finding]:
    """Hashes, offsets, unit coverage and quotes, one document at a time (texts can be large)."""
    from qcode.corpus.text import sha256_text

    ids = conn.execute(select(Document.id).order_by(Document.id)).scalars().all()
    for doc_id in ids:
        name, text, digest, chars = conn.execute(
            select(Document.name, Document.text, Document.sha256, Document.chars)
            .where(Document.id == doc_id)
        ).one()
        if sha256_text(text) != digest:
            yield Finding("documents", "error", "documents", doc_id,
                          f"{name}: the stored SHA-256 is not that of the text")
        if chars != len(text):
            yield Finding("documents", "error", "documents", doc_id,
                          f"{name}: {chars} characters recorded, the text has {len(text)}")
        yield from _units(conn, doc_id, name, text)
        yield from _codings(conn, doc_id, name, text)


def _units(conn: Connection, doc_id: int, name: str, text: str) -> Iterator[Finding]:
    rows = conn.execute(
        select(Unit.id, Unit.kind, Unit.number, Unit.start, Unit.end)
        .where(Unit.document_id == doc_id).order_by(Unit.kind, Unit.number)
    ).all()
    by_kind: dict[str, list[tuple[int, int, int, int]]] = {}
    for unit_id, kind, number, start, end in rows:
        if not 0 <= start <= end <= len(text):
            yield Finding("offsets", "error", "units", unit_id,
                          f"{name}: {kind} {number} at c{start}-{end} lies outside the text "
                          f"({len(text)} characters)")
        by_kind.setdefault(kind, []).append((unit_id, number, start, end))
    for kind, units in by_kind.items():
        numbers = [u[1] for u in units]
        if numbers != list(range(1, len(units) + 1)):
            yield Finding("units", "error", "units", units[0][0],
                          f"{name}: the {kind} units are not numbered 1 to {len(units)}")
    expected, offset = [], 0
    for line in text.split("\n"):
        expected.append((offset, offset + len(line)))
        offset += len(line) + 1
    lines = [(u[2], u[3]) for u in by_kind.get("line", [])]
    if lines != expected:
        yield Finding("units", "error", "documents", doc_id,
                      f"{name}: {len(lines)} line units do not cover the text's "
                      f"{len(expected)} lines")


def _codings(conn: Connection, doc_id: int, name: str, text: str) -> Iterator[Finding]:
    rows = conn.execute(
        select(Coding.id, Coding.start, Coding.end, Coding.quote, Coding.anchor)
        .where(Coding.document_id == doc_id).order_by(Coding.id)
    ).all()
    for coding_id, start, end, quote, anchor in rows:
        if not 0 <= start < end <= len(text):
            yield Finding("offsets", "error", "codings", coding_id,
                          f"{name}: coding at c{start}-{end} lies outside the text "
                          f"({len(text)} characters)")
        elif text[start:end] != quote:
            if anchor == "orphaned":
                yield Finding("quotes", "warning", "codings", coding_id,
                              f"{name}: orphaned coding at c{start}-{end} (its quote is no longer "
                              "in the text; flagged for review)")
            else:
                yield Finding("quotes", "error", "codings", coding_id,
                              f"{name}: the text at c{start}-{end} is no longer the coding's quote")


def _latest_events(conn: Connection, where: Any, single: str) -> dict[int, dict[str, Any] | None]:
    """target_id -> the state after the newest event about it (None: removed), from one-row
    events matching `where` and the compact events of target type `single`
    (`store.compact_events`), whichever is newer."""
    from qcode.store.compact_events import latest_states

    newest = (
        # `offline:` events are a coder's history from elsewhere, not the state of these rows.
        select(func.max(Event.id).label("id"))
        .where(where, Event.target_id.is_not(None), Event.action.not_like("offline:%"))
        .group_by(Event.target_id).subquery()
    )
    rows = conn.execute(
        select(Event.target_id, Event.id, Event.after_json).join(newest, newest.c.id == Event.id)
    ).all()
    found: dict[int, tuple[int, dict[str, Any] | None]] = {
        int(target): (event_id, json.loads(after) if after else None)
        for target, event_id, after in rows}
    for event_id, target, state in latest_states(conn, single):
        if target not in found or found[target][0] < event_id:
            found[target] = (event_id, state)
    return {target: state for target, (_, state) in found.items()}


def _events(conn: Connection) -> Iterator[Finding]:
    yield from _coding_events(conn)
    yield from _memo_events(conn)


def _coding_events(conn: Connection) -> Iterator[Finding]:
    latest = _latest_events(conn, Event.target_type == "coding", "coding")
    rows = {
        r.id: r for r in conn.execute(
            select(Coding.id, Coding.document_id, Coding.code_id, Coding.coder_id, Coding.layer)
        ).all()
    }
    for coding_id, after in sorted(latest.items()):
        row = rows.get(coding_id)
        if after is None and row is not None:
            yield Finding("events", "error", "codings", coding_id,
                          "the log says this coding was removed, but it is in the store")
        elif after is not None and row is None:
            yield Finding("events", "error", "codings", coding_id,
                          "the log says this coding exists, but it is not in the store")
        elif after is not None and row is not None:
            differs = [k for k in ("document_id", "code_id", "coder_id")
                       if k in after and after[k] != getattr(row, k)]
            if differs:
                yield Finding("events", "error", "codings", coding_id,
                              f"{', '.join(differs)} differ from the newest event about it")
    for coding_id, row in sorted(rows.items()):
        if coding_id not in latest and row.layer == "coding":
            yield Finding("events", "warning", "codings", coding_id, "no event records this coding")


def _memo_events(conn: Connection) -> Iterator[Finding]:
    latest = _latest_events(conn, Event.target_type.like("memo:%"), "memo:coding")
    texts = dict(conn.execute(select(Memo.id, Memo.text)).tuples().all())
    for memo_id, after in sorted(latest.items()):
        text = texts.get(memo_id)
        if after is None and text is not None:
            yield Finding("events", "error", "memos", memo_id,
                          "the log says this memo entry was deleted, but it is in the store")
        elif after is not None and text is None:
            yield Finding("events", "error", "memos", memo_id,
                          "the log says this memo entry exists, but it is not in the store")
        elif after is not None and "text" in after and after["text"] != text:
            yield Finding("events", "error", "memos", memo_id,
                          "its text differs from the newest event about it")


# --- backup, upgrade, vacuum ------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    path: Path
    bytes: int
    method: str  # sqlite-backup | pg_dump


def require_project(url: str) -> None:
    """Refuse a URL that holds no qcode project (without creating an empty SQLite file there)."""
    from qcode.store.engine import get_engine, sqlite_path
    from qcode.store.schema import read_version

    path = sqlite_path(url)
    if path is not None and not path.is_file():
        raise ProjectError(f"no project at {path}", hint="run `qcode init` to create one")
    with get_engine(url).connect() as conn:
        if read_version(conn) is None:
            raise ProjectError("this database holds no qcode project",
                               hint="pass --db to the right file or URL")


def backup(url: str, target: Path, *, overwrite: bool = False) -> BackupResult:
    """An online, consistent copy: SQLite's backup API (other coders may keep writing), or
    `pg_dump` of the project's schema on PostgreSQL. Written beside the target, then renamed,
    so an interrupted backup never leaves a half file under the name asked for."""
    from qcode.store.engine import get_engine, sqlite_path

    require_project(url)
    target = target.expanduser()
    if target.exists() and not overwrite:
        raise QcodeError(f"{target} already exists", hint="choose another name, or pass --force")
    if target.is_dir():
        raise QcodeError(f"{target} is a folder; name the backup file")
    if not target.parent.is_dir():
        raise QcodeError(f"no folder {target.parent} to write the backup in")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        if sqlite_path(url) is not None:
            _sqlite_backup(get_engine(url), partial)
            method = "sqlite-backup"
        else:
            from qcode.store import postgres

            postgres.dump(url, partial)
            method = "pg_dump"
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, target.stat().st_size, method)


def _sqlite_backup(engine: Any, partial: Path) -> None:
    import sqlite3

    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        copy = sqlite3.connect(partial)
        try:
            raw.backup(copy)
        finally:
            copy.close()


@dataclass(frozen=True)
class UpgradeResult:
    from_version: int
    to_version: int
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.from_version != self.to_version


def upgrade(url: str) -> UpgradeResult:
    """Migrate the project to this qcode's schema now (with a backup first), or say it is current."""
    from qcode.store.engine import get_engine
    from qcode.store.schema import SCHEMA_VERSION, ensure_current, read_version

    require_project(url)
    with get_engine(url).connect() as conn:
        found = read_version(conn)
    report = ensure_current(url)  # refuses a missing or newer schema with a clear message
    if report is None or found is None:
        return UpgradeResult(found or SCHEMA_VERSION, SCHEMA_VERSION, None)
    return UpgradeResult(report.from_version, report.to_version, report.backup)


@dataclass(frozen=True)
class VacuumResult:
    bytes_before: int
    bytes_after: int
    method: str


def vacuum(url: str) -> VacuumResult:
    """Give back free pages (SQLite `VACUUM`) or reclaim dead rows and refresh the planner's
    statistics (PostgreSQL `VACUUM ANALYZE`). Both run outside a transaction."""
    from qcode.store.engine import get_engine, sqlite_path

    require_project(url)
    engine = get_engine(url)
    path = sqlite_path(url)
    if path is None:
        from qcode.store import postgres

        before = postgres.size(engine)
        postgres.vacuum(engine)
        return VacuumResult(before, postgres.size(engine), "VACUUM ANALYZE")
    before = _file_bytes(path)
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        try:
            raw.execute("VACUUM")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception as exc:  # sqlite3.OperationalError: another process holds the file
            raise ProjectError(f"cannot vacuum now: {str(exc).splitlines()[0][:200]}",
                               hint="retry when nobody is writing to the project") from exc
    return VacuumResult(before, _file_bytes(path), "VACUUM")


def _file_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())

