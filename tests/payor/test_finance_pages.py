"""Finance pages and API: who sees what, the conflict message, statements end to end."""

import json
from decimal import Decimal as D

import pytest
from django.urls import reverse

from commissioning.models import PaymentModel
from payor.finance import actions
from payor.models import FinancialPlan

pytestmark = pytest.mark.django_db

ALIGNED = {
    "currencies": [{"code": "NEL", "unit_price": "1800.00", "planned_activity": 10000}],
    "variable_share_above": "0.2",
}


@pytest.fixture
def setup(universe):
    plan = actions.create_plan(
        by=universe.commissioner,
        title="North plan",
        first_year=2026,
        allocation="1000.00",
        allocation_growth="0.02",
    )
    actions.add_budget(
        by=universe.commissioner, plan=plan, setting="acute", budget="600.00", growth="0.05"
    )
    actions.add_budget(
        by=universe.commissioner, plan=plan, setting="community", budget="390.00", growth="0"
    )
    for contract in (universe.contract_a, universe.contract_b):
        contract.payment_model = PaymentModel.ALIGNED
        contract.save()
        actions.set_contract_terms(
            by=universe.commissioner, contract=contract, terms=ALIGNED, expected_version=None
        )
    statement_a = actions.compute_statement(
        by=universe.commissioner,
        contract=universe.contract_a,
        period="2026/27",
        measured={"activity": {"NEL": 10400}},
    )
    return plan, statement_a


def test_plan_page_shows_years_and_flags_the_deficit(universe, setup, client_for):
    plan, _ = setup
    page = client_for(universe.analyst).get(reverse("payor:finance-plan", args=[plan.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "2028/29" in text and "The plan does not balance" in text and "Deficit 11.10" in text
    assert "1,040.40" in text


def test_second_editor_gets_a_conflict_message_and_the_first_edit_is_kept(
    universe, setup, client_for
):
    plan, _ = setup
    url = reverse("payor:finance-plan", args=[plan.pk])
    client = client_for(universe.commissioner)
    body = {"form": "plan", "version": "1", "title": "North plan", "allocation_growth": "0.02"}
    assert client.post(url, body | {"allocation": "1100.00"}).status_code == 302
    second = client.post(url, body | {"allocation": "900.00"})
    assert second.status_code == 400
    assert "Someone else changed this plan" in second.content.decode()
    assert FinancialPlan.objects.get(pk=plan.pk).allocation == D("1100.00")


def test_bulk_budget_form_saves_lines_together_with_history(universe, setup, client_for):
    plan, _ = setup
    lines = list(plan.budgets.order_by("setting"))
    body = {"form": "budgets", "line": [str(b.pk) for b in lines]}
    for b in lines:
        body |= {f"version-{b.pk}": "1", f"budget-{b.pk}": "300.00", f"growth-{b.pk}": "0"}
    url = reverse("payor:finance-plan", args=[plan.pk])
    assert client_for(universe.commissioner).post(url, body).status_code == 302
    page = client_for(universe.commissioner).get(url).content.decode()
    assert "Budget updated" in page and "budget: 600.00" in page and "budget: 300.00" in page


def test_statement_page_shows_lines(universe, setup, client_for):
    _, statement = setup
    url = reverse("payor:finance-statement", args=[statement.pk])
    page = client_for(universe.provider_a_rep).get(url)
    assert page.status_code == 200
    assert "18,144,000.00" in page.content.decode()


def test_statement_from_the_contract_form(universe, setup, client_for):
    url = reverse("payor:finance-contract", args=[universe.contract_b.pk])
    client = client_for(universe.commissioner)
    body = {"form": "statement", "period": "2026/27", "measured": '{"activity": {"NEL": 9700}}'}
    response = client.post(url, body)
    assert response.status_code == 302
    assert "17,892,000.00" in client.get(response["Location"]).content.decode()
    bad = client.post(url, body | {"period": "Q2", "measured": "{not json"})
    assert bad.status_code == 400 and "not valid JSON" in bad.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "provider_b_rep", "partner"])
def test_others_get_404_for_provider_a_statement_and_contract(universe, setup, client_for, persona):
    _, statement = setup
    client = client_for(getattr(universe, persona))
    assert client.get(reverse("payor:finance-statement", args=[statement.pk])).status_code == 404
    url = reverse("payor:finance-contract", args=[universe.contract_a.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "partner"])
def test_plans_are_for_the_icbs_staff_only(universe, setup, client_for, persona):
    plan, _ = setup
    client = client_for(getattr(universe, persona))
    assert client.get(reverse("payor:finance-plan", args=[plan.pk])).status_code == 404
    assert "North plan" not in client.get(reverse("payor:finance-plans")).content.decode()


def test_provider_sees_only_its_own_contracts_in_the_register(universe, setup, client_for):
    page = client_for(universe.provider_a_rep).get(reverse("payor:finance-contracts"))
    text = page.content.decode()
    assert "N-A-1" in text and "N-B-1" not in text
    partner = client_for(universe.partner).get(reverse("payor:finance-contracts")).content
    assert b"N-A-1" not in partner


def test_partner_cannot_post(universe, setup, client_for):
    url = reverse("payor:finance-contract", args=[universe.contract_a.pk])
    assert client_for(universe.partner).post(url, {"form": "terms"}).status_code == 404


def test_landing_shows_plan_balance_and_payment_models(universe, setup, client_for):
    page = client_for(universe.commissioner).get(reverse("payor:landing"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "No: deficit" in text and "Aligned payment and incentive" in text
    assert reverse("payor:finance-contracts") in text


# --------------------------------------------------------------------------- API


def test_api_statements_scoped(universe, setup, client_for):
    _, statement = setup
    url = "/api/v1/payor/payment-statements/"
    own = client_for(universe.provider_a_rep).get(url).json()
    assert [row["id"] for row in own["results"]] == [statement.pk]
    assert own["results"][0]["total"] == "18144000.00"
    for persona in ("provider_b_rep", "partner", "outsider"):
        client = client_for(getattr(universe, persona))
        assert client.get(url).json()["results"] == []
        assert client.get(f"{url}{statement.pk}/").status_code == 404


def test_api_compute_statement_and_conflict(universe, setup, client_for):
    plan, _ = setup
    client = client_for(universe.commissioner)
    created = client.post(
        "/api/v1/payor/payment-statements/",
        json.dumps(
            {
                "contract": universe.contract_b.pk,
                "period": "P1",
                "measured": {"activity": {"NEL": 10000}},
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["total"] == "18000000.00"
    url = f"/api/v1/payor/plans/{plan.pk}/"
    body = {"version": 1, "allocation": "1200.00"}
    assert client.patch(url, body, content_type="application/json").status_code == 200
    conflict = client.patch(url, body | {"allocation": "5.00"}, content_type="application/json")
    assert conflict.status_code == 409 and "Someone else" in str(conflict.json())
    detail = client.get(url).json()
    assert detail["allocation"] == "1200.00" and detail["plan_years"][0]["balances"] is True
    refused = client_for(universe.provider_a_rep).post(
        "/api/v1/payor/payment-statements/",
        json.dumps({"contract": universe.contract_a.pk, "period": "P9", "measured": {}}),
        content_type="application/json",
    )
    assert refused.status_code == 403
