"""Degenerate-but-valid inputs give defined answers; wrong shapes give one clear error."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from qcode.agreement import (
    brennan_prediger,
    coerce,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    per_category,
    percent_agreement,
    scott_pi,
)
from qcode.errors import QcodeError, UsageError

ANY_CODERS: list[Callable[..., Any]] = [
    percent_agreement, fleiss_kappa, brennan_prediger, gwet_ac1, krippendorff_alpha,
]  # fmt: skip


@pytest.mark.parametrize("data", [[], [[]], [[], []], np.empty((3, 0)), [[None, None]] * 3])
@pytest.mark.parametrize("f", ANY_CODERS)
def test_empty_input_is_undefined_not_an_error(data: Any, f: Callable[..., Any]) -> None:
    r = f(data)
    assert math.isnan(float(r))
    assert "two or more coders" in r.undefined_reason


def test_two_coders_with_no_units_is_undefined() -> None:
    r = cohen_kappa([[], []])
    assert math.isnan(float(r)) and r.undefined_reason == "no unit was coded by both coders"


def test_one_category_used_by_everyone() -> None:
    data = [["a"] * 5, ["a"] * 5, ["a", "a", None, "a", "a"]]
    assert float(percent_agreement(data)) == 1.0
    for f in (fleiss_kappa, krippendorff_alpha, gwet_ac1, brennan_prediger):
        r = f(data)
        assert math.isnan(float(r)), f.__name__
        assert r.undefined_reason, f.__name__
    assert "0/0" in fleiss_kappa(data).undefined_reason
    assert "D_e is 0" in krippendorff_alpha(data).undefined_reason
    assert "q >= 2" in gwet_ac1(data).undefined_reason
    # With the codebook's categories, AC1 and Brennan-Prediger are defined (chance agreement
    # no longer depends on the observed distribution alone); kappa and alpha stay undefined.
    assert float(gwet_ac1(data, categories=["a", "b"])) == 1.0
    assert float(brennan_prediger(data, categories=["a", "b"])) == 1.0
    assert math.isnan(float(fleiss_kappa(data, categories=["a", "b"])))
    assert math.isnan(float(cohen_kappa(data[:2])))


def test_units_coded_by_one_coder_only() -> None:
    data = [[1, 2, 1, None, 2], [1, 2, 2, 3, None]]
    alpha = krippendorff_alpha(data)
    assert (alpha.n_units, alpha.n_values) == (3, 6)  # units 4 and 5 are not pairable
    kappa = cohen_kappa(data)
    assert kappa.n_units == 3
    assert kappa.value == pytest.approx(cohen_kappa([[1, 2, 1], [1, 2, 2]]).value)
    # Fleiss/Gwet: single-rated units inform the category distribution pi_k but add no pair.
    fk = fleiss_kappa(data)
    assert fk.n_units == 3 and fk.observed_agreement == pytest.approx(2 / 3)
    pi = np.array([1.5, 2.5, 1.0]) / 5  # per-unit shares r_ik / r_i summed, categories 1, 2, 3
    assert fk.chance_agreement == pytest.approx(float((pi**2).sum()))


def test_no_unit_coded_twice() -> None:
    for f in ANY_CODERS:
        r = f([[1, None, 2], [None, 2, None]])
        assert math.isnan(float(r)) and r.undefined_reason


@pytest.mark.parametrize("f", [cohen_kappa, scott_pi])
def test_two_coder_coefficients_reject_three_coders(f: Callable[..., Any]) -> None:
    with pytest.raises(UsageError) as info:
        f([[1, 2], [1, 2], [2, 2]])
    message = str(info.value)
    assert "exactly two coders" in message and "3" in message
    assert "fleiss_kappa()" in message and "krippendorff_alpha()" in message
    assert info.value.exit_code == 2 and isinstance(info.value, QcodeError)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ([[1, 2, 3], [1, 2]], "coder 2 has 2"),
        (np.zeros(4), "2-D"),
        (np.zeros((2, 2, 2)), "2-D"),
        ("abc", "not a string"),
        ([1, 2, 3], "not a sequence"),
        ([[[1], [2]], [[1], [2]]], "hashable"),
    ],
)
def test_wrong_shapes_raise_usage_error(data: Any, words: str) -> None:
    with pytest.raises(UsageError, match=words):
        krippendorff_alpha(data)


def test_bad_arguments_raise_usage_error() -> None:
    with pytest.raises(UsageError, match="level must be one of"):
        krippendorff_alpha([[1, 2], [1, 2]], "cardinal")
    with pytest.raises(UsageError, match="numeric values"):
        krippendorff_alpha([["a", "b"], ["a", "b"]], "interval")
    with pytest.raises(UsageError, match="weights must be"):
        cohen_kappa([[1, 2], [1, 2]], "cubic")
    with pytest.raises(UsageError, match="not one of the given categories"):
        fleiss_kappa([[1, 2], [1, 3]], categories=[1, 2])
    with pytest.raises(UsageError, match="not one of the given categories"):
        fleiss_kappa(np.array([[1.0, 2.0], [1.0, 3.0]]), categories=[1, 2])
    with pytest.raises(UsageError, match="listed twice"):
        fleiss_kappa([[1, 2], [1, 2]], categories=[1, 2, 1])
    with pytest.raises(UsageError, match="coefficient must be one of"):
        per_category([[1, 2], [1, 2]], "icc")


def test_missing_markers_are_all_missing() -> None:
    pd = pytest.importorskip("pandas")
    data = [[1, 2, None, 1], [1, 2, float("nan"), np.nan], [1, pd.NA, 2, np.float32("nan")]]
    rd = coerce(data)
    assert rd.categories == (1, 2)
    assert (rd.codes == -1).sum() == 5
    frame = pd.DataFrame([[1.0, 2.0, np.nan], [1.0, 1.0, 2.0]])
    assert float(krippendorff_alpha(frame)) == pytest.approx(
        float(krippendorff_alpha([[1, 2, None], [1, 1, 2]]))
    )


def test_categories_fix_order_for_ordinal_labels() -> None:
    labels = [["low", "mid", "high", "mid", "low"], ["low", "high", "high", "low", "mid"]]
    numbers = [[0, 1, 2, 1, 0], [0, 2, 2, 0, 1]]
    order = ["low", "mid", "high"]
    for weights in ("linear", "quadratic"):
        by_label = cohen_kappa(labels, weights, categories=order)
        assert float(by_label) == pytest.approx(float(cohen_kappa(numbers, weights)))
    assert float(krippendorff_alpha(labels, "ordinal", categories=order)) == pytest.approx(
        float(krippendorff_alpha(numbers, "ordinal"))
    )
    # Unused scale points change weighted distances: 0 and 2 are two steps apart on 0..2.
    sparse = [[0, 2, 2, 0], [0, 2, 0, 2]]
    assert float(cohen_kappa(sparse, "linear")) != float(
        cohen_kappa(sparse, "linear", categories=[0, 1, 2])
    ) or float(cohen_kappa(sparse, "linear")) == pytest.approx(0.0)


def test_natural_category_order() -> None:
    assert coerce([[3, 1, 2.5]]).categories == (1, 2.5, 3)
    assert coerce([["b", "a"]]).categories == ("a", "b")
    assert coerce([["b", 1, "a"]]).categories == ("b", 1, "a")  # mixed: first seen


def test_results_are_frozen_and_float_is_nan_when_undefined() -> None:
    r = fleiss_kappa([[1, 1], [1, 1]])
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.value = 0.5  # type: ignore[misc]
    assert math.isnan(float(r))
    assert all(math.isnan(x) for x in r.confidence_interval())


def test_confidence_interval_is_clipped() -> None:
    r = cohen_kappa([[1, 2, 1, 2, 1], [1, 2, 1, 2, 2]])
    low, high = r.confidence_interval(0.99)
    assert -1.0 <= low < float(r) < high <= 1.0
    with pytest.raises(UsageError):
        r.confidence_interval(95)
