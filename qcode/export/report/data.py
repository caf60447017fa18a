"""What a report shows, gathered from the project as plain data (no HTML, no charts).

Every count comes from the exports' own functions under the same `ExportFilter`, so a report
agrees with `qcode export frequencies`, `matrix`, `cooccurrence` and `codebook` run with the same
filters, and reads codings the way they do: through the blind rule of open rounds
(`qcode.store.visibility`). Cases are counted once however many codings they have ("4 of 9 IT
firms"), and a code counts the codes below it in the frequency charts, as `qcode stats` does.

Agreement comes from `qcode.review.report.agreement_report`, one table per round (each round's
coders on its documents), or, where no round has two coders, between every coder who has coded
(on the documents all of them coded).
Where a comparison cannot be made (a blind round hidden from whoever runs the report, fewer than
two coders, no document in common) the report says why instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.coding.highlight import normalise_colour
from qcode.errors import NotFoundError, QcodeError, UsageError
from qcode.export.cooccurrence import UNITS
from qcode.export.cooccurrence import cooccurrence as cooccurrence_table
from qcode.export.frequencies import frequencies, value_sort_key
from qcode.export.matrix import matrix
from qcode.export.report.viewer import Viewer, viewer
from qcode.export.scope import ExportFilter, Scope, in_where, resolve
from qcode.store.models import Code, Round

if TYPE_CHECKING:
    from qcode.export.privacy import Pseudonyms

MAX_GROUPS = 25  # an attribute with more values than this is not charted unless asked for
NONE_LABEL = "(none)"


@dataclass(frozen=True)
class ReportOptions:
    by: tuple[str, ...] = ()  # case attributes to chart; none: each with 2 to MAX_GROUPS values
    unit: str = "turn"  # of co-occurrence and agreement
    no_text: bool = False  # leave transcript text out entirely
    pseudonyms: Pseudonyms | None = None
    transcripts: int = 200  # the viewer's documents at most (the first with codings); 0: all

    def name(self, value: str) -> str:
        """A document, case, coder or attribute value as the report shows it."""
        return self.pseudonyms.apply(value) if self.pseudonyms is not None else value


@dataclass(frozen=True)
class RoundRow:
    name: str
    blind: bool
    status: str
    coders: tuple[str, ...]
    documents: int


@dataclass(frozen=True)
class Overview:
    project: str
    codebook: str | None
    documents: int  # in scope (`--where`)
    cases: int
    coders: tuple[str, ...]  # with codings in scope
    codes: int  # codes in scope, retired ones aside
    codings: int  # the coders' codings in scope
    consensus: int  # consensus codings in scope
    rounds: tuple[RoundRow, ...]
    filters: tuple[str, ...]  # the filters as given, for the page's heading


@dataclass(frozen=True)
class CodeEntry:
    """One code of the codebook with its counts: `codings` and `documents` its own (as
    `qcode export codebook` counts them), `cases` those with it or a code below it."""

    key: str
    label: str
    path: str
    depth: int
    definition: str | None
    colour: str
    retired: bool
    codings: int
    documents: int
    cases: int


@dataclass(frozen=True)
class CodeTotal:
    """A code and the codes below it: codings, documents and cases (for the frequency chart)."""

    key: str
    depth: int
    colour: str
    codings: int
    documents: int
    cases: int


@dataclass(frozen=True)
class ByAttribute:
    """Cases with each code (or a code below it), by the values of one case attribute."""

    attribute: str
    values: tuple[str, ...]
    group_cases: tuple[int, ...]  # cases in scope with each value
    codes: tuple[str, ...]
    cases: tuple[tuple[int, ...], ...]  # codes × values


@dataclass(frozen=True)
class Grid:
    """A labelled matrix for a heatmap: `cells[row][column]`."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[float | None, ...], ...]


@dataclass(frozen=True)
class AgreementRow:
    code: str
    measure: str
    value: float | None
    low: float | None
    high: float | None
    percent: float | None
    units: int
    both: int


@dataclass(frozen=True)
class AgreementBlock:
    """One comparison: a round's coders on its documents (or every coder, without rounds)."""

    round: str | None
    coders: tuple[str, ...]
    unit: str
    interval: str
    documents: int
    rows: tuple[AgreementRow, ...]
    note: str | None = None  # why there are no figures, or what they leave out


@dataclass(frozen=True)
class ReportData:
    overview: Overview
    codebook: tuple[CodeEntry, ...]
    totals: tuple[CodeTotal, ...]
    by_attribute: tuple[ByAttribute, ...]
    code_document: Grid
    cooccurrence: Grid
    unit: str
    agreement: tuple[AgreementBlock, ...]
    agreement_note: str | None
    viewer: Viewer | None  # None with `no_text`


