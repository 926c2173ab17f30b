"""The selection API: scoped reads, award refused by the standstill, conflicted votes."""

import pytest
from rest_framework.test import APIClient

from payor.selection import committees
from tests.payor.test_selection_actions import CRITERIA, at, decision_for

pytestmark = pytest.mark.django_db
BASE = "/api/v1/payor"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def setup(universe):
    by = universe.commissioner
    decision = decision_for(universe)
    committee = committees.create_committee(by=by, name="Joint committee")
    committees.add_member(by=by, committee=committee, organisation=universe.north_org, user=by)
    committees.add_member(
        by=by, committee=committee, organisation=universe.provider_a, user=universe.provider_a_rep
    )
    meeting = committees.schedule_meeting(
        by=by, committee=committee, title="January", held_at=at(2026, 1, 14, 10)
    )
    item = committees.add_item(
        by=by, meeting=meeting, title="Renew A", contract=universe.contract_a
    )
    return decision, committee, item


def test_psr_create_notice_and_award_through_the_api(universe):
    client = api(universe.commissioner)
    payload = {
        "reference": "PSR-9", "title": "Diabetes pathway", "service": "Diabetes",
        "route": "competitive", "provider": "RAA", "decision_maker": "Contracts committee",
        "decided_on": "2025-12-01",
        "criteria": [
            {"criterion": k, "assessment": a, "rationale": r} for k, (a, r) in CRITERIA.items()
        ],
    }  # fmt: skip
    created = client.post(f"{BASE}/psr-decisions/", payload, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    notice = client.post(
        f"{BASE}/psr-decisions/{pk}/notice/", {"at": "2025-12-19T15:00:00Z"}, format="json"
    )
    assert notice.json()["standstill_ends_at"] == "2026-01-06T00:00:00Z"
    early = client.post(
        f"{BASE}/psr-decisions/{pk}/award/", {"at": "2026-01-05T23:59:00Z"}, format="json"
    )
    assert early.status_code == 400
    assert "Monday 5 January 2026" in early.json()["non_field_errors"][0]
    ok = client.post(f"{BASE}/psr-decisions/{pk}/award/", {"at": "2026-01-06T00:00:00Z"})
    assert ok.status_code == 200 and ok.json()["status"] == "awarded"


def test_psr_create_bad_input_names_the_field(universe):
    response = api(universe.commissioner).post(
        f"{BASE}/psr-decisions/", {"reference": "X", "route": "lottery"}, format="json"
    )
    assert response.status_code == 400 and "route" in response.json()


def test_psr_scoped(universe, setup):
    decision = setup[0]
    assert api(universe.analyst).get(f"{BASE}/psr-decisions/{decision.pk}/").status_code == 200
    for persona in ("outsider", "provider_a_rep", "partner"):
        client = api(getattr(universe, persona))
        assert client.get(f"{BASE}/psr-decisions/").json()["count"] == 0
        assert client.get(f"{BASE}/psr-decisions/{decision.pk}/").status_code == 404
    refused = api(universe.analyst).post(f"{BASE}/psr-decisions/{decision.pk}/notice/", {})
    assert refused.status_code == 403


def test_committees_scoped(universe, setup):
    _, committee, item = setup
    assert api(universe.provider_a_rep).get(f"{BASE}/committees/").json()["count"] == 1
    for persona in ("outsider", "provider_b_rep", "partner"):
        client = api(getattr(universe, persona))
        assert client.get(f"{BASE}/committees/{committee.pk}/").status_code == 404
        assert client.get(f"{BASE}/committee-items/{item.pk}/").status_code == 404
        assert client.get(f"{BASE}/committee-items/").json()["count"] == 0
        assert (
            client.post(f"{BASE}/committee-items/{item.pk}/vote/", {"choice": "for"}).status_code
            == 404
        )


def test_conflicted_provider_vote_refused_through_the_api(universe, setup):
    item = setup[2]
    client = api(universe.provider_a_rep)
    declared = client.post(
        f"{BASE}/committee-items/{item.pk}/declare/", {"interest": "We hold the contract"}
    )
    assert declared.status_code == 201
    refused = client.post(f"{BASE}/committee-items/{item.pk}/vote/", {"choice": "for"})
    assert refused.status_code == 400
    assert "cannot vote" in refused.json()["non_field_errors"][0]
    voted = api(universe.commissioner).post(
        f"{BASE}/committee-items/{item.pk}/vote/", {"choice": "for"}
    )
    assert voted.status_code == 201 and len(voted.json()["votes"]) == 1


def test_unauthenticated_refused(universe):
    assert APIClient().get(f"{BASE}/psr-decisions/").status_code in (401, 403)
