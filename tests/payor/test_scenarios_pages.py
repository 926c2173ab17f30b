"""Scenario actions, pages and API: scope, provider lines, bad input."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from commissioning.models import AuditEvent, Contract
from payor.models import ResourceShiftScenario, ScenarioStatus
from payor.scenarios import actions
from payor.scenarios.handlers import compute

pytestmark = pytest.mark.django_db

INPUTS = {
    "name": "Five per cent to community",
    "emergency_spend": D("1000000"),
    "emergency_admissions": 400,
    "shift_share": D("0.05"),
    "years": 3,
    "profile": "linear",
    "community_share": D("1"),
    "double_running_share": D("0.5"),
    "double_running_years": 1,
    "effect_mean": 0.3,
    "effect_sd": 0.1,
    "draws": 500,
    "seed": 3,
    "threshold": D("0.02"),
}


@pytest.fixture
def computed(universe):
    """A computed scenario shared with provider A only."""
    scenario = actions.create_scenario(by=universe.commissioner, **INPUTS)
    scenario.result = compute(scenario)
    scenario.status = ScenarioStatus.COMPUTED
    scenario.save()
    actions.share_scenario(
        scenario=scenario, by=universe.commissioner, organisations=[universe.provider_a]
    )
    return scenario


def test_create_defaults_base_spend_from_contracts(universe):
    scenario = actions.create_scenario(by=universe.commissioner, **INPUTS)
    # Universe: provider A (acute) and B (community) hold £1,250,000 each.
    assert scenario.base_spend["acute"] == "1250000.00"
    assert scenario.base_spend["community"] == "1250000.00"
    assert scenario.icb == universe.north
    assert AuditEvent.objects.filter(verb="scenario.create", object_id=str(scenario.pk)).exists()


def test_create_refuses_bad_input_and_saves_nothing(universe):
    with pytest.raises(ValidationError) as error:
        actions.create_scenario(
            by=universe.commissioner,
            **{**INPUTS, "emergency_spend": D("9000000"), "allocation": [D("1")]},
        )
    assert set(error.value.message_dict) == {"emergency_spend", "allocation"}
    assert not ResourceShiftScenario.objects.exists()


def test_providers_and_partners_cannot_create(universe):
    for user in (universe.provider_a_rep, universe.partner):
        with pytest.raises(PermissionDenied):
            actions.create_scenario(by=user, **INPUTS)


def test_compute_provider_impact_in_pounds_and_share(computed, universe):
    lines = {line["organisation_id"]: line for line in computed.result["providers"]}
    # Moved 50,000 × 1/3 = 16,666.67 in year 1, half paid back as double running.
    assert computed.result["years"][0]["moved"] == "16666.67"
    assert lines[universe.provider_a.pk]["changes"][0] == "-8333.33"
    assert lines[universe.provider_a.pk]["shares"][0] == "-0.0067"
    assert lines[universe.provider_b.pk]["changes"][2] == "50000.00"
    assert lines[universe.provider_b.pk]["shares"][2] == "0.0400"
    assert lines[universe.provider_a.pk]["flagged"] and lines[universe.provider_b.pk]["flagged"]
    # The other ICB's provider is not part of North's impact.
    south = Contract.objects.get(reference="S-1").provider_id
    assert south not in lines


def test_commissioner_sees_all_lines(computed, universe, client_for):
    page = client_for(universe.commissioner).get(
        reverse("payor:scenario-detail", args=[computed.pk])
    )
    assert page.status_code == 200
    assert b"Provider A Hospitals" in page.content and b"Provider B Community" in page.content
    assert b"Year 3" in page.content and b"data-plotly-figure" in page.content


def test_provider_a_sees_only_its_own_line(computed, universe, client_for):
    client = client_for(universe.provider_a_rep)
    page = client.get(reverse("payor:scenario-detail", args=[computed.pk]))
    assert page.status_code == 200
    assert b"Provider A Hospitals" in page.content
    assert b"Provider B Community" not in page.content
    api = client.get(f"/api/v1/payor/scenarios/{computed.pk}/").json()
    assert [line["name"] for line in api["result"]["providers"]] == ["Provider A Hospitals"]
    assert "unplaced" not in api["result"] and api["shared_with"] == []
    assert all(row["headroom"] is None for row in api["result"]["years"])
    listed = client.get("/api/v1/payor/scenarios/").json()["results"]
    assert [row["id"] for row in listed] == [computed.pk]


@pytest.mark.parametrize("persona", ["provider_b_rep", "outsider", "partner"])
def test_unshared_or_out_of_scope_is_404(computed, universe, client_for, persona):
    client = client_for(getattr(universe, persona))
    assert client.get(reverse("payor:scenario-detail", args=[computed.pk])).status_code == 404
    assert client.get(f"/api/v1/payor/scenarios/{computed.pk}/").status_code == 404
    assert client.get("/api/v1/payor/scenarios/").json()["results"] == []
    assert client.post(reverse("payor:scenario-run", args=[computed.pk])).status_code == 404


def test_provider_cannot_change_a_shared_scenario(computed, universe, client_for):
    client = client_for(universe.provider_a_rep)
    assert client.get(reverse("payor:scenario-edit", args=[computed.pk])).status_code == 403
    response = client.post(f"/api/v1/payor/scenarios/{computed.pk}/run/")
    assert response.status_code == 403


def test_create_through_the_form(universe, client_for):
    client = client_for(universe.commissioner)
    assert client.get(reverse("payor:scenario-create")).status_code == 200
    form = {
        "name": "Form scenario", "emergency_spend": "1000000", "emergency_admissions": "400",
        "shift_percent": "5", "years": "3", "profile": "linear", "community_percent": "80",
        "double_running_percent": "50", "double_running_years": "1", "effect_percent": "30",
        "effect_sd_percent": "10", "draws": "500", "seed": "1", "threshold_percent": "2",
        "allocation": "",
    }  # fmt: skip
    response = client.post(reverse("payor:scenario-create"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    scenario = ResourceShiftScenario.objects.get(name="Form scenario")
    assert scenario.shift_share == D("0.05") and scenario.community_share == D("0.8")
    bad = client.post(reverse("payor:scenario-create"), {**form, "allocation": "1, 2"})
    assert bad.status_code == 400
    assert b"Give one allocation per year" in bad.content


def test_create_and_share_through_the_api(universe, client_for):
    client = client_for(universe.commissioner)
    body = {**{k: str(v) for k, v in INPUTS.items()}, "allocation": ["3000000"] * 3}
    response = client.post("/api/v1/payor/scenarios/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    shared = client.post(
        f"/api/v1/payor/scenarios/{pk}/share/",
        {"organisations": [universe.provider_b.pk]},
        content_type="application/json",
    )
    assert shared.status_code == 200 and shared.json()["shared_with"] == [universe.provider_b.pk]
    wrong = client.post(
        f"/api/v1/payor/scenarios/{pk}/share/",
        {"organisations": [universe.council.pk]},
        content_type="application/json",
    )
    assert wrong.status_code == 400
    bad = client.patch(
        f"/api/v1/payor/scenarios/{pk}/", {"years": 11}, content_type="application/json"
    )
    assert bad.status_code == 400 and "years" in bad.json()


def test_compare_two_scenarios(computed, universe, client_for):
    other = actions.create_scenario(by=universe.commissioner, **{**INPUTS, "name": "Ten per cent"})
    client = client_for(universe.commissioner)
    page = client.get(reverse("payor:scenario-compare"), {"ids": [computed.pk, other.pk]})
    assert page.status_code == 200
    assert b"Ten per cent" in page.content and b"Not computed" in page.content
    assert client.get(reverse("payor:scenarios")).status_code == 200
