"""Adding a code to a YAML codebook file as a text edit that keeps everything else.

A YAML round trip (load, change, dump) would lose the comments, blank lines and quoting that
make a codebook readable, so the new code is *inserted* as text: the file is composed with the
safe loader only to find where its lists end and how they are indented, and the new lines go
in after the last sibling, written in the file's own newline style. Every original byte stays
where it was; the result is parsed again and must hold exactly the old codes plus the new one.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from qcode.codebook._fields import preview
from qcode.codebook._problems import Problems, line_of
from qcode.codebook._walk import walk_codebook
from qcode.codebook._yaml import compose, is_null
from qcode.codebook.model import Codebook
from qcode.codebook.parse import load_codebook_file, parse_codebook
from qcode.errors import CodebookError, InputError, NotFoundError, QcodeError

_WIDE = 1 << 30  # never fold long lines: a definition stays on the line it was typed on
_ODD_BREAKS = "\r\x85\u2028\u2029"  # line breaks a literal block would not keep exactly


@dataclass(frozen=True)
class NewCode:
    """The fields `qcode codebook add` can set; the others are edited in the file."""

    id: str
    label: str
    definition: str
    parent: str | None = None
    brief: str | None = None
    when_to_use: str | None = None
    when_not_to_use: str | None = None
    examples: tuple[str, ...] = ()
    colour: str | None = None


@dataclass(frozen=True)
class FileEdit:
    """A planned edit of a codebook file: its bytes before and after, and the new codebook."""

    path: Path  # the real file (symlinks resolved), which is what gets replaced
    before: bytes
    after: bytes
    book: Codebook = field(repr=False)


@dataclass(frozen=True)
class _Layout:
    dash_col: int  # column of the new item's `-`
    key_offset: int  # from the `-` to the item's keys (`- id:` gives 2)
    seq_offset: int  # from a key to the `-` of a list under it (0 for `key:\n- item`)


@dataclass(frozen=True)
class _Insertion:
    pos: int  # index in the text, at the start of a line (or the end of the text)
    lines: list[str]  # without line breaks


# ---------------------------------------------------------------------------------------------
# The text edit


def add_code_text(
    yaml_text: str, *, filename: str, code: NewCode, taken: frozenset[str] | None = None
) -> str:
    """`yaml_text` with `code` appended among its siblings, every original line kept as it was.

    Raises CodebookError if the text or the new code has problems (an id already used, a bad
    colour, ...), NotFoundError for an unknown parent, and CodebookError for lists written in
    flow style (`[...]`), which cannot be extended without rewriting them.
    """
    return _add(yaml_text, filename, code, taken)[0]


def _add(
    yaml_text: str, filename: str, code: NewCode, taken: frozenset[str] | None
) -> tuple[str, Codebook]:
    """The edited text and codebook; with `taken` (the labels in use), the `version:` label
    moves on to one not among them, so two different codebooks never share a label."""
    code = _normalised(code)
    bom = "\ufeff" if yaml_text.startswith("\ufeff") else ""
    text = yaml_text[len(bom) :]
    with _original_must_be_valid():
        old = parse_codebook(text, filename=filename)
    code = replace(code, parent=_check_new(old, code, filename))
    root = compose(text, Problems())
    assert isinstance(root, MappingNode)  # the text was just parsed as a valid codebook
    new_text = _splice(text, _plan(text, root, code), _newline(text))
    if taken is not None:
        new_text = _bump_version(new_text, taken | {old.version})
    book = _validate(new_text, filename, code)
    _check_only_added(old, book, code, filename)
    return bom + new_text, book


def _normalised(code: NewCode) -> NewCode:
    """Values as the parser will store them (NFC, stripped), so they can be compared after."""

    def norm(value: str) -> str:
        return unicodedata.normalize("NFC", value).strip()

    def optional(value: str | None) -> str | None:
        return norm(value) or None if value is not None else None

    return NewCode(
        id=norm(code.id),
        label=norm(code.label),
        definition=norm(code.definition),
        parent=optional(code.parent),
        brief=optional(code.brief),
        when_to_use=optional(code.when_to_use),
        when_not_to_use=optional(code.when_not_to_use),
        examples=tuple(norm(e) for e in code.examples),
        colour=optional(code.colour),
    )


@contextlib.contextmanager
def _original_must_be_valid() -> Iterator[None]:
    try:
        yield
    except CodebookError as exc:
        raise CodebookError(
            exc.message, problems=exc.problems, hint="fix them before adding a code"
        ) from None


def _check_new(old: Codebook, code: NewCode, filename: str) -> str | None:
    """Refuse an id in use; return the parent's id as written in the file (or None)."""
    existing = old.get(code.id)
    if existing is not None:
        raise CodebookError(
            f"code `{existing.id}` already exists in {filename} (line {existing.line})",
            hint="choose another id",
        )
    current = old.resolve_id(code.id)
    if current is not None:
        raise CodebookError(
            f"`{preview(code.id)}` is a former id of `{current}` (listed in its `renamed_from`)",
            hint="choose another id",
        )
    if code.parent is None:
        return None
    try:
        return old.by_id(code.parent).id
    except NotFoundError as exc:
        raise NotFoundError(
            f"unknown parent `{preview(code.parent)}` in {filename}", hint=exc.hint
        ) from None


