"""The study at a glance: headline figures, how often each code is used, and by case attribute.

Counts follow the codebook tree: a code counts its own codings and those of every code below it
(as `qcode codings --code` does), so a category shows how much of the study it covers. Cases are
counted once however many codings they have: "4 of 9 IT firms mention diaspora" is what a
report on a case study says, not how many passages were tagged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.coding.highlight import normalise_colour
from qcode.corpus.text import fold
from qcode.store.models import Case, CaseAttribute, Code, Coder, Coding, Document, coder_key
from qcode.store.visibility import visible

NO_VALUE = "(none)"


@dataclass(frozen=True)
class Headline:
    documents: int
    cases: int
    words: int
    coders: int  # coders with at least one coding counted
    codings: int
    coded_documents: int
    codes_used: int


@dataclass(frozen=True)
class CodeFrequency:
    code: str
    label: str
    depth: int
    applicable: bool
    codings: int  # of this code and those below it
    documents: int
    cases: int
    colour: str  # #rrggbb, for charts


@dataclass(frozen=True)
class GroupFrequency:
    """One code within one group of cases (cases sharing a value of the attribute)."""

    value: str
    code: str
    cases: int  # cases of the group with at least one coding of the code (or below it)
    group_cases: int
    codings: int

    @property
    def share(self) -> float:
        return self.cases / self.group_cases if self.group_cases else 0.0


@dataclass(frozen=True)
class Stats:
    headline: Headline
    codes: list[CodeFrequency]
    by: str | None = None
    groups: list[str] = field(default_factory=list)  # the attribute's values, sorted
    group_cases: dict[str, int] = field(default_factory=dict)
    by_group: list[GroupFrequency] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    code_id: int
    document_id: int
    case_id: int | None


def _rows(session: Session, coder: str | None) -> list[_Row]:
    query = (select(Coding.code_id, Coding.document_id, Document.case_id)
             .join(Document, Document.id == Coding.document_id).where(Coding.layer == "coding"))
    if coder:
        from qcode.coding.coders import find_coder

        query = query.where(Coding.coder_id == find_coder(session, coder).id)
    # Others' work in an open blind round is not counted for a coder (the blind rule).
    return [_Row(*row) for row in session.execute(visible(session, query)).all()]


def _ancestors(codes: list[Code]) -> dict[int, list[int]]:
    """Each code id with the ids of itself and every code above it."""
    parent = {c.id: c.parent_id for c in codes}
    chains: dict[int, list[int]] = {}
    for code in codes:
        chain: list[int] = []
        seen: set[int] = set()
        node: int | None = code.id
        while node is not None and node in parent and node not in seen:
            chain.append(node)
            seen.add(node)
            node = parent[node]
        chains[code.id] = chain
    return chains


def _tree_order(codes: list[Code]) -> list[tuple[Code, int]]:
    children: dict[int | None, list[Code]] = defaultdict(list)
    ids = {c.id for c in codes}
    for code in sorted(codes, key=lambda c: (c.position, c.key)):
        children[code.parent_id if code.parent_id in ids else None].append(code)
    ordered: list[tuple[Code, int]] = []

    def walk(code: Code, depth: int) -> None:
        ordered.append((code, depth))
        for child in children.get(code.id, []):
            walk(child, depth + 1)

    for root in children.get(None, []):
        walk(root, 0)
    return ordered


def project_stats(session: Session, *, by: str | None = None, coder: str | None = None) -> Stats:
    """Headline figures and code frequencies (by the case attribute `by` when given), over every
    coder's codings or only `coder`'s."""
    codes = list(session.execute(select(Code)).scalars())
    rows = _rows(session, coder)
    chains = _ancestors(codes)
    tally: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        for code_id in chains.get(row.code_id, [row.code_id]):
            tally[code_id].append(row)
    frequencies = [
        CodeFrequency(code.key, code.label, depth, code.applicable, len(tally[code.id]),
                      len({r.document_id for r in tally[code.id]}),
                      len({r.case_id for r in tally[code.id] if r.case_id is not None}),
                      normalise_colour(code.colour, code.key))
        for code, depth in _tree_order(codes)
        if not code.retired or tally[code.id]
    ]
    stats = Stats(_headline(session, rows, coder), frequencies)
    if by is None:
        return stats
    return _by_attribute(session, stats, by, codes, tally)


def _headline(session: Session, rows: list[_Row], coder: str | None) -> Headline:
    from sqlalchemy import func

    docs, words = session.execute(select(func.count(Document.id),
                                         func.coalesce(func.sum(Document.words), 0))).one()
    cases = session.execute(select(func.count(Case.id))).scalar() or 0
    coder_query = select(func.count(func.distinct(Coding.coder_id))).where(Coding.layer == "coding")
    if coder:
        coder_query = coder_query.join(Coder, Coder.id == Coding.coder_id).where(
            Coder.key == coder_key(coder))
    return Headline(
        documents=int(docs), cases=int(cases), words=int(words),
        coders=int(session.execute(visible(session, coder_query)).scalar() or 0), codings=len(rows),
        coded_documents=len({r.document_id for r in rows}),
        codes_used=len({r.code_id for r in rows}),
    )


def _by_attribute(session: Session, stats: Stats, by: str, codes: list[Code],
                  tally: dict[int, list[_Row]]) -> Stats:
    from qcode.errors import NotFoundError

    values: dict[int, str | None] = {
        case_id: value for case_id, value in session.execute(
            select(CaseAttribute.case_id, CaseAttribute.value).where(CaseAttribute.name == by))}
    if not values:
        names = sorted(set(session.execute(select(CaseAttribute.name).distinct()).scalars()))
        hint = f"case attributes: {', '.join(names)}" if names else "import a cases file first"
        raise NotFoundError(f"no case has the attribute `{by}`", hint=hint)
    case_ids = list(session.execute(select(Case.id)).scalars())
    group_of = {case: (values.get(case) or NO_VALUE) for case in case_ids}
    group_cases: dict[str, int] = defaultdict(int)
    for group in group_of.values():
        group_cases[group] += 1
    groups = sorted(group_cases, key=lambda g: (g == NO_VALUE, fold(g), g))
    by_key = {c.key: c for c in codes}
    found = []
    for frequency in stats.codes:
        code_rows = tally[by_key[frequency.code].id]
        for group in groups:
            mine = [r for r in code_rows if r.case_id is not None and group_of.get(r.case_id) == group]
            found.append(GroupFrequency(group, frequency.code, len({r.case_id for r in mine}),
                                        group_cases[group], len(mine)))
    return Stats(stats.headline, stats.codes, by, groups, dict(group_cases), found)
