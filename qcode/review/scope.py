"""What a comparison of coders rests on: which documents enter, and each coder's spans on them.

Only documents that every compared coder was assigned in the round (``--round``) or, without a
round, has coded (at least one coding of any code) enter; every other document that one of them
touched is listed in ``Scope.excluded`` with the reason. The store is read with a handful of
Core selects of the columns needed, in bulk, never row by row.

Two readings of the codes (DESIGN.md: agreement needs both):

* per code: each code is a binary variable; ``--code C`` makes C one variable that is present
  wherever C *or a code below it* was applied (as ``qcode codings --code`` filters). Without
  ``--code`` every code the coders applied is its own variable, in codebook order.
* ``--domain D``: the children of D are the values of one nominal variable (a semantic domain);
  a coding of a child, or of a code below that child, gives the child's value.

``consensus`` among the coders compares with the consensus layer (`qcode resolve`,
`qcode consensus build`): in a round it covers every document of the round, without a round the
documents it has codings on. While a blind round is open, only a PI may compare coders on its
documents (:mod:`qcode.store.visibility`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, case, literal, or_, select
from sqlalchemy.orm import Session

from qcode.errors import NotFoundError, UsageError
from qcode.store.models import Code, Coding, Document, RoundAssignment

Span = tuple[int, int, str]
"""``(start, end, variable)``: a coding's span and the code (or domain value) it counts for."""


@dataclass(frozen=True)
class DocInfo:
    id: int
    name: str
    length: int


@dataclass(frozen=True)
class Excluded:
    """A document one of the coders touched that does not enter the comparison, and why."""

    document: str
    reason: str


@dataclass(frozen=True)
class Scope:
    """Coders, documents and spans of one comparison.

    ``spans[doc_id][i]`` holds coder ``coders[i]``'s spans on that document, sorted by
    (start, end, variable) and without duplicates.
    """

    coders: tuple[str, ...]
    round: str | None
    domain: str | None
    variables: tuple[str, ...]
    documents: tuple[DocInfo, ...]
    excluded: tuple[Excluded, ...]
    spans: dict[int, list[list[Span]]] = field(repr=False)


def _parse_coders(coders: Sequence[str]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(c.strip() for c in coders if c.strip()))
    if len(names) < 2:
        raise UsageError("agreement compares two or more coders; give them as --coders ana,ben")
    return names


CONSENSUS_ID = -1
"""Stands for the consensus layer among the compared "coders" (`--coders ana,consensus`)."""


def _coder_ids(session: Session, names: tuple[str, ...]) -> list[int]:
    """The roster's coders (`Ana` is `ana`), or the consensus layer; an unknown name is an error
    naming near ones."""
    from qcode.coding.coders import find_coder
    from qcode.coding.layers import is_consensus

    return [CONSENSUS_ID if is_consensus(name) else find_coder(session, name).id for name in names]


@dataclass(frozen=True)
class _Tree:
    keys: dict[int, str]
    children: dict[int | None, list[int]]

    def preorder(self) -> list[int]:
        out: list[int] = []
        stack = list(reversed(self.children.get(None, [])))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(self.children.get(node, [])))
        return out

    def subtree(self, root: int) -> list[int]:
        out, stack = [], [root]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(self.children.get(node, []))
        return out

    def find(self, key: str) -> int:
        for code_id, k in self.keys.items():
            if k == key:
                return code_id
        raise NotFoundError(f"no code {key!r} in the codebook",
                            hint="`qcode codebook show` lists the codes")  # fmt: skip


def _tree(session: Session) -> _Tree:
    rows = session.execute(
        select(Code.id, Code.key, Code.parent_id).order_by(Code.position, Code.key)
    ).all()
    keys = {code_id: key for code_id, key, _ in rows}
    children: dict[int | None, list[int]] = defaultdict(list)
    for code_id, _, parent in rows:
        children[parent if parent in keys else None].append(code_id)
    return _Tree(keys, dict(children))


def _variables(
    session: Session, codes: Sequence[str], domain: str | None
) -> tuple[dict[int, tuple[str, ...]], tuple[str, ...] | None]:
    """code id -> the variables a coding of it counts for; the variables, unless "all used"."""
    from qcode.coding.codes import resolve_code

    tree = _tree(session)
    if domain is not None:
        if codes:
            raise UsageError("give either --code or --domain, not both")
        root = resolve_code(session, domain, allow_retired=True).id
        kids = tree.children.get(root, [])
        if not kids:
            raise UsageError(f"code {tree.keys[root]!r} has no children to serve as the values "
                             "of a domain", hint="--domain takes a parent code")  # fmt: skip
        mapping: dict[int, tuple[str, ...]] = {c: (tree.keys[k],) for k in kids
                                               for c in tree.subtree(k)}
        return mapping, tuple(tree.keys[k] for k in kids)
    if codes:
        chosen = list(dict.fromkeys(resolve_code(session, c, allow_retired=True).id
                                    for c in codes))  # fmt: skip
        multi: dict[int, list[str]] = defaultdict(list)
        for root in chosen:
            for c in tree.subtree(root):
                multi[c].append(tree.keys[root])
        return {c: tuple(v) for c, v in multi.items()}, tuple(tree.keys[c] for c in chosen)
    order = tree.preorder()
    return {c: (tree.keys[c],) for c in order}, None


