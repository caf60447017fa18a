"""Pre-cut units of a document: speaker turns, paragraphs, sentences and lines.

Units are derived from the stored text and its turns only, never from the source file, so
the same document always gets the same unit numbers and citations stay valid (DESIGN.md
§3). Spans are `[start, end)` code-point offsets; every kind is numbered from 1.

- turn: the speech of each Turn, in text order.
- paragraph: a maximal run of non-blank lines; a turn's label line opens a new paragraph
  even without a blank line before it (PDF and caption layouts have none).
- sentence: within paragraphs, English and Serbian (Latin and Cyrillic) rules; a speaker
  label is not part of any sentence.
- line: every line as an editor numbers it, blank lines included; spans exclude the `\\n`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from qcode.corpus.ingest.base import Turn

KINDS = ("turn", "paragraph", "sentence", "line")


@dataclass(frozen=True, slots=True)
class Unit:
    kind: str
    number: int
    start: int
    end: int
    speaker: str | None
    timestamp: str | None


# --- lines ---------------------------------------------------------------------------------


def line_starts(text: str) -> list[int]:
    """Offset where each line starts; line N (1-based) starts at `line_starts(text)[N-1]`."""
    starts = [0]
    starts.extend(accumulate(len(line) + 1 for line in text.split("\n")))
    starts.pop()  # the position after the last line is not a line
    return starts


class LineIndex:
    """Offset -> line number in O(log n), for mapping many spans of one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = line_starts(text)

    def line_of(self, offset: int) -> int:
        """1-based line containing `offset` (an offset at a `\\n` belongs to its line)."""
        return max(1, bisect_right(self.starts, offset))

    def span(self, number: int) -> tuple[int, int]:
        """`[start, end)` of line `number`, without its newline."""
        start = self.starts[number - 1]
        if number < len(self.starts):
            return start, self.starts[number] - 1
        return start, len(self.text)


def line_of(text: str, offset: int) -> int:
    """1-based line number of `offset` in `text`. Use LineIndex for many lookups."""
    return text.count("\n", 0, max(0, offset)) + 1


# --- who is speaking where -----------------------------------------------------------------


class _Owners:
    """Which turn a position belongs to, counting a turn's label line as part of it."""

    def __init__(self, text: str, lines: LineIndex, turns: list[Turn]) -> None:
        self.turns = sorted(turns, key=lambda t: (t.start, t.end))
        self.starts: list[int] = []
        previous_end = 0
        for turn in self.turns:
            self.starts.append(_label_start(text, lines, turn, previous_end))
            previous_end = turn.end

    def at(self, offset: int) -> Turn | None:
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.turns[i].end:
            return self.turns[i]
        return None


def _label_start(text: str, lines: LineIndex, turn: Turn, previous_end: int) -> int:
    """Start of the line holding the turn's label: its own line, or the line above when the
    label stands alone ("Dan:" / speech below). Inferred from the text so that units can be
    recomputed from stored data alone."""
    number = lines.line_of(turn.start)
    start = lines.starts[number - 1]
    if text[start : turn.start].strip() or number == 1:
        return start
    above_start, above_end = lines.span(number - 1)
    above = text[above_start:above_end].strip()
    if above and len(above) <= 80 and above_start >= previous_end:
        return above_start
    return start


# --- paragraphs and sentences --------------------------------------------------------------

_RUN = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")
# A run of end punctuation and closing quotes, then space; group 1 is the next visible
# character, which must open a sentence (checked in Python: str.isupper knows Cyrillic).
# (Starting with a character class lets the regex engine scan fast.)
_END = re.compile(r"[.?!…]+[\"'”’»)\]]*(?=\s+(\S))")
_OPENERS = "\"'“‘«„([¿¡"
_ABBREVIATIONS = frozenset(
    str.split(
        """dr mr mrs ms prof st jr sr vs inc ltd co corp no nos fig approx dept est gov gen col
    lt sgt capt rev hon mt ave blvd rd jan feb mar apr jun jul aug sep sept oct nov dec vol
    pp ch cf al viz resp ca
    npr tj itd itsl sl g god str č br ul tzv odn gdin gđa gđica gosp sv tel mob dipl ing inž
    doc akad mil mlrd hilj tis kom km cm mm kg min sek
    нпр тј итд итсл сл г год стр ч бр ул тзв одн др мр проф доц инж дипл мил млрд тел св"""
    )
)


