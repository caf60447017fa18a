"""Collecting codebook problems with 1-based positions, to report them all at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import Node

# A 5 MB file of aliases or typos would otherwise produce a million lines nobody reads.
MAX_LISTED = 200


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based
    col: int  # 1-based, in code points
    message: str

    def format(self, filename: str) -> str:
        return f"{filename}:{self.line}:{self.col}: {self.message}"


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def at(self, where: Node | Any, message: str) -> None:
        """Record `message` at a node's start, a YAML mark (pure or libyaml), or (for None)
        line 1 column 1."""
        if where is None:
            self.items.append(Problem(1, 1, message))
            return
        mark = where.start_mark if isinstance(where, Node) else where
        self.items.append(Problem(mark.line + 1, mark.column + 1, message))

    def at_position(self, line: int, col: int, message: str) -> None:
        self.items.append(Problem(line, col, message))

    def __len__(self) -> int:
        return len(self.items)

    def formatted(self, filename: str) -> list[str]:
        """Problems as `FILE:LINE:COL: message`, by position (stable for ties), capped."""
        ordered = sorted(self.items, key=lambda p: (p.line, p.col))
        lines = [p.format(filename) for p in ordered[:MAX_LISTED]]
        if len(ordered) > MAX_LISTED:
            lines.append(f"{filename}: {len(ordered) - MAX_LISTED} more problems not shown")
        return lines


def line_of(node: Node) -> int:
    return int(node.start_mark.line) + 1
