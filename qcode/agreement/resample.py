"""Fast paths of the unit bootstrap: every replicate at once, from sufficient statistics.

A replicate of the unit bootstrap (:mod:`qcode.agreement.bootstrap`) is a vector of unit
multiplicities ``w`` (how often each unit was drawn). The draws here are exactly those of the
one-replicate-at-a-time loop, ``numpy.random.default_rng(seed).integers(0, n, n)`` per
replicate (a ``(replicates, n)`` call yields the same stream), so the intervals are the same;
only the arithmetic is batched:

* two coders, the kappa family and percent agreement: each unit is one cell of the
  (q + 1) × (q + 1) table of the pair of values (a coder's "missing" being the extra row and
  column), so a replicate's whole data are the cell counts ``W @ onehot(cell)``, and each
  coefficient is a few array operations on them (the formulas of
  :mod:`qcode.agreement.two_coders` and :mod:`qcode.agreement.coefficients`, Gwet 2014);
* Krippendorff's alpha (nominal, interval, ratio; any number of coders): n_c, n and the
  observed disagreement are weighted sums over units (Krippendorff 2011; see
  :mod:`qcode.agreement.alpha`), i.e. matrix products of ``W`` with per-unit statistics.

Data sets over the same number of units share the draws (the loop, seeded alike, would draw
the same), so :func:`run` stacks their columns and reads each block of multiplicities once for
all of them: an agreement report bootstraps every code of one set of units in one product. The
multiplicities of one (seed, units, replicates) are also kept for the next call.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from qcode.agreement.alpha import AlphaStats
from qcode.agreement.data import FloatArray, ReliabilityData

CACHE_CELLS = 16_000_000  # multiplicities kept between calls: at most 128 MB
CHUNK_CELLS = 4_000_000  # otherwise drawn in blocks of this many
_ONE = 1.0 - 1e-12


@lru_cache(maxsize=2)
def _all_weights(seed: int, n: int, n_boot: int) -> FloatArray:
    out = np.empty((n_boot, n))
    row = 0
    for block in _drawn(np.random.default_rng(seed), n, n_boot):
        out[row : row + block.shape[0]] = block
        row += block.shape[0]
    out.flags.writeable = False
    return out


def _drawn(rng: np.random.Generator, n: int, n_boot: int) -> Iterator[FloatArray]:
    rows = max(1, CHUNK_CELLS // max(n, 1))
    for start in range(0, n_boot, rows):
        b = min(rows, n_boot - start)
        idx = rng.integers(0, n, (b, n)) + (np.arange(b, dtype=np.int64) * n)[:, None]
        yield np.bincount(idx.ravel(), minlength=b * n).reshape(b, n).astype(np.float64)


def weights(seed: int | None, n: int, n_boot: int) -> Iterator[FloatArray]:
    """Blocks of replicates × units multiplicities, in the order the replicates are drawn."""
    if seed is not None and n * n_boot <= CACHE_CELLS:
        yield _all_weights(seed, n, n_boot)
        return
    yield from _drawn(np.random.default_rng(seed), n, n_boot)


@dataclass(eq=False)
class Batch:
    """One data set's replicates, computed from weighted sums of per-unit columns: for the
    multiplicities ``W`` of a block of replicates, ``finish(W @ columns)`` is their values."""

    n: int
    columns: FloatArray
    finish: Callable[[FloatArray], FloatArray]
    values: list[FloatArray] = field(default_factory=list)

    def samples(self) -> list[float]:
        return [float(v) for block in self.values for v in block if not math.isnan(v)]


def run(batches: Sequence[Batch], seed: int | None, n_boot: int) -> None:
    """Every replicate of every batch. Batches over the same number of units share the draws
    (the loop would draw the same ones, with the same seed), so their columns are stacked and
    each block of multiplicities is read once for all of them."""
    by_n: dict[int, list[Batch]] = {}
    for batch in batches:
        by_n.setdefault(batch.n, []).append(batch)
    for n, group in by_n.items():
        stacked = np.hstack([b.columns for b in group])
        cuts = np.cumsum([b.columns.shape[1] for b in group])[:-1]
        for block in weights(seed, n, n_boot):
            for batch, part in zip(group, np.split(block @ stacked, cuts, axis=1), strict=True):
                batch.values.append(batch.finish(part))


def two_coder_batch(kind: str, rd: ReliabilityData, units: np.ndarray) -> Batch:
    """The kappa family (``kind``: the function's name) on two coders' ``units``: a unit is one
    cell of the (q + 1) × (q + 1) table of pairs of values, "missing" the extra row/column."""
    q = rd.n_categories
    a, b = rd.codes[0, units], rd.codes[1, units]
    cell = (a + 1) * (q + 1) + (b + 1)  # MISSING (-1) becomes row/column 0
    used, column = np.unique(cell, return_inverse=True)
    onehot = np.zeros((units.size, used.size))
    onehot[np.arange(units.size), column] = 1.0

    def finish(sums: FloatArray) -> FloatArray:
        flat = np.zeros((sums.shape[0], (q + 1) ** 2))
        flat[:, used] = sums  # only the cells the data use went through the product
        return _two_coder_values(kind, flat.reshape(-1, q + 1, q + 1), q)

    return Batch(int(units.size), onehot, finish)


def _two_coder_values(kind: str, counts: FloatArray, q: int) -> FloatArray:
    both = counts[:, 1:, 1:]
    n2 = both.sum(axis=(1, 2))
    n = counts.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        pa = np.trace(both, axis1=1, axis2=2) / n2
        if kind == "percent_agreement":
            return np.where(n2 > 0, pa, math.nan)
        if kind in ("cohen_kappa", "scott_pi"):
            row, col = both.sum(axis=2) / n2[:, None], both.sum(axis=1) / n2[:, None]
            pe = (row * col).sum(axis=1) if kind == "cohen_kappa" else \
                (((row + col) / 2.0) ** 2).sum(axis=1)  # fmt: skip
        else:
            pe = _gwet_chance(kind, counts, both, n, q)
        value = (pa - pe) / (1.0 - pe)
    return np.where((n2 > 0) & (pe < _ONE) & ~np.isnan(pe), value, math.nan)


def _gwet_chance(kind: str, counts: FloatArray, both: FloatArray, n: FloatArray,
                 q: int) -> FloatArray:  # fmt: skip
    """p_e of Fleiss, Brennan-Prediger and AC1 from Gwet's pi_k (units rated by one coder
    count towards the category distribution)."""
    if kind == "brennan_prediger":
        return np.full(n.shape, 1.0 / q if q >= 2 else math.nan)
    share = 0.5 * (both.sum(axis=2) + both.sum(axis=1)) + counts[:, 1:, 0] + counts[:, 0, 1:]
    pi = share / n[:, None]
    if kind == "fleiss_kappa":
        return np.asarray((pi**2).sum(axis=1), dtype=np.float64)
    if q < 2:
        return np.full(n.shape, math.nan)
    return np.asarray((pi * (1.0 - pi)).sum(axis=1) / (q - 1), dtype=np.float64)


def alpha_batch(stats: AlphaStats) -> Batch | None:
    """Alpha over the pairable units: n_c, n and the observed disagreement are the weighted
    sums; None where the level needs the loop (ordinal: its mid-ranks change with every
    replicate) or the categories are too many for dense columns."""
    q = stats.n_categories
    if stats.level == "ordinal" or stats.d is None or stats.n_units * q > 20_000_000 or \
            (stats.level == "ratio" and q > 4000):  # fmt: skip
        return None
    columns = np.zeros((stats.n_units, q + 2))
    np.add.at(columns, (stats.unit, stats.cat), stats.count)
    columns[:, q], columns[:, q + 1] = stats.m, stats.d
    x = stats.x if stats.x is not None else np.arange(q, dtype=np.float64)

    def finish(sums: FloatArray) -> FloatArray:
        n_c, n, observed = sums[:, :q], sums[:, q], sums[:, q + 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = _expected(stats.level, n_c, n, x)
            value = 1.0 - (n - 1.0) * observed / expected
        in_use = np.count_nonzero(n_c, axis=1)
        return np.where((in_use >= 2) & (n >= 2), value, math.nan)

    return Batch(stats.n_units, columns, finish)


def _expected(level: str, n_c: FloatArray, n: FloatArray, x: FloatArray) -> FloatArray:
    """sum_ck n_c n_k delta2_ck per replicate (see :func:`qcode.agreement.alpha.disagreements`)."""
    if level == "nominal":
        return np.asarray(n * n - (n_c * n_c).sum(axis=1), dtype=np.float64)
    if level == "interval":
        xbar = (n_c @ x) / n
        return np.asarray(2.0 * n * (n_c * (x[None, :] - xbar[:, None]) ** 2).sum(axis=1),
                          dtype=np.float64)  # fmt: skip
    total = x[:, None] + x[None, :]
    diff = np.divide(x[:, None] - x[None, :], total, out=np.zeros((x.size, x.size)),
                     where=total != 0)  # fmt: skip
    return np.asarray(np.einsum("bi,ij,bj->b", n_c, diff * diff, n_c), dtype=np.float64)
