"""WebVTT captions (.vtt): cues with `<v Name>` voice tags and/or `Name:` prefixes."""

from __future__ import annotations

import re

from qcode.corpus.ingest.base import DEFAULTS, ParsedDocument, ReadOptions
from qcode.corpus.ingest.cues import Cue, clean_cue_text, cue_document, cue_lines, label_prefixes
from qcode.corpus.text import decode_bytes

_TIMING = re.compile(
    r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)\s*-->\s*"
    r"(?P<end>(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)"
)


def seconds(stamp: str) -> float:
    """`01:02:03.500` or `02:03,5` as seconds."""
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def parse_blocks(text: str) -> list[Cue]:
    """Cues of a VTT or SRT body: blocks separated by blank lines, each with a timing line."""
    cues: list[Cue] = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = block.strip("\n").split("\n")
        timing = next((n for n, line in enumerate(lines) if _TIMING.match(line)), None)
        if timing is None:
            continue  # header, NOTE, STYLE, REGION or stray text
        match = _TIMING.match(lines[timing])
        assert match is not None
        payload = "\n".join(lines[timing + 1 :])
        body, speaker = clean_cue_text(payload)
        cue = Cue(seconds(match["start"]), body, speaker, end=seconds(match["end"]), lines=cue_lines(payload))
        cues.append(cue)
    return cues


def read(data: bytes, name: str, options: ReadOptions = DEFAULTS) -> ParsedDocument:
    raw, encoding, warnings = decode_bytes(data, name=name)
    text = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.lstrip().startswith("WEBVTT"):
        warnings.append(f"{name}: no WEBVTT header; read as WebVTT anyway.")
    cues = parse_blocks(text)
    rules: list[str] = []
    label_prefixes(cues, rules)
    return cue_document(cues, name=name, encoding=encoding, warnings=warnings, speakers=options.speakers,
                        rules=rules)
