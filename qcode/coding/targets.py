"""What a coder points at: `t12`, `p3`, `s7`, `l40-52`, `c1200-1340`, `t12-t14`, or a quote.

A target resolves to a `[start, end)` span of code points in the document's stored text. Unit
targets are looked up among the document's units; a quote is searched for in the document (or
within the unit given with it) as `search` finds text: normalised to NFC, any run of whitespace
matching any other. It must occur once, or be chosen among its occurrences; when it is not
there exactly, a match that differs only in capitals or diacritics is offered instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.corpus.text import fold
from qcode.errors import NotFoundError, QcodeError, UsageError
from qcode.store.models import Document, Unit

KINDS = {"t": "turn", "p": "paragraph", "s": "sentence", "l": "line"}
# The largest number the store holds (INTEGER on PostgreSQL): a larger unit number, offset or
# id can name nothing, and would overflow the database driver.
MAX_NUMBER = 2**31 - 1
GRAMMAR = ("t12 (turn), p3 (paragraph), s7 (sentence), l40-52 (lines), c1200-1340 (characters) "
           "or t12-t14 (a range of units)")
# Anything shaped like a target, mistyped or not (`c-5`, `l10-2`, `t12-p14`); other words,
# such as `p2p`, are codes.
_SHAPE = re.compile(
    r"^(?P<kind>[tpslc])(?P<minus>-?)(?P<a>\d+)"
    r"(?:(?P<dash>[-\u2013])(?P<kind2>[tpslc]?)(?P<minus2>-?)(?P<b>\d*))?$",
    re.IGNORECASE,
)


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


def looks_like_target(text: str) -> bool:
    """True for a word meant as a target (even a wrong one), False for a code."""
    return _SHAPE.match(text.strip()) is not None


def parse_target(spec: str) -> Target:
    """Parse `t12`, `l40-52`, `t12-t14`, `c1200-1340` (character spans are half-open); a wrong
    target is refused with what is wrong in it."""
    match = _SHAPE.match(spec.strip())
    if not match:
        raise UsageError(f"cannot read target `{spec}`", hint=f"use {GRAMMAR}")
    letter = match["kind"].lower()
    what = "character span" if letter == "c" else f"{KINDS[letter]} target"
    wrong = _shape_problem(match, letter)
    if wrong:
        raise UsageError(f"{what} `{spec}`: {wrong}")
    first = int(match["a"])
    last = int(match["b"]) if match["b"] else first
    for number in (first, last):
        if number > MAX_NUMBER:
            raise UsageError(f"{what} `{spec}`: {number} is too large (at most {MAX_NUMBER})")
    if letter == "c":
        if match["dash"] is None:
            raise UsageError(f"{what} `{spec}` needs a start and an end, e.g. c{first}-{first + 10}")
        if last <= first:
            raise UsageError(f"{what} `{spec}` is {'empty' if last == first else 'backwards'}: "
                             f"the end must be after the start, e.g. c{min(first, last)}-"
                             f"{max(first, last) + (last == first) * 10}")
        return Target("char", first, last)
    if first < 1:
        raise UsageError(f"{what} `{spec}`: {KINDS[letter]}s are numbered from 1")
    if last < first:
        raise UsageError(f"{what} `{spec}` runs backwards ({KINDS[letter]} {first} to {last}); "
                         f"write {letter}{last}-{first}")
    return Target(KINDS[letter], first, last)


def _shape_problem(match: re.Match[str], letter: str) -> str | None:
    """What is wrong in a target's shape: a minus sign, a missing end, two kinds of unit."""
    if match["minus"] or match["minus2"]:
        part = "start" if match["minus"] else "end"
        lowest, example = (0, "c1200-1340") if letter == "c" else (1, f"{letter}3-5")
        return f"the {part} is missing or negative; numbers count up from {lowest}, e.g. {example}"
    if match["dash"] is not None and not match["b"]:
        return f"the end of the range is missing, e.g. {letter}{match['a']}-{int(match['a']) + 2}"
    if match["kind2"] and match["kind2"].lower() != letter:
        return (f"a range stays within one kind of unit: {letter}{match['a']}-{letter}{match['b']}, "
                f"not {match['kind2'].lower()}{match['b']}")
    return None


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


def find_quote(
    session: Session, doc: Document, quote: str, within: Span | None = None,
    occurrence: int | None = None,
) -> Span:
    """Where `quote` occurs (NFC, whitespace runs flexible): the one place, or the
    `occurrence`-th (from 1) of several."""
    text = doc.text
    lo, hi = (within.start, within.end) if within else (0, len(text))
    words = unicodedata.normalize("NFC", quote).split()
    if not words:
        raise UsageError("--quote is empty")
    if occurrence is not None and not 1 <= occurrence <= MAX_NUMBER:
        raise UsageError(f"--occurrence counts from 1, not {occurrence}")
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    hits = [(m.start(), m.end()) for m in pattern.finditer(text, lo, hi)]
    where = f" in {doc.name}" + (" within that unit" if within else "")
    if not hits:
        near = folded_matches(text, words, lo, hi)
        if near:
            offers = ", or ".join(f"'{' '.join(text[a:b].split())}' at "
                                  f"{describe_places(session, doc, [(a, b)])}" for a, b in near[:3])
            more = f" (and {len(near) - 3} more)" if len(near) > 3 else ""
            raise NotFoundError(f"quote not found{where}; did you mean {offers}{more}?")
        raise NotFoundError(f"quote not found{where}", hint="check the spelling, or give a unit")
    if occurrence is None and len(hits) == 1:
        return Span(*hits[0])
    if occurrence is None:
        raise QcodeError(
            f"quote occurs {len(hits)} times{where}: {describe_places(session, doc, hits)}",
            hint=f"choose one with --occurrence N (1 to {len(hits)}), or give the unit too, "
            "e.g. `t12 --quote ...`",
        )
    if occurrence > len(hits):
        times = "once" if len(hits) == 1 else f"{len(hits)} times"
        raise QcodeError(f"--occurrence {occurrence}: the quote occurs only {times}{where}: "
                         + describe_places(session, doc, hits))
    return Span(*hits[occurrence - 1])


def folded_matches(text: str, words: list[str], lo: int, hi: int) -> list[tuple[int, int]]:
    """Spans of `text[lo:hi]` that read as `words` once case and diacritics are ignored
    (`najveca   GRESKA` finds `Najveća greška`), as offsets into `text` itself."""
    folded_words = [w for w in (fold(w) for w in words) if w]
    if not folded_words:
        return []
    # Fold character by character, remembering where each folded character came from: folding
    # may drop a combining mark or (rarely) turn one character into two.
    pieces: list[str] = []
    origin: list[int] = []
    cache: dict[str, str] = {}
    for index in range(lo, hi):
        char = text[index]
        piece = cache.get(char)
        if piece is None:
            piece = cache[char] = fold(char)
        pieces.append(piece)
        origin.extend([index] * len(piece))
    folded = "".join(pieces)
    pattern = re.compile(r"\s+".join(re.escape(w) for w in folded_words))
    spans = []
    for m in pattern.finditer(folded):
        start, end = origin[m.start()], origin[m.end() - 1] + 1
        while end < hi and unicodedata.combining(text[end]):
            end += 1  # a mark the folding dropped belongs to the last letter
        spans.append((start, end))
    return spans


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
