"""The consensus layer: codings made from the coders' codings, each linked to its sources.

Consensus codings live in the `consensus` layer (`Coding.layer`), credited to the PI who made
them, and every one has `CodingSource` rows naming the coders' codings it came from. The
coders' own codings are only read here, never changed. A consensus coding is never made twice
for one (document, code, span): a second decision that needs it links the one already there.

:func:`combine` turns the coders' codings at one place into the consensus spans for each
option of `qcode resolve`; :func:`build_consensus` adds what the coders agreed on without a
decision (`qcode consensus build`), idempotently.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.coding.rows import row_state
from qcode.store.events import record
from qcode.store.models import Coder, Coding, CodingSource, Document, Unit

OPTIONS = ("both", "none", "union", "intersection")


@dataclass(frozen=True)
class Piece:
    """A consensus span to be: its code, where it is, and the coders' codings it comes from."""

    code_id: int
    start: int
    end: int
    sources: tuple[int, ...]


@dataclass(frozen=True)
class SourceCoding:
    id: int
    coder: str
    code_id: int
    start: int
    end: int


def clip(codings: Iterable[SourceCoding], start: int, end: int) -> list[Piece]:
    """Each coding cut to the place [start, end), as a piece of its own."""
    out = []
    for c in codings:
        lo, hi = max(c.start, start), min(c.end, end)
        if hi > lo:
            out.append(Piece(c.code_id, lo, hi, (c.id,)))
    return out


def _dedupe(pieces: Iterable[Piece]) -> list[Piece]:
    """One piece per (span, code), with the sources of all; in text order."""
    merged: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    for p in pieces:
        merged[(p.start, p.end, p.code_id)].update(p.sources)
    return [Piece(code, start, end, tuple(sorted(sources)))
            for (start, end, code), sources in sorted(merged.items())]


def _union(pieces: list[Piece]) -> list[Piece]:
    """Per code, overlapping or touching pieces merged into one."""
    out: list[Piece] = []
    by_code: dict[int, list[Piece]] = defaultdict(list)
    for p in pieces:
        by_code[p.code_id].append(p)
    for code_id, group in by_code.items():
        group.sort(key=lambda p: (p.start, p.end))
        start, end, sources = group[0].start, group[0].end, set(group[0].sources)
        for p in group[1:]:
            if p.start <= end:
                end, sources = max(end, p.end), sources | set(p.sources)
                continue
            out.append(Piece(code_id, start, end, tuple(sorted(sources))))
            start, end, sources = p.start, p.end, set(p.sources)
        out.append(Piece(code_id, start, end, tuple(sorted(sources))))
    return _dedupe(out)


def _intersection(per_coder: Sequence[list[Piece]]) -> list[Piece]:
    """Per code, where every coder's pieces cover the text; sources: the pieces that do."""
    if not per_coder:
        return []
    out: list[Piece] = []
    codes = set.intersection(*({p.code_id for p in pieces} for pieces in per_coder))
    for code_id in codes:
        lists = [[p for p in pieces if p.code_id == code_id] for pieces in per_coder]
        cuts = sorted({x for group in lists for p in group for x in (p.start, p.end)})
        for lo, hi in itertools.pairwise(cuts):
            covering = [[p for p in group if p.start <= lo and p.end >= hi] for group in lists]
            if all(covering):
                sources = tuple(sorted({s for group in covering for p in group for s in p.sources}))
                out.append(Piece(code_id, lo, hi, sources))
    return _union(out)


def combine(per_coder: dict[str, list[Piece]], option: str, coders: Sequence[str]) -> list[Piece]:
    """The consensus pieces for `option`: one coder's (by name), `both` (everyone's as they
    are), `union` (per code, merged), `intersection` (per code, where all coders agree) or
    `none`."""
    if option in per_coder:
        return _dedupe(per_coder[option])
    every = [p for c in coders for p in per_coder.get(c, [])]
    if option == "both":
        return _dedupe(every)
    if option == "union":
        return _union(every) if every else []
    if option == "intersection":
        return _intersection([per_coder.get(c, []) for c in coders])
    return []


