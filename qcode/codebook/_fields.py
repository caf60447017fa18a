"""Reading single YAML nodes into typed values, reporting what does not fit."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence

from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from qcode.codebook._problems import Problems, line_of
from qcode.codebook._yaml import BOOL_TAG, is_null, is_refused, kind

MAX_ID_LENGTH = 64
ID_PATTERN = r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*"
_ID_RE = re.compile(ID_PATTERN)
_COLOUR_RE = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")

Entries = dict[str, tuple[Node, Node]]


def preview(value: str, limit: int = 40) -> str:
    """A short, printable, one-line rendering of user text for a message."""
    flat = " ".join(value.split())
    flat = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in flat)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _bad_character(value: str) -> str | None:
    """The first character a database or terminal would choke on (controls, lone surrogates)."""
    for ch in value:
        if ch in "\n\t":
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs") or ch in "\ufffe\uffff":
            return ch
    return None


def read_mapping(
    node: MappingNode, allowed: Sequence[str], hints: Mapping[str, str], problems: Problems
) -> Entries:
    """Known keys → (key node, value node); reports odd, duplicate and unknown keys."""
    entries: Entries = {}
    first_seen: dict[str, Node] = {}
    for key_node, value_node in node.value:
        if is_refused(key_node):
            continue
        if not isinstance(key_node, ScalarNode):
            problems.at(key_node, f"a key must be a plain name, not a {kind(key_node)}")
            continue
        name = key_node.value
        if name in first_seen:
            first = line_of(first_seen[name])
            problems.at(key_node, f"duplicate key `{name}` (first at line {first})")
            continue
        first_seen[name] = key_node
        if name in allowed:
            entries[name] = (key_node, value_node)
        else:
            problems.at(key_node, unknown_key_message(name, allowed, hints))
    return entries


def unknown_key_message(name: str, allowed: Sequence[str], hints: Mapping[str, str]) -> str:
    candidates = [*allowed, *hints]
    match = difflib.get_close_matches(name.lower().replace("-", "_"), candidates, n=1)
    shown = preview(name)
    if match:
        return f"unknown key `{shown}` (did you mean `{hints.get(match[0], match[0])}`?)"
    return f"unknown key `{shown}` (allowed: {', '.join(allowed)})"


def text(node: Node, key: str, problems: Problems) -> str | None:
    """Any non-null scalar as written (so `version: 1.10` stays "1.10"), NFC, stripped."""
    if is_refused(node) or is_null(node):
        return None
    if not isinstance(node, ScalarNode):
        problems.at(node, f"`{key}` must be text, not a {kind(node)}")
        return None
    bad = _bad_character(node.value)
    if bad is not None:
        problems.at(node, f"`{key}` contains an invalid character (U+{ord(bad):04X}); remove it")
        return None
    return unicodedata.normalize("NFC", node.value).strip()


def required_text(node: Node, key: str, problems: Problems) -> str | None:
    if is_refused(node):
        return None
    if is_null(node) or (isinstance(node, ScalarNode) and not node.value.strip()):
        problems.at(node, f"`{key}` is empty")
        return None
    return text(node, key, problems)


def optional_text(node: Node, key: str, problems: Problems) -> str | None:
    return text(node, key, problems) or None


def text_list(node: Node, key: str, problems: Problems) -> tuple[str, ...]:
    if is_refused(node) or is_null(node):
        return ()
    if not isinstance(node, SequenceNode):
        problems.at(node, f"`{key}` must be a list of strings (one `- ...` line each)")
        return ()
    values: list[str] = []
    for number, item in enumerate(node.value, 1):
        if is_refused(item):
            continue
        if not isinstance(item, ScalarNode):
            problems.at(
                item,
                f"`{key}` item {number} must be a string, not a {kind(item)} (quote it if it contains `: `)",
            )
            continue
        if is_null(item) or not item.value.strip():
            problems.at(item, f"`{key}` item {number} is empty")
            continue
        value = text(item, key, problems)
        if value is not None:
            values.append(value)
    return tuple(values)


def flag(node: Node, key: str, problems: Problems) -> bool:
    if is_refused(node):
        return False
    if isinstance(node, ScalarNode) and node.tag == BOOL_TAG:
        value = SafeConstructor.bool_values.get(node.value.lower())
        if value is not None:
            return bool(value)
    shown = preview(node.value) if isinstance(node, ScalarNode) else f"a {kind(node)}"
    problems.at(node, f"`{key}` must be true or false, not `{shown}`")
    return False


def colour(node: Node, key: str, problems: Problems) -> str | None:
    if is_null(node):
        problems.at(
            node,
            f'`{key}` is empty; quote hex colours (`{key}: "#4e79a7"`): an unquoted # starts a comment',
        )
        return None
    value = text(node, key, problems)
    if value is None:
        return None
    if not _COLOUR_RE.fullmatch(value):
        problems.at(node, f'invalid colour `{preview(value)}`: use #RGB or #RRGGBB, e.g. "#4e79a7"')
        return None
    return value.lower()


def check_id(value: str, node: Node, problems: Problems) -> bool:
    """True for a well-formed id; otherwise report why not."""
    if len(value) > MAX_ID_LENGTH:
        problems.at(
            node,
            f"id `{preview(value)}` is too long ({len(value)} characters; at most {MAX_ID_LENGTH})",
        )
        return False
    if not _ID_RE.fullmatch(value):
        problems.at(node, invalid_id_message(value, "id"))
        return False
    return True


def invalid_id_message(value: str, key: str) -> str:
    where = "" if key == "id" else f" in `{key}`"
    message = (
        f"invalid id `{preview(value)}`{where}: use lower-case letters, digits and `_`,"
        " starting with a letter (`.` may separate parts)"
    )
    suggestion = suggest_id(value)
    return f"{message}; try `{suggestion}`" if suggestion else message


def suggest_id(value: str) -> str | None:
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_.]+", "_", ascii_text.lower())
    slug = re.sub(r"_*\._*", ".", slug).strip("_.")
    slug = re.sub(r"\.+", ".", slug)
    if _ID_RE.fullmatch(slug) and len(slug) <= MAX_ID_LENGTH:
        return slug
    return None


def is_valid_id(value: str) -> bool:
    return len(value) <= MAX_ID_LENGTH and _ID_RE.fullmatch(value) is not None
