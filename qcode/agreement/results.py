"""Frozen result objects returned by every agreement function.

Each result converts to the coefficient with ``float(result)`` and carries the parts it was
computed from, so a report can show *why* a number is what it is. When a coefficient is
undefined for the data (for example every coder used one and the same category, so chance
agreement is 1 and the coefficient is 0/0), ``value`` is ``nan`` and ``undefined_reason`` says
why in one sentence; nothing is raised for such degenerate-but-valid data.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import ClassVar


def _normal_interval(
    value: float, standard_error: float | None, level: float
) -> tuple[float, float]:
    if not 0.0 < level < 1.0:
        from qcode.errors import UsageError

        raise UsageError(f"confidence level must be between 0 and 1, got {level!r}")
    if standard_error is None or math.isnan(value) or math.isnan(standard_error):
        return (math.nan, math.nan)
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    return (max(-1.0, value - z * standard_error), min(1.0, value + z * standard_error))


@dataclass(frozen=True)
class AgreementResult:
    """A chance-corrected agreement coefficient of the kappa family, or percent agreement.

    ``value = (observed_agreement - chance_agreement) / (1 - chance_agreement)``.

    Attributes:
        coefficient: human-readable name, e.g. ``"Fleiss' kappa"``.
        value: the coefficient (``nan`` when undefined).
        observed_agreement: p_a, the observed proportion of agreeing pairs.
        chance_agreement: p_e, the agreement expected by chance under the coefficient's model
            (0 for percent agreement, which makes no correction).
        n_units: units that entered p_a (coded by at least two coders; for Cohen's kappa and
            Scott's pi, units coded by both coders).
        n_coders: coders in the data.
        n_categories: categories q the coefficient was computed over.
        standard_error: large-sample standard error (Gwet 2008, 2014), or ``None``.
        weights: ``None`` (unweighted), ``"linear"`` or ``"quadratic"``.
        undefined_reason: why ``value`` is ``nan``, or ``None``.
    """

    coefficient: str
    value: float
    observed_agreement: float
    chance_agreement: float
    n_units: int
    n_coders: int
    n_categories: int
    standard_error: float | None = None
    weights: str | None = None
    undefined_reason: str | None = None

    def __float__(self) -> float:
        return math.nan if self.undefined_reason else self.value

    def confidence_interval(self, level: float = 0.95) -> tuple[float, float]:
        """Normal-approximation interval ``value ± z·SE``, clipped to [-1, 1].

        irrCAC uses Student's t with n-1 degrees of freedom instead of z; for n above ~30
        the two agree to the third decimal.
        """
        return _normal_interval(float(self), self.standard_error, level)


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's alpha for pre-defined units.

    ``value = 1 - observed_disagreement / expected_disagreement``.

    Attributes:
        level: ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"ratio"``.
        value: alpha (``nan`` when undefined).
        observed_disagreement: D_o.
        expected_disagreement: D_e.
        n_units: pairable units (coded by at least two coders).
        n_coders: coders in the data.
        n_values: pairable values n.. (values in pairable units).
        n_categories: distinct values among the pairable values.
        undefined_reason: why ``value`` is ``nan``, or ``None``.
    """

    level: str
    value: float
    observed_disagreement: float
    expected_disagreement: float
    n_units: int
    n_coders: int
    n_values: int
    n_categories: int
    undefined_reason: str | None = None

    coefficient: ClassVar[str] = "Krippendorff's alpha"

    def __float__(self) -> float:
        return math.nan if self.undefined_reason else self.value


@dataclass(frozen=True)
class UnitizedAlphaResult:
    """A member of Krippendorff's alpha family for unitized continua.

    Attributes:
        variant: ``"u"``, ``"|u"``, ``"cu"`` or ``"ku"`` (Krippendorff et al. 2016).
        code: for ``"|u"`` and ``"ku"``, the code distinguished from everything else;
            ``None`` otherwise.
        value: the coefficient (``nan`` when undefined).
        observed_disagreement: observed disagreeing length (coincidences off the diagonal).
        expected_disagreement: disagreeing length expected by chance.
        n_coders: coders compared.
        continuum_length: length L of the continuum.
        pairable_length: total length entering the coincidence matrix (m·L for ``"u"`` and
            ``"|u"`` and ``"ku"``; the length where units of two coders intersect for ``"cu"``).
        n_segments: coded segments (not gaps) that entered the computation.
        undefined_reason: why ``value`` is ``nan``, or ``None``.
    """

    variant: str
    code: Hashable | None
    value: float
    observed_disagreement: float
    expected_disagreement: float
    n_coders: int
    continuum_length: int
    pairable_length: float
    n_segments: int
    undefined_reason: str | None = None

    coefficient: ClassVar[str] = "Krippendorff's unitizing alpha"

    def __float__(self) -> float:
        return math.nan if self.undefined_reason else self.value


@dataclass(frozen=True)
class BootstrapResult:
    """A bootstrap distribution of a coefficient, summarised.

    Attributes:
        coefficient: name of the bootstrapped coefficient.
        estimate: the coefficient on the original data.
        low, high: percentile interval bounds at ``confidence``.
        confidence: e.g. 0.95.
        standard_error: standard deviation of the bootstrap replicates.
        n_boot: replicates drawn.
        n_valid: replicates where the coefficient was defined (the others are dropped).
        seed: the seed given to ``numpy.random.default_rng``.
        method: the resampling scheme, in words.
        samples: the defined replicates, in draw order.
    """

    coefficient: str
    estimate: float
    low: float
    high: float
    confidence: float
    standard_error: float
    n_boot: int
    n_valid: int
    seed: int | None
    method: str
    samples: tuple[float, ...] = field(repr=False, compare=False, default=())

    def __float__(self) -> float:
        return self.estimate

    def probability_below(self, minimum: float) -> float:
        """Share of replicates below ``minimum``: Hayes & Krippendorff's (2007) q.

        The probability of failing to reach a required reliability such as alpha_min = .667
        or .800 (Krippendorff 2019).
        """
        if not self.samples:
            return math.nan
        return sum(1 for s in self.samples if s < minimum) / len(self.samples)
