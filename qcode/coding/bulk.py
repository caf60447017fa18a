"""Importing codings from a CSV: all rows or none.

The file is read and checked in full before anything is written: every bad row is reported as
`FILE:ROW: message` (ROW is the line the record starts on, the header being line 1), and one bad
row means nothing is loaded. The columns are the ones `qcode codings --format csv` writes, so an
export loads back exactly: `document`, `coder`, `code`, `start`, `end`, optional `memo`; an `id`
column is ignored, any other column is refused.

Reading is forgiving where spreadsheets differ (UTF-8 with or without BOM, UTF-16 with BOM,
CRLF/CR line ends, `;` or TAB delimiters) and undoes the `'` that exports put before cells
starting with `=`, `+`, `-` or `@`, only where an export put it (DESIGN.md §7; `coding.cells`).
The codings go in a chunk at a time (`coding.bulk_write`), logged as `import-coding` events of
one batch by the person importing (one compact event per chunk, coder and round), so one
`qcode undo` removes the whole import.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from qcode.coding.bulk_write import Names, NewRow, write_codings
from qcode.coding.cells import unguard
from qcode.coding.memos import MAX_MEMO
from qcode.errors import InputError, QcodeError
from qcode.store.models import Code, Coder, Coding, Document, coder_key, new_uuid

REQUIRED = ("document", "coder", "code", "start", "end")
OPTIONAL = ("memo",)
IGNORED = ("id",)
# What `qcode codings --format csv` writes, so that export and import round-trip.
CSV_COLUMNS = REQUIRED + OPTIONAL
DELIMITERS = (",", ";", "\t")
MAX_PROBLEMS = 50
MAX_BYTES = 200 * 2**20
_NUMBER = re.compile(r"[0-9]+")


class RowProblems(InputError):
    """A CSV with bad rows; `problems` lists each as `FILE:ROW: message`."""

    def __init__(self, message: str, problems: list[str], *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.problems = problems


class CsvRow(NamedTuple):
    """One record as read (a tuple: a million of them must be small; repeated cells shared)."""

    row: int
    document: str
    coder: str
    code: str
    start: str
    end: str
    memo: str | None


@dataclass
class CodingsCsv:
    path: str
    delimiter: str
    rows: list[CsvRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    shared: dict[str, str] = field(default_factory=dict, repr=False)  # one copy of each cell


@dataclass(frozen=True)
class ImportCodingsResult:
    rows: int
    created: int
    duplicates: int
    documents: int
    coders: tuple[str, ...]  # coders the codings belong to
    new_coders: tuple[str, ...]
    dry_run: bool


# --- reading -----------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: broken UTF-16 text at byte {exc.start}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (bad byte at offset {exc.start})",
                         hint="save it as `CSV UTF-8` from your spreadsheet") from exc
    if "\x00" in text:
        raise InputError(f"{name}: contains NUL bytes; this is not a CSV text file")
    return text


def unescape(cell: str) -> str:
    """Undo the `'` put before a cell that a spreadsheet would run as a formula."""
    return unguard(cell)


class _Broken(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


# Python's csv refuses cells over 131,072 characters, but a memo may hold up to MAX_MEMO and the
# export joins a coding's thread into one cell: allow a few full memos, still a bounded cell.
FIELD_LIMIT = 8 * MAX_MEMO


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, cells); `newline=""` lets csv handle CRLF, CR and LF."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise _Broken(line, str(exc)) from exc


def _header_names(text: str, delimiter: str) -> list[str]:
    try:
        first = next(_records(text, delimiter), (1, []))[1]
    except _Broken:
        return []
    return [cell.strip().lower() for cell in first]


def _choose_delimiter(text: str, name: str) -> str:
    known = set(REQUIRED + OPTIONAL + IGNORED)
    scores = {d: len(known.intersection(_header_names(text, d))) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: scores[d])
    if scores[best] < 2:
        raise InputError(
            f"{name}:1: no header with the columns {', '.join(REQUIRED)}",
            hint="the first line must name the columns, separated by commas, semicolons or tabs",
        )
    return best


def _check_header(header: list[str], name: str) -> None:
    allowed = REQUIRED + OPTIONAL + IGNORED
    problems = []
    for column in header:
        if column and column not in allowed:
            close = difflib.get_close_matches(column, allowed, n=1, cutoff=0.6)
            hint = f"; did you mean `{close[0]}`?" if close else f" (columns: {', '.join(allowed)})"
            problems.append(f"{name}:1: unknown column `{column}`{hint}")
    for column in sorted({c for c in header if c and header.count(c) > 1}):
        problems.append(f"{name}:1: column `{column}` appears twice")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problems.append(f"{name}:1: missing column{'s' if len(missing) > 1 else ''} "
                        + ", ".join(missing))
    if problems:
        raise RowProblems(f"{name}: the header is not right; nothing was imported", problems)


def read_codings_csv(path: Path, *, name: str | None = None, max_bytes: int = MAX_BYTES) -> CodingsCsv:
    """Read and shape-check the file; problems with single rows are collected, not raised."""
    name = name or str(path)
    try:
        if path.stat().st_size > max_bytes:
            raise InputError(f"{name}: larger than {max_bytes // 2**20} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    text = _decode(data, name)
    delimiter = _choose_delimiter(text, name)
    result = CodingsCsv(name, delimiter)
    records = _records(text, delimiter)
    _, first = next(records)
    header = [cell.strip().lower() for cell in first]
    _check_header(header, name)
    try:
        for line, cells in records:
            _shape(result, header, line, cells)
    except _Broken as exc:
        # The reader cannot find its feet again after this; later rows go unchecked.
        reason = "a quoted cell is never closed" if "end of data" in str(exc) else str(exc)
        result.problems.append((exc.line, f"cannot read the CSV from here on: {reason}"))
    result.shared.clear()
    return result


def _shape(result: CodingsCsv, header: list[str], line: int, cells: list[str]) -> None:
    if not any(cell.strip() for cell in cells):
        return  # blank line
    while len(cells) > len(header) and not cells[-1].strip():
        cells = cells[:-1]  # trailing delimiters, as spreadsheets write them
    if len(cells) != len(header):
        result.problems.append(
            (line, f"{len(cells)} cells but the header has {len(header)} "
                   f"(is a cell with a delimiter or line break missing its quotes?)"))
        return
    # `unescape` only where a cell starts with the `'` an export may have put there.
    values = {column: unescape(cell) if cell[:1] == "'" else cell
              for column, cell in zip(header, cells, strict=True) if column}
    memo = values.get("memo")
    share = result.shared.setdefault
    document, coder, code, start, end = (share(v, v) for v in (
        values["document"].strip(), values["coder"].strip(), values["code"].strip(),
        values["start"].strip(), values["end"].strip()))
    result.rows.append(CsvRow(line, document, coder, code, start, end, memo if memo else None))


# --- checking against the project ----------------------------------------------------------


@dataclass(frozen=True)
class _Document:
    id: int
    name: str
    chars: int


class _Lookup:
    """Documents and codes by name, looked up once each (documents without their texts);
    errors as one-line messages."""

    def __init__(self, session: Session) -> None:
        from sqlalchemy import func

        self.docs = {name: _Document(id_, name, chars) for id_, name, chars in session.execute(
            select(Document.id, Document.name, func.length(Document.text))).all()}
        stems: dict[str, list[_Document]] = {}
        for doc in self.docs.values():
            stems.setdefault(Path(doc.name).stem, []).append(doc)
        self.stems = {stem: docs[0] for stem, docs in stems.items() if len(docs) == 1}
        self.codes = {c.key.lower(): c for c in session.execute(select(Code)).scalars()}

    def document(self, name: str) -> _Document | str:
        doc = self.docs.get(name) or self.stems.get(name)
        if doc is not None:
            return doc
        if not name:
            return "the document is empty"
        close = difflib.get_close_matches(name, list(self.docs), n=1, cutoff=0.6)
        return f"no document `{name}`" + (f"; did you mean `{close[0]}`?" if close else "")

    def code(self, key: str) -> Code | str:
        code = self.codes.get(key.lower())
        if code is None:
            if not key:
                return "the code is empty"
            close = difflib.get_close_matches(key.lower(), list(self.codes), n=1, cutoff=0.6)
            return f"no code `{key}`" + (f"; did you mean `{self.codes[close[0]].key}`?" if close else "")
        if code.retired:
            return f"code `{code.key}` is retired"
        return code


def _check_coder(name: str) -> str | None:
    if not name:
        return "the coder is empty"
    if len(name) > 255 or any(c in name for c in "\n\r\t"):
        return f"not a usable coder name: {name[:40]!r}"
    return None


def _numbers(row: CsvRow) -> tuple[int, int] | list[str]:
    problems = [f"{column} `{value[:20]}` is not a whole number of characters"
                for column, value in (("start", row.start), ("end", row.end))
                if not _NUMBER.fullmatch(value)]
    if problems:
        return problems
    start, end = int(row.start), int(row.end)
    if end <= start:
        return [f"span c{start}-{end} is empty: end must be after start"]
    return start, end


def _check_row(lookup: _Lookup, row: CsvRow) -> NewRow | list[str]:
    doc, code = lookup.document(row.document), lookup.code(row.code)
    span = _numbers(row)
    problems = [p for p in (doc, code, _check_coder(row.coder)) if isinstance(p, str)]
    if isinstance(span, list):
        problems.extend(span)
    elif isinstance(doc, _Document) and span[1] > doc.chars:
        problems.append(f"span c{span[0]}-{span[1]} goes past the end of {doc.name} "
                        f"({doc.chars} characters)")
    if problems:
        return problems
    assert isinstance(doc, _Document) and isinstance(code, Code) and isinstance(span, tuple)
    return NewRow(doc.id, code.id, row.coder, span[0], span[1], row.memo)


def check_rows(session: Session, parsed: CodingsCsv) -> Names:
    """Every row checked; raises `RowProblems` listing all bad rows (up to MAX_PROBLEMS).
    `parsed.rows` is used up: each row is let go once checked, so a million of them and
    their checked form are never in memory together."""
    lookup = _Lookup(session)
    problems = list(parsed.problems)
    checked = []
    rows, parsed.rows = parsed.rows, []
    for index, row in enumerate(rows):
        rows[index] = None  # type: ignore[call-overload]
        result = _check_row(lookup, row)
        if isinstance(result, list):
            problems.extend((row.row, message) for message in result)
        else:
            checked.append(result)
    if problems:
        problems.sort(key=lambda p: p[0])
        lines = [f"{parsed.path}:{row}: {message}" for row, message in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            lines.append(f"… and {len(problems) - MAX_PROBLEMS} more")
        bad_rows = len({row for row, _ in problems})
        raise RowProblems(
            f"{parsed.path}: {bad_rows} bad row{'s' if bad_rows != 1 else ''}; nothing was imported",
            lines, hint="fix the rows listed below and run the import again")
    return Names(checked, {d.id: d.name for d in lookup.docs.values()},
                 {c.id: c.key for c in lookup.codes.values()})


# --- writing -------------------------------------------------------------------------------

WRITE_CHUNK = 5000  # rows written a statement at a time; their texts and events held meanwhile


def import_codings(
    session: Session, parsed: CodingsCsv, actor: str, *, batch: str, dry_run: bool = False
) -> ImportCodingsResult:
    """Load every row of `parsed` as a coding (skipping ones already there), or none at all."""
    checked = check_rows(session, parsed)
    rows = checked.rows
    coders, names, new_coders = _roster(session, [r.coder for r in rows], dry_run=dry_run)
    documents = {r.document_id for r in rows}
    session.flush()  # new coders, before Core statements read and write on the connection
    existing = _existing_keys(session, documents)
    fresh: list[tuple[NewRow, Coder]] = []
    created = 0
    by_name = {name: coders.get(coder_key(name)) for name in {r.coder for r in rows}}
    for row in rows:
        coder = by_name[row.coder]
        key = _key(row.document_id, row.code_id, coder.id if coder else -1, row.start, row.end)
        if key in existing:
            continue
        existing.add(key)
        if dry_run or coder is None:
            created += 1
            continue
        fresh.append((row, coder))
        if len(fresh) == WRITE_CHUNK:
            created += write_codings(session, fresh, checked, actor=actor, batch=batch)
            fresh = []
    if fresh:
        # Another coder's identical row may land first on PostgreSQL: it counts as a duplicate.
        created += write_codings(session, fresh, checked, actor=actor, batch=batch)
    return ImportCodingsResult(len(rows), created, len(rows) - created, len(documents),
                               tuple(names), new_coders, dry_run)


def _key(document_id: int, code_id: int, coder_id: int, start: int, end: int) -> int:
    """A coding's identity as one exact integer (a million of them take a third of the room
    tuples would)."""
    return ((((document_id << 32 | code_id) << 32 | (coder_id + 1)) << 40 | start) << 40) | end


def _roster(
    session: Session, given: list[str], *, dry_run: bool
) -> tuple[dict[str, Coder | None], tuple[str, ...], tuple[str, ...]]:
    """The file's coders by folded name (`Ana` and `ana` in one file are one person); new ones
    are created as `qcode tag` creates them, refused in a closed roster, and not in a dry run."""
    from qcode.coding.coders import get_or_create_coder, lookup, roster_closed

    first: dict[str, str] = {}
    for name in dict.fromkeys(given):  # each spelling once, in the file's order
        first.setdefault(coder_key(name), " ".join(name.split()))
    coders: dict[str, Coder | None] = {}
    new: list[str] = []
    for key, name in sorted(first.items()):
        found = lookup(session, name)
        if found is None:
            if roster_closed(session):
                raise QcodeError(f"the file names coder `{name}`, who is not on the closed roster",
                                 hint=f"a PI can add them: qcode coders add {name}")
            new.append(name)
            found = None if dry_run else get_or_create_coder(session, name)
        coders[key] = found
    names = tuple(sorted((c.name if c else first[k]) for k, c in coders.items()))
    return coders, names, tuple(new)


def _existing_keys(session: Session, document_ids: set[int]) -> set[int]:
    """`_key`s of the codings already in these documents, read as they stream."""
    statement = (select(Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start,
                        Coding.end).where(Coding.layer == "coding"))
    if len(document_ids) < 500:
        statement = statement.where(Coding.document_id.in_(sorted(document_ids)))
    rows = session.connection().execute(statement.execution_options(yield_per=20_000))
    return {_key(d, c, k, s, e) for d, c, k, s, e in rows if d in document_ids}


def insert_coding(
    session: Session, doc: Document, start: int, end: int, code: Code, coder: Coder, *,
    memo: str | None, actor: str, action: str, batch: str,
    uuid: str | None = None, created_at: datetime | None = None,
) -> Coding:
    """`coding.add_coding` for callers that know the coding is new (they loaded what exists):
    no lookup per row, and the event's actor may differ from the coding's coder, so that
    whoever ran an import can undo it as one action. `uuid` and `created_at` keep an
    exchanged coding's identity and time (REFI-QDA imports)."""
    from qcode.coding.rounds_lookup import round_for
    from qcode.coding.tagging import snapshot
    from qcode.corpus.anchoring import context
    from qcode.store.events import record

    prefix, suffix = context(doc.text, start, end)
    coding = Coding(
        document_id=doc.id, code_id=code.id, coder_id=coder.id, layer="coding",
        round_id=round_for(session, coder.id, doc.id),
        start=start, end=end, quote=doc.text[start:end], prefix=prefix, suffix=suffix,
    )
    if uuid is not None:
        coding.uuid = uuid
    if created_at is not None:
        coding.created_at = created_at
    session.add(coding)
    session.flush()
    owner = "" if coder.name == actor else f" ({coder.name})"
    record(
        session, actor=actor, action=action, target_type="coding", target_id=coding.id,
        after=snapshot(coding, session), batch=batch,
        summary=f"{action} {doc.name} c{start}-{end} {code.key}{owner}",
    )
    if memo:
        from qcode.coding.memos import add_memo

        # The coding's coder wrote the memo that came with it; the import is the actor's action.
        add_memo(session, "coding", coding.id, f"coding {coding.id}", memo, coder, batch=batch,
                 actor=actor)
    return coding


