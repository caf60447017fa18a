"""A methods paragraph for a paper, written from an agreement report."""

from __future__ import annotations

from qcode.review.figures import ALL, Figure
from qcode.review.report import NAMES, AgreementReport

UNIT_WORDS = {
    "document": "whole documents", "turn": "speaker turns", "paragraph": "paragraphs",
    "sentence": "sentences", "line": "transcript lines", "character": "characters",
    "segment": "coded segments (two coders' spans matched when they overlap by at least "
               "{overlap:.0%} of the longer span)",
    "continuum": "the continuum of each transcript's characters (unitized, Krippendorff et "
                 "al. 2016)",
}  # fmt: skip
REFERENCES = {
    "alpha": "Krippendorff, K. (2019). Content analysis: An introduction to its methodology "
             "(4th ed.). Sage.",
    "kappa": "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and "
             "Psychological Measurement, 20(1), 37-46.",
    "pi": "Scott, W. A. (1955). Reliability of content analysis: The case of nominal scale "
          "coding. Public Opinion Quarterly, 19(3), 321-325.",
    "fleiss": "Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. "
              "Psychological Bulletin, 76(5), 378-382.",
    "bp": "Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and "
          "alternatives. Educational and Psychological Measurement, 41(3), 687-699.",
    "ac1": "Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the "
           "presence of high agreement. British Journal of Mathematical and Statistical "
           "Psychology, 61, 29-48.",
    "unitized": "Krippendorff, K., Mathet, Y., Bouvry, S., & Widlöcher, A. (2016). On the "
                "reliability of unitizing textual continua: Further developments. Quality & "
                "Quantity, 50(6), 2347-2364.",
    "gwet": "Gwet, K. L. (2014). Handbook of inter-rater reliability (4th ed.). Advanced "
            "Analytics.",
    "hayes": "Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard "
             "reliability measure for coding data. Communication Methods and Measures, 1(1), "
             "77-89.",
}  # fmt: skip


def _figure(f: Figure) -> str:
    value = "undefined" if f.value is None else f"{f.value:.3f}"
    interval = ""
    if f.low is not None and f.high is not None:
        interval = f", CI [{f.low:.3f}, {f.high:.3f}]"
    pct = "" if f.percent is None else f", {f.percent:.1%} agreement"
    return f"{value}{interval}{pct}"


def _headline(report: AgreementReport) -> list[Figure]:
    main = ALL if report.domain is None else report.domain
    chosen = [f for f in report.figures if f.code == main and f.document is None]
    return chosen or [f for f in report.figures if f.document is None]


def methods_paragraph(report: AgreementReport) -> str:
    """Unit, coefficient, coders, number of units, result with interval, threshold, references."""
    unit = UNIT_WORDS[report.unit].format(overlap=report.overlap)
    reading = (f"the sub-codes of {report.domain} as the values of one nominal variable"
               if report.domain else "each code as a binary variable (applied or not)")
    codes = {f.code for f in report.figures if f.code != ALL} - {report.domain}
    measures = ", ".join(NAMES[m] for m in report.measures)
    headline = _headline(report)
    what = "code × unit pairs" if report.domain is None and report.unit != "continuum" else \
        ("characters" if report.unit == "continuum" else "units")  # fmt: skip
    results = "; ".join(f"{NAMES[f.measure]} {_figure(f)} over {f.units:,} {what}"
                        for f in headline[: len(report.measures)])  # fmt: skip
    where = f" in round {report.round}" if report.round else ""
    text = (
        f"Inter-coder reliability was assessed on {len(report.documents)} transcripts{where} "
        f"independently coded by {len(report.coders)} coders ({', '.join(report.coders)}), "
        f"with {unit} as the unit of analysis and {reading}, over {len(codes)} code(s). "
        f"We report {measures}, each beside percent agreement. "
        f"Pooled over {'the domain' if report.domain else 'all codes'}: {results}. "
        f"Intervals: {report.interval}. Following Krippendorff's (2019) convention, "
        "coefficients of .800 or above are taken as reliable and those between .667 and .800 "
        "as allowing tentative conclusions only; codes below .667 should be revised before "
        "their data are used."
    )
    keys = ["unitized"] if report.unit == "continuum" else [*report.measures]
    keys += ["alpha"] if "alpha" not in keys else []
    keys += ["hayes"] if "alpha" in report.measures and "bootstrap" in report.interval else []
    keys += ["gwet"] if "standard errors" in report.interval else []
    refs = "\n".join(f"- {REFERENCES[k]}" for k in dict.fromkeys(keys) if k in REFERENCES)
    return f"{text}\n\nReferences:\n{refs}"
