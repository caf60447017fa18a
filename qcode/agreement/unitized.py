"""Krippendorff's alpha family for unitized continua: coders who cut a text into coded spans.

Each coder partitions the continuum [begin, end) (a transcript's code points) into coded
segments (their spans) and gaps (everything they left uncoded). With m coders, L = end - begin
and |g ∩ h| the length of the intersection of segment g of coder i with segment h of coder j,
Krippendorff, Mathet, Bouvry & Widlöcher (2016) define, for the values c, k of the segments
(the code, or the gap value "∅"), observed coincidences in units of length::

    l_ck = sum_i sum_{j != i} sum_{g of i valued c} sum_{h of j valued k} |g ∩ h| / (m - 1)

    l_c. = sum_k l_ck,     l.. = m L

and expected coincidences that exclude the pairing of a segment with itself::

    e_ck = l.. (l_c. l_.k - [c == k] S_c) / (l..^2 - sum_c S_c)

where S_c is the sum of the squared lengths of the segments valued c; gaps have no internal
structure, so a gap of length l counts as l atoms of length 1 and adds l, not l^2. With every
segment of length 1 these are exactly the coincidences of ordinary alpha, so the family
reduces to Krippendorff's (2011) alpha on the character-by-character data.

The variants:

* ``"u"`` — _u alpha: reliability of the whole unitization, all codes and gaps, with the
  nominal difference function: ``1 - (l.. - sum_c l_cc) / (l.. - sum_c e_cc)``.
* ``"|u"`` — |_u alpha: reliability of distinguishing coded matter from gaps, all codes
  lumped: ``1 - l_∅v / e_∅v``, with l_∅v = l_∅. - l_∅∅ (and e likewise, from the matrix
  above). With ``code=c`` the spans of code c are the coded matter and everything else,
  other codes included, is the gap: a per-code binary figure in the manner of ATLAS.ti's
  per-code alpha-binary (not checked against ATLAS.ti's output). Overlapping spans of that
  code by one coder are merged; spans that merely touch stay separate units.
* ``"cu"`` — _cu alpha: reliability of the *coding* where two coders' units intersect,
  ignoring unitizing disagreements: the sub-matrix of l over coded values only, with margins
  l'_c, total l', and expected coincidences::

      e'_ck = (l'_c l'_k - [c == k] S'_c) / (l' - S' / l')
      S'_c  = sum_i sum_{g of i valued c} l'_g^2,
      l'_g  = sum_{j != i} |g ∩ (coded matter of j)| / (m - 1)

  ``1 - (l' - sum_c l'_cc) / (l' - sum_c e'_cc)``. l'_g is segment g's share of l' (its row
  sum in the coincidence matrix), so S'_c excludes the pairs within one segment exactly as
  S_c does for _u alpha, where a segment's share is its length.

* ``"ku"`` — (k)_u alpha: the reliability of one value k within the whole unitization, read
  off the same coincidence matrices as _u alpha, as per-value alphas are read off the matrix of
  pre-defined units: ``1 - (l_k. - l_kk) / (e_k. - e_kk)``. It counts every disagreement that
  involves k, whether the other side is a gap or another code, and every segment keeps its
  own length in the self-pairs S_c, other codes' segments included. With a single code it
  equals _u alpha and |_u alpha; with every segment of length 1 it is the per-category
  (binary) alpha of the character-by-character data.

  This is *not* what ``variant="|u", code=k`` (and :func:`unitized_alpha_by_code` by default)
  computes: there the other codes' spans become gap, so their segments count as atoms in the
  self-pairs and their boundaries vanish. The two agree when k is the only code; they differ
  otherwise, slightly in expected disagreement. ``"|u"`` per code needs no partition (codes may
  overlap), ``"ku"`` does.

The paper itself was not available to check these formulas against, nor Krippendorff (2019),
whose Fig. 12.11 (a three-coder example: _u alpha .510, |_u alpha .413, _cu alpha .724) could
therefore not be reproduced; the figure's data are not printed anywhere we could read. _u and
|_u alpha agree with every public implementation we could read; the gap self-pairs (l, not
l^2) rest on those implementations. For _cu alpha with two coders every reading coincides.
With more than two coders the public implementations differ in S'_c. One squares each coder
pair's overlap, sum_{j != i} |g ∩ coded_j|^2 / (m - 1), which can make expected coincidences
negative, gives _cu alpha = 1 when the only two intersecting units carry different codes
(third coder silent), and changes _cu alpha when a coder who coded nothing is added. The other
squares a segment's overlap with the coded matter of all other coders combined,
|g ∩ (the union of coded_j, j != i)|^2. With more than two coders neither is a segment's
share of l' (its row sum in the coincidence matrix): the second gives 5/3 instead of 1/6 in
the silent-coder example of the tests (a third coder who coded nothing added to two) and 3
for two units that intersect only each other with different codes. The form used here has
none of these faults: e'_cc >= 0, and adding a silent coder scales every term alike. One
public implementation also reports a per-value figure computed on the _cu sub-matrix with
each side normalised by its own margin; that is a per-value _cu alpha, not the (k)_u alpha
above, and it is not implemented here.

For ``"u"``, ``"|u"`` (without ``code``), ``"cu"`` and ``"ku"`` each coder's spans must not
overlap, because a point of the continuum cannot have two values in one partition; code
overlapping semantic domains separately, or use ``"|u"`` per code.

References:
    Krippendorff, K., Mathet, Y., Bouvry, S., & Widlöcher, A. (2016). On the reliability of
        unitizing textual continua: Further developments. Quality & Quantity, 50(6),
        2347-2364. https://doi.org/10.1007/s11135-015-0266-1
    Krippendorff, K. (2019). Content Analysis: An Introduction to Its Methodology (4th ed.).
        Sage.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from qcode.agreement.data import FloatArray, _natural_order
from qcode.agreement.results import UnitizedAlphaResult
from qcode.errors import UsageError

VARIANTS = ("u", "|u", "cu", "ku")
Span = tuple[int, int, Hashable]


@dataclass(frozen=True, eq=False)
class _Partition:
    """One coder's partition of the continuum: segment starts, ends and values (0 = gap)."""

    starts: np.ndarray
    ends: np.ndarray
    values: np.ndarray


