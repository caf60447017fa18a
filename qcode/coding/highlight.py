"""Coded spans laid over a transcript: which codings touch which line, cut into styled pieces.

Pure functions (no database, no terminal) so that `qcode show` can be tested without either.
A line (or turn) is cut at every coding boundary inside it; each piece carries the codings that
cover it, and the line carries margin labels `code(coder)` for every coding that touches it.
Where codings overlap, the innermost one (latest start, then shortest) gives the colour.
"""

from __future__ import annotations

import bisect
import itertools
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Tableau 10: distinct, readable on dark and light terminals; used for codes without a colour.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclass(frozen=True)
class Mark:
    """One coding as the highlighter needs it."""

    id: int
    code: str
    coder: str
    start: int
    end: int
    colour: str | None = None

    @property
    def label(self) -> str:
        return f"{self.code}({self.coder})"


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    text: str
    marks: tuple[Mark, ...]  # the codings covering this piece, outermost first


@dataclass(frozen=True)
class HighlightedUnit:
    number: int
    start: int
    end: int
    segments: tuple[Segment, ...]
    marks: tuple[Mark, ...]  # every coding touching the unit, by start

    @property
    def labels(self) -> tuple[str, ...]:
        """`code(coder)` once each, in the order the codings start."""
        seen: list[str] = []
        for mark in self.marks:
            if mark.label not in seen:
                seen.append(mark.label)
        return tuple(seen)


def normalise_colour(colour: str | None, key: str) -> str:
    """`#rrggbb` for a code: its own colour when valid, else a stable palette entry by key."""
    if colour and _HEX.match(colour.strip()):
        value = colour.strip().lower()
        if len(value) == 4:
            value = "#" + "".join(ch * 2 for ch in value[1:])
        return value
    return PALETTE[zlib.crc32(key.encode("utf-8")) % len(PALETTE)]


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on `background` (#rrggbb), by WCAG luminance."""
    red, green, blue = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return "#000000" if luminance > 0.179 else "#ffffff"


def innermost(marks: Sequence[Mark]) -> Mark | None:
    """The coding that gives a piece its colour: the latest to start, then the shortest."""
    if not marks:
        return None
    return max(marks, key=lambda m: (m.start, -(m.end - m.start), m.id))


def overlapping(marks: Sequence[Mark], start: int, end: int) -> list[Mark]:
    """Codings sharing at least one character with `[start, end)` (none for an empty unit)."""
    return [m for m in marks if m.start < end and m.end > start and start < end]


def cut(text: str, start: int, end: int, marks: Sequence[Mark]) -> tuple[Segment, ...]:
    """`text[start:end]` cut at every coding boundary; each piece knows which codings cover it."""
    inside = overlapping(marks, start, end)
    points = {start, end}
    points.update(p for m in inside for p in (m.start, m.end) if start < p < end)
    edges = sorted(points)
    segments = []
    for a, b in itertools.pairwise(edges):
        covering = tuple(sorted((m for m in inside if m.start <= a and m.end >= b),
                                key=lambda m: (m.start, -m.end, m.id)))
        segments.append(Segment(a, b, text[a:b], covering))
    return tuple(segments)


def highlight(
    text: str, units: Iterable[tuple[int, int, int]], marks: Iterable[Mark]
) -> list[HighlightedUnit]:
    """Lay `marks` over `units` given as (number, start, end), e.g. the lines of a document."""
    ordered = sorted(marks, key=lambda m: (m.start, m.end, m.code, m.coder, m.id))
    starts = [m.start for m in ordered]
    result = []
    for number, start, end in units:
        # Only codings that start before the unit ends can touch it.
        candidates = ordered[: bisect.bisect_left(starts, end)]
        touching = tuple(overlapping(candidates, start, end))
        result.append(HighlightedUnit(number, start, end, cut(text, start, end, touching),
                                      touching))
    return result


def margin(unit: HighlightedUnit, separator: str = ", ") -> str:
    return separator.join(unit.labels)
