"""Krippendorff's unitizing alphas (Krippendorff, Mathet, Bouvry & Widlöcher 2016).

No published worked example with printed values could be found to reproduce (the 2016 paper
and Krippendorff 2019 were not available; the three-coder example of the book's Fig. 12.11,
with _u alpha .510, |_u alpha .413 and _cu alpha .724, could not be reconstructed because its
data were not available to read, so it is not a test here). Validation instead:
* two examples computed by hand, worked through in their docstrings, one with three coders
  and two codes so that the m > 2 forms of every variant are pinned;
* a naive reference written straight from the formulas (loops over every pair of coders and
  every pair of segments, and the expected coincidences of _u alpha counted by enumerating
  every admissible pair of length-1 atoms), compared on random multi-character spans;
* the defining reduction: when every segment has length 1, the coincidences are those of
  ordinary alpha on the character-by-character matrix, so _u alpha equals nominal alpha with
  "gap" as a category, |_u alpha equals binary alpha (coded vs gap), and, for two coders,
  _cu alpha equals alpha with gaps as missing values (cross-checked against the
  ``krippendorff`` package);
* perfect unitizations give 1 and a shifted boundary gives less than 1.

Outside the suite, _u alpha was also compared with the PyPI package
``krippendorff-unitized-alpha`` 0.1.0 (Z. Bekcic) on 500 random continua with 2-5 coders and
1-3 codes, and on both hand examples: equal to 1e-15 everywhere. It is not a test dependency:
it pins numpy < 2 and pytest < 8, and computes _u alpha only.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable
from fractions import Fraction

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


def test_hand_computed_three_coders_two_codes() -> None:
    """Continuum [0, 10); A: [0,4) x, [6,9) y;  B: [1,4) x, [6,9) x;  C: [0,4) x, [7,10) y.

    Elementary pieces (A, B, C): [0,1) x/∅/x, [1,4) x/x/x, [4,6) ∅/∅/∅, [6,7) y/x/∅,
    [7,9) y/x/y, [9,10) ∅/∅/y. Ordered pairs of coders, divided by m - 1 = 2:
        l_∅∅ = 6 + 1 = 7,  l_∅x = 1 + 0.5 = 1.5,  l_∅y = 0.5 + 1 = 1.5,
        l_xx = 1 + 9 = 10,  l_xy = 0.5 + 2 = 2.5,  l_yy = 2;  margins 10, 14, 6;  l.. = 30.
    Self-pairs: S_x = 4² + 3² + 3² + 4² = 50, S_y = 3² + 3² = 18, gaps S_∅ = 3 + 4 + 3 = 10;
    l..² - S = 900 - 78 = 822.
        e_∅∅ = 30·90/822, e_xx = 30·146/822, e_yy = 30·18/822  ->  sum 7620/822
        _u alpha  = 1 - (30 - 19) / (30 - 7620/822) = 1 - 11·822/17040 = 1333/2840
        e_∅v = 30·10·20/822;  |_u alpha = 1 - 3·822/6000 = 589/1000
    _cu alpha: l'_xx = 10, l'_xy = 2.5, l'_yy = 2, margins 12.5, 4.5, l' = 17. Each coded
    segment's share of l' (overlap with each other coder's coded matter, over m - 1 = 2):
        x: A[0,4) (3+4)/2, B[1,4) (3+3)/2, B[6,9) (3+2)/2, C[0,4) (4+3)/2  (sum 12.5)
           S'_x = 3.5² + 3² + 2.5² + 3.5² = 39.75
        y: A[6,9) (3+2)/2, C[7,10) (2+2)/2  (sum 4.5);  S'_y = 2.5² + 2² = 10.25
        l' - S'/l' = 17 - 50/17 = 239/17;  e'_xx = 116.5·17/239,  e'_yy = 10·17/239
        _cu alpha = 1 - 5 / (17 - 2150.5/239) = 1 - 5·239/1912.5 = 287/765
    |_u alpha for code x alone (y becomes gap): l_∅∅ = 12, l_∅x = 4, l_xx = 10, margins 16, 14;
    S_x = 50, gaps S_∅ = 6 + 4 + 6 = 16;  = 1 - 4·834/(30·16·14) = 141/280.
    For code y: l_∅y = 4, margins 24, 6, S_y = 18, S_∅ = 7 + 10 + 7;  = 1 - 4·858/4320 = 37/180.
    """
    seg = {"A": [(0, 4, "x"), (6, 9, "y")], "B": [(1, 4, "x"), (6, 9, "x")],
           "C": [(0, 4, "x"), (7, 10, "y")]}  # fmt: skip
    u = unitized_alpha(seg, (0, 10), "u")
    assert float(u) == pytest.approx(1333 / 2840)
    assert u.observed_disagreement == pytest.approx(11 / 30)
    assert u.expected_disagreement == pytest.approx(17040 / 822 / 30)
    assert float(unitized_alpha(seg, (0, 10), "|u")) == pytest.approx(589 / 1000)
    cu = unitized_alpha(seg, (0, 10), "cu")
    assert float(cu) == pytest.approx(287 / 765)
    assert cu.pairable_length == pytest.approx(17) and cu.n_segments == 6
    by_code = unitized_alpha_by_code(seg, (0, 10))
    assert float(by_code["x"]) == pytest.approx(141 / 280)
    assert float(by_code["y"]) == pytest.approx(37 / 180)
    # (k)_u alpha, from the _u alpha matrices above: 1 - (l_k. - l_kk) / (e_k. - e_kk), with
    # e_k. - e_kk = l.. l_k. (l.. - l_k.) / 822.
    #   x: 1 - 4 / (30·14·16/822) = 143/280;   y: 1 - 4 / (30·6·24/822) = 43/180.
    # Not the per-code |_u alpha above: there y's spans are gap, here they keep S_y = 18.
    per_value = unitized_alpha_by_code(seg, (0, 10), "ku")
    assert float(per_value["x"]) == pytest.approx(143 / 280)
    assert float(per_value["y"]) == pytest.approx(43 / 180)
    assert per_value["x"].variant == "ku" and per_value["x"].code == "x"


Partition = list[tuple[int, int, Hashable | None]]


def naive_alphas(
    segments: dict[str, list[tuple[int, int, str]]], length: int
) -> dict[str, float | None]:
    """_u, |_u and _cu alpha straight from the formulas, in exact fractions (None: undefined)."""
    parts: list[Partition] = []
    for spans in segments.values():
        part: Partition = []
        pos = 0
        for s, e, v in sorted(spans):
            if s > pos:
                part.append((pos, s, None))
            part.append((s, e, v))
            pos = e
        if pos < length:
            part.append((pos, length, None))
        parts.append(part)
    m = len(parts)

    def overlap(g: tuple[int, int, object], h: tuple[int, int, object]) -> int:
        return max(0, min(g[1], h[1]) - max(g[0], h[0]))

    obs: Counter[tuple[Hashable | None, Hashable | None]] = Counter()
    for i in range(m):
        for j in range(m):
            if i != j:
                for g in parts[i]:
                    for h in parts[j]:
                        obs[g[2], h[2]] += Fraction(overlap(g, h), m - 1)
    # Expected for _u alpha: every ordered pair of distinct atoms (coder, position), except two
    # atoms of one coded segment; atoms of a gap pair with everything but themselves.
    atoms = [(v, (i, n) if v is not None else (i, n, t))
             for i, part in enumerate(parts) for n, (s, e, v) in enumerate(part)
             for t in range(s, e)]  # fmt: skip
    pairs: Counter[tuple[Hashable | None, Hashable | None]] = Counter(
        (a[0], b[0]) for a in atoms for b in atoms if a[1] != b[1]
    )
    total, n_pairs = m * length, sum(pairs.values())
    exp = {ck: Fraction(total * n, n_pairs) for ck, n in pairs.items()}
    out: dict[str, float | None] = {}
    d_e = total - sum(exp.get((c, c), 0) for c in {v for v, _ in atoms})
    d_o = total - sum(n for (c, k), n in obs.items() if c == k)
    out["u"] = float(1 - d_o / d_e) if d_e else None
    gap_coded = sum(n for (c, k), n in obs.items() if c is None and k is not None)
    e_gap_coded = sum(n for (c, k), n in exp.items() if c is None and k is not None)
    out["|u"] = float(1 - gap_coded / e_gap_coded) if e_gap_coded else None
    # _cu alpha: coded values only; S'_c sums the squared shares of l' of the coded segments.
    sub = {(c, k): n for (c, k), n in obs.items() if c is not None and k is not None and n}
    l_sub = sum(sub.values())
    margin: Counter[Hashable] = Counter()
    for (c, _), n in sub.items():
        margin[c] += n
    s_sub: Counter[Hashable] = Counter()
    for i in range(m):
        for g in parts[i]:
            if g[2] is not None:
                share = sum(Fraction(overlap(g, h), m - 1) for j in range(m) if j != i
                            for h in parts[j] if h[2] is not None)  # fmt: skip
                s_sub[g[2]] += share**2
    if not l_sub:
        out["cu"] = None
        return out
    norm = l_sub - sum(s_sub.values()) / l_sub
    e_diag = sum((margin[c] ** 2 - s_sub[c]) / norm for c in margin)
    d_e_cu = l_sub - e_diag
    d_o_cu = l_sub - sum(n for (c, k), n in sub.items() if c == k)
    out["cu"] = float(1 - d_o_cu / d_e_cu) if d_e_cu else None
    return out


@st.composite
def span_codings(draw: st.DrawFn) -> tuple[dict[str, list[tuple[int, int, str]]], int]:
    m = draw(st.integers(2, 4))
    length = draw(st.integers(4, 30))
    codes = ["a", "b", "c"][: draw(st.integers(1, 3))]
    segments: dict[str, list[tuple[int, int, str]]] = {}
    for i in range(m):
        spans, pos = [], draw(st.integers(0, 4))
        while pos < length and draw(st.booleans()):
            end = min(length, pos + draw(st.integers(1, 10)))
            spans.append((pos, end, draw(st.sampled_from(codes))))
            pos = end + draw(st.integers(0, 4))
        segments[f"coder{i}"] = spans
    return segments, length


@SETTINGS
@given(span_codings())
def test_matches_naive_reference_on_random_spans(
    case: tuple[dict[str, list[tuple[int, int, str]]], int],
) -> None:
    segments, length = case
    ref = naive_alphas(segments, length)
    for variant in ("u", "|u", "cu"):
        ours = float(unitized_alpha(segments, (0, length), variant))
        expected = ref[variant]
        # Undefined (no expected disagreement) in exact arithmetic is nan here, and only then.
        assert ours == pytest.approx(math.nan if expected is None else expected, abs=1e-9,
                                     nan_ok=True), variant  # fmt: skip
    for code, result in unitized_alpha_by_code(segments, (0, length)).items():
        alone = {c: [s for s in spans if s[2] == code] for c, spans in segments.items()}
        expected = naive_alphas(alone, length)["|u"]
        assert float(result) == pytest.approx(math.nan if expected is None else expected,
                                              abs=1e-9, nan_ok=True)  # fmt: skip


def test_cu_alpha_with_more_than_two_coders_is_well_behaved() -> None:
    """A coder who coded nothing adds no coding to compare, so _cu alpha must not move.

    The other reading of S'_c found in public implementations (each coder pair's squared
    overlap over m - 1) fails both checks below: it gives 2/3 instead of 1/6 for the first
    pair, and 1 for two units that intersect only each other with different codes.
    """
    two = {"A": [(0, 2, "a")], "B": [(0, 1, "a"), (1, 2, "b")]}
    three = {**two, "C": []}
    # Two coders, by hand: l'_aa = 2, l'_ab = l'_ba = 1, l' = 4; shares A[0,2) 2, B 1 and 1;
    # S'_a = 4 + 1, S'_b = 1; l' - S'/l' = 2.5; e'_aa = (9 - 5)/2.5 = 1.6, e'_bb = 0;
    # _cu alpha = 1 - 2/2.4 = 1/6.
    assert float(unitized_alpha(two, (0, 4), "cu")) == pytest.approx(1 / 6)
    assert float(unitized_alpha(three, (0, 4), "cu")) == pytest.approx(1 / 6)
    # Two units, coded differently, that intersect only each other: no better than chance.
    clash = unitized_alpha({"A": [(0, 1, "a")], "B": [], "C": [(0, 1, "b")]}, (0, 4), "cu")
    assert float(clash) == pytest.approx(0.0)


@SETTINGS
@given(span_codings())
def test_cu_alpha_ignores_a_coder_who_coded_nothing(
    case: tuple[dict[str, list[tuple[int, int, str]]], int],
) -> None:
    segments, length = case
    base = float(unitized_alpha(segments, (0, length), "cu"))
    silent = float(unitized_alpha({**segments, "silent": []}, (0, length), "cu"))
    assert silent == pytest.approx(base, abs=1e-9, nan_ok=True)


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
@given(codings())
def test_atomic_per_value_alpha_is_binary_alpha(matrix: np.ndarray) -> None:
    seg, length = atomic(matrix), matrix.shape[1]
    for k in {int(v) for v in np.unique(matrix) if v > 0}:
        ku = unitized_alpha(seg, (0, length), "ku", code=k)
        binary = krippendorff_alpha((matrix == k).astype(int))
        assert float(ku) == pytest.approx(float(binary), abs=1e-9, nan_ok=True)


def test_per_value_alpha_with_one_code_is_u_alpha() -> None:
    seg = {"A": [(2, 6, "x")], "B": [(3, 7, "x")]}
    assert float(unitized_alpha(seg, (0, 10), "ku", code="x")) == pytest.approx(1 - 4 * 356 / 3840)
    with pytest.raises(UsageError, match="give code="):
        unitized_alpha(seg, (0, 10), "ku")
    with pytest.raises(UsageError, match=re.escape("'|u' or 'ku'")):
        unitized_alpha_by_code(seg, (0, 10), "cu")


def test_the_other_public_reading_of_cu_self_pairs_moves_with_a_silent_coder() -> None:
    """The union reading of S'_c, written out, to pin what the module docstring says of it."""
    def union_cu(segs: dict[str, list[tuple[int, int, str]]], length: int) -> float:
        coders, m = list(segs), len(segs)
        at = {c: [next((v for s, e, v in segs[c] if s <= t < e), None) for t in range(length)]
              for c in coders}  # fmt: skip
        values = sorted({v for c in coders for _, _, v in segs[c]})
        l = {(a, b): 0.0 for a in values for b in values}  # noqa: E741
        for i in coders:
            for j in coders:
                for t in range(length):
                    if i != j and at[i][t] is not None and at[j][t] is not None:
                        l[at[i][t], at[j][t]] += 1 / (m - 1)  # type: ignore[index]
        s_c = dict.fromkeys(values, 0.0)
        for i in coders:
            others = [any(at[j][t] is not None for j in coders if j != i) for t in range(length)]
            for s, e, v in segs[i]:
                s_c[v] += sum(others[s:e]) ** 2
        total = sum(l.values())
        row = {a: sum(l[a, b] for b in values) for a in values}
        norm = total - sum(s_c.values()) / total
        e_diag = sum((row[a] ** 2 - s_c[a]) / norm for a in values)
        return 1 - (total - sum(l[a, a] for a in values)) / (total - e_diag)

    two = {"A": [(0, 2, "a")], "B": [(0, 1, "a"), (1, 2, "b")]}
    assert union_cu(two, 4) == pytest.approx(1 / 6)
    assert union_cu({**two, "C": []}, 4) == pytest.approx(5 / 3)
    assert union_cu({"A": [(0, 1, "a")], "B": [], "C": [(0, 1, "b")]}, 4) == pytest.approx(3.0)
    assert float(unitized_alpha({**two, "C": []}, (0, 4), "cu")) == pytest.approx(1 / 6)


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
        ({"A": [(0, 5, "x"), (4, 8, "y")], "B": []}, (0, 10), "ku", "give code="),
    ],
)
def test_bad_input_raises_usage_error(
    segments: dict[str, list[tuple[object, ...]]], continuum: tuple[int, ...], variant: str,
    words: str,
) -> None:  # fmt: skip
    with pytest.raises(UsageError, match=words):
        unitized_alpha(segments, continuum, variant)  # type: ignore[arg-type]


def test_code_only_with_binary_variant() -> None:
    with pytest.raises(UsageError, match=re.escape("variant='|u' and 'ku' only")):
        unitized_alpha({"A": [], "B": []}, (0, 10), "u", code="x")