def gather(session: Session, flt: ExportFilter, opts: ReportOptions) -> ReportData:
    """Everything the report shows, under the filters of the exports."""
    if opts.unit not in UNITS:
        raise UsageError(f"--unit takes {', '.join(UNITS)}, not {opts.unit!r}")
    scope = resolve(session, flt)  # every name in the filter checked once, up front
    docs = [d for d in scope.documents if in_where(scope, flt.where, d)]
    colours = _colours(session)
    totals = _totals(session, flt, colours)
    blocks, note = agreement_blocks(session, flt, opts, {d.id for d in docs})
    return ReportData(
        overview=_overview(session, flt, scope, docs, opts),
        codebook=_codebook(session, flt, totals, colours),
        totals=totals,
        by_attribute=tuple(by_attribute(session, flt, scope, docs, name, opts)
                           for name in _attributes(scope, docs, opts.by)),
        code_document=_code_document(session, flt, opts),
        cooccurrence=_cooccurrence(session, flt, opts.unit),
        unit=opts.unit,
        agreement=blocks,
        agreement_note=note,
        viewer=None if opts.no_text else viewer(session, flt, colours, opts.pseudonyms,
                                                opts.transcripts),
    )


def _colours(session: Session) -> dict[str, str]:
    return {key: normalise_colour(colour, key)
            for key, colour in session.execute(select(Code.key, Code.colour)).tuples()}


def _counts(session: Session, flt: ExportFilter, count: str, by: str = "code") -> list[Any]:
    return list(frequencies(session, flt, by=[by], count=count, rollup=by == "code").rows)


def _totals(session: Session, flt: ExportFilter, colours: dict[str, str]) -> tuple[CodeTotal, ...]:
    documents, cases = ({key: n for key, _, n in _counts(session, flt, c)} for c in ("documents", "cases"))
    return tuple(
        CodeTotal(key, path.count("/"), colours.get(key, normalise_colour(None, key)), n,
                  documents.get(key, 0), cases.get(key, 0))
        for key, path, n in _counts(session, flt, "codings")
    )


def _overview(session: Session, flt: ExportFilter, scope: Scope, docs: list[Any],
              opts: ReportOptions) -> Overview:
    from qcode.store.project import summary

    per_coder: dict[str, int] = {}
    for coder, _code, _path, n in _counts(session, flt, "codings", by="coder"):
        per_coder[coder] = per_coder.get(coder, 0) + n
    coders = tuple(sorted((opts.name(c) for c, n in per_coder.items() if n), key=str.casefold))
    consensus = 0
    if flt.coder is None:
        for _key, _path, n in frequencies(session, replace(flt, coder="consensus"),
                                          by=["code"], count="codings").rows:
            consensus += n
    project = summary(session)
    return Overview(
        project=opts.name(project.project), codebook=project.codebook, documents=len(docs),
        cases=len({d.case_id for d in docs if d.case_id is not None}), coders=coders,
        codes=sum(1 for c in scope.codes if not c.retired),
        codings=sum(per_coder.values()), consensus=consensus,
        rounds=_rounds(session, flt, opts), filters=_filters(flt, opts),
    )


def _rounds(session: Session, flt: ExportFilter, opts: ReportOptions) -> tuple[RoundRow, ...]:
    from qcode.review.rounds import get_round, list_rounds

    wanted = get_round(session, flt.round).name if flt.round is not None else None
    return tuple(RoundRow(r.name, r.blind, r.status, tuple(opts.name(c) for c in r.coders),
                          r.documents)
                 for r in list_rounds(session) if wanted is None or r.name == wanted)


def _filters(flt: ExportFilter, opts: ReportOptions) -> tuple[str, ...]:
    out = [f"where {k}={opts.name(v)}" for k, v in sorted(flt.where.items())]
    if flt.where_exact:
        out.append("values as written")
    if flt.code is not None:
        out.append(f"code {flt.code} and the codes below it")
    if flt.coder is not None:
        out.append(f"coder {opts.name(flt.coder)}")
    if flt.round is not None:
        out.append(f"round {flt.round}")
    if opts.no_text:
        out.append("no transcript text")
    if opts.pseudonyms is not None:
        out.append("names pseudonymised")
    return tuple(out)


def _codebook(session: Session, flt: ExportFilter, totals: tuple[CodeTotal, ...],
              colours: dict[str, str]) -> tuple[CodeEntry, ...]:
    from qcode.export.codebook import codebook_table

    try:
        table = codebook_table(session, flt)
    except NotFoundError:
        return ()  # no codebook loaded yet: the page says so
    cases = {t.key: t.cases for t in totals}
    at = {name: i for i, name in enumerate(table.columns)}
    return tuple(
        CodeEntry(row[at["code"]], row[at["label"]], row[at["code_path"]], row[at["level"]] - 1,
                  row[at["definition"]], colours.get(row[at["code"]], "#bab0ac"),
                  bool(row[at["retired"]]), row[at["codings"]], row[at["documents"]],
                  cases.get(row[at["code"]], 0))
        for row in table.rows
    )


