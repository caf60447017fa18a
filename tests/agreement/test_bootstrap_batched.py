"""The batched bootstrap (every replicate at once) gives the replicates of the one-by-one loop."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qcode.agreement import (
    bootstrap,
    bootstrap_alpha,
    bootstrap_alpha_many,
    bootstrap_many,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    resample,
    scott_pi,
)

TWO_CODER = [cohen_kappa, scott_pi, percent_agreement, fleiss_kappa, brennan_prediger, gwet_ac1]


def two_coders(n_units: int, q: int, seed: int, missing: float = 0.2) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, q, n_units)
    data = np.where(rng.random((2, n_units)) < 0.75, truth,
                    rng.integers(0, q, (2, n_units))).astype(float)  # fmt: skip
    data[rng.random(data.shape) < missing] = np.nan
    return data


def naive(statistic: object, data: np.ndarray, n_boot: int, seed: int) -> list[float]:
    """The textbook loop: resample the rated units, recompute, drop undefined replicates."""
    rated = np.flatnonzero((~np.isnan(data)).sum(axis=0) >= 1)
    q = int(np.nanmax(data)) + 1
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_boot):
        pick = data[:, rated[rng.integers(0, rated.size, rated.size)]]
        value = float(statistic(pick, categories=list(range(q))))  # type: ignore[operator]
        if not math.isnan(value):
            out.append(value)
    return out


@pytest.mark.parametrize("statistic", TWO_CODER, ids=lambda f: f.__name__)
@pytest.mark.parametrize(("q", "missing"), [(2, 0.0), (2, 0.25), (4, 0.15)])
def test_two_coder_replicates_equal_the_loop(statistic: object, q: int, missing: float) -> None:
    data = two_coders(60, q, seed=q * 10 + int(missing * 100), missing=missing)
    fast = bootstrap(statistic, data, n_boot=150, seed=4)  # type: ignore[arg-type]
    slow = naive(statistic, data, 150, 4)
    assert fast.n_valid == len(slow)
    assert list(fast.samples) == pytest.approx(slow, abs=1e-12)


@pytest.mark.parametrize("statistic", TWO_CODER, ids=lambda f: f.__name__)
def test_undefined_replicates_are_dropped_as_the_loop_drops_them(statistic: object) -> None:
    # Nine units agreed on 0 and one on 1: many replicates hold a single category.
    data = np.asarray([[0] * 9 + [1], [0] * 9 + [1]], dtype=float)
    fast = bootstrap(statistic, data, n_boot=200, seed=9)  # type: ignore[arg-type]
    slow = naive(statistic, data, 200, 9)
    assert fast.n_valid == len(slow)
    assert list(fast.samples) == pytest.approx(slow, abs=1e-12)
    if statistic in (cohen_kappa, scott_pi, fleiss_kappa):  # p_e = 1 in a one-category replicate
        assert 0 < fast.n_valid < 200


@pytest.mark.parametrize("level", ["nominal", "interval", "ratio", "ordinal"])
def test_alpha_replicates_equal_the_loop(level: str) -> None:
    data = two_coders(70, 4, seed=3, missing=0.2) + 1.0  # ratio needs positive values
    pairable = np.flatnonzero((~np.isnan(data)).sum(axis=0) >= 2)
    rng = np.random.default_rng(6)
    slow = [float(krippendorff_alpha(data[:, pairable[rng.integers(0, pairable.size,
                                                                   pairable.size)]], level))
            for _ in range(120)]  # fmt: skip
    fast = bootstrap_alpha(data, level, n_boot=120, seed=6)
    assert list(fast.samples) == pytest.approx([x for x in slow if not math.isnan(x)], abs=1e-9)


def test_blocks_without_the_cache_give_the_same_replicates(monkeypatch: pytest.MonkeyPatch) -> None:
    data = two_coders(90, 2, seed=5)
    cached = bootstrap(cohen_kappa, data, n_boot=300, seed=12)
    alpha_cached = bootstrap_alpha(data, n_boot=300, seed=12)
    monkeypatch.setattr(resample, "CACHE_CELLS", 0)
    monkeypatch.setattr(resample, "CHUNK_CELLS", 500)  # a few replicates per block
    blocked = bootstrap(cohen_kappa, data, n_boot=300, seed=12)
    alpha_blocked = bootstrap_alpha(data, n_boot=300, seed=12)
    assert blocked.samples == cached.samples and alpha_blocked.samples == alpha_cached.samples
    assert (blocked.low, blocked.high) == (cached.low, cached.high)


def test_weighted_kappa_and_three_coders_take_the_loop() -> None:
    data = two_coders(40, 3, seed=8)
    weighted = bootstrap(cohen_kappa, data, n_boot=60, seed=2, weights="linear")
    rated = np.flatnonzero((~np.isnan(data)).sum(axis=0) >= 1)
    rng = np.random.default_rng(2)
    expect = [float(cohen_kappa(data[:, rated[rng.integers(0, rated.size, rated.size)]],
                                "linear", categories=[0, 1, 2])) for _ in range(60)]  # fmt: skip
    assert list(weighted.samples) == pytest.approx([x for x in expect if not math.isnan(x)])
    three = np.vstack([data, data[:1]])
    assert bootstrap(fleiss_kappa, three, n_boot=30, seed=1).n_valid == 30


def test_many_data_sets_at_once_equal_one_call_each() -> None:
    sets = [two_coders(50, 2, seed=s) for s in range(4)] + [two_coders(30, 3, seed=9)]
    sets.append(np.vstack([sets[0], sets[1][:1]]))  # three coders: the loop
    for statistic in (cohen_kappa, gwet_ac1, fleiss_kappa):
        chosen = sets[:-1] if statistic is cohen_kappa else sets  # kappa: two coders only
        together = bootstrap_many(statistic, chosen, n_boot=80, seed=3)
        one_by_one = [bootstrap(statistic, d, n_boot=80, seed=3) for d in chosen]
        assert [r.samples for r in together] == [r.samples for r in one_by_one]
    alphas = bootstrap_alpha_many(sets, n_boot=80, seed=3)
    assert [r.samples for r in alphas] == [bootstrap_alpha(d, n_boot=80, seed=3).samples
                                           for d in sets]  # fmt: skip
    assert bootstrap_many(krippendorff_alpha, sets[:2], n_boot=20, seed=1, level="interval")[1] \
        .samples == bootstrap_alpha(sets[1], "interval", n_boot=20, seed=1).samples
