"""The delivery API: outcomes with computed trajectories and plan checks, interventions,
pathways and their stages, engagement; scoped, controlled and written through actions."""

import pytest
from rest_framework.test import APIClient

from strategy.models import (
    CarePathway,
    EngagementActivity,
    Intervention,
    Outcome,
    PathwayStage,
    StrategyStatus,
)
from tests.strategy.test_delivery_pages import filled  # noqa: F401
from tests.strategy.test_delivery_world import set_status, share_with, world  # noqa: F401

pytestmark = pytest.mark.django_db
API = "/api/v1/strategy"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def endpoints(w) -> dict[str, int]:
    return {
        "outcomes": w.outcome.pk,
        "interventions": w.item.pk,
        "pathways": w.care.pk,
        "pathway-stages": w.stage.pk,
        "engagement": w.record.pk,
    }


def test_endpoints_need_authentication(filled):  # noqa: F811
    for name, pk in endpoints(filled).items():
        assert api().get(f"{API}/{name}/").status_code in (401, 403), name
        assert api().get(f"{API}/{name}/{pk}/").status_code in (401, 403), name


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "provider_b_rep", "partner"])
def test_unshared_draft_invisible_outside_the_icb(filled, persona):  # noqa: F811
    client = api(getattr(filled.u, persona))
    for name, pk in endpoints(filled).items():
        assert client.get(f"{API}/{name}/").json()["results"] == [], name
        assert client.get(f"{API}/{name}/{pk}/").status_code == 404, name
        assert client.delete(f"{API}/{name}/{pk}/").status_code == 404, name
    assert Outcome.objects.count() == 1


@pytest.mark.parametrize("persona", ["commissioner", "analyst"])
def test_icb_staff_read_every_endpoint(filled, persona):  # noqa: F811
    client = api(getattr(filled.u, persona))
    for name, pk in endpoints(filled).items():
        assert len(client.get(f"{API}/{name}/").json()["results"]) == 1, name
        assert client.get(f"{API}/{name}/{pk}/").status_code == 200, name


def test_analyst_cannot_write(filled):  # noqa: F811
    client = api(filled.u.analyst)
    for name, pk in endpoints(filled).items():
        assert client.delete(f"{API}/{name}/{pk}/").status_code == 403, name
    response = client.post(
        f"{API}/outcomes/{filled.outcome.pk}/baseline/",
        {"aggregate": filled.figures.dsr.pk},
        format="json",
    )
    assert response.status_code == 403


