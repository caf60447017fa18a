"""Word documents (.docx): body paragraphs and tables, in order.

Text is taken from the XML runs directly rather than `Paragraph.text`, so that inserted
(tracked) text, content controls and fields are kept and deleted text is not. The XML is read
from the checked archive with lxml (no entities, no network, lxml's size limits on), so that
nothing inflates a member that `open_zip` has not counted.

Word's Transcribe may keep the transcript in a second part, `word/document2.xml`, beside (or
instead of) the main one; the part with more text is the transcript.
"""

from __future__ import annotations

from typing import Any

from qcode.corpus.ingest.base import DEFAULTS, ParsedDocument, ReadOptions
from qcode.corpus.ingest.common import corrupt, join_blocks, open_zip, read_member, transcript_document
from qcode.errors import InputError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_RUN_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n"}
_RUN_TEXT[f"{_W}noBreakHyphen"] = "-"
_KIND = "Word (.docx)"
_PARTS = ("word/document.xml", "word/document2.xml")


def read(data: bytes, name: str, options: ReadOptions = DEFAULTS) -> ParsedDocument:
    archive = open_zip(data, name=name, kind=_KIND, max_bytes=options.max_bytes)
    with archive:
        parts = [read_member(archive, part, name=name, kind=_KIND) for part in _PARTS]
    if parts[0] is None:
        raise corrupt(name, _KIND)
    candidates = [_part_blocks(xml, name) for xml in parts if xml is not None]
    blocks = max(candidates, key=lambda bs: sum(len(b.strip()) for b in bs))
    if not any(b.strip() for b in blocks):
        raise InputError(f"{name} has no text to import; check that it is the right file")
    doc = transcript_document(join_blocks(blocks), name=name, options=options)
    if blocks is not candidates[0]:
        doc.rules.append("read the transcript from word/document2.xml")
    return doc


def _part_blocks(xml: bytes, name: str) -> list[str]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
        body = root.find(f"{_W}body")
        return _blocks(body) if body is not None else []
    except (etree.XMLSyntaxError, ValueError, RecursionError) as exc:
        raise corrupt(name, _KIND) from exc


def _blocks(container: Any) -> list[str]:
    """One string per paragraph; a table row becomes one line with TAB between cells."""
    blocks: list[str] = []
    for child in container.iterchildren():
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
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