def _validate(new_text: str, filename: str, code: NewCode) -> Codebook:
    try:
        return parse_codebook(new_text, filename=filename)
    except CodebookError as exc:
        # The original was valid, so every problem is the new code's; its line numbers would
        # point into a file that was never written.
        problems = [_without_position(p, filename) for p in exc.problems]
        if len(problems) == 1:
            raise CodebookError(f"cannot add code `{preview(code.id)}`: {problems[0]}") from None
        raise CodebookError(
            f"cannot add code `{preview(code.id)}`: {len(problems)} problems", problems=problems
        ) from None


def _without_position(problem: str, filename: str) -> str:
    rest = problem.removeprefix(f"{filename}:")
    return re.sub(r"^\d+:\d+: ", "", rest)


def _check_only_added(old: Codebook, new: Codebook, code: NewCode, filename: str) -> None:
    """The safety net: the new file must hold the old codebook plus exactly the new code."""
    added = new.get(code.id)
    wanted = (code.label, code.definition, code.parent, code.brief, code.when_to_use,
              code.when_not_to_use, code.examples, code.colour.lower() if code.colour else None)
    got = None if added is None else (
        added.label, added.definition, added.parent, added.brief, added.when_to_use,
        added.when_not_to_use, added.examples, added.colour)
    if got != wanted or _others(old, None) != _others(new, code.id):
        raise QcodeError(
            f"could not add `{code.id}` to {filename} without changing the rest of it",
            hint="add the code by hand and run `qcode codebook load`",
        )


