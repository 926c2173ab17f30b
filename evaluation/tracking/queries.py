"""Reads of the tracking part: outcomes against their trajectory, indicator series and
intervention start dates. Every value comes through `commissioning.access.visible_to`.

`track_outcome(user, outcome)` is the one entry point other parts call for an outcome's
status; `track_strategy(user, strategy)` does the same for every outcome, per priority.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Min
from django.http import Http404
from django.urls import reverse

from commissioning.access import is_administrator, is_icb_staff, visible_to
from commissioning.models import IndicatorValue
from commissioning.spc import xmr
from evaluation.periods import same_length
from evaluation.tracking import forecast as fc
from strategy.delivery.trajectory import trajectory
from strategy.models import Intervention, Outcome, Priority, Strategy


@dataclass
class OutcomeTrack:
    """An outcome's measured values against its trajectory, with a status and forecast."""

    outcome: Outcome
    values: list[IndicatorValue] = field(default_factory=list)
    latest: IndicatorValue | None = None
    expected: float | None = None
    status: str = fc.NO_DATA
    status_label: str = fc.STATUS_LABELS[fc.NO_DATA]
    forecast: float | None = None
    forecast_lower: float | None = None
    forecast_upper: float | None = None
    forecast_date: date | None = None
    will_meet: bool | None = None
    variation_icon: str | None = None
    assurance_icon: str | None = None
    variation_label: str = ""
    assurance_label: str = ""
    direction: str = "lower"
    trajectory: list[dict] = field(default_factory=list)
    chart_url: str = ""

    @property
    def baseline(self) -> float | None:
        return self.outcome.baseline_value

    @property
    def target(self) -> float:
        return self.outcome.target_value


def outcome_values(user, outcome: Outcome) -> list[IndicatorValue]:
    """The visible whole-population values of the outcome's indicator for its area, of
    one period length (evaluation.periods.same_length)."""
    return same_length(
        visible_to(user, IndicatorValue)
        .filter(
            indicator_id=outcome.indicator_id,
            area_id=outcome.area_id,
            breakdown="",
            value__isnull=False,
        )
        .order_by("period_end", "pk")
    )


def trajectory_rows(outcome: Outcome, strategy: Strategy) -> list[dict]:
    """Plan years 0..H with financial_year, value and the date each value is due."""
    if outcome.baseline_value is None:
        return []
    frame = trajectory(
        outcome.baseline_value,
        outcome.target_value,
        outcome.profile,
        horizon=strategy.horizon_years,
        step_year=outcome.step_year,
        first_year=strategy.first_year,
    )
    ends = fc.plan_year_ends(strategy.first_year, strategy.horizon_years)
    rows = frame.to_dict("records")
    for row, end in zip(rows, ends, strict=True):
        row["due"] = end
    return rows


def track_outcome(user, outcome: Outcome) -> OutcomeTrack:
    """The outcome against its trajectory for `user` (values they may see only)."""
    strategy = outcome.priority.strategy
    values = outcome_values(user, outcome)
    rows = trajectory_rows(outcome, strategy)
    direction = fc.improvement_direction(
        outcome.indicator.polarity, outcome.baseline_value, outcome.target_value
    )
    track = OutcomeTrack(
        outcome=outcome,
        values=values,
        direction=direction,
        trajectory=rows,
        chart_url=reverse("evaluation:tracking-outcome-chart", args=[outcome.pk]),
    )
    if not values:
        return track
    track.latest = values[-1]
    if rows:
        track.expected = fc.expected_value(
            [row["value"] for row in rows], strategy.first_year, track.latest.period_end
        )
    track.status = fc.outcome_status(
        direction, track.latest.value, track.expected, outcome.target_value
    )
    track.status_label = fc.STATUS_LABELS[track.status]
    _add_forecast(track, strategy)
    _add_icons(track)
    return track


def _add_forecast(track: OutcomeTrack, strategy: Strategy) -> None:
    at = fc.plan_year_ends(strategy.first_year, strategy.horizon_years)[-1]
    track.forecast_date = at
    found = fc.linear_forecast(
        [v.period_end for v in track.values], [v.value for v in track.values], at
    )
    if found is None:
        return
    track.forecast, track.forecast_lower, track.forecast_upper = (
        found.value,
        found.lower,
        found.upper,
    )
    track.will_meet = fc.will_meet(track.direction, found, track.target)


def _add_icons(track: OutcomeTrack) -> None:
    if len(track.values) < 2:
        return
    result = xmr(
        [v.value for v in track.values],
        dates=[v.period_end for v in track.values],
        improvement=track.outcome.indicator.polarity,
        target=track.target,
    )
    track.variation_icon = result.variation_icon
    track.variation_label = result.variation_label
    track.assurance_icon = result.assurance_icon
    track.assurance_label = result.assurance_label or ""


