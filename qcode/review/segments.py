"""Span-based units: coders' segments matched by overlap, and the continuum of characters.

``segment`` (MAXQDA's and QDA Miner's segment agreement): two coders' spans of a code are the
same segment when their overlap is at least ``overlap`` (default 0.9) of the longer span. Each
span is matched at most once, best overlap first (ties: earlier spans first). A matched pair
is one unit coded by both; a span left unmatched is a unit coded by its coder only. There are
no units coded by neither, so chance-corrected figures on segments rest on the marginal
distribution of one-sided units; MAXQDA reports Brennan & Prediger's kappa for this reason.
In the domain reading spans of any value are matched, and each coder's value of the unit is
the code of their span (``none``, or missing, for the coder without one).

``continuum`` (Krippendorff's unitizing alphas): each coder's spans on the documents laid end
to end, a continuum of characters. Per code, that code's spans against everything else
(|_u alpha per code; a coder's overlapping spans of one code are merged). In the domain
reading the domain's values partition each coder's continuum; where one coder's spans of two
values overlap, the overlap is reported as a conflict and the later span starts where the
earlier ends, since a point of a partition cannot hold two values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qcode.errors import UsageError
from qcode.review.scope import Scope, Span
from qcode.review.units import NONE, Conflict


@dataclass(frozen=True)
class Segment:
    """One unit of the segment comparison: a matched pair, or one coder's unmatched span."""

    document: int  # position in Scope.documents
    spans: tuple[tuple[int, int] | None, ...]  # per coder
    values: tuple[str | None, ...]  # per coder; None where that coder has no span here

    @property
    def start(self) -> int:
        return min(s[0] for s in self.spans if s is not None)

    @property
    def end(self) -> int:
        return max(s[1] for s in self.spans if s is not None)


def match(a: list[Span], b: list[Span], overlap: float) -> list[tuple[int | None, int | None]]:
    """Pairs (index in a, index in b) of matched spans, then the unmatched ones, in text order."""
    candidates = []
    for i, (s1, e1, _) in enumerate(a):
        for j, (s2, e2, _) in enumerate(b):
            common = min(e1, e2) - max(s1, s2)
            if common > 0 and common >= overlap * max(e1 - s1, e2 - s2) - 1e-9:
                candidates.append((-common / max(e1 - s1, e2 - s2), s1, s2, i, j))
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[tuple[int | None, int | None]] = []
    for _, _, _, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    pairs += [(i, None) for i in range(len(a)) if i not in used_a]
    pairs += [(None, j) for j in range(len(b)) if j not in used_b]

    def where(p: tuple[int | None, int | None]) -> tuple[int, int]:
        i, j = p
        return (a[i][0], a[i][1]) if i is not None else (b[j][0], b[j][1])  # type: ignore[index]

    return sorted(pairs, key=where)


def check_overlap(overlap: float) -> float:
    if not 0.0 < overlap <= 1.0:
        raise UsageError(f"--overlap is a share of the longer span, above 0 and at most 1; "
                         f"got {overlap}")  # fmt: skip
    return overlap


def _segments(scope: Scope, wanted: str | None, overlap: float) -> list[Segment]:
    if len(scope.coders) != 2:
        raise UsageError("segment matching compares two coders (as MAXQDA and QDA Miner do); "
                         f"{len(scope.coders)} were given",
                         hint="use --unit continuum or a pre-cut unit for three or more")  # fmt: skip
    out: list[Segment] = []
    for d, doc in enumerate(scope.documents):
        a, b = ([s for s in spans if wanted is None or s[2] == wanted]
                for spans in scope.spans[doc.id])  # fmt: skip
        for i, j in match(a, b, overlap):
            sa = a[i] if i is not None else None
            sb = b[j] if j is not None else None
            out.append(Segment(d, tuple((s[0], s[1]) if s else None for s in (sa, sb)),
                               tuple(s[2] if s else None for s in (sa, sb))))  # fmt: skip
    return out


def code_segments(scope: Scope, overlap: float) -> dict[str, list[Segment]]:
    """Per-code reading: each variable's segments."""
    check_overlap(overlap)
    return {v: _segments(scope, v, overlap) for v in scope.variables}


def domain_segments(scope: Scope, overlap: float) -> list[Segment]:
    """Domain reading: spans of any of the domain's values, matched regardless of value."""
    check_overlap(overlap)
    return _segments(scope, None, overlap)


def binary_matrix(segments: list[Segment]) -> np.ndarray:
    """2 × units int8: 1 where a coder has a span in the unit."""
    return np.asarray([[0 if s.spans[i] is None else 1 for s in segments] for i in (0, 1)],
                      dtype=np.int8).reshape(2, len(segments))  # fmt: skip


def domain_matrix(
    segments: list[Segment], values: tuple[str, ...], uncoded: str
) -> tuple[np.ndarray, tuple[str, ...]]:
    """2 × units float of category indices (NaN missing), and the categories."""
    categories = values if uncoded == "missing" else (NONE, *values)
    index = {v: k for k, v in enumerate(categories)}
    out = np.full((2, len(segments)), np.nan)
    for u, seg in enumerate(segments):
        for i, value in enumerate(seg.values):
            if value is not None:
                out[i, u] = index[value]
            elif uncoded == "none":
                out[i, u] = index[NONE]
    return out, categories


# --- the continuum ---------------------------------------------------------------------------


def _bases(scope: Scope) -> list[int]:
    bases, total = [], 0
    for doc in scope.documents:
        bases.append(total)
        total += doc.length
    return bases


def continuum(scope: Scope, documents: list[int] | None = None) -> tuple[dict[str, list[Span]], int]:
    """Every coder's spans on the chosen documents laid end to end, and the continuum length."""
    chosen = range(len(scope.documents)) if documents is None else documents
    out: dict[str, list[Span]] = {c: [] for c in scope.coders}
    total = 0
    for d in chosen:
        doc = scope.documents[d]
        for coder, spans in zip(scope.coders, scope.spans[doc.id], strict=True):
            out[coder].extend((s + total, e + total, v) for s, e, v in spans if e <= doc.length)
        total += doc.length
    return out, total


def partition(
    scope: Scope, spans: dict[str, list[Span]], documents: list[int] | None = None
) -> tuple[dict[str, list[Span]], tuple[Conflict, ...]]:
    """Each coder's spans made disjoint (see the module docstring), and the conflicts found."""
    chosen = list(range(len(scope.documents))) if documents is None else documents
    starts = np.cumsum([0, *(scope.documents[d].length for d in chosen)])
    out: dict[str, list[Span]] = {}
    conflicts: list[Conflict] = []
    for coder, coder_spans in spans.items():
        kept: list[Span] = []
        for start, end, value in sorted(coder_spans):
            if kept and start < kept[-1][1]:
                last = kept[-1]
                if value == last[2]:
                    kept[-1] = (last[0], max(last[1], end), value)
                    continue
                d = int(np.searchsorted(starts, start, side="right")) - 1
                base = int(starts[d])
                conflicts.append(Conflict(scope.documents[chosen[d]].name, coder,
                                          f"c{start - base}-{min(end, last[1]) - base}",
                                          tuple(sorted({last[2], value}))))  # fmt: skip
                start = last[1]
                if start >= end:
                    continue
            kept.append((start, end, value))
        out[coder] = kept
    return out, tuple(conflicts)
