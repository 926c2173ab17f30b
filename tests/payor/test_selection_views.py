"""Selection pages: PSR flow in the browser, committees, votes and access."""

import pytest

from payor.models import PsrDecision, PsrStatus
from tests.payor import test_selection_actions as shared

pytestmark = pytest.mark.django_db
board = shared.board  # the committee fixture
decision_for = shared.decision_for


def test_psr_pages_for_the_commissioner(universe, client_for):
    client = client_for(universe.commissioner)
    assert client.get("/resource-allocation/provider-selection/").status_code == 200
    form = client.get("/resource-allocation/provider-selection/new/")
    assert b"Social value: rationale" in form.content
    post = {
        "reference": "PSR-7", "title": "Stroke rehab", "service": "Stroke", "route": "direct_c",
        "provider": universe.provider_a.pk, "decision_maker": "ICB Board",
        "decided_on": "2025-12-01", "estimated_value": "1250000.00",
    }  # fmt: skip
    for code in ("quality", "value", "integration", "access", "social_value"):
        post[f"{code}_assessment"], post[f"{code}_rationale"] = "Good", "Because"
    created = client.post("/resource-allocation/provider-selection/new/", post)
    decision = PsrDecision.objects.get(reference="PSR-7")
    assert created.status_code == 302
    page = client.get(f"/resource-allocation/provider-selection/{decision.pk}/")
    assert b"1,250,000.00" in page.content
    base = f"/resource-allocation/provider-selection/{decision.pk}"
    client.post(f"{base}/notice/", {"at": "2025-12-19T15:00"})
    shown = client.get(f"{base}/").content.decode()
    assert "Midnight at the end of Monday 5 January 2026" in shown
    refused = client.post(f"{base}/award/", {"at": "2026-01-05T23:59"})
    assert refused.status_code == 400
    assert "Monday 5 January 2026" in refused.content.decode()
    assert client.post(f"{base}/award/", {"at": "2026-01-06T00:00"}).status_code == 302
    decision.refresh_from_db()
    assert decision.status == PsrStatus.AWARDED


def test_psr_create_with_missing_rationale_is_refused_and_nothing_saved(universe, client_for):
    client = client_for(universe.commissioner)
    response = client.post("/resource-allocation/provider-selection/new/", {"reference": "X"})
    assert response.status_code == 200 and b"There is a problem" in response.content
    assert not PsrDecision.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "partner"])
def test_psr_detail_hidden(universe, client_for, persona):
    decision = decision_for(universe)
    client = client_for(getattr(universe, persona))
    assert client.get(f"/resource-allocation/provider-selection/{decision.pk}/").status_code == 404
    listed = client.get("/resource-allocation/provider-selection/")
    assert decision.reference.encode() not in listed.content
    if persona != "outsider":  # the outsider records its own ICB's decisions
        assert client.get("/resource-allocation/provider-selection/new/").status_code == 403


def test_provider_sees_only_its_committee_and_votes(universe, client_for, board):
    committee, icb_seat, a_seat, meeting, item = board
    page = client_for(universe.provider_a_rep).get(
        f"/resource-allocation/committees/{committee.pk}/"
    )
    assert page.status_code == 200 and b"Vote on this item" in page.content
    voted = client_for(universe.provider_a_rep).post(
        f"/resource-allocation/committee-items/{item.pk}/vote/", {"choice": "for"}
    )
    assert voted.status_code == 302
    for persona in ("outsider", "provider_b_rep", "partner"):
        client = client_for(getattr(universe, persona))
        assert client.get(f"/resource-allocation/committees/{committee.pk}/").status_code == 404
        assert (
            client.post(
                f"/resource-allocation/committee-items/{item.pk}/vote/", {"choice": "for"}
            ).status_code
            == 404
        )
        assert b"Joint committee" not in client.get("/resource-allocation/committees/").content


def test_conflicted_vote_refused_on_the_page(universe, client_for, board):
    item = board[4]
    client = client_for(universe.provider_a_rep)
    client.post(f"/resource-allocation/committee-items/{item.pk}/declare/", {"interest": "Ours"})
    refused = client.post(
        f"/resource-allocation/committee-items/{item.pk}/vote/", {"choice": "for"}
    )
    assert refused.status_code == 400 and "cannot vote" in refused.content.decode()


def test_anonymous_redirected_to_sign_in(universe, client):
    assert client.get("/resource-allocation/committees/").status_code == 302
