"""Text positions in REFI-QDA files: which counting rule a file follows, and what its positions
mean in qcode's stored text.

The standard (§10.2) counts Unicode code points from 0, end exclusive. NVivo counts UTF-16 code
units instead (a character beyond the Basic Multilingual Plane, such as an emoji, counts 2),
counts a CRLF as the two characters it is, and leaves a BOM out; ATLAS.ti is reported to count a
CRLF as one. The source's text is read from its bytes (never through universal newlines), with
any BOM dropped, and then:

1. `detect` chooses the rule under which the file's selections make sense: every boundary
   inside the text, no boundary splitting a character or a CRLF, selection names that quote
   the text (ATLAS.ti and qcode write them) starting where the selection starts, and
   boundaries between words rather than inside them. Where the texts have no CRLF and no
   character beyond the BMP, every rule gives the same answer and none needs choosing.
2. `SourceText.index` turns a position under that rule into an index of the text as stored in
   the file, and `Normalised.position` carries it into qcode's normalised text (NFC, `\\n`
   newlines, no BOM or NUL, no trailing space), so a coding covers exactly the characters its
   author selected.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Rule:
    key: str
    utf16: bool  # units are UTF-16 code units, not code points
    crlf_one: bool  # a CRLF pair counts as one

    def label(self, *, crlf: bool) -> str:
        units = "UTF-16 code units" if self.utf16 else "Unicode code points"
        if not crlf:
            return units
        return f"{units}, CRLF counted as {'one' if self.crlf_one else 'two'}"


CODEPOINTS = Rule("codepoints", utf16=False, crlf_one=False)
UTF16 = Rule("utf16", utf16=True, crlf_one=False)
CODEPOINTS_CRLF1 = Rule("codepoints-crlf1", utf16=False, crlf_one=True)
UTF16_CRLF1 = Rule("utf16-crlf1", utf16=True, crlf_one=True)
RULES = (CODEPOINTS, UTF16, CODEPOINTS_CRLF1, UTF16_CRLF1)


class SourceText:
    """A source's text as its file stores it (BOM removed, CRLF kept), indexed under each rule."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.crlf = [m.start() for m in re.finditer("\r\n", raw)]
        # Where each CRLF sits once the pairs before it are counted as one character.
        self.collapsed = [at - n for n, at in enumerate(self.crlf)]

    @cached_property
    def lf(self) -> str:
        return self.raw.replace("\r\n", "\n") if self.crlf else self.raw

    @cached_property
    def astral(self) -> tuple[list[int], list[int]]:
        """For the stored text and its CRLF-as-one form: where each astral character's units end."""
        raw = [m.start() + n + 2 for n, m in enumerate(_ASTRAL.finditer(self.raw))]
        lf = raw if not self.crlf else [m.start() + n + 2 for n, m in enumerate(_ASTRAL.finditer(self.lf))]
        return raw, lf

    def length(self, rule: Rule) -> int:
        """The text's length counted under `rule`."""
        size = len(self.lf if rule.crlf_one else self.raw)
        return size + len(self.astral[1 if rule.crlf_one else 0]) if rule.utf16 else size

    @property
    def has_astral(self) -> bool:
        return bool(self.astral[0])

    def index(self, position: int, rule: Rule) -> int | None:
        """The index in `raw` of a position counted under `rule`; None when the position lies
        outside the text or inside a character (between the two halves of a UTF-16 pair)."""
        text = self.lf if rule.crlf_one else self.raw
        index: int | None = position
        if rule.utf16:
            index = _from_units(position, self.astral[1 if rule.crlf_one else 0])
        if index is None or index < 0 or index > len(text):
            return None
        if rule.crlf_one:
            index += bisect.bisect_left(self.collapsed, index)
        return index


def _from_units(position: int, ends: list[int]) -> int | None:
    """Code-point index of a UTF-16 unit offset; `ends[n]` is where astral character n's two
    units end. None for an offset between the two units of one character."""
    before = bisect.bisect_right(ends, position)
    if before < len(ends) and ends[before] - 1 == position:
        return None
    return position - before


# --- the normalised text and where positions go in it ------------------------------------------


