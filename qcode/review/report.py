"""Agreement between coders on a project: the figures behind `qcode agreement`.

One row (:class:`Figure`) per code (or domain value), measure and, with ``by="document"``,
document; plus a pooled row, ``(all codes)``, where the per-code binary data of every code are
stacked as one set of units (not for ``character`` units, whose stack would be codes ×
characters long). Every row names the number of units behind it and carries percent
agreement, which for the kappa family is exactly their observed agreement p_a.

Intervals: the kappa family's analytic standard errors (Gwet 2014), normal approximation, or
with ``n_boot`` the unit bootstrap's percentile interval; alpha only has the bootstrap
(Hayes & Krippendorff 2007). Unitized alphas have no interval here: their units are not
independent draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from qcode.agreement import (
    AgreementResult,
    ReliabilityData,
    bootstrap_alpha_many,
    bootstrap_many,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from qcode.errors import QcodeError, UsageError
from qcode.review.figures import ALL, Figure, Table, finite
from qcode.review.scope import Excluded, load_scope
from qcode.review.tables import continuum_figures, tables
from qcode.review.units import Conflict, check_unit

MEASURES: dict[str, Callable[..., Any]] = {
    "alpha": krippendorff_alpha, "kappa": cohen_kappa, "pi": scott_pi, "fleiss": fleiss_kappa,
    "bp": brennan_prediger, "ac1": gwet_ac1, "percent": percent_agreement,
}  # fmt: skip
NAMES = {
    "alpha": "Krippendorff's alpha (nominal)", "kappa": "Cohen's kappa", "pi": "Scott's pi",
    "fleiss": "Fleiss' kappa", "bp": "Brennan and Prediger's kappa", "ac1": "Gwet's AC1",
    "percent": "percent agreement", "u-alpha": "Krippendorff's u-alpha",
    "|u-alpha": "Krippendorff's |u-alpha", "cu-alpha": "Krippendorff's cu-alpha",
    "(k)u-alpha": "Krippendorff's (k)u-alpha",
}  # fmt: skip
PREVALENCE_SENSITIVE = ("alpha", "kappa", "pi", "fleiss")
TWO_CODERS_ONLY = ("kappa", "pi")


@dataclass(frozen=True)
class Options:
    unit: str
    measures: tuple[str, ...] = ()
    by: str = "code"
    uncoded: str = "none"
    overlap: float = 0.9
    confidence: float = 0.95
    n_boot: int = 0
    seed: int | None = 1


@dataclass(frozen=True)
class AgreementReport:
    unit: str
    coders: tuple[str, ...]
    round: str | None
    domain: str | None
    uncoded: str
    overlap: float
    confidence: float
    interval: str
    measures: tuple[str, ...]
    documents: tuple[str, ...]
    excluded: tuple[Excluded, ...]
    figures: tuple[Figure, ...]
    conflicts: tuple[Conflict, ...]
    warnings: tuple[str, ...]


def resolve_measures(
    given: Sequence[str], n_coders: int, unit: str, domain: str | None = None
) -> tuple[str, ...]:
    if not given:
        if unit == "segment" and domain is None:
            # No unit is coded by neither coder, so kappa's chance model has nothing to stand
            # on; MAXQDA reports Brennan and Prediger's kappa on segments for this reason.
            return ("bp",)
        if unit == "character":
            return ("kappa",) if n_coders == 2 else ("fleiss",)
        return ("alpha", "kappa") if n_coders == 2 else ("alpha", "fleiss")
    out = tuple(dict.fromkeys(m.strip().lower() for m in given if m.strip()))
    for name in out:
        if name not in MEASURES:
            raise UsageError(f"unknown measure {name!r}; --measure takes {', '.join(MEASURES)}")
        if name in TWO_CODERS_ONLY and n_coders != 2:
            raise UsageError(f"{NAMES[name]} is defined for two coders; {n_coders} were given",
                             hint="use fleiss or alpha for three or more")  # fmt: skip
    return out


Intervals = dict[tuple[int, str], tuple[float | None, float | None]]


def bootstrap_intervals(groups: Sequence[Table], measures: Sequence[str], opts: Options) -> Intervals:
    """(table index, measure) -> the bootstrap interval, every table of a measure at once.

    A pooled row stacks each unit once per code: those items are not independent draws, so
    it is not resampled; the kappa family keeps its analytic interval there."""
    if not opts.n_boot:
        return {}
    chosen = [i for i, t in enumerate(groups) if t.code != ALL]
    data = [groups[i].data for i in chosen]
    out: Intervals = {}
    for name in measures:
        if name == "alpha":
            found = bootstrap_alpha_many(data, n_boot=opts.n_boot, confidence=opts.confidence,
                                         seed=opts.seed)  # fmt: skip
        else:
            found = bootstrap_many(MEASURES[name], data, n_boot=opts.n_boot,
                                   confidence=opts.confidence, seed=opts.seed)  # fmt: skip
        out.update({(i, name): (finite(ci.low), finite(ci.high))
                    for i, ci in zip(chosen, found, strict=True)})  # fmt: skip
    return out


def _interval(name: str, result: Any, opts: Options,
              boot: tuple[float | None, float | None] | None) -> tuple[float | None, ...]:  # fmt: skip
    if boot is not None:
        return boot
    if name == "alpha":
        return (None, None)
    return tuple(finite(x) for x in result.confidence_interval(opts.confidence))


def _counts(table: Table, data: ReliabilityData) -> tuple[int, float | None]:
    codes = data.codes
    rated = codes >= 0
    if table.binary:
        both = int((codes == 1).all(axis=0).sum())
        total = int(rated.sum())
        return both, (float((codes == 1).sum()) / total if total else None)
    valued = (codes > 0).sum(axis=0) >= 2
    return int(valued.sum()), None


def figures_for(table: Table, measures: tuple[str, ...], opts: Options,
                boot: Intervals | None = None, index: int = -1) -> list[Figure]:  # fmt: skip
    """Every requested measure on one table, with percent agreement beside each (and the
    bootstrap intervals of `bootstrap_intervals`, table `index`)."""
    data = table.data  # built once for every measure, let go with this table
    results = {name: MEASURES[name](data) for name in measures}
    kappa_like = [r for r in results.values() if isinstance(r, AgreementResult)]
    pa = (kappa_like[0] if kappa_like else percent_agreement(data)).observed_agreement
    both, prevalence = _counts(table, data)
    out = []
    for name, result in results.items():
        value = finite(float(result))
        low, high = _interval(name, result, opts, (boot or {}).get((index, name))) \
            if value is not None else (None, None)  # fmt: skip
        out.append(Figure(table.code, table.document, name, value, low, high, finite(pa),
                          result.n_units, both, prevalence, result.undefined_reason))  # fmt: skip
    return out


def stability_warnings(figures: Sequence[Figure], unit: str, coders: Sequence[str]) -> list[str]:
    """Where kappa-type figures are unstable: a rare or near-universal code, or few positives."""
    rare: list[str] = []
    few: list[str] = []
    seen: set[tuple[str, str | None]] = set()
    for f in figures:
        key = (f.code, f.document)
        if f.measure not in PREVALENCE_SENSITIVE or key in seen or f.code == ALL:
            continue
        seen.add(key)
        where = f" in {f.document}" if f.document else ""
        if f.prevalence is not None and not 0.05 <= f.prevalence <= 0.95:
            rare.append(f"{f.code}{where} {f.prevalence:.1%}")
        if f.both < 10:
            few.append(f"{f.code}{where} {f.both}")
    out = []
    if rare:
        out.append(f"applied in under 5% or over 95% of {unit} ratings, where kappa and alpha "
                   "are unstable (the kappa paradox; read them beside percent agreement, AC1 "
                   f"or BP): {', '.join(rare)}")  # fmt: skip
    if few:
        out.append(f"fewer than 10 {unit} units coded by all of {', '.join(coders)}: "
                   f"{', '.join(few)}")  # fmt: skip
    return out


def interval_method(opts: Options) -> str:
    level = f"{opts.confidence:.0%}"
    if opts.unit == "continuum":
        return "none (unitized alphas have no interval here)"
    if opts.n_boot:
        return (f"{level} unit bootstrap, {opts.n_boot} replicates, seed {opts.seed}, "
                "percentile interval")  # fmt: skip
    return (f"{level} normal interval from Gwet's (2014) standard errors; alpha has none "
            "without --bootstrap")  # fmt: skip


def agreement_report(
    session: Session,
    coders: Sequence[str],
    opts: Options,
    *,
    round_name: str | None = None,
    codes: Sequence[str] = (),
    domain: str | None = None,
    documents: Collection[int] | None = None,
) -> AgreementReport:
    """Agreement between ``coders`` on ``opts.unit`` units, per code (or domain) and pooled
    (only on ``documents``, ids, when given)."""
    check_unit(opts.unit)
    if opts.by not in ("code", "document"):
        raise UsageError(f"--by takes code or document; got {opts.by!r}")
    if opts.n_boot < 0:
        raise UsageError("--bootstrap takes a number of replicates (0 for none)")
    if opts.n_boot and opts.unit in ("character", "continuum"):
        raise UsageError(f"--bootstrap resamples units, and {opts.unit} units are not "
                         "independent draws", hint="drop --bootstrap: the kappa family's "
                         "intervals come from their standard errors")  # fmt: skip
    scope = load_scope(session, coders, round_name=round_name, codes=codes, domain=domain,
                       documents=documents)
    if not scope.documents:
        raise QcodeError(f"no document was {'assigned to' if round_name else 'coded by'} all of "
                         f"{', '.join(scope.coders)}", hint="agreement needs documents that "
                         "every compared coder has coded")  # fmt: skip
    conflicts: tuple[Conflict, ...] = ()
    measures: tuple[str, ...]
    if opts.unit == "continuum":
        measures = ("u-alpha", "|u-alpha", "cu-alpha", "(k)u-alpha") if domain else ("|u-alpha",)
        figures, conflicts = continuum_figures(session, scope, opts.by, opts.uncoded)
    else:
        measures = resolve_measures(opts.measures, len(scope.coders), opts.unit, domain)
        groups, conflicts = tables(session, scope, opts.unit, opts.by, opts.uncoded, opts.overlap)
        boot = bootstrap_intervals(groups, measures, opts)
        figures = [f for i, t in enumerate(groups) for f in figures_for(t, measures, opts, boot, i)]
    warnings = stability_warnings(figures, opts.unit, scope.coders) if opts.unit != "continuum" \
        else []  # fmt: skip
    return AgreementReport(
        opts.unit, scope.coders, round_name, domain, opts.uncoded, opts.overlap, opts.confidence,
        interval_method(opts), measures, tuple(d.name for d in scope.documents), scope.excluded,
        tuple(figures), conflicts, tuple(warnings),
    )


def failures(report: AgreementReport, minimum: dict[str, float]) -> list[Figure]:
    """Figures of a gated measure below its minimum (undefined ones fail too)."""
    out = []
    for f in report.figures:
        floor = minimum.get(f.measure)
        if floor is not None and (f.value is None or f.value < floor):
            out.append(f)
    return out


def parse_minimum(items: Sequence[str]) -> dict[str, float]:
    """``alpha=0.8`` (repeatable, or comma-separated) into {measure: minimum}."""
    out: dict[str, float] = {}
    for item in (p for raw in items for p in raw.split(",") if p.strip()):
        name, sep, value = item.partition("=")
        name = name.strip().lower().replace("_", "-")
        try:
            floor = float(value)
        except ValueError:
            floor = math.nan
        if not sep or math.isnan(floor) or (name not in MEASURES and name not in NAMES):
            raise UsageError(f"--min takes MEASURE=VALUE, e.g. alpha=0.8; got {item!r}")
        out[name] = floor
    return out
