"""What an export covers: the filters of `qcode codings`, resolved once through the coding layer,
the codes in codebook order, the documents and cases in scope, and the codings read in chunks.

Codings are read document batch by document batch (a batch is a few hundred documents, in the
order `qcode codings` lists them), each batch a Core select of only the columns the export needs,
fetched `yield_per` rows at a time. Nothing holds every coding at once: memory grows with the
number of documents, cases and codes, never with the number of codings.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import QueryableAttribute, Session

from qcode.coding.locate import DocumentUnits, locate, offset_ranges
from qcode.coding.queries import CodingFilter, filtered_codings
from qcode.errors import NotFoundError
from qcode.store.models import Case, CaseAttribute, Code, Coding, Document

CHUNK = 5_000  # rows fetched at a time
DOCUMENT_BATCH = 200  # documents per query
CONSENSUS = "consensus"  # `--coder consensus`: the adjudicated layer, not a person


@dataclass(frozen=True)
class ExportFilter:
    """The filters every export takes: those of `qcode codings`, and a round."""

    document: str | None = None
    code: str | None = None  # with the codes below it
    coder: str | None = None  # a coder's name, or `consensus` for the consensus layer
    speaker: str | None = None
    where: dict[str, str] = field(default_factory=dict)
    round: str | None = None
    where_exact: bool = False  # --exact: values as written

    def coding_filter(self) -> CodingFilter:
        if self.coder is not None and self.coder.casefold() == CONSENSUS:
            return CodingFilter(
                document=self.document,
                code=self.code,
                speaker=self.speaker,
                where=dict(self.where),
                where_exact=self.where_exact,
                layer=CONSENSUS,
            )
        return CodingFilter(
            document=self.document,
            code=self.code,
            coder=self.coder,
            speaker=self.speaker,
            where=dict(self.where),
            where_exact=self.where_exact,
        )


@dataclass(frozen=True)
class CodeNode:
    id: int
    key: str
    label: str
    path: tuple[str, ...]  # keys from the top of the codebook down to this code
    ancestors: tuple[int, ...]  # ids of the codes above it, nearest first
    retired: bool

    @property
    def path_text(self) -> str:
        return "/".join(self.path)


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    name: str
    case_id: int | None
    case: str | None


@dataclass
class Scope:
    """A resolved filter: the SELECT of matching codings, the codes and documents it can touch."""

    statement: Select[Any]
    codes: tuple[CodeNode, ...]  # in codebook order, limited to `--code` and the codes below it
    documents: tuple[DocumentInfo, ...]  # in the order codings are listed
    speaker: str | None
    attribute_names: tuple[str, ...] = ()
    _attributes: dict[int, dict[str, str | None]] = field(default_factory=dict)
    where_documents: set[int] | None = None  # documents `--where` lets through (None: all)

    @property
    def depth(self) -> int:
        return max((len(code.path) for code in self.codes), default=0)

    def attributes(self, case_id: int | None) -> dict[str, str | None]:
        return self._attributes.get(case_id, {}) if case_id is not None else {}


def resolve(session: Session, flt: ExportFilter) -> Scope:
    """Check every name in the filter (an unknown one is an error naming the near matches) and
    build the SELECT once."""
    statement = filtered_codings(session, flt.coding_filter())
    if flt.round is not None:
        statement = statement.where(Coding.round_id == find_round(session, flt.round))
    codes = code_tree(session)
    if flt.code is not None:
        from qcode.coding.codes import descendant_ids, resolve_code

        wanted = set(descendant_ids(session, resolve_code(session, flt.code, allow_retired=True)))
        codes = tuple(code for code in codes if code.id in wanted)
    documents = _documents(session, flt)
    names, attributes = _case_attributes(session)
    from qcode.corpus.where import matching_documents

    # The same matching as `qcode codings` (capitals and diacritics aside); checked names.
    allowed = matching_documents(session, flt.where, exact=flt.where_exact) if flt.where else None
    return Scope(statement, codes, documents, flt.speaker, names, attributes, allowed)


def find_round(session: Session, name: str) -> int:
    from qcode.review.rounds import get_round

    return get_round(session, name).id


def code_tree(session: Session) -> tuple[CodeNode, ...]:
    """Every stored code, depth first, siblings in codebook order (as `codebook show` lists them)."""
    rows = session.execute(
        select(Code.id, Code.key, Code.label, Code.parent_id, Code.retired).order_by(Code.position, Code.key)
    ).all()
    known = {row.id for row in rows}
    children: dict[int | None, list[Any]] = {}
    for row in rows:
        children.setdefault(row.parent_id if row.parent_id in known else None, []).append(row)
    out: list[CodeNode] = []
    stack: list[tuple[Any, tuple[str, ...], tuple[int, ...]]] = [
        (row, (), ()) for row in reversed(children.get(None, []))
    ]
    while stack:
        row, path, ancestors = stack.pop()
        node = CodeNode(row.id, row.key, row.label, (*path, row.key), ancestors, bool(row.retired))
        out.append(node)
        below = (row.id, *ancestors)
        stack.extend((child, node.path, below) for child in reversed(children.get(row.id, [])))
    return tuple(out)


def _documents(session: Session, flt: ExportFilter) -> tuple[DocumentInfo, ...]:
    query = (
        select(Document.id, Document.name, Document.case_id, Case.name)
        .outerjoin(Case, Case.id == Document.case_id)
        .order_by(Document.name)
    )
    if flt.document is not None:
        from qcode.corpus.documents import resolve_document

        query = query.where(Document.id == resolve_document(session, flt.document).id)
    return tuple(DocumentInfo(*row) for row in session.execute(query).tuples())


def _case_attributes(session: Session) -> tuple[tuple[str, ...], dict[int, dict[str, str | None]]]:
    """Every case's attributes (memory grows with cases, not codings), and the names in use."""
    by_case: dict[int, dict[str, str | None]] = {}
    names: set[str] = set()
    for case_id, name, value in session.execute(
        select(CaseAttribute.case_id, CaseAttribute.name, CaseAttribute.value)
    ).tuples():
        by_case.setdefault(case_id, {})[name] = value
        names.add(name)
    return tuple(sorted(names)), by_case


