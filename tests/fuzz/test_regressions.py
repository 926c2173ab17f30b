"""Requests the API fuzzer (test_api_fuzz.py) found giving a 500, kept as regressions."""

import pytest

from tests.api import API, token_client


@pytest.mark.django_db
def test_plan_without_allocation_growth_is_created_with_none(universe):
    """POST /api/v1/payor/plans/ without `allocation_growth` (optional, default 0) gave a
    500 (KeyError in PlanViewSet.create)."""
    client = token_client(universe.commissioner)
    response = client.post(
        f"{API}/payor/plans/",
        {"title": "Plan", "allocation": "1000000.00", "first_year": 2026},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert float(response.json()["allocation_growth"]) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("bad_id", ["null", "abc", "-1"])
def test_ranking_of_a_non_numeric_strategy_id_is_404(universe, bad_id):
    """GET /api/v1/strategy/rankings/null/ gave a 500 (int('null') in the lookup)."""
    response = token_client(universe.commissioner).get(f"{API}/strategy/rankings/{bad_id}/")
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "held_at", ["0100-12-22T18:27:11Z", "1999-12-31T23:00:00Z", "2101-01-01T10:00:00Z"]
)
def test_meeting_outside_2000_to_2100_is_refused_naming_held_at(universe, held_at):
    """POST /api/v1/payor/committees/{id}/meetings/ accepted the year 100 and echoed it
    with a London LMT offset ("-00:01:15"), not an RFC 3339 date-time. Moving a meeting
    (PATCH /committee-meetings/{id}/) is refused the same way; in range both work."""
    from payor.models import CommitteeMeeting
    from payor.selection import committees

    client = token_client(universe.commissioner)
    committee = committees.create_committee(by=universe.commissioner, name="Board")
    url = f"{API}/payor/committees/{committee.pk}/meetings/"
    refused = client.post(url, {"title": "Typo", "held_at": held_at}, format="json")
    assert refused.status_code == 400, refused.content
    assert "2000 to 2100" in refused.json()["held_at"][0]
    assert not CommitteeMeeting.objects.filter(committee=committee).exists()

    made = client.post(url, {"title": "Board", "held_at": "2026-01-14T10:00:00Z"}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["held_at"] == "2026-01-14T10:00:00Z"
    meeting_url = f"{API}/payor/committee-meetings/{made.json()['id']}/"
    moved = client.patch(meeting_url, {"title": "Board", "held_at": held_at}, format="json")
    assert moved.status_code == 400, moved.content
    assert "2000 to 2100" in moved.json()["held_at"][0]
    assert CommitteeMeeting.objects.get(pk=made.json()["id"]).held_at.year == 2026
