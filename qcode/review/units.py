"""Units of analysis: from the coders' stored spans to the reliability data of qcode.agreement.

Every unit kind lays the compared documents' units end to end and numbers them globally, so
that one coders × units array holds a whole comparison:

* ``document``, ``turn``, ``paragraph``, ``sentence``, ``line``: the pre-cut units (a document
  is one unit). A code is present in a unit when one of the coder's spans of it overlaps the
  unit by at least one character. The units of all compared documents come from one query per
  kind and each span is placed by binary search on its document's unit bounds.
* ``character``: every character of a compared document is a unit, as NVivo's coding
  comparison counts (its percent agreement and Cohen's kappa are those of the 2 × 2 table of
  characters coded / not coded by each coder).
* ``segment`` and ``continuum`` keep the spans themselves: see :mod:`qcode.review.segments`.

In the per-code reading each variable is binary (1 applied, 0 not). In the domain reading the
unit's value is the child of the domain the coder applied there; a unit the coder left without
any child is the value ``none`` (``uncoded="none"``) or missing (``uncoded="missing"``). A coder
who put two different children on one unit is listed in ``conflicts``, and that unit is
missing for that coder: it is reported, never settled by picking one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import UsageError
from qcode.review.scope import DocInfo, Scope
from qcode.store.models import Unit

PREDEFINED = ("document", "turn", "paragraph", "sentence", "line")
UNITS = (*PREDEFINED, "character", "segment", "continuum")
UNCODED = ("none", "missing")
NONE = "none"
PREFIX = {"document": "d", "turn": "t", "paragraph": "p", "sentence": "s", "line": "l"}


def check_unit(kind: str) -> str:
    if kind not in UNITS:
        raise UsageError(f"--unit takes {', '.join(UNITS)}; got {kind!r}")
    return kind


@dataclass(frozen=True, eq=False)
class Units:
    """The units of one comparison, numbered globally across its documents.

    ``offsets[d]`` is the global index of document ``d``'s first unit (``offsets[-1]`` the
    total). For pre-cut kinds ``number``, ``start`` and ``end`` give each unit's number within
    its document and its span; for ``character`` they are ``None`` (unit ``i`` of document
    ``d`` is the character at offset ``i - offsets[d]``).
    """

    kind: str
    documents: tuple[DocInfo, ...]
    offsets: np.ndarray
    number: np.ndarray | None = None
    start: np.ndarray | None = None
    end: np.ndarray | None = None

    @property
    def size(self) -> int:
        return int(self.offsets[-1])

    def document_of(self, index: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.offsets, index, side="right") - 1

    def locate(self, doc: int, start: int, end: int) -> tuple[int, int]:
        """Global index range [lo, hi) of the units a span [start, end) overlaps."""
        base = int(self.offsets[doc])
        if self.start is None or self.end is None:
            return base + start, base + end
        stop = int(self.offsets[doc + 1])
        lo = base + int(np.searchsorted(self.end[base:stop], start, side="right"))
        hi = base + int(np.searchsorted(self.start[base:stop], end, side="left"))
        return lo, max(lo, hi)

    def bounds(self, index: int) -> tuple[int, int, int]:
        """(document position, start, end) of global unit ``index``."""
        doc = int(self.document_of(np.asarray([index]))[0])
        if self.start is None or self.end is None:
            offset = index - int(self.offsets[doc])
            return doc, offset, offset + 1
        return doc, int(self.start[index]), int(self.end[index])

    def label(self, index: int) -> str:
        """``t14``, ``l40``, ``d`` (a whole document) or ``c120`` (one character)."""
        if self.number is None:
            return f"c{index - int(self.offsets[self.document_of(np.asarray([index]))[0]])}"
        if self.kind == "document":
            return "d"
        return f"{PREFIX[self.kind]}{int(self.number[index])}"


def load_units(session: Session, scope: Scope, kind: str) -> Units:
    """The units of ``kind`` of the scope's documents (one query for the pre-cut kinds)."""
    docs = scope.documents
    if kind == "character":
        lengths = np.asarray([d.length for d in docs], dtype=np.int64)
        return Units(kind, docs, np.concatenate([[0], np.cumsum(lengths)]))
    if kind == "document":
        n = len(docs)
        return Units(kind, docs, np.arange(n + 1, dtype=np.int64), np.ones(n, dtype=np.int64),
                     np.zeros(n, dtype=np.int64),
                     np.asarray([d.length for d in docs], dtype=np.int64))  # fmt: skip
    if kind not in PREDEFINED:
        raise UsageError(f"{kind} units keep the coders' spans; they have no pre-cut units")
    ids = [d.id for d in docs]
    values: list[int] = []
    for chunk in range(0, len(ids), 900):
        # Plain ints straight into one flat list: numpy probing every result row for the array
        # protocol costs more than the query itself.
        for row in session.execute(
            select(Unit.document_id, Unit.number, Unit.start, Unit.end)
            .where(Unit.kind == kind, Unit.document_id.in_(ids[chunk : chunk + 900]))
        ).tuples():  # fmt: skip
            values.extend(row)
    arr = np.asarray(values, dtype=np.int64).reshape(-1, 4)
    by_id = np.argsort(np.asarray(ids, dtype=np.int64))
    position = by_id[np.searchsorted(np.asarray(ids, dtype=np.int64)[by_id], arr[:, 0])]
    order = np.lexsort((arr[:, 3], arr[:, 2], position))
    arr, position = arr[order], position[order]
    counts = np.bincount(position, minlength=len(docs))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return Units(kind, docs, offsets, arr[:, 1], arr[:, 2], arr[:, 3])


