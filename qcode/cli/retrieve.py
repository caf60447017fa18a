"""`qcode retrieve CODE`: every passage coded with a code, with where it is and some context."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING

import typer

from qcode.cli.output import FORMAT_OPTION, Format, echo, info, shown, stream_csv, stream_json
from qcode.cli.review import CODER_FILTER, DOC_OPTION, EXACT_OPTION, SPEAKER_OPTION, WHERE_OPTION
from qcode.cli.state import transaction

if TYPE_CHECKING:
    from rich.console import Console

    from qcode.coding.retrieve import Passage

CSV_COLUMNS = ["id", "document", "code", "coder", "start", "end", "turn", "line_start",
               "line_end", "speaker", "context_before", "text", "context_after", "memo"]
OPEN, CLOSE = "⟦", "⟧"  # marks the coded text where there is no colour (pipes, files)
WIDTH = 96


def retrieve(
    code: str = typer.Argument(..., help="The code (its passages and those of the codes below it)."),
    coder: str = CODER_FILTER,
    document: str = DOC_OPTION,
    speaker: str = SPEAKER_OPTION,
    where: list[str] = WHERE_OPTION,
    exact: bool = EXACT_OPTION,
    context: int = typer.Option(80, "--context", "-C", min=0, max=5000,
                                help="Characters of context before and after each passage."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Print every passage coded with CODE: document, turn, lines, speaker and context."""
    from qcode.cli import output
    from qcode.coding.queries import CodingFilter
    from qcode.coding.retrieve import iter_passages
    from qcode.corpus.where import parse_where

    flt = CodingFilter(document=document, code=code, coder=coder, speaker=speaker,
                       where=parse_where(where or []), where_exact=exact)
    with transaction(write=False) as session:
        seen = _Seen(iter_passages(session, flt, context=context))
        if fmt is Format.json:
            stream_json(asdict(p) for p in seen)
        elif fmt is Format.csv:
            stream_csv(([getattr(p, c) for c in CSV_COLUMNS] for p in seen), CSV_COLUMNS)
        elif output.stdout_is_terminal():
            print_rich(seen, output.console())
        else:
            print_plain(seen)
    info(f"{seen.count} passage{'s' if seen.count != 1 else ''} in {len(seen.documents)} "
         f"document{'s' if len(seen.documents) != 1 else ''}")


class _Seen:
    """Passages passed on as they come, counted (and their documents) on the way."""

    def __init__(self, passages: Iterable[Passage]) -> None:
        self.passages, self.count, self.documents = passages, 0, set[str]()

    def __iter__(self) -> Iterator[Passage]:
        for passage in self.passages:
            self.count += 1
            self.documents.add(passage.document)
            yield passage


def location(p: Passage) -> str:
    lines = "" if p.line_start is None else (
        f"l{p.line_start}" if p.line_start == p.line_end else f"l{p.line_start}-{p.line_end}")
    return " ".join(part for part in (f"t{p.turn}" if p.turn else "", lines) if part) or f"c{p.start}"


def header(p: Passage) -> str:
    """`int_003.md  t12 l40-42  Respondent  [diaspora · ana]`"""
    parts = [p.document, location(p), p.speaker or "", f"[{p.code} · {p.coder}]"]
    return "  ".join(part for part in parts if part)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _tidy(text: str) -> str:
    """Runs of spaces to one space, line breaks (and blank lines) to one line break."""
    return re.sub(r"[^\S\n]*\n\s*", "\n", re.sub(r"[^\S\n]+", " ", text))


def pieces(p: Passage) -> tuple[str, str, str]:
    """Context before, passage, context after, tidied; `…` where the context starts mid-text."""
    before = _tidy(p.context_before).lstrip()
    if before and p.start - len(p.context_before) > 0:
        before = "…" + before
    return before, _tidy(p.text), _tidy(p.context_after).rstrip()


def print_plain(passages: Iterable[Passage]) -> None:
    import textwrap

    for index, p in enumerate(passages):
        before, text, after = pieces(p)
        body = "\n".join(
            textwrap.fill(line, WIDTH, initial_indent="    ", subsequent_indent="    ",
                          break_long_words=False, break_on_hyphens=False)
            for line in f"{before}{OPEN}{text}{CLOSE}{after}".split("\n")
        )
        memo = f"\n    memo: {_flat(p.memo)}" if p.memo else ""
        echo(("\n" if index else "") + f"{header(p)}\n{body}{memo}")


def print_rich(passages: Iterable[Passage], console: Console) -> None:
    from rich.padding import Padding
    from rich.text import Text

    from qcode.coding.highlight import text_colour_on

    for index, p in enumerate(passages):
        if index:
            console.print()
        head = Text()
        head.append(shown(p.document), style="bold")
        head.append(f"  {location(p)}", style="cyan")
        if p.speaker:
            head.append(f"  {shown(p.speaker)}")
        head.append("  [")
        head.append(p.code, style=f"bold {p.colour}")
        head.append(f" · {shown(p.coder)}]")
        console.print(head)
        before, text, after = pieces(p)
        body = Text()
        body.append(shown(before), style="dim")
        body.append(shown(text), style=f"bold {text_colour_on(p.colour)} on {p.colour}")
        body.append(shown(after), style="dim")
        console.print(Padding(body, (0, 0, 0, 4)))
        if p.memo:
            memo = Text(f"memo: {shown(_flat(p.memo))}", style="italic")
            console.print(Padding(memo, (0, 0, 0, 4)))


def register(app: typer.Typer) -> None:
    app.command("retrieve")(retrieve)
