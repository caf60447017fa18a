"""Finding a code from what the coder types: its number, id, label or a former id, fuzzily.

A choice made from typed text is confirmed before it is applied when the text is shorter than
three letters or does not single out one code: a one-letter slip must never code a passage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qcode.corpus.text import fold
from qcode.tui.data import CodeEntry

MIN_LETTERS = 3
STRONG = 55  # a prefix, a word start or a substring; below is letters in order only
_WORD_START = re.compile(r"(?:^|[\s_/.\-])(\w)")


@dataclass(frozen=True)
class Match:
    entry: CodeEntry
    score: int
    exact: bool  # the text is the code's id, label or a former id (case and accents ignored)


@dataclass(frozen=True)
class Choice:
    """The code the typed text picks, and whether the coder must confirm it first."""

    entry: CodeEntry | None
    matches: tuple[Match, ...]
    confirm: bool
    reason: str = ""


def _field_score(field: str, query: str) -> int:
    """How well `query` (folded) fits one folded field; 0 for no fit."""
    if field == query:
        return 100
    if field.startswith(query):
        return 85
    starts = [m.start(1) for m in _WORD_START.finditer(field)]
    if any(field.startswith(query, i) for i in starts):
        return 70
    if query in field:
        return 55
    return _subsequence(field, query)


def _subsequence(field: str, query: str) -> int:
    """Letters of `query` in order within `field` (fzf-like); tighter runs score higher."""
    position, gaps = 0, 0
    for char in query:
        found = field.find(char, position)
        if found < 0:
            return 0
        gaps += found > position and position > 0
        position = found + 1
    return max(10, 40 - 5 * gaps)


def score(entry: CodeEntry, text: str) -> Match | None:
    query = fold(text.strip())
    if not query:
        return None
    fields = [fold(entry.key), fold(entry.label), *(fold(s) for s in entry.synonyms)]
    exact = query in fields
    best = max(_field_score(f, query) for f in [*fields, fold(entry.path)])
    if not best:
        words = query.split()
        if len(words) > 1 and all(any(_field_score(f, w) >= 55 for f in fields) for w in words):
            best = 50
    if not best:
        return None
    return Match(entry, best, exact)


def search(entries: Sequence[CodeEntry], text: str) -> list[Match]:
    """Codes that fit `text`, best first; at equal fit, codes that can be applied before
    categories, then in the codebook's order."""
    found = [(i, m) for i, m in enumerate(score(e, text) for e in entries) if m is not None
             and not m.entry.retired]
    found.sort(key=lambda pair: (-pair[1].exact, -pair[1].score, not pair[1].entry.can_apply, pair[0]))
    return [m for _i, m in found]


def letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def choose(entries: Sequence[CodeEntry], text: str) -> Choice:
    """The code `text` names: a number picks code N outright; words pick the best match, to be
    confirmed when shorter than three letters or when other codes fit as well."""
    typed = text.strip()
    if not typed:
        return Choice(None, (), False, "type a number, an id or a label, or pick a code with ↑/↓")
    if typed.isdigit():
        entry = next((e for e in entries if e.number == int(typed)), None)
        reason = "" if entry else f"no code number {typed}"
        return Choice(entry, (), False, reason)
    matches = tuple(search(entries, typed))
    if not matches:
        return Choice(None, (), False, f"no code fits `{typed}`")
    top = matches[0]
    if letters(typed) < MIN_LETTERS:
        return Choice(top.entry, matches, True, f"`{typed}` is shorter than {MIN_LETTERS} letters")
    # Codes that fit only by scattered letters do not compete with one that fits as a word.
    rivals = [m for m in matches[1:] if m.score >= STRONG or top.score < STRONG]
    if rivals and (not top.exact or rivals[0].exact):
        return Choice(top.entry, matches, True, f"{len(rivals) + 1} codes fit `{typed}`")
    return Choice(top.entry, matches, False)
