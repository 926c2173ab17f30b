"""Reads of the delivery part of a strategy, scoped through commissioning.access, and the
outcome's plan: frozen baseline (disclosure-controlled for providers and partners), its
trajectory and whether the interventions add up to the target.

Providers and partners see the baseline through the needs profile's disclosure rules
(needs_assessment.profile.controlled.control_row) and cohort sizes as controlled counts;
the plan arithmetic they see is computed from those released figures, so it gives away
nothing more. ICB staff see the exact figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd
from django.db.models import Prefetch, QuerySet

from commissioning import access
from commissioning.disclosure import SUPPRESSED, controlled_count
from needs_assessment.models import ProfileAggregate
from needs_assessment.profile.controlled import control_row
from needs_assessment.profile.formatting import is_number, number
from strategy.delivery import impact, measures
from strategy.delivery import trajectory as trajectories
from strategy.models import (
    CarePathway,
    EngagementActivity,
    Intervention,
    Outcome,
    OutcomeDomain,
    PathwayStage,
    Priority,
    Strategy,
)
from strategy.models.interventions import PathwayStageKind


def strategy_for(user, pk: int) -> Strategy:
    """The strategy with this id if `user` may see it, else 404."""
    queryset = Strategy.objects.select_related("icb", "area", "cycle", "needs_assessment")
    return access.get_visible_or_404(user, queryset, pk=pk)


def priorities_of(user, strategy: Strategy) -> QuerySet:
    return access.visible_to(user, Priority).filter(strategy=strategy).order_by("pk")


def outcomes_of(user, strategy: Strategy) -> QuerySet:
    return (
        access.visible_to(user, Outcome)
        .filter(priority__strategy=strategy)
        .select_related("indicator", "area", "priority")
        .order_by("priority_id", "pk")
    )


def interventions_of(user, strategy: Strategy) -> QuerySet:
    return (
        access.visible_to(user, Intervention)
        .filter(priority__strategy=strategy)
        .select_related("priority", "outcome__indicator", "segment", "area")
        .order_by("priority_id", "start_year", "name")
    )


def pathways_of(user, strategy: Strategy) -> QuerySet:
    stages = PathwayStage.objects.prefetch_related("providers")
    return (
        access.visible_to(user, CarePathway)
        .filter(strategy=strategy)
        .select_related("priority", "segment")
        .prefetch_related(Prefetch("stages", queryset=stages))
    )


def engagement_of(user, strategy: Strategy) -> QuerySet:
    return (
        access.visible_to(user, EngagementActivity)
        .filter(strategy=strategy)
        .prefetch_related("priorities")
        .order_by("-date", "-pk")
    )


def baseline_candidates(user, outcome: Outcome, strategy: Strategy) -> QuerySet:
    """Figures of the strategy's needs profile that an outcome's baseline can be frozen
    from: its measure in its area, for the whole population first, then each breakdown
    (Core20, IMD decile, sex, ethnic group…)."""
    if strategy.needs_assessment is None:
        return ProfileAggregate.objects.none()
    measure = measures.baseline_measure(outcome.indicator.code, outcome.equity_measure)
    return (
        access.visible_to(user, ProfileAggregate)
        .filter(
            profile_id=strategy.needs_assessment.profile_id,
            area_id=outcome.area_id,
            measure=measure,
            publishable=True,
            value__isnull=False,
        )
        .order_by("breakdown", "category")
    )


# ---------------------------------------------------------------------------- the plan


@dataclass
class Baseline:
    """A frozen baseline as the viewer may see it (value "*" when withheld)."""

    frozen: bool
    value: float | str | None = None
    lower: float | str | None = None
    upper: float | str | None = None
    period_start: date | None = None
    period_end: date | None = None
    source: dict = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        return self.frozen and is_number(self.value)


def baseline_of(outcome: Outcome, controlled: bool) -> Baseline:
    """The outcome's frozen baseline, through disclosure control when `controlled`."""
    if outcome.baseline_frozen_at is None:
        return Baseline(frozen=False)
    source = outcome.baseline_source or {}
    value, lower, upper = outcome.baseline_value, outcome.baseline_lower, outcome.baseline_upper
    if controlled:
        row = {
            "area_id": source.get("area", outcome.area_id),
            "measure": source.get("measure", ""),
            "breakdown": source.get("breakdown", ""),
            "category": source.get("category", ""),
            "numerator": source.get("numerator"),
            "denominator": source.get("denominator"),
            "value": value,
            "lower95": lower,
            "upper95": upper,
            "lower998": source.get("lower998"),
            "upper998": source.get("upper998"),
            "publishable": source.get("publishable", True),
        }
        released = control_row(row, {})
        value, lower, upper = released["value"], released["lower95"], released["upper95"]
    return Baseline(
        frozen=True,
        value=value,
        lower=lower,
        upper=upper,
        period_start=outcome.baseline_period_start,
        period_end=outcome.baseline_period_end,
        source=source,
    )


