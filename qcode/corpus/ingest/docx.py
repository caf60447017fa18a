"""Word documents (.docx): body paragraphs and tables, in order.

Text is taken from the XML runs directly rather than `Paragraph.text`, so that inserted
(tracked) text, content controls and fields are kept and deleted text is not.
"""

from __future__ import annotations

from typing import Any

from qcode.corpus.ingest.base import ParsedDocument
from qcode.corpus.ingest.common import corrupt, join_blocks, open_zip, transcript_document
from qcode.errors import InputError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_RUN_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n"}
_RUN_TEXT[f"{_W}noBreakHyphen"] = "-"


def read(data: bytes, name: str) -> ParsedDocument:
    import io

    import docx

    open_zip(data, name=name, kind="Word (.docx)").close()
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = _blocks(document.element.body)
    except Exception as exc:
        raise corrupt(name, "Word (.docx)") from exc
    if not any(b.strip() for b in blocks):
        raise InputError(f"{name} has no text to import; check that it is the right file")
    return transcript_document(join_blocks(blocks), name=name)


def _blocks(container: Any) -> list[str]:
    """One string per paragraph; a table row becomes one line with TAB between cells."""
    blocks: list[str] = []
    for child in container.iterchildren():
        if child.tag == f"{_W}p":
            blocks.append(_paragraph_text(child))
        elif child.tag == f"{_W}tbl":
            blocks.extend(_table_rows(child))
        elif child.tag == f"{_W}sdt":
            for content in child.iterchildren(f"{_W}sdtContent"):
                blocks.extend(_blocks(content))
    return blocks


def _table_rows(table: Any) -> list[str]:
    rows: list[str] = []
    for row in table.iter(f"{_W}tr"):
        cells: list[str] = []
        for cell in row.iterchildren(f"{_W}tc"):
            text = " ".join(_paragraph_text(p) for p in cell.iterchildren(f"{_W}p")).strip()
            if not cells or text != cells[-1]:  # merged cells repeat their text
                cells.append(text)
        rows.append("\t".join(cells))
    return rows


def _paragraph_text(paragraph: Any) -> str:
    parts: list[str] = []
    skip: Any = None
    for node in paragraph.iter():
        if skip is not None:
            if _inside(node, skip):
                continue
            skip = None
        if node.tag == _FALLBACK:  # duplicate of the mc:Choice content
            skip = node
            continue
        if node.tag in _RUN_TEXT:
            fixed = _RUN_TEXT[node.tag]
            parts.append(node.text or "" if fixed is None else fixed)
    return "".join(parts)


def _inside(node: Any, ancestor: Any) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.getparent()
    return False
