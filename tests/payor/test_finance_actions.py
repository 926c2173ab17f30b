"""Finance actions: optimistic locking, history of bulk updates, payment statements."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commissioning.models import AuditEvent, Indicator, PaymentModel
from payor.finance import actions
from payor.finance.actions import EditConflict
from payor.models import ContractTerms, PaymentStatement, ProgrammeBudget

pytestmark = pytest.mark.django_db

EMERGENCY_2019 = {
    "currencies": [
        {
            "code": "NEL",
            "unit_price": "1800.00",
            "planned_activity": 10000,
            "description": "Non-elective spells",
        }
    ],
    "variable_share_above": "0.2",
}
COMMUNITY_OUTCOMES = {
    "contract_value": "2000000.00",
    "share_at_risk": "0.10",
    "outcomes": [
        {
            "code": "EA65",
            "description": "Emergency admissions per 1,000 aged 65+",
            "weight": 50,
            "floor": 60,
            "target": 50,
            "polarity": "lower",
        },
        {
            "code": "HTN",
            "description": "Hypertension treated to target",
            "weight": 30,
            "floor": "0.60",
            "target": "0.80",
            "polarity": "higher",
        },
        {
            "code": "PAM",
            "description": "Supported to manage their condition",
            "weight": 20,
            "floor": "0.70",
            "target": "0.75",
            "polarity": "higher",
        },
    ],
}


@pytest.fixture
def plan(universe):
    plan = actions.create_plan(
        by=universe.commissioner,
        title="Plan 2026-31",
        first_year=2026,
        allocation="1000000000.00",
        allocation_growth="0.03",
    )
    for setting, budget in (("acute", "500000000.00"), ("community", "200000000.00")):
        actions.add_budget(
            by=universe.commissioner, plan=plan, setting=setting, budget=budget, growth="0.02"
        )
    return plan


def test_second_edit_from_the_same_version_is_refused_and_the_first_kept(universe, plan):
    first, second = universe.commissioner, universe.commissioner
    actions.update_plan(
        by=first,
        plan=plan,
        expected_version=1,
        allocation="1010000000.00",
        allocation_growth="0.03",
    )
    with pytest.raises(EditConflict) as conflict:
        actions.update_plan(
            by=second, plan=plan, expected_version=1, allocation="999.00", allocation_growth="0.01"
        )
    assert "Someone else changed this plan" in conflict.value.messages[0]
    assert "version 1" in conflict.value.messages[0] and "version 2" in conflict.value.messages[0]
    plan.refresh_from_db()
    assert plan.allocation == D("1010000000.00") and plan.version == 2


def test_budget_conflict_in_a_bulk_update_saves_nothing(universe, plan):
    acute, community = plan.budgets.order_by("setting")
    actions.update_budgets(
        by=universe.commissioner,
        plan=plan,
        changes=[{"id": acute.pk, "version": 1, "budget": "510000000.00", "growth": "0.02"}],
    )
    with pytest.raises(EditConflict):
        actions.update_budgets(
            by=universe.commissioner,
            plan=plan,
            changes=[
                {"id": community.pk, "version": 1, "budget": "1.00", "growth": "0"},
                {"id": acute.pk, "version": 1, "budget": "2.00", "growth": "0"},
            ],
        )
    community.refresh_from_db()
    acute.refresh_from_db()
    assert community.budget == D("200000000.00") and acute.budget == D("510000000.00")


def test_bulk_update_writes_a_history_row_per_changed_line(universe, plan):
    acute, community = plan.budgets.order_by("setting")
    changed = actions.update_budgets(
        by=universe.commissioner,
        plan=plan,
        changes=[
            {"id": acute.pk, "version": 1, "budget": "520000000.00", "growth": "0.025"},
            {"id": community.pk, "version": 1, "budget": "210000000.00", "growth": "0.02"},
        ],
    )
    assert len(changed) == 2
    rows = AuditEvent.objects.filter(verb="finance_budget_updated").order_by("pk")
    assert [r.object_id for r in rows] == [str(acute.pk), str(community.pk)]
    assert rows[0].actor == universe.commissioner
    assert rows[0].data["before"]["budget"] == "500000000.00"
    assert rows[0].data["after"]["budget"] == "520000000.00"
    assert rows[0].data["after"]["growth"] == "0.025" and rows[0].data["bulk"] is True
    assert ProgrammeBudget.objects.get(pk=acute.pk).version == 2


def test_bad_money_names_the_field_and_saves_nothing(universe, plan):
    acute = plan.budgets.get(setting="acute")
    with pytest.raises(ValidationError) as error:
        actions.update_budgets(
            by=universe.commissioner,
            plan=plan,
            changes=[{"id": acute.pk, "version": 1, "budget": "12.345", "growth": "0"}],
        )
    assert "two decimal places" in str(error.value)


def test_only_commissioners_change_finance(universe, plan):
    for user in (universe.analyst, universe.provider_a_rep, universe.partner, universe.outsider):
        with pytest.raises(PermissionDenied):
            actions.update_plan(
                by=user, plan=plan, expected_version=1, allocation="1.00", allocation_growth="0"
            )


def _contract(universe, model, terms):
    contract = universe.contract_a
    contract.payment_model = model
    contract.save()
    actions.set_contract_terms(
        by=universe.commissioner, contract=contract, terms=terms, expected_version=None
    )
    return contract


def test_aligned_payment_statement_matches_the_worked_example(universe):
    contract = _contract(universe, PaymentModel.ALIGNED, EMERGENCY_2019)
    stored = actions.compute_statement(
        by=universe.commissioner,
        contract=contract,
        period="2026/27",
        measured={"activity": {"NEL": 10400}},
    )
    assert [line["amount"] for line in stored.lines] == ["18000000.00", "144000.00"]
    assert stored.total == D("18144000.00")
    assert (
        PaymentStatement.objects.get(pk=stored.pk).terms
        == ContractTerms.objects.get(contract=contract).terms
    )
    with pytest.raises(ValidationError, match="already a statement"):
        actions.compute_statement(
            by=universe.commissioner,
            contract=contract,
            period="2026/27",
            measured={"activity": {"NEL": 1}},
        )


def test_outcome_payment_statement_matches_the_worked_example(universe):
    contract = _contract(universe, PaymentModel.OUTCOME, COMMUNITY_OUTCOMES)
    measured = {"achievement": {"EA65": 54, "HTN": "0.77", "PAM": "0.68"}}
    stored = actions.compute_statement(
        by=universe.commissioner, contract=contract, period="2026/27", measured=measured
    )
    assert [line["amount"] for line in stored.lines] == [
        "1800000.00",
        "60000.00",
        "51000.00",
        "0.00",
    ]
    assert stored.total == D("1911000.00")


def test_missing_measurement_and_bad_terms_are_refused_with_a_message(universe):
    contract = _contract(universe, PaymentModel.OUTCOME, COMMUNITY_OUTCOMES)
    with pytest.raises(ValidationError) as error:
        actions.compute_statement(
            by=universe.commissioner,
            contract=contract,
            period="Q1",
            measured={"achievement": {"EA65": 54}},
        )
    assert "HTN" in str(error.value)
    assert not PaymentStatement.objects.exists()
    with pytest.raises(ValidationError, match="share_at_risk"):
        actions.set_contract_terms(
            by=universe.commissioner,
            contract=contract,
            terms=COMMUNITY_OUTCOMES | {"share_at_risk": "1.5"},
            expected_version=1,
        )


def test_variation_keeps_terms_before_and_after_and_checks_the_version(universe):
    contract = _contract(universe, PaymentModel.ALIGNED, EMERGENCY_2019)
    varied = EMERGENCY_2019 | {"variable_share_above": "0.5"}
    variation = actions.record_variation(
        by=universe.commissioner,
        contract=contract,
        description="Share to 50%",
        effective_from=date(2026, 10, 1),
        terms=varied,
        expected_version=1,
    )
    assert (
        variation.number == 1
        and variation.before["version"] == 1
        and variation.after["version"] == 2
    )
    assert variation.after["terms"]["variable_share_above"] == "0.5"
    with pytest.raises(EditConflict):
        actions.record_variation(
            by=universe.commissioner,
            contract=contract,
            description="Again",
            effective_from=date(2026, 11, 1),
            terms=varied,
            expected_version=1,
        )
    assert contract.variations.count() == 1


def test_kpi_links_a_library_indicator(universe, reference_data):
    indicator = Indicator.objects.get(code="EMADM_DSR")
    kpi = actions.add_kpi(
        by=universe.commissioner, contract=universe.contract_a, indicator=indicator, target="75"
    )
    assert kpi.target == D("75")
    values = actions.set_year_values(
        by=universe.commissioner,
        contract=universe.contract_a,
        values={2026: "1250000.00", 2027: "1287500.00"},
    )
    assert [v.value for v in values] == [D("1250000.00"), D("1287500.00")]
