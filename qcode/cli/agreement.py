"""`qcode agreement` and `qcode disagreements`: how far coders agree, and where they do not."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import typer

from qcode.cli.output import FORMAT_OPTION, Format, emit, info, warn, write_json
from qcode.cli.state import transaction

if TYPE_CHECKING:
    from qcode.review.disagreements import DisagreementList
    from qcode.review.report import AgreementReport

CODERS_OPTION = typer.Option(..., "--coders", help="The coders to compare, comma-separated.")
ROUND_OPTION = typer.Option(None, "--round", help="Only the documents of this round.")
UNIT_OPTION = typer.Option(
    ..., "--unit", "-u", help="Unit of analysis: document, turn, paragraph, sentence, line, "
    "character, segment or continuum.",
)  # fmt: skip
DOMAIN_OPTION = typer.Option(None, "--domain", help="Read the children of this code as the "
                             "values of one nominal variable.")  # fmt: skip
UNCODED_OPTION = typer.Option("none", "--uncoded", help="With --domain, a unit a coder left "
                              "without a value is `none` (a value) or `missing`.")  # fmt: skip
OVERLAP_OPTION = typer.Option(0.9, "--overlap", help="Segments match when they overlap by this "
                              "share of the longer span.")  # fmt: skip

TABLE = ["code", "measure", "value", "low", "high", "percent", "units", "both", "prevalence"]
CSV = ["unit", "coders", "code", "document", "measure", "value", "low", "high", "percent",
       "units", "both", "prevalence", "note"]  # fmt: skip


def _split(values: list[str] | None) -> list[str]:
    return [p.strip() for v in values or [] for p in v.split(",") if p.strip()]


def agreement(
    coders: str = CODERS_OPTION,
    round_name: str = ROUND_OPTION,
    unit: str = UNIT_OPTION,
    code: list[str] = typer.Option(
        None, "--code", "-c", help="Only this code and the codes below it (repeatable)."
    ),
    domain: str = DOMAIN_OPTION,
    uncoded: str = UNCODED_OPTION,
    overlap: float = OVERLAP_OPTION,
    measure: list[str] = typer.Option(
        None,
        "--measure",
        "-m",
        help="alpha, kappa, pi, fleiss, bp, ac1, percent (comma-separated or repeated).",
    ),
    by: str = typer.Option("code", "--by", help="code (pooled over documents) or document."),
    ci: float = typer.Option(0.95, "--ci", help="Confidence level of the intervals."),
    n_boot: int = typer.Option(
        0,
        "--bootstrap",
        min=0,
        max=100_000,
        help="Bootstrap replicates for the intervals (0: analytic standard errors; alpha then has none).",
    ),
    seed: int = typer.Option(1, "--seed", min=0, max=2**31 - 1, help="Seed of the bootstrap."),
    minimum: list[str] = typer.Option(
        None, "--min", help="Exit 4 when a figure falls below, e.g. alpha=0.8 (repeatable)."
    ),
    explain: bool = typer.Option(False, "--explain", help="Also print a methods paragraph."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Inter-coder agreement per code (or domain) and pooled, on a unit of analysis."""
    from qcode.review.report import Options, agreement_report, failures, parse_minimum

    gates = parse_minimum(minimum or [])
    opts = Options(unit=unit, measures=tuple(_split(measure)), by=by, uncoded=uncoded,
                   overlap=overlap, confidence=ci, n_boot=n_boot, seed=seed)  # fmt: skip
    with transaction(write=False) as session:
        report = agreement_report(session, _split([coders]), opts, round_name=round_name,
                                  codes=_split(code), domain=domain)  # fmt: skip
    _render_report(report, fmt, explain)
    failed = failures(report, gates)
    if failed:
        for f in failed[:20]:
            value = "undefined" if f.value is None else f"{f.value:.3f}"
            warn(f"{f.measure} for {f.code}{' in ' + f.document if f.document else ''} is "
                 f"{value}, below the minimum {gates[f.measure]}")  # fmt: skip
        raise typer.Exit(4)


def _header(report: AgreementReport) -> None:
    scope = f"round {report.round}, " if report.round else ""
    info(f"unit: {report.unit} · coders: {', '.join(report.coders)} · {scope}"
         f"{len(report.documents)} document(s) · intervals: {report.interval}")  # fmt: skip
    for e in report.excluded:
        info(f"left out {e.document}: {e.reason}")
    for c in report.conflicts:
        warn(f"{c.coder} applied {' and '.join(c.codes)} (one domain) to {c.document} {c.unit}; "
             "that unit counts as missing for them")  # fmt: skip
    for w in report.warnings:
        warn(w)