def check_attribute(scope: Scope, name: str) -> str:
    """A case attribute by name (exact, else ignoring case), or an error naming the near ones."""
    if name in scope.attribute_names:
        return name
    folded = [n for n in scope.attribute_names if n.casefold() == name.casefold()]
    if len(folded) == 1:
        return folded[0]
    close = difflib.get_close_matches(name, scope.attribute_names, n=3, cutoff=0.6)
    hint = (
        f"did you mean {', '.join(close)}?"
        if close
        else f"case attributes: {', '.join(scope.attribute_names)}"
        if scope.attribute_names
        else "no case has attributes; import with --cases FILE.csv"
    )
    raise NotFoundError(f"no case attribute `{name}`", hint=hint)


def in_where(scope: Scope, where: dict[str, str], document: DocumentInfo) -> bool:
    """Whether a document passes `--where` (for listing documents that have no codings)."""
    if not where:
        return True
    return scope.where_documents is not None and document.id in scope.where_documents


Chunk = tuple[Sequence[Row[Any]], dict[int, DocumentUnits]]


def chunks(
    session: Session, scope: Scope, columns: Sequence[QueryableAttribute[Any]], *, located: bool = False
) -> Iterator[Chunk]:
    """The matching codings in listing order, a chunk at a time: rows of (document id, start,
    end, *columns), and, when `located` (or a speaker is asked for), the units around them."""
    statement = scope.statement.with_only_columns(Coding.document_id, Coding.start, Coding.end, *columns)
    speaker = scope.speaker.casefold() if scope.speaker is not None else None
    ids = [doc.id for doc in scope.documents]
    for first in range(0, len(ids), DOCUMENT_BATCH):
        batch = statement.where(Coding.document_id.in_(ids[first : first + DOCUMENT_BATCH]))
        # Core execution on the session's connection: plain rows, streamed from the cursor.
        result = session.connection().execute(batch.execution_options(stream_results=True))
        for part in result.partitions(CHUNK):
            if not (located or speaker is not None):
                yield part, {}
                continue
            units = locate(session, offset_ranges(part))
            if speaker is not None:
                part = [r for r in part if (units[r[0]].turn(r[1])[1] or "").casefold() == speaker]
            yield part, units
