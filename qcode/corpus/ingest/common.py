"""Helpers shared by the readers: text to document, paragraph joining, archive checks."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from qcode.corpus.ingest.base import ParsedDocument
from qcode.corpus.ingest.speakers import parse_turns
from qcode.corpus.text import normalise
from qcode.errors import InputError

# A .docx/.odt is a zip; refuse archives whose members would inflate past these limits
# before any XML parser sees them (zip bombs, DESIGN.md §7).
MAX_UNZIPPED = 512 * 2**20
MAX_RATIO = 200
MAX_MEMBERS = 10_000


def transcript_document(
    raw: str,
    *,
    name: str,
    encoding: str = "utf-8",
    warnings: list[str] | None = None,
    metadata: dict[str, Any] | None = None,
) -> ParsedDocument:
    """Normalise `raw`, find its speaker turns and header, and wrap it as a document.

    `metadata` given by the reader (e.g. markdown front matter) wins over header lines.
    """
    text = normalise(raw)
    if not text.strip():
        raise InputError(f"{name} has no text to import; check that it is the right file")
    turns, found = parse_turns(text)
    found.update(metadata or {})
    return ParsedDocument(text, turns, found, encoding, list(warnings or []))


def join_blocks(blocks: list[str]) -> str:
    """Join the paragraphs of a word-processor file into text.

    Some authors separate paragraphs with empty paragraphs (then one paragraph is one line
    and a blank line is a real gap); others rely on paragraph spacing. In the second case a
    blank line is put between paragraphs so each still reads, and segments, as a paragraph.
    """
    while blocks and not blocks[-1].strip():
        blocks.pop()
    empty = sum(1 for b in blocks if not b.strip())
    separator = "\n" if blocks and empty / len(blocks) >= 0.2 else "\n\n"
    return separator.join(blocks)


def open_zip(data: bytes, *, name: str, kind: str) -> zipfile.ZipFile:
    """Open an office file's zip container, refusing corrupt archives and zip bombs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise corrupt(name, kind) from exc
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if len(infos) > MAX_MEMBERS or total > MAX_UNZIPPED or total / packed > MAX_RATIO:
        raise InputError(
            f"{name} unpacks to {total // 2**20} MB in {len(infos)} parts, which is not a "
            f"plausible {kind} file; re-save it from the word processor"
        )
    return archive


def corrupt(name: str, kind: str) -> InputError:
    return InputError(
        f"{name} is not a readable {kind} file (damaged or mislabelled); "
        "open and re-save it in a word processor, or export it as .txt"
    )
