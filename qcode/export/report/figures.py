"""The report's charts as plotly figures, returned as their JSON specs for plotly.js to draw.

Each figure is built with plotly's graph objects (which check every property) and kept as the
plain dict plotly.js takes; nothing here draws. Codes run down in codebook order, a code's depth
shown by a dot per level, so every chart reads like `qcode codebook show`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from qcode.export.report.data import AgreementBlock, ByAttribute, CodeTotal, Grid

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
ROW = 20  # pixels per code in a chart with codes down


@dataclass(frozen=True)
class Chart:
    id: str  # the element plotly.js draws into
    title: str
    spec: dict[str, Any]  # {"data": [...], "layout": {...}}


def _layout(height: int, **extra: Any) -> dict[str, Any]:
    return {"template": "plotly_white", "height": height, "font": {"family": FONT, "size": 12},
            "margin": {"l": 200, "r": 30, "t": 40, "b": 60}, **extra}


def _spec(figure: go.Figure) -> dict[str, Any]:
    spec = figure.to_plotly_json()
    return {"data": spec["data"], "layout": spec["layout"]}


def _label(key: str, depth: int) -> str:
    return "· " * depth + key


def frequency_chart(totals: tuple[CodeTotal, ...]) -> Chart:
    """Cases (and documents, codings) with each code or one below it."""
    labels = [_label(t.key, t.depth) for t in totals]
    figure = go.Figure(
        data=[
            go.Bar(name="cases", y=labels, x=[t.cases for t in totals], orientation="h",
                   marker={"color": [t.colour for t in totals]},
                   customdata=[[t.codings, t.documents] for t in totals],
                   hovertemplate="%{y}: %{x} case(s), %{customdata[1]} document(s), "
                                 "%{customdata[0]} coding(s)<extra></extra>"),
            go.Bar(name="codings", y=labels, x=[t.codings for t in totals], orientation="h",
                   visible="legendonly", marker={"color": "#bab0ac"}),
        ],
        layout=_layout(max(260, ROW * len(totals) + 120), barmode="group",
                       yaxis={"autorange": "reversed", "automargin": True},
                       xaxis={"title": {"text": "cases with the code or one below it"}},
                       legend={"orientation": "h", "y": 1.05}),
    )
    return Chart("chart-frequencies", "Code frequencies", _spec(figure))


def attribute_chart(index: int, found: ByAttribute, depths: dict[str, int]) -> Chart:
    """Cases with each code by the attribute's values: share of the group's cases as colour, the
    number of cases written in each cell."""
    shares = [[n / total if total else None for n, total in zip(row, found.group_cases, strict=True)]
              for row in found.cases]
    columns = [f"{value} ({total})" for value, total in zip(found.values, found.group_cases, strict=True)]
    figure = go.Figure(
        data=[go.Heatmap(
            z=shares, x=columns, y=[_label(c, depths.get(c, 0)) for c in found.codes],
            text=[list(row) for row in found.cases], texttemplate="%{text}", colorscale="Blues",
            zmin=0, zmax=1, colorbar={"title": {"text": "share"}, "tickformat": ".0%"},
            hovertemplate=f"%{{y}} · {found.attribute} %{{x}}: %{{text}} case(s), "
                          "%{z:.0%} of them<extra></extra>",
            xgap=1, ygap=1)],
        layout=_layout(max(300, ROW * len(found.codes) + 160),
                       yaxis={"autorange": "reversed", "automargin": True},
                       xaxis={"side": "top", "tickangle": -30, "automargin": True}),
    )
    return Chart(f"chart-by-{index}", f"Cases with each code, by {found.attribute}", _spec(figure))


def grid_chart(id_: str, title: str, grid: Grid, depths: dict[str, int], scale: str,
               hover: str) -> Chart:
    """A heatmap of a code × something grid (documents, or codes for co-occurrence)."""
    columns = [_label(c, depths[c]) if c in depths and grid.rows == grid.columns else c
               for c in grid.columns]
    figure = go.Figure(
        data=[go.Heatmap(z=[[v if v else None for v in r] for r in grid.cells], x=columns,
                         y=[_label(r, depths.get(r, 0)) for r in grid.rows], colorscale=scale,
                         hovertemplate=hover, xgap=1, ygap=1)],
        layout=_layout(max(300, ROW * len(grid.rows) + 200),
                       yaxis={"autorange": "reversed", "automargin": True},
                       xaxis={"tickangle": -60, "automargin": True,
                              "showticklabels": len(grid.columns) <= 80}),
    )
    return Chart(id_, title, _spec(figure))


def agreement_chart(index: int, block: AgreementBlock) -> Chart:
    """Each code's coefficients, with the interval where the measure has one."""
    traces = []
    for measure in dict.fromkeys(r.measure for r in block.rows):
        rows = [r for r in block.rows if r.measure == measure and r.value is not None]
        has_interval = any(r.low is not None for r in rows)
        error = {"type": "data", "symmetric": False,
                 "array": [(r.high - r.value) if r.high is not None and r.value is not None else 0
                           for r in rows],
                 "arrayminus": [(r.value - r.low) if r.low is not None and r.value is not None else 0
                                for r in rows]} if has_interval else None
        traces.append(go.Scatter(
            name=measure, mode="markers", y=[r.code for r in rows], x=[r.value for r in rows],
            error_x=error, marker={"size": 9},
            hovertemplate=f"%{{y}} · {measure} %{{x:.3f}}<extra></extra>"))
    codes = list(dict.fromkeys(r.code for r in block.rows))
    figure = go.Figure(data=traces, layout=_layout(
        max(260, ROW * len(codes) + 140), yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"range": [-0.2, 1.05], "title": {"text": "coefficient (bars: confidence interval)"}},
        legend={"orientation": "h", "y": 1.05}))
    name = f"round {block.round}" if block.round else ", ".join(block.coders)
    return Chart(f"chart-agreement-{index}", f"Agreement, {name}", _spec(figure))
