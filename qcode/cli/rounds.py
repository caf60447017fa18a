"""`qcode round`: create, follow, close and list coding rounds."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer

from qcode.cli.coding import CODER_OPTION
from qcode.cli.output import FORMAT_OPTION, Format, emit, info, write_json
from qcode.cli.state import transaction

app = typer.Typer(help="Coding rounds: who codes which documents, blind or not, and progress.",
                  no_args_is_help=True)  # fmt: skip

STATUS = ["round", "status", "blind", "coder", "documents", "done", "codings", "last_activity"]
LIST = ["name", "status", "blind", "coders", "documents", "codings", "created_at", "uuid"]


def _split(values: list[str] | None) -> list[str]:
    return [p.strip() for v in values or [] for p in v.split(",") if p.strip()]


@app.command("create")
def create(
    name: str = typer.Argument(..., help="The round's name."),
    coders: str = typer.Option(..., "--coders", help="Who codes, comma-separated."),
    docs: list[str] = typer.Option(None, "--docs", help="Documents (comma-separated or "
                                   "repeated; name, stem or unique prefix)."),
    docs_from: list[Path] = typer.Option(None, "--docs-from", metavar="FILE.csv|FOLDER",
                                         help="The documents codings CSVs name (`qcode "
                                         "import-codings` files; a folder: its .csv files)."),
    sample: str = typer.Option(None, "--sample", help="A random share (20%) or number of the "
                               "project's documents."),
    seed: int = typer.Option(None, "--seed", min=0, max=2**31 - 1,
                             help="Seed of --sample (the same seed draws the same documents)."),
    blind: bool = typer.Option(False, "--blind", help="Until a PI closes the round, each coder "
                               "sees only their own codings on its documents."),
    coder: str = CODER_OPTION,
) -> None:
    """Create a round: every coder is assigned every document (a PI's action)."""
    from qcode.coding.coders import current_coder
    from qcode.review.rounds import create_round, documents_in_csv
    from qcode.store.events import new_batch

    refs = _split(docs) + documents_in_csv(docs_from or [])
    with transaction(write=True) as session:
        made = create_round(session, name, _split([coders]), actor=current_coder(session, coder),
                            batch=new_batch(), documents=refs, sample=sample, seed=seed,
                            blind=blind)  # fmt: skip
    r = made.info
    drawn = f" (drawn with --seed {made.seed})" if made.seed is not None else ""
    info(f"created {'blind ' if r.blind else ''}round {r.name}: {', '.join(r.coders)} on "
         f"{r.documents} document(s){drawn}")  # fmt: skip
    if made.seed is not None:
        info("documents: " + ", ".join(made.documents))


@app.command("status")
def status(
    name: str = typer.Argument(None, help="The round (default: every round)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Each coder's progress: documents assigned and coded, codings, last activity."""
    from qcode.review.rounds import round_status

    with transaction(write=False) as session:
        rows = round_status(session, name)
    emit([asdict(r) for r in rows], STATUS, fmt, numeric=("documents", "done", "codings"))


@app.command("close")
def close(
    name: str = typer.Argument(..., help="The round."),
    coder: str = CODER_OPTION,
) -> None:
    """Close a round (a PI's action): a blind round's codings become visible to everyone."""
    from qcode.coding.coders import current_coder
    from qcode.review.rounds import close_round
    from qcode.store.events import new_batch

    with transaction(write=True) as session:
        done = close_round(session, name, actor=current_coder(session, coder), batch=new_batch())
    info(f"closed round {done.name}: {done.codings} coding(s) by {', '.join(done.coders)}")


@app.command("list")
def list_(fmt: Format = FORMAT_OPTION) -> None:
    """Every round: status, blind or not, coders, documents and codings."""
    from qcode.review.rounds import list_rounds

    with transaction(write=False) as session:
        found = list_rounds(session)
    if fmt is Format.json:
        write_json([asdict(r) for r in found])
        return
    emit([{**asdict(r), "coders": ",".join(r.coders)} for r in found], LIST, fmt,
         numeric=("documents", "codings"))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="round")