@dataclass
class OutcomePlan:
    """Everything the outcome page, the API and the charts show about one outcome."""

    outcome: Outcome
    unit: str
    baseline: Baseline
    trajectory: pd.DataFrame | None = None
    check: pd.DataFrame | None = None
    verdict: dict | None = None
    interventions: list[dict] = field(default_factory=list)
    note: str = ""

    def fmt(self, value) -> str:
        return figure(value, self.unit)

    @property
    def baseline_text(self) -> str:
        b = self.baseline
        if not b.frozen:
            return "Not frozen yet"
        return figure_with_interval(b.value, b.lower, b.upper, self.unit)


#: Decimal places of an outcome's figures by unit: one more than the needs profile shows
#: for percentages, since targets move prevalence by tenths of a per cent.
DECIMALS = {"%": 2, "per 100,000": 0, "per 1,000": 1, "£": 0, "£ per head": 0}


def figure(value, unit: str) -> str:
    """A figure of an outcome in its unit's precision: "9,870", "7.62", "£1,234"; "*" kept."""
    prefix = "£" if unit.strip().startswith("£") else ""
    return number(value, DECIMALS.get(unit.strip(), 1), prefix=prefix)


def figure_with_interval(value, lower, upper, unit: str) -> str:
    """ "9,870 (9,852 to 9,888)", or the value alone when the interval is missing."""
    shown = figure(value, unit)
    if not (is_number(value) and is_number(lower) and is_number(upper)):
        return shown
    return f"{shown} ({figure(lower, unit)} to {figure(upper, unit)})"


def with_unit(text: str, unit: str) -> str:
    """A formatted figure with its unit: "7.62%", "9,100 per 100,000", "£1,234"."""
    unit = unit.strip()
    if not unit or unit.startswith("£") or text in (SUPPRESSED, "–"):
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def unit_of(outcome: Outcome) -> str:
    return (outcome.baseline_source or {}).get("unit") or outcome.indicator.unit


def _intervention_rows(outcome: Outcome, controlled: bool) -> list[dict]:
    source = outcome.baseline_source or {}
    rows = []
    items = outcome.interventions.select_related("segment", "area").order_by("start_year", "pk")
    for item in items:
        cohort = controlled_count(item.cohort_size) if controlled else item.cohort_size
        ratio = None
        if source.get("profile"):
            ratio = measures.cohort_rate_ratio(
                source["profile"],
                source.get("measure", ""),
                outcome_area_id=outcome.area_id,
                cohort_area_id=item.area_id or outcome.area_id,
                segment_code=item.segment.code if item.segment else None,
            )
        rows.append(
            {
                "intervention": item,
                "name": item.name,
                "cohort_size": cohort,
                "cohort_for_sums": cohort if isinstance(cohort, int) else 0,
                "expected_effect": item.expected_effect,
                "start_year": item.start_year,
                "rate_ratio": ratio,
                "cost_per_year": item.cost_per_year,
            }
        )
    return rows


