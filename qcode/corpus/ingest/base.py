"""What every reader returns: normalised text plus the structure it could see.

Offsets are code points into `text`, which is already normalised (NFC, `\\n` newlines,
no BOM, no NUL). Turns are half-open `[start, end)` spans of `text`.

A reader also accounts for what it did not keep: `source_words` is the word count of the
source's text as the reader found it, and `removed` lists every kind of thing left out of the
stored text (page headers, invisible characters, repeated labels) with how many words that
took away, so that `source_words - sum(removed words) == count_words(text)`.
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
class Removal:
    """One kind of thing left out of the stored text."""

    items: int = 0  # lines, labels or characters, as its name says
    chars: int = 0
    words: int = 0  # how many fewer words the stored text has for it


@dataclass(frozen=True)
class SpeakerPolicy:
    """How speakers are found: detected (`auto`), not at all (`none`), or only these labels."""

    mode: str = "auto"  # auto | none | list
    labels: tuple[str, ...] = ()

    @classmethod
    def parse(cls, value: str) -> SpeakerPolicy:
        """`auto`, `none`, or a comma-separated list of labels (`Ana,Marko`)."""
        word = value.strip()
        if word.casefold() in ("auto", ""):
            return cls()
        if word.casefold() == "none":
            return cls("none")
        labels = tuple(part.strip() for part in word.split(",") if part.strip())
        return cls("list", labels)


AUTO = SpeakerPolicy()
DEFAULT_MAX_BYTES = 50 * 2**20


@dataclass(frozen=True)
class ReadOptions:
    """What a reader is told besides the bytes: the speaker policy and the size limit, which
    applies to the text a file unpacks to as well as to the file (zip bombs, DESIGN.md §7)."""

    speakers: SpeakerPolicy = AUTO
    max_bytes: int = DEFAULT_MAX_BYTES


DEFAULTS = ReadOptions()


@dataclass
class ParsedDocument:
    text: str
    turns: list[Turn]
    metadata: dict[str, Any] = field(default_factory=dict)  # front matter / header lines
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)
    convention: str = ""  # how the file marks speakers, as detected (for the import summary)
    rules: list[str] = field(default_factory=list)  # detection rules that changed the result
    removed: dict[str, Removal] = field(default_factory=dict)
    source_words: int | None = None
    cues: int | None = None  # for caption formats: how many cues the file has

    def remove(self, what: str, *, items: int = 1, chars: int = 0, words: int = 0) -> None:
        """Record that the stored text leaves something out (see the module docstring)."""
        if items <= 0 and chars <= 0 and words == 0:
            return
        entry = self.removed.setdefault(what, Removal())
        entry.items += items
        entry.chars += chars
        entry.words += words