class OffsetMap:
    """Positions of a string to positions of an edited copy; `edits` are (source start, source
    end, copy start, copy end) of each replaced stretch, in order. A position inside a replaced
    stretch goes to the replacement's start (for a start) or end (for an end)."""

    def __init__(self, edits: list[tuple[int, int, int, int]]) -> None:
        self.edits = edits
        self.ends = [edit[1] for edit in edits]

    def __call__(self, position: int, end: bool) -> int:
        k = bisect.bisect_right(self.ends, position)
        if k < len(self.edits):
            s0, s1, d0, d1 = self.edits[k]
            if s0 < position < s1:
                return d1 if end else d0
        if k == 0:
            return position
        _s0, s1, _d0, d1 = self.edits[k - 1]
        return d1 + (position - s1)


def _substitute(
    text: str, pattern: re.Pattern[str], replacement: Callable[[str], str]
) -> tuple[str, OffsetMap]:
    parts: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    last = size = 0
    for match in pattern.finditer(text):
        parts.append(text[last : match.start()])
        size += match.start() - last
        new = replacement(match.group())
        edits.append((match.start(), match.end(), size, size + len(new)))
        parts.append(new)
        size += len(new)
        last = match.end()
    parts.append(text[last:])
    return "".join(parts), OffsetMap(edits)


_REMOVED = re.compile("[\ufeff\x00]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")


def _nfc(text: str) -> tuple[str, OffsetMap]:
    """NFC with a map: composition never crosses a `\\n`, so only lines not yet in NFC are cut
    into the shortest pieces that normalise on their own."""
    if unicodedata.is_normalized("NFC", text):
        return text, OffsetMap([])
    parts: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    source = size = 0
    for line in text.split("\n"):
        pieces = [line] if unicodedata.is_normalized("NFC", line) else _pieces(line)
        for piece in pieces:
            new = unicodedata.normalize("NFC", piece)
            if new != piece:
                edits.append((source, source + len(piece), size, size + len(new)))
            parts.append(new)
            source, size = source + len(piece), size + len(new)
        parts.append("\n")
        source, size = source + 1, size + 1
    return "".join(parts)[:-1], OffsetMap(edits)


def _pieces(line: str) -> list[str]:
    starts = [i for i, ch in enumerate(line) if i == 0 or unicodedata.combining(ch) == 0]
    clusters = [line[a:b] for a, b in zip(starts, [*starts[1:], len(line)], strict=True)]
    pieces: list[str] = []
    buffer = ""
    for cluster in clusters:
        nfc = unicodedata.normalize
        if buffer and nfc("NFC", buffer + cluster) == nfc("NFC", buffer) + nfc("NFC", cluster):
            pieces.append(buffer)
            buffer = cluster
        else:
            buffer += cluster
    if buffer:
        pieces.append(buffer)
    return pieces


@dataclass(frozen=True)
class Normalised:
    """qcode's stored form of a source's text, and where each raw index lands in it."""

    text: str
    maps: tuple[OffsetMap, ...]

    def position(self, index: int, *, end: bool) -> int:
        for step in self.maps:
            index = step(index, end)
        return min(index, len(self.text))


def normalise_with_map(raw: str) -> Normalised:
    """The same text as `qcode.corpus.text.normalise(raw)`, with the map of every index."""
    from qcode.corpus.text import normalise

    step1, map1 = _substitute(raw, _REMOVED, lambda _s: "")
    step2, map2 = _substitute(step1, _LINE_BREAKS, lambda _s: "\n")
    step3, map3 = _nfc(step2)
    text = step3.rstrip()
    if text != normalise(raw):  # the two must describe one text; a change to either shows here
        raise AssertionError("normalise_with_map and normalise disagree")
    return Normalised(text, (map1, map2, map3))


# --- choosing the rule -------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One source's text and its selections (start, end, name) as the file gives them."""

    text: SourceText
    selections: Sequence[tuple[int, int, str | None]]


