"""Plain text transcripts (.txt): decode robustly, then find speakers and header."""

from __future__ import annotations

from qcode.corpus.ingest.base import DEFAULTS, ParsedDocument, ReadOptions
from qcode.corpus.ingest.common import transcript_document
from qcode.corpus.text import decode_bytes


def read(data: bytes, name: str, options: ReadOptions = DEFAULTS) -> ParsedDocument:
    text, encoding, warnings = decode_bytes(data, name=name)
    return transcript_document(text, name=name, options=options, encoding=encoding, warnings=warnings)
