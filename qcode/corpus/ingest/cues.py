"""Timed transcripts (VTT, SRT, podcast HTML and JSON) laid out as readable text.

Caption files cut speech into short cues, often mid-sentence. Coders need to read and
cite turns, so the stored text is built from the cues: one paragraph per turn,
`Speaker: text` with the cue texts of the turn joined by spaces, paragraphs separated by a
blank line. A Turn covers the text after `Speaker: ` and carries its first cue's start
time as `HH:MM:SS`. Without any speaker, cues are grouped into paragraphs at pauses.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

from qcode.corpus.ingest.base import ParsedDocument, Turn
from qcode.corpus.ingest.labels import clean_label, is_role, label_key, parse_candidate
from qcode.corpus.text import normalise
from qcode.errors import InputError

_TAG = re.compile(r"<[^<>]*>")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]+)>")
_ASS = re.compile(r"\{\\[^{}]*\}")  # {\an8} positioning codes in SRT
_PAUSE = 2.0  # seconds of silence that end a speakerless paragraph
_LONG = 30.0  # seconds after which a speakerless paragraph ends at a sentence end


@dataclass
class Cue:
    start: float  # seconds
    text: str  # plain text: tags removed, entities decoded, lines joined
    speaker: str | None = None
    # The source marks a new turn here even for the same speaker (a `Name:` prefix, an HTML
    # <cite>); a voice tag repeated on every cue does not.
    starts_turn: bool = False
    end: float | None = None


def clean_cue_text(raw: str) -> tuple[str, str | None]:
    """Plain text of a cue payload and the speaker of its `<v Name>` voice tag, if any."""
    voice = _VOICE.search(raw)
    speaker = clean_label(html.unescape(voice[1])) if voice else None
    text = _TAG.sub("", _ASS.sub("", raw))
    text = html.unescape(text)
    return " ".join(text.split()), speaker or None


def label_prefixes(cues: list[Cue]) -> None:
    """Move `Name:` prefixes of cue texts into `speaker`, when the file backs the label up.

    A prefix counts if the label recurs, looks like a role, the file has two or more
    distinct prefixes, or the file names speakers with voice tags too; a lone "Note:" in
    one cue of an unlabelled file stays text.
    """
    found = {}
    for n, cue in enumerate(cues):
        cand = parse_candidate(cue.text)
        if cand is not None and cand.style == "colon" and cand.speech > 0:
            found[n] = cand
    counts = Counter(c.key for c in found.values())
    voiced = any(c.speaker for c in cues)
    for n, cand in found.items():
        if counts[cand.key] >= 2 or is_role(cand.label) or len(counts) >= 2 or voiced:
            cues[n].text = cues[n].text[cand.speech :].strip()
            cues[n].speaker = cand.label
            cues[n].starts_turn = True


def hms(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def layout(cues: list[Cue], *, name: str, encoding: str, warnings: list[str]) -> ParsedDocument:
    """Build the stored text and turns from cues (see the module docstring)."""
    groups = _group(cues)
    if not groups:
        raise InputError(f"{name} has no cues with text; check that it is the right file")
    # In a file that names speakers, unlabelled opening cues (a title, a note) are text but
    # nobody's turn, as in the text formats; a file without any names keeps timed turns.
    named = any(speaker is not None for speaker, _, _ in groups)
    names: dict[str, str] = {}
    parts: list[str] = []
    turns: list[Turn] = []
    pos = 0
    for speaker, stamp, texts in groups:
        body = normalise(" ".join(texts))
        if speaker is not None:
            speaker = names.setdefault(label_key(speaker), speaker)
            prefix = f"{speaker}: "
        else:
            prefix = ""
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(prefix + body)
        if speaker is not None or not named:
            start = pos + len(prefix)
            turns.append(Turn(start, start + len(body), speaker, hms(stamp)))
        pos += len(prefix) + len(body)
    return ParsedDocument("".join(parts), turns, {}, encoding, warnings)


def _group(cues: list[Cue]) -> list[tuple[str | None, float, list[str]]]:
    """(speaker, start, texts) per turn; unlabelled cues continue the current speaker."""
    groups: list[tuple[str | None, float, list[str]]] = []
    current: str | None = None
    last_end = 0.0
    for cue in cues:
        if not cue.text:
            continue
        speaker = cue.speaker if cue.speaker is not None else current
        new = not groups or (
            label_key(speaker or "") != label_key(current or "")
            or (cue.starts_turn and cue.speaker is not None)
            or (speaker is None and _pause_break(groups[-1], cue, last_end))
        )
        if new:
            groups.append((speaker, cue.start, [cue.text]))
        else:
            groups[-1][2].append(cue.text)
        current = speaker
        last_end = cue.end if cue.end is not None else cue.start
    return groups


def _pause_break(group: tuple[str | None, float, list[str]], cue: Cue, last_end: float) -> bool:
    if cue.start - last_end >= _PAUSE:
        return True
    ends_sentence = group[2][-1].rstrip().endswith((".", "?", "!", "…"))
    return cue.start - group[1] >= _LONG and ends_sentence
