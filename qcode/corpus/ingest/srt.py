"""SubRip subtitles (.srt): numbered cues, speakers as `Name:` on a turn's first cue."""

from __future__ import annotations

from qcode.corpus.ingest.base import DEFAULTS, ParsedDocument, ReadOptions
from qcode.corpus.ingest.cues import cue_document, label_prefixes
from qcode.corpus.ingest.vtt import parse_blocks
from qcode.corpus.text import decode_bytes


def read(data: bytes, name: str, options: ReadOptions = DEFAULTS) -> ParsedDocument:
    raw, encoding, warnings = decode_bytes(data, name=name)
    text = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    cues = parse_blocks(text)  # the cue number sits before the timing line and is skipped
    rules: list[str] = []
    label_prefixes(cues, rules)
    return cue_document(cues, name=name, encoding=encoding, warnings=warnings, speakers=options.speakers,
                        rules=rules)
