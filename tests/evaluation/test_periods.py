"""One series, one frequency: a yearly value written from a needs profile beside monthly
values (some ending on the same day) must not break the SPC pages or the tracking."""

import datetime as dt

import pytest

from evaluation import queries
from evaluation.periods import length_class, same_length
from tests import factories as f


class P:
    def __init__(self, start, end):
        self.period_start, self.period_end = start, end


def test_length_classes_and_the_most_common_length_wins():
    month = P(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    quarter = P(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    year = P(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert [length_class(p) for p in (month, quarter, year)] == ["month", "quarter", "year"]
    march = P(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert same_length([month, year, march]) == [month, march]
    # A tie goes to the shorter period.
    assert same_length([year, month]) == [month]
    assert same_length([]) == []


@pytest.mark.django_db
def test_spc_summary_and_chart_with_a_yearly_value_beside_monthly_ones(universe, client_for):
    indicator = f.IndicatorFactory(code="MIX", name="Mixed", polarity="lower")
    for month in range(1, 13):
        start = dt.date(2025 + (month < 4), month, 1)
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(1)
        f.IndicatorValueFactory(indicator=indicator, area=universe.north, period_start=start,
                                period_end=end, value=100 + month)  # fmt: skip
    f.IndicatorValueFactory(indicator=indicator, area=universe.north,
                            period_start=dt.date(2025, 4, 1), period_end=dt.date(2026, 3, 31),
                            value=1300)  # fmt: skip
    client = client_for(universe.commissioner)
    assert client.get("/evaluation/spc/").status_code == 200
    chart = client.get(f"/evaluation/spc/MIX/area/{universe.north.pk}/")
    assert chart.status_code == 200
    series = queries.series(universe.commissioner, "MIX", "area", universe.north.pk)
    assert len(series.values) == 12 and 1300 not in series.numbers
