"""Helpers shared by the readers: text to document, paragraph joining, archive checks."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from qcode.corpus.ingest.base import DEFAULTS, ParsedDocument, ReadOptions, Removal
from qcode.corpus.ingest.speakers import parse_turns
from qcode.corpus.text import Cleaned, clean, count_words
from qcode.errors import InputError

# A .docx/.odt is a zip; refuse archives whose members would inflate past these limits
# before any XML parser sees them (zip bombs, DESIGN.md §7). The declared sizes are checked
# first (cheap), then what really inflates is counted while streaming (sizes can lie).
MAX_UNZIPPED = 512 * 2**20
MAX_RATIO = 200
MAX_MEMBERS = 10_000
UNZIP_FACTOR = 5  # office XML is markup-heavy: allow this many bytes of XML per byte of text
_CHUNK = 2**20


def transcript_document(
    raw: str,
    *,
    name: str,
    options: ReadOptions = DEFAULTS,
    encoding: str = "utf-8",
    warnings: list[str] | None = None,
    metadata: dict[str, Any] | None = None,
    markdown: bool = False,
    source_words: int | None = None,
    removed: dict[str, Removal] | None = None,
) -> ParsedDocument:
    """Normalise `raw`, find its speaker turns and header, and wrap it as a document.

    `metadata` given by the reader (e.g. markdown front matter) wins over header lines.
    `source_words` and `removed` account for what the reader itself left out of `raw`.
    """
    cleaned = clean(raw)
    check_text_size(cleaned.text, name=name, limit=options.max_bytes)
    if not cleaned.text.strip():
        raise InputError(f"{name} has no text to import; check that it is the right file")
    parse = parse_turns(cleaned.text, options.speakers, markdown=markdown)
    found = dict(parse.metadata)
    found.update(metadata or {})
    doc = ParsedDocument(parse.text, parse.turns, found, encoding, list(warnings or []))
    doc.convention, doc.rules = parse.convention, list(parse.rules)
    doc.source_words = count_words(raw) if source_words is None else source_words
    for what, entry in (removed or {}).items():
        doc.remove(what, items=entry.items, chars=entry.chars, words=entry.words)
    account_cleaning(doc, raw, cleaned)
    for what, entry in parse.removed.items():
        doc.remove(what, items=entry.items, chars=entry.chars, words=entry.words)
    return doc


def account_cleaning(doc: ParsedDocument, raw: str, cleaned: Cleaned) -> None:
    """Record (and warn about) the characters normalising removed from `raw`."""
    if not (cleaned.controls or cleaned.invisible):
        return
    words = count_words(raw) - count_words(cleaned.text)
    if cleaned.controls:
        doc.remove("control characters", items=cleaned.controls, chars=cleaned.controls, words=words)
        doc.warnings.append(
            f"removed {cleaned.controls} terminal control character(s) (escape sequences and other "
            "controls) from the text"
        )
        words = 0
    if cleaned.invisible:
        doc.remove("invisible characters", items=cleaned.invisible, chars=cleaned.invisible, words=words)


def check_text_size(text: str, *, name: str, limit: int) -> None:
    """The per-transcript limit applies to the text, whatever the file it came from."""
    if len(text) * 4 > limit and len(text.encode("utf-8")) > limit:
        raise InputError(
            f"{name} holds more than {limit / 2**20:.{0 if limit >= 2**20 else 1}f} MB of text, "
            "over the limit for one transcript; "
            "split it into smaller files (or raise --max-mb)"
        )


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


def open_zip(data: bytes, *, name: str, kind: str, max_bytes: int = DEFAULTS.max_bytes) -> zipfile.ZipFile:
    """Open an office file's zip container, refusing corrupt archives and zip bombs.

    Every member is inflated once here through a counting reader that stops at the limit, so
    a member whose declared size lies cannot make a parser inflate more later.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise corrupt(name, kind) from exc
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    limit = min(MAX_UNZIPPED, UNZIP_FACTOR * max_bytes)
    if len(infos) > MAX_MEMBERS or total > limit or total / packed > MAX_RATIO:
        raise _bomb(name, kind, total, len(infos))
    inflated = 0
    for info in infos:
        inflated += _inflated_size(archive, info, limit - inflated, name=name, kind=kind)
    return archive


def read_member(archive: zipfile.ZipFile, member: str, *, name: str, kind: str) -> bytes | None:
    """A member's bytes (the archive was checked by `open_zip`), or None when it is absent."""
    try:
        return archive.read(member)
    except KeyError:
        return None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise corrupt(name, kind) from exc


def _inflated_size(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, *, name: str, kind: str
) -> int:
    size = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                if size > budget:
                    raise _bomb(name, kind, size, len(archive.infolist()))
    except InputError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise corrupt(name, kind) from exc
    return size


def _bomb(name: str, kind: str, size: int, members: int) -> InputError:
    return InputError(
        f"{name} unpacks to more than {size // 2**20} MB in {members} parts, which is not a "
        f"plausible {kind} file; re-save it from the word processor"
    )


def corrupt(name: str, kind: str) -> InputError:
    return InputError(
        f"{name} is not a readable {kind} file (damaged or mislabelled); "
        "open and re-save it in a word processor, or export it as .txt"
    )