@dataclass(frozen=True)
class Detection:
    rule: Rule
    selections: int  # how many selections the choice was made from
    fitting: int  # of them, how many fit the rule chosen
    rivals: tuple[tuple[Rule, int], ...]  # other rules that read the texts differently, and their fits
    crlf: bool
    bom: bool

    def describe(self) -> str | None:
        """What was read and why; None when there were no selections to read."""
        if not self.selections:
            return None
        label = self.rule.label(crlf=self.crlf)
        bom = "; the BOM is not counted" if self.bom else ""
        if not self.rivals:
            return f"positions read as {label} (every counting rule reads these texts alike){bom}"
        best = max(self.rivals, key=lambda r: r[1])
        return (f"positions read as {label}: {self.fitting} of {self.selections} selections fit it, "
                f"{best[1]} fit {best[0].label(crlf=self.crlf)}{bom}")


def _preference(origin: str) -> tuple[Rule, ...]:
    lowered = origin.lower()
    if "nvivo" in lowered:
        return (UTF16, CODEPOINTS, UTF16_CRLF1, CODEPOINTS_CRLF1)
    if "atlas" in lowered:
        return (CODEPOINTS_CRLF1, CODEPOINTS, UTF16_CRLF1, UTF16)
    return RULES


def detect(samples: Sequence[Sample], origin: str, *, bom: bool = False) -> Detection:
    """The rule that makes the selections of these texts most consistent (ties: the one the
    producing tool is known for, else the standard)."""
    crlf = any(s.text.crlf for s in samples)
    astral = any(s.text.has_astral for s in samples)
    candidates = [r for r in _preference(origin) if (crlf or not r.crlf_one) and (astral or not r.utf16)]
    total = sum(len(s.selections) for s in samples)
    scores = {rule: _score(samples, rule) for rule in candidates}
    best = max(candidates, key=lambda r: (scores[r], -candidates.index(r)))
    rivals = tuple((r, scores[r][3]) for r in candidates if r != best)
    return Detection(best, total, scores[best][3], rivals, crlf, bom)


def _score(samples: Sequence[Sample], rule: Rule) -> tuple[int, int, int, int]:
    """(-selections that cannot be read, names quoted, clean boundaries, selections fitting)."""
    invalid = quoted = clean = fitting = 0
    for sample in samples:
        raw = sample.text.raw
        for start, end, name in sample.selections:
            first, last = sample.text.index(start, rule), sample.text.index(end, rule)
            if first is None or last is None or first > last:
                invalid += 1
                continue
            good = _clean(raw, first) + _clean(raw, last)
            quotes = _quotes(raw[first:last], name)
            clean += good
            quoted += quotes
            fitting += 1 if (good == 2 or quotes) else 0
    return -invalid, quoted, clean, fitting


def _clean(text: str, index: int) -> int:
    """1 when a boundary falls between words and not inside a CRLF."""
    if index <= 0 or index >= len(text):
        return 1
    before, after = text[index - 1], text[index]
    if before == "\r" and after == "\n":
        return 0
    return 0 if (before.isalnum() and after.isalnum()) else 1


def _quotes(selected: str, name: str | None) -> int:
    """1 when the selection's name is (the start of) the selected text, as ATLAS.ti and qcode
    name selections; names such as `line:6` never match and count for no rule."""
    if not name:
        return 0
    wanted = _SPACE.sub(" ", unicodedata.normalize("NFC", name.rstrip("…").strip()))
    if len(wanted) < 3:
        return 0
    have = _SPACE.sub(" ", unicodedata.normalize("NFC", selected.replace("\r\n", "\n"))).strip()
    return 1 if have.startswith(wanted) else 0


@dataclass(frozen=True)
class Converted:
    start: int
    end: int
    clamped: bool


def convert(text: SourceText, normalised: Normalised, rule: Rule, start: int, end: int) -> Converted | None:
    """A selection's span in the normalised text; clamped into the text when it runs outside
    it, None when reversed or empty once normalised."""
    if start > end:
        return None
    first, clamped_first = _index(text, rule, start, end=False)
    last, clamped_last = _index(text, rule, end, end=True)
    s, e = normalised.position(first, end=False), normalised.position(last, end=True)
    if s >= e:
        return None
    return Converted(s, e, clamped_first or clamped_last)


def _index(text: SourceText, rule: Rule, position: int, *, end: bool) -> tuple[int, bool]:
    wanted = min(max(position, 0), text.length(rule))
    found = text.index(wanted, rule)
    if found is None:  # between the two units of one character: take all of it
        found = text.index(wanted + (1 if end else -1), rule)
    assert found is not None
    return found, wanted != position
