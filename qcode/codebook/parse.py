"""Reading a codebook from YAML, reporting every problem at once as `FILE:LINE:COL: message`."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import NoReturn

from qcode.codebook._checks import check_codes
from qcode.codebook._problems import Problems
from qcode.codebook._walk import RawCode, RawCodebook, walk_codebook
from qcode.codebook._yaml import compose
from qcode.codebook.model import Code, Codebook
from qcode.errors import CodebookError, InputError

MAX_BYTES = 5 * 1024 * 1024
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def parse_codebook(text: str, *, filename: str) -> Codebook:
    """Parse codebook YAML. `filename` is only used in messages and as `Codebook.source`.

    Raises CodebookError("codebook FILE has N problems", problems=[...]) listing every
    problem found, sorted by position.
    """
    problems = Problems()
    if len(text) > MAX_BYTES:
        problems.at(None, _too_big_message())
        _raise(filename, problems)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    root = compose(text, problems)
    if root is None and len(problems):
        _raise(filename, problems)  # a syntax error: nothing more can be checked
    raw = walk_codebook(root, problems)
    if raw is None:
        _raise(filename, problems)
    check_codes(raw.codes, problems)
    if len(problems):
        _raise(filename, problems)
    return _build(raw, filename)


def load_codebook_file(path: str | os.PathLike[str]) -> Codebook:
    """Read and parse a codebook file (UTF-8, with or without BOM, at most 5 MB)."""
    filename = os.fspath(path)
    data = _read_bytes(filename)
    problems = Problems()
    if len(data) > MAX_BYTES:
        problems.at(None, _too_big_message())
        _raise(filename, problems)
    if data.startswith(_UTF16_BOMS):
        problems.at(None, "the file is UTF-16; save it as UTF-8")
        _raise(filename, problems)
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start)
        bad = f"0x{data[exc.start]:02x}"
        message = f"the file is not valid UTF-8 (byte {bad}); save it as UTF-8"
        problems.at_position(line, col, message)
        _raise(filename, problems)
    return parse_codebook(text, filename=filename)


def _read_bytes(filename: str) -> bytes:
    try:
        with open(filename, "rb") as handle:
            # Reading one byte past the limit spots huge files (and /dev/zero) without a stat race.
            return handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"codebook file {filename} does not exist", hint="check the path") from None
    except IsADirectoryError:
        raise InputError(f"codebook file {filename} is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"cannot read codebook file {filename}: permission denied") from None
    except OSError as exc:
        raise InputError(f"cannot read codebook file {filename}: {exc.strerror or exc}") from None


def _byte_position(data: bytes, index: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, index) + 1
    line = data.count(b"\n", 0, index) + 1
    col = len(data[line_start:index].decode("utf-8", errors="replace")) + 1
    return line, col


def _too_big_message() -> str:
    size = MAX_BYTES // (1024 * 1024)
    return f"the file is larger than {size} MB; a codebook is a small text file"


def _raise(filename: str, problems: Problems) -> NoReturn:
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    raise CodebookError(f"codebook {filename} has {count} {noun}", problems=problems.formatted(filename))


def _build(raw: RawCodebook, filename: str) -> Codebook:
    positions: dict[str | None, int] = {}
    codes: list[Code] = []
    for item in raw.codes:
        position = positions.get(item.effective_parent, 0)
        positions[item.effective_parent] = position + 1
        codes.append(_build_code(item, position))
    values = raw.values
    book = Codebook(
        name=str(values["codebook"]),
        version=str(values["version"]),
        description=_optional(values.get("description")),
        authors=_strings(values.get("authors")),
        language=_optional(values.get("language")),
        references=_strings(values.get("references")),
        codes=tuple(codes),
        source=filename,
    )
    return replace(book, codes=book.depth_first())


def _build_code(item: RawCode, position: int) -> Code:
    values = item.values
    return Code(
        id=str(item.id),
        label=str(values["label"]),
        brief=_optional(values.get("brief")),
        definition=str(values["definition"]),
        when_to_use=_optional(values.get("when_to_use")),
        when_not_to_use=_optional(values.get("when_not_to_use")),
        examples=_strings(values.get("examples")),
        counterexamples=_strings(values.get("counterexamples")),
        colour=_optional(values.get("colour")),
        memo=_optional(values.get("memo")),
        renamed_from=tuple(old for old, _ in item.renamed_from),
        retired=bool(values.get("retired", False)),
        apply=bool(values.get("apply", True)),
        parent=item.effective_parent,
        position=position,
        line=item.line,
    )


def _optional(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _strings(value: object) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple) else ()