def _others(book: Codebook, skip: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    # Position among siblings may shift when a later code names the same parent; order is kept.
    codes = {c.id: {**c.to_dict(), "line": 0, "position": 0} for c in book.codes if c.id != skip}
    top = {**book.to_dict(), "codes": None, "source": None, "version": None}
    return top, codes


def next_label(label: str, taken: frozenset[str]) -> str:
    """The next version label not yet used: `1` -> `2`, `1.4` -> `1.5`, `v3` -> `v4`,
    `draft` -> `draft.1`; then onwards until the label is new to the project."""
    match = re.search(r"(\d+)(\D*)$", label)
    while True:
        if match:
            number = str(int(match.group(1)) + 1)
            label = label[: match.start(1)] + number + match.group(2)
        else:
            label = f"{label}.1"
        match = re.search(r"(\d+)(\D*)$", label)
        if label not in taken:
            return label


def _bump_version(text: str, taken: frozenset[str]) -> str:
    """The text with its `version:` value replaced by the next label, quoted as it was."""
    root = compose(text, Problems())
    assert isinstance(root, MappingNode)
    entry = _entry(root, "version")
    if entry is None or not isinstance(entry[1], ScalarNode):
        return text
    node = entry[1]
    new = next_label(str(node.value), taken)
    quote = node.style if node.style in ("'", '"') else ""
    if (not quote and not re.fullmatch(r"[A-Za-z0-9_.-]+", new)) or re.fullmatch(r"[\d.]+", new):
        quote = quote or '"'  # a bare 2 or 1.5 would read back as a number
    start, end = node.start_mark.index, node.end_mark.index
    return text[:start] + f"{quote}{new}{quote}" + text[end:]


# ---------------------------------------------------------------------------------------------
# Where the new lines go, and how they are indented


def _plan(text: str, root: MappingNode, code: NewCode) -> _Insertion:
    codes_key, codes = _entry(root, "codes") or (None, None)
    assert isinstance(codes_key, Node) and isinstance(codes, SequenceNode)
    if root.flow_style or codes.flow_style:
        _refuse_flow("`codes`", codes)
    base = _base_layout(text, root, codes_key, codes)
    if code.parent is None:
        return _append(text, codes, code, base)
    parent = _code_node(root, code.parent)
    if parent.flow_style:
        _refuse_flow(f"code `{code.parent}`", parent)
    entry = _entry(parent, "children")
    if entry is None:
        return _new_children(text, parent, code, base)
    key, value = entry
    if is_null(value):
        pos = _end_of(text, value)
        layout = replace(base, dash_col=key.start_mark.column + base.seq_offset)
        return _Insertion(pos, _item_lines(code, layout))
    assert isinstance(value, SequenceNode)
    if value.flow_style:
        _refuse_flow(f"`children` of `{code.parent}`", value)
    return _append(text, value, code, base)


def _refuse_flow(what: str, node: Node) -> None:
    raise CodebookError(
        f"{what} is written in flow style (`[...]` or `{{...}}`) at line {line_of(node)}, "
        "which cannot be extended without rewriting it",
        hint="write it as a block list, one `- id: ...` item per code, and try again",
    )


def _entry(mapping: MappingNode, name: str) -> tuple[Node, Node] | None:
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key, value
    return None


def _code_node(root: MappingNode, code_id: str) -> MappingNode:
    raw = walk_codebook(root, Problems())
    assert raw is not None
    found = next(c.node for c in raw.codes if c.id is not None and c.id.casefold() == code_id.casefold())
    return found


def _base_layout(text: str, root: MappingNode, codes_key: Node, codes: SequenceNode) -> _Layout:
    """The file's habits: how far list items sit from their key, and keys from their `-`."""
    seq_offset = codes.start_mark.column - codes_key.start_mark.column
    raw = walk_codebook(root, Problems())
    for item in raw.codes if raw is not None else []:
        entry = _entry(item.node, "children")
        if entry and isinstance(entry[1], SequenceNode) and entry[1].value and not entry[1].flow_style:
            seq_offset = entry[1].start_mark.column - entry[0].start_mark.column
            break
    key_offset = _key_offset(text, codes.value[0], codes.start_mark.column, 2)
    return _Layout(dash_col=0, key_offset=key_offset, seq_offset=seq_offset)


def _key_offset(text: str, item: Node, dash_col: int, default: int) -> int:
    start = item.start_mark.index
    if text[_line_start(text, start) : start].strip() == "-":
        return max(2, item.start_mark.column - dash_col)
    return default  # the `-` stands alone on the line above


def _append(text: str, seq: SequenceNode, code: NewCode, base: _Layout) -> _Insertion:
    last = seq.value[-1]
    dash_col = seq.start_mark.column
    layout = _Layout(dash_col, _key_offset(text, last, dash_col, base.key_offset), base.seq_offset)
    pos = _skip_comments(text, _end_of(text, last), last.start_mark.column)
    lines = _item_lines(code, layout)
    if len(seq.value) > 1 and _blank_line_before_item(text, last):
        lines.insert(0, "")
    return _Insertion(pos, lines)


def _new_children(text: str, parent: MappingNode, code: NewCode, base: _Layout) -> _Insertion:
    key_col = parent.start_mark.column
    pos = _skip_comments(text, _end_of(text, parent), key_col)
    layout = replace(base, dash_col=key_col + base.seq_offset)
    return _Insertion(pos, [" " * key_col + "children:", *_item_lines(code, layout)])


def _end_of(text: str, node: Node) -> int:
    """The start of the line after the node's last line of content."""
    while isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        node = node.value[-1][1] if isinstance(node, MappingNode) else node.value[-1]
    if _keeps_trailing_lines(text, node):
        return int(node.end_mark.index)  # `|+` owns the blank lines it ends with
    pos = node.end_mark.index
    # A block scalar's end mark lies past the blank lines that follow it.
    while pos > node.start_mark.index and text[pos - 1] in " \t\r\n":
        pos -= 1
    return _line_end(text, pos)


def _keeps_trailing_lines(text: str, node: Node) -> bool:
    if not isinstance(node, ScalarNode) or node.style not in ("|", ">"):
        return False
    start = node.start_mark.index
    header = text[start : _line_end(text, start)].split("#", 1)[0]
    return "+" in header


def _skip_comments(text: str, pos: int, min_indent: int) -> int:
    """Past comment lines indented at least `min_indent`: notes on the code just ended."""
    while pos < len(text):
        end = _line_end(text, pos)
        line = text[pos:end].rstrip("\r\n")
        body = line.lstrip(" ")
        if not body.startswith("#") or len(line) - len(body) < min_indent:
            break
        pos = end
    return pos


def _blank_line_before_item(text: str, item: Node) -> bool:
    dash = item.start_mark.index - 1
    while dash > 0 and text[dash] != "-":
        dash -= 1
    start = _line_start(text, dash)
    if start == 0:
        return False
    end = start - 2 if text[start - 2 : start] == "\r\n" else start - 1
    return not text[_line_start(text, end) : end].strip()


def _line_start(text: str, pos: int) -> int:
    return max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1


def _line_end(text: str, pos: int) -> int:
    """The index just past the line break ending the line that holds `pos` (or the text's end)."""
    match = re.compile(r"\r\n|\r|\n").search(text, pos)
    return match.end() if match else len(text)


def _newline(text: str) -> str:
    match = re.search(r"\r\n|\r|\n", text)
    return match.group() if match else "\n"


def _splice(text: str, insertion: _Insertion, newline: str) -> str:
    block = newline.join(insertion.lines)
    pos = insertion.pos
    if pos == len(text) and text and not text.endswith(("\n", "\r")):
        return text + newline + block  # the file ends without a line break, and still does
    return text[:pos] + block + newline + text[pos:]


# ---------------------------------------------------------------------------------------------
# Writing the new code's lines


class _Dumper(yaml.SafeDumper):
    pass


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text reads best as a `|` block; the emitter falls back to double quotes where
    # a block cannot hold the text exactly (trailing spaces on a line, control characters).
    # Rare line breaks (U+2028, NEL) are escaped in double quotes rather than written raw.
    if any(ch in _ODD_BREAKS for ch in value):
        style: str | None = '"'
    else:
        style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def _scalar(value: str) -> list[str]:
    """YAML for one string: the part after `key: ` or `- `, then any block lines (indent 2)."""
    out = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, width=_WIDE)
    out = out.removesuffix("\n...\n")  # the end-of-document marker after a plain scalar
    return out.rstrip("\n").split("\n")