def _check_position(x: object, what: str) -> int:
    if not isinstance(x, Integral) or isinstance(x, bool):
        raise UsageError(f"{what} must be an integer offset, got {x!r}")
    return int(x)


def _check_continuum(continuum: tuple[int, int]) -> tuple[int, int]:
    try:
        begin, end = continuum
    except (TypeError, ValueError):
        raise UsageError(f"continuum must be a (begin, end) pair, got {continuum!r}") from None
    begin = _check_position(begin, "continuum begin")
    end = _check_position(end, "continuum end")
    if end <= begin:
        raise UsageError(f"continuum ({begin}, {end}) is empty: end must be greater than begin")
    return begin, end


def _clean_spans(
    coder: Hashable, spans: Sequence[Span], begin: int, end: int
) -> list[tuple[int, int, Hashable]]:
    out = []
    for span in spans:
        try:
            start, stop, code = span
        except (TypeError, ValueError):
            raise UsageError(
                f"coder {coder!r}: spans must be (start, end, code) triples, got {span!r}"
            ) from None
        start = _check_position(start, f"coder {coder!r}: span start")
        stop = _check_position(stop, f"coder {coder!r}: span end")
        if not begin <= start < stop <= end:
            raise UsageError(
                f"coder {coder!r}: span ({start}, {stop}) must be non-empty and lie within the "
                f"continuum ({begin}, {end})"
            )
        if code is None:
            raise UsageError(f"coder {coder!r}: span ({start}, {stop}) has no code")
        out.append((start, stop, code))
    out.sort(key=lambda s: (s[0], s[1]))
    return out


def _merge_overlaps(spans: list[tuple[int, int, Hashable]]) -> list[tuple[int, int, Hashable]]:
    merged: list[tuple[int, int, Hashable]] = []
    for start, stop, code in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], stop), last[2])
        else:
            merged.append((start, stop, code))
    return merged


def _partition(
    coder: Hashable,
    spans: list[tuple[int, int, Hashable]],
    value_of: Mapping[Hashable, int],
    begin: int,
    end: int,
) -> _Partition:
    pieces: list[tuple[int, int, int]] = []
    cursor = begin
    for start, stop, code in spans:
        if start < cursor:
            raise UsageError(
                f"coder {coder!r}: spans overlap at offset {start}; unitized alpha needs each "
                "coder's spans to be disjoint",
                hint="compute variant='|u' per code, or split overlapping codes into separate "
                "semantic domains",
            )
        if start > cursor:
            pieces.append((cursor, start, 0))
        pieces.append((start, stop, value_of[code]))
        cursor = stop
    if cursor < end:
        pieces.append((cursor, end, 0))
    arr = np.asarray(pieces, dtype=np.int64).reshape(-1, 3)
    return _Partition(arr[:, 0], arr[:, 1], arr[:, 2])


