"""What every reader returns: normalised text plus the structure it could see.

Offsets are code points into `text`, which is already normalised (NFC, `\\n` newlines,
no BOM, no NUL). Turns are half-open `[start, end)` spans of `text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Turn:
    start: int
    end: int
    speaker: str | None
    timestamp: str | None = None  # as written in the source, e.g. "00:12:31"


@dataclass
class ParsedDocument:
    text: str
    turns: list[Turn]
    metadata: dict[str, Any] = field(default_factory=dict)  # front matter / header lines
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)
