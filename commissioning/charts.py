"""Plotly figures for the core pages, as plain JSON-ready dicts.

A page passes a figure to its template, which writes it with Django's `json_script`;
`static/js/charts.js` draws every figure it finds with `Plotly.newPlot`. Nothing here
imports plotly: the figures are data, so they are cheap to build and easy to test.
Counts arrive already disclosure-controlled where the viewer needs it; a suppressed
count ("*") is drawn as a gap, never as a number.
"""

from __future__ import annotations

import math

from commissioning.population_summary import AGE_LABELS

# NHS identity colours, chosen so that every bar has at least 3:1 contrast with the white
# background (WCAG 1.4.11) and the pairs differ in more than hue.
NHS_BLUE = "#005eb8"
NHS_PINK = "#ae2573"
NHS_DARK_GREY = "#425563"
NHS_TEXT = "#212b32"

FONT = {"family": "Arial, sans-serif", "size": 14, "color": NHS_TEXT}
# Not plotly's "responsive" mode: it sizes the chart to its container's height, which here
# is set by the chart itself; static/js/charts.js resizes the width when the window changes.
CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
}


def _numeric(value) -> int | float | None:
    """A count as plotly should draw it: suppressed ("*") or missing becomes a gap."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _layout(**extra) -> dict:
    """Shared layout. Charts carry no title: the page gives each one a heading, which screen
    reader users can find and which wraps on a small screen."""
    layout = {
        "font": FONT,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 70, "r": 20, "t": 40, "b": 50},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "hoverlabel": {"font": {"family": FONT["family"]}},
    }
    layout.update(extra)
    return layout


def figure(data: list[dict], layout: dict) -> dict:
    return {"data": data, "layout": layout, "config": CONFIG}


def population_pyramid(rows: list[dict]) -> dict:
    """A population pyramid: males to the left, females to the right, youngest at the bottom.

    In: rows with keys age_band (one of AGE_LABELS), sex ("F", "M"; other codes are left
    out of the pyramid) and people (a count, or "*" where suppressed).
    Out: a plotly figure dict.
    """
    people = {(row["age_band"], row["sex"]): _numeric(row["people"]) for row in rows}
    males = [people.get((band, "M")) for band in AGE_LABELS]
    females = [people.get((band, "F")) for band in AGE_LABELS]
    largest = max([v for v in males + females if v is not None] or [0])
    ticks = _symmetric_ticks(largest)

    def side(name: str, values: list, sign: int, colour: str) -> dict:
        return {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "y": AGE_LABELS,
            "x": [sign * v if v is not None else None for v in values],
            "customdata": [v if v is not None else "suppressed" for v in values],
            "marker": {"color": colour},
            "hovertemplate": f"{name}, aged %{{y}}: %{{customdata:,}}<extra></extra>",
        }

    data = [side("Male", males, -1, NHS_BLUE), side("Female", females, 1, NHS_PINK)]
    layout = _layout(
        barmode="overlay",
        bargap=0.08,
        height=500,
        xaxis={
            "title": {"text": "People"},
            "tickvals": [-t for t in reversed(ticks[1:])] + ticks,
            "ticktext": [f"{t:,}" for t in reversed(ticks[1:])] + [f"{t:,}" for t in ticks],
            "zeroline": True,
            "zerolinecolor": NHS_DARK_GREY,
            "gridcolor": "#d8dde0",
            "fixedrange": True,
        },
        yaxis={"title": {"text": "Age band"}, "fixedrange": True, "categoryorder": "array"},
    )
    return figure(data, layout)


def _symmetric_ticks(largest: int | float) -> list[int]:
    """Round tick values from 0 up to `largest` (one side of the pyramid), about four."""
    if largest <= 0:
        return [0]
    raw = largest / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    return list(range(0, int(largest) + 1, step))


def population_by_place(places: list) -> dict:
    """Resident population (LSOA populations) and registered people (population summary)
    side by side for each place.

    In: objects or dicts with name, resident_population and registered_people (counts, "*"
    where suppressed, or None where not known).
    Out: a plotly figure dict.
    """

    def get(place, key):
        return place[key] if isinstance(place, dict) else getattr(place, key)

    names = [get(place, "name") for place in places]
    series = [
        ("Resident population", "resident_population", NHS_DARK_GREY),
        ("Registered people", "registered_people", NHS_BLUE),
    ]
    data = []
    for label, key, colour in series:
        values = [_numeric(get(place, key)) for place in places]
        if all(value is None for value in values):
            continue
        data.append(
            {
                "type": "bar",
                "name": label,
                "x": names,
                "y": values,
                "marker": {"color": colour},
                "hovertemplate": f"{label}, %{{x}}: %{{y:,}}<extra></extra>",
            }
        )
    layout = _layout(
        barmode="group",
        height=400,
        xaxis={"fixedrange": True},
        yaxis={
            "title": {"text": "People"},
            "tickformat": ",d",
            "rangemode": "tozero",
            "gridcolor": "#d8dde0",
            "fixedrange": True,
        },
    )
    return figure(data, layout)
