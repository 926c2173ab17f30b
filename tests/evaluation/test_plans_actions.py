"""Evaluation plan actions: validation per field, nothing half-saved, audit, access; the
evaluation itself run in-process through the handler's `evaluate` on a planted series."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commissioning.models import AuditEvent
from evaluation.models import EvaluationPlan, EvaluationResult
from evaluation.plans import actions, queries
from evaluation.plans.handlers import evaluate
from tests.evaluation.plans_world import STEP, build, make_plan, plan_data


@pytest.fixture
def world(universe):
    return build(universe)


def test_save_plan_creates_and_audits(universe, world):
    plan = make_plan(world, universe)
    assert plan.status == "draft"
    assert AuditEvent.objects.filter(verb="evaluation.plan.create", object_id=str(plan.pk)).exists()


def test_save_plan_bad_input_names_fields_and_saves_nothing(universe, world):
    data = plan_data(world, universe, question=" ", method="did", comparison_areas=[])
    data["report_due"] = data["start_date"]
    with pytest.raises(ValidationError) as caught:
        actions.save_plan(intervention=world.intervention, data=data, by=universe.commissioner)
    errors = caught.value.message_dict
    assert errors["question"] == ["Enter the question the evaluation will answer."]
    assert "comparison area" in errors["comparison_areas"][0]
    assert "report cannot be due" in errors["report_due"][0]
    assert not EvaluationPlan.objects.exists()


def test_save_plan_refuses_outsider_and_provider(universe, world):
    for user in (universe.outsider, universe.provider_a_rep):
        with pytest.raises(PermissionDenied):
            actions.save_plan(
                intervention=world.intervention, data=plan_data(world, universe), by=user
            )


def test_editing_an_approved_plan_returns_it_to_draft(universe, world):
    plan = actions.approve_plan(plan=make_plan(world, universe), by=universe.commissioner)
    assert plan.status == "approved"
    with pytest.raises(PermissionDenied):
        actions.approve_plan(plan=make_plan(world, universe), by=universe.analyst)
    assert make_plan(world, universe, owner="Someone else").status == "draft"


def test_its_evaluation_recovers_the_planted_fall(universe, world):
    plan = make_plan(world, universe)
    estimate, unit = evaluate(plan)
    assert estimate.lower <= STEP <= estimate.upper < 0
    assert (estimate.pre_points, estimate.post_points) == (24, 6)
    assert unit == "per 100,000"


def test_did_evaluation_against_comparison_place(universe, world):
    plan = make_plan(world, universe, method="did", comparison_areas=[world.lakeside])
    estimate, _ = evaluate(plan)
    assert estimate.lower <= STEP <= estimate.upper < 0
    assert estimate.details["comparison_areas"] == ["Lakeside"]


def test_latest_result_is_scoped(universe, world):
    plan = make_plan(world, universe)
    estimate, unit = evaluate(plan)
    result = actions.record_result(
        plan=plan, estimate=estimate, unit=unit, summary="s", run=None, by=universe.analyst
    )
    assert queries.latest_result(universe.analyst, world.intervention) == result
    assert queries.latest_result(universe.outsider, world.intervention) is None
    assert queries.latest_result(universe.provider_a_rep, world.intervention) is None
    assert EvaluationResult.objects.get().details["series"]["date"][0] == "2023-04-01"


def test_seed_demo_is_idempotent(universe, world):
    from evaluation.plans.demo import seed_demo

    first = seed_demo(icb=universe.north, by=universe.commissioner)
    assert first == "evaluation plans: 1 made, 1 evaluated"
    assert seed_demo(icb=universe.north, by=universe.commissioner).startswith(
        "evaluation plans: 0 made"
    )
    plan = EvaluationPlan.objects.get()
    assert plan.method == "did"  # Riverside against Lakeside
    assert plan.results.count() == 1
