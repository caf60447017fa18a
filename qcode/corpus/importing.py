"""Importing transcripts: one file, one transaction.

Reading and parsing happen before the transaction opens, so the write lock is held only for the
few inserts a document needs. Re-importing an unchanged file does nothing; a changed file under
the same name is refused unless `update=True`, in which case its codings are re-anchored.
"""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from qcode.corpus.cases import CaseCache, CaseRow, ensure_case
from qcode.corpus.ingest.base import ParsedDocument, SpeakerPolicy
from qcode.corpus.text import count_words as count_words
from qcode.errors import InputError
from qcode.store import fulltext
from qcode.store.models import Coding, Document, Unit, utcnow

# Front-matter keys that describe the document itself rather than the case.
_DOCUMENT_KEYS = {"case", "title", "synthetic", "interviewer", "interview_date", "date", "place"}


@dataclass(frozen=True)
class ImportOptions:
    update: bool = False
    merge_aliases: bool = False
    aliases: dict[str, str] = field(default_factory=dict)
    max_bytes: int = 50 * 2**20
    speakers: SpeakerPolicy = field(default_factory=SpeakerPolicy)
    follow_links: bool = False


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


@dataclass(frozen=True)
class FileSummary:
    """What reading one file found, for the one line per file that `qcode import` prints."""

    convention: str
    speakers: dict[str, int]  # speaker -> turns, in order of first turn
    turns: int  # turns with a named speaker
    unnamed_turns: int  # turns of unnamed speakers (`- ` dashes) or timed caption paragraphs
    cues: int | None
    rules: tuple[str, ...]
    removed: dict[str, tuple[int, int, int]]  # what -> (items, characters, words)
    words_before: int
    words_after: int


def summarise(parsed: ParsedDocument, words: int | None = None) -> FileSummary:
    """What a file gave; `words`: its text's word count when the caller has it already."""
    speakers = Counter(t.speaker for t in parsed.turns if t.speaker is not None)
    words = count_words(parsed.text) if words is None else words
    return FileSummary(
        convention=parsed.convention,
        speakers=dict(speakers),
        turns=sum(speakers.values()),
        unnamed_turns=sum(1 for t in parsed.turns if t.speaker is None),
        cues=parsed.cues,
        rules=tuple(parsed.rules),
        removed={k: (v.items, v.chars, v.words) for k, v in parsed.removed.items()},
        words_before=parsed.source_words if parsed.source_words is not None else words,
        words_after=words,
    )


def printable(path: Path | str) -> str:
    """A path as it can be shown: bytes that are not UTF-8 become U+FFFD."""
    raw = os.fsencode(path)
    return raw.decode("utf-8", errors="replace")


def _decodable(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def collect_paths(paths: Iterable[Path], *, follow_links: bool = False) -> Collected:
    """Expand folders recursively. Explicitly named files must be transcripts; files found inside
    folders that are not are skipped and counted, as are links inside folders (unless
    `follow_links`) and anything that is not a regular file. A name that is not valid UTF-8 is
    reported and the rest of the folder still imports."""
    from qcode.corpus.ingest.registry import SUPPORTED_SUFFIXES

    result = Collected(files=[], skipped={}, errors=[])
    seen: set[Path] = set()
    for path in paths:
        if not _decodable(path):
            result.errors.append(f"{printable(path)}: the name is not valid UTF-8; rename the file")
        elif path.is_dir():
            for found in _walk(path, result, follow_links):
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


def _walk(folder: Path, result: Collected, follow_links: bool) -> Iterator[Path]:
    visited: set[str] = set()
    for root, dirs, names in os.walk(folder, followlinks=follow_links):
        real = os.path.realpath(root)
        if real in visited:  # a link back up the tree
            dirs[:] = []
            continue
        visited.add(real)
        kept = []
        for d in sorted(d for d in dirs if not d.startswith(".")):
            if not follow_links and os.path.islink(os.path.join(root, d)):
                _skip(result, "(link; --follow-links)")
            else:
                kept.append(d)
        dirs[:] = kept
        for name in sorted(names):
            if name.startswith(".") or name.startswith("~$"):
                continue
            path = Path(root) / name
            if not _decodable(path):
                result.errors.append(f"{printable(path)}: the name is not valid UTF-8; rename the file")
            elif _regular(path, result, follow_links):
                yield path


def _regular(path: Path, result: Collected, follow_links: bool) -> bool:
    """Links only when asked to follow them; never devices, FIFOs or sockets."""
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            if not follow_links:
                _skip(result, "(link; --follow-links)")
                return False
            info = os.stat(path)
    except OSError:
        _skip(result, "(unreadable)")
        return False
    if not stat.S_ISREG(info.st_mode):
        _skip(result, "(not a regular file)")
        return False
    return True


def _skip(result: Collected, key: str) -> None:
    result.skipped[key] = result.skipped.get(key, 0) + 1


def read_file(path: Path, options: ImportOptions) -> ParsedDocument:
    """Parse a transcript (outside any transaction) and apply speaker-alias merging."""
    from qcode.corpus.ingest.registry import read_document

    parsed = read_document(path, max_bytes=options.max_bytes, speakers=options.speakers)
    if not parsed.text.strip():
        raise InputError(f"{path}: no text found", hint="is it a scanned or empty document?")
    if options.aliases or options.merge_aliases:
        from qcode.corpus.ingest.aliases import merge_aliases

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
    cases: CaseCache | None = None,
) -> ImportOutcome:
    """Insert or update one parsed document with its units, case and attributes (`cases`: the
    import's cache of the cases it wrote, committed by the caller with each file).

    A new document is written with Core statements only (an ORM object would cost a flush and an
    UPDATE for its case each time); only an update loads the stored row."""
    from qcode.corpus.text import sha256_text

    name = path.name
    digest = sha256_text(parsed.text)
    if session.autoflush:
        session.flush()  # what the caller added (REFI-QDA import) goes in before the Core below
    found = session.connection().execute(_FIND_DOCUMENT, {"name": name}).first()
    turns = sum(1 for t in parsed.turns if t.speaker is not None)
    if found is not None and found.sha256 == digest:
        if case_row is not None or parsed.metadata.get("case"):
            case_id = _case_id(session, parsed.metadata, case_row, cases)
            if case_id is not None and case_id != found.case_id:
                session.connection().execute(
                    update(Document).where(Document.id == found.id).values(case_id=case_id)
                )
        return ImportOutcome(name, "unchanged", found.words, turns, tuple(parsed.warnings))
    if found is not None and not options.update:
        _refuse_changed(session, path, found.id, parsed.text)
    words = count_words(parsed.text)
    if found is None:
        case_id = _case_id(session, parsed.metadata, case_row, cases)
        document_id = _insert_document(session, path, parsed, digest, words, case_id)
        _insert_units(session, document_id, parsed)
        fulltext.index_document(session.connection(), document_id, parsed.text)
        return ImportOutcome(name, "imported", words, turns, tuple(parsed.warnings))
    doc = session.get_one(Document, found.id)
    reanchored, orphaned = _update_document(session, doc, path, parsed, digest, words)
    case_id = _case_id(session, parsed.metadata, case_row, cases)
    if case_id is not None:
        doc.case_id = case_id
    return ImportOutcome(
        name, "updated", words, turns, tuple(parsed.warnings), reanchored, orphaned
    )


