"""The transcripts a report shows, each with every coder's and the consensus layer's coded spans.

Only documents with at least one coding in scope are shown (a transcript nobody coded has
nothing to highlight, and leaving them out keeps the file small), and at most `limit` of them,
the first in document order: a browser opens a report of a few hundred transcripts at once, not
one of 10,000 (186 MB of HTML, 2 GB to build), and only the shown documents' codings are read.
Codings are read through the exports' scope, so the blind rule and the filters hold as in
`qcode export segments`. With pseudonyms, names are replaced in the text and every span moved
with the text around it, so a highlight still covers the words it was made on.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.coding.highlight import normalise_colour
from qcode.coding.layers import CONSENSUS, is_consensus
from qcode.export.scope import ExportFilter, Scope, chunks, resolve
from qcode.store.models import Coder, Coding, Document

if TYPE_CHECKING:
    from qcode.export.privacy import Pseudonyms

BATCH = 200  # documents' texts read at a time


@dataclass(frozen=True)
class ViewerCode:
    key: str
    label: str
    colour: str
    ancestors: tuple[int, ...]  # indices (into Viewer.codes) of the codes above it in scope


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    code: int  # index into Viewer.codes
    coder: int  # index into Viewer.coders


@dataclass(frozen=True)
class Transcript:
    document: str
    case: str | None
    text: str
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class Viewer:
    coders: tuple[str, ...]  # the coders, then `consensus` when its layer has codings here
    codes: tuple[ViewerCode, ...]
    transcripts: tuple[Transcript, ...]
    more: bool = False  # documents with codings beyond the `limit` shown


def _layers(flt: ExportFilter) -> list[ExportFilter]:
    if flt.coder is not None:
        return [flt]
    return [flt, replace(flt, coder=CONSENSUS)]


def viewer(session: Session, flt: ExportFilter, colours: dict[str, str],
           pseudonyms: Pseudonyms | None = None, limit: int = 0) -> Viewer:
    """The documents with codings in scope (the first `limit`; 0: all), their text and every
    coding in scope on them."""
    first = resolve(session, flt)
    index = {code.id: i for i, code in enumerate(first.codes)}
    codes = tuple(
        ViewerCode(code.key, code.label, colours.get(code.key, normalise_colour(None, code.key)),
                   tuple(index[a] for a in code.ancestors if a in index))
        for code in first.codes)
    layers = [(layer, first if layer is flt else resolve(session, layer)) for layer in _layers(flt)]
    found: dict[int, list[tuple[int, int, int, str]]] = {}
    ids = [doc.id for doc in first.documents]
    for start in range(0, len(ids), BATCH):
        wanted = set(ids[start : start + BATCH])
        for layer, scope in layers:
            part = replace(scope, documents=tuple(d for d in scope.documents if d.id in wanted))
            _read(session, part, layer, index, found)
        if limit and len(found) > limit:
            break
    more = bool(limit) and len(found) > limit
    if more:
        keep = [doc_id for doc_id in ids if doc_id in found][:limit]
        found = {doc_id: found[doc_id] for doc_id in keep}
    names = sorted({m[3] for marks in found.values() for m in marks if not is_consensus(m[3])},
                   key=lambda n: (n.casefold(), n))
    if any(is_consensus(m[3]) for marks in found.values() for m in marks):
        names.append(CONSENSUS)
    coder_at = {name: i for i, name in enumerate(names)}
    transcripts = _transcripts(session, first, found, coder_at, pseudonyms)
    name = pseudonyms.apply if pseudonyms is not None else str
    return Viewer(tuple(name(n) if n != CONSENSUS else n for n in names), codes, transcripts, more)


def _read(session: Session, scope: Scope, layer: ExportFilter, index: dict[int, int],
          found: dict[int, list[tuple[int, int, int, str]]]) -> None:
    consensus = layer.coder is not None and is_consensus(layer.coder)
    for part, _ in chunks(session, scope, [Coding.code_id, Coder.name]):
        for doc_id, start, end, code_id, coder in part:
            if code_id in index:
                found.setdefault(doc_id, []).append(
                    (start, end, index[code_id], CONSENSUS if consensus else coder))


def _transcripts(session: Session, scope: Scope, found: dict[int, list[tuple[int, int, int, str]]],
                 coder_at: dict[str, int], pseudonyms: Pseudonyms | None) -> tuple[Transcript, ...]:
    name = pseudonyms.apply if pseudonyms is not None else str
    wanted = [doc for doc in scope.documents if doc.id in found]  # in document order
    out: list[Transcript] = []
    for first in range(0, len(wanted), BATCH):
        batch = wanted[first : first + BATCH]
        texts = dict(session.execute(select(Document.id, Document.text)
                                     .where(Document.id.in_([d.id for d in batch]))).tuples().all())
        for doc in batch:
            marks = sorted({Mark(s, e, c, coder_at[who]) for s, e, c, who in found[doc.id]},
                           key=lambda m: (m.start, m.end, m.code, m.coder))
            text = texts[doc.id]
            if pseudonyms is not None:
                text, marks = pseudonymise(text, marks, pseudonyms)
            out.append(Transcript(name(doc.name), None if doc.case is None else name(doc.case),
                                  text, tuple(marks)))
    return tuple(out)


def pseudonymise(text: str, marks: Sequence[Mark], pseudonyms: Pseudonyms) -> tuple[str, list[Mark]]:
    """The text with names replaced, and each mark moved with it: an offset after a name shifts by
    the difference in length; one inside a name goes to the pseudonym's start (a start) or end
    (an end), so a span that covered part of a name covers its pseudonym."""
    found = pseudonyms.matches(text)
    if not found:
        return text, list(marks)
    pieces: list[str] = []
    moves: list[tuple[int, int, int, int]] = []  # old start, old end, new start, new end
    position = written = 0
    for start, end, alias in found:
        pieces += [text[position:start], alias]
        written += start - position
        moves.append((start, end, written, written + len(alias)))
        written += len(alias)
        position = end
    pieces.append(text[position:])
    starts = [m[0] for m in moves]

    def move(offset: int, is_end: bool) -> int:
        at = bisect.bisect_right(starts, offset) - 1
        if at < 0:
            return offset
        old_start, old_end, new_start, new_end = moves[at]
        if offset >= old_end:
            return offset + new_end - old_end
        return new_end if is_end and offset > old_start else new_start

    return "".join(pieces), [Mark(move(m.start, False), move(m.end, True), m.code, m.coder)
                             for m in marks]
