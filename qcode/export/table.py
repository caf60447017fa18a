"""An export's table, and writing it as CSV, TSV, JSON or xlsx.

Every format is deterministic: rows and columns in the order the export gives them, numbers at
full precision (`repr` of a float), `\\n` line ends, UTF-8; xlsx members carry fixed dates, so the
same project gives the same bytes. Text cells that a spreadsheet would run as a formula are
neutralised (`qcode.coding.cells.guard`) in CSV, TSV and xlsx unless `raw`; JSON carries text as
it is. Rows are written as they come.
"""

from __future__ import annotations

import csv
import io
import json
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from qcode.coding.cells import guard
from qcode.errors import UsageError

if TYPE_CHECKING:
    from qcode.export.privacy import Pseudonyms

TABLE_FORMATS = ("csv", "tsv", "json", "xlsx")
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")



@dataclass
class Table:
    """Columns and rows (tuples of str, int, float or None) of one export."""

    name: str
    columns: list[str]
    rows: Iterable[Sequence[Any]]
    private: frozenset[int] = frozenset()  # columns whose cells hold names or transcript text
    private_header: frozenset[int] = frozenset()  # columns whose heading is such a name
    text: frozenset[int] | None = None  # columns holding only str or None (a faster check)
    repeated: frozenset[int] = frozenset()  # text columns whose values recur from row to row


@dataclass(frozen=True)
class WriteOptions:
    fmt: str = "csv"
    bom: bool = False  # a UTF-8 byte order mark, so Excel reads the CSV as UTF-8
    raw: bool = False  # leave formula-like text cells as they are
    pseudonyms: Pseudonyms | None = None


@dataclass
class _Cells:
    """Turns a row into the cells to write: pseudonyms, then the formula guard.

    A table that says which columns hold text (`Table.text`) gets a quicker look at each row:
    values of its `repeated` columns are checked once each, the other text cells joined and
    scanned at once, and a row that needs nothing is passed on as it is."""

    table: Table
    options: WriteOptions
    guard_text: bool
    private: list[int] = field(default_factory=list)
    _varying: Callable[[Sequence[Any]], Iterable[Any]] | None = None
    _repeated: Callable[[Sequence[Any]], Iterable[Any]] = lambda row: ()
    _safe: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.options.pseudonyms is not None:
            self.private = sorted(self.table.private)
            return
        if self.table.text is None:
            return
        repeated = sorted(self.table.repeated & self.table.text)
        varying = sorted(self.table.text - self.table.repeated)
        self._varying = _getter(varying)
        self._repeated = _getter(repeated)

    def header(self) -> list[str]:
        names = list(self.table.columns)
        if self.options.pseudonyms is not None:
            for index in self.table.private_header:
                names[index] = self.options.pseudonyms.apply(names[index])
        return [guard(n) for n in names] if self.guard_text else names

    def _plain(self, joined: str) -> bool:
        """Whether text cells joined by NULs (a NUL first) hold no cell `guard` would change and
        no carriage return."""
        if "\r" in joined:
            return False
        return not self.guard_text or not (
            "\x00=" in joined or "\x00+" in joined or "\x00-" in joined or "\x00@" in joined
            or "\x00\t" in joined or "\x00'" in joined)

    def plain(self, row: Sequence[Any]) -> bool:
        """Whether the row is written as it is (always False without `Table.text`)."""
        if self._varying is None:
            return False
        safe = self._safe
        for value in self._repeated(row):
            if value and value not in safe:
                if not self._plain("\x00" + value):
                    return False
                if len(safe) > 100_000:
                    safe.clear()  # memory stays bounded whatever the values
                safe.add(value)
        return self._plain("\x00" + "\x00".join(filter(None, self._varying(row))))

    def row(self, row: Sequence[Any]) -> tuple[Sequence[Any], bool]:
        """The cells, and whether one holds a carriage return."""
        if self.plain(row):
            return row, False
        cells = list(row)
        if self.private:
            apply = self.options.pseudonyms.apply  # type: ignore[union-attr]
            for index in self.private:
                if isinstance(cells[index], str):
                    cells[index] = apply(cells[index])
        if self.guard_text:
            cells = [guard(c) if c.__class__ is str else c for c in cells]
        return cells, any(c.__class__ is str and "\r" in c for c in cells)


def _getter(indexes: list[int]) -> Callable[[Sequence[Any]], Iterable[Any]]:
    if not indexes:
        return lambda row: ()
    if len(indexes) == 1:
        index = indexes[0]
        return lambda row: (row[index],)
    return operator.itemgetter(*indexes)


def write_table(table: Table, out: IO[bytes], options: WriteOptions) -> int:
    """Write `table` to a binary stream; returns the number of rows written."""
    if options.fmt not in TABLE_FORMATS:
        raise UsageError(f"--format takes {', '.join(TABLE_FORMATS)} for this export, "
                         f"not {options.fmt!r}")
    if options.bom and options.fmt not in ("csv", "tsv"):
        raise UsageError("--excel writes CSV (or TSV) with a byte order mark; "
                         f"it does not apply to {options.fmt}")
    cells = _Cells(table, options, guard_text=not options.raw and options.fmt != "json")
    writer: Callable[[_Cells, IO[bytes]], int] = {
        "csv": _write_csv, "tsv": _write_csv, "json": _write_json, "xlsx": _write_xlsx,
    }[options.fmt]
    return writer(cells, out)


def _text_stream(out: IO[bytes], bom: bool) -> io.TextIOWrapper:
    stream = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    if bom:
        stream.write("\ufeff")
    return stream


def _write_csv(cells: _Cells, out: IO[bytes]) -> int:
    stream = _text_stream(out, cells.options.bom)
    delimiter = "\t" if cells.options.fmt == "tsv" else ","
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
    # With `\n` as line end the csv module leaves a lone `\r` unquoted, and readers take it for
    # a line break: a row holding one is written with every cell quoted.
    quoting = csv.writer(stream, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(cells.header())
    count = 0
    plain: list[Sequence[Any]] = []  # rows passed on as they are, written a batch at a time
    for row in cells.table.rows:
        count += 1
        if cells.plain(row):
            plain.append(row)
            if len(plain) >= 1000:
                writer.writerows(plain)
                plain.clear()
            continue
        writer.writerows(plain)
        plain.clear()
        values, carriage_return = cells.row(row)
        (quoting if carriage_return else writer).writerow(values)
    writer.writerows(plain)
    stream.flush()
    stream.detach()
    return count


def _write_json(cells: _Cells, out: IO[bytes]) -> int:
    """A list of objects, one row a line, keys in column order."""
    stream = _text_stream(out, False)
    columns = cells.header()
    count = 0
    stream.write("[")
    for row in cells.table.rows:
        stream.write(",\n  " if count else "\n  ")
        stream.write(json.dumps(dict(zip(columns, cells.row(row)[0], strict=True)), ensure_ascii=False))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    stream.flush()
    stream.detach()
    return count


def _write_xlsx(cells: _Cells, out: IO[bytes]) -> int:
    """One sheet named after the export, its header row bold and frozen (`export.xlsx`)."""
    from qcode.export.xlsx import MAX_ROWS, TooManyRows, write_sheet

    name = _SHEET_UNSAFE.sub("_", cells.table.name)[:31] or "export"
    try:
        return write_sheet(out, name, cells.header(), (cells.row(row)[0] for row in cells.table.rows))
    except TooManyRows:
        raise UsageError(f"this export has more than {MAX_ROWS:,} rows, more than a sheet holds",
                         hint="write --format csv instead") from None
