"""A text seen as lines: where each starts and ends, for the line-by-line speaker parser."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Lines:
    text: str
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> Lines:
        lines = cls(text)
        pos = 0
        for line in text.split("\n"):
            lines.starts.append(pos)
            lines.ends.append(pos + len(line))
            pos += len(line) + 1
        return lines

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, i: int) -> str:
        return self.text[self.starts[i] : self.ends[i]]

    def blank(self, i: int) -> bool:
        return not self.line(i).strip()
