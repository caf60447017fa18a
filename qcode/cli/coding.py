"""`qcode tag`, `untag` and `recode`: coding from the terminal."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import typer

from qcode.cli.output import FORMAT_OPTION, MAX_NUMBER, Format, echo, emit, info, write_json
from qcode.cli.state import transaction

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from qcode.coding.tagging import CodingInfo
    from qcode.coding.targets import Span, Target
    from qcode.store.models import Document

CODER_OPTION = typer.Option(
    None, "--coder", envvar="QCODE_CODER", help="Who is coding (default: QCODE_CODER, then the "
    "project's default coder)."
)
QUOTE_OPTION = typer.Option(
    None, "--quote", "-q", help="Text to find in the document (or within the given unit); "
    "capitals, accents and line breaks must match, spaces need not."
)
OCCURRENCE_OPTION = typer.Option(
    None, "--occurrence", min=1, max=MAX_NUMBER, metavar="N",
    help="Which occurrence of the quote, counting from 1, when it occurs more than once."
)
TARGETS_HELP = """
\b
Targets (numbers as `qcode show DOC` prints them):
  t14          speaker turn 14
  t12-t14      turns 12 to 14 (also p3-p5, s7-s9)
  p3           paragraph 3
  s7           sentence 7
  l40-52       lines 40 to 52 (l40 is one line)
  c1200-1340   characters 1200 up to, not including, 1340
  --quote "my cousin in Vienna"
               that text, searched in the document or within the target
               given with it; --occurrence 2 picks the second of several
"""
CSV_COLUMNS = ["id", "document", "code", "coder", "start", "end", "text", "memo"]


def _preview(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _print_codings(codings: list[CodingInfo], fmt: Format, verb: str) -> None:
    if fmt is Format.json:
        write_json([asdict(c) for c in codings])
        return
    if fmt is Format.csv:
        emit([asdict(c) for c in codings], CSV_COLUMNS, fmt)
        return
    for c in codings:
        echo(f"{verb} {c.id}\t{c.document}\tc{c.start}-{c.end}\t{c.code}\t{_preview(c.text)}")


def _split(items: list[str], quote: str | None) -> tuple[Target | None, list[str]]:
    """Split `[TARGET] CODE...`, reading the target (a wrong one is refused here, before the
    project is opened)."""
    from qcode.coding.targets import looks_like_target, parse_target
    from qcode.errors import UsageError

    target = None
    if items and looks_like_target(items[0]):
        target = parse_target(items[0])
        items = items[1:]
    if target is None and quote is None:
        raise UsageError("say what to code: a target (t12, p3, s7, l40-52, c10-80) or --quote TEXT")
    if not items:
        raise UsageError("name at least one code")
    return target, items


def _span(session: Session, doc: Document, target: Target | None, quote: str | None,
          occurrence: int | None) -> Span:
    from qcode.coding.targets import find_quote, resolve_target
    from qcode.errors import UsageError

    if occurrence is not None and quote is None:
        raise UsageError("--occurrence chooses among the places a --quote occurs; give --quote")
    within = resolve_target(session, doc, target) if target else None
    span = find_quote(session, doc, quote, within, occurrence) if quote is not None else within
    assert span is not None
    return span


def tag(
    document: str = typer.Argument(..., help="Document name (or stem, or unique prefix)."),
    items: list[str] = typer.Argument(..., metavar="[TARGET] CODE...",
                                      help="t12, p3, s7, l40-52, c1200-1340 or t12-t14; then codes."),
    quote: str = QUOTE_OPTION,
    occurrence: int = OCCURRENCE_OPTION,
    memo: str = typer.Option(None, "--memo", "-m", help="A memo on the new coding(s)."),
    coder: str = CODER_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    from qcode.coding.coders import current_coder
    from qcode.coding.codes import resolve_code
    from qcode.coding.tagging import tag as core_tag
    from qcode.corpus.documents import resolve_document
    from qcode.store.events import new_batch

    target, code_refs = _split(items, quote)
    with transaction(write=True) as session:
        doc = resolve_document(session, document)
        span = _span(session, doc, target, quote, occurrence)
        codes = [resolve_code(session, ref, for_coding=True) for ref in code_refs]
        who = current_coder(session, coder)
        result = core_tag(session, doc, span, codes, who, batch=new_batch(), memo=memo)
    _print_codings(result.created, fmt, "coded")
    for c in result.existing:
        info(f"already coded: {c.id} {c.code} c{c.start}-{c.end} by {c.coder}")


tag.__doc__ = "Code a passage: a turn, paragraph, sentence, lines, characters or a quote.\n" + TARGETS_HELP


def untag(
    items: list[str] = typer.Argument(..., metavar="ID... | DOC [TARGET] CODE...",
                                      help="Coding ids, or a document, target and codes."),
    quote: str = QUOTE_OPTION,
    occurrence: int = OCCURRENCE_OPTION,
    coder: str = CODER_OPTION,
    force: bool = typer.Option(False, "--force", help="Allow removing another coder's coding."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    from qcode.coding.coders import current_coder
    from qcode.coding.codes import resolve_code
    from qcode.coding.tagging import find_codings, get_coding, remove_coding
    from qcode.corpus.documents import resolve_document
    from qcode.store.events import new_batch

    ids = [parse_coding_id(item) for item in items] if all(i.isdigit() for i in items) else None
    target, code_refs = _split(items[1:], quote) if ids is None else (None, [])
    batch = new_batch()
    with transaction(write=True) as session:
        who = current_coder(session, coder)
        if ids is not None:
            codings = [get_coding(session, i) for i in ids]
        else:
            doc = resolve_document(session, items[0])
            span = _span(session, doc, target, quote, occurrence)
            codes = [resolve_code(session, ref, allow_retired=True) for ref in code_refs]
            codings = find_codings(session, doc, span, codes, who)
        removed = [remove_coding(session, c, who, batch=batch, force=force) for c in codings]
    _print_codings(removed, fmt, "removed")


untag.__doc__ = ("Remove codings, by id or by the same target and code used to tag them.\n"
                 + TARGETS_HELP)


def parse_coding_id(text: str) -> int:
    """A coding id typed on the command line."""
    from qcode.errors import UsageError

    value = int(text) if text.strip().isdigit() else -1
    if not 1 <= value <= MAX_NUMBER:
        raise UsageError(f"not a coding id: {text}" + (
            f" (ids go up to {MAX_NUMBER})" if value > MAX_NUMBER else ""))
    return value


def recode(
    coding_id: int = typer.Argument(..., min=1, max=MAX_NUMBER, help="The coding's id."),
    code: str = typer.Argument(..., help="The new code."),
    coder: str = CODER_OPTION,
    force: bool = typer.Option(False, "--force", help="Allow recoding another coder's coding."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Change a coding's code, keeping its span, memo and history."""
    from qcode.coding.coders import current_coder
    from qcode.coding.codes import resolve_code
    from qcode.coding.tagging import get_coding
    from qcode.coding.tagging import recode as core_recode
    from qcode.store.events import new_batch

    with transaction(write=True) as session:
        who = current_coder(session, coder)
        target = resolve_code(session, code, for_coding=True)
        result = core_recode(session, get_coding(session, coding_id), target, who,
                             batch=new_batch(), force=force)
    _print_codings([result], fmt, "recoded")


def register(app: typer.Typer) -> None:
    for command in (tag, untag, recode):
        app.command(command.__name__)(command)
