"""Reliability data: coercing coders' rows into an integer-coded coders × units matrix.

Input is a sequence of coders' rows (coders × units), the layout of Krippendorff (2011,
"Computing Krippendorff's Alpha-Reliability"). ``None``, float NaN, ``pandas.NA`` and
``pandas.NaT`` mean "this coder did not code this unit". Values may be any hashable for nominal
data, numbers for the other levels of measurement. A 2-D numeric ``numpy`` array (NaN for
missing) takes a vectorised path that never touches Python objects.

Categories are ordered numerically when all are numbers, alphabetically when all are strings,
and in order of first appearance otherwise; pass ``categories=`` to fix the set and its order
(needed when some scale points were never used, or for ordinal text labels).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from numbers import Number
from typing import Any, TypeAlias, cast

import numpy as np
import numpy.typing as npt

from qcode.errors import UsageError

MISSING = -1
"""Code for a missing value in :attr:`ReliabilityData.codes`."""

IntArray: TypeAlias = npt.NDArray[np.int64]
FloatArray: TypeAlias = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class ReliabilityData:
    """Coders × units matrix of category indices; ``MISSING`` (-1) where a coder gave none.

    ``categories[k]`` is the label of code ``k``.
    """

    codes: IntArray
    categories: tuple[Hashable, ...]

    @property
    def n_coders(self) -> int:
        return int(self.codes.shape[0])

    @property
    def n_units(self) -> int:
        return int(self.codes.shape[1])

    @property
    def n_categories(self) -> int:
        return len(self.categories)

    def take(self, units: IntArray) -> ReliabilityData:
        """The same data restricted to (or resampled as) the given unit indices."""
        return ReliabilityData(self.codes[:, units], self.categories)

    def numeric_categories(self, what: str) -> FloatArray:
        """Category labels as floats; a clear error when they are not numbers."""
        bad = [c for c in self.categories if not _is_number(c)]
        if bad:
            raise UsageError(
                f"{what} needs numeric values, but the data contain {bad[0]!r}",
                hint="use level='nominal' for labels, or recode the values as numbers",
            )
        return np.asarray([float(c) for c in self.categories], dtype=np.float64)  # type: ignore[arg-type]

    def entries(self) -> tuple[IntArray, IntArray, IntArray]:
        """Sparse unit × category counts: (unit, category, count) for every non-zero cell.

        Sorted by unit, then category. Memory is proportional to the number of ratings, not to
        units × categories, so many categories cost nothing.
        """
        q = max(self.n_categories, 1)
        codes = self.codes
        present = codes != MISSING
        # One flat key per rating, unit-major, without materialising 2-D nonzero indices.
        keys = (codes + np.arange(self.n_units, dtype=np.int64) * q)[present]
        if self.n_units * q <= 20_000_000:
            dense = np.bincount(keys, minlength=self.n_units * q)
            nonzero = np.flatnonzero(dense)
            counts = dense[nonzero]
        else:
            nonzero, counts = np.unique(keys, return_counts=True)
        return nonzero // q, nonzero % q, counts.astype(np.int64)

    def ratings_per_unit(self) -> IntArray:
        """Number of coders who coded each unit (m_u, or r_i in Gwet's notation)."""
        return np.asarray((self.codes != MISSING).sum(axis=0), dtype=np.int64)


ReliabilityInput: TypeAlias = "Sequence[Sequence[Any]] | npt.NDArray[Any] | ReliabilityData"


def _is_number(value: object) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)


