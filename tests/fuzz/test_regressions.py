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
