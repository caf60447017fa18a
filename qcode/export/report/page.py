"""One HTML file: the report's tables, plotly.js, the figure specs and the transcripts embedded.

Every text from the project (names, definitions, transcripts: untrusted) is escaped: in the
markup with `html.escape`, and in the embedded JSON blobs with `<`, `>`, `&` and the JavaScript
line separators written as `\\u` escapes, so no text can close a `<script>` element or start
markup. The page loads nothing: no network, no fonts, no CDN. The same data give the same bytes
(no time of writing, keys sorted).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from qcode.export.report.assets import CSS, JS
from qcode.export.report.data import (
    AgreementBlock,
    CodeEntry,
    Overview,
    ReportData,
    ReportOptions,
    gather,
)
from qcode.export.report.figures import (
    Chart,
    agreement_chart,
    attribute_chart,
    frequency_chart,
    grid_chart,
)
from qcode.export.report.viewer import Viewer
from qcode.export.scope import ExportFilter

NUMERIC = ' class="n"'
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                 "\u2029": "\\u2029"}


def script_json(value: Any) -> str:
    """JSON that is safe inside a `<script>` element whatever the strings hold."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)
    for raw, escaped in _JSON_ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


def safe_script(code: str) -> str:
    """Script source with any `</script` written so that it cannot end the element early."""
    return code.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def charts(data: ReportData) -> list[Chart]:
    depths = {t.key: t.depth for t in data.totals} | {c.key: c.depth for c in data.codebook}
    out = [frequency_chart(data.totals)] if data.totals else []
    out += [attribute_chart(i, found, depths) for i, found in enumerate(data.by_attribute)
            if found.codes and found.values]
    if data.code_document.rows and data.code_document.columns:
        out.append(grid_chart("chart-code-document", "Codings of each code in each document",
                              data.code_document, depths, "YlOrRd",
                              "%{y} in %{x}: %{z} coding(s)<extra></extra>"))
    if data.cooccurrence.rows:
        out.append(grid_chart("chart-cooccurrence", f"Co-occurrence of codes ({data.unit}s)",
                              data.cooccurrence, depths, "Purples",
                              f"%{{y}} and %{{x}}: %{{z}} {data.unit}(s)<extra></extra>"))
    out += [agreement_chart(i, b) for i, b in enumerate(data.agreement) if b.rows]
    return out


def build_report(session: Session, flt: ExportFilter, opts: ReportOptions) -> str:
    """The report of the project under the filters, as one HTML page."""
    from plotly.offline import get_plotlyjs

    return render(gather(session, flt, opts), get_plotlyjs())


def render(data: ReportData, plotly_js: str) -> str:
    """The whole page as one string."""
    drawn = charts(data)
    by_id = {c.id: c for c in drawn}
    body = [
        _overview(data.overview),
        _codebook(data.codebook),
        _section("frequencies", "Code frequencies",
                 "Cases (firms) with each code or a code below it; hover for documents and codings.",
                 _chart(by_id.get("chart-frequencies"))),
        _section("by-attribute", "By case attribute",
                 "Cases with each code, by the values of a case attribute: the number of cases "
                 "in each cell, its share of the group's cases as colour; the group's cases in "
                 "brackets.", *(_chart(by_id.get(f"chart-by-{i}"), h3=True)
                                for i in range(len(data.by_attribute)))),
        _section("documents", "Codes × documents",
                 "Codings of each code in each document with codings (blank: none).",
                 _chart(by_id.get("chart-code-document"))),
        _section("cooccurrence", "Co-occurrence",
                 f"The number of {data.unit}s to which both codes were applied (diagonal: each code).",
                 _chart(by_id.get("chart-cooccurrence"))),
        _agreement(data, by_id),
        _viewer_section(data.viewer),
    ]
    blobs: list[tuple[str, Any]] = [("qcode-charts", [{"id": c.id, "spec": c.spec} for c in drawn])]
    if data.viewer is not None:
        blobs.append(("qcode-viewer", _viewer_json(data.viewer)))
    title = f"{data.overview.project or 'qcode project'} — coding report"
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        # Nothing may be fetched: not even by a chart or a stray URL in the data.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; "
        "font-src data:\">\n",
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n",
        f"<script>{safe_script(plotly_js)}</script>\n</head>\n<body>\n",
        _header(title, data.overview), _nav(data), "<main>\n", *body, "</main>\n",
        *(f"<script type=\"application/json\" id=\"{i}\">{script_json(v)}</script>\n" for i, v in blobs),
        f"<script>{JS}</script>\n</body>\n</html>\n",
    ])


def _header(title: str, overview: Overview) -> str:
    scope = "; ".join(overview.filters) if overview.filters else "the whole project"
    book = f" · codebook {_e(overview.codebook)}" if overview.codebook else ""
    return f"<header><h1>{_e(title)}</h1><p>{_e(scope)}{book}</p></header>\n"


def _nav(data: ReportData) -> str:
    links = [("summary", "Summary"), ("codebook", "Codebook"), ("frequencies", "Frequencies"),
             ("by-attribute", "By attribute"), ("documents", "Codes × documents"),
             ("cooccurrence", "Co-occurrence"), ("agreement", "Agreement"),
             ("transcripts", "Transcripts")]
    return "<nav>" + "".join(f"<a href=\"#{i}\">{_e(t)}</a>" for i, t in links) + "</nav>\n"


def _section(id_: str, title: str, intro: str, *parts: str) -> str:
    inner = "".join(parts) or "<p class=\"note\">Nothing to show under these filters.</p>"
    return (f"<section id=\"{id_}\"><h2>{_e(title)}</h2><p>{_e(intro)}</p>\n{inner}</section>\n")