def _ranges(scope: Scope, units: Units) -> Iterator[tuple[int, int, int, int, str]]:
    """(coder index, document position, lo, hi, variable) for every span of the scope."""
    for d, doc in enumerate(scope.documents):
        for i, spans in enumerate(scope.spans[doc.id]):
            for start, end, variable in spans:
                lo, hi = units.locate(d, start, end)
                if hi > lo:
                    yield i, d, lo, hi, variable


def binary_data(scope: Scope, units: Units) -> dict[str, np.ndarray]:
    """Per-code reading: for each variable, a coders × units int8 array (1 applied, 0 not)."""
    m = len(scope.coders)
    out = {v: np.zeros((m, units.size), dtype=np.int8) for v in scope.variables}
    for i, _, lo, hi, variable in _ranges(scope, units):
        if variable in out:
            out[variable][i, lo:hi] = 1
    return out


@dataclass(frozen=True)
class Conflict:
    """A coder who applied two or more values of one domain to the same unit."""

    document: str
    coder: str
    unit: str
    codes: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class DomainData:
    """Domain reading: coders × units float array of category indices, NaN where missing.

    ``categories[k]`` names index ``k``: ``none`` first when ``uncoded="none"``, then the
    domain's values in codebook order.
    """

    values: np.ndarray
    categories: tuple[str, ...]
    conflicts: tuple[Conflict, ...] = field(default=())


def domain_data(scope: Scope, units: Units, uncoded: str = "none") -> DomainData:
    if uncoded not in UNCODED:
        raise UsageError(f"--uncoded takes none or missing; got {uncoded!r}")
    m, n = len(scope.coders), units.size
    index = {v: k + 1 for k, v in enumerate(scope.variables)}
    value = np.zeros((m, n), dtype=np.int64)  # 0: no value of the domain
    clash = np.zeros((m, n), dtype=bool)
    for i, _, lo, hi, variable in _ranges(scope, units):
        k = index[variable]
        seg = value[i, lo:hi]
        clash[i, lo:hi] |= (seg != 0) & (seg != k)
        seg[seg == 0] = k
    out = value.astype(np.float64)
    if uncoded == "missing":
        out[value == 0] = np.nan
        out -= 1.0
        categories = scope.variables
    else:
        categories = (NONE, *scope.variables)
    out[clash] = np.nan
    return DomainData(out, tuple(categories), _conflicts(scope, units, clash))


def _conflicts(scope: Scope, units: Units, clash: np.ndarray) -> tuple[Conflict, ...]:
    found: list[Conflict] = []
    for i, coder in enumerate(scope.coders):
        hits = np.flatnonzero(clash[i])
        if not hits.size:
            continue
        # Consecutive clashing units of one document are one conflict (a run of characters).
        docs = units.document_of(hits)
        breaks = np.flatnonzero((np.diff(hits) != 1) | (np.diff(docs) != 0)) + 1
        for run in np.split(hits, breaks):
            doc, start, _ = units.bounds(int(run[0]))
            _, _, end = units.bounds(int(run[-1]))
            label = units.label(int(run[0]))
            if units.number is None:
                label = f"c{start}-{end}"
            elif run.size > 1:
                label += f"-{units.label(int(run[-1]))}"
            info = scope.documents[doc]
            codes = sorted({v for s, e, v in scope.spans[info.id][i] if s < end and e > start})
            found.append(Conflict(info.name, coder, label, tuple(codes)))
    return tuple(found)
