"""Krippendorff's unitizing alphas (Krippendorff, Mathet, Bouvry & Widlöcher 2016).

Validation:
* a hand-computed two-coder example, worked through in the docstring below;
* the defining reduction: when every segment has length 1, the coincidences are those of
  ordinary alpha on the character-by-character matrix, so _u alpha equals nominal alpha with
  "gap" as a category, |_u alpha equals binary alpha (coded vs gap), and, for two coders,
  _cu alpha equals alpha with gaps as missing values (cross-checked against the
  ``krippendorff`` package);
* perfect unitizations give 1 and a shifted boundary gives less than 1.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.agreement import krippendorff_alpha, unitized_alpha, unitized_alpha_by_code
from qcode.errors import UsageError

SETTINGS = settings(max_examples=30, deadline=None)


def test_hand_computed_two_coders_one_code() -> None:
    """Continuum [0, 10); coder A codes [2, 6) "x", coder B codes [3, 7) "x".

    Elementary pieces (A, B): [0,2) gap/gap, [2,3) x/gap, [3,6) x/x, [6,7) gap/x,
    [7,10) gap/gap. With m = 2, ordered pairs and division by m - 1 = 1:
        l_gg = 2 (2 + 3) = 10,  l_xx = 2 * 3 = 6,  l_gx = l_xg = 1 + 1 = 2,  l.. = 2 * 10 = 20
        margins l_g = 12, l_x = 8
    Self-pairs: x segments 4^2 + 4^2 = 32; gaps count their length 2 + 4 + 3 + 3 = 12.
        e_gg = 20 (144 - 12) / (400 - 44) = 2640 / 356
        e_xx = 20 (64 - 32) / 356 = 640 / 356
    _u alpha = 1 - (20 - 16) / (20 - 3280 / 356) = 1 - 4 * 356 / 3840 = 0.629166...
    """
    seg = {"A": [(2, 6, "x")], "B": [(3, 7, "x")]}
    expected = 1 - 4 * 356 / 3840
    assert float(unitized_alpha(seg, (0, 10), "u")) == pytest.approx(expected)
    # With one code, coded-vs-gap is the whole story: |_u alpha is the same number.
    bar = unitized_alpha(seg, (0, 10), "|u")
    assert float(bar) == pytest.approx(expected)
    assert bar.observed_disagreement == pytest.approx(4 / 20)
    assert bar.pairable_length == 20 and bar.n_segments == 2 and bar.continuum_length == 10
    # The only intersection carries one code: coding given unitizing has no variation.
    cu = unitized_alpha(seg, (0, 10), "cu")
    assert math.isnan(float(cu)) and "intersect" in cu.undefined_reason


def test_perfect_unitization_gives_one() -> None:
    spans = [(0, 5, "a"), (7, 12, "b"), (15, 20, "a"), (22, 30, "c")]
    seg = {"A": spans, "B": list(spans), "C": list(reversed(spans))}
    for variant in ("u", "|u", "cu"):
        assert float(unitized_alpha(seg, (0, 40), variant)) == pytest.approx(1.0)
    for result in unitized_alpha_by_code(seg, (0, 40)).values():
        assert float(result) == pytest.approx(1.0)


def test_reasonable_disagreement_is_below_one() -> None:
    a = [(0, 5, "a"), (7, 12, "b"), (15, 20, "a")]
    b = [(1, 5, "a"), (7, 13, "b"), (15, 20, "b")]  # shifted boundaries, one recoded unit
    seg = {"A": a, "B": b}
    u = float(unitized_alpha(seg, (0, 25), "u"))
    bar = float(unitized_alpha(seg, (0, 25), "|u"))
    cu = float(unitized_alpha(seg, (0, 25), "cu"))
    assert 0.0 < u < 1.0 and 0.0 < bar < 1.0 and cu < 1.0
    assert bar > u  # the boundaries agree better than the codes
    by_code = unitized_alpha_by_code(seg, (0, 25))
    assert list(by_code) == ["a", "b"]
    assert all(float(r) < 1.0 for r in by_code.values())


def atomic(matrix: np.ndarray) -> dict[str, list[tuple[int, int, int]]]:
    """Every character its own segment (code > 0) or gap (0)."""
    return {f"coder{i}": [(t, t + 1, int(v)) for t, v in enumerate(row) if v > 0]
            for i, row in enumerate(matrix)}  # fmt: skip


@st.composite
def codings(draw: st.DrawFn, min_coders: int = 2, max_coders: int = 5) -> np.ndarray:
    m = draw(st.integers(min_coders, max_coders))
    length = draw(st.integers(4, 60))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    truth = rng.integers(0, 4, length)
    noise = rng.integers(0, 4, (m, length))
    return np.where(rng.random((m, length)) < rng.random(), truth, noise)


@SETTINGS
@given(codings())
def test_atomic_segments_reduce_to_ordinary_alpha(matrix: np.ndarray) -> None:
    krippendorff = pytest.importorskip("krippendorff")
    seg, length = atomic(matrix), matrix.shape[1]
    u = unitized_alpha(seg, (0, length), "u")
    bar = unitized_alpha(seg, (0, length), "|u")
    if np.unique(matrix).size > 1:
        theirs = krippendorff.alpha(matrix.astype(float), level_of_measurement="nominal")
        assert float(u) == pytest.approx(theirs, abs=1e-9)
        assert float(u) == pytest.approx(float(krippendorff_alpha(matrix)), abs=1e-9)
    else:
        assert math.isnan(float(u))
    if np.unique(matrix > 0).size > 1:
        binary = (matrix > 0).astype(float)
        theirs = krippendorff.alpha(binary, level_of_measurement="nominal")
        assert float(bar) == pytest.approx(theirs, abs=1e-9)


@SETTINGS
@given(codings(2, 2))
def test_atomic_cu_alpha_is_alpha_with_gaps_missing_for_two_coders(matrix: np.ndarray) -> None:
    seg, length = atomic(matrix), matrix.shape[1]
    cu = unitized_alpha(seg, (0, length), "cu")
    with_missing = [[None if v == 0 else int(v) for v in row] for row in matrix]
    assert float(cu) == pytest.approx(float(krippendorff_alpha(with_missing)), abs=1e-9,
                                      nan_ok=True)  # fmt: skip


@SETTINGS
@given(codings(), st.integers(1, 50))
def test_invariant_to_coder_order_and_translation(matrix: np.ndarray, shift: int) -> None:
    seg, length = atomic(matrix), matrix.shape[1]
    reordered = dict(reversed(list(seg.items())))
    moved = {c: [(s + shift, e + shift, k) for s, e, k in spans] for c, spans in seg.items()}
    for variant in ("u", "|u", "cu"):
        base = float(unitized_alpha(seg, (0, length), variant))
        for other, cont in ((reordered, (0, length)), (moved, (shift, length + shift))):
            assert float(unitized_alpha(other, cont, variant)) == pytest.approx(
                base, abs=1e-9, nan_ok=True
            )


def test_merging_adjacent_atoms_changes_only_self_pairs() -> None:
    # One 4-character unit is not four 1-character units: the unit cannot pair with itself,
    # so expected disagreement (and alpha) differ while observed coincidences do not.
    whole = {"A": [(0, 4, "x")], "B": [(0, 4, "x"), (6, 8, "x")]}
    atoms = {"A": [(t, t + 1, "x") for t in range(4)],
             "B": [(t, t + 1, "x") for t in (0, 1, 2, 3, 6, 7)]}  # fmt: skip
    a, b = unitized_alpha(whole, (0, 10)), unitized_alpha(atoms, (0, 10))
    assert a.observed_disagreement == pytest.approx(b.observed_disagreement)
    assert a.expected_disagreement != pytest.approx(b.expected_disagreement)


def test_per_code_binary_allows_overlapping_codes() -> None:
    seg = {
        "A": [(0, 10, "x"), (5, 15, "y"), (20, 25, "x")],
        "B": [(0, 9, "x"), (4, 15, "y"), (21, 25, "x")],
    }
    with pytest.raises(UsageError, match="overlap"):
        unitized_alpha(seg, (0, 30), "u")
    by_code = unitized_alpha_by_code(seg, (0, 30))
    assert set(by_code) == {"x", "y"}
    assert all(0.5 < float(r) < 1.0 for r in by_code.values())
    assert by_code["x"].code == "x" and by_code["x"].variant == "|u"
    # Overlapping spans of the same code by one coder are merged, not double counted.
    twice = {"A": [(0, 6, "x"), (3, 10, "x")], "B": [(0, 10, "x")]}
    assert float(unitized_alpha(twice, (0, 20), "|u", code="x")) == pytest.approx(1.0)


def test_coder_who_coded_nothing_and_nobody_coding() -> None:
    seg = {"A": [(0, 5, "x")], "B": []}
    r = unitized_alpha(seg, (0, 10), "u")
    assert float(r) < 0.5 and r.n_segments == 1
    empty = unitized_alpha({"A": [], "B": []}, (0, 10), "u")
    assert math.isnan(float(empty)) and "only one value" in empty.undefined_reason
    assert math.isnan(float(unitized_alpha({"A": [], "B": []}, (0, 10), "|u")))
    assert math.isnan(float(unitized_alpha({"A": [], "B": []}, (0, 10), "cu")))


@pytest.mark.parametrize(
    ("segments", "continuum", "variant", "words"),
    [
        ({"A": [(0, 5, "x")]}, (0, 10), "u", "at least two coders"),
        ({"A": [], "B": []}, (5, 5), "u", "empty"),
        ({"A": [], "B": []}, (0,), "u", "pair"),
        ({"A": [(3, 12, "x")], "B": []}, (0, 10), "u", "within the continuum"),
        ({"A": [(4, 4, "x")], "B": []}, (0, 10), "u", "non-empty"),
        ({"A": [(1.5, 4, "x")], "B": []}, (0, 10), "u", "integer"),
        ({"A": [(1, 4)], "B": []}, (0, 10), "u", "triples"),
        ({"A": [(1, 4, None)], "B": []}, (0, 10), "u", "no code"),
        ({"A": [(0, 5, "x"), (4, 8, "y")], "B": []}, (0, 10), "cu", "overlap"),
        ({"A": [], "B": []}, (0, 10), "k", "variant must be"),
    ],
)
def test_bad_input_raises_usage_error(
    segments: dict[str, list[tuple[object, ...]]], continuum: tuple[int, ...], variant: str,
    words: str,
) -> None:  # fmt: skip
    with pytest.raises(UsageError, match=words):
        unitized_alpha(segments, continuum, variant)  # type: ignore[arg-type]


def test_code_only_with_binary_variant() -> None:
    with pytest.raises(UsageError, match=re.escape("variant='|u' only")):
        unitized_alpha({"A": [], "B": []}, (0, 10), "u", code="x")
