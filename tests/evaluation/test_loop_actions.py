"""The loop's actions: evaluation findings recorded, edited, approved and withdrawn (all
audited), forged ids refused, and a cycle closed into the next exactly once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commissioning.models import AuditEvent, CommissioningCycle, FindingStatus
from evaluation.loop import actions
from evaluation.loop.demo import seed_demo
from evaluation.models import CycleClosure
from tests import factories as f
from tests.strategy.factories import (
    InterventionFactory,
    OutcomeFactory,
    PriorityFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(universe):
    cycle = f.CycleFactory(icb=universe.north, financial_year=2025, status="open")
    strategy = StrategyFactory(icb=universe.north, cycle=cycle, first_year=2025)
    priority = PriorityFactory(strategy=strategy, title="Frailty")
    south_priority = PriorityFactory(strategy=StrategyFactory(icb=universe.south))
    return universe, cycle, strategy, priority, south_priority


def record(universe, cycle, **extra):
    fields = {"title": "Hubs cut admissions", "summary": "Admissions fell 12%."} | extra
    return actions.record_finding(cycle=cycle, by=universe.commissioner, **fields)


def test_record_edit_approve_withdraw_are_audited(world):
    universe, cycle, strategy, priority, _ = world
    outcome = OutcomeFactory(priority=priority)
    intervention = InterventionFactory(priority=priority)
    finding = record(
        universe,
        cycle,
        evidence="SPC shift from June",
        priorities=[priority.pk],
        outcomes=[outcome.pk],
        interventions=[intervention.pk],
        contracts=[universe.contract_a.pk],
        links=[{"label": "Chart", "url": "/evaluation/spc/"}],
    )
    detail = finding.loop_detail
    assert finding.stage == "evaluation" and finding.status == FindingStatus.DRAFT
    assert list(detail.priorities.all()) == [priority]
    assert list(detail.contracts.all()) == [universe.contract_a]
    assert detail.links.get().url == "/evaluation/spc/"
    actions.edit_finding(
        finding=finding, title="Hubs work", summary="Fell 12%.", by=universe.analyst
    )
    finding.refresh_from_db()
    assert finding.title == "Hubs work" and not finding.loop_detail.priorities.exists()
    actions.approve_finding(finding=finding, by=universe.commissioner)
    finding.refresh_from_db()
    assert finding.approved_by == universe.commissioner and finding.approved_at
    with pytest.raises(ValidationError, match="approved, so it cannot be changed"):
        actions.edit_finding(finding=finding, title="x", summary="y", by=universe.commissioner)
    actions.withdraw_finding(finding=finding, reason="Superseded", by=universe.commissioner)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.WITHDRAWN
    verbs = set(AuditEvent.objects.filter(object_id=str(finding.pk)).values_list("verb", flat=True))
    assert verbs == {
        "evaluation_finding.record",
        "evaluation_finding.edit",
        "evaluation_finding.approve",
        "evaluation_finding.withdraw",
    }


def test_forged_ids_of_another_icb_are_refused_and_nothing_is_saved(world):
    universe, cycle, _, _, south_priority = world
    with pytest.raises(ValidationError) as error:
        record(universe, cycle, priorities=[south_priority.pk])
    assert f"no priority with id {south_priority.pk} in North ICB" in str(error.value)
    with pytest.raises(ValidationError, match="no contract with id"):
        record(universe, cycle, contracts=[universe.contract_south.pk])
    with pytest.raises(ValidationError, match="Evidence link 1"):
        record(universe, cycle, links=[{"label": "x", "url": "javascript:alert(1)"}])
    assert not cycle.findings.exists()


def test_roles(world):
    universe, cycle, *_ = world
    with pytest.raises(PermissionDenied):
        actions.record_finding(cycle=cycle, title="t", summary="s", by=universe.outsider)
    with pytest.raises(PermissionDenied):
        actions.record_finding(cycle=cycle, title="t", summary="s", by=universe.provider_a_rep)
    finding = actions.record_finding(cycle=cycle, title="t", summary="s", by=universe.analyst)
    with pytest.raises(PermissionDenied):
        actions.approve_finding(finding=finding, by=universe.analyst)
    with pytest.raises(ValidationError, match="Enter a title"):
        actions.record_finding(cycle=cycle, title=" ", summary="s", by=universe.analyst)


def test_close_opens_next_carries_chosen_drafts_and_refuses_twice(world):
    universe, cycle, strategy, *_ = world
    approved = record(universe, cycle, title="Approved")
    actions.approve_finding(finding=approved, by=universe.commissioner)
    keep = record(universe, cycle, title="Keep")
    drop = record(universe, cycle, title="Drop")
    closure = actions.close_cycle(cycle=cycle, carry=[keep.pk], by=universe.commissioner)
    cycle.refresh_from_db()
    following = closure.next_cycle
    assert cycle.status == "closed" and closure.next_created
    assert (following.financial_year, following.previous_id, following.status) == (
        2026,
        cycle.pk,
        "open",
    )
    keep.refresh_from_db()
    drop.refresh_from_db()
    approved.refresh_from_db()
    assert keep.cycle_id == following.pk and keep.loop_detail.carried_from_id == cycle.pk
    assert drop.status == FindingStatus.WITHDRAWN and drop.cycle_id == cycle.pk
    assert approved.cycle_id == cycle.pk
    assert closure.carried["strategies"] == [strategy.pk]
    assert AuditEvent.objects.filter(verb="cycle.close", object_id=str(cycle.pk)).exists()
    with pytest.raises(ValidationError, match="closed already"):
        actions.close_cycle(cycle=cycle, by=universe.commissioner)
    assert CycleClosure.objects.count() == 1


def test_close_into_an_existing_next_cycle_and_refusals(world):
    universe, cycle, *_ = world
    following = f.CycleFactory(icb=universe.north, financial_year=2026, status="planned")
    draft = record(universe, cycle)
    with pytest.raises(ValidationError, match="not a draft evaluation finding"):
        actions.close_cycle(cycle=cycle, carry=[draft.pk + 999], by=universe.commissioner)
    cycle.refresh_from_db()
    assert cycle.status == "open"
    closure = actions.close_cycle(cycle=cycle, by=universe.commissioner)
    following.refresh_from_db()
    assert closure.next_cycle == following and not closure.next_created
    assert following.previous_id == cycle.pk and following.status == "open"
    assert CommissioningCycle.objects.filter(icb=universe.north).count() == 2
    with pytest.raises(ValidationError, match="planned, not open"):
        actions.close_cycle(
            cycle=f.CycleFactory(icb=universe.north, financial_year=2030, status="planned"),
            by=universe.commissioner,
        )
    with pytest.raises(PermissionDenied):
        actions.close_cycle(cycle=following, by=universe.analyst)


def test_seed_demo_is_idempotent(world):
    universe, cycle, strategy, priority, _ = world
    cycle.status = "closed"
    cycle.save()
    first = seed_demo(icb=universe.north, by=universe.commissioner)
    second = seed_demo(icb=universe.north, by=universe.commissioner)
    finding = cycle.findings.get(stage="evaluation")
    assert "approved finding" in first and "already" in second
    assert finding.status == FindingStatus.APPROVED
    assert list(finding.loop_detail.priorities.all()) == [priority]
