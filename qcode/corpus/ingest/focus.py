"""Focus-group conventions: what is not a speaker there, and a moderator who speaks in capitals.

Focus-group transcripts label participants with codes (`M7:`, `H4:`, `P3:`), so a capitalised
line that is not a code (`GROUP 3: INDEPENDENTS`, a legend `M: Woman`) is a title or a legend.
Some survey institutes leave the moderator unlabelled and write the moderator's questions in
capitals between the participants' turns.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from qcode.corpus.ingest.labels import (
    MARKER_LINE,
    Candidate,
    is_code,
    is_moderator,
    parse_candidate,
)
from qcode.corpus.ingest.lines import Lines

_CODE_PREFIX = re.compile(r"^([^\W\d_]{1,3})\d")
_LEGEND_WORDS = 3  # "M: Woman", "P: Participante joven": a key, not speech
_TITLE_WORDS = 6
_CAPS_LETTERS = 6  # fewer capital letters than this ("OK.", "NO.") is not a question


def drop_titles_and_legends(
    lines: Lines, candidates: dict[int, Candidate], metadata: dict[str, Any], rules: list[str]
) -> dict[int, Candidate]:
    """Candidates without the one-off titles, legends and headings that only look like labels."""
    counts = Counter(c.key for c in candidates.values())
    codes = {c.key for c in candidates.values() if is_code(c.label) and counts[c.key] >= 2}
    coded = len(codes) >= 2
    prefixes = {m[1].casefold() for key in codes if (m := _CODE_PREFIX.match(key))}
    inline = sum(1 for c in candidates.values() if c.speech >= 0)
    mostly_inline = inline >= 0.8 * len(candidates) if candidates else False
    kept: dict[int, Candidate] = {}
    legend: list[str] = []
    titles = 0
    for i, cand in candidates.items():
        line = lines.line(i)
        rest = line[cand.speech :] if cand.speech >= 0 else ""
        if coded and cand.key in prefixes and _short(rest):
            legend.append(line.strip())
        elif counts[cand.key] == 1 and not is_moderator(cand.label) and (
            _capital_title(cand, rest)
            or (coded and not is_code(cand.label))
            or (mostly_inline and cand.speech < 0 and cand.style != "ts")
        ):
            titles += 1
        else:
            kept[i] = cand
    if legend:
        metadata["legend"] = legend
        rules.append(f"legend lines are not speakers ({len(legend)})")
    if titles:
        rules.append(f"one-off titles are not speakers ({titles})")
    return kept


def _short(rest: str) -> bool:
    words = rest.split()
    return 0 < len(words) <= _LEGEND_WORDS and rest.rstrip()[-1:] not in ".?!…"


def _capital_title(cand: Candidate, rest: str) -> bool:
    """`GROUP 3: INDEPENDENTS`: label and the rest of the line in capitals, a few words."""
    letters = [ch for ch in cand.label + rest if ch.isalpha()]
    return (
        len(rest.split()) <= _TITLE_WORDS
        and bool(letters)
        and all(ch.isupper() for ch in letters)
        and any(ch.isalpha() for ch in rest)
    )


def capitals_as_moderator(
    lines: Lines, accepted: dict[int, Candidate], sections: set[int], rules: list[str]
) -> dict[int, Candidate]:
    """Turns for paragraphs written all in capitals between labelled turns.

    Fires only on evidence: a labelled transcript, two or more such paragraphs after the first
    turn, and at least one of them a question. The speaker is the file's moderator label if it
    has one (`MODERADOR:` used once), else `Moderator`.
    """
    if not accepted:
        return {}
    found: list[int] = []
    questions = 0
    previous_caps = False
    for i in range(min(accepted) + 1, len(lines)):
        caps = i not in accepted and i not in sections and _capital_line(lines.line(i))
        if caps and not previous_caps:
            found.append(i)
            questions += "?" in _paragraph(lines, i)
        previous_caps = caps
    if len(found) < 2 or not questions:
        return {}
    name = next((c.label for c in accepted.values() if is_moderator(c.label)), "Moderator")
    rules.append(f"capitals as {name} ({len(found)} paragraphs)")
    result = {}
    for i in found:
        line = lines.line(i)
        result[i] = Candidate(name, "caps", len(line) - len(line.lstrip()), None)
    return result


def _capital_line(line: str) -> bool:
    if not line.strip() or MARKER_LINE.match(line) or parse_candidate(line) is not None:
        return False
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= _CAPS_LETTERS and len(line.split()) >= 2 and all(ch.isupper() for ch in letters)


def _paragraph(lines: Lines, i: int) -> str:
    parts = []
    while i < len(lines) and _capital_line(lines.line(i)):
        parts.append(lines.line(i))
        i += 1
    return " ".join(parts)
