"""Pages of stage 4, evaluating impact: the landing page and the SPC pages.

Every value comes through `evaluation.queries`, which fetches only what
`access.visible_to(user, IndicatorValue)` gives; a series out of scope answers 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from commissioning.spc import xmr
from commissioning.stages import STAGES_BY_APP
from evaluation import queries
from evaluation.charts import xmr_figure
from evaluation.forms import SPCSwitchesForm
from evaluation.tracking.charts import add_start_lines
from evaluation.tracking.queries import series_intervention_starts, series_links

RULE_LABELS = {
    "outside_limits": "Outside the process limits",
    "trend": "Trend: a run of points all rising or all falling",
    "two_of_three": "2 of 3 points beyond a near line",
    "shift": "Shift: a run of points on one side of the mean",
}
VARIATION_TAGS = {
    "common": "nhsuk-tag--grey",
    "improvement": "nhsuk-tag--blue",
    "concern": "nhsuk-tag--orange",
    "neither": "nhsuk-tag--purple",
}
ASSURANCE_TAGS = {
    "pass": "nhsuk-tag--blue",
    "fail": "nhsuk-tag--orange",
    "hit_and_miss": "nhsuk-tag--grey",
}
VARIATION_SHORT = {
    "common": "Common cause",
    "improvement": "Improvement",
    "concern": "Concern",
    "neither": "Neither",
}
ASSURANCE_SHORT = {"pass": "Consistently passes", "fail": "Consistently fails"}
ASSURANCE_SHORT["hit_and_miss"] = "Hit and miss"

BREADCRUMBS = [("Home", "home"), ("Evaluation", "evaluation:landing")]
FEWEST_POINTS = 2


def _variation_kind(icon: str) -> str:
    return icon.split("_")[0]


def variation_tag(result) -> dict:
    kind = _variation_kind(result.variation_icon)
    return {
        "code": result.variation_icon,
        "short": VARIATION_SHORT[kind],
        "label": result.variation_label,
        "css": VARIATION_TAGS[kind],
    }


def assurance_tag(result) -> dict | None:
    if result.assurance_icon is None:
        return None
    return {
        "code": result.assurance_icon,
        "short": ASSURANCE_SHORT[result.assurance_icon],
        "label": result.assurance_label,
        "css": ASSURANCE_TAGS[result.assurance_icon],
    }


def chart_url(series: queries.Series) -> str:
    return reverse(
        "evaluation:spc-chart", args=[series.indicator.code, series.kind, series.owner_id]
    )


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    context = {"stage": STAGES_BY_APP["evaluation"], "breadcrumbs": [("Home", "home")]}
    return render(request, "evaluation/landing.html", context)


def _point_rows(result) -> list[dict]:
    rows = []
    for row in result.points.itertuples(index=False):
        rows.append(
            {
                "date": row.date.date(),
                "value": row.value,
                "segment": row.segment + 1,
                "in_baseline": row.in_baseline,
                "mean": row.mean,
                "lcl": row.lcl,
                "ucl": row.ucl,
                "variation": VARIATION_SHORT[row.variation],
                "css": VARIATION_TAGS[row.variation],
                "side": row.side,
                "rule": RULE_LABELS.get(row.rule, "") if row.rule else "",
            }
        )
    return rows


@login_required
def spc_chart(request: HttpRequest, code: str, kind: str, owner_id: int) -> HttpResponse:
    series = queries.series(request.user, code, kind, owner_id)
    form = SPCSwitchesForm(request.GET or None)
    arguments: dict = {}
    if form.is_bound and form.is_valid():
        arguments = form.xmr_arguments()
    result = error = None
    if len(series.values) >= FEWEST_POINTS:
        improvement = series.indicator.polarity
        try:
            result = xmr(series.numbers, dates=series.dates, improvement=improvement, **arguments)
        except ValueError as exc:
            error = str(exc)
            form.add_error(None, f"The chart cannot use these settings: {exc}.")
            result = xmr(series.numbers, dates=series.dates, improvement=improvement)
    context = {
        "series": series,
        "indicator": series.indicator,
        "form": form,
        "settings_error": error or (form.is_bound and not form.is_valid()),
        "result": result,
        "baseline_fixed": bool(arguments.get("fix_after")) and not error,
        "breadcrumbs": [*BREADCRUMBS, ("SPC summary", "evaluation:spc-summary")],
    }
    links = series_links(request.user).get(
        (series.indicator.code, series.kind, series.owner_id), []
    )
    starts = series_intervention_starts(request.user, links)
    context.update(links=links, starts=starts)
    if result is not None:
        context.update(
            figure=add_start_lines(xmr_figure(result, series.indicator.unit), starts),
            variation=variation_tag(result),
            assurance=assurance_tag(result),
            rows=_point_rows(result),
            segments=result.segments.to_dict("records"),
        )
    return render(request, "evaluation/spc_chart.html", context)


def _summary_row(series: queries.Series, link: dict | None) -> dict:
    target = link["target"] if link else None
    result = xmr(
        series.numbers, dates=series.dates, improvement=series.indicator.polarity, target=target
    )
    last = result.points.iloc[-1]
    url = chart_url(series) + (f"?target={target}" if target is not None else "")
    return {
        "series": series,
        "url": url,
        "belongs_to": link["label"] if link else "",
        "points": len(series.values),
        "last_date": series.values[-1].period_end,
        "last_value": series.values[-1].value,
        "variation": variation_tag(result),
        "assurance": assurance_tag(result),
        "special_cause": bool(last["special_cause"]),
        "concern": _variation_kind(result.variation_icon) == "concern",
        "failing": result.assurance_icon == "fail",
        "rule": RULE_LABELS.get(last["rule"], "") if last["rule"] else "",
    }


@login_required
def spc_summary(request: HttpRequest) -> HttpResponse:
    """Every visible series; one row per outcome or contract KPI it measures (with that
    target), then the series that belong to neither. Outliers: the latest point is
    special cause of concern, or the assurance icon says it consistently fails."""
    rows, too_short = [], []
    links = series_links(request.user)
    for series in queries.all_series(request.user):
        if len(series.values) < FEWEST_POINTS:
            too_short.append({"series": series, "points": len(series.values)})
            continue
        owned = links.get((series.indicator.code, series.kind, series.owner_id)) or [None]
        rows.extend(_summary_row(series, link) for link in owned)
    rows.sort(key=lambda row: (not row["belongs_to"], row["belongs_to"]))
    context = {
        "rows": rows,
        "outliers": [row for row in rows if row["concern"] or row["failing"]],
        "too_short": too_short,
        "fewest_points": FEWEST_POINTS,
        "breadcrumbs": BREADCRUMBS,
    }
    return render(request, "evaluation/spc_summary.html", context)
