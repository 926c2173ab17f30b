"""Plotly figures for segmentation results, as plain dicts (see commissioning.charts).

Counts arrive already disclosure-controlled where the viewer needs it: a suppressed count
("*") is drawn as a gap (no bar, no flow), never as a number.
"""

from __future__ import annotations

from commissioning.charts import NHS_DARK_GREY, _layout, _numeric, figure


def segment_sizes_chart(rows: list[dict]) -> dict:
    """A horizontal bar per segment, in priority order from the top, in its colour.

    In: rows with name, colour and people (a count, or "*" where suppressed).
    Out: a plotly figure dict."""
    names = [row["name"] for row in rows]
    people = [_numeric(row["people"]) for row in rows]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": names,
            "x": people,
            "marker": {
                "color": [row["colour"] for row in rows],
                "line": {"color": NHS_DARK_GREY, "width": 1},
            },  # fmt: skip
            "customdata": [v if v is not None else "suppressed" for v in people],
            "hovertemplate": "%{y}: %{customdata:,} people<extra></extra>",
            "showlegend": False,
        }
    ]
    layout = _layout(
        height=max(260, 60 + 42 * len(rows)),
        margin={"l": 20, "r": 30, "t": 20, "b": 60},
        xaxis={
            "title": {"text": "People"},
            "tickformat": ",d",
            "rangemode": "tozero",
            "gridcolor": "#d8dde0",
            "fixedrange": True,
        },
        yaxis={
            "title": {"text": "Segment (priority order)"},
            "autorange": "reversed",
            "automargin": True,
            "fixedrange": True,
        },
        bargap=0.25,
    )
    return figure(data, layout)


def _translucent(colour: str, alpha: float = 0.45) -> str:
    colour = colour.lstrip("#")
    red, green, blue = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


def segment_flow_sankey(
    side_a: list[dict], side_b: list[dict], flows: list[dict], label_a: str, label_b: str
) -> dict:
    """A Sankey chart of people moving from model A's segments (left) to model B's (right).

    In: each side's segments (code, name, colour, people) in priority order, the flows
    (from_code, to_code, people: a count or "*"), and the two models' labels.
    Out: a plotly figure dict; flows of zero or suppressed people are not drawn."""
    index_a = {s["code"]: i for i, s in enumerate(side_a)}
    index_b = {s["code"]: len(side_a) + i for i, s in enumerate(side_b)}
    colours = [s["colour"] for s in side_a] + [s["colour"] for s in side_b]
    links = [
        (index_a[f["from_code"]], index_b[f["to_code"]], _numeric(f["people"]))
        for f in flows
        if f["from_code"] in index_a and f["to_code"] in index_b
    ]
    links = [(s, t, v) for s, t, v in links if v]
    # Nodes stay in priority order from the top (plotly would otherwise reorder them).
    node_x = [0.001] * len(side_a) + [0.999] * len(side_b)
    node_y = _column_positions(side_a) + _column_positions(side_b)
    data = [
        {
            "type": "sankey",
            "arrangement": "fixed",
            "valueformat": ",d",
            "valuesuffix": " people",
            "node": {
                "label": [s["name"] for s in side_a] + [s["name"] for s in side_b],
                "color": colours,
                "x": node_x,
                "y": node_y,
                "line": {"color": NHS_DARK_GREY, "width": 0.5},
                "pad": 14,
                "thickness": 18,
                "hovertemplate": "%{label}: %{value:,} people<extra></extra>",
            },
            "link": {
                "source": [s for s, _, _ in links],
                "target": [t for _, t, _ in links],
                "value": [v for _, _, v in links],
                "color": [_translucent(colours[s]) for s, _, _ in links],
                "hovertemplate": (
                    "%{source.label} → %{target.label}: %{value:,} people<extra></extra>"
                ),
            },
        }
    ]
    height = max(420, 36 * max(len(side_a), len(side_b)) + 120)
    layout = _layout(
        height=height,
        margin={"l": 20, "r": 20, "t": 50, "b": 20},
        annotations=[
            _column_title(f"From: {label_a}", 0, "left"),
            _column_title(f"To: {label_b}", 1, "right"),
        ],
    )
    return figure(data, layout)


def _column_positions(side: list[dict]) -> list[float]:
    """Vertical centres (0 top to 1 bottom) of one column's nodes, in order, each as tall
    as its people, with a gap between them."""
    sizes = [_numeric(s["people"]) or 0 for s in side]
    total = sum(sizes) or 1
    gap = total * 0.04
    span = total + gap * max(len(sizes) - 1, 0)
    positions, top = [], 0.0
    for size in sizes:
        positions.append(min(max((top + size / 2) / span, 0.001), 0.999))
        top += size + gap
    return positions


def _column_title(text: str, x: float, anchor: str) -> dict:
    return {
        "text": f"<b>{text}</b>",
        "x": x,
        "y": 1.0,
        "xref": "paper",
        "yref": "paper",
        "xanchor": anchor,
        "yanchor": "bottom",
        "yshift": 8,
        "showarrow": False,
    }