def relabel(pieces: Iterable[Piece], code_id: int) -> list[Piece]:
    return _dedupe(Piece(code_id, p.start, p.end, p.sources) for p in pieces)


def add_consensus(
    session: Session, doc: Document, pieces: Sequence[Piece], *, pi: Coder, round_id: int | None,
    batch: str, action: str,
) -> list[tuple[Coding, bool]]:
    """Each piece as a consensus coding with its sources: (coding, made); a coding already in
    the consensus layer at that span is linked and gains only the sources it lacked."""
    from qcode.coding.tagging import snapshot
    from qcode.corpus.anchoring import context

    out = []
    for piece in pieces:
        coding = session.execute(select(Coding).where(
            Coding.document_id == doc.id, Coding.layer == "consensus",
            Coding.code_id == piece.code_id, Coding.start == piece.start,
            Coding.end == piece.end)).scalar()  # fmt: skip
        made = coding is None
        if coding is None:
            prefix, suffix = context(doc.text, piece.start, piece.end)
            coding = Coding(document_id=doc.id, code_id=piece.code_id, coder_id=pi.id,
                            layer="consensus", round_id=round_id, start=piece.start,
                            end=piece.end, quote=doc.text[piece.start:piece.end], prefix=prefix,
                            suffix=suffix)  # fmt: skip
            session.add(coding)
            session.flush()
            record(session, actor=pi.name, action=action, target_type="coding",
                   target_id=coding.id, after=snapshot(coding, session), batch=batch,
                   summary=f"consensus {doc.name} c{piece.start}-{piece.end}")  # fmt: skip
        have = set(session.execute(select(CodingSource.source_id)
                                   .where(CodingSource.coding_id == coding.id)).scalars())
        for source in piece.sources:
            if source not in have:
                link = CodingSource(coding_id=coding.id, source_id=source)
                session.add(link)
                record(session, actor=pi.name, action=action, target_type="coding_source",
                       target_id=coding.id, after=row_state(link), batch=batch,
                       summary=f"consensus {coding.id} from coding {source}")  # fmt: skip
        out.append((coding, made))
    session.flush()
    return out


def remove_consensus(session: Session, coding: Coding, *, actor: str, batch: str,
                     action: str) -> None:  # fmt: skip
    """Take a consensus coding and its provenance out, every row an event (undo restores)."""
    from qcode.coding.tagging import snapshot

    for link in list(session.execute(select(CodingSource)
                                     .where(CodingSource.coding_id == coding.id)).scalars()):
        record(session, actor=actor, action=action, target_type="coding_source",
               target_id=coding.id, before=row_state(link), batch=batch,
               summary=f"drop consensus {coding.id} from coding {link.source_id}")  # fmt: skip
        session.delete(link)
    session.flush()
    before = snapshot(coding, session)
    session.delete(coding)
    session.flush()
    record(session, actor=actor, action=action, target_type="coding", target_id=before["id"],
           before=before, batch=batch,
           summary=f"drop consensus {before['document']} c{before['start']}-{before['end']}")


def source_codings(
    session: Session, doc_id: int, coder_ids: dict[int, str], code_ids: Iterable[int] | None,
    start: int = 0, end: int | None = None,
) -> list[SourceCoding]:
    """The compared coders' own codings on a document overlapping [start, end)."""
    query = select(Coding.id, Coding.coder_id, Coding.code_id, Coding.start, Coding.end).where(
        Coding.document_id == doc_id, Coding.layer == "coding",
        Coding.coder_id.in_(list(coder_ids)), Coding.end > start)  # fmt: skip
    if end is not None:
        query = query.where(Coding.start < end)
    if code_ids is not None:
        query = query.where(Coding.code_id.in_(list(code_ids)))
    rows = session.execute(query.order_by(Coding.start, Coding.end, Coding.id)).all()
    return [SourceCoding(i, coder_ids[c], k, s, e) for i, c, k, s, e in rows]


