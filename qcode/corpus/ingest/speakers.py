"""Speaker turns in plain transcript text, and the header block above them.

Readers of text-like formats (txt, md, docx, odt, rtf, pdf) produce the document text and
call `parse_turns`. The text itself is never changed: labels stay as written and a Turn's
span covers the speech after its label, through the last paragraph before the next label.

A line only opens a turn when the whole document backs it up: the label recurs, or looks
like a role (Interviewer, Speaker 2, I, R), or the document is clearly labelled and this
label has the same shape as the others. That is what keeps "Note: ..." in prose or a
wrapped line "Cairo University- The School" from becoming a speaker.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from qcode.corpus.ingest.base import Turn
from qcode.corpus.ingest.labels import (
    MARKER_LINE,
    METADATA_ROLES,
    Candidate,
    clean_label,
    is_name_like,
    is_pure_metadata,
    is_role,
    key_value,
    label_key,
    parse_candidate,
)

_HEADER_LINES = 40  # a header block starts within this many lines of the top
_PREAMBLE_KEEP = 10  # at most this many untagged lines above the first turn form a header


@dataclass
class _Lines:
    text: str
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> _Lines:
        lines = cls(text)
        pos = 0
        for line in text.split("\n"):
            lines.starts.append(pos)
            lines.ends.append(pos + len(line))
            pos += len(line) + 1
        return lines

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, i: int) -> str:
        return self.text[self.starts[i] : self.ends[i]]

    def blank(self, i: int) -> bool:
        return not self.line(i).strip()


def parse_turns(text: str) -> tuple[list[Turn], dict[str, Any]]:
    """Speaker turns of a normalised transcript text, and metadata from its header."""
    lines = _Lines.of(text)
    found = {i: cand for i in range(len(lines)) if (cand := parse_candidate(lines.line(i))) is not None}
    recurring = {k for k, n in Counter(c.key for c in found.values()).items() if n >= 2}
    header, metadata = _header(lines, recurring)
    candidates = {i: c for i, c in found.items() if i not in header}
    opened = _build_turns(lines, _trusted(candidates))
    if opened:
        first_label = opened[0][0]
        preamble = [
            lines.line(i).strip() for i in range(first_label) if i not in header and not lines.blank(i)
        ]
        # A short title block is a header; pages of untagged text before the first label
        # are content, and metadata must stay small.
        if 0 < len(preamble) <= _PREAMBLE_KEEP and max(map(len, preamble)) <= 200:
            metadata["header"] = preamble
    return [turn for _, turn in opened], metadata


# --- header block --------------------------------------------------------------------------


def _paragraphs(lines: _Lines, limit: int) -> list[list[int]]:
    """Runs of non-blank line indices among the first `limit` lines."""
    paras: list[list[int]] = []
    current: list[int] = []
    for i in range(min(limit, len(lines))):
        if lines.blank(i):
            if current:
                paras.append(current)
            current = []
        else:
            current.append(i)
    if current:
        paras.append(current)
    return paras


def _header(lines: _Lines, recurring: set[str]) -> tuple[set[int], dict[str, Any]]:
    """Lines of the metadata block at the top (`Date:`, `Place:`, `Persons Present:`)."""
    header: set[int] = set()
    metadata: dict[str, Any] = {}
    for para in _paragraphs(lines, _HEADER_LINES):
        taken = _header_paragraph(lines, para, metadata, recurring)
        header.update(taken)
        if len(taken) < len(para) and _opens_turn(lines, para[len(taken) :]):
            break
    return header, metadata


def _opens_turn(lines: _Lines, rest: list[int]) -> bool:
    return any(parse_candidate(lines.line(i)) for i in rest)


def _header_paragraph(
    lines: _Lines, para: list[int], metadata: dict[str, Any], recurring: set[str]
) -> list[int]:
    """The leading lines of `para` that are metadata; fills `metadata` with them.

    A paragraph is a header when it has a key that is never a speaker (Date, Place) or
    names two people by role (Interviewer: Jane Doe / Narrator: John Roe).
    """
    pairs = [key_value(lines.line(i)) for i in para]
    keys = [kv[0] for kv in pairs if kv]
    pure = any(is_pure_metadata(k) for k in keys)
    roles = [kv for kv in pairs if kv and _metadata_role(*kv)]
    if not pure and len(roles) < 2:
        return []
    taken: list[int] = []
    last_key: str | None = None
    for i, kv in zip(para, pairs, strict=True):
        if kv and _is_metadata_line(kv[0], kv[1], recurring):
            last_key = kv[0]
            _add(metadata, last_key, kv[1].strip())
        elif kv is None and last_key is not None:
            _add(metadata, last_key, lines.line(i).strip())  # wrapped value or legend row
        else:
            break
        taken.append(i)
    return taken


def _is_metadata_line(key: str, value: str, recurring: set[str]) -> bool:
    if is_pure_metadata(key):
        return len(value.split()) <= 12
    if _metadata_role(key, value):
        return True
    if key.casefold() in METADATA_ROLES:  # "Interviewee: P3" beside "Date:", not speech
        return len(value.split()) <= 3 and value.rstrip()[-1:] not in (".", "?", "!")
    # Other keys ("Prof.: Kim Fox") count when they cannot be a speaker of this document.
    return not is_role(key) and label_key(key) not in recurring and not _speech_like(value)


def _metadata_role(key: str, value: str) -> bool:
    return key.casefold() in METADATA_ROLES and is_name_like(value)


def _speech_like(value: str) -> bool:
    return len(value.split()) > 6 or value.rstrip()[-1:] in ("?", "!")


def _add(metadata: dict[str, Any], key: str, value: str) -> None:
    if not value:
        metadata.setdefault(key, "")
    elif metadata.get(key):
        metadata[key] = f"{metadata[key]}\n{value}"
    else:
        metadata[key] = value


# --- which labels to trust -------------------------------------------------------------------


def _trusted(candidates: dict[int, Candidate]) -> dict[int, Candidate]:
    """The candidates that really open turns (see the module docstring)."""
    counts = Counter(c.key for c in candidates.values())
    strong = {
        i: c
        for i, c in candidates.items()
        if (counts[c.key] >= 2 or is_role(c.label)) and not is_pure_metadata(c.label)
    }
    if not strong:
        return {}
    styles = Counter(c.style for c in strong.values())
    dominant = styles.most_common(1)[0][0]
    style_counts = Counter((c.style, c.key) for c in strong.values())
    # Outside the document's main label style only labels that recur in that style count:
    # "I -- I know" in a transcript of "NAME:" labels is speech, not speaker I.
    accepted = {i: c for i, c in strong.items() if c.style == dominant or style_counts[c.style, c.key] >= 2}
    keys = {c.key for c in accepted.values()}
    labels = [c.label for c in accepted.values() if c.style != "bracket"]
    all_caps = bool(labels) and all(label.isupper() for label in labels)
    # A one-off label joins when it has the document's label shape: same separator, and
    # capitals if the others are capitals, or a timestamp if the others all carry one. With a
    # single trusted speaker so far, only capitals or timestamps are distinctive enough
    # ("ROMNEY:" next to "LEHRER:"; "[00:00:05] [Jon]" next to "[00:00:01] [Maria]").
    stamped = all(c.timestamp for c in accepted.values())
    for i, c in candidates.items():
        if i in accepted or c.style != dominant or is_pure_metadata(c.label):
            continue
        if stamped and c.timestamp:
            accepted[i] = c
        elif c.style in ("bracket", "tab") or not (len(keys) >= 2 or all_caps):
            continue
        elif not all_caps or _caps_label(c.label):
            accepted[i] = c
    return dict(sorted(accepted.items()))


def _caps_label(label: str) -> bool:
    return label.isupper() and sum(ch.isalpha() for ch in label) >= 2


# --- turns -------------------------------------------------------------------------------------


def _build_turns(lines: _Lines, accepted: dict[int, Candidate]) -> list[tuple[int, Turn]]:
    """(label line, turn) for every accepted label that has speech after it."""
    starts = sorted(accepted)
    opened: list[tuple[int, Turn]] = []
    names: dict[str, str] = {}  # key -> display form first seen
    for n, i in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(lines)
        span = _span(lines, i, stop, accepted[i])
        if span is None:
            continue
        cand = accepted[i]
        speaker = names.setdefault(cand.key, cand.label)
        opened.append((i, Turn(span[0], span[1], speaker, cand.timestamp)))
    return opened


def _span(lines: _Lines, i: int, stop: int, cand: Candidate) -> tuple[int, int] | None:
    """Speech of the turn opened on line `i`, up to (not including) line `stop`."""
    if cand.speech >= 0:
        first = i
        start = lines.starts[i] + cand.speech
    else:
        first = next((j for j in range(i + 1, stop) if not lines.blank(j)), stop)
        if first >= stop:
            return None  # a label with no speech before the next label
        line = lines.line(first)
        start = lines.starts[first] + len(line) - len(line.lstrip())
    last = stop - 1
    # Trailing blank lines and bracketed markers such as "(CROSSTALK)" on their own line
    # sit between two turns; they belong to neither speaker.
    while last > first and (lines.blank(last) or MARKER_LINE.match(lines.line(last))):
        last -= 1
    end = lines.starts[last] + len(lines.line(last).rstrip())
    return (start, end) if end > start else None


# --- aliases -----------------------------------------------------------------------------------


def merge_aliases(turns: list[Turn], aliases: dict[str, str] | None = None, auto: bool = False) -> list[Turn]:
    """Give turns of one person one speaker name.

    `aliases` maps a label (any case) to the name to use. With `auto`, a surname-only label
    joins the full-name label used before it (`BREADEN` -> `CRAIG BREADEN`), and a rare label
    one typo away from a more frequent one joins it (`BREADON` -> `BREADEN`); both rules
    compare case-insensitively and only fire when the target is unambiguous.
    """
    explicit = {label_key(k): clean_label(v) for k, v in (aliases or {}).items()}
    mapping: dict[str, str] = {}
    if auto:
        mapping = _auto_aliases([t.speaker for t in turns if t.speaker])
    result: list[Turn] = []
    for turn in turns:
        if turn.speaker is None:
            result.append(turn)
            continue
        key = label_key(turn.speaker)
        name = explicit.get(key) or mapping.get(key) or turn.speaker
        name = explicit.get(label_key(name), name)
        result.append(replace(turn, speaker=name) if name != turn.speaker else turn)
    return result


def _auto_aliases(speakers: list[str]) -> dict[str, str]:
    counts = Counter(label_key(s) for s in speakers)
    display: dict[str, str] = {}
    for s in speakers:
        display.setdefault(label_key(s), s)
    order = list(display)  # keys in order of first use
    target: dict[str, str] = {}
    for n, key in enumerate(order):
        earlier = [k for k in order[:n] if " " in k and k.split()[-1] == key]
        if " " not in key and len(earlier) == 1:
            target[key] = earlier[0]
    for key in order:
        if key in target or len(key) < 6:
            continue
        near = [k for k in order if counts[k] > counts[key] and _typo(k, key)]
        if len(near) == 1 and counts[key] <= max(2, counts[near[0]] // 5):
            target[key] = near[0]
    return {key: display[_resolve(key, target)] for key in order if key in target}


def _resolve(key: str, target: dict[str, str]) -> str:
    seen = {key}
    while key in target and target[key] not in seen:
        key = target[key]
        seen.add(key)
    return key


def _typo(a: str, b: str) -> bool:
    """`breadon` for `breaden`: one word differs by one edit; that word is a real name
    (4+ letters), not a number or letter that tells people apart (Speaker 2, Interviewer B)."""
    words_a, words_b = a.split(), b.split()
    if len(words_a) != len(words_b):
        return False
    pairs = [(x, y) for x, y in zip(words_a, words_b, strict=True) if x != y]
    if len(pairs) != 1:
        return False
    x, y = pairs[0]
    return min(len(x), len(y)) >= 4 and x.isalpha() and y.isalpha() and _one_edit(x, y)


def _one_edit(a: str, b: str) -> bool:
    """Levenshtein distance exactly 1, in linear time."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]
