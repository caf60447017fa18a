"""Percent agreement and the kappa family for any number of coders, with missing ratings.

All four coefficients here share Gwet's (2014) framework for raw ratings with missing values,
so they differ only in how chance agreement p_e is modelled:

    r_ik = coders who put unit i in category k,   r_i = sum_k r_ik   (coders who rated unit i)
    n    = units rated by at least one coder,     n2  = units rated by at least two
    p_a  = (1/n2) * sum_{i: r_i >= 2} sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))
    pi_k = (1/n) * sum_i r_ik / r_i
    coefficient = (p_a - p_e) / (1 - p_e)

Units rated by one coder only add no pair to p_a but do inform the category distribution pi_k,
as in Gwet's generalised formulas; units rated by no one are ignored.

Standard errors are Gwet's linearisation variances, conditional on the coders and
unconditional on the units (Gwet 2008; Gwet 2014, ch. 5):

    kappa_i  = (n/n2) (p_a,i - p_e [r_i >= 2]) / (1 - p_e) - 2 (1 - kappa) (p_e,i - p_e) / (1 - p_e)
    var      = sum_i (kappa_i - kappa)^2 / (n (n - 1))

They reproduce the ``coeff.se`` printed by the irrCAC R package (Gwet 2019).

References:
    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of
        high agreement. British Journal of Mathematical and Statistical Psychology, 61, 29-48.
    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.). Advanced Analytics.
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
        Bulletin, 76(5), 378-382.
    Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and
        alternatives. Educational and Psychological Measurement, 41(3), 687-699.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from qcode.agreement.data import FloatArray, ReliabilityData, ReliabilityInput, coerce
from qcode.agreement.results import AgreementResult

_ONE = 1.0 - 1e-12


@dataclass(frozen=True, eq=False)
class Tally:
    """Gwet's sufficient statistics for one data set (units rated by no one removed)."""

    n: int
    n2: int
    q: int
    n_coders: int
    unit: np.ndarray
    cat: np.ndarray
    count: FloatArray
    r: FloatArray
    pa_i: FloatArray
    pi: FloatArray

    @property
    def pa(self) -> float:
        if self.n2 == 0:
            return math.nan
        return float(self.pa_i[self.r >= 2].sum() / self.n2)


def tally(rd: ReliabilityData) -> Tally:
    """Compute r_ik (sparse), r_i, p_a,i and pi_k for :class:`ReliabilityData`."""
    unit, cat, count = rd.entries()
    r_all = rd.ratings_per_unit()
    rated = np.flatnonzero(r_all >= 1)
    compact = np.full(rd.n_units, -1, dtype=np.int64)
    compact[rated] = np.arange(rated.size)
    unit = compact[unit]
    n = int(rated.size)
    r = r_all[rated].astype(np.float64)
    cnt = count.astype(np.float64)
    pairs = np.bincount(unit, weights=cnt * (cnt - 1.0), minlength=n)
    den = r * (r - 1.0)
    pa_i = np.divide(pairs, den, out=np.zeros(n), where=den > 0)
    q = rd.n_categories
    pi = np.bincount(cat, weights=cnt / r[unit], minlength=q) / n if n else np.zeros(q)
    return Tally(n, int((r >= 2).sum()), q, rd.n_coders, unit, cat, cnt, r, pa_i, pi)


def _no_pairs(t: Tally) -> str | None:
    if t.n2 == 0:
        return "no unit was coded by two or more coders, so there is no pair to compare"
    return None


def _chance_corrected(
    name: str, t: Tally, pe: float, pe_i: FloatArray | None, reason: str | None = None
) -> AgreementResult:
    reason = _no_pairs(t) or reason
    pa = t.pa
    if reason is None and pe >= _ONE:
        reason = (
            "chance agreement p_e is 1 (every rating falls in one category), so "
            "(p_a - p_e) / (1 - p_e) is 0/0: the data cannot show whether coders can tell "
            "categories apart"
        )
    if reason is not None:
        return AgreementResult(name, math.nan, pa, pe, t.n2, t.n_coders, t.q, None, None, reason)
    value = (pa - pe) / (1.0 - pe)
    two = (t.r >= 2).astype(np.float64)
    k_i = (t.n / t.n2) * (t.pa_i - pe * two) / (1.0 - pe)
    if pe_i is not None:
        k_i = k_i - 2.0 * (1.0 - value) * (pe_i - pe) / (1.0 - pe)
    se = _linearised_se(k_i, value, t.n)
    return AgreementResult(name, value, pa, pe, t.n2, t.n_coders, t.q, se)


def _linearised_se(k_i: FloatArray, value: float, n: int) -> float:
    if n < 2:
        return math.nan
    return math.sqrt(float(((k_i - value) ** 2).sum()) / (n * (n - 1)))