# Statements run once per file are built once: building one costs more than running it.
_FIND_DOCUMENT = select(Document.id, Document.sha256, Document.words, Document.case_id).where(
    Document.name == bindparam("name")
)
_INSERT_DOCUMENT = insert(Document)


def _refuse_changed(session: Session, path: Path, document_id: int, text: str) -> None:
    from qcode.corpus.text import normalise

    stored = session.execute(select(Document.text).where(Document.id == document_id)).scalar_one()
    if normalise(stored) == text:
        raise InputError(
            f"{path}: {path.name} differs from the stored text only by invisible or control "
            "characters that import now removes",
            hint="pass --update to store the cleaned text (its codings are re-anchored)",
        )
    raise InputError(
        f"{path}: {path.name} is already in the project with different text",
        hint="pass --update to replace it (its codings are re-anchored)",
    )


def _insert_document(
    session: Session, path: Path, parsed: ParsedDocument, digest: str, words: int,
    case_id: int | None,
) -> int:
    """One INSERT, its case included; the model's column defaults (`uuid`, `revision`, the
    times) are Core defaults, so they fill the rest as they do for an ORM object."""
    made = session.connection().execute(
        _INSERT_DOCUMENT,
        {"name": path.name, "case_id": case_id, **_document_fields(path, parsed, digest, words)},
    )
    return int(made.inserted_primary_key[0])  # type: ignore[index]


def _document_fields(path: Path, parsed: ParsedDocument, digest: str, words: int) -> dict[str, Any]:
    """The columns that come from the file, for a new document and for an update alike."""
    return {
        "text": parsed.text,
        "sha256": digest,
        "source_path": str(path),
        "source_format": path.suffix.lower().lstrip("."),
        "encoding": parsed.encoding,
        "chars": len(parsed.text),
        "words": words,
        "metadata_json": json.dumps(_jsonable(parsed.metadata), ensure_ascii=False, sort_keys=True),
    }


def _update_document(
    session: Session, doc: Document, path: Path, parsed: ParsedDocument, digest: str, words: int
) -> tuple[int, int]:
    """Replace a stored document's text and units, re-anchoring its codings; returns how many
    codings moved and how many lost their text."""
    reanchored, orphaned = _reanchor_codings(session, doc, parsed.text)
    doc.revision += 1
    doc.updated_at = utcnow()
    fulltext.unindex_document(session.connection(), doc.id, doc.text)
    session.execute(delete(Unit).where(Unit.document_id == doc.id))
    for key, value in _document_fields(path, parsed, digest, words).items():
        setattr(doc, key, value)
    session.flush()
    _insert_units(session, doc.id, parsed)
    fulltext.index_document(session.connection(), doc.id, parsed.text)
    return reanchored, orphaned


def _insert_units(session: Session, document_id: int, parsed: ParsedDocument) -> None:
    from qcode.corpus.segmentation import segment_rows
    from qcode.store.bulk import insert_tuples

    rows = [(document_id, *row) for row in segment_rows(parsed.text, parsed.turns)]
    insert_tuples(session.connection(), Unit.__table__, _UNIT_COLUMNS, rows)  # type: ignore[arg-type]


_UNIT_COLUMNS = ("document_id", "kind", "number", "start", "end", "speaker", "timestamp")


def _case_id(
    session: Session, metadata: dict[str, Any], case_row: CaseRow | None, cases: CaseCache | None,
) -> int | None:
    """The id of the document's case (made if new): the cases file's row, else the front
    matter's `case` with its scalar values as attributes; None when it names no case."""
    if case_row is None:
        case_name = metadata.get("case")
        if case_name is None:
            return None
        attrs = {
            str(k): v for k, v in metadata.items() if k not in _DOCUMENT_KEYS and _scalar(v)
        }
        case_row = CaseRow(case=str(case_name), attributes={k: _text(v) for k, v in attrs.items()})
    return ensure_case(session, case_row, cases)


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
