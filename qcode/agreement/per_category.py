"""Per-category reliability: each category against all the others.

For category c the data are recoded to the binary distinction "c" versus "not c" (a missing
value stays missing) and the chosen coefficient is computed on the recoded data. This is the
literature's definition of a category-specific coefficient:

* Fleiss (1971) defines the kappa for category j as
  ``kappa_j = 1 - sum_i x_ij (m - x_ij) / (N m (m - 1) p_j q_j)``, which is Fleiss' kappa on
  the j-versus-rest recoding (generalised here to missing ratings as in :func:`fleiss_kappa`).
* Cohen's kappa for one category is kappa on the collapsed 2 × 2 table (Fleiss, Levin & Paik
  2003, Statistical Methods for Rates and Proportions, 3rd ed., ch. 18).
* Krippendorff's alpha for one category is binary alpha on the recoding: how reliably coders
  distinguish that category from all others (Krippendorff 2019, Content Analysis, 4th ed.,
  ch. 12). Do not average per-category alphas into an overall figure; compute alpha on the
  full data instead.

Undefined cases are reported per category (a category nobody used, or one everybody used
everywhere, has no variation to assess).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from qcode.agreement.alpha import krippendorff_alpha
from qcode.agreement.coefficients import fleiss_kappa
from qcode.agreement.data import MISSING, ReliabilityData, ReliabilityInput, coerce
from qcode.agreement.results import AgreementResult, AlphaResult
from qcode.agreement.two_coders import cohen_kappa, scott_pi
from qcode.errors import UsageError

_COEFFICIENTS = ("krippendorff_alpha", "fleiss_kappa", "cohen_kappa", "scott_pi")


def binary_recode(rd: ReliabilityData, category: Hashable) -> ReliabilityData:
    """Recode to 1 where a coder chose ``category``, 0 where they chose another, else missing."""
    try:
        k = rd.categories.index(category)
    except ValueError:
        raise UsageError(f"{category!r} is not a category of the data") from None
    codes = np.where(rd.codes == MISSING, MISSING, (rd.codes == k).astype(np.int64))
    return ReliabilityData(codes, (False, True))


def per_category(
    data: ReliabilityInput,
    coefficient: str = "krippendorff_alpha",
    *,
    categories: Sequence[Hashable] | None = None,
) -> dict[Hashable, AgreementResult | AlphaResult]:
    """One coefficient per category, each computed for that category against all others.

    Args:
        data: coders × units; ``None``/NaN for missing.
        coefficient: ``"krippendorff_alpha"`` (binary alpha), ``"fleiss_kappa"`` (Fleiss 1971
            category-specific kappa), ``"cohen_kappa"`` or ``"scott_pi"`` (two coders only).
        categories: optional full, ordered category set; every category in it gets a result,
            including unused ones (reported as undefined).

    Returns:
        ``{category: result}`` in category order.
    """
    if coefficient not in _COEFFICIENTS:
        raise UsageError(
            f"coefficient must be one of {', '.join(_COEFFICIENTS)}; got {coefficient!r}"
        )
    rd = coerce(data, categories)
    out: dict[Hashable, AgreementResult | AlphaResult] = {}
    for category in rd.categories:
        binary = binary_recode(rd, category)
        if coefficient == "krippendorff_alpha":
            out[category] = krippendorff_alpha(binary, "nominal")
        elif coefficient == "fleiss_kappa":
            out[category] = fleiss_kappa(binary)
        elif coefficient == "cohen_kappa":
            out[category] = cohen_kappa(binary)
        else:
            out[category] = scott_pi(binary)
    return out
