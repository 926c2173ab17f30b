"""Plotly figures of a resource-shift scenario, as JSON-ready dicts (commissioning.charts)."""

from __future__ import annotations

from commissioning.charts import NHS_BLUE, NHS_DARK_GREY, _layout, figure
from payor.models import SETTING_LABELS, SETTINGS

COLOURS = {
    "acute": "#005eb8",
    "community": "#007f3b",
    "mental_health": "#330072",
    "primary_care": "#ae2573",
    "prevention": "#ed8b00",
    "other": "#425563",
}


def _years(result: dict) -> list[str]:
    return [f"Year {row['year']}" for row in result["years"]]


def spend_by_setting(result: dict) -> dict:
    """Stacked bars: spend by setting per year, in £ million."""
    x = _years(result)
    data = [
        {
            "type": "bar",
            "name": SETTING_LABELS[setting],
            "x": x,
            "y": [round(float(row["spend"][setting]) / 1e6, 3) for row in result["years"]],
            "marker": {"color": COLOURS[setting]},
            "hovertemplate": "%{x}: £%{y:,.3f}m<extra>" + SETTING_LABELS[setting] + "</extra>",
        }
        for setting in SETTINGS
        if any(float(row["spend"][setting]) for row in result["years"])
    ]
    layout = _layout(
        barmode="stack",
        xaxis={"title": {"text": "Scenario year"}},
        yaxis={"title": {"text": "Spend (£ million)"}, "tickformat": ",.0f"},
    )
    return figure(data, layout)


def net_cost_band(result: dict) -> dict:
    """The P10 to P90 band of net cost per year with the P50 line, in £ million."""
    x = _years(result)
    p10, p50, p90 = (
        [round(float(row["net_cost_p"][i]) / 1e6, 3) for row in result["years"]] for i in range(3)
    )
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "P90",
            "x": x,
            "y": p90,
            "line": {"width": 0, "color": NHS_DARK_GREY},
            "showlegend": False,
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "P10 to P90",
            "x": x,
            "y": p10,
            "fill": "tonexty",
            "fillcolor": "rgba(0, 94, 184, 0.2)",
            "line": {"width": 0, "color": NHS_DARK_GREY},
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "P50 (median)",
            "x": x,
            "y": p50,
            "line": {"color": NHS_BLUE, "width": 3},
        },
    ]
    layout = _layout(
        xaxis={"title": {"text": "Scenario year"}},
        yaxis={"title": {"text": "Net cost above base spend (£ million)"}, "tickformat": ",.1f"},
    )
    return figure(data, layout)
