"""Krippendorff's alpha for any number of coders, missing values and four levels of measurement.

Following Krippendorff (2011, "Computing Krippendorff's Alpha-Reliability"), with m_u the number
of values in unit u, only units with m_u >= 2 are pairable, n_c counts the pairable values
equal to c, n = sum_c n_c, and the coincidences are

    o_ck = sum_u (number of ordered pairs of values (c, k) in u, from different coders) / (m_u - 1)

    alpha = 1 - D_o / D_e = 1 - (n - 1) * sum_ck o_ck delta2_ck / sum_ck n_c n_k delta2_ck

with the difference functions

    nominal   delta2_ck = 0 if c == k else 1
    ordinal   delta2_ck = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2
    interval  delta2_ck = (c - k)^2
    ratio     delta2_ck = ((c - k) / (c + k))^2

The computation never forms a units × values matrix. Nominal and interval alpha reduce to
per-unit sums (sum_{i,j in u} (x_i - x_j)^2 = 2 m_u sum_{i in u} (x_i - xbar_u)^2); ordinal alpha
is interval alpha on the mid-ranks x_c = sum_{g<c} n_g + n_c / 2, because
sum_{g=c..k} n_g - (n_c + n_k) / 2 = x_k - x_c; ratio alpha sums over pairs of coders within
units and over pairs of distinct values for D_e. Every sum takes per-unit weights, which is how
the bootstrap (:mod:`qcode.agreement.bootstrap`) resamples units without copying data.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from qcode.agreement.data import MISSING, FloatArray, ReliabilityData, ReliabilityInput, coerce
from qcode.agreement.results import AlphaResult
from qcode.errors import UsageError

LEVELS = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True, eq=False)
class AlphaStats:
    """Per-unit sufficient statistics of the pairable units, for any unit weighting."""

    level: str
    n_coders: int
    n_units: int
    n_categories: int
    unit: np.ndarray  # entry -> pairable unit index
    cat: np.ndarray  # entry -> category index
    count: FloatArray  # entry -> number of coders giving that category in that unit
    m: FloatArray  # pairable unit -> number of values m_u
    d: FloatArray | None  # pairable unit -> sum of within-unit delta2 over ordered pairs / (m_u-1)
    x: FloatArray | None  # category -> numeric value (interval, ratio)


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise UsageError(
            f"level must be one of {', '.join(LEVELS)}; got {level!r}",
        )


def alpha_stats(rd: ReliabilityData, level: str) -> AlphaStats:
    """Sufficient statistics for alpha at ``level`` (pairable units only)."""
    _check_level(level)
    x = rd.numeric_categories(f"{level} alpha") if level in ("interval", "ratio") else None
    m_all = rd.ratings_per_unit()
    pairable = np.flatnonzero(m_all >= 2)
    compact = np.full(rd.n_units, -1, dtype=np.int64)
    compact[pairable] = np.arange(pairable.size)
    unit, cat, count = rd.entries()
    keep = compact[unit] >= 0
    unit, cat, cnt = compact[unit[keep]], cat[keep], count[keep].astype(np.float64)
    m = m_all[pairable].astype(np.float64)
    d: FloatArray | None = None
    if level == "nominal":
        sq = np.bincount(unit, weights=cnt * cnt, minlength=m.size)
        d = (m * m - sq) / (m - 1.0)
    elif level == "interval":
        assert x is not None
        d = _within_unit_spread(unit, cat, cnt, m, x)
    elif level == "ratio":
        assert x is not None
        d = _ratio_within_units(rd.codes[:, pairable], m, x)
    return AlphaStats(level, rd.n_coders, int(pairable.size), rd.n_categories,
                      unit, cat, cnt, m, d, x)  # fmt: skip


def _within_unit_spread(
    unit: np.ndarray, cat: np.ndarray, cnt: FloatArray, m: FloatArray, x: FloatArray
) -> FloatArray:
    """sum_{i != j in u} (x_i - x_j)^2 / (m_u - 1) = 2 m_u sum_i (x_i - xbar_u)^2 / (m_u - 1)."""
    means = np.bincount(unit, weights=cnt * x[cat], minlength=m.size) / m
    dev = x[cat] - means[unit]
    ss = np.bincount(unit, weights=cnt * dev * dev, minlength=m.size)
    return np.asarray(2.0 * m * ss / (m - 1.0), dtype=np.float64)


def _ratio_delta(a: FloatArray, b: FloatArray) -> FloatArray:
    s = a + b
    diff = np.divide(a - b, s, out=np.zeros(np.broadcast(a, b).shape), where=s != 0)
    return np.asarray(diff * diff, dtype=np.float64)


def _ratio_within_units(codes: np.ndarray, m: FloatArray, x: FloatArray) -> FloatArray:
    total = np.zeros(m.size)
    for i in range(codes.shape[0]):
        for j in range(i + 1, codes.shape[0]):
            both = (codes[i] != MISSING) & (codes[j] != MISSING)
            if both.any():
                delta = _ratio_delta(x[codes[i][both]], x[codes[j][both]])
                total[both] += 2.0 * delta  # ordered pairs (i, j) and (j, i)
    return np.asarray(total / (m - 1.0), dtype=np.float64)


def _mid_ranks(n_c: FloatArray) -> FloatArray:
    return np.asarray(np.cumsum(n_c) - n_c / 2.0, dtype=np.float64)


def _spread(n_c: FloatArray, x: FloatArray, n: float) -> float:
    """sum_ck n_c n_k (x_c - x_k)^2 = 2 n sum_c n_c (x_c - xbar)^2."""
    xbar = float((n_c * x).sum()) / n
    return 2.0 * n * float((n_c * (x - xbar) ** 2).sum())


def _ratio_expected(n_c: FloatArray, x: FloatArray) -> float:
    used = np.flatnonzero(n_c > 0)
    nu, xu = n_c[used], x[used]
    total = 0.0
    step = max(1, 4_000_000 // max(xu.size, 1))
    for start in range(0, xu.size, step):
        block = _ratio_delta(xu[start : start + step, None], xu[None, :])
        total += float(nu[start : start + step] @ block @ nu)
    return total


def disagreements(
    stats: AlphaStats, weights: FloatArray | None = None
) -> tuple[float, float, float, int]:
    """(n, observed, expected, values in use) for alpha with optional per-unit weights.

    observed = sum_ck o_ck delta2_ck and expected = sum_ck n_c n_k delta2_ck, so that
    D_o = observed / n, D_e = expected / (n (n - 1)) and alpha = 1 - (n - 1) observed / expected.
    """
    if weights is None:
        n, entry_w = float(stats.m.sum()), stats.count
    else:
        n, entry_w = float(weights @ stats.m), weights[stats.unit] * stats.count
    n_c = np.asarray(np.bincount(stats.cat, weights=entry_w, minlength=stats.n_categories),
                     dtype=np.float64)  # fmt: skip
    in_use = int(np.count_nonzero(n_c))
    if stats.level == "ordinal":
        x = _mid_ranks(n_c)
        d = _within_unit_spread(stats.unit, stats.cat, stats.count, stats.m, x)
    else:
        assert stats.d is not None
        x, d = stats.x if stats.x is not None else n_c, stats.d
    observed = float(d.sum() if weights is None else weights @ d)
    if stats.level == "nominal":
        return n, observed, n * n - float(n_c @ n_c), in_use
    if stats.level == "ratio":
        return n, observed, _ratio_expected(n_c, x), in_use
    return n, observed, _spread(n_c, x, n) if n else 0.0, in_use


def alpha_from_stats(stats: AlphaStats, weights: FloatArray | None = None) -> AlphaResult:
    """Alpha (as a result object) from precomputed statistics."""
    n, observed, expected, in_use = disagreements(stats, weights)
    level, coders = stats.level, stats.n_coders
    if stats.n_units == 0 or n < 2:
        reason = "no unit was coded by two or more coders, so there are no pairable values"
        return AlphaResult(level, math.nan, math.nan, math.nan, 0, coders, 0, 0, reason)
    d_o = observed / n
    d_e = expected / (n * (n - 1.0))
    n_values = round(n)
    if in_use < 2:
        reason = (
            "expected disagreement D_e is 0 because every pairable value is the same, so "
            "alpha = 1 - D_o/D_e is 0/0: without variation the data cannot show whether coders "
            "can tell values apart (Krippendorff 2011)"
        )
        return AlphaResult(level, math.nan, d_o, d_e, stats.n_units, coders, n_values, in_use,
                           reason)  # fmt: skip
    value = 1.0 - (n - 1.0) * observed / expected
    return AlphaResult(level, value, d_o, d_e, stats.n_units, coders, n_values, in_use)


def krippendorff_alpha(
    data: ReliabilityInput,
    level: str = "nominal",
    *,
    categories: Sequence[Hashable] | None = None,
) -> AlphaResult:
    """Krippendorff's alpha reliability coefficient.

        alpha = 1 - D_o / D_e = 1 - (n - 1) sum_ck o_ck delta2_ck / sum_ck n_c n_k delta2_ck

    where o_ck is the coincidence matrix, n_c the pairable values of category c, n their total
    and delta2 the difference function of the level of measurement (see the module docstring).
    Any number of coders; missing values allowed; units coded by one coder only are not
    pairable and are left out. Expected disagreement uses all pairable values regardless of
    who coded them, so alpha treats coders as interchangeable and corrects for small samples
    through the factor (n - 1).

    Args:
        data: coders × units; ``None``/NaN for missing.
        level: ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"ratio"``. Interval and ratio
            need numeric values; ordinal uses the category order (numeric, alphabetical, or
            ``categories=``).
        categories: optional full, ordered category set.

    References:
        Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School
            for Communication, University of Pennsylvania, departmental paper 43.
        Krippendorff, K. (2019). Content Analysis: An Introduction to Its Methodology (4th
            ed.), ch. 12. Sage.
        Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability
            measure for coding data. Communication Methods and Measures, 1(1), 77-89.
    """
    _check_level(level)
    return alpha_from_stats(alpha_stats(coerce(data, categories), level))


def coincidence_matrix(
    data: ReliabilityInput, *, categories: Sequence[Hashable] | None = None
) -> tuple[tuple[Hashable, ...], FloatArray]:
    """The coincidence matrix o_ck of Krippendorff (2011), with its category labels.

    Row and column sums are the pairable values n_c; the matrix is symmetric. This is where a
    PI sees which categories coders confuse.
    """
    rd = coerce(data, categories)
    q = rd.n_categories
    m = rd.ratings_per_unit().astype(np.float64)
    inv = np.divide(1.0, m - 1.0, out=np.zeros_like(m), where=m >= 2)
    o = np.zeros(q * q)
    codes = rd.codes
    for i in range(rd.n_coders):
        for j in range(rd.n_coders):
            if i == j:
                continue
            both = (codes[i] != MISSING) & (codes[j] != MISSING)
            keys = codes[i][both] * q + codes[j][both]
            o += np.bincount(keys, weights=inv[both], minlength=q * q)
    return rd.categories, o.reshape(q, q)
