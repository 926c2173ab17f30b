"""The evaluation run in a real Celery worker: the result is recorded, all or nothing."""

import pytest

from commissioning.models import RunStatus
from evaluation.models import EvaluationResult
from evaluation.plans import actions
from tests.conftest import wait_for_run
from tests.evaluation.plans_world import STEP, build, make_plan


@pytest.mark.django_db(transaction=True)
def test_worker_records_the_result_then_fails_cleanly(universe, celery_worker_process):
    world = build(universe)
    plan = make_plan(world, universe)
    run = wait_for_run(actions.start_evaluation(plan=plan, by=universe.analyst))
    assert run.status == RunStatus.SUCCEEDED, run.error
    result = EvaluationResult.objects.get(pk=run.result["result_id"])
    assert result.lower <= STEP <= result.upper < 0
    assert result.run_id == run.pk and "fall of" in result.summary

    # A plan whose dates leave no points after the start fails and records nothing.
    late = make_plan(
        world,
        universe,
        end_date=plan.end_date.replace(year=2027),
        intervention_date=plan.end_date.replace(year=2026, month=12, day=1),
        report_due=plan.end_date.replace(year=2027, month=6, day=30),
    )
    failed = wait_for_run(actions.start_evaluation(plan=late, by=universe.analyst))
    assert failed.status == RunStatus.FAILED
    assert "at least 3 points before and after" in failed.message
    assert EvaluationResult.objects.count() == 1
