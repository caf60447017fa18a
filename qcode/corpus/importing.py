"""Importing transcripts: one file, one transaction.

Reading and parsing happen before the transaction opens, so the write lock is held only for the
few inserts a document needs. Re-importing an unchanged file does nothing; a changed file under
the same name is refused unless `update=True`, in which case its codings are re-anchored.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from qcode.corpus.cases import CaseRow, ensure_case
from qcode.corpus.ingest.base import ParsedDocument
from qcode.errors import InputError
from qcode.store import fulltext
from qcode.store.models import Coding, Document, Unit, utcnow

_WORD = re.compile(r"\w+(?:['’-]\w+)*")

# Front-matter keys that describe the document itself rather than the case.
_DOCUMENT_KEYS = {"case", "title", "synthetic", "interviewer", "interview_date", "date", "place"}


@dataclass(frozen=True)
class ImportOptions:
    update: bool = False
    merge_aliases: bool = False
    aliases: dict[str, str] = field(default_factory=dict)
    max_bytes: int = 50 * 2**20


@dataclass(frozen=True)
class ImportOutcome:
    name: str
    status: str  # imported | updated | unchanged
    words: int
    turns: int
    warnings: tuple[str, ...] = ()
    reanchored: int = 0
    orphaned: int = 0


@dataclass
class Collected:
    files: list[Path]
    skipped: dict[str, int]  # suffix -> count, for files inside folders that are not transcripts
    errors: list[str]


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def collect_paths(paths: Iterable[Path]) -> Collected:
    """Expand folders recursively. Explicitly named files must be transcripts; files found inside
    folders that are not are skipped and counted."""
    from qcode.corpus.ingest.registry import SUPPORTED_SUFFIXES

    result = Collected(files=[], skipped={}, errors=[])
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            for found in _walk(path):
                suffix = found.suffix.lower()
                if suffix in SUPPORTED_SUFFIXES:
                    _add(result.files, seen, found)
                else:
                    key = suffix or "(no suffix)"
                    result.skipped[key] = result.skipped.get(key, 0) + 1
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                result.errors.append(
                    f"{path}: not a transcript format ({path.suffix or 'no suffix'}); "
                    f"supported: {' '.join(sorted(SUPPORTED_SUFFIXES))}"
                )
            else:
                _add(result.files, seen, path)
        else:
            result.errors.append(f"{path}: no such file or folder")
    return result


def _add(files: list[Path], seen: set[Path], path: Path) -> None:
    key = path.resolve()
    if key not in seen:
        seen.add(key)
        files.append(path)


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith(".") and not name.startswith("~$"):
                yield Path(root) / name


def read_file(path: Path, options: ImportOptions) -> ParsedDocument:
    """Parse a transcript (outside any transaction) and apply speaker-alias merging."""
    from qcode.corpus.ingest.registry import read_document

    parsed = read_document(path, max_bytes=options.max_bytes)
    if not parsed.text.strip():
        raise InputError(f"{path}: no text found", hint="is it a scanned or empty document?")
    if options.aliases or options.merge_aliases:
        from qcode.corpus.ingest.speakers import merge_aliases

        parsed.turns = merge_aliases(
            parsed.turns, aliases=options.aliases or None, auto=options.merge_aliases
        )
    return parsed


def store_document(
    session: Session,
    path: Path,
    parsed: ParsedDocument,
    options: ImportOptions,
    case_row: CaseRow | None = None,
) -> ImportOutcome:
    """Insert or update one parsed document with its units, case and attributes."""
    from qcode.corpus.text import sha256_text

    name = path.name
    digest = sha256_text(parsed.text)
    doc = session.execute(select(Document).where(Document.name == name)).scalar()
    words = count_words(parsed.text)
    turns = len(parsed.turns)
    if doc is not None and doc.sha256 == digest:
        if case_row is not None or parsed.metadata.get("case"):
            _apply_case(session, doc, parsed.metadata, case_row)
        return ImportOutcome(name, "unchanged", doc.words, turns, tuple(parsed.warnings))
    if doc is not None and not options.update:
        raise InputError(
            f"{path}: {name} is already in the project with different text",
            hint="pass --update to replace it (its codings are re-anchored)",
        )
    status = "imported" if doc is None else "updated"
    reanchored = orphaned = 0
    if doc is None:
        doc = Document(name=name, revision=1)
        session.add(doc)
    else:
        reanchored, orphaned = _reanchor_codings(session, doc, parsed.text)
        doc.revision += 1
        doc.updated_at = utcnow()
        fulltext.unindex_document(session.connection(), doc.id, doc.text)
        session.execute(delete(Unit).where(Unit.document_id == doc.id))
    doc.text = parsed.text
    doc.sha256 = digest
    doc.source_path = str(path)
    doc.source_format = path.suffix.lower().lstrip(".")
    doc.encoding = parsed.encoding
    doc.chars = len(parsed.text)
    doc.words = words
    doc.metadata_json = json.dumps(_jsonable(parsed.metadata), ensure_ascii=False, sort_keys=True)
    session.flush()
    _insert_units(session, doc.id, parsed)
    fulltext.index_document(session.connection(), doc.id, parsed.text)
    _apply_case(session, doc, parsed.metadata, case_row)
    return ImportOutcome(
        name, status, words, turns, tuple(parsed.warnings), reanchored, orphaned
    )


def _insert_units(session: Session, document_id: int, parsed: ParsedDocument) -> None:
    from qcode.corpus.segmentation import segment
    from qcode.store.bulk import insert_rows

    rows = [
        {
            "document_id": document_id,
            "kind": u.kind,
            "number": u.number,
            "start": u.start,
            "end": u.end,
            "speaker": u.speaker,
            "timestamp": u.timestamp,
        }
        for u in segment(parsed.text, parsed.turns)
    ]
    insert_rows(session.connection(), Unit.__table__, rows)  # type: ignore[arg-type]


def _apply_case(
    session: Session, doc: Document, metadata: dict[str, Any], case_row: CaseRow | None
) -> None:
    if case_row is None:
        case_name = metadata.get("case")
        if case_name is None:
            return
        attrs = {
            str(k): v for k, v in metadata.items() if k not in _DOCUMENT_KEYS and _scalar(v)
        }
        case_row = CaseRow(case=str(case_name), attributes={k: _text(v) for k, v in attrs.items()})
    doc.case_id = ensure_case(session, case_row)


def _reanchor_codings(session: Session, doc: Document, new_text: str) -> tuple[int, int]:
    from qcode.corpus.anchoring import reanchor

    moved = orphaned = 0
    for coding in session.execute(select(Coding).where(Coding.document_id == doc.id)).scalars():
        result = reanchor(new_text, coding.start, coding.end, coding.quote, coding.prefix, coding.suffix)
        if result.status == "ok":
            continue
        if result.status == "moved":
            moved += 1
        else:
            orphaned += 1
        coding.start, coding.end, coding.anchor = result.start, result.end, result.status
    return moved, orphaned


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if _scalar(value):
        return value
    return str(value)
