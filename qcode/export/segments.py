"""The quote table: one row per coding, with everything needed to cite and analyse it.

Columns: `document`, `case` and each case attribute (sorted by name), `speaker`, `turn`,
`line_start`, `line_end` (as `qcode show` numbers them), `start`, `end` (code points), `code`,
`level_1`…`level_N` (the code's path from the top of the codebook, one level a column, blank
below its depth), `coder`, `text` (the quote; left out under `no_text`) and `memo`. Rows are in
the order `qcode codings` lists them, written as they are read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import QueryableAttribute, Session

from qcode.export.scope import ExportFilter, Scope, chunks, resolve
from qcode.export.table import Table
from qcode.store.models import Coder, Coding

_FIXED = ("document", "case", "speaker", "turn", "line_start", "line_end", "start", "end", "code",
          "coder", "text", "memo")


def segments(session: Session, flt: ExportFilter, *, no_text: bool = False) -> Table:
    scope = resolve(session, flt)
    attributes = [f"case_{a}" if a in _FIXED or a.startswith("level_") else a
                  for a in scope.attribute_names]
    levels = [f"level_{n}" for n in range(1, max(scope.depth, 1) + 1)]
    columns = ["document", "case", *attributes, "speaker", "turn", "line_start", "line_end",
               "start", "end", "code", *levels, "coder", *([] if no_text else ["text"]), "memo"]
    at = {name: i for i, name in enumerate(columns)}
    private = {at["document"], at["case"], at["speaker"], at["coder"], at["memo"],
               *(at[a] for a in attributes)}
    if not no_text:
        private.add(at["text"])
    numbers = {at[n] for n in ("turn", "line_start", "line_end", "start", "end")}
    varying = {at["memo"]} | (set() if no_text else {at["text"]})
    text = frozenset(set(range(len(columns))) - numbers)
    return Table("segments", columns, _rows(session, scope, len(levels), no_text),
                 private=frozenset(private), text=text, repeated=text - varying)


def _rows(session: Session, scope: Scope, depth: int, no_text: bool) -> Iterator[tuple[Any, ...]]:
    documents = {
        doc.id: (doc.name, doc.case,
                 *(scope.attributes(doc.case_id).get(a) for a in scope.attribute_names))
        for doc in scope.documents
    }
    codes = {code.id: (code.key, *code.path, *([None] * (depth - len(code.path))))
             for code in scope.codes}
    from qcode.coding.memos import coding_memo_texts

    extra: list[QueryableAttribute[Any]] = [Coding.code_id, Coder.name, Coding.id]
    if not no_text:
        extra.append(Coding.quote)
    for part, units in chunks(session, scope, extra, located=True):
        memos = coding_memo_texts(session, (row[5] for row in part))
        for row in part:
            doc_id, start, end, code_id, coder, coding_id = row[:6]
            memo = memos.get(coding_id)
            where = units[doc_id]
            turn, speaker = where.turn(start)
            place = (speaker, turn, where.line(start), where.line(max(start, end - 1)), start, end)
            text = () if no_text else (row[6],)
            yield (*documents[doc_id], *place, *codes[code_id], coder, *text, memo)
