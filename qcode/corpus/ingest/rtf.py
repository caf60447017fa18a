"""Rich Text Format (.rtf) via striprtf, honouring the file's declared code page.

A truncated RTF still parses, into the part before the cut; its `{...}` groups then do not
balance, which is checked first so that a damaged file is refused rather than imported in part.
"""

from __future__ import annotations

import codecs
import re

from qcode.corpus.ingest.base import DEFAULTS, ParsedDocument, ReadOptions
from qcode.corpus.ingest.common import transcript_document
from qcode.errors import InputError

_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")
_GROUPING = re.compile(rb"\\[\\{}]|\\bin(\d+) ?|[{}]")


def read(data: bytes, name: str, options: ReadOptions = DEFAULTS) -> ParsedDocument:
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip().startswith(b"{\\rtf"):
        raise InputError(f"{name} is not an RTF file (no {{\\rtf header); re-save it as RTF or export .txt")
    if not balanced(data):
        raise InputError(
            f"{name} is truncated or damaged (its {{...}} groups do not balance); "
            "re-save it from the word processor, or export it as .txt"
        )
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
    return transcript_document(text, name=name, options=options, encoding=encoding)


def balanced(data: bytes) -> bool:
    """Do the file's groups close exactly at its end? Escaped braces and `\\binN` data skipped."""
    depth = 0
    pos = 0
    while (match := _GROUPING.search(data, pos)) is not None:
        pos = match.end()
        token = match.group()
        if match.group(1) is not None:
            pos += int(match.group(1))  # raw binary data that may hold any byte
        elif token == b"{":
            depth += 1
        elif token == b"}":
            depth -= 1
            if depth == 0:
                return not data[pos:].strip(b" \t\r\n\x00")
            if depth < 0:
                return False
    return False


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