def _paragraphs(text: str, breaks: list[int]) -> list[tuple[int, int]]:
    """Trimmed spans of runs of non-blank lines, also cut at each turn's label line."""
    spans: list[tuple[int, int]] = []
    for match in _RUN.finditer(text):
        start, end = match.span()
        first = bisect_right(breaks, start)
        last = bisect_right(breaks, end - 1)
        for cut in [*breaks[first:last], end]:
            if cut > start:
                spans.append(_trim(text, start, cut))
            start = cut
    return [s for s in spans if s[1] > s[0]]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """`[start, end)` less the whitespace at both ends (`start, start` when nothing is left).
    Stepping over it in place: a piece has a space or two there, and copying it to strip would
    cost more (this runs for every unit)."""
    first, last = start, end
    while first < last and text[first].isspace():
        first += 1
    if first == last:
        return start, start
    while text[last - 1].isspace():
        last -= 1
    return first, last


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end] (one paragraph, or the speech part of it)."""
    spans: list[tuple[int, int]] = []
    begin = start
    for match in _END.finditer(text, start, end):
        following = match.group(1)
        if not (following.isupper() or following.isdigit() or following in _OPENERS):
            continue
        dot, stop = match.span()
        # A single period (not `..`) may end an abbreviation; the lookahead leaves a character
        # after it, so `dot + 1` is inside the text.
        if text[dot] == "." and text[dot + 1] != "." and _abbreviation(text, begin, dot):
            continue
        spans.append(_trim(text, begin, stop))
        begin = stop
    spans.append(_trim(text, begin, end))
    return [s for s in spans if s[1] > s[0]]


def _abbreviation(text: str, begin: int, dot: int) -> bool:
    """Is the word before the period at `dot` an abbreviation, an initial or `d.o.o`?"""
    pos = dot
    while pos > begin and dot - pos < 24 and (text[pos - 1].isalnum() or text[pos - 1] == "."):
        pos -= 1
    word = text[pos:dot]
    if not word:
        return False
    if "." in word.strip("."):  # e.g, i.e, d.o.o, U.S
        return True
    if len(word) == 1 and word.isalpha() and word.isupper():  # J. Smith
        return True
    return word.casefold() in _ABBREVIATIONS


# --- all units -----------------------------------------------------------------------------


# One unit as a plain tuple, in `Unit`'s field order: what storing a document inserts.
UnitRow = tuple[str, int, int, int, str | None, str | None]


def segment(text: str, turns: list[Turn]) -> list[Unit]:
    """All units of a document: turns, then paragraphs, sentences and lines, each from 1."""
    return [Unit(*row) for row in segment_rows(text, turns)]


def segment_rows(text: str, turns: list[Turn]) -> list[UnitRow]:
    """`segment` as tuples `(kind, number, start, end, speaker, timestamp)`: an import stores
    tens of thousands of units, and building an object for each would cost more than the rest."""
    lines = LineIndex(text)
    owners = _Owners(text, lines, turns)
    rows: list[UnitRow] = []
    for number, turn in enumerate(owners.turns, 1):
        start, end = _trim(text, turn.start, turn.end)
        rows.append(("turn", number, start, end, turn.speaker, turn.timestamp))
    paragraphs = _paragraphs(text, owners.starts)
    _add_rows(rows, owners, "paragraph", paragraphs)
    sentences = [s for p in paragraphs for s in _sentences(text, *_speech(owners, p))]
    _add_rows(rows, owners, "sentence", sentences)
    _add_rows(rows, owners, "line", [lines.span(n) for n in range(1, len(lines.starts) + 1)])
    return rows


def _add_rows(rows: list[UnitRow], owners: _Owners, kind: str, spans: list[tuple[int, int]]) -> None:
    """Number `spans` from 1 as units of `kind`, each with the speaker of the turn it starts in
    (`_Owners.at`, inlined: it runs once per unit)."""
    starts = owners.starts
    who = [(t.end, t.speaker, t.timestamp) for t in owners.turns]
    for number, (start, end) in enumerate(spans, 1):
        i = bisect_right(starts, start) - 1
        if i >= 0 and start < who[i][0]:
            rows.append((kind, number, start, end, who[i][1], who[i][2]))
        else:
            rows.append((kind, number, start, end, None, None))


def _speech(owners: _Owners, paragraph: tuple[int, int]) -> tuple[int, int]:
    """The part of a paragraph that is speech: after the label if the paragraph has one."""
    start, end = paragraph
    turn = owners.at(start)
    if turn is not None and start < turn.start:
        return min(turn.start, end), end
    return start, end
