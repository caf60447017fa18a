"""Pseudonymising an export: names replaced by the pseudonyms of a two-column CSV.

`MAP.csv` has a header `name,pseudonym` (or `original,replacement`) and one name a line. A name
is replaced wherever it stands as a whole word (not inside a longer word: `Ana` is not replaced
in `Banana`), longest names first, with case as written. Exports apply it to every cell that
holds a name or transcript text — document, case, coder and speaker names, attribute values,
quotes and memos — and to column headings that are such names; codes are left alone.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from qcode.errors import InputError

_NAME_COLUMNS = ("name", "original")
_PSEUDONYM_COLUMNS = ("pseudonym", "replacement")
MAX_BYTES = 20 * 2**20


@dataclass(frozen=True)
class Pseudonyms:
    mapping: dict[str, str]
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        names = sorted(self.mapping, key=lambda n: (-len(n), n))
        # Letters and digits around a name would make it part of a longer word.
        pattern = "|".join(re.escape(n) for n in names)
        object.__setattr__(self, "_pattern", re.compile(rf"(?<![^\W_])(?:{pattern})(?![^\W_])")
                           if names else None)

    def apply(self, text: str) -> str:
        exact = self.mapping.get(text)
        if exact is not None:
            return exact
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self.mapping[m.group(0)], text)

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """Where names stand in `text` (as `apply` finds them): (start, end, pseudonym) each, in
        order, for a caller that must move offsets into the text along with it."""
        if self._pattern is None:
            return []
        return [(m.start(), m.end(), self.mapping[m.group(0)]) for m in self._pattern.finditer(text)]


def read_pseudonyms(path: Path) -> Pseudonyms:
    """Read MAP.csv; every problem is an `InputError` naming the file and line."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(f"{path}: larger than {MAX_BYTES // 2**20} MB")
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from exc
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    name_col = next((header.index(c) for c in _NAME_COLUMNS if c in header), None)
    alias_col = next((header.index(c) for c in _PSEUDONYM_COLUMNS if c in header), None)
    if name_col is None or alias_col is None:
        raise InputError(f"{path}:1: the header must name the columns `name` and `pseudonym`",
                         hint="e.g. `name,pseudonym` then `Jelena Ristić,Respondent A`")
    mapping: dict[str, str] = {}
    for line, cells in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) <= max(name_col, alias_col):
            raise InputError(f"{path}:{line}: expected a name and its pseudonym")
        name, alias = cells[name_col].strip(), cells[alias_col].strip()
        if not name:
            raise InputError(f"{path}:{line}: the name is empty")
        if mapping.get(name, alias) != alias:
            raise InputError(f"{path}:{line}: `{name}` has two pseudonyms: "
                             f"`{mapping[name]}` and `{alias}`")
        mapping[name] = alias
    return Pseudonyms(mapping)
