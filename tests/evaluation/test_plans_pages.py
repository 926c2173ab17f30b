"""Evaluation plan pages: the list with the March 2027 deadline, the form, the plan page
with its result and chart, and who may see them (ICB staff only; others 404)."""

import pytest
from django.urls import reverse

from evaluation.models import EvaluationApproach, EvaluationPlan
from evaluation.plans import actions
from evaluation.plans.handlers import evaluate
from tests.evaluation.plans_world import build, make_plan


@pytest.fixture
def world(universe):
    return build(universe)


def test_list_shows_interventions_without_a_plan_and_the_deadline(universe, world, client_for):
    response = client_for(universe.analyst).get(reverse("evaluation:plans"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Proactive frailty care" in html and "No plan" in html
    assert "31 March 2027" in html
    assert "0 of 1 intervention has a plan" in " ".join(html.split())


def test_approach_is_saved_and_blank_is_refused(universe, world, client_for):
    client = client_for(universe.commissioner)
    response = client.post(reverse("evaluation:plans"), {"statement": "  "})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    client.post(reverse("evaluation:plans"), {"statement": "We evaluate every intervention."})
    assert EvaluationApproach.objects.get(icb=universe.north).statement.startswith("We evaluate")


def form_post(world, universe, **changes):
    data = {
        "question": "Did it work?",
        "indicator": world.indicator.pk,
        "method": "its",
        "source": "series",
        "area": universe.place.pk,
        "intervention_date": "2025-04-01",
        "start_date": "2023-04-01",
        "end_date": "2026-03-31",
        "report_due": "2026-06-30",
        "owner": "Head of Evaluation",
    }
    data.update(changes)
    return data


def test_form_creates_a_plan(universe, world, client_for):
    url = reverse("evaluation:plan-form", args=[world.intervention.pk])
    client = client_for(universe.commissioner)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["intervention_date"].isoformat() == "2025-04-01"
    response = client.post(url, form_post(world, universe))
    plan = EvaluationPlan.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "evaluation:plan", args=[plan.pk]
    )


def test_form_shows_action_errors_beside_fields(universe, world, client_for):
    url = reverse("evaluation:plan-form", args=[world.intervention.pk])
    response = client_for(universe.commissioner).post(
        url, form_post(world, universe, method="did", end_date="2023-01-01")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Difference-in-differences needs at least one comparison area." in html
    assert "The end must be on or after the start." in html
    assert not EvaluationPlan.objects.exists()


def test_plan_page_shows_effect_interval_mde_summary_and_chart(universe, world, client_for):
    plan = make_plan(world, universe)
    estimate, unit = evaluate(plan)
    actions.record_result(
        plan=plan,
        estimate=estimate,
        unit=unit,
        summary="An estimated fall.",
        run=None,
        by=universe.analyst,
    )
    response = client_for(universe.analyst).get(reverse("evaluation:plan", args=[plan.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["effect_text"].startswith("\u2212")
    assert " to \u2212" in response.context["effect_text"]
    assert "Minimum detectable effect" in html and "An estimated fall." in html
    assert 'data-plotly-figure="evaluation-figure"' in html and "<script>" not in html
    names = [trace["name"] for trace in response.context["figure"]["data"]]
    assert "Counterfactual (without the intervention)" in names
    shown = [t["name"] for t in response.context["figure"]["data"] if t.get("showlegend", True)]
    assert "Fitted segments" in shown
    assert "Run the evaluation" in html
    assert "Approve the plan" not in html  # analysts do not approve


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "partner"])
def test_others_get_404_everywhere(universe, world, client_for, persona):
    plan = make_plan(world, universe)
    client = client_for(getattr(universe, persona))
    listing = client.get(reverse("evaluation:plans"))
    if persona == "outsider":  # their own ICB's (empty) list
        assert listing.status_code == 200
        assert "Proactive frailty care" not in listing.content.decode()
    else:
        assert listing.status_code == 404
    for url in (
        reverse("evaluation:plan-form", args=[world.intervention.pk]),
        reverse("evaluation:plan", args=[plan.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("evaluation:plan-run", args=[plan.pk])).status_code == 404
    assert client.post(reverse("evaluation:plan-approve", args=[plan.pk])).status_code == 404


def test_signed_out_is_sent_to_sign_in(universe, world, client):
    assert client.get(reverse("evaluation:plans")).status_code == 302
