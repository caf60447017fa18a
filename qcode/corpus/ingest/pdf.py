"""PDF transcripts (.pdf): the text layer, with page furniture removed.

Text comes from PDFium (pypdfium2), which places characters by their positions on the page:
on the real transcripts it gives the same words as pypdf and pdfminer.six at a tenth to a
thirtieth of the time (see bench/bench_pdf.py), and unlike run-by-run extraction it keeps a
word whole when a Word-made PDF starts a new text run inside it (`Me l` + `lamo`). Words that
PDFium reports as hyphenated at a line end are rejoined, as are `exam-`/`ple` pairs.

Only text a PDF already carries is read; a scanned PDF without a text layer is refused with a
hint to run OCR. Page furniture is dropped and reported: page markers ("1/5", "Page 2 of 9"),
the line-number column that QDA exports print down the margin, and running headers and
footers (a line that recurs at the top or bottom of most pages). TABs become spaces.
"""

from __future__ import annotations

import re
from collections import Counter

from qcode.corpus.ingest.base import DEFAULTS, ParsedDocument, ReadOptions, Removal
from qcode.corpus.ingest.common import transcript_document
from qcode.corpus.ingest.labels import parse_candidate
from qcode.corpus.text import count_words
from qcode.errors import InputError

_PAGE_MARK = re.compile(
    r"^\s*(?:\d{1,4}\s*/\s*\d{1,4}|[-–]\s*\d{1,4}\s*[-–]|\d{1,4}"
    r"|(?:page|strana|стр\.?|str\.?|página|pagina|seite|strona|stran|pàgina)\s*\d{1,4}"
    r"(?:\s*(?:of|od|/|de|di|von|z|iz)\s*\d{1,4})?)\s*$",
    re.I,
)
_MIN_CHARS = 20  # fewer visible characters than this on all pages means no text layer
_EDGE = 2  # running headers and footers sit within this many lines of a page's top or bottom
_RUNNING_CHARS = 100  # ... are short
_RUNNING_SHARE = 0.6  # ... and recur on at least this share of the pages
_LINE_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u00ad]\n(?=[^\W\d_])")
_DIGITS = re.compile(r"\d+")


def read(data: bytes, name: str, options: ReadOptions = DEFAULTS) -> ParsedDocument:
    raw_pages = extract_pages(data, name)
    source_words = count_words("\n".join(raw_pages))
    removed: dict[str, Removal] = {}
    rules: list[str] = []
    pages = [_rejoin(page, removed) for page in raw_pages]
    pages = _drop_running(pages, removed, rules)
    cleaned = [_clean_page(page, removed) for page in pages]
    text = _join_pages(cleaned)
    if sum(1 for ch in text if not ch.isspace()) < _MIN_CHARS:
        raise InputError(
            f"{name} has no text layer (a scanned image?); run OCR on it first "
            "(e.g. ocrmypdf) or import a .docx/.txt version"
        )
    doc = transcript_document(text, name=name, options=options, source_words=source_words, removed=removed)
    doc.rules[:0] = rules
    return doc


def extract_pages(data: bytes, name: str) -> list[str]:
    """The text of each page, `\\n` line ends, TABs as spaces."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).casefold():
            raise InputError(f"{name} is password-protected; save an unprotected copy") from None
        raise _unreadable(name) from exc
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        return [page.replace("\t", " ") for page in pages]
    except pdfium.PdfiumError as exc:
        raise _unreadable(name) from exc
    finally:
        document.close()


def _unreadable(name: str) -> InputError:
    return InputError(
        f"{name} is not a readable PDF (damaged or mislabelled); "
        "export it again from its program, or as .docx or .txt"
    )


def _rejoin(page: str, removed: dict[str, Removal]) -> str:
    """`coopera-` / `tiva` at a line end is one word (PDFium marks such hyphens U+FFFE)."""
    marked = page.count("\ufffe")
    page = page.replace("\ufffe", "")
    page, broken = _LINE_HYPHEN.subn("", page)
    if marked + broken:
        entry = removed.setdefault("hyphens at line ends (words rejoined)", Removal())
        entry.items += marked + broken
        entry.chars += marked + 2 * broken
        entry.words += marked + broken
    return page


def _edge_key(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.split())).casefold()


def _drop_running(pages: list[str], removed: dict[str, Removal], rules: list[str]) -> list[str]:
    """Pages without the running header and footer lines (a line, its numbers aside, that
    recurs within the top or bottom lines of most pages)."""
    if len(pages) < 3:
        return pages
    split = [page.split("\n") for page in pages]
    seen: Counter[str] = Counter()
    for lines in split:
        filled = [ln for ln in lines if ln.strip()]
        # A speaker label at the top of most pages is speech, however alike its lines are.
        outer = [ln for ln in filled[:_EDGE] + filled[-_EDGE:] if parse_candidate(ln) is None]
        seen.update({_edge_key(ln) for ln in outer if not _PAGE_MARK.match(ln)})
    need = max(3, _RUNNING_SHARE * len(pages))
    running = {key for key, n in seen.items() if n >= need and 3 <= len(key) <= _RUNNING_CHARS}
    if not running:
        return pages
    dropped: list[str] = []
    result = []
    for lines in split:
        marked = [n for n, ln in enumerate(lines) if ln.strip()]
        edges = set(marked[:_EDGE] + marked[-_EDGE:])
        keep = [ln for n, ln in enumerate(lines) if not (n in edges and _edge_key(ln) in running)]
        dropped.extend(ln for n, ln in enumerate(lines) if n in edges and _edge_key(ln) in running)
        result.append("\n".join(keep))
    _note(removed, "page headers and footers", dropped)
    rules.append(f"dropped page headers and footers ({len(dropped)} lines)")
    return result


def _note(removed: dict[str, Removal], what: str, lines: list[str]) -> None:
    if lines:
        entry = removed.setdefault(what, Removal())
        entry.items += len(lines)
        entry.chars += sum(len(ln) + 1 for ln in lines)
        entry.words += sum(count_words(ln) for ln in lines)


def _clean_page(text: str, removed: dict[str, Removal]) -> tuple[str, bool, bool]:
    """Page text without edge page marks, and whether a blank line stood at each edge."""
    lines = text.split("\n")
    marks: list[str] = []
    gap_before = gap_after = False
    while lines and (not lines[0].strip() or _PAGE_MARK.match(lines[0])):
        line = lines.pop(0)
        gap_before |= not line.strip()
        if line.strip():
            marks.append(line)
    while lines and (not lines[-1].strip() or _PAGE_MARK.match(lines[-1])):
        line = lines.pop()
        gap_after |= not line.strip()
        if line.strip():
            marks.append(line)
    _note(removed, "page numbers and line numbers", marks)
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
