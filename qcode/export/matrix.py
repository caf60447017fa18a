"""Case × code (or document × code) matrix: 1 where the code was applied, else 0; or the number
of codings. Every case (document) in scope has a row, zeros included, so the matrix joins
cleanly to case-level data for mixed-methods analysis; documents without a case share a row
with an empty `case`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from qcode.errors import UsageError
from qcode.export.frequencies import credits, value_sort_key
from qcode.export.scope import ExportFilter, chunks, in_where, resolve
from qcode.export.table import Table
from qcode.store.models import Coding

PER = ("case", "document")


def matrix(session: Session, flt: ExportFilter, *, per: str = "case", count: bool = False,
           rollup: bool = False) -> Table:
    if per not in PER:
        raise UsageError(f"--per takes {' or '.join(PER)}, not {per!r}")
    scope = resolve(session, flt)
    credit = credits(scope.codes, rollup)
    row_of = {doc.id: (doc.name, doc.case) if per == "document" else (doc.case,)
              for doc in scope.documents}
    rows: set[tuple[str | None, ...]] = {row_of[d.id] for d in scope.documents
                                         if in_where(scope, flt.where, d)}
    cells: dict[tuple[tuple[str | None, ...], int], int] = {}
    for part, _ in chunks(session, scope, [Coding.code_id]):
        for doc_id, _start, _end, code_id in part:
            row = row_of[doc_id]
            rows.add(row)
            for cid in credit.get(code_id, ()):
                key = (row, cid)
                cells[key] = cells.get(key, 0) + 1
    used = {cid for _, cid in cells}
    codes = [c for c in scope.codes if not c.retired or c.id in used]
    order = value_sort_key(r[0] for r in rows)
    ordered = sorted(rows, key=lambda r: order(r[0]))  # document names and cases are unique
    labels = ["document", "case"] if per == "document" else ["case"]
    body = [(*row, *((cells.get((row, c.id), 0) if count else int((row, c.id) in cells))
                     for c in codes)) for row in ordered]
    return Table("matrix", [*labels, *(c.key for c in codes)], body,
                 private=frozenset(range(len(labels))))
