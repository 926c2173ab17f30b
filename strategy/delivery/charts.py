"""Plotly figures of an outcome's plan, as plain dicts (see commissioning.charts).

Two charts: the trajectory from the frozen baseline (with its 95% interval shown as a
band across the years, so a reader sees whether a year's value is beyond the noise of
the starting figure) to the year-5 target; and the expected value with the interventions
against that trajectory. No titles (the page gives each a heading); every axis says what
it measures and in what unit.
"""

from __future__ import annotations

from commissioning.charts import FONT, NHS_BLUE, NHS_DARK_GREY, NHS_PINK, figure
from needs_assessment.profile.formatting import is_number
from strategy.delivery import presenters

GRID = "#d8dde0"
BAND = "rgba(0, 94, 184, 0.12)"
NHS_GREEN = "#007f3b"


def _layout(axis_title: str, **extra) -> dict:
    layout = {
        "font": FONT,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": 380,
        "margin": {"l": 80, "r": 20, "t": 50, "b": 60},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "hoverlabel": {"font": {"family": FONT["family"]}},
        "xaxis": {"title": {"text": "Financial year"}, "type": "category", "fixedrange": True},
        "yaxis": {
            "title": {"text": axis_title},
            "gridcolor": GRID,
            "fixedrange": True,
            "tickformat": ",",
            "automargin": True,
        },  # fmt: skip
    }
    layout.update(extra)
    return layout


AXIS_TITLES = {
    "per 100,000": "Per 100,000 people",
    "per 1,000": "Per 1,000 people",
    "%": "Per cent",
    "£": "£ per head",
    "£ per head": "£ per head",
}


def axis_title(unit: str) -> str:
    """The value axis's title: short, in the outcome's unit (the chart's heading and the
    page name the indicator)."""
    return AXIS_TITLES.get(unit.strip(), unit.strip() or "Value")


def trajectory_chart(plan, axis: str) -> dict | None:
    """The trajectory line from the baseline to the target, the baseline's 95% interval
    as a band and the target as a marker. `plan` is a queries.OutcomePlan with a
    trajectory; None when there is none."""
    if plan.trajectory is None:
        return None
    labels = presenters.year_labels(plan)
    values = [float(v) for v in plan.trajectory["value"]]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Trajectory",
            "x": labels,
            "y": values,
            "line": {"color": NHS_BLUE, "width": 3},
            "marker": {"size": 8},
            "hovertemplate": "%{x}: %{y:,.1f}<extra>Trajectory</extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": "Year-5 target",
            "x": [labels[-1]],
            "y": [plan.outcome.target_value],
            "marker": {"symbol": "star", "size": 16, "color": NHS_PINK},
            "hovertemplate": "Target: %{y:,.1f}<extra></extra>",
        },
    ]
    shapes = []
    lower, upper = plan.baseline.lower, plan.baseline.upper
    if is_number(lower) and is_number(upper):
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": lower,
                "y1": upper,
                "fillcolor": BAND,
                "line": {"width": 0},
                "layer": "below",
            }  # fmt: skip
        )
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [None],
                "y": [None],
                "name": "Baseline 95% interval",
                "marker": {"symbol": "square", "size": 14, "color": BAND},
            }  # fmt: skip
        )
    return figure(data, _layout(axis, shapes=shapes))


def impact_chart(plan, axis: str) -> dict | None:
    """The expected value of the outcome with the interventions against the trajectory,
    year by year. None when the plan check was not computed."""
    if plan.check is None or plan.trajectory is None:
        return None
    labels = presenters.year_labels(plan)
    baseline = float(plan.trajectory["value"].iloc[0])
    expected = [baseline, *[float(v) for v in plan.check["expected"]]]
    trajectory = [float(v) for v in plan.trajectory["value"]]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Trajectory to the target",
            "x": labels,
            "y": trajectory,
            "line": {"color": NHS_BLUE, "width": 3},
            "hovertemplate": "%{x}: %{y:,.1f}<extra>Trajectory</extra>",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Expected with the interventions",
            "x": labels,
            "y": expected,
            "line": {"color": NHS_GREEN, "width": 3, "dash": "dash"},
            "marker": {"symbol": "diamond", "size": 9},
            "hovertemplate": "%{x}: %{y:,.1f}<extra>Expected</extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Baseline",
            "x": labels,
            "y": [baseline] * len(labels),
            "line": {"color": NHS_DARK_GREY, "width": 1.5, "dash": "dot"},
            "hoverinfo": "skip",
        },
    ]
    return figure(data, _layout(axis))
