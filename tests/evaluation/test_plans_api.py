"""The evaluation plans API: ICB staff read and write; others see nothing."""

import pytest

from evaluation.models import EvaluationPlan
from evaluation.plans import actions
from evaluation.plans.handlers import evaluate
from tests.evaluation.plans_world import build, make_plan

PLANS = "/api/v1/evaluation/plans/"
RESULTS = "/api/v1/evaluation/plan-results/"


@pytest.fixture
def world(universe):
    return build(universe)


def payload(world, universe, **changes):
    data = {
        "intervention": world.intervention.pk,
        "question": "Did it work?",
        "indicator": world.indicator.pk,
        "area": universe.place.pk,
        "comparison_areas": [world.lakeside.pk],
        "method": "did",
        "intervention_date": "2025-04-01",
        "start_date": "2023-04-01",
        "end_date": "2026-03-31",
        "report_due": "2026-06-30",
        "owner": "Head of Evaluation",
    }
    data.update(changes)
    return data


def test_api_create_read_update(universe, world, client_for):
    client = client_for(universe.analyst)
    created = client.post(PLANS, payload(world, universe), content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["comparison_areas"] == [world.lakeside.pk] and body["status"] == "draft"
    url = f"{PLANS}{body['id']}/"
    changed = client.patch(url, {"owner": "Someone"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["owner"] == "Someone"
    assert client.get(PLANS).json()["count"] == 1


def test_api_bad_input_is_400_naming_the_field(universe, world, client_for):
    client = client_for(universe.commissioner)
    response = client.post(
        PLANS,
        payload(world, universe, comparison_areas=[], area=universe.south.pk),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "area" in response.json()
    assert not EvaluationPlan.objects.exists()


def test_api_results_read(universe, world, client_for):
    plan = make_plan(world, universe)
    estimate, unit = evaluate(plan)
    result = actions.record_result(
        plan=plan, estimate=estimate, unit=unit, summary="s", run=None, by=universe.analyst
    )
    body = client_for(universe.analyst).get(f"{RESULTS}?plan={plan.pk}").json()
    assert body["results"][0]["id"] == result.pk
    assert body["results"][0]["mde"] == pytest.approx(result.mde)


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "partner"])
def test_api_others_see_nothing(universe, world, client_for, persona):
    plan = make_plan(world, universe)
    client = client_for(getattr(universe, persona))
    assert client.get(PLANS).json()["count"] == 0
    assert client.get(f"{PLANS}{plan.pk}/").status_code == 404
    assert client.get(RESULTS).json()["count"] == 0
    assert client.post(f"{PLANS}{plan.pk}/evaluate/").status_code == 404
    refused = client.post(PLANS, payload(world, universe), content_type="application/json")
    assert refused.status_code == 400  # the intervention is not one they can see
