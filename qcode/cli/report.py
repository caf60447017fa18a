"""`qcode report`: the study as one self-contained HTML file (charts, codebook, agreement and the
transcripts with their codings), for a PI to open in a browser, offline."""

from __future__ import annotations

from pathlib import Path

import typer

from qcode.cli import output as shown
from qcode.cli.export import (
    CODER_OPTION,
    PSEUDONYMS_OPTION,
    ROUND_OPTION,
    _deliver,
    _filter,
)
from qcode.cli.output import MAX_NUMBER, echo, info
from qcode.cli.review import CODE_OPTION, EXACT_OPTION, WHERE_OPTION
from qcode.cli.state import transaction


def report(
    output: Path = typer.Option(
        None, "--output", "-o", dir_okay=False, metavar="FILE",
        help="Write here (e.g. exports/report.html) instead of stdout; its path is printed."),
    by: list[str] = typer.Option(
        None, "--by", "-b", metavar="ATTR",
        help="Chart the codes by these case attributes (repeatable or a,b; default: each "
             "attribute with 2 to 25 values)."),
    unit: str = typer.Option(
        "turn", "--unit", "-u", help="Unit of co-occurrence and agreement: turn (default), "
        "paragraph, sentence or document."),
    code: str = CODE_OPTION,
    coder: str = CODER_OPTION,
    where: list[str] = WHERE_OPTION,
    exact: bool = EXACT_OPTION,
    round_: str = ROUND_OPTION,
    no_text: bool = typer.Option(
        False, "--no-text", help="Leave every transcript's text out (no transcript viewer)."),
    transcripts: int = typer.Option(
        200, "--transcripts", min=0, max=MAX_NUMBER, metavar="N",
        help="Embed at most N transcripts in the viewer, the first with codings (0: all)."),
    pseudonymise: Path = PSEUDONYMS_OPTION,
) -> None:
    """A report in one HTML file that opens offline: summary, codebook with counts, code
    frequencies by case attribute (counting cases), codes × documents, co-occurrence, agreement
    per round with intervals, and the transcripts with each coder's and the consensus codings
    highlighted. Takes the exports' filters; the same project gives the same bytes."""
    from qcode.errors import UsageError
    from qcode.export.report.data import ReportOptions

    flt = _filter(None, code, coder, None, where, round_, exact)
    pseudonyms = None
    if pseudonymise is not None:
        from qcode.export.privacy import read_pseudonyms

        pseudonyms = read_pseudonyms(pseudonymise)
    if output is None and shown.stdout_is_terminal():
        raise UsageError("an HTML report is not for the terminal", hint="give -o exports/report.html")
    opts = ReportOptions(tuple(by or ()), unit, no_text, pseudonyms, transcripts)
    from qcode.export.report.page import build_report

    with transaction(write=False) as session:
        page = build_report(session, flt, opts).encode("utf-8")
    _deliver(output, lambda stream: stream.write(page))
    if output is not None:
        info(f"wrote the report to {output} ({len(page) / 2**20:.1f} MB); open it in a browser")
        echo(str(output.resolve()))


def register(app: typer.Typer) -> None:
    app.command("report")(report)