def percent_agreement(
    data: ReliabilityInput, *, categories: Sequence[Hashable] | None = None
) -> AgreementResult:
    """Pairwise percent agreement for any number of coders.

    For each unit coded by at least two coders, the share of agreeing pairs among all pairs of
    its coders; then the mean over those units (Fleiss 1971's P-bar, Gwet 2014 eq. 2.9):

        p_a = (1/n2) * sum_i sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))

    With two coders this is the proportion of units both coded on which they agree. It makes no
    allowance for chance, so ``chance_agreement`` is 0. The standard error is Gwet's (2014).

    Args:
        data: coders × units; ``None``/NaN for missing.
        categories: optional full category set (does not change p_a).
    """
    t = tally(coerce(data, categories))
    reason = _no_pairs(t)
    if reason:
        return AgreementResult(
            "percent agreement", math.nan, math.nan, 0.0, 0, t.n_coders, t.q, None, None, reason
        )
    pa = t.pa
    se = _linearised_se((t.n / t.n2) * t.pa_i, pa, t.n)
    return AgreementResult("percent agreement", pa, pa, 0.0, t.n2, t.n_coders, t.q, se)


def fleiss_kappa(
    data: ReliabilityInput, *, categories: Sequence[Hashable] | None = None
) -> AgreementResult:
    """Fleiss' kappa, generalised to missing ratings as in Gwet (2014).

        p_e = sum_k pi_k^2,     pi_k = (1/n) sum_i r_ik / r_i

    With complete data (every coder rates every unit) this is exactly Fleiss (1971)'s kappa;
    with two coders and complete data it equals Scott's (1955) pi. Chance agreement assumes
    all coders share one category distribution, so systematic differences between coders
    count as disagreement. The standard error is Gwet's, with
    p_e,i = sum_k r_ik pi_k / r_i (irrCAC ``fleiss.kappa.raw``).

    References:
        Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
            Psychological Bulletin, 76(5), 378-382.
        Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.), ch. 2 and 5.
    """
    t = tally(coerce(data, categories))
    pe = float((t.pi**2).sum())
    pe_i = _per_unit_mean(t, t.pi)
    return _chance_corrected("Fleiss' kappa", t, pe, pe_i)


def brennan_prediger(
    data: ReliabilityInput, *, categories: Sequence[Hashable] | None = None
) -> AgreementResult:
    """Brennan & Prediger's (1981) coefficient (also Bennett et al.'s S, free-marginal kappa).

        p_e = 1 / q

    where q is the number of categories: those used by any coder, or ``categories`` when given.
    Chance agreement assumes coders pick every category with equal probability, so the value
    depends on how many categories the codebook offers; pass ``categories`` to use the
    codebook's q rather than the number observed.

    References:
        Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and
            alternatives. Educational and Psychological Measurement, 41(3), 687-699.
        Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.), ch. 4.
    """
    t = tally(coerce(data, categories))
    pe = 1.0 / t.q if t.q else math.nan
    reason = None
    if t.q < 2 and t.n2:
        reason = (
            "only one category is in use, so p_e = 1/q = 1 and the coefficient is 0/0; pass "
            "categories= with the codebook's full category set"
        )
    return _chance_corrected("Brennan-Prediger coefficient", t, pe, None, reason)


def gwet_ac1(
    data: ReliabilityInput, *, categories: Sequence[Hashable] | None = None
) -> AgreementResult:
    """Gwet's AC1 agreement coefficient.

        p_e = sum_k pi_k (1 - pi_k) / (q - 1)

    Chance agreement is modelled as the probability that a rating is random (hard to classify)
    times the agreement of two random ratings, which keeps AC1 stable when one category
    dominates (the "kappa paradox" of Feinstein & Cicchetti 1990). The standard error is
    Gwet's, with p_e,i = sum_k r_ik (1 - pi_k) / (r_i (q - 1)) (irrCAC ``gwet.ac1.raw``).

    References:
        Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence
            of high agreement. British Journal of Mathematical and Statistical Psychology, 61,
            29-48.
        Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.), ch. 4 and 5.
    """
    t = tally(coerce(data, categories))
    reason = None
    if t.q < 2:
        reason = (
            "only one category is in use: AC1's chance agreement sum pi_k (1 - pi_k) / (q - 1) "
            "needs q >= 2; pass categories= with the codebook's full category set"
        )
        return _chance_corrected("Gwet's AC1", t, math.nan, None, reason)
    pe = float((t.pi * (1.0 - t.pi)).sum() / (t.q - 1))
    pe_i = _per_unit_mean(t, (1.0 - t.pi) / (t.q - 1))
    return _chance_corrected("Gwet's AC1", t, pe, pe_i)


def _per_unit_mean(t: Tally, per_category: FloatArray) -> FloatArray:
    """sum_k r_ik * f_k / r_i for every unit."""
    sums = np.bincount(t.unit, weights=t.count * per_category[t.cat], minlength=t.n)
    return np.asarray(sums / t.r, dtype=np.float64) if t.n else np.zeros(0)
