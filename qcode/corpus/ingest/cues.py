"""Timed transcripts (VTT, SRT, podcast HTML and JSON) laid out as readable text.

Caption files cut speech into short cues, often mid-sentence. Coders need to read and
cite turns, so the stored text is built from the cues: one paragraph per turn,
`Speaker: text` with the cue texts of the turn joined by spaces, paragraphs separated by a
blank line. A Turn covers the text after `Speaker: ` and carries its first cue's start
time as `HH:MM:SS`.

How a file marks speakers is decided from the whole file:
- voice tags (`<v Name>`) or `Name:` prefixes; where (nearly) every cue is labelled (Zoom),
  a repeated label continues the turn, as a repeated voice tag does;
- no names, but `- ` at the start of a cue line marks a change of speaker (broadcast and
  YouTube captions): turns split there, with unnamed speakers;
- neither: cues are grouped into paragraphs at pauses, timed but nobody's.
Labels left out of the text (repeated ones, the dashes) are reported as removed.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from qcode.corpus.ingest.base import ParsedDocument, Removal, SpeakerPolicy, Turn
from qcode.corpus.ingest.labels import clean_label, is_role, label_key, parse_candidate
from qcode.corpus.text import clean, count_words
from qcode.errors import InputError

_TAG = re.compile(r"<[^<>]*>")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]+)>")
_ASS = re.compile(r"\{\\[^{}]*\}")  # {\an8} positioning codes in SRT
_DASH = re.compile(r"^[ \t]*[-–—][ \t]*(?=\S)")
_PAUSE = 2.0  # seconds of silence that end a speakerless paragraph
_LONG = 30.0  # seconds after which a speakerless paragraph ends at a sentence end
_EVERY = 0.8  # share of labelled cues from which a repeated label continues the turn
_DASHED = 0.1  # share of cues with a dash line from which dashes mark speaker changes


@dataclass
class Cue:
    start: float  # seconds
    text: str  # plain text: tags removed, entities decoded, lines joined
    speaker: str | None = None
    # The source marks a new turn here even for the same speaker (a `Name:` prefix, an HTML
    # <cite>); a voice tag repeated on every cue does not.
    starts_turn: bool = False
    end: float | None = None
    label: str = ""  # the label as the source writes it on this cue (prefix or voice name)
    lines: list[str] = field(default_factory=list)  # the payload's lines, for `- ` dashes


def clean_cue_text(raw: str) -> tuple[str, str | None]:
    """Plain text of a cue payload and the speaker of its `<v Name>` voice tag, if any."""
    voice = _VOICE.search(raw)
    speaker = clean_label(html.unescape(voice[1])) if voice else None
    return " ".join(_plain(raw).split()), speaker or None


def cue_lines(raw: str) -> list[str]:
    """The payload's lines as plain text, for recognising `- ` speaker dashes."""
    return [" ".join(_plain(line).split()) for line in raw.split("\n")]


def _plain(raw: str) -> str:
    return html.unescape(_TAG.sub("", _ASS.sub("", raw)))


