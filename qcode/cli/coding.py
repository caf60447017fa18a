"""`qcode tag`, `untag` and `recode`: coding from the terminal."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import typer

from qcode.cli.output import FORMAT_OPTION, Format, info, write_json
from qcode.cli.state import transaction

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from qcode.coding.tagging import CodingInfo
    from qcode.coding.targets import Span
    from qcode.store.models import Document

CODER_OPTION = typer.Option(
    None, "--coder", envvar="QCODE_CODER", help="Who is coding (default: QCODE_CODER, then the "
    "project's default coder)."
)
QUOTE_OPTION = typer.Option(
    None, "--quote", "-q", help="Text to find in the document (or within the given unit)."
)


def _preview(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _print_codings(codings: list[CodingInfo], fmt: Format, verb: str) -> None:
    if fmt is Format.json:
        write_json([asdict(c) for c in codings])
        return
    for c in codings:
        typer.echo(f"{verb} {c.id}\t{c.document}\tc{c.start}-{c.end}\t{c.code}\t{_preview(c.text)}")


def _span(session: Session, doc: Document, items: list[str], quote: str | None) -> tuple[Span, list[str]]:
    """Split `[TARGET] CODE...` and resolve the target (and quote) to a span."""
    from qcode.coding.targets import _TARGET, find_quote, parse_target, resolve_target
    from qcode.errors import UsageError

    target = None
    if items and _TARGET.match(items[0]):
        target = parse_target(items[0])
        items = items[1:]
    if target is None and quote is None:
        raise UsageError("say what to code: a target (t12, p3, s7, l40-52, c10-80) or --quote TEXT")
    if not items:
        raise UsageError("name at least one code")
    within = resolve_target(session, doc, target) if target else None
    span = find_quote(session, doc, quote, within) if quote is not None else within
    assert span is not None
    return span, items


def tag(
    document: str = typer.Argument(..., help="Document name (or stem, or unique prefix)."),
    items: list[str] = typer.Argument(..., metavar="[TARGET] CODE...",
                                      help="t12, p3, s7, l40-52, c1200-1340 or t12-t14; then codes."),
    quote: str = QUOTE_OPTION,
    memo: str = typer.Option(None, "--memo", "-m", help="A memo on the new coding(s)."),
    coder: str = CODER_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Code a passage: a turn, paragraph, sentence, lines, characters or a quote."""
    from qcode.coding.coders import current_coder
    from qcode.coding.codes import resolve_code
    from qcode.coding.tagging import tag as core_tag
    from qcode.corpus.documents import resolve_document
    from qcode.store.events import new_batch

    with transaction(write=True) as session:
        doc = resolve_document(session, document)
        span, code_refs = _span(session, doc, items, quote)
        codes = [resolve_code(session, ref, for_coding=True) for ref in code_refs]
        who = current_coder(session, coder)
        result = core_tag(session, doc, span, codes, who, batch=new_batch(), memo=memo)
    _print_codings(result.created, fmt, "coded")
    for c in result.existing:
        info(f"already coded: {c.id} {c.code} c{c.start}-{c.end} by {c.coder}")


def untag(
    items: list[str] = typer.Argument(..., metavar="ID... | DOC [TARGET] CODE...",
                                      help="Coding ids, or a document, target and codes."),
    quote: str = QUOTE_OPTION,
    coder: str = CODER_OPTION,
    force: bool = typer.Option(False, "--force", help="Allow removing another coder's coding."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Remove codings, by id or by the same target and code used to tag them."""
    from qcode.coding.coders import current_coder
    from qcode.coding.codes import resolve_code
    from qcode.coding.tagging import find_codings, get_coding, remove_coding
    from qcode.corpus.documents import resolve_document
    from qcode.store.events import new_batch

    batch = new_batch()
    with transaction(write=True) as session:
        who = current_coder(session, coder)
        if all(item.isdigit() for item in items):
            codings = [get_coding(session, int(item)) for item in items]
        else:
            doc = resolve_document(session, items[0])
            span, code_refs = _span(session, doc, items[1:], quote)
            codes = [resolve_code(session, ref, allow_retired=True) for ref in code_refs]
            codings = find_codings(session, doc, span, codes, who)
        removed = [remove_coding(session, c, who, batch=batch, force=force) for c in codings]
    _print_codings(removed, fmt, "removed")


def recode(
    coding_id: int = typer.Argument(..., help="The coding's id."),
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
