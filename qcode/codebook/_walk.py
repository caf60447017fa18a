"""Walking the composed YAML tree into raw codebook records (no cross-code checks yet)."""

from __future__ import annotations

from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, SequenceNode

from qcode.codebook import _fields as f
from qcode.codebook._problems import Problems, line_of
from qcode.codebook._yaml import is_null, is_refused, kind

TOP_KEYS = ("codebook", "version", "description", "authors", "language", "references", "codes")
TOP_REQUIRED = ("codebook", "version", "codes")
TOP_HINTS = {
    "name": "codebook",
    "title": "codebook",
    "author": "authors",
    "reference": "references",
    "definition": "description",
    "lang": "language",
}
CODE_KEYS = (
    "id",
    "label",
    "brief",
    "definition",
    "when_to_use",
    "when_not_to_use",
    "examples",
    "counterexamples",
    "colour",
    "color",
    "memo",
    "renamed_from",
    "retired",
    "apply",
    "parent",
    "children",
)
CODE_REQUIRED = ("id", "label", "definition")
CODE_HINTS = {
    "name": "label",
    "title": "label",
    "description": "definition",
    "inclusion": "when_to_use",
    "exclusion": "when_not_to_use",
    "example": "examples",
    "counterexample": "counterexamples",
    "codes": "children",
    "subcodes": "children",
    "note": "memo",
    "notes": "memo",
    "renamed": "renamed_from",
}
_TEXT_KEYS = ("brief", "when_to_use", "when_not_to_use", "memo")


@dataclass
class RawCode:
    node: MappingNode
    nested_parent: RawCode | None
    id: str | None = None  # as written (already reported if malformed)
    id_node: Node | None = None
    parent: str | None = None  # as written under `parent:`
    parent_node: Node | None = None
    effective_parent: str | None = None  # set by the cross-code checks
    renamed_from: list[tuple[str, Node]] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)

    @property
    def line(self) -> int:
        return line_of(self.id_node if self.id_node is not None else self.node)

    @property
    def anchor(self) -> Node:
        return self.id_node if self.id_node is not None else self.node


@dataclass
class RawCodebook:
    values: dict[str, object]
    codes: list[RawCode]


def walk_codebook(root: Node | None, problems: Problems) -> RawCodebook | None:
    if root is None or is_null(root):
        problems.at(root, "the codebook is empty; it needs `codebook`, `version` and `codes`")
        return None
    if is_refused(root):
        return None
    if not isinstance(root, MappingNode):
        problems.at(
            root,
            f"a codebook must be a mapping with `codebook`, `version` and `codes`, not a {kind(root)}",
        )
        return None
    entries = f.read_mapping(root, TOP_KEYS, TOP_HINTS, problems)
    for key in TOP_REQUIRED:
        if key not in entries:
            problems.at(root, f"missing required key `{key}`")
    values: dict[str, object] = {}
    for key in ("codebook", "version"):
        if key in entries:
            values[key] = f.required_text(entries[key][1], key, problems)
    for key in ("description", "language"):
        if key in entries:
            values[key] = f.optional_text(entries[key][1], key, problems)
    for key in ("authors", "references"):
        if key in entries:
            values[key] = f.text_list(entries[key][1], key, problems)
    codes: list[RawCode] = []
    if "codes" in entries:
        _walk_code_list(entries["codes"][1], None, "codes", codes, problems)
    return RawCodebook(values, codes)


def _walk_code_list(
    node: Node, parent: RawCode | None, key: str, out: list[RawCode], problems: Problems
) -> None:
    if is_refused(node):
        return
    if isinstance(node, MappingNode):
        problems.at(node, f"`{key}` must be a list of codes, each starting with `- id: ...`, not a mapping")
        return
    if is_null(node) or (isinstance(node, SequenceNode) and not node.value):
        if key == "codes":
            problems.at(node, "`codes` is empty; list at least one code")
        return
    if not isinstance(node, SequenceNode):
        problems.at(node, f"`{key}` must be a list of codes, not a {kind(node)}")
        return
    for item in node.value:
        _walk_code(item, parent, out, problems)


def _walk_code(node: Node, parent: RawCode | None, out: list[RawCode], problems: Problems) -> None:
    if is_refused(node):
        return
    if not isinstance(node, MappingNode):
        problems.at(
            node,
            f"each code must be a mapping with `id`, `label` and `definition`, not a {kind(node)}",
        )
        return
    raw = RawCode(node=node, nested_parent=parent)
    out.append(raw)
    entries = f.read_mapping(node, CODE_KEYS, CODE_HINTS, problems)
    _read_code_values(raw, entries, problems)
    for key in CODE_REQUIRED:
        if key not in entries:
            named = f"code `{f.preview(raw.id)}`" if raw.id else "code"
            problems.at(node, f"{named} is missing required key `{key}`")
    if "children" in entries:
        _walk_code_list(entries["children"][1], raw, "children", out, problems)


def _read_code_values(raw: RawCode, entries: f.Entries, problems: Problems) -> None:
    if "id" in entries:
        raw.id_node = entries["id"][1]
        raw.id = f.required_text(raw.id_node, "id", problems)
        if raw.id is not None:
            f.check_id(raw.id, raw.id_node, problems)
    for key in ("label", "definition"):
        if key in entries:
            raw.values[key] = f.required_text(entries[key][1], key, problems)
    for key in _TEXT_KEYS:
        if key in entries:
            raw.values[key] = f.optional_text(entries[key][1], key, problems)
    for key in ("examples", "counterexamples"):
        if key in entries:
            raw.values[key] = f.text_list(entries[key][1], key, problems)
    for key in ("retired", "apply"):
        if key in entries:
            raw.values[key] = f.flag(entries[key][1], key, problems)
    _read_colour(raw, entries, problems)
    _read_references(raw, entries, problems)


def _read_colour(raw: RawCode, entries: f.Entries, problems: Problems) -> None:
    if "colour" in entries and "color" in entries:
        later = max(entries["colour"][0], entries["color"][0], key=_position)
        problems.at(later, "both `colour` and `color` given; keep one")
        return
    key = "colour" if "colour" in entries else "color"
    if key in entries:
        raw.values["colour"] = f.colour(entries[key][1], key, problems)


def _read_references(raw: RawCode, entries: f.Entries, problems: Problems) -> None:
    if "parent" in entries:
        node = entries["parent"][1]
        raw.parent = f.optional_text(node, "parent", problems)
        raw.parent_node = node
    if "renamed_from" not in entries:
        return
    node = entries["renamed_from"][1]
    f.text_list(node, "renamed_from", problems)  # reports the shape; ids are read below
    if not isinstance(node, SequenceNode):
        return
    for item in node.value:
        value = f.text(item, "renamed_from", Problems()) if not is_refused(item) else None
        if not value:
            continue
        if f.is_valid_id(value):
            raw.renamed_from.append((value, item))
        else:
            problems.at(item, f.invalid_id_message(value, "renamed_from"))


def _position(node: Node) -> tuple[int, int]:
    return (node.start_mark.line, node.start_mark.column)
