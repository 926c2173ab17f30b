"""Plotly figures of the ranking, as plain dicts (templates draw them with json_script and
static/js/charts.js, as commissioning.charts does). Every chart has axis titles with units;
the page gives each its heading and a table with the same figures."""

from __future__ import annotations

from commissioning.charts import NHS_BLUE, figure

# NHS identity colours with at least 3:1 contrast against white, in an order where
# neighbours differ in lightness as well as hue.
CRITERION_COLOURS = [
    "#005eb8",  # NHS blue
    "#ae2573",  # pink
    "#007f3b",  # green
    "#330072",  # purple
    "#8a6300",  # dark warm yellow
    "#425563",  # dark grey
    "#003087",  # dark blue
    "#006747",  # dark green
]
ROW_HEIGHT = 46
MAX_LABEL = 48


def _label(title: str) -> str:
    return title if len(title) <= MAX_LABEL else title[: MAX_LABEL - 1] + "…"


def _layout(rows: int, x_title: str, x_range: list | None = None, legend: bool = True) -> dict:
    xaxis = {"title": {"text": x_title}, "zeroline": True, "gridcolor": "#d8dde0"}
    if x_range:
        xaxis["range"] = x_range
    return {
        "font": {"family": "Arial, sans-serif", "size": 14, "color": "#212b32"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "barmode": "stack",
        "height": 120 + ROW_HEIGHT * max(rows, 1) + (60 if legend else 0),
        "margin": {"l": 20, "r": 20, "t": 70 if legend else 20, "b": 60},
        "legend": {
            "orientation": "h",
            "x": 0,
            "y": 1.0,
            "yanchor": "bottom",
            "traceorder": "normal",
        },
        "showlegend": legend,
        "xaxis": xaxis,
        "yaxis": {
            "title": {"text": "Priority (highest ranked at the top)"},
            "autorange": "reversed",
            "automargin": True,
        },
        "hoverlabel": {"font": {"family": "Arial, sans-serif"}},
    }


def weighted_totals(ranked: list, criteria: list) -> dict:
    """Ranked weighted totals (0-100 points) as horizontal bars, highest at the top, each
    bar stacked from what each criterion contributes.

    In: `ranked`, rows with `priority.title`, `rank` and `contributions` [(criterion,
    points or None)] in ranking order; `criteria` with `name` and `weight`."""
    labels = [f"{row.rank}. {_label(row.priority.title)}" for row in ranked]
    data = []
    for i, criterion in enumerate(criteria):
        values = [dict(row.contributions).get(criterion) for row in ranked]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": criterion.name,
                "y": labels,
                "x": values,
                "marker": {"color": CRITERION_COLOURS[i % len(CRITERION_COLOURS)]},
                "hovertemplate": f"{criterion.name}: %{{x:.1f}} points<extra>%{{y}}</extra>",
            }
        )
    return figure(
        data, _layout(len(ranked), "Weighted total (points out of 100)", [0, 100], legend=True)
    )


def top_n_shares(ranked: list, *, top_n: int, variation_percent: int) -> dict:
    """The share of draws (%) in which each priority stays in the top N when the weights
    vary, as horizontal bars in ranking order.

    In: `ranked`, rows with `priority.title`, `rank` and `top_share` (0-1)."""
    labels = [f"{row.rank}. {_label(row.priority.title)}" for row in ranked]
    shares = [None if row.top_share is None else round(row.top_share * 100, 1) for row in ranked]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": f"In the top {top_n}",
            "y": labels,
            "x": shares,
            "text": [None if s is None else f"{s:.1f}%" for s in shares],
            "textposition": "auto",
            "marker": {"color": NHS_BLUE},
            "hovertemplate": (
                f"%{{y}}: in the top {top_n} in %{{x:.1f}}% of draws "
                f"(weights ±{variation_percent}%)<extra></extra>"
            ),
        }
    ]
    title = f"Draws in which it stays in the top {top_n} (% of draws)"
    return figure(data, _layout(len(ranked), title, [0, 100], legend=False))
