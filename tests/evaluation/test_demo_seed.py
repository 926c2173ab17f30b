"""The demo seed commands (seed_demo_strategy, seed_demo_evaluation) on a small demo ICB:
made through the actions once, and a second run changes nothing."""

import datetime as dt
import importlib.machinery
import sys
import types

import pytest
from django.core.management import CommandError, call_command

from commissioning.models import AuditEvent, Finding, IndicatorValue
from evaluation.demo import phip, series
from payor.models import ContractKpi
from strategy.models import Intervention, Outcome, Priority, Strategy, StrategyStatus

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(240)]


def counts() -> dict:
    return {
        "strategies": Strategy.objects.count(),
        "priorities": Priority.objects.count(),
        "outcomes": Outcome.objects.count(),
        "interventions": Intervention.objects.count(),
        "findings": Finding.objects.count(),
        "values": IndicatorValue.objects.count(),
        "kpis": ContractKpi.objects.count(),
        "audits": AuditEvent.objects.count(),
    }


def test_seed_commands_need_the_demo():
    with pytest.raises(CommandError, match="load_demo"):
        call_command("seed_demo_strategy")
    with pytest.raises(CommandError, match="load_demo"):
        call_command("seed_demo_evaluation")


@pytest.fixture
def demo(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("load_demo", people=3000, seed=7, data_dir=tmp_path, no_summaries=True)
    call_command("seed_demo_payor")
    capsys.readouterr()


def test_seed_demo_strategy_makes_a_published_plan_once(demo, capsys):
    call_command("seed_demo_strategy")
    assert capsys.readouterr().out.startswith("Seeded demo strategy: strategy ")
    before = counts()
    call_command("seed_demo_strategy")
    assert "nothing changed" in capsys.readouterr().out
    assert counts() == before

    strategy = Strategy.objects.get()
    assert strategy.title == phip.TITLE and strategy.status == StrategyStatus.PUBLISHED
    assert strategy.cycle.financial_year == 2025 and strategy.first_year == 2025
    assert strategy.horizon_years == 5 and strategy.created_by.username == "commissioner"
    assert strategy.priorities.count() == 3
    outcomes = Outcome.objects.filter(priority__strategy=strategy).select_related("indicator")
    assert sorted(o.indicator.code for o in outcomes) == ["DEP_PREV", "EMADM_DSR", "HYP_PREV"]
    for outcome in outcomes:
        assert outcome.baseline_frozen_at and outcome.baseline_source["source"] == (
            "demo indicator series"
        )
        assert outcome.baseline_lower < outcome.baseline_value < outcome.baseline_upper
        assert outcome.baseline_period_start == dt.date(2024, 4, 1)
    emadm = outcomes.get(indicator__code="EMADM_DSR")
    assert emadm.target_value == pytest.approx(emadm.baseline_value * 0.942, abs=0.01)
    interventions = Intervention.objects.filter(priority__strategy=strategy)
    assert interventions.count() == 4
    assert {i.start_year for i in interventions} == {1}
    assert all(i.cost_per_year > 0 and i.outcome_id for i in interventions)
    assert {i.area.name for i in interventions} == {"Riverton", "Marshfield", strategy.icb.name}
    assert (
        AuditEvent.objects.filter(verb="strategy.move", actor__username="commissioner").count() == 3
    )


def fake_part_seeder(calls: list):
    module = types.ModuleType("evaluation.loop.demo")
    module.__spec__ = importlib.machinery.ModuleSpec("evaluation.loop.demo", None)

    def seed_demo(*, icb, by):
        calls.append((icb.pk, by.username))
        return "1 fake loop thing"

    module.seed_demo = seed_demo
    return module


def test_seed_demo_evaluation_is_idempotent(demo, capsys, monkeypatch):
    calls = []
    monkeypatch.setitem(sys.modules, "evaluation.loop.demo", fake_part_seeder(calls))
    call_command("seed_demo_evaluation")
    out = capsys.readouterr().out
    assert "strategy: strategy " in out and "KPIs: " in out
    assert "loop: 1 fake loop thing" in out
    assert calls == [(Strategy.objects.get().icb_id, "commissioner")]
    assert "series: 0 values added, 0 updated, " in out  # loaded with the strategy
    before = counts()
    call_command("seed_demo_evaluation")
    out = capsys.readouterr().out
    assert "strategy: already present" in out and "KPIs: already present" in out
    assert "series: 0 values added, 0 updated" in out
    assert counts() == before

    months = len(series.months(dt.date.today()))
    icb = Strategy.objects.get().icb
    assert IndicatorValue.objects.filter(area=icb, indicator__code="EMADM_DSR").count() == months
    acute = IndicatorValue.objects.filter(provider__ods_code="R9A")
    assert acute.count() == 3 * months
    kpis = ContractKpi.objects.select_related("contract__provider", "indicator")
    assert {k.contract.provider.ods_code for k in kpis} >= {"R9A", "R9D"}
    outcome_kpis = [k for k in kpis if k.contract.payment_model == "outcome"]
    assert {k.description.split("]")[0] for k in outcome_kpis} == {"[EMADM_DSR", "[HYP_PREV"}
    # Stage 4 works out the outcome payment earned from the provider's measured series.
    from commissioning.models import User
    from evaluation.performance.queries import contract_performance

    commissioner = User.objects.get(username="commissioner")
    earned = contract_performance(commissioner, outcome_kpis[0].contract, "2025/26").payment
    assert earned.error == "" and earned.value_at_risk > 0
    assert 0 <= earned.earned <= earned.value_at_risk
    assert all(k.target is not None and k.target > 0 for k in kpis)
    assert kpis.filter(indicator__code="EMADM_DSR", outcome__isnull=False).exists()


def test_a_failing_part_is_rolled_back_alone_and_named(demo, capsys, monkeypatch):
    module = types.ModuleType("evaluation.feedback.demo")
    module.__spec__ = importlib.machinery.ModuleSpec("evaluation.feedback.demo", None)

    def seed_demo(*, icb, by):
        Finding.objects.filter(cycle__icb=icb).update(title="changed")
        raise ValueError("no such survey")

    module.seed_demo = seed_demo
    monkeypatch.setitem(sys.modules, "evaluation.feedback.demo", module)
    with pytest.raises(CommandError, match="demo data of feedback failed"):
        call_command("seed_demo_evaluation")
    captured = capsys.readouterr()
    assert "feedback: failed: ValueError: no such survey" in captured.err
    assert "loop:" in captured.out  # the parts after it still ran
    assert Strategy.objects.count() == 1 and ContractKpi.objects.exists()
    assert not Finding.objects.filter(title="changed").exists()
