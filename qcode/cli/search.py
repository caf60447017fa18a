"""`qcode search QUERY`: keyword in context across the corpus."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import typer

from qcode.cli.output import FORMAT_OPTION, MAX_NUMBER, Format, emit, info, shown
from qcode.cli.review import EXACT_OPTION, WHERE_OPTION
from qcode.cli.state import transaction

if TYPE_CHECKING:
    from qcode.corpus.search import SearchHit, SearchResult

COLUMNS = ["document", "sentence", "turn", "line", "speaker", "start", "end", "left", "match", "right"]


def search(
    query: str = typer.Argument(..., help="What to find; see the query language above."),
    speaker: str = typer.Option(None, "--speaker", help="Only what this speaker says (any case)."),
    code: str = typer.Option(
        None, "--code", help="Only inside codings of this code (its codebook id) or a code below it."
    ),
    where: list[str] = WHERE_OPTION,
    exact: bool = EXACT_OPTION,
    doc: str = typer.Option(None, "--doc", help="Only this document (name, stem or unique prefix)."),
    limit: int = typer.Option(50, "--limit", min=0, max=MAX_NUMBER,
                              help="Show at most this many matches; 0 for all."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Find words and phrases in every transcript, shown in context with turn and line numbers.

    Query language:

    \b
      export market      both words in the same sentence, in any order
      "export market"    the words next to each other, in this order
      export*            any word starting with "export" ("a phra"* works too)
      cacak              finds Čačak: case and Latin diacritics are ignored;
                         Cyrillic matches as written (case aside)

    Other punctuation, AND, OR and brackets are not operators: they are words or are ignored.
    One row per sentence; the counts of matches and documents go to stderr.
    """
    from qcode.corpus.search import search as run_search
    from qcode.corpus.where import parse_where

    conditions = parse_where(where or [])
    with transaction(write=False) as session:
        result = run_search(session, query, speaker=speaker, code=code, where=conditions,
                            where_exact=exact, document=doc, limit=limit)
    if fmt is Format.table:
        _print_kwic(result.hits)
    else:
        emit([asdict(hit) for hit in result.hits], COLUMNS, fmt)
    _summary(result, limit)


def _print_kwic(hits: list[SearchHit]) -> None:
    """`document  t12 l40  speaker  …left [match] right…`, the matches aligned in one column."""
    if not hits:
        return
    from qcode.cli import output

    emphasise = output.stdout_is_terminal()
    refs = [f"t{h.turn if h.turn is not None else '-'} l{h.line}" for h in hits]
    speakers = [shown(h.speaker or "")[:24] for h in hits]
    names = [shown(h.document) for h in hits]
    lefts = [shown(h.left) for h in hits]
    doc_width = max(map(len, names))
    ref_width = max(map(len, refs))
    speaker_width = max(map(len, speakers))
    context_width = max(map(len, lefts))
    lines = []
    for hit, name, ref, who, left in zip(hits, names, refs, speakers, lefts, strict=True):
        match = shown(hit.match)
        match = typer.style(match, bold=True, fg="yellow") if emphasise else match
        lines.append(
            f"{name:<{doc_width}}  {ref:<{ref_width}}  {who:<{speaker_width}}  "
            f"…{left:>{context_width}}[{match}]{shown(hit.right)}…"
        )
    typer.echo("\n".join(lines))


def _summary(result: SearchResult, limit: int) -> None:
    matches = "match" if result.total == 1 else "matches"
    documents = "document" if result.documents == 1 else "documents"
    message = f"{result.total} {matches} in {result.documents} {documents}"
    if limit and result.total > limit:
        message += f"; showing the first {limit} (--limit 0 shows all)"
    info(message)


def register(app: typer.Typer) -> None:
    app.command("search")(search)
