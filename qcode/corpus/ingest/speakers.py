"""Speaker turns in plain transcript text, and the header block above them.

Readers of text-like formats (txt, md, docx, odt, rtf, pdf) produce the document text and
call `parse_turns`. Labels stay as written and a Turn's span covers the speech after its
label, through the last paragraph before the next label. The one change to the text: where a
machine transcript labels every segment (`00:00:09 Speaker 1` over each paragraph), the label
of a segment that continues the same speaker's turn is left out, and reported as removed.

A line only opens a turn when the whole document backs it up: the label recurs, or looks
like a role (Interviewer, Speaker 2, I, R), or the document is clearly labelled and this
label has the same shape as the others. That is what keeps "Note: ..." in prose or a
wrapped line "Cairo University- The School" from becoming a speaker; `focus.py` adds the
rules for focus groups (titles, legends, a moderator who speaks in capitals).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from qcode.corpus.ingest.base import AUTO, Removal, SpeakerPolicy, Turn
from qcode.corpus.ingest.focus import capitals_as_moderator, drop_titles_and_legends
from qcode.corpus.ingest.header import header_block
from qcode.corpus.ingest.labels import (
    HEADING_LINE,
    MARKER_LINE,
    Candidate,
    is_code,
    is_pure_metadata,
    is_role,
    label_key,
    parse_candidate,
)
from qcode.corpus.ingest.lines import Lines
from qcode.corpus.text import count_words

_PREAMBLE_KEEP = 10  # at most this many untagged lines above the first turn form a header
_STAMPED = 0.9  # share of labels with a timestamp that marks a machine (diarised) transcript
NO_LABELS = "no speaker labels"


@dataclass
class TurnParse:
    """What `parse_turns` found: the (possibly shortened) text, its turns and header."""

    text: str
    turns: list[Turn]
    metadata: dict[str, Any]
    convention: str = NO_LABELS
    rules: list[str] = field(default_factory=list)
    removed: dict[str, Removal] = field(default_factory=dict)


def parse_turns(text: str, policy: SpeakerPolicy = AUTO, *, markdown: bool = False) -> TurnParse:
    """Speaker turns of a normalised transcript text, and metadata from its header.

    `markdown`: `#` headings are section markers that end a turn and are nobody's speech.
    """
    lines = Lines.of(text)
    sections = {i for i in range(len(lines)) if HEADING_LINE.match(lines.line(i))} if markdown else set()
    found = {
        i: cand
        for i in range(len(lines))
        if i not in sections and (cand := parse_candidate(lines.line(i))) is not None
    }
    recurring = {k for k, n in Counter(c.key for c in found.values()).items() if n >= 2}
    header, metadata = header_block(lines, recurring)
    candidates = {i: c for i, c in found.items() if i not in header}
    result = TurnParse(text, [], metadata)
    if policy.mode == "none":
        result.convention = "no speakers (--speakers none)"
        return result
    if policy.mode == "list":
        wanted = {label_key(label) for label in policy.labels}
        accepted = {i: c for i, c in candidates.items() if c.key in wanted}
        result.convention = "labels given with --speakers"
    else:
        accepted = _trusted(drop_titles_and_legends(lines, candidates, metadata, result.rules))
        result.convention = describe(accepted.values())
        accepted.update(capitals_as_moderator(lines, accepted, sections, result.rules))
    opened = _build_turns(lines, dict(sorted(accepted.items())), sections)
    if opened:
        _preamble(lines, opened[0][0], header, metadata)
    if policy.mode == "auto" and _segmented(accepted.values()):
        return _merge_repeated(result, lines, opened)
    result.turns = [turn for _, turn in opened]
    return result


def _preamble(lines: Lines, first_label: int, header: set[int], metadata: dict[str, Any]) -> None:
    """A short title block above the first turn is a header; pages of untagged text before the
    first label are content, and metadata must stay small."""
    preamble = [lines.line(i).strip() for i in range(first_label) if i not in header and not lines.blank(i)]
    if 0 < len(preamble) <= _PREAMBLE_KEEP and max(map(len, preamble)) <= 200:
        metadata["header"] = preamble


def describe(accepted: Any) -> str:
    """The labelling convention of these accepted labels, in words, for the import summary."""
    cands: list[Candidate] = list(accepted)
    if not cands:
        return NO_LABELS
    style = Counter(c.style for c in cands).most_common(1)[0][0]
    if style == "ts":
        name = "timestamp and speaker on a line of their own"
    elif style == "bracket":
        name = "[Name] labels"
    elif style in ("dash", "tab"):
        name = "Name - labels" if style == "dash" else "Name<TAB> labels"
    elif sum(is_code(c.label) for c in cands) * 2 >= len(cands):
        name = "code labels (M7:)"
    elif all(c.label.isupper() for c in cands):
        name = "NAME: labels"
    else:
        name = "Name: labels"
    if style != "ts" and sum(c.speech < 0 for c in cands) * 2 > len(cands):
        name += " on their own line"
    if _stamped(cands):
        name += ", with timestamps"
    return name


def _segmented(cands: Any) -> bool:
    """A machine transcript that labels every segment: timestamps on (nearly) every label, in
    the layouts diarisation exports use (`00:00:03 Speaker 1` over the text, `[Speaker 1]
    [00:17] text`). A transcriber's `[00:14:56] Name: text` keeps each label as a turn."""
    values = list(cands)
    styles = Counter(c.style for c in values)
    return _stamped(values) and bool(styles) and styles.most_common(1)[0][0] in ("ts", "bracket")


