"""Differencing (issue 7 item 3): two filters that differ by a few people reveal nothing.

On a served aggregate: indicator values through the REST API as North's partner (the
same serializer and disclosure rules as every partner- and provider-facing indicator
figure). For every group size n from 0 to 60 and every difference g of 1-7 people, two
values are stored, one about n + g people and one about n (say an area and the same area
without a small group). What the partner is served for the pair must leave at least two
possible sizes of the small group, so it is never pinned."""

import pytest

from commissioning.disclosure import SUPPRESSED, THRESHOLD
from commissioning.models import IndicatorValue
from tests import factories as f
from tests.api import API, session_client

pytestmark = pytest.mark.django_db


def _possible(shown) -> set[int]:
    if shown == 0:
        return {0}
    if shown == SUPPRESSED:
        return set(range(1, THRESHOLD))
    return set(range(max(shown - 2, THRESHOLD), shown + 3))


def test_two_served_counts_differing_by_a_few_people_do_not_pin_the_difference(universe):
    indicator = f.IndicatorFactory(code="DIFF", unit="per 100,000")
    pairs = [(n, g) for n in range(0, 61) for g in range(1, THRESHOLD)]
    rows = []
    for n, g in pairs:
        for label, people in (("with", n + g), ("without", n)):
            rows.append(
                IndicatorValue(
                    indicator=indicator, area=universe.place,
                    period_start="2025-04-01", period_end="2026-03-31",
                    breakdown="difference", category=f"{n}-{g}-{label}",
                    numerator=people, denominator=10_000, value=people,
                )
            )  # fmt: skip
    IndicatorValue.objects.bulk_create(rows)
    client = session_client(universe.partner)
    served = {}
    url = f"{API}/indicator-values/?indicator=DIFF&page_size=500"
    while url:
        page = client.get(url).json()
        served.update({row["category"]: row["numerator"] for row in page["results"]})
        url = page["next"]
    assert len(served) == 2 * len(pairs)
    pinned = []
    for n, g in pairs:
        shown_with, shown_without = served[f"{n}-{g}-with"], served[f"{n}-{g}-without"]
        assert shown_with not in range(1, THRESHOLD) and shown_without not in range(1, THRESHOLD)
        possible = {a - b for a in _possible(shown_with) for b in _possible(shown_without)} & set(
            range(1, THRESHOLD)
        )
        assert g in possible
        if len(possible) < 2:
            pinned.append((n, g, shown_with, shown_without))
    assert pinned == []