@dataclass
class PriorityTrack:
    priority: Priority
    outcomes: list[OutcomeTrack]


def strategy_for_tracking(user, pk: int) -> Strategy:
    """A strategy whose outcome tracking `user` may see: ICB staff of its ICB (and
    administrators) only; anyone else gets 404."""
    if not (is_icb_staff(user) or is_administrator(user)):
        raise Http404("Not found")
    strategy = visible_to(user, Strategy).filter(pk=pk).first()
    if strategy is None:
        raise Http404("Not found")
    return strategy


def outcome_for_tracking(user, pk: int) -> Outcome:
    """An outcome of a strategy `user` may track (see `strategy_for_tracking`), or 404."""
    if not (is_icb_staff(user) or is_administrator(user)):
        raise Http404("Not found")
    outcome = (
        visible_to(user, Outcome)
        .select_related("indicator", "area", "priority__strategy")
        .filter(pk=pk)
        .first()
    )
    if outcome is None:
        raise Http404("Not found")
    return outcome


def track_strategy(user, strategy: Strategy) -> list[PriorityTrack]:
    """Every outcome of the strategy tracked, grouped by priority (in their order)."""
    priorities = visible_to(user, Priority).filter(strategy=strategy).order_by("pk")
    outcomes = (
        visible_to(user, Outcome)
        .filter(priority__strategy=strategy)
        .select_related("indicator", "area", "priority__strategy")
    )
    by_priority: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        by_priority.setdefault(outcome.priority_id, []).append(outcome)
    return [
        PriorityTrack(priority, [track_outcome(user, o) for o in by_priority.get(priority.pk, [])])
        for priority in priorities
    ]


def intervention_starts(interventions, first_year: int) -> list[dict]:
    """Start dates (plan year y → 1 April of the financial year first_year + y − 1) with
    a label, one per date (names joined), oldest first."""
    starts: dict[date, list[str]] = {}
    for intervention in interventions:
        start = date(first_year + intervention.start_year - 1, 4, 1)
        starts.setdefault(start, []).append(intervention.name)
    return [{"date": d, "label": ", ".join(names)} for d, names in sorted(starts.items())]


def outcome_intervention_starts(user, outcome: Outcome) -> list[dict]:
    """The start dates of the interventions aimed at this outcome."""
    interventions = visible_to(user, Intervention).filter(outcome=outcome)
    return intervention_starts(interventions, outcome.priority.strategy.first_year)


def indicator_series_rows(user) -> list[dict]:
    """One row per visible whole-population series: indicator, area or provider, first
    and last period, number of points."""
    rows = (
        visible_to(user, IndicatorValue)
        .filter(breakdown="")
        .values(
            "indicator__code",
            "indicator__name",
            "indicator__unit",
            "area_id",
            "area__name",
            "provider_id",
            "provider__name",
        )
        .annotate(first=Min("period_start"), last=Max("period_end"), points=Count("id"))
        .order_by("indicator__code", "area__name", "provider__name")
    )
    return list(rows)


def series_links(user) -> dict[tuple, list[dict]]:
    """What each series belongs to, keyed by (indicator code, kind, owner id): outcomes
    (by indicator and area) and contract KPIs (by indicator and provider), each with a
    label, a target and the interventions whose start dates the chart draws."""
    from payor.models import ContractKpi

    links: dict[tuple, list[dict]] = {}
    outcomes = visible_to(user, Outcome).select_related("indicator", "priority__strategy", "area")
    for outcome in outcomes:
        links.setdefault((outcome.indicator.code, "area", outcome.area_id), []).append(
            {
                "label": f"Outcome of priority “{outcome.priority.title}”",
                "target": outcome.target_value,
                "outcome": outcome,
            }
        )
    kpis = visible_to(user, ContractKpi).select_related(
        "indicator", "contract", "outcome__priority__strategy"
    )
    for kpi in kpis:
        links.setdefault((kpi.indicator.code, "provider", kpi.contract.provider_id), []).append(
            {
                "label": f"KPI of contract {kpi.contract.reference}",
                "target": None if kpi.target is None else float(kpi.target),
                "outcome": kpi.outcome,
            }
        )
    return links


def series_intervention_starts(user, links: list[dict]) -> list[dict]:
    """Intervention start dates of the outcomes a series belongs to (directly, or through
    a KPI that contributes to one)."""
    starts: list[dict] = []
    seen = set()
    for link in links:
        outcome = link.get("outcome")
        if outcome is None or outcome.pk in seen:
            continue
        seen.add(outcome.pk)
        starts.extend(outcome_intervention_starts(user, outcome))
    unique = {(s["date"], s["label"]): s for s in starts}
    return sorted(unique.values(), key=lambda s: s["date"])
