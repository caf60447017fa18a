"""HTML transcripts (.html): the podcast `<cite>`/`<time>`/`<p>` format, or any page.

Parsed with the standard library's html.parser, which decodes character references itself
and never fetches anything (no DTDs, no external entities). A page with `<cite>` speaker
names is laid out like captions (see cues.py); any other page becomes one paragraph per
block element and goes through the plain-text speaker detection.
"""

from __future__ import annotations

from html.parser import HTMLParser

from qcode.corpus.ingest.base import DEFAULTS, ParsedDocument, ReadOptions
from qcode.corpus.ingest.common import transcript_document
from qcode.corpus.ingest.cues import Cue, cue_document
from qcode.corpus.ingest.vtt import seconds
from qcode.corpus.text import decode_bytes


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


_BLOCKS = _tags(
    "p div li h1 h2 h3 h4 h5 h6 tr blockquote pre section article dd dt td th "
    "header footer main aside figcaption caption table ul ol dl"
)
_HIDDEN = _tags("script style head title noscript template svg")


class _Collector(HTMLParser):
    """Text of block elements, plus (cite, time, p) triples for the podcast format."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.hidden = 0
        self.inline: str | None = None  # "cite" or "time" while inside one
        self.cites: list[list[str]] = []  # [speaker, time, text] per <cite>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self.current.append("\n")
        elif tag in _BLOCKS:
            self._flush()
        if tag == "cite":
            self.cites.append(["", "", ""])
        if tag in ("cite", "time"):
            self.inline = tag

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self._flush()
        if tag == self.inline:
            self.inline = None

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        self.current.append(data)
        if self.cites:
            slot = {"cite": 0, "time": 1}.get(self.inline or "", 2)
            self.cites[-1][slot] += data

    def _flush(self) -> None:
        text = "\n".join(" ".join(line.split()) for line in "".join(self.current).split("\n"))
        if text.strip():
            self.blocks.append(text.strip())
        self.current = []

    def close(self) -> None:
        super().close()
        self._flush()


def read(data: bytes, name: str, options: ReadOptions = DEFAULTS) -> ParsedDocument:
    raw, encoding, warnings = decode_bytes(data, name=name)
    collector = _Collector()
    collector.feed(raw)
    collector.close()
    # <cite> alone is a citation in an article; with <time> it is a speaker in a transcript.
    if any(stamp.strip() for _, stamp, _ in collector.cites):
        cues = [_cue(speaker, stamp, text) for speaker, stamp, text in collector.cites]
        return cue_document(cues, name=name, encoding=encoding, warnings=warnings, speakers=options.speakers)
    return transcript_document(
        "\n\n".join(collector.blocks), name=name, options=options, encoding=encoding, warnings=warnings
    )


def _cue(speaker: str, stamp: str, text: str) -> Cue:
    try:
        start = seconds(stamp.strip()) if stamp.strip() else 0.0
    except ValueError:
        start = 0.0
    label = " ".join(speaker.split()).rstrip(":").strip() or None
    return Cue(start, " ".join(text.split()), label, starts_turn=True)
