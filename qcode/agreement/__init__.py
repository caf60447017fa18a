"""Inter-coder agreement: pure statistics, arrays in and frozen results out.

No database, no I/O. Reliability data are coders' rows (coders × units) with ``None`` or NaN
for a unit a coder did not code; unitized data are spans per coder on a continuum. Every
function returns a frozen result whose ``float()`` is the coefficient and which carries its
parts (observed and expected agreement or disagreement, units and coders used, and why the
coefficient is undefined when it is). See ``docs/agreement.md`` for which coefficient to use.

Coefficients for pre-defined units:
    percent_agreement, cohen_kappa, scott_pi, fleiss_kappa, brennan_prediger, gwet_ac1,
    krippendorff_alpha, per_category, coincidence_matrix
Unitized continua (Krippendorff et al. 2016):
    unitized_alpha, unitized_alpha_by_code
Uncertainty:
    bootstrap_alpha, bootstrap, and bootstrap_alpha_many, bootstrap_many for many data sets at
    once (and ``standard_error`` / ``confidence_interval()`` on kappa-type
    results)
"""

from qcode.agreement.alpha import coincidence_matrix, krippendorff_alpha
from qcode.agreement.bootstrap import (
    bootstrap,
    bootstrap_alpha,
    bootstrap_alpha_many,
    bootstrap_many,
)
from qcode.agreement.coefficients import (
    brennan_prediger,
    fleiss_kappa,
    gwet_ac1,
    percent_agreement,
)
from qcode.agreement.data import ReliabilityData, coerce
from qcode.agreement.per_category import per_category
from qcode.agreement.results import (
    AgreementResult,
    AlphaResult,
    BootstrapResult,
    UnitizedAlphaResult,
)
from qcode.agreement.two_coders import cohen_kappa, scott_pi
from qcode.agreement.unitized import unitized_alpha, unitized_alpha_by_code

__all__ = [
    "AgreementResult",
    "AlphaResult",
    "BootstrapResult",
    "ReliabilityData",
    "UnitizedAlphaResult",
    "bootstrap",
    "bootstrap_alpha",
    "bootstrap_alpha_many",
    "bootstrap_many",
    "brennan_prediger",
    "coerce",
    "cohen_kappa",
    "coincidence_matrix",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "per_category",
    "percent_agreement",
    "scott_pi",
    "unitized_alpha",
    "unitized_alpha_by_code",
]