def is_missing(value: object) -> bool:
    """True for ``None``, NaN (Python or numpy float), ``pandas.NA`` and ``pandas.NaT``."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


def coerce(data: ReliabilityInput, categories: Sequence[Hashable] | None = None) -> ReliabilityData:
    """Turn reliability data into a :class:`ReliabilityData`.

    Args:
        data: coders' rows (coders × units); or an already coerced :class:`ReliabilityData`.
        categories: the full, ordered set of categories. Values outside it are an error.

    Raises:
        UsageError: ragged rows, a non-2-D array, unhashable values, or values outside
            ``categories``.
    """
    if isinstance(data, ReliabilityData):
        if categories is None or tuple(categories) == data.categories:
            return data
        labels = [[None if c == MISSING else data.categories[c] for c in row] for row in data.codes]
        return coerce(labels, categories)
    if hasattr(data, "to_numpy") and not isinstance(data, np.ndarray):
        data = data.to_numpy()
    if isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise UsageError(
                f"reliability data must be 2-D (coders × units), got an array of {data.ndim} "
                "dimension(s)"
            )
        if data.dtype.kind in "biuf":
            return _coerce_numeric_array(data, categories)
        data = data.tolist()
    return _coerce_rows(_as_rows(cast(Iterable[Any], data)), categories)


def _as_rows(data: Iterable[Any]) -> list[list[Any]]:
    if isinstance(data, str | bytes):
        raise UsageError("reliability data must be a sequence of coders' rows, not a string")
    rows: list[list[Any]] = []
    for i, row in enumerate(data):
        if isinstance(row, str | bytes) or not isinstance(row, Iterable):
            raise UsageError(
                f"reliability data must be coders × units: row {i + 1} is not a sequence",
                hint="pass one list of values per coder",
            )
        rows.append(list(row))
    lengths = {len(r) for r in rows}
    if len(lengths) > 1:
        first = len(rows[0])
        bad = next(i for i, r in enumerate(rows) if len(r) != first)
        raise UsageError(
            f"every coder needs one value per unit: coder 1 has {first} values, "
            f"coder {bad + 1} has {len(rows[bad])}",
            hint="use None for units a coder did not code",
        )
    return rows


def _coerce_rows(rows: list[list[Any]], categories: Sequence[Hashable] | None) -> ReliabilityData:
    n_units = len(rows[0]) if rows else 0
    codes = np.full((len(rows), n_units), MISSING, dtype=np.int64)
    index: dict[Hashable, int] = {}
    if categories is not None:
        index = _category_index(categories)
    try:
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if is_missing(value):
                    continue
                k = index.get(value)
                if k is None:
                    if categories is not None:
                        raise UsageError(
                            f"value {value!r} (coder {i + 1}, unit {j + 1}) is not one of the "
                            "given categories"
                        )
                    k = index[value] = len(index)
                codes[i, j] = k
    except TypeError as exc:
        raise UsageError(f"reliability values must be hashable: {exc}") from None
    if categories is not None:
        return ReliabilityData(codes, tuple(categories))
    labels = list(index)
    order = _natural_order(labels)
    if order != list(range(len(labels))):
        remap = np.empty(len(labels) + 1, dtype=np.int64)
        remap[np.asarray(order, dtype=np.int64)] = np.arange(len(labels), dtype=np.int64)
        remap[-1] = MISSING  # so that remap[MISSING] stays MISSING
        codes = remap[codes]
        labels = [labels[k] for k in order]
    return ReliabilityData(codes, tuple(labels))


def _category_index(categories: Sequence[Hashable]) -> dict[Hashable, int]:
    index: dict[Hashable, int] = {}
    for value in categories:
        if is_missing(value):
            raise UsageError("categories cannot contain a missing value (None or NaN)")
        if value in index:
            raise UsageError(f"category {value!r} is listed twice")
        index[value] = len(index)
    return index


def _natural_order(labels: list[Hashable]) -> list[int]:
    if all(_is_number(v) for v in labels):
        return sorted(range(len(labels)), key=lambda k: labels[k])  # type: ignore[arg-type,return-value]
    if all(isinstance(v, str) for v in labels):
        return sorted(range(len(labels)), key=lambda k: labels[k])  # type: ignore[arg-type,return-value]
    return list(range(len(labels)))


def _coerce_numeric_array(
    array: npt.NDArray[Any], categories: Sequence[Hashable] | None
) -> ReliabilityData:
    missing = np.isnan(array) if array.dtype.kind == "f" else np.zeros(array.shape, dtype=bool)
    values = array[~missing]
    codes = np.full(array.shape, MISSING, dtype=np.int64)
    if categories is None:
        uniques, inverse = _unique_inverse(values)
        codes[~missing] = inverse
        return ReliabilityData(codes, tuple(uniques.tolist()))
    index = _category_index(categories)
    if not index or not all(_is_number(c) for c in index):
        return _coerce_rows(array.tolist(), categories)
    cats = np.asarray(list(index), dtype=np.float64)
    order = np.argsort(cats, kind="stable")
    pos = np.searchsorted(cats[order], values)
    pos = np.clip(pos, 0, len(cats) - 1)
    found = cats[order][pos] == values
    if not bool(np.all(found)):
        bad = values[~found][0]
        raise UsageError(f"value {bad.item()!r} is not one of the given categories")
    codes[~missing] = order[pos]
    return ReliabilityData(codes, tuple(index))


def _unique_inverse(values: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], IntArray]:
    """Sorted distinct values and each value's index among them.

    Codes are usually small integers: then a lookup table does in one pass what sorting does
    in N log N (``numpy.unique(return_inverse=True)`` argsorts, ~40 ms per million values).
    """
    if values.size == 0:
        return values[:0], np.zeros(0, dtype=np.int64)
    if values.dtype.kind == "u" and int(values.max()) >= 2**62:
        uniques = np.unique(values)
        return uniques, np.searchsorted(uniques, values).astype(np.int64)
    with np.errstate(invalid="ignore"):
        as_int = values.astype(np.int64)
    if values.dtype.kind in "biu" or bool(np.array_equal(as_int, values)):
        low, high = int(as_int.min()), int(as_int.max())
        if high - low < max(4 * values.size, 1 << 16) and (
            values.dtype.kind != "f" or max(abs(low), abs(high)) < 2**52
        ):
            seen = np.zeros(high - low + 1, dtype=bool)
            seen[as_int - low] = True
            rank = np.cumsum(seen, dtype=np.int64) - 1
            uniques = (np.flatnonzero(seen) + low).astype(values.dtype)
            return uniques, rank[as_int - low]
    uniques = np.unique(values)
    return uniques, np.searchsorted(uniques, values).astype(np.int64)
