"""Plotly figures of the profile pages, as plain dicts (see commissioning.charts).

Figures arrive disclosure-controlled where the viewer needs it; a suppressed ("*") or
unpublished figure is drawn as a gap, never as a number. Charts carry no title (the
page gives each a heading) but every axis says what it measures and in what unit.
"""

from __future__ import annotations

from commissioning.charts import FONT, NHS_BLUE, NHS_DARK_GREY, NHS_PINK, figure
from commissioning.charts import population_pyramid as _population_pyramid
from needs_assessment.profile.formatting import is_number

GRID = "#d8dde0"
NHS_DARK_BLUE = "#003087"


def _layout(height: int, **extra) -> dict:
    layout = {
        "font": FONT,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": height,
        "margin": {"l": 70, "r": 20, "t": 40, "b": 60},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "hoverlabel": {"font": {"family": FONT["family"]}},
    }
    layout.update(extra)
    return layout


def _value(x):
    return float(x) if is_number(x) else None


def _errors(values, lowers, uppers) -> dict:
    """Asymmetric error bars; a missing limit draws no bar."""
    plus, minus = [], []
    for value, lower, upper in zip(values, lowers, uppers, strict=True):
        ok = all(is_number(v) for v in (value, lower, upper))
        plus.append(upper - value if ok else None)
        minus.append(value - lower if ok else None)
    return {"type": "data", "symmetric": False, "array": plus, "arrayminus": minus,
            "color": NHS_DARK_GREY, "thickness": 1.5, "width": 4}  # fmt: skip


def population_pyramid(rows: list[dict]) -> dict:
    """The area's population pyramid (commissioning.charts.population_pyramid)."""
    return _population_pyramid(rows)


def segment_bars(segments: list[dict]) -> dict:
    """People in each segment, a horizontal bar in the segment's colour, highest
    priority at the top. In: tables.segment_table entries."""
    names = [s["name"] for s in segments][::-1]
    people = [_value(s["people"].value) if s["people"] else 0 for s in segments][::-1]
    colours = [s.get("colour") or NHS_BLUE for s in segments][::-1]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": names,
            "x": people,
            "marker": {"color": colours},
            "hovertemplate": "%{y}: %{x:,} people<extra></extra>",
            "showlegend": False,
        }
    ]
    layout = _layout(
        60 + 38 * len(names),
        margin={"l": 260, "r": 20, "t": 20, "b": 60},
        xaxis={
            "title": {"text": "People"},
            "tickformat": ",d",
            "gridcolor": GRID,
            "rangemode": "tozero",
            "fixedrange": True,
        },  # fmt: skip
        yaxis={"fixedrange": True, "automargin": True},
    )
    return figure(data, layout)


def areas_with_intervals(entries: list[dict], axis_title: str, reference=None) -> dict:
    """A value with its 95% interval for each area, as points with error bars, and a
    dashed line at `reference` (value, label).

    In: entries with name, value, lower, upper and highlight (drawn in pink)."""
    names = [e["name"] for e in entries][::-1]
    values = [_value(e["value"]) for e in entries][::-1]
    lowers = [e["lower"] for e in entries][::-1]
    uppers = [e["upper"] for e in entries][::-1]
    colours = [NHS_PINK if e.get("highlight") else NHS_BLUE for e in entries][::-1]
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "y": names,
            "x": values,
            "marker": {"color": colours, "size": 11, "symbol": "diamond"},
            "error_x": _errors(values, lowers, uppers),
            "hovertemplate": "%{y}: %{x:,.0f}<extra></extra>",
            "name": "Area (95% interval)",
        }
    ]
    shapes = []
    if reference and is_number(reference[0]):
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": reference[0],
                "x1": reference[0],
                "y0": 0,
                "y1": 1,
                "line": {"color": NHS_DARK_GREY, "dash": "dash", "width": 2},
            }  # fmt: skip
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [None],
                "y": [None],
                "name": reference[1],
                "line": {"color": NHS_DARK_GREY, "dash": "dash", "width": 2},
            }  # fmt: skip
        )
    layout = _layout(
        110 + 34 * len(names),
        margin={"l": 200, "r": 20, "t": 40, "b": 60},
        shapes=shapes,
        xaxis={
            "title": {"text": axis_title},
            "tickformat": ",d",
            "gridcolor": GRID,
            "rangemode": "tozero",
            "fixedrange": True,
        },  # fmt: skip
        yaxis={"fixedrange": True, "automargin": True},
    )
    return figure(data, layout)


