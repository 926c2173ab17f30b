"""The outcome-against-trajectory chart and the intervention start lines (plotly dicts)."""

from __future__ import annotations

from commissioning.charts import NHS_BLUE, NHS_DARK_GREY, _layout, figure

TRAJECTORY_GREEN = "#007f3b"
TARGET_RED = "#d5281b"
START_GREY = "#4c6272"


def start_lines(starts: list[dict]) -> tuple[list[dict], list[dict]]:
    """Vertical lines (layout shapes) and their labels (annotations) at each intervention
    start date; `starts` as evaluation.tracking.queries.intervention_starts gives."""
    shapes, notes = [], []
    for number, start in enumerate(starts):
        x = start["date"].isoformat()
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "line": {"color": START_GREY, "dash": "dash", "width": 1.5},
            }
        )
        label = start["label"]
        notes.append(
            {
                "x": x,
                "xref": "x",
                "yref": "paper",
                "y": 1 - 0.07 * (number % 3),
                "yanchor": "top",
                "xanchor": "left",
                "showarrow": False,
                "text": f"Starts: {label[:40]}{'…' if len(label) > 40 else ''}",
                "font": {"size": 12, "color": START_GREY},
                "bgcolor": "rgba(255,255,255,0.8)",
            }
        )
    return shapes, notes


def add_start_lines(fig: dict, starts: list[dict]) -> dict:
    """The figure with intervention start lines added to its layout."""
    shapes, notes = start_lines(starts)
    layout = fig["layout"]
    layout["shapes"] = [*layout.get("shapes", []), *shapes]
    layout["annotations"] = [*layout.get("annotations", []), *notes]
    return fig


def outcome_figure(track, starts: list[dict], unit: str) -> dict:
    """The outcome's measured series, its trajectory, its year-5 target and the start of
    each intervention aimed at it; `track` is an evaluation.tracking.queries.OutcomeTrack."""
    data: list[dict] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Measured",
            "x": [v.period_end.isoformat() for v in track.values],
            "y": [v.value for v in track.values],
            "line": {"color": NHS_BLUE, "width": 2},
            "marker": {"size": 7},
            "hovertemplate": "%{x}: %{y:.4g}<extra>Measured</extra>",
        }
    ]
    if track.trajectory:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Trajectory",
                "x": [row["due"].isoformat() for row in track.trajectory],
                "y": [row["value"] for row in track.trajectory],
                "line": {"color": TRAJECTORY_GREEN, "dash": "dash", "width": 2},
                "marker": {"symbol": "square", "size": 7},
                "hovertemplate": "%{x}: %{y:.4g}<extra>Trajectory</extra>",
            }
        )
    xs = [*data[0]["x"], *[row["due"].isoformat() for row in track.trajectory]]
    if xs:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Year-5 target",
                "x": [min(xs), max(xs)],
                "y": [track.target, track.target],
                "line": {"color": TARGET_RED, "dash": "dashdot", "width": 2},
                "hovertemplate": "Target: %{y:.4g}<extra></extra>",
            }
        )
    if track.forecast is not None and track.values:
        last = track.values[-1]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Forecast (95% prediction interval)",
                "x": [last.period_end.isoformat(), track.forecast_date.isoformat()],
                "y": [last.value, track.forecast],
                "line": {"color": NHS_DARK_GREY, "dash": "dot", "width": 1.5},
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [0, track.forecast_upper - track.forecast],
                    "arrayminus": [0, track.forecast - track.forecast_lower],
                    "color": NHS_DARK_GREY,
                },
                "hovertemplate": "%{x}: %{y:.4g}<extra>Forecast</extra>",
            }
        )
    layout = _layout(
        xaxis={"title": {"text": "Period ending"}, "type": "date", "automargin": True},
        yaxis={"title": {"text": unit or "Value"}, "automargin": True, "zeroline": False},
        height=460,
        margin={"l": 70, "r": 20, "t": 90, "b": 60},
    )
    return add_start_lines(figure(data, layout), starts)