def _coincidences(
    parts: list[_Partition], n_values: int
) -> tuple[FloatArray, FloatArray, list[np.ndarray], list[np.ndarray]]:
    """Observed coincidences l_ck, elementary lengths, and per coder segment/value indices."""
    bounds = np.unique(np.concatenate([np.concatenate([p.starts, p.ends]) for p in parts]))
    lengths = np.diff(bounds).astype(np.float64)
    seg_of = [np.searchsorted(p.starts, bounds[:-1], side="right") - 1 for p in parts]
    val_of = [p.values[s] for p, s in zip(parts, seg_of, strict=True)]
    m = len(parts)
    o = np.zeros(n_values * n_values)
    for i in range(m):
        for j in range(m):
            if i != j:
                o += np.bincount(val_of[i] * n_values + val_of[j], weights=lengths,
                                 minlength=n_values * n_values)  # fmt: skip
    return o.reshape(n_values, n_values) / (m - 1), lengths, seg_of, val_of


def _self_pairs(parts: list[_Partition], n_values: int) -> FloatArray:
    """S_c: squared lengths of coded segments; gaps count their length (atoms of length 1)."""
    s = np.zeros(n_values)
    for p in parts:
        lengths = (p.ends - p.starts).astype(np.float64)
        contribution = np.where(p.values == 0, lengths, lengths**2)
        s += np.bincount(p.values, weights=contribution, minlength=n_values)
    return s


def _expected(margins: FloatArray, total: float, self_pairs: FloatArray, norm: float) -> FloatArray:
    return np.asarray(
        (np.outer(margins, margins) - np.diag(self_pairs)) / norm * total, dtype=np.float64
    )


def _result(
    variant: str, code: Hashable | None, observed: float, expected: float, total: float,
    m: int, length: int, n_segments: int, reason: str,
) -> UnitizedAlphaResult:  # fmt: skip
    if total <= 0:
        return UnitizedAlphaResult(variant, code, math.nan, math.nan, math.nan, m, length,
                                   0.0, n_segments, reason)  # fmt: skip
    d_o, d_e = observed / total, expected / total
    if expected <= 1e-12 * total:
        return UnitizedAlphaResult(variant, code, math.nan, d_o, d_e, m, length, total,
                                   n_segments, reason)  # fmt: skip
    return UnitizedAlphaResult(variant, code, 1.0 - observed / expected, d_o, d_e, m, length,
                               total, n_segments)  # fmt: skip


def unitized_alpha(
    segments: Mapping[Hashable, Sequence[Span]],
    continuum: tuple[int, int],
    variant: str = "u",
    *,
    code: Hashable | None = None,
) -> UnitizedAlphaResult:
    """Krippendorff's _u alpha, |_u alpha or _cu alpha for coders' spans on one continuum.

    Args:
        segments: for each coder, a list of half-open ``(start, end, code)`` spans. A coder
            with an empty list coded nothing (the whole continuum is a gap for them).
        continuum: ``(begin, end)`` of the text, e.g. ``(0, len(document_text))``.
        variant: ``"u"`` (all codes and gaps), ``"|u"`` (coded matter versus gaps, or one
            ``code`` versus everything else), ``"cu"`` (coding where units intersect).
        code: with ``variant="|u"``, the code to distinguish from everything else.

    See the module docstring for the formulas (Krippendorff, Mathet, Bouvry & Widlöcher 2016,
    "On the reliability of unitizing textual continua: further developments", Quality &
    Quantity 50(6), 2347-2364; Krippendorff 2019, Content Analysis, 4th ed.).

    Raises:
        UsageError: fewer than two coders, an empty continuum, a span outside it, overlapping
            spans within one coder where the variant forbids them, ``code`` with a variant
            other than ``"|u"`` or ``"ku"``, or ``"ku"`` without ``code``.
    """
    if variant not in VARIANTS:
        raise UsageError(f"variant must be one of {', '.join(VARIANTS)}; got {variant!r}")
    if code is not None and variant not in ("|u", "ku"):
        raise UsageError("code= applies to variant='|u' and 'ku' only (one code against "
                         "everything else)")
    if variant == "ku" and code is None:
        raise UsageError("variant='ku' is the reliability of one value: give code=")
    begin, end = _check_continuum(continuum)
    if len(segments) < 2:
        raise UsageError(f"unitized alpha needs at least two coders; got {len(segments)}")
    cleaned = {c: _clean_spans(c, spans, begin, end) for c, spans in segments.items()}
    if code is not None and variant == "|u":
        cleaned = {c: _merge_overlaps([s for s in spans if s[2] == code])
                   for c, spans in cleaned.items()}  # fmt: skip
    seen = dict.fromkeys(s[2] for spans in cleaned.values() for s in spans)
    codes = [list(seen)[k] for k in _natural_order(list(seen))]
    value_of = {c: k + 1 for k, c in enumerate(codes)}
    parts = [_partition(c, spans, value_of, begin, end) for c, spans in cleaned.items()]
    n_segments = sum(int((p.values > 0).sum()) for p in parts)
    args = (parts, len(codes) + 1, end - begin, n_segments)
    if variant == "cu":
        return _cu_alpha(*args)
    return _u_alpha(variant, code, *args, value_of.get(code, 0) if variant == "ku" else 0)