def by_decile(rows: list[dict], axis_title: str) -> dict:
    """A measure by IMD decile (1 most deprived) as bars with 95% error bars.

    In: aggregate row dicts with label, value, lower95, upper95, publishable."""
    labels = [r["label"] for r in rows]
    shown = [r["publishable"] and not r.get("suppressed") for r in rows]
    values = [_value(r["value"]) if ok else None for r, ok in zip(rows, shown, strict=True)]
    lowers = [r["lower95"] for r in rows]
    uppers = [r["upper95"] for r in rows]
    data = [
        {
            "type": "bar",
            "x": labels,
            "y": values,
            "marker": {"color": NHS_BLUE},
            "error_y": _errors(values, lowers, uppers),
            "hovertemplate": "IMD decile %{x}: %{y:,.1f}<extra></extra>",
            "showlegend": False,
        }
    ]
    layout = _layout(
        420,
        xaxis={
            "title": {"text": "IMD decile (1 = most deprived 10% nationally)"},
            "type": "category",
            "fixedrange": True,
        },  # fmt: skip
        yaxis={
            "title": {"text": axis_title},
            "tickformat": ",",
            "gridcolor": GRID,
            "rangemode": "tozero",
            "fixedrange": True,
        },  # fmt: skip
    )
    return figure(data, layout)


def calibration(rows: list[dict], x_key: str, x_title: str) -> dict:
    """Predicted and observed share of people with an emergency admission, in percent,
    by decile of predicted risk or by group; observed with its 95% Wilson interval.

    In: rows with x_key, predicted_rate, observed_rate, observed_lower, observed_upper
    (proportions; "*" where suppressed)."""
    x = [str(r[x_key]) for r in rows]

    def pct(value):
        return value * 100 if is_number(value) else None

    observed = [pct(r["observed_rate"]) for r in rows]
    data = [
        {
            "type": "bar",
            "name": "Predicted",
            "x": x,
            "y": [pct(r["predicted_rate"]) for r in rows],
            "marker": {"color": NHS_DARK_GREY},
            "hovertemplate": "%{x}: predicted %{y:.1f}%<extra></extra>",
        },
        {
            "type": "bar",
            "name": "Observed (95% interval)",
            "x": x,
            "y": observed,
            "marker": {"color": NHS_BLUE},
            "error_y": _errors(
                observed,
                [pct(r["observed_lower"]) for r in rows],
                [pct(r["observed_upper"]) for r in rows],
            ),
            "hovertemplate": "%{x}: observed %{y:.1f}%<extra></extra>",
        },
    ]
    layout = _layout(
        420,
        barmode="group",
        xaxis={"title": {"text": x_title}, "type": "category", "fixedrange": True},
        yaxis={
            "title": {"text": "Admitted next year (%)"},
            "gridcolor": GRID,
            "rangemode": "tozero",
            "fixedrange": True,
        },  # fmt: skip
    )
    return figure(data, layout)


def cost_calibration(rows: list[dict]) -> dict:
    """Predicted and observed next-year cost per head by decile of predicted cost."""
    x = [str(r["decile"]) for r in rows]
    data = [
        {"type": "bar", "name": "Predicted", "x": x,
         "y": [_value(r["predicted_per_head"]) for r in rows],
         "marker": {"color": NHS_DARK_GREY},
         "hovertemplate": "Decile %{x}: predicted £%{y:,.0f}<extra></extra>"},
        {"type": "bar", "name": "Observed", "x": x,
         "y": [_value(r["observed_per_head"]) for r in rows],
         "marker": {"color": NHS_DARK_BLUE},
         "hovertemplate": "Decile %{x}: observed £%{y:,.0f}<extra></extra>"},
    ]  # fmt: skip
    layout = _layout(
        420,
        barmode="group",
        xaxis={
            "title": {"text": "Decile of predicted cost (10 = highest)"},
            "type": "category",
            "fixedrange": True,
        },  # fmt: skip
        yaxis={
            "title": {"text": "Cost per head next year (£)"},
            "tickformat": ",",
            "gridcolor": GRID,
            "rangemode": "tozero",
            "fixedrange": True,
        },  # fmt: skip
    )
    return figure(data, layout)
