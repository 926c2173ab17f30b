"""The five-year plan's arithmetic, checked by hand (pure: no database)."""

from decimal import Decimal as D

import pytest

from payor.finance.plan import BudgetLine, grow, plan_years, totals_by_setting, year_label


def test_allocation_of_1000m_growing_3_percent_a_year():
    # 1,000 × 1.03^k: 1,000.00; 1,030.00; 1,060.90; 1,092.727 -> 1,092.73;
    # 1,125.50881 -> 1,125.51 (million). Exact compounding, rounded once per year.
    values = grow(D("1000000000.00"), D("0.03"), 5)
    assert values == [
        D("1000000000.00"),
        D("1030000000.00"),
        D("1060900000.00"),
        D("1092727000.00"),
        D("1125508810.00"),
    ]
    in_millions = [(v / 1_000_000).quantize(D("0.01")) for v in values]
    assert in_millions == [D("1000.00"), D("1030.00"), D("1060.90"), D("1092.73"), D("1125.51")]


def test_rounding_is_to_the_penny_and_does_not_compound():
    # £100.00 growing 0.5%: 100.50, 101.0025 -> 101.00 (not 100.50 × 1.005 = 101.0025 again)
    # 100 × 1.005^3 = 101.507512... -> 101.51
    assert grow(D("100.00"), D("0.005"), 4) == [D("100.00"), D("100.50"), D("101.00"), D("101.51")]


def test_a_year_that_does_not_balance_is_flagged():
    # Allocation £1,000 growing 2%: 1,000.00, 1,020.00, 1,040.40.
    # Acute £600 growing 5%: 600.00, 630.00, 661.50; community £390 flat.
    # Spending 990.00, 1,020.00, 1,051.50 -> surplus 10.00, 0.00 (balances), -11.10 (deficit).
    years = plan_years(
        first_year=2026,
        years=3,
        allocation=D("1000.00"),
        allocation_growth=D("0.02"),
        lines=[
            BudgetLine("a", "Acute", D("600.00"), D("0.05")),
            BudgetLine("c", "Community", D("390.00"), D("0")),
        ],
    )
    assert [y.label for y in years] == ["2026/27", "2027/28", "2028/29"]
    assert [y.spending for y in years] == [D("990.00"), D("1020.00"), D("1051.50")]
    assert [y.surplus for y in years] == [D("10.00"), D("0.00"), D("-11.10")]
    assert [y.balances for y in years] == [True, True, False]
    assert years[2].deficit == D("11.10") and years[0].deficit == 0


def test_totals_by_setting_add_cohort_lines():
    totals = totals_by_setting(
        [("acute", [D(1), D(2)]), ("acute", [D(3), D(4)]), ("other", [D(5), D(6)])]
    )
    assert totals == {"acute": [D(4), D(6)], "other": [D(5), D(6)]}


def test_year_label_and_bad_years():
    assert year_label(2099) == "2099/00"
    with pytest.raises(ValueError):
        grow(D(1), D(0), 0)
