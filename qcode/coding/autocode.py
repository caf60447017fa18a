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


def _documents(session: Session, scope: AutocodeScope) -> list[Document]:
    from qcode.corpus.documents import resolve_document

    if scope.documents:
        found = {d.id: d for d in (resolve_document(session, ref) for ref in scope.documents)}
        query = select(Document).where(Document.id.in_(found))
    else:
        query = select(Document)
    cases = matching_cases(session, scope.where, exact=scope.where_exact)
    if cases is not None:
        query = query.where(Document.case_id.in_(sorted(cases)))
    return list(session.execute(query.order_by(Document.name)).scalars())


def _spans(session: Session, doc: Document, scope: AutocodeScope) -> list[tuple[Unit, Span]]:
    """The document's units of the chosen kind, by the chosen speakers, labels left out."""
    units = list(session.execute(
        select(Unit).where(Unit.document_id == doc.id, Unit.kind == scope.unit).order_by(Unit.number)
    ).scalars())
    wanted = {s.casefold() for s in scope.speakers}
    if wanted:
        units = [u for u in units if u.speaker and u.speaker.casefold() in wanted]
    turn_starts: list[int] = []
    if scope.unit == "paragraph":
        turn_starts = list(session.execute(
            select(Unit.start).where(Unit.document_id == doc.id, Unit.kind == "turn")
            .order_by(Unit.start)
        ).scalars())
    spans = []
    for unit in units:
        start = unit.start
        # A turn starting inside the paragraph means the paragraph opens with its label.
        i = bisect.bisect_right(turn_starts, unit.start)
        if i < len(turn_starts) and turn_starts[i] < unit.end:
            start = turn_starts[i]
        if start < unit.end:
            spans.append((unit, Span(start, unit.end)))
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
    """Code every unit in scope whose text `matcher` finds something in."""
    from qcode.coding.bulk import insert_coding
    from qcode.coding.coders import get_or_create_coder

    if scope.unit not in UNITS:
        raise UsageError(f"--unit takes {', '.join(UNITS)}, not {scope.unit!r}")
    coder: Coder | None
    if dry_run:
        coder = session.execute(select(Coder).where(Coder.name == coder_name)).scalar()
    else:
        coder = get_or_create_coder(session, coder_name)
    result = AutocodeResult(code=code.key, coder=coder_name, dry_run=dry_run)
    for doc in _documents(session, scope):
        existing = _existing(session, doc, code, coder)
        for unit, span in _spans(session, doc, scope):
            # The unit's own text, so `^`, `$` and lookarounds see the unit's edges.
            if matcher.search(doc.text[span.start:span.end]) is None:
                continue
            new = (span.start, span.end) not in existing
            if new and not dry_run:
                assert coder is not None
                insert_coding(session, doc, span.start, span.end, code, coder, memo=None,
                              actor=coder.name, action="autocode", batch=batch)
                existing.add((span.start, span.end))
            result.matches.append(AutocodeMatch(
                doc.name, unit.kind, unit.number, span.start, span.end, unit.speaker,
                doc.text[span.start:span.end], "new" if new else "existing",
            ))
    return result


def _existing(session: Session, doc: Document, code: Code, coder: Coder | None) -> set[tuple[int, int]]:
    if coder is None:
        return set()
    rows = session.execute(select(Coding.start, Coding.end).where(
        Coding.document_id == doc.id, Coding.code_id == code.id, Coding.coder_id == coder.id,
        Coding.layer == "coding",
    )).all()
    return {(start, end) for start, end in rows}
