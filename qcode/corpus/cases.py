"""Cases (the firms a study is about) and their attributes, from a CSV file or front matter."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session, selectinload

from qcode.errors import InputError
from qcode.store.models import Case, CaseAttribute, Document

DOCUMENT_COLUMNS = ("document", "doc", "file", "filename", "transcript")
CASE_COLUMNS = ("case", "case_id", "firm")
MAX_CASES_BYTES = 20 * 2**20


@dataclass(frozen=True)
class CaseRow:
    case: str
    attributes: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseInfo:
    name: str
    documents: int
    attributes: dict[str, str | None]
    uuid: str = ""


def read_cases_csv(path: Path) -> dict[str, CaseRow]:
    """Map document name (file name; also its stem) to its case row.

    One column names the document; `case` (optional) names the case, otherwise the document stem is
    the case; every other column is an attribute. Delimiter `,` `;` or TAB is detected.
    """
    from qcode.corpus.text import decode_bytes

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the cases file ({exc.strerror})") from exc
    if len(data) > MAX_CASES_BYTES:
        raise InputError(f"{path}: cases file larger than 20 MB")
    text, _encoding, _warnings = decode_bytes(data, name=str(path))
    rows = _parse_rows(path, text)
    header = [h.strip() for h in rows[0]]
    lowered = [h.lower() for h in header]
    doc_col = next((lowered.index(c) for c in DOCUMENT_COLUMNS if c in lowered), None)
    if doc_col is None:
        raise InputError(
            f"{path}: no column naming the document",
            hint=f"add a column called one of: {', '.join(DOCUMENT_COLUMNS)}",
        )
    case_col = next((lowered.index(c) for c in CASE_COLUMNS if c in lowered), None)
    mapping: dict[str, CaseRow] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(
                f"{path}:{number}: {len(row)} cells where the header has {len(header)}",
                hint="check quoting and the delimiter",
            )
        document = row[doc_col].strip()
        if not document:
            raise InputError(f"{path}:{number}: empty document name")
        case = row[case_col].strip() if case_col is not None else ""
        attrs = {
            header[i]: (cell.strip() or None)
            for i, cell in enumerate(row)
            if i not in (doc_col, case_col)
        }
        mapping[document] = CaseRow(case or Path(document).stem, attrs)
    return mapping


def _parse_rows(path: Path, text: str) -> list[list[str]]:
    if not text.strip():
        raise InputError(f"{path}: the cases file is empty")
    first = text.splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise InputError(f"{path}: not a valid CSV file ({exc})") from exc
    if len(rows) < 1 or not any(h.strip() for h in rows[0]):
        raise InputError(f"{path}: the cases file has no header row")
    return rows


def lookup_case_row(mapping: dict[str, CaseRow], document_name: str) -> CaseRow | None:
    if document_name in mapping:
        return mapping[document_name]
    return mapping.get(Path(document_name).stem)


class CaseCache:
    """The cases an import has already written, as committed: a file whose case is known with
    the same attributes needs no statement. Entries written in a transaction are `staged` and
    become known only when the caller `commit`s, so a rolled-back file leaves no stale id."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[int, dict[str, str | None]]] = {}
        self._staged: dict[str, tuple[int, dict[str, str | None]]] = {}

    def hit(self, row: CaseRow) -> int | None:
        found = self._known.get(row.case)
        if found is None or any(found[1].get(k, _ABSENT) != v for k, v in row.attributes.items()):
            return None
        return found[0]

    def stage(self, name: str, case_id: int, attributes: dict[str, str | None]) -> None:
        self._staged[name] = (case_id, attributes)

    def commit(self) -> None:
        self._known.update(self._staged)
        self._staged.clear()

    def discard(self) -> None:
        self._staged.clear()


_ABSENT = object()


# Built once: the importer runs them once per file, and building one costs more than running it.
_FIND_CASE = select(Case.id).where(Case.name == bindparam("name"))
_INSERT_CASE = insert(Case)


def ensure_case(session: Session, row: CaseRow, cache: CaseCache | None = None) -> int:
    """The id of the row's case (created if new), with its attributes set; Core statements only,
    since the importer runs this once per file (and, with a `cache`, none for a case it wrote
    before with the same attributes). They run on the session's connection: a case the caller
    added as an ORM object and has not flushed is not seen."""
    if cache is not None and (known := cache.hit(row)) is not None:
        return known
    case_id = session.connection().execute(_FIND_CASE, {"name": row.case}).scalar()
    existing: dict[str, str | None] = {}
    if case_id is None:
        made = session.connection().execute(_INSERT_CASE, {"name": row.case})
        case_id = int(made.inserted_primary_key[0])  # type: ignore[index]
    else:
        existing = {
            name: value
            for name, value in session.execute(
                select(CaseAttribute.name, CaseAttribute.value).where(CaseAttribute.case_id == case_id)
            ).all()
        }
    if cache is not None:
        cache.stage(row.case, case_id, {**existing, **row.attributes})
    table = CaseAttribute.__table__
    new = [
        {"case_id": case_id, "name": name, "value": value}
        for name, value in row.attributes.items()
        if name not in existing
    ]
    if new:
        from qcode.store.bulk import insert_rows

        insert_rows(session.connection(), table, new)  # type: ignore[arg-type]
    for name, value in row.attributes.items():
        if name in existing and existing[name] != value:
            session.execute(
                update(CaseAttribute)
                .where(CaseAttribute.case_id == case_id, CaseAttribute.name == name)
                .values(value=value)
            )
    return case_id


def apply_case(session: Session, document_id: int, row: CaseRow) -> None:
    """Attach a document to its case (creating it) and set the case's attributes."""
    case_id = ensure_case(session, row)
    session.execute(update(Document).where(Document.id == document_id).values(case_id=case_id))


def apply_cases_to_existing(
    session: Session, mapping: dict[str, CaseRow], *, skip: frozenset[str] = frozenset()
) -> int:
    """Apply a cases file to the project's documents (but those in `skip`, done already);
    returns how many documents the file matched."""
    matched = 0
    for doc_id, name in session.execute(select(Document.id, Document.name)).all():
        row = lookup_case_row(mapping, name)
        if row is not None:
            if name not in skip:
                apply_case(session, doc_id, row)
            matched += 1
    return matched


def list_cases(session: Session) -> list[CaseInfo]:
    counts: dict[int | None, int] = dict(
        session.execute(  # type: ignore[arg-type]
            select(Document.case_id, func.count(Document.id)).group_by(Document.case_id)
        ).all()
    )
    cases = session.execute(
        select(Case).options(selectinload(Case.attributes)).order_by(Case.name)
    ).scalars()
    return [
        CaseInfo(c.name, int(counts.get(c.id, 0)), {a.name: a.value for a in c.attributes}, c.uuid)
        for c in cases
    ]
