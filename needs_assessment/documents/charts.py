"""Plotly figures (plain dicts) for the INA's sections.

Figures arrive already disclosure-controlled where the reader needs it; a suppressed
value ("*") is drawn as a gap, never as a number, and a withheld interval has no bar.
"""

from __future__ import annotations

from commissioning.charts import FONT, NHS_BLUE, NHS_DARK_GREY, figure
from needs_assessment.documents.figures import Figure

GRID = "#d8dde0"


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _layout(height: int, **extra) -> dict:
    layout = {
        "font": FONT,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 200, "r": 30, "t": 20, "b": 60},
        "height": height,
        "showlegend": False,
        "hoverlabel": {"font": {"family": FONT["family"]}},
    }
    layout.update(extra)
    return layout


def interval_bars(
    labels: list[str],
    figures: list[Figure],
    *,
    axis_title: str,
    category_title: str = "",
    reference: float | None = None,
) -> dict:
    """Horizontal bars with 95% intervals, first label at the top.

    In: a label and a Figure for each bar; `axis_title` names the value and its unit,
    `category_title` the bars; `reference` draws a vertical line (100 for a ratio of
    observed to expected contacts). Out: a plotly figure dict."""
    values = [_number(f.value) for f in figures]
    upper = [
        (_number(f.upper) - v) if v is not None and _number(f.upper) is not None else None
        for f, v in zip(figures, values, strict=True)
    ]
    lower = [
        (v - _number(f.lower)) if v is not None and _number(f.lower) is not None else None
        for f, v in zip(figures, values, strict=True)
    ]
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": labels,
        "x": values,
        "marker": {"color": NHS_BLUE},
        "customdata": [str(f) for f in figures],
        "hovertemplate": "%{y}: %{customdata}<extra></extra>",
    }
    if any(e is not None for e in upper):
        trace["error_x"] = {
            "type": "data",
            "symmetric": False,
            "array": upper,
            "arrayminus": lower,
            "color": NHS_DARK_GREY,
            "thickness": 1.5,
        }
    layout = _layout(
        max(260, 34 * len(labels) + 90),
        xaxis={
            "title": {"text": axis_title},
            "rangemode": "tozero",
            "gridcolor": GRID,
            "fixedrange": True,
        },
        yaxis={
            "title": {"text": category_title},
            "autorange": "reversed",
            "fixedrange": True,
            "automargin": True,
        },
    )
    if reference is not None:
        layout["shapes"] = [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": reference,
                "x1": reference,
                "y0": 0,
                "y1": 1,
                "line": {"color": NHS_DARK_GREY, "dash": "dash", "width": 1.5},
            }
        ]
    return figure([trace], layout)


def count_bars(labels: list[str], counts: list, *, axis_title: str, category_title: str) -> dict:
    """Horizontal bars of counts of people (already controlled where needed), first label
    at the top.

    In: a label and a count (int, "*" or None) for each bar. Out: a plotly figure dict."""
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": labels,
        "x": [_number(c) for c in counts],
        "marker": {"color": NHS_BLUE},
        "customdata": [c if _number(c) is not None else "suppressed" for c in counts],
        "hovertemplate": "%{y}: %{customdata:,}<extra></extra>",
    }
    layout = _layout(
        max(260, 34 * len(labels) + 90),
        xaxis={
            "title": {"text": axis_title},
            "tickformat": ",d",
            "rangemode": "tozero",
            "gridcolor": GRID,
            "fixedrange": True,
        },
        yaxis={
            "title": {"text": category_title},
            "autorange": "reversed",
            "fixedrange": True,
            "automargin": True,
        },
    )
    return figure([trace], layout)
