"""The header block at the top of a transcript: `Date:`, `Place:`, `Interviewer: Jane Doe`.

Such lines look like speaker turns but describe the interview; they become document metadata.
"""

from __future__ import annotations

from typing import Any

from qcode.corpus.ingest.labels import (
    METADATA_ROLES,
    is_name_like,
    is_pure_metadata,
    is_role,
    key_value,
    label_key,
    parse_candidate,
)
from qcode.corpus.ingest.lines import Lines

HEADER_LINES = 40  # a header block starts within this many lines of the top


def _paragraphs(lines: Lines, limit: int) -> list[list[int]]:
    """Runs of non-blank line indices among the first `limit` lines."""
    paras: list[list[int]] = []
    current: list[int] = []
    for i in range(min(limit, len(lines))):
        if lines.blank(i):
            if current:
                paras.append(current)
            current = []
        else:
            current.append(i)
    if current:
        paras.append(current)
    return paras


def header_block(lines: Lines, recurring: set[str]) -> tuple[set[int], dict[str, Any]]:
    """Lines of the metadata block at the top (`Date:`, `Place:`, `Persons Present:`)."""
    header: set[int] = set()
    metadata: dict[str, Any] = {}
    for para in _paragraphs(lines, HEADER_LINES):
        taken = _header_paragraph(lines, para, metadata, recurring)
        header.update(taken)
        if len(taken) < len(para) and _opens_turn(lines, para[len(taken) :]):
            break
    return header, metadata


def _opens_turn(lines: Lines, rest: list[int]) -> bool:
    return any(parse_candidate(lines.line(i)) for i in rest)


def _header_paragraph(
    lines: Lines, para: list[int], metadata: dict[str, Any], recurring: set[str]
) -> list[int]:
    """The leading lines of `para` that are metadata; fills `metadata` with them.

    A paragraph is a header when it has a key that is never a speaker (Date, Place) or
    names two people by role (Interviewer: Jane Doe / Narrator: John Roe).
    """
    pairs = [key_value(lines.line(i)) for i in para]
    keys = [kv[0] for kv in pairs if kv]
    pure = any(is_pure_metadata(k) for k in keys)
    roles = [kv for kv in pairs if kv and _metadata_role(*kv)]
    if not pure and len(roles) < 2:
        return []
    taken: list[int] = []
    last_key: str | None = None
    for i, kv in zip(para, pairs, strict=True):
        if kv and _is_metadata_line(kv[0], kv[1], recurring):
            last_key = kv[0]
            _add(metadata, last_key, kv[1].strip())
        elif kv is None and last_key is not None:
            _add(metadata, last_key, lines.line(i).strip())  # wrapped value or legend row
        else:
            break
        taken.append(i)
    return taken


def _is_metadata_line(key: str, value: str, recurring: set[str]) -> bool:
    if is_pure_metadata(key):
        return len(value.split()) <= 12
    if _metadata_role(key, value):
        return True
    if key.casefold() in METADATA_ROLES:  # "Interviewee: P3" beside "Date:", not speech
        return len(value.split()) <= 3 and value.rstrip()[-1:] not in (".", "?", "!")
    # Other keys ("Prof.: Kim Fox") count when they cannot be a speaker of this document.
    return not is_role(key) and label_key(key) not in recurring and not _speech_like(value)


def _metadata_role(key: str, value: str) -> bool:
    return key.casefold() in METADATA_ROLES and is_name_like(value)


def _speech_like(value: str) -> bool:
    return len(value.split()) > 6 or value.rstrip()[-1:] in ("?", "!")


def _add(metadata: dict[str, Any], key: str, value: str) -> None:
    if not value:
        metadata.setdefault(key, "")
    elif metadata.get(key):
        metadata[key] = f"{metadata[key]}\n{value}"
    else:
        metadata[key] = value
