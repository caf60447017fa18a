"""Coefficients defined for exactly two coders: Cohen's kappa and Scott's pi.

Both are computed on the q × q contingency table of the units that *both* coders coded
(units coded by one of them only are left out, as in Cohen 1960), with p_kl the share of those
units put in category k by the first coder and l by the second, p_k+ and p_+l the margins, and
agreement weights w_kl (identity unless weighted):

    p_a = sum_kl w_kl p_kl,     coefficient = (p_a - p_e) / (1 - p_e)

Standard errors are the large-sample variances of Fleiss, Cohen & Everitt (1969), in the form
given by Gwet (2014, ch. 5) and printed by irrCAC's ``kappa2.table`` / ``scott2.table``:

    var = [sum_kl p_kl (w_kl - (1 - kappa)(wbar_k + wbar_l))^2 - (p_a - 2 (1 - kappa) p_e)^2]
          / (n (1 - p_e)^2)
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

import numpy as np

from qcode.agreement.data import MISSING, FloatArray, ReliabilityData, ReliabilityInput, coerce
from qcode.agreement.results import AgreementResult
from qcode.errors import UsageError

_WEIGHTS = (None, "linear", "quadratic")


def agreement_weights(q: int, weights: str | None) -> FloatArray:
    """Agreement weights w_kl on category positions 0..q-1 (Cohen 1968).

    ``None``: identity; ``"linear"``: 1 - |k - l| / (q - 1);
    ``"quadratic"``: 1 - (k - l)^2 / (q - 1)^2.
    """
    if weights not in _WEIGHTS:
        raise UsageError(
            f"weights must be None, 'linear' or 'quadratic', got {weights!r}",
        )
    pos = np.arange(q, dtype=np.float64)
    if weights is None or q < 2:
        return np.eye(q)
    dist = np.abs(pos[:, None] - pos[None, :]) / (q - 1)
    return 1.0 - (dist if weights == "linear" else dist**2)


def _two_coder_table(rd: ReliabilityData, name: str) -> tuple[FloatArray, int]:
    if rd.n_coders != 2:
        raise UsageError(
            f"{name} is defined for exactly two coders; the data have {rd.n_coders}",
            hint="use fleiss_kappa() (Fleiss 1971) or krippendorff_alpha() for three or more "
            "coders; both handle missing ratings",
        )
    a, b = rd.codes
    both = (a != MISSING) & (b != MISSING)
    q = rd.n_categories
    counts = np.bincount(a[both] * q + b[both], minlength=q * q).reshape(q, q)
    return counts.astype(np.float64), int(both.sum())


def _two_coder_result(
    name: str,
    rd: ReliabilityData,
    table: FloatArray,
    n: int,
    w: FloatArray,
    margins: tuple[FloatArray, FloatArray],
    weights: str | None,
) -> AgreementResult:
    q = rd.n_categories
    if n == 0:
        return AgreementResult(
            name, math.nan, math.nan, math.nan, 0, 2, q, None, weights,
            "no unit was coded by both coders",
        )  # fmt: skip
    p = table / n
    row, col = margins
    pa = float((w * p).sum())
    pe = float((w * np.outer(row, col)).sum())
    if pe >= 1.0 - 1e-12:
        reason = (
            "chance agreement p_e is 1 (both coders put every unit in the same single "
            "category), so the coefficient is 0/0"
        )
        return AgreementResult(name, math.nan, pa, pe, n, 2, q, None, weights, reason)
    value = (pa - pe) / (1.0 - pe)
    wbar_row = w @ col  # wbar_k: sum_l w_kl p_+l
    wbar_col = w.T @ row  # wbar_l: sum_k w_kl p_k+
    if name == "Scott's pi":
        wbar_row = wbar_col = (wbar_row + wbar_col) / 2.0
    dev = w - (1.0 - value) * (wbar_row[:, None] + wbar_col[None, :])
    first = float((p * dev**2).sum())
    spread = first - (pa - 2.0 * (1.0 - value) * pe) ** 2
    # The two terms cancel exactly under perfect agreement; rounding leaves ~1e-17, whose square
    # root (~1e-9) would pose as a standard error. Treat a relative residue below 1e-12 as zero.
    if spread <= 1e-12 * first:
        spread = 0.0
    se = math.sqrt(spread / (n * (1.0 - pe) ** 2))
    return AgreementResult(name, value, pa, pe, n, 2, q, se, weights)


def cohen_kappa(
    data: ReliabilityInput,
    weights: str | None = None,
    *,
    categories: Sequence[Hashable] | None = None,
) -> AgreementResult:
    """Cohen's kappa for two coders, optionally weighted for ordered categories.

        p_e = sum_kl w_kl p_k+ p_+l

    Chance agreement multiplies each coder's *own* category distribution (the margins are
    added over categories, never multiplied together across categories), so a coder who
    systematically prefers a category is not penalised for it as in Scott's pi.

    ``weights="linear"`` or ``"quadratic"`` gives Cohen's (1968) weighted kappa, with
    distances between category *positions* in the ordered category list (numeric order, or the
    order of ``categories=``). Pass ``categories=`` with every scale point when some were never
    used, so that distances are counted correctly. Quadratically weighted kappa approximates
    the intraclass correlation (Fleiss & Cohen 1973).

    Only units coded by both coders enter. More than two coders is an error naming the
    alternatives.

    References:
        Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
            Psychological Measurement, 20(1), 37-46.
        Cohen, J. (1968). Weighted kappa: Nominal scale agreement with provision for scaled
            disagreement or partial credit. Psychological Bulletin, 70(4), 213-220.
        Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of
            kappa and weighted kappa. Psychological Bulletin, 72(5), 323-327.
    """
    rd = coerce(data, categories)
    w = agreement_weights(rd.n_categories, weights)
    table, n = _two_coder_table(rd, "Cohen's kappa")
    p = table / n if n else table
    margins = (p.sum(axis=1), p.sum(axis=0))
    name = "Cohen's kappa" if weights is None else f"Cohen's kappa ({weights} weights)"
    return _two_coder_result(name, rd, table, n, w, margins, weights)


def scott_pi(
    data: ReliabilityInput, *, categories: Sequence[Hashable] | None = None
) -> AgreementResult:
    """Scott's pi for two coders.

        pi_k = (p_k+ + p_+k) / 2,     p_e = sum_k pi_k^2

    Chance agreement uses the two coders' pooled category distribution, i.e. it assumes both
    coders draw from one population of judgements. Only units coded by both coders enter; for
    three or more coders use :func:`fleiss_kappa`, its generalisation.

    References:
        Scott, W. A. (1955). Reliability of content analysis: The case of nominal scale
            coding. Public Opinion Quarterly, 19(3), 321-325.
        Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.), ch. 2 and 5.
    """
    rd = coerce(data, categories)
    table, n = _two_coder_table(rd, "Scott's pi")
    p = table / n if n else table
    pooled = (p.sum(axis=1) + p.sum(axis=0)) / 2.0
    w = np.eye(rd.n_categories)
    return _two_coder_result("Scott's pi", rd, table, n, w, (pooled, pooled), None)
