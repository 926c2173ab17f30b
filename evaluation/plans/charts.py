"""The evaluation chart: the observed series, the fitted segments before and after the
intervention, and the counterfactual (what the fit says would have happened without it).
For difference-in-differences the comparison series is drawn too."""

from __future__ import annotations

from commissioning.charts import NHS_BLUE, NHS_DARK_GREY, NHS_PINK, _layout, figure

COUNTERFACTUAL_GREY = "#768692"


def _split(dates: list[str], values: list, start: str) -> tuple[tuple, tuple]:
    before = [(d, v) for d, v in zip(dates, values, strict=True) if d < start]
    after = [(d, v) for d, v in zip(dates, values, strict=True) if d >= start]
    return tuple(zip(*before, strict=True)) or ((), ()), tuple(zip(*after, strict=True)) or ((), ())


def evaluation_figure(series: dict, *, intervention_date: str, unit: str) -> dict:
    """A figure from a result's stored series (details["series"]: lists date, value,
    fitted, counterfactual and, for DiD, comparison)."""
    dates = series["date"]
    data: list[dict] = [
        {
            "type": "scatter",
            "mode": "markers+lines",
            "name": "Observed",
            "x": dates,
            "y": series["value"],
            "line": {"color": NHS_DARK_GREY, "width": 1},
            "marker": {"color": NHS_DARK_GREY, "size": 6},
            "hovertemplate": "%{x}: %{y:.4g}<extra>Observed</extra>",
        }
    ]
    if "comparison" in series:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Comparison areas (mean)",
                "x": dates,
                "y": series["comparison"],
                "line": {"color": NHS_PINK, "width": 1.5, "dash": "dot"},
                "hovertemplate": "%{x}: %{y:.4g}<extra>Comparison</extra>",
            }
        )
    (before_x, before_y), (after_x, after_y) = _split(dates, series["fitted"], intervention_date)
    for name, xs, ys in (
        ("Fitted segments", before_x, before_y),
        ("Fitted, after", after_x, after_y),
    ):
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "x": list(xs),
                "y": list(ys),
                "line": {"color": NHS_BLUE, "width": 3},
                "legendgroup": "fitted",
                "showlegend": name == "Fitted segments",
                "hovertemplate": "%{x}: %{y:.4g}<extra>Fitted</extra>",
            }
        )
    _, (cf_x, cf_y) = _split(dates, series["counterfactual"], intervention_date)
    data.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Counterfactual (without the intervention)",
            "x": list(cf_x),
            "y": list(cf_y),
            "line": {"color": COUNTERFACTUAL_GREY, "width": 2.5, "dash": "dash"},
            "hovertemplate": "%{x}: %{y:.4g}<extra>Counterfactual</extra>",
        }
    )
    layout = _layout(
        xaxis={"title": {"text": "Period starting"}, "type": "date", "automargin": True},
        yaxis={"title": {"text": unit or "Value"}, "automargin": True, "zeroline": False},
        height=440,
        margin={"l": 70, "r": 20, "t": 90, "b": 60},
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": intervention_date,
                "x1": intervention_date,
                "y0": 0,
                "y1": 1,
                "line": {"color": NHS_DARK_GREY, "dash": "dashdot", "width": 1.5},
            }
        ],
        annotations=[
            {
                "x": intervention_date,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": "Intervention starts",
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "bottom",
            }
        ],
    )
    return figure(data, layout)