def _attributes(scope: Scope, docs: list[Any], asked: tuple[str, ...]) -> list[str]:
    """The attributes asked for (checked, near names suggested), else those worth a chart: with
    2 to MAX_GROUPS values among the cases in scope, those with more values first."""
    from qcode.export.scope import check_attribute

    if asked:
        return list(dict.fromkeys(check_attribute(scope, a.strip())
                                  for given in asked for a in given.split(",") if a.strip()))
    values: dict[str, set[str]] = {}
    for doc in docs:
        for name, value in scope.attributes(doc.case_id).items():
            if value:
                values.setdefault(name, set()).add(value)
    chosen = [name for name in scope.attribute_names if 2 <= len(values.get(name, ())) <= MAX_GROUPS]
    return sorted(chosen, key=lambda name: (-len(values[name]), name))


def by_attribute(session: Session, flt: ExportFilter, scope: Scope, docs: list[Any], name: str,
                 opts: ReportOptions) -> ByAttribute:
    """`qcode export frequencies --by NAME --count cases --rollup`, laid out codes × values, with
    the number of cases in scope holding each value."""
    rows = list(frequencies(session, flt, by=[name], count="cases", rollup=True).rows)
    groups: dict[str | None, set[int]] = {}
    for doc in docs:
        if doc.case_id is not None:
            groups.setdefault(scope.attributes(doc.case_id).get(name), set()).add(doc.case_id)
    order = value_sort_key(groups)
    # Documents without a case fall in no group of cases: their empty column is left out.
    values = sorted({*groups, *(row[0] for row in rows if row[0] in groups or row[3])}, key=order)
    codes = tuple(dict.fromkeys(row[1] for row in rows))
    cells = {(row[0], row[1]): row[3] for row in rows}
    return ByAttribute(
        attribute=name,
        values=tuple(NONE_LABEL if v is None else opts.name(v) for v in values),
        group_cases=tuple(len(groups.get(v, ())) for v in values),
        codes=codes,
        cases=tuple(tuple(cells.get((v, code), 0) for v in values) for code in codes),
    )


def _code_document(session: Session, flt: ExportFilter, opts: ReportOptions) -> Grid:
    """`qcode export matrix --per document --count`, turned to codes × documents; documents
    without a coding in scope are left out."""
    table = matrix(session, flt, per="document", count=True)
    rows = [r for r in table.rows if any(r[2:])]
    codes = tuple(table.columns[2:])
    return Grid(codes, tuple(opts.name(r[0]) for r in rows),
                tuple(tuple(r[2 + i] for r in rows) for i in range(len(codes))))


def _cooccurrence(session: Session, flt: ExportFilter, unit: str) -> Grid:
    table = cooccurrence_table(session, flt, unit=unit)
    rows = list(table.rows)
    return Grid(tuple(r[0] for r in rows), tuple(table.columns[1:]),
                tuple(tuple(r[1:]) for r in rows))


def agreement_blocks(session: Session, flt: ExportFilter, opts: ReportOptions,
                     documents: set[int]) -> tuple[tuple[AgreementBlock, ...], str | None]:
    """One agreement table per comparison, and a note when there is nothing to compare."""
    if flt.coder is not None:
        return (), "agreement compares coders; this report shows one coder's codings"
    plans = _comparisons(session, flt)
    if not plans:
        return (), "no two coders to compare: agreement needs a round of two or more coders, " \
            "or two coders who have coded"
    narrowed = documents if flt.where or flt.document is not None else None
    return tuple(_block(session, flt, opts, name, coders, narrowed) for name, coders in plans), None


def _comparisons(session: Session, flt: ExportFilter) -> list[tuple[str | None, tuple[str, ...]]]:
    from qcode.review.rounds import get_round, round_coders

    if flt.round is not None:
        rounds = [get_round(session, flt.round)]
    else:
        rounds = list(session.execute(select(Round).order_by(Round.created_at, Round.id)).scalars())
    plans: list[tuple[str | None, tuple[str, ...]]] = [
        (r.name, coders) for r in rounds if len(coders := round_coders(session, r.id)) >= 2]
    if plans or flt.round is not None:
        return plans
    from qcode.store.models import Coder, Coding

    coders = tuple(session.execute(
        select(Coder.name).join(Coding, Coding.coder_id == Coder.id)
        .where(Coding.layer == "coding").distinct().order_by(Coder.name)).scalars())
    return [(None, coders)] if len(coders) >= 2 else []


def _block(session: Session, flt: ExportFilter, opts: ReportOptions, name: str | None,
           coders: tuple[str, ...], documents: set[int] | None) -> AgreementBlock:
    from qcode.review.report import Options, agreement_report

    shown = tuple(opts.name(c) for c in coders)
    try:
        report = agreement_report(session, coders, Options(unit=opts.unit), round_name=name,
                                  codes=[flt.code] if flt.code else [], documents=documents)
    except QcodeError as exc:  # hidden by the blind rule, or nothing in common: say so
        return AgreementBlock(name, shown, opts.unit, "", 0, (), note=opts.name(exc.message))
    rows = tuple(AgreementRow(f.code, f.measure, f.value, f.low, f.high, f.percent, f.units, f.both)
                 for f in report.figures)
    note = "; ".join(opts.name(w) for w in report.warnings) or None
    return AgreementBlock(name, shown, opts.unit, report.interval, len(report.documents), rows, note)
