"""Coding by pattern: every sentence, turn or paragraph whose text matches gets a code.

The whole run is one batch of `autocode` events, so one `qcode undo` takes all of it back.
A unit already coded with the code by the coder is counted, not duplicated. A paragraph that
opens with a speaker label is coded from where the speech starts, like turns and sentences.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.coding.targets import Span
from qcode.corpus.where import WhereLike, matching_cases
from qcode.errors import UsageError
from qcode.store.models import Code, Coder, Coding, Document, Unit

UNITS = ("sentence", "turn", "paragraph")


@dataclass(frozen=True)
class AutocodeScope:
    unit: str = "sentence"
    documents: tuple[str, ...] = ()  # names (or stems, or unique prefixes); empty: all
    where: WhereLike = ()  # case attributes, checked and matched by `qcode.corpus.where`
    where_exact: bool = False
    speakers: tuple[str, ...] = ()  # case-insensitive; empty: every unit, with or without speaker


@dataclass(frozen=True)
class AutocodeMatch:
    document: str
    kind: str
    number: int
    start: int
    end: int
    speaker: str | None
    text: str
    status: str  # new | existing


@dataclass
class AutocodeResult:
    code: str
    coder: str
    matches: list[AutocodeMatch] = field(default_factory=list)
    dry_run: bool = False
    unit: str = "sentence"

    @property
    def documents(self) -> int:
        return len({m.document for m in self.matches})

    @property
    def created(self) -> int:
        return sum(m.status == "new" for m in self.matches)

    @property
    def existing(self) -> int:
        return sum(m.status == "existing" for m in self.matches)


def build_pattern(
    pattern: str | None, words: str | None, *, case_sensitive: bool = False
) -> re.Pattern[str]:
    """A compiled matcher from `--pattern REGEX` or `--words a,b,c` (whole words, any of them)."""
    if (pattern is None) == (words is None):
        raise UsageError("give either --pattern REGEX or --words a,b,c")
    flags = 0 if case_sensitive else re.IGNORECASE
    if words is not None:
        items = [w.strip() for w in words.split(",") if w.strip()]
        if not items:
            raise UsageError("--words is empty: give words separated by commas, e.g. cousin,diaspora")
        alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in items)
        pattern = rf"(?<!\w)(?:{alternatives})(?!\w)"
    assert pattern is not None
    try:
        compiled = re.compile(pattern, flags)
    except re.error as exc:
        raise UsageError(f"--pattern is not a valid regular expression: {exc}") from exc
    if compiled.search("") is not None:
        raise UsageError("--pattern matches empty text, so it would code every unit; make it stricter")
    return compiled


BATCH = 50  # documents read (texts, units, existing codings) and written a statement at a time


def _documents(session: Session, scope: AutocodeScope) -> list[tuple[int, str]]:
    """(id, name) of the documents in scope, by name."""
    from qcode.corpus.documents import resolve_document

    query = select(Document.id, Document.name)
    if scope.documents:
        found = {d.id for d in (resolve_document(session, ref) for ref in scope.documents)}
        query = query.where(Document.id.in_(sorted(found)))
    cases = matching_cases(session, scope.where, exact=scope.where_exact)
    if cases is not None:
        query = query.where(Document.case_id.in_(sorted(cases)))
    return [(id_, name) for id_, name in session.execute(query.order_by(Document.name)).all()]


@dataclass
class _Batch:
    """What one batch of documents holds: texts, units of the kind asked for, turn starts (for
    paragraphs) and the spans the coder already coded with the code."""

    texts: dict[int, str]
    units: dict[int, list[tuple[int, int, int, str | None]]]  # number, start, end, speaker
    turn_starts: dict[int, list[int]]
    existing: set[tuple[int, int, int]]  # document, start, end


def _read(session: Session, ids: list[int], scope: AutocodeScope, code: Code,
          coder: Coder | None) -> _Batch:
    connection = session.connection()
    texts = dict(connection.execute(
        select(Document.id, Document.text).where(Document.id.in_(ids))).tuples().all())
    units: dict[int, list[tuple[int, int, int, str | None]]] = {i: [] for i in ids}
    wanted = {s.casefold() for s in scope.speakers}
    for doc_id, number, start, end, speaker in connection.execute(
        select(Unit.document_id, Unit.number, Unit.start, Unit.end, Unit.speaker)
        .where(Unit.document_id.in_(ids), Unit.kind == scope.unit)
        .order_by(Unit.document_id, Unit.number)
    ):
        if not wanted or (speaker and speaker.casefold() in wanted):
            units[doc_id].append((number, start, end, speaker))
    turn_starts: dict[int, list[int]] = {i: [] for i in ids}
    if scope.unit == "paragraph":
        for doc_id, start in connection.execute(
            select(Unit.document_id, Unit.start).where(Unit.document_id.in_(ids), Unit.kind == "turn")
            .order_by(Unit.document_id, Unit.start)
        ):
            turn_starts[doc_id].append(start)
    existing: set[tuple[int, int, int]] = set()
    if coder is not None and coder.id is not None:
        existing = {(d, s, e) for d, s, e in connection.execute(
            select(Coding.document_id, Coding.start, Coding.end).where(
                Coding.document_id.in_(ids), Coding.code_id == code.id,
                Coding.coder_id == coder.id, Coding.layer == "coding"))}
    return _Batch(texts, units, turn_starts, existing)


def _spans(batch: _Batch, doc_id: int) -> list[tuple[int, str | None, Span]]:
    """(number, speaker, span) of the document's units in scope, labels left out."""
    turn_starts = batch.turn_starts[doc_id]
    spans = []
    for number, unit_start, unit_end, speaker in batch.units[doc_id]:
        start = unit_start
        # A turn starting inside the paragraph means the paragraph opens with its label.
        i = bisect.bisect_right(turn_starts, unit_start)
        if i < len(turn_starts) and turn_starts[i] < unit_end:
            start = turn_starts[i]
        if start < unit_end:
            spans.append((number, speaker, Span(start, unit_end)))
    return spans


