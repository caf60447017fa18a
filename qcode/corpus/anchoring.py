"""Re-anchoring a coding when its transcript is corrected and re-imported.

A coding keeps its quote and a little context on each side. After an update the quote is looked
for first where it was, then everywhere; among several occurrences the one whose context matches
best and that lies nearest the old position wins. No occurrence at all leaves the coding in place,
clamped to the new text, and flags it `orphaned` for a person to look at.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT = 32


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    status: str  # ok | moved | orphaned


def context(text: str, start: int, end: int, width: int = CONTEXT) -> tuple[str, str]:
    """Prefix and suffix stored with a coding."""
    return text[max(0, start - width) : start], text[end : end + width]


def reanchor(text: str, start: int, end: int, quote: str, prefix: str, suffix: str) -> Anchor:
    if quote and text[start:end] == quote:
        return Anchor(start, end, "ok")
    if not quote:
        return Anchor(min(start, len(text)), min(end, len(text)), "orphaned")
    candidates = []
    pos = text.find(quote)
    while pos != -1:
        candidates.append(pos)
        pos = text.find(quote, pos + 1)
    if not candidates:
        clamped_start = min(start, len(text))
        return Anchor(clamped_start, min(max(end, clamped_start), len(text)), "orphaned")

    def score(candidate: int) -> tuple[int, int]:
        before, after = context(text, candidate, candidate + len(quote), max(len(prefix), len(suffix)))
        matched = _common_suffix(before, prefix) + _common_prefix(after, suffix)
        return (-matched, abs(candidate - start))

    best = min(candidates, key=score)
    return Anchor(best, best + len(quote), "moved")


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])
