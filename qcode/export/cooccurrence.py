"""Code co-occurrence: for each pair of codes, the number of units (turns, paragraphs,
sentences or whole documents) to which both were applied.

A code is applied to a unit when one of its codings overlaps the unit's span. The table is
square and symmetric, codes in codebook order; the diagonal is the number of units each code was
applied to. `jaccard` gives |A∩B| / |A∪B| = n_ab / (n_a + n_b − n_ab) instead (Jaccard 1912,
"The distribution of the flora in the alpine zone", New Phytologist 11(2): 37–50), blank where
neither code was applied. Codings of every coder in scope count together; filter with `--coder`
for one coder's view.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import UsageError
from qcode.export.scope import ExportFilter, chunks, resolve
from qcode.export.table import Table
from qcode.store.models import Coding, Unit

UNITS = ("turn", "paragraph", "sentence", "document")


class _Units:
    """The units of one kind in one document, to find those a span overlaps."""

    def __init__(self, spans: list[tuple[int, int, int]]) -> None:
        self.starts = [s for s, _, _ in spans]
        self.ends = [e for _, e, _ in spans]
        self.numbers = [n for _, _, n in spans]

    def overlapping(self, start: int, end: int) -> Iterable[int]:
        index = max(bisect.bisect_right(self.starts, start) - 1, 0)
        while index < len(self.starts) and self.starts[index] < end:
            if self.ends[index] > start:
                yield self.numbers[index]
            index += 1


def _units(session: Session, doc_id: int, kind: str) -> _Units:
    rows = session.execute(
        select(Unit.start, Unit.end, Unit.number)
        .where(Unit.document_id == doc_id, Unit.kind == kind).order_by(Unit.start)
    ).tuples().all()
    return _Units(list(rows))


def cooccurrence(session: Session, flt: ExportFilter, *, unit: str = "turn",
                 jaccard: bool = False) -> Table:
    if unit not in UNITS:
        raise UsageError(f"--unit takes {', '.join(UNITS)}, not {unit!r}")
    scope = resolve(session, flt)
    index = {code.id: i for i, code in enumerate(scope.codes)}
    size = len(scope.codes)
    both = [[0] * size for _ in range(size)]
    applied: dict[int, set[int]] = {}  # unit number → codes, for the document being read
    current: tuple[int, _Units | None] | None = None

    def close() -> None:
        for codes in applied.values():
            ordered = sorted(codes)
            for i, a in enumerate(ordered):
                for b in ordered[i:]:
                    both[a][b] += 1
        applied.clear()

    for part, _ in chunks(session, scope, [Coding.code_id]):
        for doc_id, start, end, code_id in part:
            if current is None or current[0] != doc_id:
                close()
                current = (doc_id, None if unit == "document" else _units(session, doc_id, unit))
            code = index[code_id]
            numbers = (0,) if current[1] is None else current[1].overlapping(start, end)
            for number in numbers:
                applied.setdefault(number, set()).add(code)
    close()
    for a in range(size):
        for b in range(a):
            both[a][b] = both[b][a]
    cells: list[list[int | float | None]] = [list(r) for r in both]
    if jaccard:
        cells = [[_jaccard(both[a][b], both[a][a], both[b][b]) for b in range(size)]
                 for a in range(size)]
    # A retired code is listed only where it was applied.
    kept = [i for i, code in enumerate(scope.codes) if not code.retired or both[i][i]]
    keys = [scope.codes[i].key for i in kept]
    rows = [(scope.codes[a].key, *(cells[a][b] for b in kept)) for a in kept]
    return Table("cooccurrence", ["code", *keys], rows)


def _jaccard(n_ab: int, n_a: int, n_b: int) -> float | None:
    union = n_a + n_b - n_ab
    return n_ab / union if union else None