def _stamped(cands: Any) -> bool:
    values = list(cands)
    return bool(values) and sum(1 for c in values if c.timestamp) >= _STAMPED * len(values)


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
    return _run_in_labels(dict(sorted(accepted.items())))


def _run_in_labels(accepted: dict[int, Candidate]) -> dict[int, Candidate]:
    """A one-off label that ends with a speaker's label used before it is that speaker, with
    other text run into the label (`P1 Interaction Participant:` in a table of segments).
    People are introduced by their full name first (`CRAIG BREADEN:`, then `BREADEN:`), so a
    longer label before the short one stays a name of its own."""
    counts = Counter(c.key for c in accepted.values())
    first_use: dict[str, int] = {}
    for i, c in accepted.items():
        first_use.setdefault(c.key, i)
    result = {}
    for i, c in accepted.items():
        words = c.label.split()
        tail = label_key(words[-1]) if len(words) > 1 else ""
        if counts[c.key] == 1 and counts[tail] >= 2 and first_use[tail] < i:
            c = replace(c, label=accepted[first_use[tail]].label)
        result[i] = c
    return result


def _caps_label(label: str) -> bool:
    return label.isupper() and sum(ch.isalpha() for ch in label) >= 2


# --- turns -------------------------------------------------------------------------------------


def _build_turns(lines: Lines, accepted: dict[int, Candidate], sections: set[int]) -> list[tuple[int, Turn]]:
    """(label line, turn) for every accepted label that has speech after it. A turn ends at the
    next label or section heading."""
    bounds = sorted(set(accepted) | sections)
    opened: list[tuple[int, Turn]] = []
    names: dict[str, str] = {}  # key -> display form first seen
    for n, i in enumerate(bounds):
        if i not in accepted:
            continue
        stop = bounds[n + 1] if n + 1 < len(bounds) else len(lines)
        span = _span(lines, i, stop, accepted[i])
        if span is None:
            continue
        cand = accepted[i]
        speaker = names.setdefault(cand.key, cand.label)
        opened.append((i, Turn(span[0], span[1], speaker, cand.timestamp)))
    return opened


def _span(lines: Lines, i: int, stop: int, cand: Candidate) -> tuple[int, int] | None:
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


# --- machine transcripts: one label per segment ------------------------------------------------


def _merge_repeated(result: TurnParse, lines: Lines, opened: list[tuple[int, Turn]]) -> TurnParse:
    """Consecutive segments of one speaker form one turn; the later segments' labels go.

    Diarised exports (Word and Teams Transcribe, `[Speaker 1] [00:17] text` lines) label every
    segment of a few seconds, so a repeated label continues the turn, as a repeated voice tag
    does in captions. The turn keeps its first segment's timestamp.
    """
    text = lines.text
    cuts: list[tuple[int, int]] = []
    merged: list[tuple[int, Turn]] = []
    for line, turn in opened:
        if merged and label_key(merged[-1][1].speaker or "") == label_key(turn.speaker or ""):
            first_line, previous = merged[-1]
            cuts.append((lines.starts[line], turn.start))
            merged[-1] = (first_line, Turn(previous.start, turn.end, previous.speaker, previous.timestamp))
        else:
            merged.append((line, turn))
    if not cuts:
        result.turns = [turn for _, turn in opened]
        return result
    removed = [text[a:b] for a, b in cuts]
    result.removed["repeated speaker labels"] = Removal(
        len(cuts), sum(map(len, removed)), sum(map(count_words, removed))
    )
    result.rules.append(f"merged {len(cuts)} repeated labels")
    keep_from = [0] + [b for _, b in cuts]
    keep_to = [a for a, _ in cuts] + [len(text)]
    result.text = "".join(text[a:b] for a, b in zip(keep_from, keep_to, strict=True))
    result.turns = [_shift(turn, cuts) for _, turn in merged]
    return result


def _shift(turn: Turn, cuts: list[tuple[int, int]]) -> Turn:
    """The turn's offsets after the `cuts` (sorted, none inside the turn's ends) are removed."""
    ends = [b for _, b in cuts]
    sizes = [0]
    for a, b in cuts:
        sizes.append(sizes[-1] + b - a)

    def moved(offset: int) -> int:
        return offset - sizes[bisect_right(ends, offset)]

    return Turn(moved(turn.start), moved(turn.end), turn.speaker, turn.timestamp)