def autocode(
    session: Session,
    code: Code,
    coder_name: str,
    matcher: re.Pattern[str],
    scope: AutocodeScope,
    *,
    batch: str,
    dry_run: bool = False,
) -> AutocodeResult:
    """Code every unit in scope whose text `matcher` finds something in: a few dozen documents
    read a statement at a time, and their new codings written together (one compact event per
    chunk, `coding.bulk.write_codings`)."""
    from qcode.coding.coders import get_or_create_coder

    if scope.unit not in UNITS:
        raise UsageError(f"--unit takes {', '.join(UNITS)}, not {scope.unit!r}")
    coder: Coder | None
    if dry_run:
        coder = session.execute(select(Coder).where(Coder.name == coder_name)).scalar()
    else:
        coder = get_or_create_coder(session, coder_name)
        session.flush()
    result = AutocodeResult(code=code.key, coder=coder_name, dry_run=dry_run, unit=scope.unit)
    documents = _documents(session, scope)
    for first in range(0, len(documents), BATCH):
        part = documents[first:first + BATCH]
        read = _read(session, [doc_id for doc_id, _ in part], scope, code, coder)
        fresh = [m for doc_id, name in part for m in _matches(read, doc_id, name, matcher, result)]
        if fresh and not dry_run:
            assert coder is not None
            _write(session, fresh, dict(part), code, coder, batch=batch)
    return result


def _matches(read: _Batch, doc_id: int, name: str, matcher: re.Pattern[str],
             result: AutocodeResult) -> list[tuple[int, int, int]]:
    """Record the document's matching units in `result`; (document, start, end) of new ones."""
    text = read.texts[doc_id]
    fresh = []
    for number, speaker, span in _spans(read, doc_id):
        # The unit's own text, so `^`, `$` and lookarounds see the unit's edges.
        if matcher.search(text[span.start:span.end]) is None:
            continue
        new = (doc_id, span.start, span.end) not in read.existing
        if new:
            read.existing.add((doc_id, span.start, span.end))
            fresh.append((doc_id, span.start, span.end))
        result.matches.append(AutocodeMatch(
            name, result.unit, number, span.start, span.end, speaker, text[span.start:span.end],
            "new" if new else "existing",
        ))
    return fresh


def _write(session: Session, fresh: list[tuple[int, int, int]], names: dict[int, str],
           code: Code, coder: Coder, *, batch: str) -> None:
    from qcode.coding.bulk_write import Names, NewRow, write_codings

    rows = [(NewRow(doc_id, code.id, coder.name, start, end, None), coder)
            for doc_id, start, end in fresh]
    write_codings(session, rows, Names([], names, {code.id: code.key}), actor=coder.name,
                  batch=batch, action="autocode")