def plan_for(user, outcome: Outcome, strategy: Strategy | None = None) -> OutcomePlan:
    """The outcome's baseline, trajectory and plan check as `user` may see them. The
    trajectory needs a frozen baseline; the check also needs the population the baseline
    is about and is not computed for equity outcomes (a gap or SII moves with the rates
    of two groups, which the interventions' single effect does not describe)."""
    strategy = strategy or outcome.priority.strategy
    controlled = access.needs_disclosure_control(user)
    baseline = baseline_of(outcome, controlled)
    plan = OutcomePlan(outcome=outcome, unit=unit_of(outcome), baseline=baseline)
    plan.interventions = _intervention_rows(outcome, controlled)
    if not baseline.frozen:
        plan.note = "The trajectory starts from the baseline, which has not been frozen yet."
        return plan
    if not baseline.shown:
        plan.note = "The baseline is withheld (too few people), so the trajectory is not shown."
        return plan
    plan.trajectory = trajectories.trajectory(
        float(baseline.value),
        outcome.target_value,
        outcome.profile,
        horizon=strategy.horizon_years,
        step_year=outcome.step_year,
        first_year=strategy.first_year,
    )
    population = baseline.source.get("population")
    if outcome.domain == OutcomeDomain.EQUITY:
        plan.note = (
            "The expected effect of interventions is not computed for a gap or slope index: "
            "it depends on the rates of two groups."
        )
        return plan
    if not population:
        plan.note = (
            "The baseline does not say how many people it is about, so the plan check is "
            "not computed."
        )
        return plan
    if controlled:
        population = controlled_count(population)
        if not isinstance(population, int) or not population:
            plan.note = "The population is too small to show the plan check."
            return plan
    frame = pd.DataFrame(
        [
            {
                "cohort_size": row["cohort_for_sums"],
                "expected_effect": row["expected_effect"],
                "start_year": row["start_year"],
                "rate_ratio": row["rate_ratio"],
            }
            for row in plan.interventions
        ],
        columns=["cohort_size", "expected_effect", "start_year", "rate_ratio"],
    )
    weighted = impact.contributions(float(baseline.value), population, frame)
    for row, (_, numbers) in zip(plan.interventions, weighted.iterrows(), strict=True):
        row["weight"] = float(numbers["weight"])
        row["contribution"] = float(numbers["contribution"])
    plan.check = impact.plan_check(plan.trajectory, float(baseline.value), population, frame)
    plan.verdict = impact.verdict(plan.check)
    return plan


def verdict_text(plan: OutcomePlan) -> str:
    """The plan check in one sentence, e.g. "Falls short: 855 expected in 2030/31 against
    a target of 850, a shortfall of 5 (3% of the change needed)."""
    verdict = plan.verdict
    if not verdict or verdict["final"] is None:
        return plan.note
    final = verdict["final"]
    year = trajectories.financial_year_label(final["financial_year"])
    expected, target = plan.fmt(final["expected"]), plan.fmt(final["trajectory"])
    if verdict["no_change_required"]:
        return f"The target is the baseline: {expected} expected in {year}."
    if verdict["adds_up"]:
        return f"Adds up: {expected} expected in {year} against a target of {target}."
    share = final["shortfall_share"]
    return (
        f"Falls short: {expected} expected in {year} against a target of {target}, a "
        f"shortfall of {plan.fmt(final['shortfall'])} ({share:.0%} of the change needed)."
    )


def cost_by_year(strategy: Strategy, interventions) -> list[dict]:
    """The plan's intervention cost in each plan year (each costs its cost per year from
    its start year to the end of the plan): plan_year, label and total (Decimal)."""
    rows = []
    for plan_year, year in enumerate(strategy.years, start=1):
        total = sum(
            (i.cost_per_year for i in interventions if i.start_year <= plan_year),
            start=Decimal("0.00"),
        )
        rows.append(
            {
                "plan_year": plan_year,
                "label": trajectories.financial_year_label(year),
                "total": total,
            }
        )
    return rows


def is_suppressed(value) -> bool:
    return value == SUPPRESSED


def stage_rows(pathway: CarePathway) -> list[dict]:
    """The five stages of a pathway in their order (prevention to end of life), each with
    its PathwayStage (None when the pathway does not have that stage)."""
    have = {stage.stage: stage for stage in pathway.stages.all()}
    return [
        {"kind": kind, "label": label, "stage": have.get(kind)}
        for kind, label in PathwayStageKind.choices
    ]
