"""The XmR chart as a plotly figure (a JSON-ready dict, drawn by static/js/charts.js).

Colours follow NHS England's Making Data Count: special-cause points are blue for
improvement, orange for concern and purple where the indicator has no improvement
direction; common-cause points are grey. Each kind also has its own marker shape, so the
chart does not rely on colour alone. The mean is a solid line, the process limits are
dashed and the "near" lines (the 2-of-3 rule's) dotted; each segment has its own.
"""

from __future__ import annotations

import math

from commissioning.charts import NHS_DARK_GREY, _layout, figure

IMPROVEMENT_BLUE = "#005eb8"
CONCERN_ORANGE = "#c25e00"
NEITHER_PURPLE = "#6b2c91"
COMMON_GREY = "#768692"
TARGET_RED = "#d5281b"

POINT_STYLES = {
    "common": ("Common cause", COMMON_GREY, "circle"),
    "improvement": ("Special cause: improvement", IMPROVEMENT_BLUE, "circle"),
    "concern": ("Special cause: concern", CONCERN_ORANGE, "diamond"),
    "neither": ("Special cause: neither improvement nor concern", NEITHER_PURPLE, "square"),
}


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _segment_line(points, column: str, x: list[str]) -> list:
    """y values for a line that breaks between segments (None at each boundary)."""
    xs, ys = [], []
    previous = None
    for position, row in enumerate(points.itertuples(index=False)):
        if previous is not None and row.segment != previous:
            xs.append(x[position])
            ys.append(None)
        xs.append(x[position])
        ys.append(_number(float(getattr(row, column))))
        previous = row.segment
    return xs, ys


def xmr_figure(result, unit: str = "") -> dict:
    """The figure of an `SPCResult` (from `commissioning.spc.xmr` with dates)."""
    points = result.points
    x = [stamp.date().isoformat() for stamp in points["date"]]
    values = [float(v) for v in points["value"]]
    data: list[dict] = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Value",
            "x": x,
            "y": values,
            "line": {"color": NHS_DARK_GREY, "width": 2},
            "hoverinfo": "skip",
            "showlegend": False,
        }
    ]
    lines = [
        ("mean", "Mean", "solid", NHS_DARK_GREY),
        ("ucl", "Upper process limit", "dash", NHS_DARK_GREY),
        ("lcl", "Lower process limit", "dash", NHS_DARK_GREY),
        ("near_upper", "Upper near line", "dot", COMMON_GREY),
        ("near_lower", "Lower near line", "dot", COMMON_GREY),
    ]
    for column, name, dash, colour in lines:
        xs, ys = _segment_line(points, column, x)
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "x": xs,
                "y": ys,
                "line": {"color": colour, "dash": dash, "width": 1.5},
                "hovertemplate": f"{name}: %{{y:.4g}}<extra></extra>",
                "legendgroup": column[-5:] if column.startswith("near") else column,
            }
        )
    if result.target is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Target",
                "x": [x[0], x[-1]],
                "y": [result.target, result.target],
                "line": {"color": TARGET_RED, "dash": "dashdot", "width": 2},
                "hovertemplate": "Target: %{y:.4g}<extra></extra>",
            }
        )
    for variation, (name, colour, symbol) in POINT_STYLES.items():
        chosen = [i for i, kind in enumerate(points["variation"]) if kind == variation]
        if not chosen:
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "x": [x[i] for i in chosen],
                "y": [values[i] for i in chosen],
                "marker": {"color": colour, "symbol": symbol, "size": 10 if chosen else 8},
                "hovertemplate": f"%{{x}}: %{{y:.4g}}<br>{name}<extra></extra>",
            }
        )
    layout = _layout(
        xaxis={"title": {"text": "Period ending"}, "type": "date", "automargin": True},
        yaxis={"title": {"text": unit or "Value"}, "automargin": True, "zeroline": False},
        height=460,
        margin={"l": 70, "r": 20, "t": 90, "b": 60},
    )
    return figure(data, layout)
