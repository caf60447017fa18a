"""OpenDocument text (.odt): paragraphs and headings of the body, in order.

Only the body (office:text) is read: page headers and footers live in styles.xml and
would otherwise add lines like "Page 1 of 1" to the transcript.
"""

from __future__ import annotations

from typing import Any

from qcode.corpus.ingest.base import DEFAULTS, ParsedDocument, ReadOptions
from qcode.corpus.ingest.common import corrupt, join_blocks, open_zip, transcript_document
from qcode.errors import InputError

_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_SKIP = {"note", "tracked-changes", "bookmark", "soft-page-break", "sequence-decls"}


def read(data: bytes, name: str, options: ReadOptions = DEFAULTS) -> ParsedDocument:
    import io

    from odf.opendocument import load

    # open_zip inflates every member once, counting, so odfpy cannot be made to inflate more.
    open_zip(data, name=name, kind="OpenDocument (.odt)", max_bytes=options.max_bytes).close()
    try:
        document = load(io.BytesIO(data))
        blocks = _blocks(document.text)
    except Exception as exc:
        raise corrupt(name, "OpenDocument (.odt)") from exc
    if not any(b.strip() for b in blocks):
        raise InputError(f"{name} has no text to import; check that it is the right file")
    return transcript_document(join_blocks(blocks), name=name, options=options)


def _blocks(element: Any) -> list[str]:
    blocks: list[str] = []
    for child in element.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        ns, local = child.qname
        if ns == _TEXT_NS and local in ("p", "h"):
            blocks.append(_inline(child))
        elif ns == _TABLE_NS and local == "table-row":
            cells = [
                " ".join(_blocks(cell)).strip()
                for cell in child.childNodes
                if cell.nodeType == cell.ELEMENT_NODE and cell.qname[1] == "table-cell"
            ]
            blocks.append("\t".join(cells))
        elif local not in _SKIP:
            blocks.extend(_blocks(child))  # lists, sections, tables, frames
    return blocks


def _inline(element: Any) -> str:
    parts: list[str] = []
    for node in element.childNodes:
        if node.nodeType == node.TEXT_NODE:
            parts.append(str(node.data))
            continue
        if node.nodeType != node.ELEMENT_NODE:
            continue
        ns, local = node.qname
        if ns == _TEXT_NS and local == "s":
            parts.append(" " * int(node.getAttribute("c") or 1))
        elif ns == _TEXT_NS and local == "tab":
            parts.append("\t")
        elif ns == _TEXT_NS and local == "line-break":
            parts.append("\n")
        elif local not in _SKIP:
            parts.append(_inline(node))
    return "".join(parts)