def _render_report(report: AgreementReport, fmt: Format, explain: bool) -> None:
    from qcode.review.methods import methods_paragraph

    _header(report)
    rows = [asdict(f) for f in report.figures]
    if fmt is Format.json:
        data: dict[str, Any] = {k: v for k, v in asdict(report).items() if k != "figures"}
        data["figures"] = rows
        if explain:
            data["methods"] = methods_paragraph(report)
        write_json(data)
        return
    if fmt is Format.csv:
        coders = ",".join(report.coders)
        emit([{**r, "unit": report.unit, "coders": coders} for r in rows], CSV, fmt)
    else:
        columns = TABLE if not any(f.document for f in report.figures) else \
            ["document", *TABLE]  # fmt: skip
        emit(rows, columns, fmt, numeric=("value", "low", "high", "percent", "units", "both",
                                          "prevalence"))  # fmt: skip
    if explain:
        paragraph = methods_paragraph(report)
        if fmt is Format.csv:
            info(paragraph)
        else:
            typer.echo("")
            typer.echo(paragraph)


def disagreements(
    coders: str = CODERS_OPTION,
    round_name: str = ROUND_OPTION,
    code: list[str] = typer.Option(
        None, "--code", "-c", help="Only this code (and the codes below it; repeatable)."
    ),
    domain: str = DOMAIN_OPTION,
    document: str = typer.Option(None, "--doc", "-d", help="Only this document."),
    unit: str = UNIT_OPTION,
    uncoded: str = UNCODED_OPTION,
    overlap: float = OVERLAP_OPTION,
    status: str = typer.Option("all", "--status", help="open, resolved or all."),
    count: bool = typer.Option(False, "--count", help="Only the numbers: total, resolved, open."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Every place where the coders differ, with a stable id, the text, each coder's codes and
    whether a PI has decided it (`qcode resolve`)."""
    from qcode.review.disagreements import find_disagreements

    if status not in ("open", "resolved", "all"):
        raise typer.BadParameter("--status takes open, resolved or all")
    with transaction(write=False) as session:
        found = find_disagreements(session, _split([coders]), unit=unit, round_name=round_name,
                                   codes=_split(code), domain=domain, document=document,
                                   uncoded=uncoded, overlap=overlap)  # fmt: skip
    if count:
        emit([{"unit": found.unit, "round": found.round, "coders": ",".join(found.coders),
               "disagreements": found.total, "resolved": found.resolved,
               "open": found.total - found.resolved}],
             ["unit", "round", "coders", "disagreements", "resolved", "open"], fmt,
             numeric=("disagreements", "resolved", "open"))  # fmt: skip
        return
    _render_disagreements(found, fmt, status)


def _render_disagreements(found: DisagreementList, fmt: Format, status: str = "all") -> None:
    for e in found.excluded:
        info(f"left out {e.document}: {e.reason}")
    for c in found.conflicts:
        warn(f"{c.coder} applied {' and '.join(c.codes)} (one domain) to {c.document} {c.unit}")
    rows = []
    items = [d for d in found.items if status == "all" or d.status == status]
    for d in items:
        row: dict[str, Any] = {k: v for k, v in asdict(d).items() if k != "codes"}
        row["lines"] = _lines(d.line_start, d.line_end)
        for coder, codes in d.codes:
            row[coder] = " ".join(codes)
        rows.append(row)
    if fmt is Format.json:
        write_json({"unit": found.unit, "coders": list(found.coders), "round": found.round,
                    "domain": found.domain, "resolved": found.resolved, "total": found.total,
                    "excluded": [asdict(e) for e in found.excluded],
                    "disagreements": [{**r, "codes": dict(d.codes)}
                                      for r, d in zip(rows, items, strict=True)]})  # fmt: skip
    elif fmt is Format.csv:
        emit(rows, ["id", "document", "unit", "line_start", "line_end", "start", "end", "code",
                    *found.coders, "status", "decision", "text"], fmt)  # fmt: skip
    else:
        emit([{**r, "text": " ".join(r["text"].split()),
               "status": r["status"] + (f": {r['decision']}" if r["decision"] else "")}
              for r in rows],
             ["id", "lines", "code", *found.coders, "status", "text"], fmt)  # fmt: skip
    info(f"{_progress(found.resolved, found.total)}")


def _progress(resolved: int, total: int) -> str:
    share = "" if not total else f" ({resolved / total:.0%})"
    return f"resolved {resolved} of {total} disagreement(s){share}"


def _lines(first: int | None, last: int | None) -> str:
    if first is None:
        return ""
    return f"l{first}" if first == last or last is None else f"l{first}-{last}"


def register(app: typer.Typer) -> None:
    app.command("agreement")(agreement)
    app.command("disagreements")(disagreements)
