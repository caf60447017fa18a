"""Plain results of the agreement figures, shared by the report and the tables it is built from."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qcode.agreement import ReliabilityData

ALL = "(all codes)"


@dataclass(frozen=True)
class Figure:
    """One coefficient: which code, document and measure, its value and what it rests on.

    ``units``: units behind the figure (pairable units; characters for unitized alphas);
    ``both``: units where every coder applied the code (domain rows: where two or more coders
    gave a value other than none); ``prevalence``: share of ratings that apply the code.
    ``value`` is ``None`` when the coefficient is undefined, and ``note`` says why.
    """

    code: str
    document: str | None
    measure: str
    value: float | None
    low: float | None
    high: float | None
    percent: float | None
    units: int
    both: int
    prevalence: float | None
    note: str | None = None


@dataclass(frozen=True, eq=False)
class Table:
    """Reliability data of one row group: binary (per code) or nominal (a domain).

    The ratings stay as they were read (int8: 0/1, or -1 missing; float category indices with
    NaN missing) and become `ReliabilityData` (int64) when `data` is asked for: a report over
    every code holds one table's int64 copy at a time, not all of them (at 200,000 sentences
    and four coders that was 300 MB for the codes and their pooled row)."""

    code: str
    document: str | None
    values: np.ndarray
    n_categories: int
    binary: bool

    @property
    def data(self) -> ReliabilityData:
        return to_data(self.values, self.n_categories)


def finite(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def to_data(values: np.ndarray, n_categories: int) -> ReliabilityData:
    """int8 0/1 or float category indices (NaN missing) as ReliabilityData, without copying
    through Python objects."""
    if values.dtype.kind == "f":
        codes = np.where(np.isnan(values), -1, values).astype(np.int64)
    else:
        codes = values.astype(np.int64)
    return ReliabilityData(codes, tuple(range(n_categories)))


