"""Pagination: ?page_size= is honoured up to settings.API_MAX_PAGE_SIZE and no further."""

import pytest

from commissioning.models import Indicator
from tests.api import API, token_client

pytestmark = pytest.mark.django_db


def make_indicators(count: int) -> None:
    Indicator.objects.bulk_create(
        Indicator(
            code=f"P{n:05d}",
            name=f"Indicator {n}",
            definition="-",
            unit="%",
            polarity="neutral",
            source="test",
        )
        for n in range(count)
    )


def test_page_size_capped_at_the_real_maximum(universe, settings):
    make_indicators(settings.API_MAX_PAGE_SIZE + 1)
    client = token_client(universe.analyst)
    body = client.get(f"{API}/indicators/", {"page_size": 100_000}).json()
    assert body["count"] == Indicator.objects.count() > settings.API_MAX_PAGE_SIZE
    assert len(body["results"]) == settings.API_MAX_PAGE_SIZE
    assert body["next"] is not None


def test_page_size_cap_follows_the_setting(universe, settings):
    settings.API_MAX_PAGE_SIZE = 3
    Indicator.objects.all().delete()  # only the ones made here, so the pages are known
    make_indicators(5)
    client = token_client(universe.analyst)
    first = client.get(f"{API}/indicators/", {"page_size": 100_000}).json()
    assert len(first["results"]) == 3
    second = client.get(f"{API}/indicators/", {"page_size": 100_000, "page": 2}).json()
    assert len(second["results"]) == 2
    codes = [row["code"] for row in first["results"] + second["results"]]
    assert codes == [f"P{n:05d}" for n in range(5)]


def test_page_size_smaller_than_the_cap_is_honoured(universe):
    make_indicators(5)
    body = token_client(universe.analyst).get(f"{API}/indicators/", {"page_size": 2}).json()
    assert len(body["results"]) == 2
    assert body["count"] == Indicator.objects.count()