def _eligible(
    session: Session, names: tuple[str, ...], ids: list[int], round_name: str | None
) -> tuple[list[int], dict[int, str]]:
    """Documents every coder was assigned (or has coded), and the reason each other one is out."""
    if round_name is not None:
        from qcode.review.rounds import get_round

        round_id = get_round(session, round_name).id
        pairs: list[tuple[int, int]] = list(session.execute(
            select(RoundAssignment.document_id, RoundAssignment.coder_id)
            .where(RoundAssignment.round_id == round_id, RoundAssignment.coder_id.in_(ids))
        ).tuples())  # fmt: skip
        if CONSENSUS_ID in ids:  # the consensus of a round covers every document of it
            pairs += [(d, CONSENSUS_ID) for d in {doc for doc, _ in session.execute(
                select(RoundAssignment.document_id, RoundAssignment.coder_id)
                .where(RoundAssignment.round_id == round_id)).all()}]  # fmt: skip
        verb = "not assigned to {} in round " + round_name
    else:
        pairs = list(session.execute(
            select(Coding.document_id, Coding.coder_id)
            .where(Coding.layer == "coding", Coding.coder_id.in_(ids)).distinct()
        ).tuples())  # fmt: skip
        if CONSENSUS_ID in ids:
            pairs += [(d, CONSENSUS_ID) for d in session.execute(
                select(Coding.document_id).where(Coding.layer == "consensus").distinct()
            ).scalars()]  # fmt: skip
        verb = "not coded by {}"
    who: dict[int, set[int]] = defaultdict(set)
    for doc_id, coder_id in pairs:
        who[doc_id].add(coder_id)
    eligible, reasons = [], {}
    for doc_id, have in who.items():
        if len(have) == len(ids):
            eligible.append(doc_id)
        else:
            lacking = [n for n, i in zip(names, ids, strict=True) if i not in have]
            reasons[doc_id] = verb.format(", ".join(lacking))
    return eligible, reasons


def _documents(session: Session, doc_ids: list[int]) -> dict[int, DocInfo]:
    out: dict[int, DocInfo] = {}
    for chunk in range(0, len(doc_ids), 900):
        part = doc_ids[chunk : chunk + 900]
        for doc_id, name, length in session.execute(
            select(Document.id, Document.name, Document.chars).where(Document.id.in_(part))
        ).all():
            out[doc_id] = DocInfo(doc_id, name, length)
    return out


def _spans(
    session: Session, ids: list[int], doc_ids: list[int], mapping: dict[int, tuple[str, ...]]
) -> dict[int, list[list[Span]]]:
    index = {coder_id: i for i, coder_id in enumerate(ids)}
    spans: dict[int, list[set[Span]]] = {d: [set() for _ in ids] for d in doc_ids}
    # The consensus layer counts as one more coder, whoever made its codings.
    coder = case((Coding.layer == "consensus", literal(CONSENSUS_ID)), else_=Coding.coder_id)
    wanted = and_(Coding.layer == "coding", Coding.coder_id.in_(ids))
    if CONSENSUS_ID in ids:
        wanted = or_(wanted, Coding.layer == "consensus")
    for chunk in range(0, len(doc_ids), 900):
        rows = session.execute(
            select(Coding.document_id, coder, Coding.code_id, Coding.start, Coding.end)
            .where(wanted, Coding.document_id.in_(doc_ids[chunk : chunk + 900]))
        ).all()  # fmt: skip
        for doc_id, coder_id, code_id, start, end in rows:
            for variable in mapping.get(code_id, ()):
                spans[doc_id][index[coder_id]].add((start, end, variable))
    return {d: [sorted(s) for s in per_coder] for d, per_coder in spans.items()}


def load_scope(
    session: Session,
    coders: Sequence[str],
    *,
    round_name: str | None = None,
    codes: Sequence[str] = (),
    domain: str | None = None,
    documents: Collection[int] | None = None,
) -> Scope:
    """Resolve coders, codes and documents, and load every coder's spans on those documents
    (only among `documents`, ids, when given: a report narrowed by `--where`)."""
    names = _parse_coders(coders)
    ids = _coder_ids(session, names)
    mapping, variables = _variables(session, codes, domain)
    eligible, reasons = _eligible(session, names, ids, round_name)
    if documents is not None:
        eligible = [d for d in eligible if d in documents]
        reasons = {d: r for d, r in reasons.items() if d in documents}
    from qcode.store.visibility import refuse_hidden

    refuse_hidden(session, eligible, "comparing coders")
    docs = _documents(session, sorted({*eligible, *reasons}))
    eligible.sort(key=lambda d: docs[d].name)
    spans = _spans(session, ids, eligible, mapping)
    if variables is None:  # every code used, in codebook order
        used = {s[2] for per_coder in spans.values() for coder in per_coder for s in coder}
        variables = tuple(dict.fromkeys(v for vs in mapping.values() for v in vs if v in used))
    excluded = sorted((Excluded(docs[d].name, r) for d, r in reasons.items()),
                      key=lambda e: e.document)  # fmt: skip
    return Scope(names, round_name, domain, variables, tuple(docs[d] for d in eligible),
                 tuple(excluded), spans)  # fmt: skip
