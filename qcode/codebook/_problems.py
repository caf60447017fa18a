"""Collecting codebook problems with 1-based positions, to report them all at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import Node

# A 5 MB file of aliases or typos would otherwise produce a million lines nobody reads
# (and hold them all in memory): keep the first MAX_KEPT, list the first MAX_LISTED by position.
MAX_LISTED = 200
MAX_KEPT = 10_000


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
    count: int = 0

    def at(self, where: Node | Any, message: str) -> None:
        """Record `message` at a node's start, a YAML mark (pure or libyaml), or (for None)
        line 1 column 1."""
        if where is None:
            self.at_position(1, 1, message)
            return
        mark = where.start_mark if isinstance(where, Node) else where
        self.at_position(mark.line + 1, mark.column + 1, message)

    def at_position(self, line: int, col: int, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_KEPT:
            self.items.append(Problem(line, col, message))

    def __len__(self) -> int:
        return self.count

    def formatted(self, filename: str) -> list[str]:
        """Problems as `FILE:LINE:COL: message`, by position (stable for ties), capped."""
        ordered = sorted(self.items, key=lambda p: (p.line, p.col))
        lines = [p.format(filename) for p in ordered[:MAX_LISTED]]
        if self.count > MAX_LISTED:
            lines.append(f"{filename}: {self.count - MAX_LISTED} more problems not shown")
        return lines


def line_of(node: Node) -> int:
    return int(node.start_mark.line) + 1
