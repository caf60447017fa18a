"""Reading coded passages back: every quote for a code (with context), and a document's codings
for highlighting it.

`retrieve` is the "give me all the diaspora quotes" view: each coding of a code (and the codes
below it) with its document, turn, lines, speaker and a little text either side, cut at word
boundaries. Text comes from the stored document, so offsets and quotes always agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from qcode.coding.highlight import Mark, normalise_colour
from qcode.coding.layers import coder_label
from qcode.coding.locate import seek_columns, seek_turns, turn_of
from qcode.coding.queries import CHUNK, CodingFilter, filtered_codings
from qcode.corpus.documents import DocumentView, resolve_document, show_document, with_texts
from qcode.errors import UsageError
from qcode.store.models import Code, Coder, Coding, Document

DEFAULT_CONTEXT = 80
MAX_CONTEXT = 5000


@dataclass(frozen=True)
class Passage:
    id: int
    document: str
    code: str
    coder: str
    start: int
    end: int
    turn: int | None
    line_start: int | None
    line_end: int | None
    speaker: str | None
    context_before: str
    text: str
    context_after: str
    memo: str | None
    anchor: str
    colour: str  # the code's colour (#rrggbb), for display


@dataclass(frozen=True)
class MarkedDocument:
    """A document as `qcode show` prints it, with the codings to highlight."""

    view: DocumentView
    marks: list[Mark]


def context_around(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    """Up to `width` characters before and after `[start, end)`, not cutting words in half."""
    if width <= 0:
        return "", ""
    lo, hi = max(0, start - width), min(len(text), end + width)
    if lo > 0 and not text[lo - 1].isspace():
        while lo < start and not text[lo].isspace():
            lo += 1
    if hi < len(text) and not text[hi].isspace():
        while hi > end and not text[hi - 1].isspace():
            hi -= 1
    return text[lo:start], text[end:hi]


def retrieve(session: Session, flt: CodingFilter, *, context: int = DEFAULT_CONTEXT) -> list[Passage]:
    """Every coding matching `flt` (a code includes its descendants), in document order."""
    return list(iter_passages(session, flt, context=context))


def iter_passages(session: Session, flt: CodingFilter, *,
                  context: int = DEFAULT_CONTEXT) -> Iterator[Passage]:
    """`retrieve`, a chunk of codings at a time: their documents' texts, turns and lines are
    read for each chunk (`coding.locate`) and let go after it."""
    if not flt.code:
        raise UsageError("name the code to retrieve")
    if not 0 <= context <= MAX_CONTEXT:
        raise UsageError(f"--context takes 0 to {MAX_CONTEXT} characters, got {context}")
    colours = {key: normalise_colour(colour, key)
               for key, colour in session.execute(select(Code.key, Code.colour)).all()}
    query = filtered_codings(session, flt).with_only_columns(
        Coding.document_id, Coding.start, Coding.end, Coding.id, Coding.anchor, Document.name,
        Code.key, coder_label(), *seek_columns(), maintain_column_froms=True)
    return _passages(session, query, flt, context, colours)


def _passages(session: Session, query: Select[Any], flt: CodingFilter, context: int,
              colours: dict[str, str]) -> Iterator[Passage]:
    from qcode.coding.memos import coding_memo_texts

    speaker = flt.speaker.casefold() if flt.speaker else None
    session.flush()
    result = session.connection().execute(query.execution_options(yield_per=CHUNK))
    for part in result.partitions(CHUNK):
        turns = seek_turns(session, part, 8)
        memos = coding_memo_texts(session, (r[3] for r in part))
        # The texts of `TEXTS` documents at a time, each read once for its codings (cutting
        # windows out in SQL instead made PostgreSQL detoast a text once per coding).
        for rows, texts in with_texts(session.connection(), part):
            for (doc, start, end, id_, anchor, doc_name, code_key, coder_name, before, after,
                 first, last) in rows:
                turn, said_by = turn_of(turns, start, before, after)
                if speaker is not None and (said_by or "").casefold() != speaker:
                    continue
                text = texts[doc][1]
                left, right = context_around(text, start, end, context)
                yield Passage(
                    id=id_, document=doc_name, code=code_key, coder=coder_name, start=start,
                    end=end, turn=turn, line_start=first, line_end=last, speaker=said_by,
                    context_before=left, text=text[start:end], context_after=right,
                    memo=memos.get(id_), anchor=anchor, colour=colours[code_key],
                )


def split_names(values: Iterable[str] | None) -> list[str]:
    """`--code a,b --code c` -> [a, b, c] (repeatable and comma-separated)."""
    names: list[str] = []
    for value in values or []:
        for part in value.split(","):
            if part.strip() and part.strip() not in names:
                names.append(part.strip())
    return names


def marked_document(
    session: Session, ref: str, *, coders: Iterable[str] = (), codes: Iterable[str] = ()
) -> MarkedDocument:
    """A document and its codings by `coders` (`consensus`: the consensus layer) with `codes`
    (and the codes below them); no coders means every coder, no codes all of them."""
    from qcode.coding.codes import descendant_ids, resolve_code
    from qcode.coding.layers import sources_clause
    from qcode.store.visibility import visible

    document = resolve_document(session, ref)
    query = visible(session, (
        select(Coding.id, Code.key, coder_label(), Coding.start, Coding.end, Code.colour)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.document_id == document.id, sources_clause(session, list(coders)))
    ))
    code_ids: set[int] = set()
    for ref in codes:
        code_ids.update(descendant_ids(session, resolve_code(session, ref, allow_retired=True)))
    if code_ids:
        query = query.where(Coding.code_id.in_(code_ids))
    rows = session.execute(query.order_by(Coding.start, Coding.end, Code.key, Coder.name)).all()
    marks = [Mark(id_, key, coder, start, end, normalise_colour(colour, key))
             for id_, key, coder, start, end, colour in rows]
    return MarkedDocument(show_document(session, document.name), marks)
