"""Rich Text Format (.rtf) via striprtf, honouring the file's declared code page."""

from __future__ import annotations

import codecs
import re

from qcode.corpus.ingest.base import ParsedDocument
from qcode.corpus.ingest.common import transcript_document
from qcode.errors import InputError

_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")


def read(data: bytes, name: str) -> ParsedDocument:
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip().startswith(b"{\\rtf"):
        raise InputError(f"{name} is not an RTF file (no {{\\rtf header); re-save it as RTF or export .txt")
    encoding = _codepage(data)
    # RTF is 7-bit by specification; latin-1 maps any stray 8-bit byte one to one, and
    # striprtf decodes \'xx escapes itself using the declared code page.
    source = data.decode("latin-1")
    try:
        text = rtf_to_text(source, encoding=encoding, errors="replace")
    except Exception as exc:
        raise InputError(
            f"{name} is not a readable RTF file; re-save it in a word processor or export .txt"
        ) from exc
    return transcript_document(text, name=name, encoding=encoding)


def _codepage(data: bytes) -> str:
    match = _CODEPAGE.search(data[:4096])
    if match:
        candidate = f"cp{int(match[1])}"
        try:
            codecs.lookup(candidate)
            return candidate
        except LookupError:
            pass
    return "cp1252"
