"""What a coder points at: `t12`, `p3`, `s7`, `l40-52`, `c1200-1340`, `t12-t14`, or a quote.

A target resolves to a `[start, end)` span of code points in the document's stored text. Unit
targets are looked up among the document's units; a quote is searched for in the document (or
within the unit given with it), and must occur exactly once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import NotFoundError, QcodeError, UsageError
from qcode.store.models import Document, Unit

KINDS = {"t": "turn", "p": "paragraph", "s": "sentence", "l": "line"}
_TARGET = re.compile(r"^(?P<kind>[tpslc])(?P<a>\d+)(?:-(?:(?P=kind))?(?P<b>\d+))?$", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    kind: str  # turn | paragraph | sentence | line | char
    first: int
    last: int

    def __str__(self) -> str:
        letter = "c" if self.kind == "char" else self.kind[0]
        if self.first == self.last and self.kind != "char":
            return f"{letter}{self.first}"
        return f"{letter}{self.first}-{self.last}"


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def parse_target(spec: str) -> Target:
    """Parse `t12`, `l40-52`, `t12-t14`, `c1200-1340` (character spans are half-open)."""
    match = _TARGET.match(spec.strip())
    if not match:
        raise UsageError(
            f"cannot read target `{spec}`",
            hint="use t12 (turn), p3 (paragraph), s7 (sentence), l40-52 (lines), "
            "c1200-1340 (characters) or t12-t14 (a range of units)",
        )
    letter = match["kind"].lower()
    first = int(match["a"])
    last = int(match["b"]) if match["b"] else first
    if letter == "c":
        if match["b"] is None:
            raise UsageError(f"a character span needs a start and an end, e.g. c{first}-{first + 10}")
        if last <= first:
            raise UsageError(f"character span `{spec}` is empty: the end must be after the start")
        return Target("char", first, last)
    if first < 1 or last < first:
        raise UsageError(f"unit range `{spec}` must count up from 1, e.g. {letter}3-{letter}5")
    return Target(KINDS[letter], first, last)


def resolve_target(session: Session, doc: Document, target: Target) -> Span:
    if target.kind == "char":
        if target.last > len(doc.text):
            raise QcodeError(
                f"character span {target} goes past the end of {doc.name} ({len(doc.text)} characters)"
            )
        return Span(target.first, target.last)
    rows = session.execute(
        select(Unit.number, Unit.start, Unit.end)
        .where(Unit.document_id == doc.id, Unit.kind == target.kind)
        .where(Unit.number.in_([target.first, target.last]))
    ).all()
    found = {number: (start, end) for number, start, end in rows}
    for number in (target.first, target.last):
        if number not in found:
            count = _count_units(session, doc.id, target.kind)
            raise NotFoundError(
                f"{doc.name} has no {target.kind} {number} (it has {count})",
                hint=f"run `qcode show {doc.name}` to see the numbers",
            )
    span = Span(found[target.first][0], found[target.last][1])
    if span.end <= span.start:
        raise QcodeError(f"{target} in {doc.name} is empty; choose another unit")
    return span


def _count_units(session: Session, document_id: int, kind: str) -> int:
    from sqlalchemy import func

    return int(
        session.execute(
            select(func.count(Unit.id)).where(Unit.document_id == document_id, Unit.kind == kind)
        ).scalar()
        or 0
    )


def find_quote(session: Session, doc: Document, quote: str, within: Span | None = None) -> Span:
    """The one place `quote` occurs (whitespace may differ: line breaks, double spaces)."""
    text = doc.text
    lo, hi = (within.start, within.end) if within else (0, len(text))
    words = quote.split()
    if not words:
        raise UsageError("--quote is empty")
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    hits = [(m.start(), m.end()) for m in pattern.finditer(text, lo, hi)]
    if len(hits) == 1:
        return Span(*hits[0])
    where = f" in {doc.name}" + (" within that unit" if within else "")
    if not hits:
        loose = re.compile(pattern.pattern, re.IGNORECASE)
        near = [(m.start(), m.end()) for m in loose.finditer(text, lo, hi)]
        if near:
            raise QcodeError(
                f"quote not found{where}; it does occur with different capitals at "
                + describe_places(session, doc, near),
            )
        raise NotFoundError(f"quote not found{where}", hint="check the spelling, or give a unit")
    raise QcodeError(
        f"quote occurs {len(hits)} times{where}: {describe_places(session, doc, hits)}",
        hint="give the unit too, e.g. `t12 --quote ...`",
    )


def describe_places(session: Session, doc: Document, spans: list[tuple[int, int]]) -> str:
    """`t3 l12, t9 l40` for each span: the turn and line where it starts."""
    units = session.execute(
        select(Unit.kind, Unit.number, Unit.start, Unit.end).where(
            Unit.document_id == doc.id, Unit.kind.in_(("turn", "line"))
        )
    ).all()
    places = []
    for start, _end in spans[:10]:
        parts = []
        for kind in ("turn", "line"):
            number = next(
                (n for k, n, s, e in units if k == kind and s <= start < max(e, s + 1)), None
            )
            if number is not None:
                parts.append(f"{kind[0]}{number}")
        places.append(" ".join(parts) or f"c{start}")
    more = f" and {len(spans) - 10} more" if len(spans) > 10 else ""
    return ", ".join(places) + more
