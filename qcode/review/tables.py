"""The reliability data behind each row of an agreement report, for every unit of analysis."""

from __future__ import annotations

import numpy as np
from sqlalchemy.orm import Session

from qcode.agreement import AgreementResult, fleiss_kappa, scott_pi, unitized_alpha
from qcode.review.figures import ALL, Figure, Table, finite, to_data
from qcode.review.scope import Scope, Span
from qcode.review.segments import (
    Segment,
    binary_matrix,
    code_segments,
    continuum,
    domain_matrix,
    domain_segments,
    partition,
)
from qcode.review.units import Conflict, Units, binary_data, domain_data, load_units


def _slices(scope: Scope, offsets: np.ndarray, by: str) -> list[tuple[str | None, slice]]:
    if by == "code":
        return [(None, slice(0, int(offsets[-1])))]
    return [(doc.name, slice(int(offsets[d]), int(offsets[d + 1])))
            for d, doc in enumerate(scope.documents)]  # fmt: skip


def _code_tables(
    scope: Scope, offsets: np.ndarray, bins: dict[str, np.ndarray], by: str, pooled: bool
) -> list[Table]:
    out = []
    for name, part in _slices(scope, offsets, by):
        out += [Table(v, name, bins[v][:, part], 2, True) for v in scope.variables]
        if pooled and len(scope.variables) > 1:
            stack = np.hstack([bins[v][:, part] for v in scope.variables])
            out.append(Table(ALL, name, stack, 2, True))
    return out


def _domain_tables(
    scope: Scope, offsets: np.ndarray, values: np.ndarray, categories: tuple[str, ...], by: str
) -> list[Table]:
    out = []
    assert scope.domain is not None
    for name, part in _slices(scope, offsets, by):
        chunk = values[:, part]
        out.append(Table(scope.domain, name, chunk, len(categories), False))
        for k, value in enumerate(categories):
            if value in scope.variables:
                binary = np.where(np.isnan(chunk), -1, chunk == k).astype(np.int8)  # -1: missing
                out.append(Table(value, name, binary, 2, True))
    return out


def _segment_offsets(scope: Scope, segments: list[Segment]) -> tuple[list[Segment], np.ndarray]:
    ordered = sorted(segments, key=lambda s: s.document)
    counts = np.bincount([s.document for s in ordered], minlength=len(scope.documents))
    return ordered, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


def _segment_tables(scope: Scope, overlap: float, by: str, uncoded: str) -> list[Table]:
    if scope.domain is not None:
        segs, offsets = _segment_offsets(scope, domain_segments(scope, overlap))
        values, categories = domain_matrix(segs, scope.variables, uncoded)
        return _domain_tables(scope, offsets, values, categories, by)
    out: list[Table] = []
    per_code = {v: _segment_offsets(scope, s) for v, s in code_segments(scope, overlap).items()}
    for name, d in ([(None, None)] if by == "code" else
                    [(doc.name, i) for i, doc in enumerate(scope.documents)]):  # fmt: skip
        mats = {}
        for v, (segs, offsets) in per_code.items():
            chosen = segs if d is None else segs[int(offsets[d]) : int(offsets[d + 1])]
            mats[v] = binary_matrix(chosen)
            out.append(Table(v, name, mats[v], 2, True))
        if len(mats) > 1:
            out.append(Table(ALL, name, np.hstack(list(mats.values())), 2, True))
    return out


def tables(session: Session, scope: Scope, unit: str, by: str, uncoded: str,
           overlap: float) -> tuple[list[Table], tuple[Conflict, ...]]:  # fmt: skip
    """One Table per row group of the report, and the domain conflicts found."""
    if unit == "segment":
        return _segment_tables(scope, overlap, by, uncoded), ()
    units = load_units(session, scope, unit)
    if scope.domain is not None:
        dd = domain_data(scope, units, uncoded)
        return _domain_tables(scope, units.offsets, dd.values, dd.categories, by), dd.conflicts
    bins = binary_data(scope, units)
    return _code_tables(scope, units.offsets, bins, by, pooled=unit != "character"), ()


# --- the continuum ---------------------------------------------------------------------------


def _percent(values: np.ndarray, n_categories: int) -> float | None:
    """Character-by-character percent agreement: p_a, as the kappa family computes it."""
    data = to_data(values, n_categories)
    result: AgreementResult = (scott_pi if data.n_coders == 2 else fleiss_kappa)(data)
    return finite(result.observed_agreement)


def _unitized(code: str, document: str | None, measure: str, spans: dict[str, list[Span]],
              length: int, variant: str, key: str | None, chars: np.ndarray | None,
              n_categories: int) -> Figure:  # fmt: skip
    result = unitized_alpha(dict(spans), (0, length), variant, code=key)  # type: ignore[arg-type]
    both = prevalence = None
    percent = None
    if chars is not None:
        percent = _percent(chars, n_categories)
        if n_categories == 2:
            both = int((chars == 1).all(axis=0).sum())
            prevalence = float(chars.mean())
    return Figure(code, document, measure, finite(float(result)), None, None, percent, length,
                  both or 0, prevalence, result.undefined_reason)  # fmt: skip


def _continuum_group(
    scope: Scope, units: Units, docs: list[int] | None, name: str | None, uncoded: str
) -> tuple[list[Figure], tuple[Conflict, ...]]:
    spans, length = continuum(scope, docs)
    if length == 0:
        return [], ()
    part = slice(0, units.size) if docs is None else \
        slice(int(units.offsets[docs[0]]), int(units.offsets[docs[0] + 1]))  # fmt: skip
    out: list[Figure] = []
    if scope.domain is None:
        bins = binary_data(scope, units)
        for v in scope.variables:
            out.append(_unitized(v, name, "|u-alpha", spans, length, "|u", v,
                                 bins[v][:, part], 2))  # fmt: skip
        anything = {c: [(s, e, "coded") for s, e, _ in sp] for c, sp in spans.items()}
        any_code = np.max(np.stack([bins[v][:, part] for v in scope.variables]), axis=0) \
            if scope.variables else None  # fmt: skip
        out.append(_unitized(ALL, name, "|u-alpha", anything, length, "|u", "coded",
                             any_code, 2))  # fmt: skip
        return out, ()
    parts, conflicts = partition(scope, spans, docs)
    dd = domain_data(scope, units, "none")
    chars = dd.values[:, part]
    k = len(dd.categories)
    for measure, variant in (("u-alpha", "u"), ("|u-alpha", "|u"), ("cu-alpha", "cu")):
        out.append(_unitized(scope.domain, name, measure, parts, length, variant, None, chars, k))
    for index, value in enumerate(dd.categories):
        if value in scope.variables:
            binary = np.where(np.isnan(chars), np.nan, (chars == index).astype(np.float64))
            out.append(_unitized(value, name, "(k)u-alpha", parts, length, "ku", value,
                                 binary, 2))  # fmt: skip
    return out, conflicts


def continuum_figures(
    session: Session, scope: Scope, by: str, uncoded: str
) -> tuple[list[Figure], tuple[Conflict, ...]]:
    """The unitized alpha family over the documents laid end to end, or over each document."""
    units = load_units(session, scope, "character")
    groups: list[tuple[list[int] | None, str | None]] = [(None, None)] if by == "code" else \
        [([d], doc.name) for d, doc in enumerate(scope.documents)]  # fmt: skip
    figures: list[Figure] = []
    conflicts: list[Conflict] = []
    for docs, name in groups:
        found, clashes = _continuum_group(scope, units, docs, name, uncoded)
        figures += found
        conflicts += clashes
    return figures, tuple(conflicts)
