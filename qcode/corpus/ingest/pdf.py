"""PDF transcripts (.pdf): the text layer, with page furniture removed.

Only text a PDF already carries is read; a scanned PDF without a text layer is refused
with a hint to run OCR. Page markers ("1/5", "Page 2 of 9") and the line-number column
that QDA exports print down the margin are dropped from the top and bottom of each page,
and TABs (which pypdf emits between words of some PDFs) become spaces.
"""

from __future__ import annotations

import re

from qcode.corpus.ingest.base import ParsedDocument
from qcode.corpus.ingest.common import transcript_document
from qcode.errors import InputError

_PAGE_MARK = re.compile(
    r"^\s*(?:\d{1,4}\s*/\s*\d{1,4}|[-–]\s*\d{1,4}\s*[-–]|\d{1,4}"
    r"|(?:page|strana|стр\.?|str\.?)\s*\d{1,4}(?:\s*(?:of|od|/)\s*\d{1,4})?)\s*$",
    re.I,
)
_MIN_CHARS = 20  # fewer visible characters than this on all pages means no text layer


def read(data: bytes, name: str) -> ParsedDocument:
    import io
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable noise
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{name} is password-protected; save an unprotected copy")
        pages = [_clean_page(page.extract_text() or "") for page in reader.pages]
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            f"{name} is not a readable PDF (damaged or mislabelled); "
            "export it again from its program, or as .docx or .txt"
        ) from exc
    text = _join_pages(pages)
    if sum(1 for ch in text if not ch.isspace()) < _MIN_CHARS:
        raise InputError(
            f"{name} has no text layer (a scanned image?); run OCR on it first "
            "(e.g. ocrmypdf) or import a .docx/.txt version"
        )
    return transcript_document(text, name=name)


def _clean_page(text: str) -> tuple[str, bool, bool]:
    """Page text without edge furniture, and whether a blank line stood at each edge."""
    lines = text.replace("\t", " ").split("\n")
    gap_before = gap_after = False
    while lines and (not lines[0].strip() or _PAGE_MARK.match(lines[0])):
        gap_before |= not lines.pop(0).strip()
    while lines and (not lines[-1].strip() or _PAGE_MARK.match(lines[-1])):
        gap_after |= not lines.pop().strip()
    return "\n".join(lines), gap_before, gap_after


def _join_pages(pages: list[tuple[str, bool, bool]]) -> str:
    """A paragraph that ends with its page stays apart from the next page's first one."""
    parts: list[str] = []
    gap = False
    for text, gap_before, gap_after in pages:
        if not text:
            gap = gap or gap_before or gap_after
            continue
        if parts:
            parts.append("\n\n" if gap or gap_before else "\n")
        parts.append(text)
        gap = gap_after
    return "".join(parts)
