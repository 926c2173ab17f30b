"""Run handlers of the plans part (registered with commissioning.runs.run_handler).

`intervention_evaluation` evaluates one plan in the worker and records its result in one
transaction: a failure leaves nothing behind."""

from __future__ import annotations

from django.db import transaction

from commissioning.runs import RunContext, run_handler
from evaluation.methods import (
    interrupted_time_series,
    plain_summary,
    series_difference_in_differences,
    snapshot_difference_in_differences,
)
from evaluation.methods.summary import decimal_places
from evaluation.models import EvaluationMethod, EvaluationPlan, EvaluationSource
from evaluation.plans import actions, data


def evaluate(plan: EvaluationPlan):
    """The plan's Estimate and its unit, from the data its design names."""
    if plan.source == EvaluationSource.SNAPSHOTS:
        cells, used = data.snapshot_cells(plan)
        estimate = snapshot_difference_in_differences(cells)
        estimate.details.update(used, condition=plan.condition)
        return estimate, "percentage points"
    unit = plan.indicator.unit
    if plan.method == EvaluationMethod.ITS:
        frame = data.its_frame(plan)
        estimate = interrupted_time_series(
            frame, plan.intervention_date, seasonality=plan.seasonality
        )
    else:
        frame = data.did_frame(plan)
        estimate = series_difference_in_differences(frame, plan.intervention_date)
        estimate.details["comparison_areas"] = list(
            plan.comparison_areas.values_list("name", flat=True)
        )
    return estimate, unit


@run_handler(
    actions.RUN_KIND,
    label="Intervention evaluation",
    subject=("plan_id", "evaluation:plan", "See the evaluation"),
)
def intervention_evaluation(context: RunContext) -> dict:
    plan = EvaluationPlan.objects.select_related("indicator", "area", "intervention").get(
        pk=context.parameters["plan_id"]
    )
    context.progress(10, "Reading the data")
    estimate, unit = evaluate(plan)
    context.progress(70, "Recording the result")
    polarity = plan.indicator.polarity if plan.source == EvaluationSource.SERIES else "neutral"
    summary = plain_summary(
        estimate,
        unit=unit,
        intervention_date=plan.intervention_date,
        polarity=polarity,
        places=decimal_places(estimate.standard_error),
    )
    with transaction.atomic():
        result = actions.record_result(
            plan=plan,
            estimate=estimate,
            unit=unit,
            summary=summary,
            run=context.run,
            by=context.run.started_by,
        )
    return {"result_id": result.pk, "effect": estimate.effect, "summary": summary}