def unit_spans(session: Session, doc_id: int, kind: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e in session.execute(
        select(Unit.start, Unit.end).where(Unit.document_id == doc_id, Unit.kind == kind)
        .order_by(Unit.start)).tuples()]  # fmt: skip


@dataclass(frozen=True)
class BuildResult:
    round: str
    coders: tuple[str, ...]
    unit: str | None
    documents: int
    created: int
    existing: int


def _agreed_exact(codings: list[SourceCoding], n_coders: int) -> list[Piece]:
    """Codings every coder made alike: same code, same span."""
    groups: dict[tuple[int, int, int], dict[str, int]] = defaultdict(dict)
    for c in codings:
        groups[(c.start, c.end, c.code_id)][c.coder] = c.id
    return [Piece(code, start, end, tuple(sorted(who.values())))
            for (start, end, code), who in sorted(groups.items()) if len(who) == n_coders]


def _agreed_units(codings: list[SourceCoding], coders: Sequence[str],
                  units: list[tuple[int, int]]) -> list[Piece]:  # fmt: skip
    """Per code and unit where every coder applied the code: their spans there, merged."""
    out: list[Piece] = []
    for code_id in sorted({c.code_id for c in codings}):
        mine = [c for c in codings if c.code_id == code_id]
        for start, end in units:
            per_coder = [clip((c for c in mine if c.coder == who), start, end) for who in coders]
            if all(per_coder):
                out += _union([p for pieces in per_coder for p in pieces])
    return _dedupe(out)


def build_consensus(
    session: Session, round_name: str, *, actor: Coder, batch: str,
    coders: Sequence[str] = (), unit: str | None = None,
) -> BuildResult:
    """Put into the consensus layer what the round's coders agreed on, without a decision.

    Without `unit`: every coding all of them made alike (same code, same span). With a pre-cut
    `unit` (turn, paragraph, sentence, line, document): wherever all of them applied a code
    in a unit, their spans of it there, merged. Running it again adds nothing."""
    from qcode.coding.coders import require_pi
    from qcode.errors import UsageError
    from qcode.review.rounds import get_round, round_coders
    from qcode.review.units import PREDEFINED
    from qcode.store.models import RoundAssignment

    require_pi(session, actor, "build the consensus")
    found = get_round(session, round_name)
    names = tuple(coders) or round_coders(session, found.id)
    if unit is not None and unit not in PREDEFINED:
        raise UsageError(f"--unit takes {', '.join(PREDEFINED)} here; got {unit!r}")
    ids = {c.id: c.name for c in session.execute(select(Coder).where(Coder.name.in_(names)))
           .scalars()}  # fmt: skip
    if len(ids) < 2 or len(ids) != len(names):
        raise UsageError(f"the consensus of round {found.name} needs two or more of its coders",
                         hint=f"its coders: {', '.join(round_coders(session, found.id))}")
    who: dict[int, set[int]] = defaultdict(set)
    for doc_id, coder_id in session.execute(
        select(RoundAssignment.document_id, RoundAssignment.coder_id)
        .where(RoundAssignment.round_id == found.id, RoundAssignment.coder_id.in_(list(ids)))
    ).tuples():
        who[doc_id].add(coder_id)
    docs = sorted(d for d, have in who.items() if len(have) == len(ids))
    created = existing = 0
    ordered = tuple(ids[i] for i in sorted(ids, key=lambda i: ids[i]))
    for doc_id in docs:
        codings = source_codings(session, doc_id, ids, None)
        pieces = _agreed_exact(codings, len(ids)) if unit is None else \
            _agreed_units(codings, ordered, unit_spans(session, doc_id, unit))  # fmt: skip
        if not pieces:
            continue
        doc = session.get(Document, doc_id)
        assert doc is not None
        for _, made in add_consensus(session, doc, pieces, pi=actor, round_id=found.id,
                                     batch=batch, action="consensus"):  # fmt: skip
            created, existing = created + made, existing + (not made)
    return BuildResult(found.name, ordered, unit, len(docs), created, existing)