def _scalar_lines(lead: str, value: str, indent: int) -> list[str]:
    head, *body = _scalar(value)
    return [lead + head, *(" " * indent + line if line else "" for line in body)]


def _item_lines(code: NewCode, layout: _Layout) -> list[str]:
    key_col = layout.dash_col + layout.key_offset
    fields = [("id", code.id), ("label", code.label), ("brief", code.brief),
              ("definition", code.definition), ("when_to_use", code.when_to_use),
              ("when_not_to_use", code.when_not_to_use)]
    lines: list[str] = []
    for key, value in fields:
        if value is not None:
            lines += _scalar_lines(f"{' ' * key_col}{key}: ", value, key_col)
    if code.examples:
        lines.append(" " * key_col + "examples:")
        dash_col = key_col + layout.seq_offset
        for example in code.examples:
            lines += _scalar_lines(f"{' ' * dash_col}- ", example, dash_col)
    if code.colour is not None:
        lines += _scalar_lines(f"{' ' * key_col}colour: ", code.colour, key_col)
    dash = " " * layout.dash_col + "-" + " " * (layout.key_offset - 1)
    lines[0] = dash + lines[0][key_col:]
    return lines


# ---------------------------------------------------------------------------------------------
# The file


def codebook_file(given: Path | None, source: str | None, version: int | None) -> Path:
    """The file to add to: `given`, else the source of the project's latest codebook version."""
    if given is not None:
        return given
    if source is None:
        raise InputError(
            "the project has no codebook file to add the code to",
            hint="pass --file FILE, or load a codebook with `qcode codebook load FILE`",
        )
    path = Path(source)
    if not path.is_file():
        raise InputError(
            f"the codebook file {source} (of codebook version {version}) no longer exists here",
            hint="pass --file FILE",
        )
    return path


def plan_add(path: Path, code: NewCode, taken: frozenset[str] = frozenset()) -> FileEdit:
    """Read and check `path`, and work out its new bytes (the code added, the version label
    moved on past every label in `taken`); nothing is written."""
    filename = str(path)
    with _original_must_be_valid():
        load_codebook_file(path)  # readable, UTF-8, small, valid: each with its own message
    real = Path(os.path.realpath(path))
    try:
        before = real.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read codebook file {filename}: {exc.strerror or exc}") from None
    text, book = _add(before.decode("utf-8"), filename, code, taken)  # a BOM decodes to U+FEFF, kept
    return FileEdit(real, before, text.encode("utf-8"), book)


def apply_edit(edit: FileEdit) -> None:
    """Write the new bytes, refusing if the file changed since the edit was planned."""
    try:
        current = edit.path.read_bytes()
    except FileNotFoundError:
        current = b""  # a new file (`-o FILE`)
    except OSError as exc:
        raise InputError(f"cannot read codebook file {edit.path}: {exc.strerror or exc}") from None
    if current != edit.before:
        raise InputError(f"codebook file {edit.path} changed while the code was being added",
                         hint="run the command again")
    write_atomically(edit.path, edit.after)


def revert_edit(edit: FileEdit) -> bool:
    """Put the old bytes back if the file still holds the new ones; True if it now does."""
    try:
        if edit.path.read_bytes() == edit.after:
            write_atomically(edit.path, edit.before)
        return edit.path.read_bytes() == edit.before
    except (OSError, QcodeError):
        return False


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all at once: readers see the old file or the new, never half."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write codebook file {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InputError(f"cannot write codebook file {path}: {exc.strerror or exc}") from None


__all__ = [
    "FileEdit",
    "NewCode",
    "add_code_text",
    "apply_edit",
    "codebook_file",
    "next_label",
    "plan_add",
    "revert_edit",
    "write_atomically",
]
