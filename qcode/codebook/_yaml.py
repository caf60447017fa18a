"""YAML to position-carrying nodes, safely.

Only `yaml.compose` is used: nothing is ever constructed, so no tag can run code. On top of
that the loader refuses non-standard tags, anchors and aliases (which also defuses "billion
laughs" alias bombs) and limits nesting depth, recording each refusal as a problem and
carrying on, so that one run reports everything.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.error import Mark
from yaml.events import AliasEvent, Event
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from qcode.codebook._problems import Problems

MAX_DEPTH = 64
YAML_TAG = "tag:yaml.org,2002:"
NULL_TAG = YAML_TAG + "null"
BOOL_TAG = YAML_TAG + "bool"
# Marks a node whose problem is already reported, so that checks further on stay quiet.
REFUSED_TAG = "tag:qcode,2026:refused"
_STANDARD_TAGS = frozenset(
    YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
)
_HINTS = {
    "mapping values are not allowed here": "quote text that contains `: `",
    "found character '\\t'": "indent with spaces, not tabs",
    "found character '@'": "quote text that starts with @",
    "found character '`'": "quote text that starts with `",
}


class _TooDeep(Exception):
    def __init__(self, mark: Mark) -> None:
        super().__init__("too deep")
        self.mark = mark


class _Loader(yaml.SafeLoader):
    def __init__(self, text: str, problems: Problems) -> None:
        super().__init__(text)
        self.problems = problems
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.get_event()
            self.problems.at(
                event.start_mark,
                f"aliases are not allowed in a codebook (`*{event.anchor}`); write the value out",
            )
            return ScalarNode(REFUSED_TAG, "", event.start_mark, event.end_mark)
        event = self.peek_event()
        refused = self._refuse_anchor_and_tag(event)
        if self.depth >= MAX_DEPTH:
            raise _TooDeep(event.start_mark)
        self.depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        if refused and node is not None:
            node.tag = REFUSED_TAG
        return node

    def _refuse_anchor_and_tag(self, event: Event) -> bool:
        """Report and strip an anchor or a non-standard tag; True if the tag was refused."""
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self.problems.at(event.start_mark, f"anchors are not allowed in a codebook (`&{anchor}`)")
            event.anchor = None  # type: ignore[attr-defined]
        tag = getattr(event, "tag", None)
        if tag is None or tag == "!" or tag in _STANDARD_TAGS:
            return False
        shown = "!!" + tag[len(YAML_TAG) :] if tag.startswith(YAML_TAG) else tag
        shown = "".join(ch if ch.isprintable() else "?" for ch in shown)[:60]
        self.problems.at(
            event.start_mark,
            f"tag `{shown}` is not allowed in a codebook; use plain YAML values",
        )
        event.tag = None  # type: ignore[attr-defined]
        return True


def compose(text: str, problems: Problems) -> Node | None:
    """The single YAML document in `text` as a node tree, or None (empty or unreadable)."""
    try:
        loader = _Loader(text, problems)
    except ReaderError as exc:
        _reader_problem(text, exc, problems)
        return None
    try:
        node: Node | None = loader.get_single_node()
        return node
    except _TooDeep as exc:
        problems.at(exc.mark, f"the YAML is nested too deeply (more than {MAX_DEPTH} levels)")
    except yaml.MarkedYAMLError as exc:
        problems.at(exc.problem_mark or exc.context_mark, _syntax_message(exc))
    except yaml.YAMLError as exc:
        problems.at(None, f"invalid YAML: {exc}")
    finally:
        loader.dispose()
    return None


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "syntax error"
    context = exc.context
    if context and problem.startswith("but found"):
        message = f"invalid YAML: {context}, {problem}"
    elif context:
        where = exc.context_mark
        at = f" at line {where.line + 1}" if where is not None else ""
        message = f"invalid YAML: {problem} ({context}{at})"
    else:
        message = f"invalid YAML: {problem}"
    for fragment, hint in _HINTS.items():
        if fragment in problem:
            return f"{message}; {hint}"
    return message


def _reader_problem(text: str, exc: ReaderError, problems: Problems) -> None:
    position = max(0, min(int(exc.position), len(text)))
    line = text.count("\n", 0, position) + 1
    col = position - (text.rfind("\n", 0, position) + 1) + 1
    character = exc.character
    code = character if isinstance(character, int) else ord(str(character)[:1] or "\0")
    problems.at_position(line, col, f"the character U+{code:04X} is not allowed in a YAML file; remove it")


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG


def is_refused(node: Node) -> bool:
    return bool(node.tag == REFUSED_TAG)


def kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "mapping"
    if isinstance(node, SequenceNode):
        return "list"
    return "value"
