"""Pure checks of evaluation.performance.measures: periods, combining values, shares."""

from datetime import date
from decimal import Decimal as D

import pytest

from evaluation.performance import measures
from evaluation.performance.measures import Measurement, Point, Term


def monthly(year: int, values) -> list[Point]:
    points = []
    for index, value in enumerate(values):
        month = (3 + index) % 12 + 1
        start = date(year + (month < 4), month, 1)
        following = date(start.year + (month == 12), month % 12 + 1, 1)
        points.append(Point(start, date.fromordinal(following.toordinal() - 1), value))
    return points


def test_financial_year_and_its_label():
    assert measures.financial_year("2025/26") == (date(2025, 4, 1), date(2026, 3, 31))
    assert measures.year_label(date(2026, 3, 31)) == "2025/26"
    assert measures.year_label(date(2026, 4, 30)) == "2026/27"
    for bad in ("2025", "2025/27", "25/26", "x/y"):
        with pytest.raises(ValueError, match="not a financial year"):
            measures.financial_year(bad)


def test_mean_and_sum_of_monthly_values_in_the_year_only():
    points = monthly(2024, [90.0] * 12) + monthly(2025, [52.0, 56.0] * 6)
    start, end = measures.financial_year("2025/26")
    assert measures.period_value(points, start, end, measures.MEAN) == (
        D("54"),
        12,
        "mean of 12 monthly values",
    )
    value, used, _ = measures.period_value(points, start, end, measures.SUM)
    assert (value, used) == (D("648.0"), 12)


def test_a_whole_year_value_is_used_as_it_is():
    points = monthly(2025, [1.0] * 12) + [Point(date(2025, 4, 1), date(2026, 3, 31), 0.68)]
    start, end = measures.financial_year("2025/26")
    assert measures.period_value(points, start, end, measures.MEAN)[0] == D("0.68")


def test_no_values_is_none_not_zero():
    start, end = measures.financial_year("2030/31")
    assert measures.period_value(monthly(2025, [1.0]), start, end, measures.MEAN)[0] is None


def test_percentage_against_share_terms_is_divided_by_100():
    share_term = Term("achievement", "HTN", "BP", measures.MEAN, D("0.6"), D("0.8"))
    assert measures.as_share(share_term, D("77"), "%") == (D("0.77"), True)
    rate_term = Term("achievement", "EA65", "EA", measures.MEAN, D("60"), D("50"))
    assert measures.as_share(rate_term, D("54"), "%") == (D("54"), False)
    assert measures.as_share(share_term, D("0.77"), "proportion") == (D("0.77"), False)


def test_measured_inputs_for_each_model():
    outcome = Term("achievement", "EA65", "EA", measures.MEAN)
    activity = Term("activity", "NEL", "Spells", measures.SUM)
    spend = Term(None, "actual_spend", "Spend", measures.SUM)
    built = measures.build_measured(
        "x",
        [
            Measurement(outcome, value=D("54.000")),
            Measurement(activity, value=D("10400.4")),
            Measurement(spend, value=D("9800000.005")),
        ],
    )
    assert built == {
        "achievement": {"EA65": "54"},
        "activity": {"NEL": "10400"},
        "actual_spend": "9800000.01",
    }
    terms = {"currencies": [{"code": "NEL", "description": "Spells"}]}
    assert [t.code for t in measures.measured_terms("aligned", terms)] == ["NEL"]
    assert measures.measured_terms("block", {"annual_value": "1"}) == []
