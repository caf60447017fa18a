"""Read the generated files back into speaker turns, to check the passage record.

This is deliberately independent of the composer: it only knows the conventions the files
follow (see the generator's docstring). ``tests/test_corpus.py`` carries its own copy.
"""

from __future__ import annotations

import io
import re

_UP = "A-ZČĆŠŽĐА-ЯЂЈЉЊЋЏ"
_LO = "a-zčćšžđа-яђјљњћџ"
NAME = rf"[{_UP}][{_LO}]+(?: [{_UP}][{_LO}]+){{1,2}}"
LABEL = re.compile(rf"^(?:\[(\d\d:\d\d:\d\d)\] )?(Interviewer|Respondent|I|R|{NAME}): (.*)$")
VOICE = re.compile(r"^<v(?:\.[\w.]+)?\s+([^>]+)>(.*?)(?:</v>)?$")


def turns_from_paragraphs(paras: list[str]) -> list[list[str]]:
    """[[speaker, text], ...]; unlabelled paragraphs continue the previous turn."""
    turns: list[list[str]] = []
    for p in paras:
        m = LABEL.match(p)
        if m:
            turns.append([m.group(2), m.group(3)])
        elif turns:
            turns[-1][1] += "\n\n" + p
    return turns


def text_paragraphs(raw: bytes, fmt: str) -> list[str]:
    text = raw.decode("utf-8")
    lines = text.split("\n")
    if fmt == "md" and lines[0] == "---":
        lines = lines[lines.index("---", 1) + 1 :]
        while lines and (not lines[0].strip() or lines[0].startswith("# ")):
            lines.pop(0)
    elif fmt == "txt":
        lines = lines[lines.index("") + 1 :]
    return [ln for ln in lines if ln.strip()]


def docx_paragraphs(raw: bytes) -> list[str]:
    import docx

    return [p.text for p in docx.Document(io.BytesIO(raw)).paragraphs if p.text.strip()]


def odt_paragraphs(raw: bytes) -> list[str]:
    from odf import teletype, text
    from odf.opendocument import load

    doc = load(io.BytesIO(raw))
    paras = [teletype.extractText(p) for p in doc.getElementsByType(text.P)]
    return [p for p in paras if p.strip()]


def cues(raw: bytes, fmt: str) -> list[str]:
    blocks = raw.decode("utf-8").strip("\n").split("\n\n")
    out = []
    for b in blocks:
        lines = b.split("\n")
        if lines[0].startswith(("WEBVTT", "NOTE")):
            continue
        k = next(i for i, ln in enumerate(lines) if "-->" in ln)
        out.append(" ".join(lines[k + 1 :]))
    return out


def turns_from_cues(cue_texts: list[str]) -> list[list[str]]:
    turns: list[list[str]] = []
    for c in cue_texts:
        m = VOICE.match(c)
        who, text = (m.group(1), m.group(2)) if m else (None, c)
        if who is None:
            lm = LABEL.match(c)
            if lm:
                who, text = lm.group(2), lm.group(3)
        if who is not None and (not turns or turns[-1][0] != who):
            turns.append([who, text])
        elif turns:
            turns[-1][1] += " " + text
    return turns


def strip_tags(cue: str) -> str:
    m = VOICE.match(cue)
    return m.group(2) if m else cue


def read_turns(raw: bytes, fmt: str) -> list[list[str]]:
    if fmt in ("txt", "md"):
        return turns_from_paragraphs(text_paragraphs(raw, fmt))
    if fmt == "docx":
        return turns_from_paragraphs(docx_paragraphs(raw))
    if fmt == "odt":
        return turns_from_paragraphs(odt_paragraphs(raw))
    return turns_from_cues(cues(raw, fmt))