@dataclass(frozen=True)
class NewCoding:
    """One coding for `insert_codings`; `uuid` and `created_at` keep an exchanged coding's."""

    document: Document
    start: int
    end: int
    code: Code
    coder: Coder
    uuid: str | None = None
    created_at: datetime | None = None


def insert_codings(
    session: Session, items: list[NewCoding], *, actor: str, action: str, batch: str,
) -> list[Coding]:
    """`insert_coding` for many new codings at once (no memos): one statement inserts them all
    and one more their events, so a large import does not pay a round trip per coding."""
    from qcode.coding.tagging import snapshot
    from qcode.corpus.anchoring import context
    from qcode.store.events import record_many

    values: list[dict[str, Any]] = []
    uuids: list[str] = []
    for item in items:
        prefix, suffix = context(item.document.text, item.start, item.end)
        uuids.append(item.uuid or new_uuid())
        row: dict[str, Any] = {
            "document_id": item.document.id, "code_id": item.code.id, "coder_id": item.coder.id,
            "layer": "coding", "start": item.start, "end": item.end,
            "quote": item.document.text[item.start:item.end], "prefix": prefix, "suffix": suffix,
            "uuid": uuids[-1],
        }
        if item.created_at is not None:
            row["created_at"] = item.created_at
        values.append(row)
    if not values:
        return []
    # One executemany (RETURNING would cost a statement per row on SQLite), then the rows back
    # by their uuids, which are new and unique.
    session.execute(insert(Coding), values)
    found: dict[str, Coding] = {}
    for start in range(0, len(uuids), 500):
        chunk = uuids[start : start + 500]
        found.update((c.uuid, c) for c in session.scalars(select(Coding).where(Coding.uuid.in_(chunk))))
    rows = [found[u] for u in uuids]
    events = []
    for item, coding in zip(items, rows, strict=True):
        owner = "" if item.coder.name == actor else f" ({item.coder.name})"
        events.append({
            "actor": actor, "action": action, "target_type": "coding", "target_id": coding.id,
            "after": snapshot(coding, session), "batch": batch,
            "summary": f"{action} {item.document.name} c{item.start}-{item.end} {item.code.key}{owner}",
        })
    record_many(session, events)
    return rows
