"""Full-text search over sentence units: keyword in context, filterable by speaker, code and case.

Query language (shown by `qcode search --help`):

* `word another` — every word must occur in the same sentence, in any order;
* `"a phrase"` — these words next to each other in this order (punctuation between is ignored);
* `word*` — any word starting with `word`; `"a phra"*` makes the last word of a phrase a prefix;
* matching ignores case, and the diacritics of Latin letters (`cacak` finds `Čačak`, `dordevic`
  finds `Đorđević`); Cyrillic matches as written, case aside. Anything that is not a letter or a
  digit separates words, so operators such as `AND`, `NEAR` or `(` are plain words or ignored.

One row per matching sentence. Its match is the shortest stretch of the sentence holding every
term (for one term, its first occurrence), as exact code-point offsets into the document text:
the matcher runs on the stored text itself, each folded query letter widened to the characters
that fold to it (`c` -> `[cCçÇćĆčČ…]`, plus any combining marks after it), so a match never has
to be mapped back from a folded copy and emoji or Cyrillic nearby cannot shift it.

Why two engines and one matcher: on SQLite the FTS5 index (`qcode.store.fulltext`) narrows the
search to candidate sentences; elsewhere (PostgreSQL, or a SQLite without FTS5) a regular
expression over documents in SQL does. Either way every candidate is confirmed here, in Python,
on the stored text, so both backends give the same rows for the same query. The index is fed
`index_text()` — the tokens as cut and folded here — so it can only find more, never less.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, Select, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from qcode.corpus.text import _FOLDED_TOKEN, _LATIN, _MARKS, _SPECIALS, fold
from qcode.corpus.where import WhereLike, matching_documents
from qcode.errors import NotFoundError, UsageError
from qcode.store.id_lists import IdStatement
from qcode.store.models import Code, Coding, Document, Unit

DEFAULT_LIMIT = 50
CONTEXT = 40
MAX_TERMS = 32

_CHUNK = re.compile(r'"([^"]*)"?(\*?)|([^\s"]+)')
_BLANKS = str.maketrans({c: " " for c in "\n\r\t\v\f\x1c\x1d\x1e\x85\u2028\u2029"})


@dataclass(frozen=True)
class Term:
    """One search term: a word (one token), or a phrase; `prefix` applies to its last token."""

    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class SearchHit:
    document: str
    sentence: int
    turn: int | None
    line: int
    speaker: str | None
    start: int
    end: int
    left: str
    match: str
    right: str


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: list[SearchHit]
    total: int  # matching sentences before --limit
    documents: int  # documents with at least one
    engine: str  # "fts5" or "scan"


# --- folding and tokens -----------------------------------------------------------------------


def parse_query(query: str) -> list[Term]:
    """Split a query into terms; hostile syntax is just text, and a query with no words is refused."""
    if not query.strip():
        raise UsageError("empty search query", hint='give words, a "phrase" or a prefix*')
    terms: list[Term] = []
    for quoted, star, bare in _CHUNK.findall(query):
        raw = bare or quoted
        tokens = tuple(_FOLDED_TOKEN.findall(fold(raw)))
        if tokens:
            prefix = bool(star) or raw.rstrip().endswith("*")
            terms.append(Term(tokens, prefix))
    if not terms:
        raise UsageError(f"nothing to search for in `{query}`", hint="search for letters or digits")
    if len(terms) > MAX_TERMS:
        raise UsageError(f"too many search terms ({len(terms)}; at most {MAX_TERMS})")
    return list(dict.fromkeys(terms))


@functools.cache
def _inverse() -> dict[str, frozenset[str]]:
    """Folded character -> every character (ASCII, Latin blocks, specials) that folds to it."""
    found: dict[str, set[str]] = {}
    codepoints = [range(0x41, 0x5B), *(range(a, b) for a, b in _LATIN), map(ord, _SPECIALS)]
    for block in codepoints:
        for cp in block:
            folded = fold(chr(cp))
            if len(folded) == 1:
                found.setdefault(folded, set()).add(chr(cp))
    return {k: frozenset(v) for k, v in found.items()}


def _char_class(char: str) -> str:
    members = {char} | _inverse().get(char, frozenset())
    members |= {c for c in (char.upper(), char.title()) if len(c) == 1 and fold(c) == char}
    return "[" + "".join(re.escape(c) for c in sorted(members)) + "]"


def _token_pattern(token: str) -> str:
    return "".join(f"{_char_class(c)}[{_MARKS}]*" for c in token)


def term_pattern(term: Term) -> re.Pattern[str]:
    """A regular expression finding `term` in unfolded text, on word boundaries."""
    tokens = [_token_pattern(t) for t in term.tokens]
    if term.prefix:
        tokens[-1] += rf"(?:[^\W_]|[{_MARKS}])*"
    body = rf"(?:(?![{_MARKS}])[\W_])+".join(tokens)
    # The word-start check follows the first character, so the regex engine can skip ahead to
    # that character quickly (three times faster than a leading look-behind).
    head = _char_class(term.tokens[0][0])
    start_of_word = rf"(?<![^\W_].)(?<![{_MARKS}].)"
    return re.compile(head + start_of_word + body[len(head):] + rf"(?![^\W_])(?![{_MARKS}])")


def prefilter_patterns(terms: Sequence[Term]) -> list[str]:
    """Per token, a regular expression both Python and PostgreSQL read: documents must match all."""
    return list(dict.fromkeys(_token_pattern(t) for term in terms for t in term.tokens))


# --- the search ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    documents: set[int] | None  # None: every document
    regions: dict[int, list[tuple[int, int]]] | None  # coded spans per document, with --code


def search(
    session: Session,
    query: str,
    *,
    speaker: str | None = None,
    code: str | None = None,
    where: WhereLike = (),
    where_exact: bool = False,
    document: str | None = None,
    limit: int = DEFAULT_LIMIT,
    context: int = CONTEXT,
) -> SearchResult:
    """Sentences matching `query` (see the module docstring), in document order.

    `speaker` is compared case-insensitively; `code` is a codebook id (its descendants count);
    `where` holds case attributes as (name, value), checked and matched by `qcode.corpus.where`
    (values as written with `where_exact`); `limit` 0 returns every match.
    """
    if limit < 0:
        raise UsageError("--limit must be 0 (no limit) or more")
    terms = parse_query(query)
    scope = _scope(session, code=code, where=where, exact=where_exact, document=document)
    tally = _Tally(limit, context, [term_pattern(t) for t in terms], scope.regions,
                   speaker.casefold() if speaker else None)
    engine = _confirm(session, terms, scope.documents, tally)
    return SearchResult(query, _with_turns(session, tally.kept), tally.total, tally.documents,
                        engine)


class _Tally:
    """Candidates confirmed on the stored text as they stream past, in document order: every
    match counted, only the first `limit` kept (with their context, cut while the text is at
    hand)."""

    def __init__(self, limit: int, context: int, patterns: list[re.Pattern[str]],
                 regions: dict[int, list[tuple[int, int]]] | None, speaker: str | None) -> None:
        self.limit, self.context, self.patterns = limit, context, patterns
        self.regions, self.speaker = regions, speaker
        self.reset()

    def reset(self) -> None:
        self.kept: list[tuple[int, SearchHit]] = []  # (document id, hit)
        self.total, self.seen = 0, set[int]()
        self._line = (-1, 0, 1)  # document, offset, line there: lines counted once through a text

    @property
    def documents(self) -> int:
        return len(self.seen)

    def add(self, row: Sequence[Any], name: str, text: str) -> None:
        _, doc_id, number, start, end, who = row
        if self.speaker is not None and (who or "").casefold() != self.speaker:
            return
        regions = None if self.regions is None else self.regions[doc_id]
        window = match_window(text, start, end, self.patterns, regions)
        if window is None:
            return
        self.total += 1
        self.seen.add(doc_id)
        if self.limit and len(self.kept) >= self.limit:
            return
        low, high = window
        _doc, counted, line = self._line if self._line[0] == doc_id else (doc_id, 0, 1)
        line += text.count("\n", counted, low)
        self._line = (doc_id, low, line)
        context = self.context
        self.kept.append((doc_id, SearchHit(
            document=name, sentence=number, turn=None, line=line,
            speaker=who, start=low, end=high,
            left=text[max(0, low - context):low].translate(_BLANKS),
            match=text[low:high].translate(_BLANKS),
            right=text[high:high + context].translate(_BLANKS),
        )))


def match_window(
    text: str,
    start: int,
    end: int,
    patterns: Sequence[re.Pattern[str]],
    regions: Sequence[tuple[int, int]] | None = None,
) -> tuple[int, int] | None:
    """The shortest span of `text[start:end]` holding a match of every pattern (for one pattern,
    its first match), all inside one of `regions` when given."""
    # One character past the end lets the word-boundary check see a word that runs on.
    stop = min(len(text), end + 1)
    if len(patterns) == 1:
        for found in patterns[0].finditer(text, start, stop):
            span = found.span()
            if span[1] > end:
                break
            if regions is None or any(low <= span[0] and span[1] <= high for low, high in regions):
                return span
        return None
    if any(p.search(text, start, stop) is None for p in patterns):
        return None
    hits = [[m.span() for m in p.finditer(text, start, stop) if m.end() <= end] for p in patterns]
    best: tuple[int, int] | None = None
    for low, high in regions if regions is not None else [(start, end)]:
        if high <= start or low >= end:
            continue
        inside = [[h for h in term if low <= h[0] and h[1] <= high] for term in hits]
        window = _shortest(inside) if all(inside) else None
        if window and (best is None or (window[1] - window[0], window[0]) < (best[1] - best[0], best[0])):
            best = window
    return best


def _shortest(hits: list[list[tuple[int, int]]]) -> tuple[int, int] | None:
    best: tuple[int, int] | None = None
    for first in sorted({h[0] for term in hits for h in term}):
        ends = [min((e for s, e in term if s >= first), default=None) for term in hits]
        if None in ends:
            break
        window = (first, max(e for e in ends if e is not None))
        if best is None or window[1] - window[0] < best[1] - best[0]:
            best = window
    return best


ROWS = 5000  # candidate sentences fetched at a time


def _confirm(session: Session, terms: Sequence[Term], documents: set[int] | None,
             tally: _Tally) -> str:
    """Confirm every candidate sentence into `tally`: from the FTS index where there is one,
    else from a scan; which engine was used."""
    from qcode.store.fulltext import engine_name, is_ready, matching_ids

    query = (select(Unit.id, Unit.document_id, Unit.number, Unit.start, Unit.end, Unit.speaker)
             .join(Document, Document.id == Unit.document_id).where(Unit.kind == "sentence")
             .order_by(Document.name, Unit.start))
    if documents is not None:
        if not documents:
            return "scan"
        query = query.where(Unit.document_id.in_(sorted(documents)))
    connection = session.connection()
    if is_ready(connection):
        ids = matching_ids(connection, [(t.tokens, t.prefix) for t in terms])
        try:
            with connection.begin_nested():
                _stream(connection, query.where(Unit.id.in_(ids)), tally)
                return engine_name(connection)
        except (OperationalError, ProgrammingError):
            tally.reset()  # an expression the index refuses: the scan finds the same rows
    patterns = prefilter_patterns(terms)
    containing = select(Document.id).where(*(Document.text.regexp_match(p) for p in patterns))
    _stream(connection, query.where(Unit.document_id.in_(containing)), tally)
    return "scan"


def _stream(connection: Connection, query: Select[Any], tally: _Tally) -> None:
    """Candidates `ROWS` at a time, confirmed `TEXTS` documents at a time, each text read once
    for them and let go."""
    from qcode.corpus.documents import with_texts

    # Options on the statement: the connection's own would stay set for what follows.
    result = connection.execute(query.execution_options(yield_per=ROWS))
    for part in result.partitions(ROWS):
        for rows, texts in with_texts(connection, part, document=1):
            for row in rows:
                name, text = texts[row[1]]
                tally.add(row, name, text)


_TURNS = IdStatement(lambda among: select(Unit.document_id, Unit.start, Unit.end, Unit.number)
                     .where(Unit.kind == "turn", among(Unit.document_id))
                     .order_by(Unit.document_id, Unit.start, Unit.number))


def _with_turns(session: Session, kept: list[tuple[int, SearchHit]]) -> list[SearchHit]:
    """The kept hits with the number of the turn holding each."""
    doc_ids = sorted({doc_id for doc_id, _ in kept})
    turns: dict[int, tuple[list[int], list[tuple[int, int]]]] = {d: ([], []) for d in doc_ids}
    for doc_id, start, end, number in _TURNS.rows(session.connection(), doc_ids):
        turns[doc_id][0].append(start)
        turns[doc_id][1].append((end, number))
    return [replace(hit, turn=_turn_at(turns[doc_id], hit.start)) for doc_id, hit in kept]


def _turn_at(turns: tuple[list[int], list[tuple[int, int]]], offset: int) -> int | None:
    """The number of the turn holding `offset`, if any."""
    starts, rest = turns
    index = bisect_right(starts, offset) - 1
    if index >= 0 and offset < rest[index][0]:
        return rest[index][1]
    return None


# --- filters ------------------------------------------------------------------------------------


def _scope(
    session: Session, *, code: str | None, where: WhereLike, exact: bool, document: str | None
) -> _Scope:
    documents: set[int] | None = None
    if document is not None:
        from qcode.corpus.documents import resolve_document

        documents = {resolve_document(session, document).id}
    matching = matching_documents(session, where, exact=exact)
    if matching is not None:
        documents = matching if documents is None else documents & matching
    regions = None
    if code is not None:
        regions = _coded_regions(session, code)
        documents = set(regions) if documents is None else documents & set(regions)
    return _Scope(documents, regions)


def _coded_regions(session: Session, key: str) -> dict[int, list[tuple[int, int]]]:
    """Spans coded with `key` or any code below it, per document (orphaned codings left out)."""
    codes = session.execute(select(Code.id, Code.key, Code.parent_id)).all()
    root = next((code_id for code_id, code_key, _ in codes if code_key == key), None)
    if root is None:
        import difflib

        close = difflib.get_close_matches(key, sorted(k for _, k, _ in codes), n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else "run `qcode codebook show` for the ids"
        raise NotFoundError(f"no code `{key}`", hint=hint)
    children: dict[int | None, list[int]] = {}
    for code_id, _, parent in codes:
        children.setdefault(parent, []).append(code_id)
    ids, todo = set(), [root]
    while todo:
        current = todo.pop()
        if current not in ids:
            ids.add(current)
            todo.extend(children.get(current, []))
    regions: dict[int, list[tuple[int, int]]] = {}
    from qcode.store.visibility import visible

    # Only codings the person searching may see: in an open blind round, their own.
    rows = session.execute(visible(session, (
        select(Coding.document_id, Coding.start, Coding.end)
        .where(Coding.code_id.in_(sorted(ids)), Coding.anchor != "orphaned")
        .order_by(Coding.document_id, Coding.start, Coding.end)
    )))
    for doc_id, start, end in rows:
        regions.setdefault(doc_id, []).append((start, end))
    return regions
