"""`qcode resolve` (a PI's decision on a disagreement) and `qcode consensus build`."""

from __future__ import annotations

import sys
import textwrap
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import typer

from qcode.cli.coding import CODER_OPTION
from qcode.cli.output import FORMAT_OPTION, Format, emit, error, info
from qcode.cli.state import transaction
from qcode.errors import QcodeError, UsageError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from qcode.review.disagreements import Disagreement
    from qcode.review.resolve import Decision

HISTORY = ["id", "disagreement", "revision", "status", "option", "chosen_code", "decided_by",
           "decided_at", "note", "superseded_by"]  # fmt: skip
OPTIONS_HELP = "a coder's name, both, none, union or intersection"


def _split(values: list[str] | None) -> list[str]:
    return [p.strip() for v in values or [] for p in v.split(",") if p.strip()]


def resolve(
    ident: str = typer.Argument(None, metavar="ID", help="The disagreement's id, as "
                                "`qcode disagreements` lists it."),
    accept: str = typer.Option(None, "--accept", help=f"The decision: {OPTIONS_HELP}."),
    code: str = typer.Option(None, "--code", help="Give the accepted spans this code instead."),
    note: str = typer.Option(None, "--note", help="Why (required)."),
    revise: bool = typer.Option(False, "--revise", help="Decide again; the old decision is kept "
                                "in the history, its consensus codings replaced."),
    next_: bool = typer.Option(False, "--next", help="Walk the open disagreements in order, "
                               "deciding each at the prompt."),
    history: bool = typer.Option(False, "--history", help="List the decisions (every revision), "
                                 "on ID or all."),
    round_name: str = typer.Option(None, "--round", help="The round compared (default: the one "
                                   "the document is in)."),
    coders: str = typer.Option(None, "--coders", help="The coders compared (default: the "
                               "round's)."),
    unit: str = typer.Option(None, "--unit", "-u", help="Unit of analysis (needed by --next; "
                             "c-spans are character units unless segment is given)."),
    domain: str = typer.Option(None, "--domain", help="With --next: the disagreements of this "
                               "domain."),
    document: str = typer.Option(None, "--doc", "-d", help="With --next: only this document."),
    overlap: float = typer.Option(0.9, "--overlap", help="As in `qcode disagreements` (segment "
                                  "units)."),
    uncoded: str = typer.Option("none", "--uncoded", help="As in `qcode disagreements` "
                                "(--domain)."),
    coder: str = CODER_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Decide a disagreement (a PI's action): which coder's coding stands, with a note why.

    Decisions build the consensus layer (`--coder consensus` in codings, retrieve, show and
    agreement); every consensus coding links to the coders' codings it came from, which are
    never changed. `qcode undo` takes a decision back.
    """
    names = _split([coders]) if coders else []
    reading = {"overlap": overlap, "uncoded": uncoded}
    if history:
        _history(ident, round_name, fmt)
    elif next_:
        if ident is not None or accept is not None:
            raise UsageError("--next asks for each decision at the prompt; drop ID and --accept")
        _walk(names, round_name, unit, domain, document, coder, reading)
    else:
        if ident is None or accept is None or note is None:
            raise UsageError("give ID, --accept and --note (or --next, or --history)")
        with transaction(write=True) as session:
            done = _decide(session, ident, accept, code, note, revise, round_name, names, unit,
                           coder, reading)  # fmt: skip
        _report(done)


def _decide(session: Session, ident: str, accept: str, code: str | None, note: str, revise: bool,
            round_name: str | None, names: list[str], unit: str | None, coder: str | None,
            reading: dict[str, Any]) -> Decision:  # fmt: skip
    from qcode.coding.coders import current_coder
    from qcode.review.resolve import resolve as core_resolve
    from qcode.store.events import new_batch

    return core_resolve(session, ident, accept, note=note, actor=current_coder(session, coder),
                        batch=new_batch(), code=code, round_name=round_name, coders=names,
                        unit=unit, revise=revise, **reading)  # fmt: skip


def _report(done: Decision) -> None:
    made = len(done.codings)
    extra = f", {done.replaced} replaced" if done.replaced else ""
    again = f" (revision {done.revision})" if done.revision > 1 else ""
    info(f"decided {done.disagreement}: {done.option}"
         f"{' as ' + done.chosen_code if done.chosen_code else ''}{again}; "
         f"{made} consensus coding(s){extra}")  # fmt: skip


def _history(ident: str | None, round_name: str | None, fmt: Format) -> None:
    from qcode.review.resolve import decision_history

    with transaction(write=False) as session:
        rows = decision_history(session, ident, round_name)
    emit([asdict(r) for r in rows], HISTORY, fmt, numeric=("id", "revision"))


def _open(names: list[str], round_name: str | None, unit: str, domain: str | None,
          document: str | None, reading: dict[str, Any]) -> list[Disagreement]:  # fmt: skip
    from qcode.review.disagreements import find_disagreements
    from qcode.review.rounds import get_round, round_coders

    with transaction(write=False) as session:
        if not names:
            if round_name is None:
                raise UsageError("--next needs the coders: --coders a,b or --round R")
            names = list(round_coders(session, get_round(session, round_name).id))
        found = find_disagreements(session, names, unit=unit, round_name=round_name,
                                   domain=domain, document=document, **reading)  # fmt: skip
    return [d for d in found.items if d.status == "open"]


def _show(d: Disagreement, index: int, total: int) -> None:
    lines = "" if d.line_start is None else f"  l{d.line_start}" + (
        f"-{d.line_end}" if d.line_end not in (None, d.line_start) else "")
    typer.echo(f"[{index}/{total}] {d.id}{lines}")
    body = " ".join(d.text.split())
    typer.echo(textwrap.fill(body, 96, initial_indent="    ", subsequent_indent="    "))
    for who, applied in d.codes:
        typer.echo(f"    {who}: {' '.join(applied)}")


def _ask(prompt: str) -> str | None:
    typer.echo(prompt, nl=False, err=True)
    line = sys.stdin.readline()
    return None if not line else line.strip()


def _walk(names: list[str], round_name: str | None, unit: str | None, domain: str | None,
          document: str | None, coder: str | None, reading: dict[str, Any]) -> None:  # fmt: skip
    if unit is None:
        raise UsageError("--next needs the unit of analysis: --unit turn (or another)")
    items = _open(names, round_name, unit, domain, document, reading)
    decided = skipped = 0
    for index, d in enumerate(items, 1):
        _show(d, index, len(items))
        choices = ", ".join([w for w, _ in d.codes] + ["both", "none", "union", "intersection"])
        while True:
            answer = _ask(f"accept ({choices} [CODE]); s skip; q quit: ")
            if answer is None or answer == "q":
                info(f"decided {decided}, skipped {skipped}; {len(items) - decided} still open")
                return
            if answer == "s":
                skipped += 1
                break
            if not answer:
                continue
            option, _, code = answer.partition(" ")
            note = _ask("note (why): ")
            while note is not None and not note:
                note = _ask("a note is required; why: ")
            if note is None:
                info(f"decided {decided}, skipped {skipped}; {len(items) - decided} still open")
                return
            try:
                with transaction(write=True) as session:
                    done = _decide(session, d.id, option, code.strip() or None, note, False,
                                   round_name, names, unit, coder, reading)  # fmt: skip
            except QcodeError as exc:
                error(str(exc))
                continue
            _report(done)
            decided += 1
            break
    info(f"decided {decided}, skipped {skipped}; {len(items) - decided} still open")


consensus_app = typer.Typer(help="The consensus layer: what the coders agreed on and what a PI "
                            "decided.", no_args_is_help=True)  # fmt: skip


@consensus_app.command("build")
def build(
    round_name: str = typer.Option(..., "--round", help="The round."),
    coders: str = typer.Option(None, "--coders", help="The coders compared (default: the "
                               "round's)."),
    unit: str = typer.Option(None, "--unit", "-u", help="Agreement per pre-cut unit (turn, "
                             "paragraph, sentence, line, document) instead of identical codings."),
    coder: str = CODER_OPTION,
) -> None:
    """Add to the consensus layer what every coder of a round coded alike (a PI's action;
    running it again adds nothing)."""
    from qcode.coding.coders import current_coder
    from qcode.review.consensus import build_consensus
    from qcode.store.events import new_batch

    with transaction(write=True) as session:
        done = build_consensus(session, round_name, actor=current_coder(session, coder),
                               batch=new_batch(), coders=_split([coders]) if coders else (),
                               unit=unit)  # fmt: skip
    how = f"agreed on per {done.unit}" if done.unit else "coded alike"
    info(f"consensus of round {done.round} ({', '.join(done.coders)}, {how}): "
         f"{done.created} coding(s) added on {done.documents} document(s), "
         f"{done.existing} already there")  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("resolve")(resolve)
    app.add_typer(consensus_app, name="consensus")
