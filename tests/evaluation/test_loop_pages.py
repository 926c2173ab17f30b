"""The loop's pages: findings list, record form, finding page with approve and withdraw,
closing a cycle; the next cycle's INA, the priority page and the contract page showing the
findings. ICB staff only: the outsider, providers and partners get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commissioning.models import FindingStatus
from evaluation.loop import actions
from needs_assessment.documents import actions as ina_actions
from tests import factories as f
from tests.needs_assessment.test_documents_world import make_profile
from tests.strategy.factories import PriorityFactory, StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(universe):
    cycle = f.CycleFactory(icb=universe.north, financial_year=2025, status="open")
    strategy = StrategyFactory(icb=universe.north, cycle=cycle, first_year=2025)
    priority = PriorityFactory(strategy=strategy, title="Frailty")
    approved = actions.record_finding(
        cycle=cycle,
        title="Hubs cut admissions",
        summary="Admissions of frail people fell 12%.",
        priorities=[priority.pk],
        contracts=[universe.contract_a.pk],
        by=universe.commissioner,
    )
    actions.approve_finding(finding=approved, by=universe.commissioner)
    draft = actions.record_finding(
        cycle=cycle, title="Unapproved note", summary="Still checking.", by=universe.analyst
    )
    return universe, cycle, strategy, priority, approved, draft


def test_findings_list_filters_by_status(world, client_for):
    universe, cycle, *_ = world
    client = client_for(universe.analyst)
    url = reverse("evaluation:loop-findings", args=[cycle.pk])
    page = client.get(url).content.decode()
    assert "Hubs cut admissions" in page and "Unapproved note" in page
    page = client.get(url, {"status": "approved"}).content.decode()
    assert "Hubs cut admissions" in page and "Unapproved note" not in page
    assert "Frailty" in page


def test_record_form_saves_and_shows_errors(world, client_for):
    universe, cycle, _, priority, *_ = world
    client = client_for(universe.commissioner)
    url = reverse("evaluation:loop-finding-new", args=[cycle.pk])
    assert "Frailty" in client.get(url).content.decode()
    bad = client.post(url, {"title": "", "summary": "x", "links": "Chart | ftp://x"})
    assert bad.status_code == 400
    assert "Enter a title for the finding." in bad.content.decode()
    forged = client.post(url, {"title": "T", "summary": "S", "priorities": ["99999"]})
    assert forged.status_code == 400 and "not one of this ICB" in forged.content.decode()
    bad_link = client.post(url, {"title": "T", "summary": "S", "links": "Chart | ftp://x"})
    assert "Evidence link 1" in bad_link.content.decode()
    assert cycle.findings.count() == 2
    made = client.post(
        url,
        {"title": "New", "summary": "S", "priorities": [str(priority.pk)], "links": "C | /x/"},
    )
    finding = cycle.findings.get(title="New")
    assert made.status_code == 302 and made.url == reverse(
        "evaluation:loop-finding", args=[finding.pk]
    )


def test_finding_page_approve_and_withdraw(world, client_for):
    universe, cycle, _, _, _, draft = world
    url = reverse("evaluation:loop-finding", args=[draft.pk])
    analyst_page = client_for(universe.analyst).get(url).content.decode()
    assert "Change the finding" in analyst_page and "Approve the finding" not in analyst_page
    refused = client_for(universe.analyst).post(
        reverse("evaluation:loop-finding-approve", args=[draft.pk])
    )
    assert refused.status_code == 403
    client = client_for(universe.commissioner)
    assert "Approve the finding" in client.get(url).content.decode()
    client.post(reverse("evaluation:loop-finding-approve", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == FindingStatus.APPROVED
    page = client.get(url).content.decode()
    assert "Approve the finding" not in page and "Change the finding" not in page
    client.post(reverse("evaluation:loop-finding-withdraw", args=[draft.pk]), {"reason": "Wrong"})
    draft.refresh_from_db()
    assert draft.status == FindingStatus.WITHDRAWN
    assert "Wrong" in client.get(url).content.decode()


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "partner"])
def test_outsiders_get_404(world, client_for, persona):
    universe, cycle, _, _, approved, _ = world
    client = client_for(getattr(universe, persona))
    cycles = client.get(reverse("evaluation:loop-cycles"))
    if persona == "outsider":  # South's staff see South's (no) cycles, not North's
        assert cycles.status_code == 200 and "2025/26" not in cycles.content.decode()
    else:
        assert cycles.status_code == 404
    for url in (
        reverse("evaluation:loop-findings", args=[cycle.pk]),
        reverse("evaluation:loop-finding-new", args=[cycle.pk]),
        reverse("evaluation:loop-finding", args=[approved.pk]),
        reverse("evaluation:loop-cycle-close", args=[cycle.pk]),
    ):
        assert client.get(url).status_code == 404, url
    withdraw = reverse("evaluation:loop-finding-withdraw", args=[approved.pk])
    assert client.post(withdraw).status_code == 404


def test_close_page_then_next_cycles_ina_starts_from_approved_findings(world, client_for):
    universe, cycle, _, _, approved, draft = world
    client = client_for(universe.commissioner)
    url = reverse("evaluation:loop-cycle-close", args=[cycle.pk])
    page = client.get(url).content.decode()
    assert "Close cycle 2025/26 and open 2026/27" in page
    assert "Hubs cut admissions" in page and "Unapproved note" in page
    assert client_for(universe.analyst).get(url).status_code == 403
    response = client.post(url, {})
    assert response.status_code == 302
    cycle.refresh_from_db()
    following = cycle.next_cycle
    assert cycle.status == "closed" and following.label == "2026/27"
    again = client.post(url, {})
    assert again.status_code == 400 and "closed already" in again.content.decode()
    assessment = ina_actions.create_assessment(
        cycle=following, profile=make_profile(universe), title="North INA", by=universe.commissioner
    )
    ina = client.get(reverse("needs_assessment:ina-detail", args=[assessment.pk])).content.decode()
    assert "Starting point: what the last cycle" in ina
    assert reverse("evaluation:loop-finding", args=[approved.pk]) in ina
    assert "Unapproved note" not in ina


def test_priority_and_contract_pages_show_findings_about_them(world, client_for):
    universe, _, strategy, _, approved, _ = world
    finding_url = reverse("evaluation:loop-finding", args=[approved.pk])
    client = client_for(universe.commissioner)
    priorities = client.get(reverse("strategy:priorities", args=[strategy.pk])).content.decode()
    assert finding_url in priorities
    contract_url = reverse("payor:finance-contract", args=[universe.contract_a.pk])
    assert finding_url in client.get(contract_url).content.decode()
    other = client.get(reverse("payor:finance-contract", args=[universe.contract_b.pk]))
    assert finding_url not in other.content.decode()
    provider_page = client_for(universe.provider_a_rep).get(contract_url)
    assert provider_page.status_code == 200 and finding_url not in provider_page.content.decode()
