"""The transcript laid out in screen rows: each line wrapped at word boundaries, a header row
(turn number, speaker, timestamp) before each turn, and offsets mapped to rows and columns.

Offsets are code points of the stored text, as everywhere in qcode; columns are terminal cells,
so a Cyrillic letter takes one and an emoji two. Every offset of the text, and the end of each
line, is a place the cursor can stand.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, get_character_cell_size

from qcode.corpus.documents import UnitInfo

_TOKEN = re.compile(r"\S+\s*")
# Characters one cell wide: Latin, Greek, Cyrillic, dashes and quotes. A line of only these (most
# lines of a transcript) is wrapped by counting characters.
_ONE_CELL = frozenset(chr(c) for first, last in (
    (0x20, 0x7E), (0xA0, 0x2FF), (0x370, 0x482), (0x48A, 0x52F), (0x2010, 0x2027), (0x2030, 0x205E),
) for c in range(first, last + 1))


@dataclass(frozen=True, slots=True)
class Row:
    """A screen row: a piece of one line of text `[start, end)`, or a turn's header."""

    start: int
    end: int
    line: int | None = None  # the document line number, on the first row of each line
    last: bool = True  # the row ends its line: the line's end is a cursor place on it
    header: UnitInfo | None = None


def cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def _wrap_narrow(line: str, start: int, width: int) -> list[int] | None:
    """`_wrap_line` for a line of one-cell characters whose words fit a row: no cutting, no
    measuring. None when a word is too long."""
    starts = [start]
    used = len(line) - len(line.lstrip())
    for match in _TOKEN.finditer(line, used):
        token = match.group()
        word = len(token.rstrip())
        if word > width:
            return None
        if used and used + word > width:
            starts.append(start + match.start())
            used = 0
        used += len(token)
    return starts


def _wrap_line(text: str, start: int, end: int, width: int) -> list[int]:
    """Where the rows of the line `text[start:end]` start: break before a word that would pass
    `width` cells; a word longer than a row is cut."""
    line = text[start:end]
    if _ONE_CELL.issuperset(line):
        quick = _wrap_narrow(line, start, width)
        if quick is not None:
            return quick
    return _wrap_measured(text, start, end, width)


def _wrap_measured(text: str, start: int, end: int, width: int) -> list[int]:
    """`_wrap_line` measuring every word in cells (wide and zero-width characters)."""
    line = text[start:end]
    starts = [start]
    used = 0
    lead = len(line) - len(line.lstrip())
    used = cells(line[:lead])
    for match in _TOKEN.finditer(line, lead):
        word = match.group().rstrip()
        word_cells, space_cells = cells(word), cells(match.group()) - cells(word)
        at = start + match.start()
        if used and used + word_cells > width:
            starts.append(at)
            used = 0
        while word_cells > width:  # a run with no space to break at: cut it by cells
            taken, offset = 0, at
            while offset < at + len(word) and taken + get_character_cell_size(text[offset]) <= width:
                taken += get_character_cell_size(text[offset])
                offset += 1
            offset = max(offset, at + 1)
            starts.append(offset)
            word = text[offset:at + len(word)]
            at, word_cells = offset, cells(word)
        used += word_cells + space_cells
    return starts


def _header_lines(text: str, line_starts: Sequence[int], turns: Sequence[UnitInfo]) -> dict[int, UnitInfo]:
    """The line (by its start offset) before which each turn's header goes: the line of the
    label, which is the turn's own line or, for a label standing alone, the line above."""
    headers: dict[int, UnitInfo] = {}
    previous_end = 0
    for turn in turns:
        index = bisect_right(line_starts, turn.start) - 1
        line_start = line_starts[index]
        if index > 0 and not text[line_start:turn.start].strip():
            above = line_starts[index - 1]
            label = text[above:line_start - 1].strip()
            if label and len(label) <= 80 and above >= previous_end:
                line_start = above
        headers.setdefault(line_start, turn)
        previous_end = turn.end
    return headers


class Layout:
    """Rows of a text at a width, and the mapping between offsets and (row, column)."""

    def __init__(self, text: str, turns: Sequence[UnitInfo], width: int) -> None:
        self.text = text
        self.width = max(8, width)
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        headers = _header_lines(text, starts, turns)
        self.labels = [(next_start, turn.start) for next_start, turn in headers.items()
                       if next_start < turn.start]
        rows: list[Row] = []
        for number, line_start in enumerate(starts, 1):
            line_end = starts[number] - 1 if number < len(starts) else len(text)
            if line_start in headers:
                rows.append(Row(line_start, line_start, header=headers[line_start]))
            pieces = _wrap_line(text, line_start, line_end, self.width)
            for i, piece in enumerate(pieces):
                last = i == len(pieces) - 1
                rows.append(Row(piece, line_end if last else pieces[i + 1],
                                number if i == 0 else None, last))
        self.rows = rows
        self._text_rows = [i for i, r in enumerate(rows) if r.header is None]
        self._starts = [rows[i].start for i in self._text_rows]

    def row_of(self, offset: int) -> int:
        """The index (into `rows`) of the text row holding `offset`."""
        index = bisect_right(self._starts, max(0, min(offset, len(self.text)))) - 1
        return self._text_rows[max(0, index)]

    def column_of(self, offset: int) -> int:
        row = self.rows[self.row_of(offset)]
        return cells(self.text[row.start:offset])

    def last_place(self, index: int) -> int:
        """The rightmost cursor place on a text row: its line's end, or the last character of a
        wrapped row (the next row starts right after it)."""
        row = self.rows[index]
        return row.end if row.last or row.end == row.start else row.end - 1

    def offset_at(self, index: int, column: int) -> int:
        """The cursor place on row `index` nearest to `column` (a header row: the next text row)."""
        while self.rows[index].header is not None and index + 1 < len(self.rows):
            index += 1
        row = self.rows[index]
        offset, used = row.start, 0
        limit = self.last_place(index)
        while offset < limit:
            size = get_character_cell_size(self.text[offset])
            if used + size > column:
                break
            used += size
            offset += 1
        return offset

    def text_row(self, index: int, step: int) -> int | None:
        """The next text row from `index` in direction `step` (+1/-1), skipping headers."""
        index += step
        while 0 <= index < len(self.rows):
            if self.rows[index].header is None:
                return index
            index += step
        return None
