"""Moving through a transcript by word and by unit, and cleaning up a selection (pure functions)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from qcode.corpus.documents import UnitInfo


def _is_word(char: str) -> bool:
    return char.isalnum() or char in "_'’-"


def next_word(text: str, offset: int) -> int:
    """The start of the next word after `offset` (or the end of the text)."""
    n = len(text)
    while offset < n and _is_word(text[offset]):
        offset += 1
    while offset < n and not _is_word(text[offset]):
        offset += 1
    return offset


def previous_word(text: str, offset: int) -> int:
    """The start of the word before `offset` (or of the word `offset` is inside)."""
    while offset > 0 and not _is_word(text[offset - 1]):
        offset -= 1
    while offset > 0 and _is_word(text[offset - 1]):
        offset -= 1
    return offset


def word_end(text: str, offset: int) -> int:
    """The end of the word at or after `offset`."""
    n = len(text)
    while offset < n and not _is_word(text[offset]):
        offset += 1
    while offset < n and _is_word(text[offset]):
        offset += 1
    return offset


def unit_index(units: Sequence[UnitInfo], offset: int) -> int:
    """The unit holding `offset` (its end included: the cursor just after its last character);
    between units (a speaker's label, a blank line), the next one; past the last, the last."""
    starts = [u.start for u in units]
    index = bisect_right(starts, offset) - 1
    if index >= 0 and offset <= units[index].end:
        return index
    return min(index + 1, len(units) - 1)


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """`[start, end)` without the white space at either end (a selection made by hand often
    takes a space or a line break with it)."""
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