def _u_alpha(
    variant: str, code: Hashable | None, parts: list[_Partition], n_values: int, length: int,
    n_segments: int, k: int = 0,
) -> UnitizedAlphaResult:  # fmt: skip
    m = len(parts)
    o, _, _, _ = _coincidences(parts, n_values)
    total = float(m * length)
    s = _self_pairs(parts, n_values)
    e = _expected(o.sum(axis=1), total, s, total * total - float(s.sum()))
    if variant == "u":
        observed, expected = total - float(np.trace(o)), total - float(np.trace(e))
        reason = "only one value (a single code, or gaps only) occurs on the continuum"
    elif variant == "ku":
        observed = float(o[k].sum() - o[k, k]) if k > 0 else 0.0
        expected = float(e[k].sum() - e[k, k]) if k > 0 else 0.0
        reason = ("no coder applied that code, or it leaves no room to disagree by chance "
                  "(it covers the whole continuum)")
    else:
        observed = 2.0 * (float(o[0].sum()) - float(o[0, 0]))
        expected = 2.0 * (float(e[0].sum()) - float(e[0, 0]))
        what = "that code" if code is not None else "any code"
        reason = (f"no coder applied {what}, or coders applied it to the whole continuum, so "
                  "coded and uncoded matter cannot be told apart")  # fmt: skip
    return _result(variant, code, observed, expected, total, m, length, n_segments, reason)


def _cu_alpha(
    parts: list[_Partition], n_values: int, length: int, n_segments: int
) -> UnitizedAlphaResult:
    m = len(parts)
    o, lengths, seg_of, val_of = _coincidences(parts, n_values)
    sub = o[1:, 1:]
    total = float(sub.sum())
    # Each coded segment's pairable length: its row sum in the coincidence matrix, i.e. its
    # overlap with every other coder's coded matter, divided by m - 1. Pairs within one segment
    # are excluded from chance pairing, as the squared segment lengths are for _u alpha.
    s = np.zeros(n_values)
    for i in range(m):
        mass = np.zeros(parts[i].values.size)
        for j in range(m):
            if i != j:
                both = (val_of[i] > 0) & (val_of[j] > 0)
                mass += np.bincount(seg_of[i][both], weights=lengths[both],
                                    minlength=parts[i].values.size)  # fmt: skip
        s += np.bincount(parts[i].values, weights=(mass / (m - 1)) ** 2, minlength=n_values)
    s = s[1:]
    reason = "no two coders' coded units intersect, or all intersections carry the same code"
    if total <= 0:
        return _result("cu", None, 0.0, 0.0, 0.0, m, length, n_segments, reason)
    e = _expected(sub.sum(axis=1), 1.0, s, total - float(s.sum()) / total)
    observed, expected = total - float(np.trace(sub)), total - float(np.trace(e))
    return _result("cu", None, observed, expected, total, m, length, n_segments, reason)


def unitized_alpha_by_code(
    segments: Mapping[Hashable, Sequence[Span]], continuum: tuple[int, int], variant: str = "|u"
) -> dict[Hashable, UnitizedAlphaResult]:
    """A per-code unitizing alpha for every code used by any coder.

    ``variant="|u"`` (the default): |_u alpha of that code's spans against everything else,
    other codes included, in the manner of ATLAS.ti's per-code alpha-binary; codes may overlap
    one another freely. ``variant="ku"``: Krippendorff's per-value (k)_u alpha, read off the
    coincidences of the whole unitization, which needs each coder's spans to be disjoint (see
    the module docstring for how the two differ). Codes are returned in natural order
    (numeric, alphabetical, else first seen).
    """
    if variant not in ("|u", "ku"):
        raise UsageError(f"per-code unitizing alpha is variant '|u' or 'ku'; got {variant!r}")
    begin, end = _check_continuum(continuum)
    seen: dict[Hashable, None] = {}
    for coder, spans in segments.items():
        for span in _clean_spans(coder, spans, begin, end):
            seen.setdefault(span[2], None)
    codes = list(seen)
    ordered = [codes[k] for k in _natural_order(codes)]
    return {c: unitized_alpha(segments, continuum, variant, code=c) for c in ordered}
