"""Demo data of the plans part: the ICB's evaluation approach, a plan for each
intervention with an outcome, and a result for each plan whose series allows one.

Called by `seed_demo_evaluation` after the demo strategy and series exist. Idempotent:
interventions that already have a plan keep it and its results. Results are computed in
this process (a management command, not a request) so the demo needs no worker."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from commissioning.models import Area, AreaLevel
from evaluation.methods import plain_summary
from evaluation.methods.summary import decimal_places
from evaluation.models import EvaluationPlan
from evaluation.plans import actions
from evaluation.plans.handlers import evaluate
from strategy.models import Intervention

APPROACH = (
    "Every intervention in the Population Health Improvement Plan has an evaluation plan "
    "agreed before it starts. We use interrupted time series for ICB-wide changes and "
    "difference-in-differences against places without the intervention where it is rolled "
    "out to some places first. Results, with their intervals and the smallest effect each "
    "design could detect, go to the Strategy Committee each quarter and into the next "
    "cycle's needs assessment."
)


def _data(intervention: Intervention, comparison: list[Area]) -> dict:
    outcome = intervention.outcome
    area = intervention.area or outcome.area
    started = actions.default_intervention_date(intervention)
    others = [a for a in comparison if a.pk != area.pk] if area.level == AreaLevel.PLACE else []
    return {
        "question": f"Did {intervention.name} change {outcome.indicator.name.lower()} "
        f"in {area.name}?",
        "inputs": f"£{intervention.cost_per_year:,.0f} a year",
        "activities": intervention.description,
        "outputs": f"{intervention.cohort_size:,} people reached",
        "outcomes": str(outcome),
        "other_measures": "",
        "comparison": "Places without the intervention." if others else "",
        "indicator": outcome.indicator,
        "area": area,
        "comparison_areas": others,
        "method": "did" if others else "its",
        "source": "series",
        "condition": "",
        "seasonality": False,
        "intervention_date": started,
        "start_date": date(started.year - 2, 4, 1),
        "end_date": date(started.year + 1, 3, 31),
        "report_due": date(started.year + 1, 6, 30),
        "owner": outcome.owner or "Head of Population Health Intelligence",
    }


def _evaluate(plan: EvaluationPlan, by) -> bool:
    try:
        estimate, unit = evaluate(plan)
    except ValueError:
        return False  # not enough data yet: the plan stays without a result
    summary = plain_summary(
        estimate,
        unit=unit,
        intervention_date=plan.intervention_date,
        polarity=plan.indicator.polarity,
        places=decimal_places(estimate.standard_error),
    )
    actions.record_result(plan=plan, estimate=estimate, unit=unit, summary=summary, run=None, by=by)
    return True


@transaction.atomic
def seed_demo(*, icb: Area, by) -> str:
    """Add the demo ICB's evaluation approach, plans and results; returns a summary line."""
    if not hasattr(icb, "evaluation_approach"):
        actions.set_approach(icb=icb, statement=APPROACH, by=by)
    places = list(Area.objects.filter(icb=icb, level=AreaLevel.PLACE).order_by("name"))
    interventions = Intervention.objects.filter(
        priority__strategy__icb=icb, outcome__isnull=False, evaluation_plan__isnull=True
    ).select_related("outcome__indicator", "outcome__area", "area", "priority__strategy")
    made = evaluated = 0
    for intervention in interventions:
        plan = actions.save_plan(intervention=intervention, data=_data(intervention, places), by=by)
        made += 1
        evaluated += _evaluate(plan, by)
    return f"evaluation plans: {made} made, {evaluated} evaluated"
