"""Published values, reproduced to the number of decimals their sources print.

Sources:
    [K2011] Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg
            School for Communication, University of Pennsylvania, departmental paper 43.
    [F1971] Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
            Psychological Bulletin, 76(5), 378-382 (category kappas as printed by R's irr
            ``kappam.fleiss(diagnoses, detail=TRUE)``).
    [irrCAC] Gwet, K. L. (2019). irrCAC: Computing Chance-Corrected Agreement Coefficients,
            R package, README "Computing agreement coefficients from raw ratings" and
            "...from contingency tables" (github.com/kgwet/irrCAC); the examples of Gwet
            (2014), Handbook of Inter-Rater Reliability, 4th ed.
    [SAS]   SAS/STAT FREQ procedure, simple kappa example, as reproduced in statsmodels'
            ``test_inter_rater.py`` (table10): kappa 0.4842, ASE 0.1380.
"""

from __future__ import annotations

import pytest
from agreement_datasets import (
    CONT3X3_ABSTRACTORS,
    CONT3X3_CATEGORIES,
    FLEISS_1971_CATEGORIES,
    FLEISS_1971_COUNTS,
    KRIPPENDORFF_2011_A,
    KRIPPENDORFF_2011_B,
    KRIPPENDORFF_2011_C,
    SAS_TABLE10,
    counts_to_rows,
    table_to_rows,
)

from qcode.agreement import (
    brennan_prediger,
    cohen_kappa,
    coincidence_matrix,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    per_category,
    percent_agreement,
    scott_pi,
)


def rounded(x: float | None, places: int) -> float:
    assert x is not None
    return round(float(x), places)


# --- Krippendorff (2011) --------------------------------------------------------------


def test_k2011_a_binary_two_observers() -> None:
    # [K2011] section A: alpha = 0.095
    assert rounded(krippendorff_alpha(KRIPPENDORFF_2011_A).value, 3) == 0.095


def test_k2011_b_nominal_two_observers() -> None:
    # [K2011] section B: alpha = 0.692
    assert rounded(krippendorff_alpha(KRIPPENDORFF_2011_B).value, 3) == 0.692


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_k2011_c_four_observers_missing_data(level: str, published: float) -> None:
    # [K2011] section C: 4 observers × 12 units with missing values.
    result = krippendorff_alpha(KRIPPENDORFF_2011_C, level)
    assert rounded(result.value, 3) == published
    assert result.n_values == 40  # n.. = 40 pairable values; unit 12 is not pairable
    assert result.n_units == 11


def test_k2011_c_coincidences_sum_to_pairable_values() -> None:
    cats, o = coincidence_matrix(KRIPPENDORFF_2011_C)
    assert cats == (1, 2, 3, 4, 5)
    assert o.sum() == pytest.approx(40)
    assert o == pytest.approx(o.T)
    # Margins n_c of [K2011] section C: 9, 13, 10, 5, 3 (values 1..5).
    assert o.sum(axis=1) == pytest.approx([9, 13, 10, 5, 3])


# --- irrCAC / Gwet (2014), cac.raw4raters -----------------------------------------------


def test_irrcac_raw4raters_percent_agreement() -> None:
    # [irrCAC] pa.coeff.raw(cac.raw4raters): pa 0.8181818, se 0.12561
    r = percent_agreement(KRIPPENDORFF_2011_C)
    assert rounded(r.value, 7) == 0.8181818
    assert rounded(r.standard_error, 5) == 0.12561


def test_irrcac_raw4raters_gwet_ac1() -> None:
    # [irrCAC] gwet.ac1.raw(cac.raw4raters): pe 0.1903212, AC1 0.77544, se 0.14295
    r = gwet_ac1(KRIPPENDORFF_2011_C)
    assert rounded(r.chance_agreement, 7) == 0.1903212
    assert rounded(r.value, 5) == 0.77544
    assert rounded(r.standard_error, 5) == 0.14295


def test_irrcac_raw4raters_fleiss_kappa() -> None:
    # [irrCAC] fleiss.kappa.raw(cac.raw4raters): pe 0.2387153, kappa 0.76117, se 0.15302
    r = fleiss_kappa(KRIPPENDORFF_2011_C)
    assert rounded(r.observed_agreement, 7) == 0.8181818
    assert rounded(r.chance_agreement, 7) == 0.2387153
    assert rounded(r.value, 5) == 0.76117
    assert rounded(r.standard_error, 5) == 0.15302


def test_irrcac_raw4raters_brennan_prediger() -> None:
    # [irrCAC] bp.coeff.raw(cac.raw4raters): pe 0.2, BP 0.77273, se 0.14472
    r = brennan_prediger(KRIPPENDORFF_2011_C)
    assert r.chance_agreement == pytest.approx(0.2)
    assert rounded(r.value, 5) == 0.77273
    assert rounded(r.standard_error, 5) == 0.14472


def test_irrcac_raw4raters_krippendorff_alpha() -> None:
    # [irrCAC] krippen.alpha.raw(cac.raw4raters): alpha 0.74342
    assert rounded(krippendorff_alpha(KRIPPENDORFF_2011_C).value, 5) == 0.74342


# --- irrCAC / Gwet (2014), distrib.6raters (= first 15 patients of Fleiss 1971) --------

