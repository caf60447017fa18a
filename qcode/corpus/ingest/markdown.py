"""Markdown transcripts (.md): optional YAML front matter gives metadata.

The front matter (between `---` lines at the very top) is not part of the stored text: it
describes the document (`case`, attributes) rather than being part of what is coded.
Backslash escapes (`\\[laughs\\]`) are unescaped, since a coder reads and quotes the text as
rendered; `#` headings are section markers, not part of the turn above them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from qcode.corpus.ingest.base import DEFAULTS, ParsedDocument, ReadOptions, Removal
from qcode.corpus.ingest.common import transcript_document
from qcode.corpus.text import count_words, decode_bytes
from qcode.errors import InputError

_FRONT = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_MAX_FRONT = 64 * 1024
# CommonMark: a backslash before ASCII punctuation makes it literal; the backslash is markup.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def read(data: bytes, name: str, options: ReadOptions = DEFAULTS) -> ParsedDocument:
    text, encoding, warnings = decode_bytes(data, name=name)
    text = text.lstrip("\ufeff")
    metadata: dict[str, Any] = {}
    match = _FRONT.match(text)
    if match:
        metadata = front_matter(match["yaml"], name=name)
        # Blank lines between the front matter and the body are layout, not text.
        text = text[match.end() :].lstrip("\r\n")
    source_words = count_words(text)
    text, escapes = _ESCAPE.subn(r"\1", text)
    removed: dict[str, Removal] = {}
    if escapes:
        removed["markdown escapes"] = Removal(escapes, escapes, source_words - count_words(text))
    return transcript_document(
        text, name=name, options=options, encoding=encoding, warnings=warnings, metadata=metadata,
        markdown=True, source_words=source_words, removed=removed,
    )


def front_matter(source: str, *, name: str) -> dict[str, Any]:
    """Parse YAML front matter safely: no tags, no aliases (billion-laughs), a mapping."""
    if len(source) > _MAX_FRONT:
        raise InputError(f"{name}: front matter is over 64 KB; shorten it")
    try:
        if any(isinstance(t, yaml.AliasToken) for t in yaml.scan(source, Loader=yaml.SafeLoader)):
            raise InputError(f"{name}: front matter uses YAML aliases (*name); write values out")
        loaded = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise InputError(f"{name}: front matter is not valid YAML{where}; fix it") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise InputError(f"{name}: front matter must be `key: value` lines; fix it")
    return {str(k): _plain(v) for k, v in loaded.items()}


def _plain(value: Any) -> Any:
    """JSON-friendly values: YAML dates become ISO strings so metadata can be stored."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
