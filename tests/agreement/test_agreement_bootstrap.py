"""Bootstrap intervals: reproducible, and equal to the naive resample-and-recompute loop."""

from __future__ import annotations

import math

import numpy as np
import pytest
from agreement_datasets import KRIPPENDORFF_2011_C

from qcode.agreement import (
    bootstrap,
    bootstrap_alpha,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
)
from qcode.errors import UsageError


def noisy(n_coders: int, n_units: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 5, n_units)
    data = np.where(rng.random((n_coders, n_units)) < 0.7, truth,
                    rng.integers(1, 5, (n_coders, n_units))).astype(float)  # fmt: skip
    data[rng.random(data.shape) < 0.15] = np.nan
    return data


def test_same_seed_same_interval_and_different_seed_different() -> None:
    data = noisy(3, 60, 1)
    a = bootstrap_alpha(data, n_boot=300, seed=42)
    b = bootstrap_alpha(data, n_boot=300, seed=42)
    c = bootstrap_alpha(data, n_boot=300, seed=43)
    assert (a.low, a.high, a.samples) == (b.low, b.high, b.samples)
    assert a.samples != c.samples
    assert a.low <= a.estimate <= a.high
    assert a.estimate == pytest.approx(float(krippendorff_alpha(data)))
    assert a.seed == 42 and a.n_boot == 300 and a.n_valid == 300
    assert "unit bootstrap" in a.method


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_fast_alpha_bootstrap_equals_naive_resampling(level: str) -> None:
    data = noisy(4, 25, 7)
    pairable = np.flatnonzero((~np.isnan(data)).sum(axis=0) >= 2)
    rng = np.random.default_rng(5)
    naive = []
    for _ in range(40):
        idx = pairable[rng.integers(0, pairable.size, pairable.size)]
        naive.append(float(krippendorff_alpha(data[:, idx], level)))
    fast = bootstrap_alpha(data, level, n_boot=40, seed=5)
    assert list(fast.samples) == pytest.approx([x for x in naive if not math.isnan(x)], abs=1e-9)


def test_generic_bootstrap_equals_naive_resampling_and_delegates_alpha() -> None:
    data = noisy(3, 30, 3)
    rated = np.flatnonzero((~np.isnan(data)).sum(axis=0) >= 1)
    rng = np.random.default_rng(11)
    naive = [float(gwet_ac1(data[:, rated[rng.integers(0, rated.size, rated.size)]],
                            categories=[1, 2, 3, 4]))
             for _ in range(30)]  # fmt: skip
    result = bootstrap(gwet_ac1, data, n_boot=30, seed=11)
    assert list(result.samples) == pytest.approx(naive, abs=1e-12)
    assert result.coefficient == "Gwet's AC1"
    via_generic = bootstrap(krippendorff_alpha, data, n_boot=50, seed=2, level="interval")
    direct = bootstrap_alpha(data, "interval", n_boot=50, seed=2)
    assert via_generic.samples == direct.samples


def test_bootstrap_passes_options_and_reports_q() -> None:
    data = noisy(2, 80, 9)
    r = bootstrap(cohen_kappa, data, n_boot=200, seed=1, weights="quadratic")
    assert r.coefficient == "Cohen's kappa (quadratic weights)"
    assert 0.0 <= r.probability_below(0.8) <= 1.0
    assert r.probability_below(-2.0) == 0.0 and r.probability_below(2.0) == 1.0


def test_bootstrap_se_is_close_to_gwet_analytic_se() -> None:
    data = noisy(4, 400, 4)
    analytic = fleiss_kappa(data).standard_error
    boot = bootstrap(fleiss_kappa, data, n_boot=400, seed=8)
    assert analytic is not None
    assert boot.standard_error == pytest.approx(analytic, rel=0.25)


def test_published_data_interval_is_sensible() -> None:
    r = bootstrap_alpha(KRIPPENDORFF_2011_C, n_boot=500, seed=2007)
    assert round(r.estimate, 3) == 0.743
    assert r.low < 0.743 < r.high <= 1.0


def test_degenerate_data_give_empty_distribution() -> None:
    r = bootstrap_alpha([[1, 1, 1], [1, 1, 1]], n_boot=20, seed=0)
    assert r.n_valid == 0 and math.isnan(r.low) and math.isnan(r.estimate)
    assert math.isnan(r.probability_below(0.8))


def test_bad_arguments() -> None:
    with pytest.raises(UsageError, match="n_boot"):
        bootstrap_alpha([[1, 2], [1, 2]], n_boot=0)
    with pytest.raises(UsageError, match="confidence"):
        bootstrap(fleiss_kappa, [[1, 2], [1, 2]], confidence=95)
    with pytest.raises(UsageError, match="unexpected options"):
        bootstrap(krippendorff_alpha, [[1, 2], [1, 2]], weights="linear")