DISTRIB_6RATERS = counts_to_rows(FLEISS_1971_COUNTS[:15], FLEISS_1971_CATEGORIES)


def test_irrcac_distrib6raters_gwet_ac1() -> None:
    # [irrCAC] gwet.ac1.dist(distrib.6raters): 0.4448007, se 0.08418757, pa 0.5511111,
    # pe 0.1914815
    r = gwet_ac1(DISTRIB_6RATERS)
    assert rounded(r.value, 7) == 0.4448007
    assert rounded(r.standard_error, 8) == 0.08418757
    assert rounded(r.observed_agreement, 7) == 0.5511111
    assert rounded(r.chance_agreement, 7) == 0.1914815


def test_irrcac_distrib6raters_fleiss_kappa() -> None:
    # [irrCAC] fleiss.kappa.dist(distrib.6raters): 0.4139265, se 0.08119291, pe 0.2340741
    r = fleiss_kappa(DISTRIB_6RATERS)
    assert rounded(r.value, 7) == 0.4139265
    assert rounded(r.standard_error, 8) == 0.08119291
    assert rounded(r.chance_agreement, 7) == 0.2340741


def test_irrcac_distrib6raters_brennan_prediger() -> None:
    # [irrCAC] bp.coeff.dist(distrib.6raters): 0.4388889, se 0.08312142
    r = brennan_prediger(DISTRIB_6RATERS)
    assert rounded(r.value, 7) == 0.4388889
    assert rounded(r.standard_error, 8) == 0.08312142


def test_irrcac_distrib6raters_krippendorff_alpha() -> None:
    # [irrCAC] krippen.alpha.dist(distrib.6raters): 0.4204384
    assert rounded(krippendorff_alpha(DISTRIB_6RATERS).value, 7) == 0.4204384


# --- Fleiss (1971), all 30 patients ------------------------------------------------------

FLEISS_1971 = counts_to_rows(FLEISS_1971_COUNTS, FLEISS_1971_CATEGORIES)


def test_fleiss_1971_overall_kappa() -> None:
    # [F1971] kappa = .430 for 30 patients × 6 psychiatrists.
    r = fleiss_kappa(FLEISS_1971)
    assert rounded(r.value, 3) == 0.430
    assert (r.n_units, r.n_coders, r.n_categories) == (30, 6, 5)


def test_fleiss_1971_category_kappas() -> None:
    # [F1971] category-specific kappas: .245, .245, .520, .471, .566
    by_category = per_category(FLEISS_1971, "fleiss_kappa", categories=FLEISS_1971_CATEGORIES)
    assert [rounded(r.value, 3) for r in by_category.values()] == [
        0.245, 0.245, 0.520, 0.471, 0.566,
    ]  # fmt: skip


# --- Two coders: irrCAC cont3x3abstractors and SAS --------------------------------------

ABSTRACTORS = table_to_rows(CONT3X3_ABSTRACTORS, CONT3X3_CATEGORIES)


def test_irrcac_abstractors_cohen_kappa() -> None:
    # [irrCAC] kappa2.table(cont3x3abstractors): 0.7964094, se 0.05891072
    r = cohen_kappa(ABSTRACTORS, categories=CONT3X3_CATEGORIES)
    assert rounded(r.value, 7) == 0.7964094
    assert rounded(r.standard_error, 8) == 0.05891072


def test_irrcac_abstractors_scott_pi() -> None:
    # [irrCAC] scott2.table(cont3x3abstractors): 0.7962397, se 0.05905473
    r = scott_pi(ABSTRACTORS)
    assert rounded(r.value, 7) == 0.7962397
    assert rounded(r.standard_error, 8) == 0.05905473


def test_irrcac_abstractors_other_coefficients() -> None:
    # [irrCAC] gwet.ac1.table 0.8493305, bp2.table 0.835, krippen2.table 0.7972585,
    # pa2.table 0.89 (values only: the .table standard errors use divisor n, the raw-data
    # ones n - 1).
    assert rounded(gwet_ac1(ABSTRACTORS).value, 7) == 0.8493305
    assert rounded(brennan_prediger(ABSTRACTORS).value, 3) == 0.835
    assert rounded(krippendorff_alpha(ABSTRACTORS).value, 7) == 0.7972585
    assert rounded(percent_agreement(ABSTRACTORS).value, 2) == 0.89


def test_irrcac_abstractors_raw_se_is_table_se_times_n_correction() -> None:
    # gwet.ac1.table se 0.04321747 uses 1/n where the raw-data formula uses 1/(n - 1).
    r = gwet_ac1(ABSTRACTORS)
    assert rounded(r.standard_error * (99 / 100) ** 0.5, 8) == 0.04321747


def test_sas_simple_kappa_and_ase() -> None:
    # [SAS] simple kappa 0.4842, ASE 0.1380 (Fleiss, Cohen & Everitt 1969 variance).
    r = cohen_kappa(table_to_rows(SAS_TABLE10, [1, 2, 3]))
    assert rounded(r.value, 4) == 0.4842
    assert rounded(r.standard_error, 4) == 0.1380
    low, high = r.confidence_interval(0.95)
    assert (round(low, 4), round(high, 4)) == (0.2137, 0.7547)  # SAS 95% limits
