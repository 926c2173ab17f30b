"""The loop's API: findings listed, filtered, created, approved and withdrawn; cycles
listed and closed. ICB staff only; forged ids refused with a message naming the field."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from evaluation.loop import actions
from tests import factories as f
from tests.strategy.factories import PriorityFactory, StrategyFactory

pytestmark = pytest.mark.django_db
FINDINGS = "/api/v1/evaluation/loop-findings/"
CYCLES = "/api/v1/evaluation/loop-cycles/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(universe):
    cycle = f.CycleFactory(icb=universe.north, financial_year=2025, status="open")
    priority = PriorityFactory(strategy=StrategyFactory(icb=universe.north, cycle=cycle))
    south = PriorityFactory(strategy=StrategyFactory(icb=universe.south))
    return universe, cycle, priority, south


def test_create_filter_approve_withdraw(world):
    universe, cycle, priority, _ = world
    client = api(universe.commissioner)
    body = {
        "title": "Hubs work",
        "summary": "Admissions fell.",
        "priorities": [priority.pk],
        "links": [{"label": "Chart", "url": "/evaluation/spc/"}],
    }
    made = client.post(FINDINGS, body, format="json")
    assert made.status_code == 201, made.content
    data = made.json()
    assert data["cycle"] == cycle.pk and data["status"] == "draft"
    assert data["concerns"]["priorities"] == [priority.pk]
    assert data["links"] == [{"label": "Chart", "url": "/evaluation/spc/"}]
    pk = data["id"]
    assert client.get(FINDINGS, {"status": "approved"}).json()["count"] == 0
    assert client.get(FINDINGS, {"status": "nonsense"}).status_code == 400
    assert api(universe.analyst).post(f"{FINDINGS}{pk}/approve/").status_code == 403
    approved = client.post(f"{FINDINGS}{pk}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = client.post(f"{FINDINGS}{pk}/approve/")
    assert again.status_code == 400 and "already" in str(again.json())
    listed = client.get(FINDINGS, {"status": "approved", "cycle": cycle.pk}).json()
    assert [r["id"] for r in listed["results"]] == [pk]
    withdrawn = client.post(f"{FINDINGS}{pk}/withdraw/", {"reason": "Old"}, format="json")
    assert withdrawn.json()["status"] == "withdrawn"


def test_forged_priority_of_another_icb_is_refused(world):
    universe, cycle, _, south = world
    response = api(universe.commissioner).post(
        FINDINGS, {"title": "T", "summary": "S", "priorities": [south.pk]}, format="json"
    )
    assert response.status_code == 400
    assert f"no priority with id {south.pk}" in response.json()["priorities"][0]
    assert not cycle.findings.exists()
    other_cycle = f.CycleFactory(icb=universe.south, financial_year=2025)
    response = api(universe.commissioner).post(
        FINDINGS, {"title": "T", "summary": "S", "cycle": other_cycle.pk}, format="json"
    )
    assert response.status_code == 400 and "cycle" in response.json()


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "partner"])
def test_others_see_nothing(world, persona):
    universe, cycle, *_ = world
    finding = actions.record_finding(cycle=cycle, title="T", summary="S", by=universe.analyst)
    actions.approve_finding(finding=finding, by=universe.commissioner)
    client = api(getattr(universe, persona))
    assert client.get(FINDINGS).json()["count"] == 0
    assert client.get(f"{FINDINGS}{finding.pk}/").status_code == 404
    assert client.post(f"{FINDINGS}{finding.pk}/withdraw/").status_code == 404
    assert cycle.pk not in [c["id"] for c in client.get(CYCLES).json()["results"]]
    assert client.post(f"{CYCLES}{cycle.pk}/close/").status_code == 404


def test_cycles_list_and_close_once(world):
    universe, cycle, *_ = world
    client = api(universe.commissioner)
    assert [c["label"] for c in client.get(CYCLES).json()["results"]] == ["2025/26"]
    closed = client.post(f"{CYCLES}{cycle.pk}/close/", {"carry": []}, format="json")
    assert closed.status_code == 200, closed.content
    assert closed.json()["next"]["label"] == "2026/27" and closed.json()["next_created"]
    twice = client.post(f"{CYCLES}{cycle.pk}/close/", {}, format="json")
    assert twice.status_code == 400 and "closed already" in str(twice.json())