def test_provider_reads_shared_consultation_but_cannot_write(filled):  # noqa: F811
    set_status(filled.strategy, StrategyStatus.CONSULTATION)
    share_with(filled.strategy, filled.u.provider_a)
    client = api(filled.u.provider_a_rep)
    for name, pk in endpoints(filled).items():
        assert client.get(f"{API}/{name}/{pk}/").status_code == 200, name
        assert client.delete(f"{API}/{name}/{pk}/").status_code == 403, name
    response = client.post(
        f"{API}/engagement/",
        {"strategy": filled.strategy.pk, "title": "Ours", "date": "2026-01-01", "method": "x",
         "participant_groups": ["providers"], "what_they_said": "y"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 403
    assert EngagementActivity.objects.count() == 1
    for name, pk in endpoints(filled).items():
        assert api(filled.u.provider_b_rep).get(f"{API}/{name}/{pk}/").status_code == 404, name


def test_partner_reads_published_with_disclosure_control(filled):  # noqa: F811
    set_status(filled.strategy, StrategyStatus.PUBLISHED)
    client = api(filled.u.partner)
    for name, pk in endpoints(filled).items():
        assert client.get(f"{API}/{name}/{pk}/").status_code == 200, name
        assert client.delete(f"{API}/{name}/{pk}/").status_code == 403, name
    assert client.get(f"{API}/engagement/{filled.record.pk}/").json()["participants"] == "*"
    assert client.get(f"{API}/interventions/{filled.item.pk}/").json()["cohort_size"] == 5000
    outcome = client.get(f"{API}/outcomes/{filled.outcome.pk}/").json()
    assert outcome["baseline"]["value"] == 1000.0
    assert "numerator" not in outcome["baseline"]["source"]
    staff = api(filled.u.commissioner).get(f"{API}/engagement/{filled.record.pk}/").json()
    assert staff["participants"] == 5


def test_outcome_carries_its_trajectory_and_plan_check(filled):  # noqa: F811
    body = api(filled.u.commissioner).get(f"{API}/outcomes/{filled.outcome.pk}/").json()
    assert body["indicator"] == "EMADM_DSR" and body["unit"] == "per 100,000"
    assert body["baseline"]["lower95"] == 980.0
    assert body["baseline"]["period_start"] == "2024-04-01"
    assert body["baseline"]["population"] == 100_000
    assert [p["value"] for p in body["trajectory"]] == pytest.approx(
        [1000, 970, 940, 910, 880, 850]
    )
    assert body["trajectory"][0]["financial_year"] == "2024/25"  # the baseline's own year
    assert body["trajectory"][1]["financial_year"] == "2026/27"
    check = body["plan_check"]
    # frailty hubs from year 2: weight 0.2, −50% → 900
    assert [y["expected"] for y in check["years"]] == pytest.approx([1000, 900, 900, 900, 900])
    assert check["adds_up"] is False
    assert check["years"][-1]["shortfall"] == pytest.approx(50)
    assert check["years"][-1]["shortfall_share"] == pytest.approx(50 / 150)
    assert check["summary"].startswith("Falls short: 900 expected in 2030/31")


def test_outcome_list_filters(filled):  # noqa: F811
    client = api(filled.u.commissioner)
    assert (
        len(client.get(f"{API}/outcomes/", {"strategy": filled.strategy.pk}).json()["results"]) == 1
    )  # noqa: E501
    assert client.get(f"{API}/outcomes/", {"priority": 0}).json()["results"] == []
    assert client.get(f"{API}/outcomes/", {"strategy": "x"}).status_code == 400


def test_create_outcome_freeze_baseline_and_refuse_another_icbs(world):  # noqa: F811
    client = api(world.u.commissioner)
    response = client.post(
        f"{API}/outcomes/",
        {"priority": world.priority.pk, "indicator": "DM_PREV", "domain": "clinical",
         "area": world.u.north.pk, "target_value": 7.0, "profile": "step", "step_year": 4,
         "owner": "Diabetes lead"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["trajectory"] is None
    refused = client.post(
        f"{API}/outcomes/{pk}/baseline/", {"aggregate": world.south_dsr.pk}, format="json"
    )
    assert refused.status_code == 400
    assert "that you can see" in refused.json()["aggregate"][0]
    wrong = client.post(
        f"{API}/outcomes/{pk}/baseline/", {"aggregate": world.figures.dsr.pk}, format="json"
    )
    assert wrong.status_code == 400 and "needs prevalence:diabetes" in wrong.json()["aggregate"][0]
    done = client.post(
        f"{API}/outcomes/{pk}/baseline/", {"aggregate": world.figures.diabetes.pk}, format="json"
    )
    assert done.status_code == 200
    assert [p["value"] for p in done.json()["trajectory"]] == pytest.approx(
        [7.5, 7.5, 7.5, 7.5, 7.0, 7.0]
    )
    again = client.post(
        f"{API}/outcomes/{pk}/baseline/", {"aggregate": world.figures.diabetes.pk}, format="json"
    )
    assert again.status_code == 400 and "never changes" in again.json()["aggregate"][0]
    patched = client.patch(f"{API}/outcomes/{pk}/", {"target_value": 6.5}, format="json")
    assert patched.status_code == 200 and patched.json()["target_value"] == 6.5
    assert patched.json()["profile"] == "step"


def test_create_outcome_bad_input(world):  # noqa: F811
    response = api(world.u.commissioner).post(
        f"{API}/outcomes/",
        {"priority": world.priority.pk, "indicator": "NOPE", "domain": "clinical",
         "area": world.u.south.pk, "target_value": 1, "profile": "linear", "owner": "x"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "area" in response.json()
    assert not Outcome.objects.exists()


def test_intervention_write_and_validation(filled):  # noqa: F811
    client = api(filled.u.commissioner)
    response = client.post(
        f"{API}/interventions/",
        {"priority": filled.priority.pk, "name": "Social prescribing", "outcome": filled.outcome.pk,
         "area": filled.u.place.pk, "evidence_strength": "weak", "expected_effect": -0.05,
         "cost_per_year": "80000.00", "start_year": 1},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["cohort_size"] == 40_000  # Riverside's people, from the profile
    pk = response.json()["id"]
    patched = client.patch(f"{API}/interventions/{pk}/", {"start_year": 3}, format="json")
    assert patched.status_code == 200 and patched.json()["start_year"] == 3
    assert patched.json()["cohort_size"] == 40_000
    bad = client.patch(f"{API}/interventions/{pk}/", {"expected_effect": -15}, format="json")
    assert bad.status_code == 400 and "expected_effect" in bad.json()
    assert Intervention.objects.get(pk=pk).expected_effect == -0.05
    assert client.delete(f"{API}/interventions/{pk}/").status_code == 204


def test_pathway_and_stage_through_the_api(world):  # noqa: F811
    client = api(world.u.commissioner)
    response = client.post(
        f"{API}/pathways/",
        {"strategy": world.strategy.pk, "name": "Diabetes pathway", "priority": world.priority.pk},
        format="json",
    )
    assert response.status_code == 201
    pathway = response.json()["id"]
    stage = client.post(
        f"{API}/pathway-stages/",
        {"pathway": pathway, "stage": "management", "providers": [world.u.provider_a.pk]},
        format="json",
    )
    assert stage.status_code == 201
    assert stage.json()["providers"] == [world.u.provider_a.pk]
    unseen = client.post(
        f"{API}/pathway-stages/",
        {"pathway": pathway, "stage": "crisis", "providers": [world.u.contract_south.provider.pk]},
        format="json",
    )
    assert unseen.status_code == 400 and "providers" in unseen.json()
    body = client.get(f"{API}/pathways/{pathway}/").json()
    assert [s["stage"] for s in body["stages"]] == ["management"]
    renamed = client.patch(f"{API}/pathways/{pathway}/", {"name": "Diabetes care"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["priority"] == world.priority.pk
    assert client.delete(f"{API}/pathway-stages/{stage.json()['id']}/").status_code == 204
    assert not PathwayStage.objects.exists()
    assert client.delete(f"{API}/pathways/{pathway}/").status_code == 204
    assert not CarePathway.objects.exists()


def test_engagement_through_the_api(world):  # noqa: F811
    client = api(world.u.commissioner)
    response = client.post(
        f"{API}/engagement/",
        {"strategy": world.strategy.pk, "title": "Healthwatch survey", "date": "2026-02-01",
         "method": "Survey", "participant_groups": ["partners", "communities"],
         "participants": 412, "what_they_said": "Long waits for GP appointments.",
         "priorities": [world.priority.pk]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["priorities"] == [world.priority.pk]
    patched = client.patch(
        f"{API}/engagement/{pk}/", {"what_changed": "Extended hours."}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["participants"] == 412
    bad = client.post(
        f"{API}/engagement/",
        {"strategy": world.strategy.pk, "title": "x", "date": "2026-02-01", "method": "x",
         "participant_groups": ["aliens"], "what_they_said": "x"},
        format="json",
    )  # fmt: skip
    assert bad.status_code == 400 and "participant_groups" in bad.json()
    set_status(world.strategy, StrategyStatus.APPROVED)
    refused = client.patch(f"{API}/engagement/{pk}/", {"title": "Late"}, format="json")
    assert refused.status_code == 400 and "read-only" in str(refused.json())