def label_prefixes(cues: list[Cue], rules: list[str] | None = None) -> None:
    """Move `Name:` prefixes of cue texts into `speaker`, when the file backs the label up.

    A prefix counts if the label recurs, looks like a role, the file has two or more
    distinct prefixes, or the file names speakers with voice tags too; a lone "Note:" in
    one cue of an unlabelled file stays text. When (nearly) every cue has a label, a label
    only starts a turn where the speaker changes.
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
            cues[n].label = cues[n].text[: cand.speech]
            cues[n].text = cues[n].text[cand.speech :].strip()
            cues[n].speaker = cand.label
            cues[n].starts_turn = True
    spoken = [c for c in cues if c.text]
    if spoken and sum(1 for c in spoken if c.starts_turn) >= _EVERY * len(spoken):
        for cue in cues:
            cue.starts_turn = False
        if rules is not None:
            rules.append("a label on every cue: repeated labels continue the turn")


def dash_turns(cues: list[Cue]) -> list[Cue] | None:
    """Cues split at `- ` lines, each dash starting an unnamed speaker's turn; None when the
    file does not mark speaker changes with dashes (or names its speakers)."""
    if any(c.speaker for c in cues):
        return None
    dashed = sum(1 for c in cues if any(_DASH.match(line) for line in c.lines))
    if dashed < 2 or dashed < _DASHED * len(cues):
        return None
    split: list[Cue] = []
    for cue in cues:
        parts: list[tuple[bool, list[str], str]] = []
        for line in cue.lines or [cue.text]:
            mark = _DASH.match(line)
            if mark or not parts:
                parts.append((bool(mark), [], mark.group() if mark else ""))
            parts[-1][1].append(line[mark.end() :] if mark else line)
        for dash, texts, written in parts:
            text = " ".join(" ".join(texts).split())
            split.append(replace(cue, text=text, starts_turn=dash, label=written.strip(), lines=[]))
    return split


def hms(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def cue_document(
    cues: list[Cue],
    *,
    name: str,
    encoding: str,
    warnings: list[str],
    speakers: SpeakerPolicy,
    rules: list[str] | None = None,
) -> ParsedDocument:
    """The document for cues already labelled by the reader, after the speaker policy."""
    rules = list(rules or [])
    wanted = {label_key(label) for label in speakers.labels}
    for cue in cues:
        if cue.speaker is not None and (
            speakers.mode == "none" or (speakers.mode == "list" and label_key(cue.speaker) not in wanted)
        ):
            # Not a speaker after all: a `Name:` prefix goes back into the text it came from.
            cue.text = f"{cue.label}{cue.text}" if cue.label else cue.text
            cue.speaker, cue.starts_turn, cue.label = None, False, ""
    dashed = dash_turns(cues) if speakers.mode == "auto" else None
    doc = layout(dashed or cues, name=name, encoding=encoding, warnings=warnings, dashes=dashed is not None)
    doc.rules[:0] = rules
    return doc


@dataclass
class _Group:
    speaker: str | None
    start: float
    texts: list[str]
    first: Cue


def layout(
    cues: list[Cue], *, name: str, encoding: str, warnings: list[str], dashes: bool = False
) -> ParsedDocument:
    """Build the stored text and turns from cues (see the module docstring)."""
    groups = _group(cues, dashes)
    if not groups:
        raise InputError(f"{name} has no cues with text; check that it is the right file")
    # In a file that names speakers, unlabelled opening cues (a title, a note) are text but
    # nobody's turn, as in the text formats; a file without any names keeps timed turns.
    named = any(g.speaker is not None for g in groups)
    names: dict[str, str] = {}
    parts: list[str] = []
    turns: list[Turn] = []
    pos = 0
    cleaning = Removal()
    for group in groups:
        joined = " ".join(group.texts)
        cleaned = clean(joined)
        body = cleaned.text.strip()
        if cleaned.controls or cleaned.invisible:
            cleaning.items += cleaned.controls + cleaned.invisible
            cleaning.chars += cleaned.controls + cleaned.invisible
            cleaning.words += count_words(joined) - count_words(body)
        prefix = ""
        if group.speaker is not None:
            group.speaker = names.setdefault(label_key(group.speaker), group.speaker)
            prefix = f"{group.speaker}: "
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(prefix + body)
        if group.speaker is not None or not named:
            start = pos + len(prefix)
            turns.append(Turn(start, start + len(body), group.speaker, hms(group.start)))
        pos += len(prefix) + len(body)
    doc = ParsedDocument("".join(parts), turns, {}, encoding, warnings)
    if cleaning.items:
        doc.remove("control and invisible characters", items=cleaning.items, chars=cleaning.chars,
                   words=cleaning.words)
    _account(doc, cues, groups, dashes)
    return doc


def _account(doc: ParsedDocument, cues: list[Cue], groups: list[_Group], dashes: bool) -> None:
    """Source words, the labels left out or written out, and the file's convention.

    `Name:` prefixes and `- ` dashes are text of the source; voice tags, <cite> and JSON
    speaker fields are markup, so the names they give are written into the stored text.
    """
    spoken = [c for c in cues if c.text]
    doc.cues = len({(c.start, c.end) for c in spoken})
    doc.source_words = sum(count_words(c.label) + count_words(c.text) for c in spoken)
    firsts = {id(g.first) for g in groups}
    repeated = [c.label for c in spoken if c.label and (dashes or id(c) not in firsts)]
    written = [g.speaker or "" for g in groups if g.speaker is not None and not g.first.label]
    what = "speaker-change dashes" if dashes else "repeated speaker labels"
    doc.remove(
        what, items=len(repeated), chars=sum(map(len, repeated)), words=sum(map(count_words, repeated))
    )
    if written:
        doc.remove("speaker names from voice tags or fields", items=len(written),
                   chars=-sum(len(w) + 2 for w in written), words=-sum(map(count_words, written)))
    labelled = any(c.label for c in spoken)
    voiced = any(c.speaker for c in cues if not c.label)
    if dashes:
        doc.convention = "`- ` marks a change of speaker"
    elif labelled or voiced:
        marks = (("`Name:` labels", labelled), ("voice tags or speaker fields", voiced))
        kinds = [k for k, on in marks if on]
        doc.convention = " and ".join(kinds) + " on cues"
    else:
        doc.convention = f"captions without speakers ({doc.cues} cues)"


def _group(cues: list[Cue], dashes: bool = False) -> list[_Group]:
    """One group per turn; unlabelled cues continue the current speaker."""
    groups: list[_Group] = []
    current: str | None = None
    last_end = 0.0
    for cue in cues:
        if not cue.text:
            continue
        speaker = cue.speaker if cue.speaker is not None else current
        new = not groups or (
            label_key(speaker or "") != label_key(current or "")
            or (cue.starts_turn and (cue.speaker is not None or dashes))
            or (speaker is None and not dashes and _pause_break(groups[-1], cue, last_end))
        )
        if new:
            groups.append(_Group(speaker, cue.start, [cue.text], cue))
        else:
            groups[-1].texts.append(cue.text)
        current = speaker
        last_end = cue.end if cue.end is not None else cue.start
    return groups


def _pause_break(group: _Group, cue: Cue, last_end: float) -> bool:
    if cue.start - last_end >= _PAUSE:
        return True
    ends_sentence = group.texts[-1].rstrip().endswith((".", "?", "!", "…"))
    return cue.start - group.start >= _LONG and ends_sentence
