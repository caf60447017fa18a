"""A one-sheet xlsx workbook written directly as SpreadsheetML (ECMA-376, Office Open XML).

Why not a library: exports stream rows, and a general workbook library builds a cell object per
cell (openpyxl's write-only mode still spends ~10 µs on each), which puts a quote table of a few
thousand codings over a second. The parts written here are the few a workbook needs: content
types, relationships, the workbook, a style sheet (the bold header) and the sheet itself, its
first row frozen. Text goes in as inline strings, so a cell is never a formula. Members carry a
fixed date and the archive is built in a spooled temporary file, so the same table always gives
the same bytes, to a file or a pipe.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

MAX_ROWS = 1_048_575  # a sheet's 1,048,576 rows, less the header
_DATE = (2000, 1, 1, 0, 0, 0)
# Characters XML 1.0 cannot carry; they show as the replacement character.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = _HEAD + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = _HEAD + (
    f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = _HEAD + (
    f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC_RELS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = _HEAD + (
    f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = _HEAD + (
    f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    "<sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"


class TooManyRows(Exception):
    pass


def column_letters(count: int) -> list[str]:
    """A, B, …, Z, AA, AB, … for the first `count` columns."""
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value))


def _row(number: int, letters: Sequence[str], cells: Sequence[Any], style: str = "") -> str:
    out = [f'<row r="{number}">']
    for letter, value in zip(letters, cells, strict=True):
        if value is None or value == "":
            continue  # an empty cell, as in CSV
        if value.__class__ is str:
            out.append(f'<c r="{letter}{number}" t="inlineStr"{style}><is><t xml:space="preserve">'
                       f"{_text(value)}</t></is></c>")
        elif isinstance(value, bool):
            out.append(f'<c r="{letter}{number}" t="b"{style}><v>{int(value)}</v></c>')
        else:
            out.append(f'<c r="{letter}{number}"{style}><v>{value!r}</v></c>')
    out.append("</row>")
    return "".join(out)


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_sheet(out: IO[bytes], name: str, header: Sequence[str],
                rows: Iterable[Sequence[Any]]) -> int:
    """Write a workbook of one sheet; returns the number of rows (TooManyRows past the limit)."""
    letters = column_letters(len(header))
    count = 0
    with tempfile.SpooledTemporaryFile(max_size=32 * 2**20) as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, content in (("[Content_Types].xml", _CONTENT_TYPES),
                                    ("_rels/.rels", _ROOT_RELS),
                                    ("xl/workbook.xml", _workbook(name)),
                                    ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
                                    ("xl/styles.xml", _STYLES)):
                archive.writestr(_member(member), content)
            with archive.open(_member("xl/worksheets/sheet1.xml"), "w") as sheet:
                sheet.write((_SHEET_START + _row(1, letters, header, ' s="1"')).encode("utf-8"))
                lines: list[str] = []
                for row in rows:
                    if count >= MAX_ROWS:
                        raise TooManyRows
                    count += 1
                    lines.append(_row(count + 1, letters, row))
                    if len(lines) >= 1000:
                        sheet.write("".join(lines).encode("utf-8"))
                        lines.clear()
                sheet.write(("".join(lines) + _SHEET_END).encode("utf-8"))
        spool.seek(0)
        shutil.copyfileobj(spool, out)
    return count


def _workbook(name: str) -> str:
    attribute = quoteattr(_NOT_XML.sub("\ufffd", name))
    return _HEAD + (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><sheets>'
        f'<sheet name={attribute} sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
