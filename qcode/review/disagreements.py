"""Where coders differ: every disagreement of a comparison, each with a stable id.

A disagreement is a place where the compared coders did not code alike, for one code (per-code
reading) or one domain (``--domain``), on the chosen unit of analysis:

* pre-cut units (``document``, ``turn``, ``paragraph``, ``sentence``, ``line``): a unit where
  some coders applied the code and others did not (domain: gave different values);
* ``character`` and ``continuum``: a maximal run of characters of one document over which the
  coders' codings differ in the same way;
* ``segment``: a span of one coder that no span of the other matches (domain: also a matched
  pair with different values).

Disagreement ids
----------------
An id is ``DOCUMENT:UNIT:CODE``, built only from what the disagreement is about, so the same
disagreement gets the same id on every run and in every listing, and a stored resolution can
be keyed on it:

* ``DOCUMENT`` is the document's name in the project (``int_012_novi_sad_it.md``);
* ``UNIT`` is the unit kind's letter and its number in the document (``t14`` turn 14, ``p3``,
  ``s7``, ``l40``; ``d`` the whole document), or for span-based units the span in code points,
  ``c1200-1340`` (``[1200, 1340)``);
* ``CODE`` is the code's key, or ``@`` and the domain's key in the domain reading
  (``@knowledge_sources``), so the two readings never share an id.

An id changes only when what it names changes: a re-cut document (other unit numbers), a moved
span, or a renamed code or document.

A disagreement is ``resolved`` once a PI's decision on its id (for the same coders, and in the
same round when one is named) is in force (:mod:`qcode.review.resolve`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import QcodeError
from qcode.review.scope import Excluded, Scope, load_scope
from qcode.review.segments import check_overlap, code_segments, domain_segments
from qcode.review.units import NONE, Conflict, Units, binary_data, domain_data, load_units
from qcode.store.models import Document


@dataclass(frozen=True)
class Disagreement:
    id: str
    document: str
    unit: str
    start: int
    end: int
    line_start: int | None
    line_end: int | None
    code: str
    codes: tuple[tuple[str, tuple[str, ...]], ...]  # (coder, the codes they applied there)
    text: str
    status: str = "open"  # open | resolved
    decision: str | None = None  # the option decided, once resolved


@dataclass(frozen=True)
class DisagreementList:
    unit: str
    coders: tuple[str, ...]
    round: str | None
    domain: str | None
    documents: tuple[str, ...]
    excluded: tuple[Excluded, ...]
    items: tuple[Disagreement, ...]
    resolved: int
    conflicts: tuple[Conflict, ...]

    @property
    def total(self) -> int:
        return len(self.items)


def disagreement_id(document: str, unit: str, code: str, *, domain: bool = False) -> str:
    """The stable id of a disagreement (see the module docstring)."""
    return f"{document}:{unit}:{'@' if domain else ''}{code}"


def resolved_ids(
    session: Session, ids: Iterable[str], *, coders: Sequence[str] = (), round_name: str | None = None
) -> dict[str, str]:
    """The ids among ``ids`` that have a decision in force, each with the option decided: for
    these coders (any, when none are given) and, with a round, in that round."""
    from qcode.store.models import Resolution, Round, coder_key

    wanted = sorted(set(ids))
    query = select(Resolution.disagreement, Resolution.option).where(
        Resolution.status == "active")
    if coders:
        query = query.where(Resolution.coders == ",".join(sorted(coder_key(c) for c in coders)))
    if round_name is not None:
        query = query.join(Round, Round.id == Resolution.round_id).where(Round.name == round_name)
    out: dict[str, str] = {}
    for chunk in range(0, len(wanted), 500):
        part = wanted[chunk : chunk + 500]
        out.update(session.execute(query.where(Resolution.disagreement.in_(part))
                                   .order_by(Resolution.id)).tuples().all())  # fmt: skip
    return out


@dataclass(frozen=True)
class _Place:
    doc: int
    unit: str
    start: int
    end: int
    code: str
    values: tuple[tuple[str, ...], ...]  # per coder


def _pre_cut_places(scope: Scope, units: Units, uncoded: str) -> list[_Place]:
    places: list[_Place] = []
    if scope.domain is not None:
        dd = domain_data(scope, units, uncoded)
        vals = np.nan_to_num(dd.values, nan=-1.0)
        for u in np.flatnonzero((vals != vals[0]).any(axis=0)):
            d, start, end = units.bounds(int(u))
            names = tuple(() if v < 0 else (dd.categories[int(v)],) for v in vals[:, u])
            places.append(_Place(d, units.label(int(u)), start, end, scope.domain, names))
        return places
    bins = binary_data(scope, units)
    for v in scope.variables:
        for u in np.flatnonzero((bins[v] != bins[v][0]).any(axis=0)):
            d, start, end = units.bounds(int(u))
            applied = tuple(tuple(w for w in scope.variables if bins[w][i, u])
                            for i in range(len(scope.coders)))  # fmt: skip
            places.append(_Place(d, units.label(int(u)), start, end, v, applied))
    return places


def _runs(differs: np.ndarray, units: Units) -> list[tuple[int, int, int]]:
    """(document position, start, end) of runs of differing characters within one document."""
    hits = np.flatnonzero(differs)
    if not hits.size:
        return []
    docs = units.document_of(hits)
    breaks = np.flatnonzero((np.diff(hits) != 1) | (np.diff(docs) != 0)) + 1
    out = []
    for run in np.split(hits, breaks):
        d = int(units.document_of(run[:1])[0])
        base = int(units.offsets[d])
        out.append((d, int(run[0]) - base, int(run[-1]) + 1 - base))
    return out


def _character_places(scope: Scope, units: Units, uncoded: str) -> list[_Place]:
    places: list[_Place] = []
    m = len(scope.coders)
    if scope.domain is not None:
        dd = domain_data(scope, units, uncoded)
        vals = np.nan_to_num(dd.values, nan=-1.0)
        # A new run starts wherever the pattern of values changes, not only where it begins.
        differs = (vals != vals[0]).any(axis=0)
        change = np.concatenate([[True], (np.diff(vals, axis=1) != 0).any(axis=0)])
        for d, start, end in _split_on(_runs(differs, units), change, units):
            lo = int(units.offsets[d]) + start
            names = tuple(() if v < 0 else (dd.categories[int(v)],) for v in vals[:, lo])
            places.append(_Place(d, f"c{start}-{end}", start, end, scope.domain, names))
        return places
    bins = binary_data(scope, units)
    for v in scope.variables:
        for d, start, end in _runs((bins[v] != bins[v][0]).any(axis=0), units):
            lo = int(units.offsets[d]) + start
            applied = tuple((v,) if bins[v][i, lo] else () for i in range(m))
            places.append(_Place(d, f"c{start}-{end}", start, end, v, applied))
    return places


def _split_on(runs: list[tuple[int, int, int]], change: np.ndarray,
              units: Units) -> list[tuple[int, int, int]]:  # fmt: skip
    out = []
    for d, start, end in runs:
        base = int(units.offsets[d])
        cuts = [start, *(int(i) - base for i in np.flatnonzero(change[base + start + 1 : base + end])
                         + base + start + 1), end]  # fmt: skip
        out += [(d, a, b) for a, b in itertools.pairwise(cuts) if b > a]
    return out


def _segment_places(scope: Scope, overlap: float) -> list[_Place]:
    check_overlap(overlap)
    places: list[_Place] = []
    if scope.domain is not None:
        for seg in domain_segments(scope, overlap):
            if seg.values[0] != seg.values[1]:
                names = tuple((v,) if v else () for v in seg.values)
                places.append(_Place(seg.document, f"c{seg.start}-{seg.end}", seg.start, seg.end,
                                     scope.domain, names))  # fmt: skip
        return places
    for v, segs in code_segments(scope, overlap).items():
        for seg in segs:
            if None in seg.spans:
                applied = tuple((v,) if s is not None else () for s in seg.spans)
                places.append(_Place(seg.document, f"c{seg.start}-{seg.end}", seg.start, seg.end,
                                     v, applied))  # fmt: skip
    return places


def _texts(session: Session, doc_ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in range(0, len(doc_ids), 200):
        out.update(session.execute(select(Document.id, Document.text)
                                   .where(Document.id.in_(doc_ids[chunk : chunk + 200])))
                   .tuples().all())  # fmt: skip
    return out


def _restrict(scope: Scope, session: Session, document: str | None) -> Scope:
    if document is None:
        return scope
    from qcode.corpus.documents import resolve_document

    name = resolve_document(session, document).name
    kept = tuple(d for d in scope.documents if d.name == name)
    if not kept:
        why = next((e.reason for e in scope.excluded if e.document == name),
                   "not coded by any of them")  # fmt: skip
        raise QcodeError(f"{name} is not compared: {why}")
    return Scope(scope.coders, scope.round, scope.domain, scope.variables, kept, (),
                 scope.spans)  # fmt: skip


def find_disagreements(
    session: Session,
    coders: Sequence[str],
    *,
    unit: str,
    round_name: str | None = None,
    codes: Sequence[str] = (),
    domain: str | None = None,
    document: str | None = None,
    uncoded: str = "none",
    overlap: float = 0.9,
) -> DisagreementList:
    """Every place where the coders differ, in document and text order."""
    from qcode.review.units import check_unit

    check_unit(unit)
    scope = _restrict(load_scope(session, coders, round_name=round_name, codes=codes,
                                 domain=domain), session, document)  # fmt: skip
    if unit == "segment":
        places = _segment_places(scope, overlap)
    elif unit in ("character", "continuum"):
        places = _character_places(scope, load_units(session, scope, "character"), uncoded)
    else:
        places = _pre_cut_places(scope, load_units(session, scope, unit), uncoded)
    conflicts = domain_data(scope, load_units(session, scope, "character"), uncoded).conflicts \
        if domain is not None and unit != "segment" else ()  # fmt: skip
    items = _disagreements(session, scope, places)
    done = resolved_ids(session, (i.id for i in items), coders=scope.coders, round_name=round_name)
    items = tuple(replace(i, status="resolved", decision=done[i.id]) if i.id in done else i
                  for i in items)  # fmt: skip
    return DisagreementList(unit, scope.coders, round_name, domain,
                            tuple(d.name for d in scope.documents), scope.excluded, items,
                            len(done), conflicts)  # fmt: skip


def _disagreements(session: Session, scope: Scope, places: list[_Place]) -> tuple[Disagreement, ...]:
    lines = load_units(session, scope, "line")
    texts = _texts(session, sorted({scope.documents[p.doc].id for p in places}))
    out = []
    for p in sorted(places, key=lambda p: (p.doc, p.start, p.end, p.code)):
        doc = scope.documents[p.doc]
        lo, hi = lines.locate(p.doc, p.start, p.end)
        first = int(lines.number[lo]) if hi > lo and lines.number is not None else None
        last = int(lines.number[hi - 1]) if hi > lo and lines.number is not None else None
        shown = tuple((c, v if v else (NONE,)) for c, v in zip(scope.coders, p.values, strict=True))
        out.append(Disagreement(
            disagreement_id(doc.name, p.unit, p.code, domain=scope.domain is not None),
            doc.name, p.unit, p.start, p.end, first, last, p.code, shown,
            texts[doc.id][p.start : p.end],
        ))  # fmt: skip
    return tuple(out)
