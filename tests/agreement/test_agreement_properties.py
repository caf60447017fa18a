"""Properties every coefficient must have, and cross-checks against independent code.

The independent implementations (the ``krippendorff`` and ``statsmodels`` packages) are test
dependencies only; the comparisons are to 1e-9.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.agreement import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)

SETTINGS = settings(max_examples=40, deadline=None)
TOL = 1e-9


@st.composite
def reliability(draw: st.DrawFn, min_coders: int = 2, max_coders: int = 6,
                missing: bool = True) -> np.ndarray:  # fmt: skip
    """A coders × units float matrix of small integer codes, NaN for missing."""
    n_coders = draw(st.integers(min_coders, max_coders))
    n_units = draw(st.integers(2, 40))
    n_cats = draw(st.integers(2, 6))
    p_missing = draw(st.sampled_from([0.0, 0.1, 0.3])) if missing else 0.0
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # Mix agreement and noise so that values span the whole range of the coefficients.
    truth = rng.integers(1, n_cats + 1, n_units)
    noise = rng.integers(1, n_cats + 1, (n_coders, n_units))
    agree = rng.random((n_coders, n_units)) < rng.random()
    data = np.where(agree, truth, noise).astype(float)
    data[rng.random(data.shape) < p_missing] = np.nan
    return data


def distinct_values(data: np.ndarray) -> int:
    pairable = np.sum(~np.isnan(data), axis=0) >= 2
    return int(np.unique(data[:, pairable][~np.isnan(data[:, pairable])]).size)


def table(a: np.ndarray, b: np.ndarray, cats: np.ndarray) -> np.ndarray:
    t = np.zeros((cats.size, cats.size))
    np.add.at(t, (np.searchsorted(cats, a), np.searchsorted(cats, b)), 1)
    return t


# --- Cross-checks against the krippendorff package ---------------------------------------


@SETTINGS
@given(reliability(), st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_matches_krippendorff_package(data: np.ndarray, level: str) -> None:
    krippendorff = pytest.importorskip("krippendorff")
    ours = krippendorff_alpha(data, level)
    if distinct_values(data) < 2:
        assert ours.undefined_reason is not None and math.isnan(float(ours))
        return
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert float(ours) == pytest.approx(theirs, abs=TOL)


@SETTINGS
@given(reliability(missing=True), st.sampled_from(["nominal", "interval"]))
def test_alpha_accepts_lists_with_none_like_arrays(data: np.ndarray, level: str) -> None:
    as_lists = [[None if math.isnan(v) else int(v) for v in row] for row in data]
    a, b = krippendorff_alpha(data, level), krippendorff_alpha(as_lists, level)
    assert a.n_values == b.n_values
    assert float(a) == pytest.approx(float(b), abs=TOL, nan_ok=True)


# --- Cross-checks against statsmodels -------------------------------------------------------


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # statsmodels' z when its SE0 is 0
@SETTINGS
@given(reliability(2, 2), st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_kappa_matches_statsmodels(data: np.ndarray, weights: str | None) -> None:
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    ours = cohen_kappa(data, weights)
    if ours.undefined_reason is not None:
        return
    both = ~np.isnan(data).any(axis=0)
    # The table spans every category in the data, as ours does, so weights see the same
    # category positions.
    cats = np.unique(data[~np.isnan(data)])
    theirs = inter_rater.cohens_kappa(table(data[0, both], data[1, both], cats), wt=weights)
    assert float(ours) == pytest.approx(theirs.kappa, abs=TOL)
    assert ours.standard_error is not None
    if math.isnan(theirs.std_kappa):  # statsmodels takes sqrt of a rounding-negative variance
        assert ours.standard_error == pytest.approx(0.0, abs=1e-6)
    else:
        # Compare variances: where the true variance is 0, both sides hold rounding residue of
        # ~1e-17 whose square roots (~1e-9) differ by more than the tolerance itself.
        assert ours.standard_error**2 == pytest.approx(theirs.std_kappa**2, rel=TOL, abs=1e-14)


@SETTINGS
@given(reliability(2, 7, missing=False))
def test_fleiss_and_randolph_match_statsmodels(data: np.ndarray) -> None:
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    counts, _ = inter_rater.aggregate_raters(data.T)
    ours = fleiss_kappa(data)
    if np.count_nonzero(counts.sum(axis=0)) >= 2:
        assert float(ours) == pytest.approx(inter_rater.fleiss_kappa(counts), abs=TOL)
    # Randolph's free-marginal kappa is Brennan & Prediger's coefficient with q = columns.
    if counts.shape[1] >= 2:
        bp = brennan_prediger(data)
        assert float(bp) == pytest.approx(inter_rater.fleiss_kappa(counts, "randolph"), abs=TOL)


@SETTINGS
@given(reliability(2, 2, missing=False))
def test_scott_pi_is_fleiss_kappa_for_two_complete_coders(data: np.ndarray) -> None:
    a, b = float(scott_pi(data)), float(fleiss_kappa(data))
    assert a == pytest.approx(b, abs=TOL, nan_ok=True)


# --- Brute-force definitions for the coefficients without a Python reference -----------------


def brute_force(data: np.ndarray) -> tuple[float, float, float]:
    """(p_a, AC1 p_e, Fleiss p_e) by explicit loops over units and pairs (Gwet 2014)."""
    cats = sorted({v for v in data.ravel() if not math.isnan(v)})
    agree, rated, pairable = 0.0, 0, 0
    pi = dict.fromkeys(cats, 0.0)
    for unit in data.T:
        values = [v for v in unit if not math.isnan(v)]
        if not values:
            continue
        rated += 1
        for c in cats:
            pi[c] += values.count(c) / len(values)
        if len(values) >= 2:
            pairs = list(itertools.permutations(values, 2))
            agree += sum(x == y for x, y in pairs) / len(pairs)
            pairable += 1
    q = len(cats)
    p = [pi[c] / rated for c in cats]
    ac1_pe = sum(x * (1 - x) for x in p) / (q - 1) if q > 1 else math.nan
    return agree / pairable if pairable else math.nan, ac1_pe, sum(x * x for x in p)


@SETTINGS
@given(reliability())
def test_gwet_family_matches_brute_force(data: np.ndarray) -> None:
    pa, ac1_pe, fleiss_pe = brute_force(data)
    r = percent_agreement(data)
    assert float(r) == pytest.approx(pa, abs=TOL, nan_ok=True)
    ac1, fk = gwet_ac1(data), fleiss_kappa(data)
    if not math.isnan(pa) and ac1_pe < 1:
        assert float(ac1) == pytest.approx((pa - ac1_pe) / (1 - ac1_pe), abs=TOL)
    if not math.isnan(pa) and fleiss_pe < 1 - 1e-12:
        assert float(fk) == pytest.approx((pa - fleiss_pe) / (1 - fleiss_pe), abs=TOL)


# --- Invariances -------------------------------------------------------------------------

NOMINAL: list[Callable[..., Any]] = [
    percent_agreement, fleiss_kappa, brennan_prediger, gwet_ac1, krippendorff_alpha,
]  # fmt: skip
TWO_CODERS: list[Callable[..., Any]] = [cohen_kappa, scott_pi]


def same(a: Any, b: Any) -> bool:
    return float(a) == pytest.approx(float(b), abs=TOL, nan_ok=True)


@SETTINGS
@given(reliability(), st.integers(0, 2**32 - 1))
def test_invariant_to_relabelling_and_to_unit_and_coder_order(data: np.ndarray, seed: int) -> None:
    rng = np.random.default_rng(seed)
    labels = {float(v): f"code-{rng.integers(1_000_000)}-{v}" for v in np.unique(data)}
    relabelled = [[None if math.isnan(v) else labels[float(v)] for v in row] for row in data]
    units = rng.permutation(data.shape[1])
    coders = rng.permutation(data.shape[0])
    for f in NOMINAL + (TWO_CODERS if data.shape[0] == 2 else []):
        base = f(data)
        assert same(base, f(relabelled)), f.__name__
        assert same(base, f(data[:, units])), f.__name__
        assert same(base, f(data[coders])), f.__name__


@SETTINGS
@given(reliability(), st.floats(0.1, 50), st.floats(-100, 100))
def test_interval_alpha_invariant_to_linear_rescaling(data: np.ndarray, a: float, b: float) -> None:
    assert same(krippendorff_alpha(data, "interval"), krippendorff_alpha(a * data + b, "interval"))
    assert same(krippendorff_alpha(data, "ratio"), krippendorff_alpha(a * data, "ratio"))
    # Ordinal alpha depends on the order of values only.
    assert same(krippendorff_alpha(data, "ordinal"), krippendorff_alpha(data**3, "ordinal"))


@SETTINGS
@given(reliability(missing=True))
def test_perfect_agreement_gives_one(data: np.ndarray) -> None:
    truth = np.nan_to_num(data[0], nan=1.0)
    truth[:2] = [1.0, 2.0]  # at least two categories, so every coefficient is defined
    perfect = np.where(np.isnan(data), np.nan, truth)
    perfect[:, :2] = truth[:2]
    for f in NOMINAL + (TWO_CODERS if data.shape[0] == 2 else []):
        assert float(f(perfect)) == pytest.approx(1.0), f.__name__
    for level in ("ordinal", "interval", "ratio"):
        assert float(krippendorff_alpha(perfect, level)) == pytest.approx(1.0)
    if data.shape[0] == 2:
        for w in ("linear", "quadratic"):
            assert float(cohen_kappa(perfect, w)) == pytest.approx(1.0)


@SETTINGS
@given(reliability())
def test_results_are_at_most_one_and_nan_only_when_undefined(data: np.ndarray) -> None:
    for f in NOMINAL:
        r = f(data)
        if r.undefined_reason is None:
            assert float(r) <= 1.0 + TOL
        else:
            assert math.isnan(float(r))
