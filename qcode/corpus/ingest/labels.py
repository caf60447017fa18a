"""Recognising one line as a speaker label, a metadata line or a non-speech marker.

This module only judges single lines; `speakers.py` decides, across the whole document,
which candidate labels to trust. Keeping the two apart keeps each heuristic testable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A timestamp as transcribers write it: 1:02, 01:02:03, 00:12:31.250, bare or bracketed.
TS = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TSB = rf"(?:\[{TS}\]|\({TS}\)|{TS})"
_MD = r"(?:\*\*|__)?"  # markdown bold around a label: **Interviewer:**

_NAMED = re.compile(
    rf"""^[ \t]*
    (?:(?P<ts1>{_TSB})[ \t]+)?
    {_MD}(?P<label>[^\W\d_](?:[^:\t\n\[\]()*]{{0,38}}?[\w.'’])?){_MD}
    (?:[ \t]*(?P<ts2>{_TSB}))?
    (?P<sep>[ \t]*:|[ \t]*[-–](?=[ \t])|\t)
    {_MD}[ \t]*
    (?:(?P<ts3>{_TSB})[ \t]+)?
    (?P<rest>.*)$""",
    re.X,
)
# Otter-style: "Speaker 1  0:03" alone on its line, the speech below.
_LABEL_TS = re.compile(
    rf"^[ \t]*(?P<label>[^\W\d_](?:[^:\t\n\[\]()*]{{0,38}}?[\w.'’])?)[ \t]+(?P<ts2>{_TSB})[ \t]*$"
)
# Word / Teams "Transcribe": "00:00:03 Speaker 1" alone on its line, the speech below.
_TS_LABEL = re.compile(
    rf"^[ \t]*(?P<ts1>{_TSB})[ \t]+(?P<label>[^\W\d_](?:[^:\t\n\[\]()*]{{0,38}}?[\w.'’])?)[ \t]*$"
)
# QualCoder's "[id1] text"; the speech must follow on the same line, since a bracketed
# line on its own is far more often a non-speech marker such as "[Cross Talk 3:00]".
_BRACKET = re.compile(
    rf"""^[ \t]*(?:(?P<ts1>{_TSB})[ \t]+)?
    \[(?P<label>[^\[\]\n]{{1,40}})\]
    (?:[ \t]*(?P<ts2>{_TSB}))?
    [ \t]*[:\-–]?[ \t]*(?P<rest>\S.*)$""",
    re.X,
)
_TS_ONLY = re.compile(rf"^{_TSB}$")
_KEY_VALUE = re.compile(r"^[ \t]*(?P<key>[^\W\d_][^:\n]{0,39}?)[ \t]*:[ \t]*(?P<value>.*?)\s*$")
HEADING_LINE = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]|$)")  # a markdown heading
MARKER_LINE = re.compile(r"^[ \t]*(?:\[[^\[\]\n]{0,120}\]|\([^()\n]{0,120}\))[ \t.]*$")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PARTICLES = _words("de da del della der den van von la le al el bin ibn abu y e di du dos das ter ten")
ROLE = re.compile(
    r"^(?:interviewer|interviewee|respondent|participant|speaker|moderator|facilitator"
    r"|researcher|narrator|student|teacher|host|co-host|guest|int|resp|question|answer"
    r"|ispitivač|ispitanik|sagovornik|učesnik|istraživač|испитивач|испитаник|саговорник"
    r"|moderador|moderadora|moderatora?|moderatore|modérateur|modératrice|moderátor|moderátorka"
    r"|entrevistador|entrevistadora|entrevistado|entrevistada|intervistatore|enquêteur"
    r"|q|a|i|r|p|m|f|s)(?:[ \t]*#?[ \t]*\d{1,3}|[ \t]+[A-Z])?$"
    r"|^[^\W\d_]{1,3}\d{1,3}$"  # P1, ID2, R12
    r"|^[^\W\d_]+[ \t]+#?\d{1,3}$",  # Teacher 4, Student 12
    re.I,
)
# Words that start prose lines ending in a colon ("Note:", "The answer was:") or that name
# what a bracket holds when it is not a speaker ("[inaudible]").
STOP_WORDS = _words(
    """the this that these those my our your his her their its in on at for from with and
    but or so if when what why how who where well yes no okay ok oh note notes example
    examples tip warning important update source sources summary step chapter section part
    figure table edit ps nb attention caution remember reminder conclusion result results
    problem solution definition translation comment comments keywords abstract introduction
    background method methods objective aim purpose topic title hint tags category website
    email e-mail phone tel fax address url link http https re fw fwd cc subject to then
    also however therefore because although see page napomena primer primjer"""
)
NON_SPEECH = _words(
    """inaudible unintelligible indiscernible incomprehensible crosstalk cross-talk cross
    laughter laughs laughing laugh pause pauses paused silence music noise applause coughing
    cough coughs sighs sigh overlapping overlap background interruption interrupts
    interrupted break end beginning tape static ringing unclear sic redacted chuckles
    chuckling crying cries groans whispers whispering unintelligable inaudable
    nerazumljivo nečujno smeh smijeh pauza tišina nejasno смех пауза тишина неразумљиво"""
)
PURE_METADATA = _words(
    """date time place location venue duration length transcriber transcribed transcription
    file filename recorded recording language persons present participants attendees
    keywords setting site project medium datum mesto mjesto lokacija vreme vrijeme trajanje
    дата датум место време трајање data lloc lugar fecha hora durada duración duracion
    luogo lieu heure durée durata ort zeit dauer místo miesto miejsce čas trvanie kraj
    local sede"""
)
METADATA_ROLES = _words("interviewer interviewers interviewee narrator respondent transcriber moderator")
# Who leads a focus group, in the languages of the transcripts seen (see `moderator_name`).
MODERATOR_WORDS = _words(
    """moderator moderators moderador moderadora moderatora moderatore modérateur modératrice
    moderátor moderátorka facilitator facilitadora facilitador entrevistador entrevistadora
    interviewer"""
)
_CODE = re.compile(r"^[^\W\d_]{1,3}\d{1,3}$")


@dataclass(frozen=True)
class Candidate:
    """A line that could open a speaker turn. Offsets are relative to the line."""

    label: str  # display form: markup, colon and surrounding space removed
    style: str  # "colon", "dash", "tab", "bracket" or "ts" (label + timestamp alone)
    speech: int  # where the speech starts in the line, or -1 if the label is alone
    timestamp: str | None

    @property
    def key(self) -> str:
        return label_key(self.label)


def label_key(label: str) -> str:
    """Labels that differ only in case or spacing name the same speaker."""
    return " ".join(label.split()).casefold()


def clean_label(label: str) -> str:
    """Display form of a label: no trailing colon/bracket/markup, single spaces."""
    label = label.strip().strip("*_").strip()
    label = label.rstrip(":-–").strip().strip("[]").strip()
    return " ".join(label.split())


def parse_candidate(line: str) -> Candidate | None:
    """The speaker label at the start of `line`, if its shape allows one."""
    match = _LABEL_TS.match(line) or _TS_LABEL.match(line)
    if match and valid_name(match["label"]):
        stamp = match.groupdict().get("ts2") or match.groupdict().get("ts1")
        return Candidate(clean_label(match["label"]), "ts", -1, _bare(stamp))
    match = _NAMED.match(line)
    if match and valid_name(match["label"]) and not _split_time(match["label"], match["rest"]):
        rest = match["rest"]
        speech = match.start("rest") if rest.strip() else -1
        trailing = None
        if speech >= 0 and _TS_ONLY.match(rest.strip()):
            # "Aaron: 00:00:20" alone on its line: the time of the turn below, not its speech.
            speech, trailing = -1, rest.strip()
        sep = match["sep"].strip(" ")
        style = "colon" if ":" in sep else "tab" if sep == "\t" else "dash"
        stamp = match["ts1"] or match["ts2"] or match["ts3"] or trailing
        return Candidate(clean_label(match["label"]), style, speech, _bare(stamp))
    match = _BRACKET.match(line)
    if match and valid_bracket(match["label"]):
        stamp = match["ts1"] or match["ts2"]
        return Candidate(clean_label(match["label"]), "bracket", match.start("rest"), _bare(stamp))
    return None


def _bare(stamp: str | None) -> str | None:
    return stamp.strip("[]()") if stamp else None


def _split_time(label: str, rest: str) -> bool:
    """`Speaker 1 10:30` read as label `Speaker 1 10` + `30`: a time, not a separator."""
    return label.rstrip()[-1:].isdigit() and rest[:2].isdigit()


def valid_name(label: str) -> bool:
    """Short, capitalised, not a prose opener and not a non-speech word."""
    label = clean_label(label)
    words = label.split()
    if not words or len(label) > 40 or (label.endswith((".", ",")) and len(words) > 1):
        return False
    if len([w for w in words if w.casefold() not in PARTICLES]) > 4:
        return False
    first = words[0]
    if not first[0].isupper() or first.casefold().rstrip(".") in STOP_WORDS:
        return False
    for word in words[1:]:
        if word.casefold() in PARTICLES or word.isdigit() or word == "#":
            continue
        if not word[0].isupper() or not _word_chars(word):
            return False
    return _word_chars(first) and not any(w.casefold() in NON_SPEECH for w in words)


def _word_chars(word: str) -> bool:
    return all(ch.isalnum() or ch in ".'’-#" for ch in word)


def valid_bracket(content: str) -> bool:
    """A bracketed speaker id such as `id1` or `Maria`, not a timestamp or marker."""
    content = content.strip()
    words = content.split()
    if not words or len(words) > 4 or _TS_ONLY.match(content) or not content[0].isalnum():
        return False
    if any(ch in content for ch in ";,?!:"):
        return False
    return not any(w.casefold().strip(".") in NON_SPEECH for w in words)


def is_role(label: str) -> bool:
    return bool(ROLE.match(label))


def is_code(label: str) -> bool:
    """A participant code of a focus group or study: `M7`, `H4`, `P3`, `ID12`."""
    return bool(_CODE.match(label))


def is_moderator(label: str) -> bool:
    words = label.casefold().split()
    return bool(words) and words[0] in MODERATOR_WORDS


def key_value(line: str) -> tuple[str, str] | None:
    """`Key: value` as in a transcript's header block."""
    match = _KEY_VALUE.match(line)
    if not match or len(match["key"].split()) > 4:
        return None
    return match["key"].strip(), match["value"]


def is_pure_metadata(key: str) -> bool:
    """Keys such as Date or Place that are never speakers."""
    words = key.casefold().replace(".", " ").split()
    return bool(words) and words[0] in PURE_METADATA


def is_name_like(value: str) -> bool:
    """`Yasmine Hassan` (a header value), not `Thanks for coming.` (speech)."""
    words = value.split()
    if not 2 <= len(words) <= 5 or value.rstrip()[-1:] in ".?!,;":
        return False
    return all(w[0].isupper() or w.casefold() in PARTICLES for w in words)
