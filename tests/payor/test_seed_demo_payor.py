"""The stage 3 demo seed: made through the actions once, and a second run changes nothing."""

import pytest
from django.core.management import CommandError, call_command

from commissioning.models import AuditEvent
from payor.finance.plan import BudgetLine, plan_years
from payor.models import (
    Committee,
    CommitteeMember,
    ContractTerms,
    DecisionItem,
    FinancialPlan,
    PaymentStatement,
    PsrDecision,
    PsrStatus,
    ResourceShiftScenario,
    ScenarioStatus,
)

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(180)]


def test_seed_demo_payor_needs_the_demo():
    with pytest.raises(CommandError, match="load_demo"):
        call_command("seed_demo_payor")


def test_seed_demo_payor_makes_everything_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("load_demo", people=3000, seed=7, data_dir=tmp_path, no_summaries=True)
    capsys.readouterr()

    call_command("seed_demo_payor")
    first = capsys.readouterr().out
    assert first.startswith("Seeded demo payor data:") and first.count("\n") == 1
    audits = AuditEvent.objects.count()

    call_command("seed_demo_payor")
    assert "nothing changed" in capsys.readouterr().out
    assert AuditEvent.objects.count() == audits

    plan = FinancialPlan.objects.get()
    assert plan.years == 5 and plan.created_by.username == "commissioner"
    lines = [
        BudgetLine(key=b.setting, label=b.setting, budget=b.budget, growth=b.growth)
        for b in plan.budgets.all()
    ]
    assert len(lines) >= 3
    years = plan_years(
        first_year=plan.first_year,
        years=plan.years,
        allocation=plan.allocation,
        allocation_growth=plan.allocation_growth,
        lines=lines,
    )
    assert len(years) == 5 and all(year.balances for year in years)

    terms = ContractTerms.objects.select_related("contract")
    assert sorted(t.contract.payment_model for t in terms) == [
        "aligned",
        "block",
        "capitated",
        "outcome",
    ]
    statements = PaymentStatement.objects.all()
    assert statements.count() == 4 and {s.period for s in statements} == {"2026/27"}
    assert all(s.total > 0 and s.measured is not None for s in statements)

    scenario = ResourceShiftScenario.objects.get()
    assert scenario.name == "Five per cent of emergency spend to community over 3 years"
    assert scenario.status == ScenarioStatus.DRAFT and scenario.run is None
    assert [o.ods_code for o in scenario.shared_with.all()] == ["R9A"]

    decision = PsrDecision.objects.get()
    assert decision.status == PsrStatus.NOTICE_PUBLISHED and decision.standstill_ends_at
    assert decision.criteria.count() == 5

    committee = Committee.objects.get()
    members = CommitteeMember.objects.filter(committee=committee)
    assert {(m.organisation.ods_code, m.user.username) for m in members} == {
        ("Q99", "commissioner"),
        ("R9A", "provider-a"),
    }
    item = DecisionItem.objects.get(meeting__committee=committee)
    assert item.contract is not None and item.contract.provider.ods_code == "R9A"
    assert AuditEvent.objects.filter(verb="payment_statement_computed").count() == 4
