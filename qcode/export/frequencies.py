"""Code frequencies by group: how often, in how many documents or cases, in how many words.

Tidy (long) by default: one row per group and code, with the group column(s), `code`,
`code_path` and `count` (Wickham 2014, "Tidy data", J. Stat. Softw. 59(10)). Every code in scope
appears for every group, zeros included, so a code nobody applied in a sector still has its row;
a retired code appears only where it has codings. `--wide` gives codes × groups instead.

What is counted:
- `codings`: codings of the code;
- `documents`, `cases`: distinct documents (cases) with at least one such coding;
- `words`: words of text the code covers, overlapping codings counted once (words as
  `qcode docs` counts them).
With `rollup`, a code counts its own codings and those of every code below it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import UsageError
from qcode.export.scope import (
    CodeNode,
    DocumentInfo,
    ExportFilter,
    Scope,
    check_attribute,
    chunks,
    in_where,
    resolve,
)
from qcode.export.table import Table
from qcode.store.models import Coder, Coding, Document

COUNTS = ("codings", "documents", "cases", "words")
BUILT_IN = ("code", "document", "case", "coder")
_RESERVED = {"code", "code_path", "count", "document", "case", "coder"}
NONE_LABEL = "(none)"  # a wide table's heading for documents without a case or attribute value

GroupKey = tuple[Any, ...]
Key = tuple[GroupKey, int]


@dataclass(frozen=True)
class Dimension:
    kind: str  # document, case, coder or attribute
    name: str  # the column heading
    attribute: str | None = None

    def of(self, doc: DocumentInfo, scope: Scope) -> str | None:
        if self.kind == "document":
            return doc.name
        if self.kind == "case":
            return doc.case
        return scope.attributes(doc.case_id).get(self.attribute or "")


def dimensions(scope: Scope, by: Sequence[str]) -> list[Dimension]:
    """`--by` values (repeatable or comma-separated) as group dimensions; `code` alone adds none."""
    out: list[Dimension] = []
    for item in (part.strip() for value in by for part in value.split(",")):
        if not item or item == "code":
            continue
        if item in BUILT_IN:
            dim = Dimension(item, item)
        else:
            name = check_attribute(scope, item)
            dim = Dimension("attribute", f"case_{name}" if name in _RESERVED else name, name)
        if dim not in out:
            out.append(dim)
    return out


@dataclass
class _Counter:
    """Counts per (group, code) for one `--count`; rows arrive grouped by document."""

    kind: str
    words_of: Callable[[int, list[tuple[int, int]]], int]
    counts: dict[Key, int] = field(default_factory=dict)
    _last: dict[Key, int] = field(default_factory=dict)
    _cases: set[tuple[Key, int]] = field(default_factory=set)
    _spans: dict[Key, list[tuple[int, int]]] = field(default_factory=dict)
    _doc: int | None = None

    def add(self, key: Key, doc_id: int, case_id: int | None, start: int, end: int) -> None:
        if self.kind == "codings":
            self.counts[key] = self.counts.get(key, 0) + 1
        elif self.kind == "documents":
            if self._last.get(key) != doc_id:
                self._last[key] = doc_id
                self.counts[key] = self.counts.get(key, 0) + 1
        elif self.kind == "cases":
            if case_id is not None:
                self._cases.add((key, case_id))
        else:
            if doc_id != self._doc:
                self.flush()
                self._doc = doc_id
            self._spans.setdefault(key, []).append((start, end))

    def flush(self) -> None:
        """Count the words of the document just read (its spans are dropped after)."""
        if self._doc is not None:
            for key, spans in self._spans.items():
                self.counts[key] = self.counts.get(key, 0) + self.words_of(self._doc, spans)
        self._spans.clear()

    def result(self) -> dict[Key, int]:
        self.flush()
        for key, _ in self._cases:
            self.counts[key] = self.counts.get(key, 0) + 1
        self._cases.clear()
        return self.counts


def merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _words_counter(session: Session) -> Callable[[int, list[tuple[int, int]]], int]:
    from qcode.corpus.importing import count_words

    cache: dict[int, str] = {}

    def words_of(doc_id: int, spans: list[tuple[int, int]]) -> int:
        if doc_id not in cache:
            cache.clear()  # one document's text at a time
            cache[doc_id] = session.execute(
                select(Document.text).where(Document.id == doc_id)).scalar_one()
        text = cache[doc_id]
        return sum(count_words(text[start:end]) for start, end in merged(spans))

    return words_of


def credits(codes: Sequence[CodeNode], rollup: bool) -> dict[int, tuple[int, ...]]:
    """The codes a coding of each code counts for: itself, and with `rollup` those above it."""
    ids = {code.id for code in codes}
    if not rollup:
        return {code.id: (code.id,) for code in codes}
    return {code.id: (code.id, *(a for a in code.ancestors if a in ids)) for code in codes}


def frequencies(session: Session, flt: ExportFilter, *, by: Sequence[str] = ("code",),
                count: str = "codings", rollup: bool = False, wide: bool = False) -> Table:
    if count not in COUNTS:
        raise UsageError(f"--count takes {', '.join(COUNTS)}, not {count!r}")
    scope = resolve(session, flt)
    dims = dimensions(scope, by)
    counter = _Counter(count, _words_counter(session) if count == "words" else lambda d, s: 0)
    groups = _count(session, scope, dims, counter, credits(scope.codes, rollup), flt)
    counts = counter.result()
    used = {cid for (_, cid), n in counts.items() if n}
    codes = [c for c in scope.codes if not c.retired or c.id in used]
    ordered = sorted(groups, key=group_sort_key(dims, groups))
    if wide:
        return _wide(dims, ordered, codes, counts)
    columns = [d.name for d in dims] + ["code", "code_path", "count"]
    rows = [(*group, code.key, code.path_text, counts.get((group, code.id), 0))
            for group in ordered for code in codes]
    return Table("frequencies", columns, rows, private=frozenset(range(len(dims))))


def _count(session: Session, scope: Scope, dims: list[Dimension], counter: _Counter,
           credit: dict[int, tuple[int, ...]], flt: ExportFilter) -> set[GroupKey]:
    """Feed every coding to the counter; return the groups: those of every document in scope
    (so zeros are listed), and any a coding fell into."""
    coder_at = next((i for i, d in enumerate(dims) if d.kind == "coder"), None)
    doc_dims = [d for d in dims if d.kind != "coder"]
    docs = {doc.id: doc for doc in scope.documents}
    doc_keys = {doc.id: tuple(d.of(doc, scope) for d in doc_dims) for doc in scope.documents}
    wanted = {doc.id for doc in scope.documents if in_where(scope, flt.where, doc)}
    groups: set[GroupKey] = set()
    coders: set[str] = set()
    for part, _ in chunks(session, scope, [Coding.code_id, Coder.name]):
        for doc_id, start, end, code_id, coder in part:
            key = doc_keys[doc_id]
            if coder_at is not None:
                key = (*key[:coder_at], coder, *key[coder_at:])
                coders.add(coder)
            groups.add(key)
            wanted.add(doc_id)
            case_id = docs[doc_id].case_id
            for cid in credit.get(code_id, ()):
                counter.add((key, cid), doc_id, case_id, start, end)
    if coder_at is None:
        groups.update(doc_keys[d] for d in wanted)
    else:
        if flt.coder is not None and not coders:
            coders.add(flt.coder)
        groups.update((*doc_keys[d][:coder_at], c, *doc_keys[d][coder_at:])
                      for d in wanted for c in coders)
    return groups


def value_sort_key(values: Iterable[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """Numbers in numeric order when every value is one, else text ignoring case; empty last."""
    present = [v for v in values if v is not None]

    def number(v: Any) -> float | None:
        try:
            return float(v)
        except (TypeError, ValueError):
            return None

    numeric = bool(present) and all(number(v) is not None for v in present)
    if numeric:
        return lambda v: (1, 0.0, "") if v is None else (0, number(v), str(v))
    return lambda v: (1, "", "") if v is None else (0, str(v).casefold(), str(v))


def group_sort_key(dims: list[Dimension],
                   groups: Iterable[GroupKey]) -> Callable[[GroupKey], tuple[Hashable, ...]]:
    groups = list(groups)
    keys = [value_sort_key(g[i] for g in groups) for i in range(len(dims))]
    return lambda g: tuple(k(v) for k, v in zip(keys, g, strict=True))


def _wide(dims: list[Dimension], groups: list[GroupKey], codes: list[CodeNode],
          counts: dict[Key, int]) -> Table:
    headings = [" / ".join(NONE_LABEL if v is None else str(v) for v in g) for g in groups]
    if not dims:
        headings = ["count"]
    rows = [(code.key, code.path_text, *(counts.get((g, code.id), 0) for g in groups))
            for code in codes]
    return Table("frequencies", ["code", "code_path", *headings], rows,
                 private_header=frozenset(range(2, 2 + len(headings))) if dims else frozenset())
