"""Text cells that are safe to open in a spreadsheet, and the exact way back.

Excel and LibreOffice run a cell that starts with `=`, `+`, `-` or `@` as a formula (and a
leading tab or carriage return lets one slip past some filters), so a transcript line such as
`=HYPERLINK(...)` must not reach a spreadsheet as it is (OWASP, "CSV Injection"). `guard` puts a
`'` before such a cell, which spreadsheets show as text.

`guard` also marks a cell that already looks guarded (`'=…`, `''=…`: quotes then a formula
character), so that `unguard(guard(s)) == s` for every string: a memo that really begins with
`'=` comes back from an export and `qcode import-codings` exactly as it was.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Zero or more quotes, then a character a spreadsheet would act on.
_NEEDS_GUARD = re.compile(r"'*[=+\-@\t\r]")


def needs_guard(cell: str) -> bool:
    return _NEEDS_GUARD.match(cell) is not None


def guard(cell: str) -> str:
    """The cell as a spreadsheet will show it and never run it."""
    return "'" + cell if _NEEDS_GUARD.match(cell) else cell


def unguard(cell: str) -> str:
    """Inverse of `guard`: removes the `'` only where `guard` put one."""
    if cell.startswith("'") and _NEEDS_GUARD.match(cell, 1):
        return cell[1:]
    return cell
