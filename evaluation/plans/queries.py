"""Reads of the plans part, always through `access.visible_to`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from commissioning.access import visible_to
from evaluation.methods.summary import decimal_places, number
from evaluation.models import EvaluationApproach, EvaluationPlan, EvaluationResult
from strategy.models import Intervention

APPROACH_DEADLINE = date(2027, 3, 31)


def latest_result(user, intervention: Intervention) -> EvaluationResult | None:
    """The newest evaluation result of an intervention that `user` may see, or None."""
    return (
        visible_to(user, EvaluationResult)
        .filter(plan__intervention_id=intervention.pk)
        .order_by("-created_at", "-pk")
        .first()
    )


def effect_text(result: EvaluationResult) -> str:
    """The effect with its 95% interval as pages show it: "−12.1 (−19.0 to −5.2)"."""
    places = decimal_places(result.standard_error)
    return (
        f"{number(result.effect, places)} "
        f"({number(result.lower, places)} to {number(result.upper, places)})"
    )


@dataclass
class PlanRow:
    intervention: Intervention
    plan: EvaluationPlan | None
    result: EvaluationResult | None

    @property
    def effect_text(self) -> str:
        return effect_text(self.result) if self.result else ""


def plan_rows(user) -> list[PlanRow]:
    """Every visible intervention of the user's ICB with its plan (or None) and the
    plan's latest result, by strategy, priority and name."""
    interventions = (
        visible_to(user, Intervention)
        .filter(priority__strategy__icb_id=getattr(user.icb, "pk", None))
        .select_related("priority__strategy", "outcome__indicator")
        .order_by("priority__strategy__first_year", "priority__title", "start_year", "name")
    )
    plans = {p.intervention_id: p for p in visible_to(user, EvaluationPlan)}
    latest: dict[int, EvaluationResult] = {}
    for result in visible_to(user, EvaluationResult).order_by("created_at", "pk"):
        latest[result.plan_id] = result
    rows = []
    for intervention in interventions:
        plan = plans.get(intervention.pk)
        rows.append(PlanRow(intervention, plan, latest.get(plan.pk) if plan else None))
    return rows


def approach(user) -> EvaluationApproach | None:
    return visible_to(user, EvaluationApproach).first()