def _chart(chart: Chart | None, h3: bool = False) -> str:
    if chart is None:
        return ""
    heading = f"<h3>{_e(chart.title)}</h3>" if h3 else ""
    return f"{heading}<div class=\"chart\" id=\"{chart.id}\"></div>\n"


def _table(headings: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    def cls(i: int) -> str:
        return NUMERIC if i in numeric else ""

    head = "".join(f"<th{cls(i)}>{_e(h)}</th>" for i, h in enumerate(headings))
    body = "".join("<tr>" + "".join(f"<td{cls(i)}>{cell}</td>" for i, cell in enumerate(row))
                   + "</tr>\n" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>\n"


def _overview(o: Overview) -> str:
    figures = [(o.documents, "documents"), (o.cases, "cases"), (len(o.coders), "coders"),
               (o.codes, "codes"), (o.codings, "codings"), (o.consensus, "consensus codings"),
               (len(o.rounds), "rounds")]
    cards = "".join(f"<div class=\"figure\"><b>{n:,}</b><span>{_e(word)}</span></div>"
                    for n, word in figures)
    coders = f"<p>Coders: {_e(', '.join(o.coders))}.</p>" if o.coders else ""
    rounds = _table(["round", "blind", "status", "coders", "documents"],
                    ([_e(r.name), "yes" if r.blind else "no", _e(r.status), _e(", ".join(r.coders)),
                      f"{r.documents:,}"] for r in o.rounds), {4}) if o.rounds else ""
    return _section("summary", "Summary", "What the report covers.",
                    f"<div class=\"figures\">{cards}</div>\n", coders, rounds)


def _codebook(entries: Sequence[CodeEntry]) -> str:
    rows = (
        [f"<span class=\"swatch\" style=\"background:{_e(c.colour)}\"></span>"
         f"{'&nbsp;&nbsp;&nbsp;' * c.depth}<code>{_e(c.key)}</code>"
         f"{' (retired)' if c.retired else ''}",
         _e(c.label), f"<div class=\"definition\">{_e(c.definition)}</div>",
         f"{c.codings:,}", f"{c.documents:,}", f"{c.cases:,}"]
        for c in entries)
    table = _table(["code", "label", "definition", "codings", "documents", "cases (with codes below)"],
                   rows, {3, 4, 5}) if entries else ""
    return _section("codebook", "Codebook",
                    "Each code with its definition; codings and documents count its own codings, "
                    "cases also those of the codes below it.", table)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _agreement_block(index: int, block: AgreementBlock, by_id: dict[str, Chart]) -> str:
    name = f"Round {block.round}" if block.round else "Every coder"
    meta = (f"{', '.join(block.coders)} · unit: {block.unit} · {block.documents:,} document(s)"
            + (f" · intervals: {block.interval}" if block.interval else ""))
    parts = [f"<h3>{_e(name)}</h3><p>{_e(meta)}</p>\n"]
    if block.rows:
        parts.append(_chart(by_id.get(f"chart-agreement-{index}")))
        rows = ([_e(r.code), _e(r.measure), _number(r.value), _number(r.low), _number(r.high),
                 _number(r.percent), f"{r.units:,}", f"{r.both:,}"] for r in block.rows)
        parts.append("<div class=\"scroll\">" + _table(
            ["code", "measure", "value", "low", "high", "percent", "units", "both"], rows,
            {2, 3, 4, 5, 6, 7}) + "</div>")
    if block.note:
        parts.append(f"<p class=\"note\">{_e(block.note)}</p>\n")
    return "".join(parts)


def _agreement(data: ReportData, by_id: dict[str, Chart]) -> str:
    parts = [_agreement_block(i, b, by_id) for i, b in enumerate(data.agreement)]
    if data.agreement_note:
        parts.append(f"<p class=\"note\">{_e(data.agreement_note)}</p>\n")
    return _section("agreement", "Agreement",
                    f"Inter-coder agreement per code on {data.unit} units, as `qcode agreement` "
                    "reports it: each round's coders on its documents.", *parts)


def _viewer_section(viewer: Viewer | None) -> str:
    if viewer is None:
        return _section("transcripts", "Transcripts", "Left out of this report (--no-text).",
                        "<p class=\"note\">No transcript text is in this file.</p>")
    if not viewer.transcripts:
        return _section("transcripts", "Transcripts", "No document has codings under these filters.",
                        "<p class=\"note\">Nothing to show.</p>")
    controls = ("<div id=\"qv-controls\"><label>Document <select id=\"qv-document\"></select></label>"
                "<label>Code <select id=\"qv-code\"></select></label>"
                "<span id=\"qv-coders\"></span><span id=\"qv-count\" class=\"note\"></span></div>\n")
    shown = (f"The first {len(viewer.transcripts):,} documents with codings (in name order; "
             "more have codings: `qcode report --transcripts N` embeds N, 0 all, and the filters "
             "choose which)" if viewer.more else "Each document with codings")
    return _section("transcripts", "Transcripts",
                    f"{shown}, every coder's and the consensus layer's coded "
                    "passages highlighted (dashed: consensus); hover a passage for its codes. "
                    "Choose a code (with the codes below it) and the coders to show.",
                    controls, "<div id=\"qv-text\"></div>\n")


def _viewer_json(viewer: Viewer) -> dict[str, Any]:
    return {
        "coders": list(viewer.coders),
        "codes": [{"key": c.key, "label": c.label, "colour": c.colour, "ancestors": list(c.ancestors)}
                  for c in viewer.codes],
        "transcripts": [{"document": t.document, "case": t.case, "text": t.text,
                         "marks": [[m.start, m.end, m.code, m.coder] for m in t.marks]}
                        for t in viewer.transcripts],
    }
