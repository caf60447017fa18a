"""Published reliability data sets, transcribed from their sources (facts, not code).

Every set is in qcode's layout: a list of coders' rows (coders × units), ``None`` = missing.
"""

from __future__ import annotations

from typing import Any

_ = None

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section A:
# binary data, two observers, no missing data.
KRIPPENDORFF_2011_A = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]

# Krippendorff (2011), section B: nominal data, two observers, no missing data.
KRIPPENDORFF_2011_B = [
    list("aabbdcccedda"),
    list("babbbccceddd"),
]

# Krippendorff (2011), section C: 4 observers × 12 units, values 1-5, missing data.
# The same data are irrCAC's ``cac.raw4raters`` (Gwet 2014) with raters as columns.
KRIPPENDORFF_2011_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]

# Fleiss (1971), "Measuring nominal scale agreement among many raters", Table 1:
# 30 patients, 6 psychiatrists each, counts per diagnosis
# (depression, personality disorder, schizophrenia, neurosis, other). The first 15 rows are
# irrCAC's ``distrib.6raters``.
FLEISS_1971_COUNTS = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
    [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
]  # fmt: skip
FLEISS_1971_CATEGORIES = [
    "depression", "personality disorder", "schizophrenia", "neurosis", "other",
]  # fmt: skip

# Gwet (2014), Handbook of Inter-Rater Reliability, as irrCAC's ``cont3x3abstractors``:
# two abstractors classifying 100 pregnancies; rows = abstractor 1, columns = abstractor 2.
CONT3X3_ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
CONT3X3_CATEGORIES = ["Ectopic", "AIU", "NIU"]

# SAS/STAT documentation example reproduced in statsmodels' test suite (``table10``):
# simple kappa 0.4842, ASE 0.1380.
SAS_TABLE10 = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]


def counts_to_rows(counts: list[list[int]], categories: list[Any]) -> list[list[Any]]:
    """Expand a units × categories count table into coders' rows (exchangeable coders)."""
    units = []
    for row in counts:
        unit: list[Any] = []
        for category, c in zip(categories, row, strict=True):
            unit.extend([category] * c)
        units.append(unit)
    return [list(coder) for coder in zip(*units, strict=True)]


def table_to_rows(table: list[list[int]], categories: list[Any]) -> list[list[Any]]:
    """Expand a two-coder contingency table into two coders' rows."""
    first: list[Any] = []
    second: list[Any] = []
    for i, row in enumerate(table):
        for j, c in enumerate(row):
            first.extend([categories[i]] * c)
            second.extend([categories[j]] * c)
    return [first, second]
