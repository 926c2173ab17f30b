"""Resource-shift arithmetic against hand-worked examples (no database)."""

from decimal import Decimal as D

import pytest

from payor.scenarios import analysis
from payor.scenarios.impact import provider_impact


def inputs(**overrides):
    values = {
        "base_spend": {"acute": D("300000000"), "community": D("80000000"), "prevention": D("0")},
        "emergency_spend": D("100000000"),
        "emergency_admissions": 40000,
        "shift_share": D("0.05"),
        "years": 3,
        "community_share": D("0.8"),
        "double_running_share": D("0.6"),
        "double_running_years": 2,
        "effect_mean": 0.5,
        "effect_sd": 0.1,
        "draws": 2000,
        "seed": 7,
    }
    values.update(overrides)
    return analysis.ShiftInputs(**values)


def test_moved_money_linear_over_three_years_matches_hand_working():
    # £100m × 5% = £5m, reached in thirds: 1/3, 2/3, 3/3.
    assert analysis.moved_by_year(inputs()) == [D("1666666.67"), D("3333333.33"), D("5000000.00")]


def test_double_running_is_sixty_percent_of_moved_money_in_first_two_years():
    # 1,666,666.67 × 0.6 = 1,000,000.002 → £1,000,000.00; 3,333,333.33 × 0.6 → £2,000,000.00.
    data = inputs()
    moved = analysis.moved_by_year(data)
    assert analysis.double_running_by_year(data, moved) == [
        D("1000000.00"),
        D("2000000.00"),
        D("0.00"),
    ]


def test_spend_by_setting_moves_money_to_community_and_prevention():
    years = analysis.scenario_years(inputs())
    year1 = years[0]["spend"]
    # Acute: 300m − 1,666,666.67 + 1,000,000.00 double running.
    assert year1["acute"] == D("299333333.33")
    # Community gets 80%: 1,333,333.34; prevention the remaining 333,333.33.
    assert year1["community"] == D("81333333.34")
    assert year1["prevention"] == D("333333.33")
    assert years[0]["total"] == D("381000000.00")  # base 380m + 1m double running
    year3 = years[2]["spend"]
    assert year3["acute"] == D("295000000.00")
    assert year3["community"] + year3["prevention"] == D("85000000.00")


def test_central_net_cost_and_admissions_by_hand():
    # Year 1 at effect 0.5: 1,000,000 + 1,666,666.67 × 0.5 = £1,833,333.34 (half up).
    # Cost per admission 100m / 40,000 = £2,500; avoided 0.5 × 1,666,666.67 / 2,500 = 333.3.
    years = analysis.scenario_years(inputs())
    assert years[0]["net_cost"] == D("1833333.34")
    assert years[0]["admissions"] == pytest.approx(39666.7, abs=0.05)
    assert years[2]["net_cost"] == D("2500000.00")
    assert years[2]["admissions"] == pytest.approx(39000.0, abs=0.05)


def test_percentiles_are_ordered_and_reproducible_by_seed():
    first = analysis.scenario_years(inputs())
    again = analysis.scenario_years(inputs())
    other = analysis.scenario_years(inputs(seed=8))
    for row in first:
        p10, p50, p90 = row["net_cost_p"]
        assert p10 <= p50 <= p90
        a10, a50, a90 = row["admissions_p"]
        assert a10 <= a50 <= a90
    assert [r["net_cost_p"] for r in first] == [r["net_cost_p"] for r in again]
    assert [r["net_cost_p"] for r in first] != [r["net_cost_p"] for r in other]
    # The median sits near the central estimate.
    assert abs(first[2]["net_cost_p"][1] - first[2]["net_cost"]) < D("60000")


def test_no_uncertainty_collapses_the_band():
    row = analysis.scenario_years(inputs(effect_sd=0.0))[0]
    assert row["net_cost_p"] == [D("1833333.34")] * 3


def test_headroom_against_allocation():
    years = analysis.scenario_years(inputs(effect_sd=0.0, allocation=[D("382000000")] * 3))
    # 382m − 380m base − 1,833,333.34 (P50 = central when there is no spread).
    assert years[0]["headroom"] == D("166666.66")


@pytest.mark.parametrize(
    ("profile", "step_year", "expected"),
    [
        # 1 − (1 − 1/3)² = 5/9 → £2,777,777.78; 1 − (1/3)² = 8/9 → £4,444,444.44.
        ("front_loaded", None, [D("2777777.78"), D("4444444.44"), D("5000000.00")]),
        ("step", 2, [D("0.00"), D("5000000.00"), D("5000000.00")]),
    ],
)
def test_other_profiles(profile, step_year, expected):
    moved = analysis.moved_by_year(inputs(profile=profile, step_year=step_year))
    assert moved == expected


def test_check_names_wrong_fields():
    errors = analysis.check(
        inputs(emergency_spend=D("400000000"), allocation=[D("1")], profile="step")
    )
    assert set(errors) == {"emergency_spend", "allocation", "step_year"}


def test_provider_impact_shares_and_flags():
    # Two acute providers (£60m and £40m), one community (£50m), no VCSE.
    providers = [
        {"organisation_id": 1, "name": "A", "ods_code": "R1", "sector": "acute",
         "income": D("60000000")},
        {"organisation_id": 2, "name": "B", "ods_code": "R2", "sector": "acute",
         "income": D("40000000")},
        {"organisation_id": 3, "name": "C", "ods_code": "R3", "sector": "community",
         "income": D("50000000")},
    ]  # fmt: skip
    years = [
        {"moved": D("1000000.00"), "double_running": D("500000.00")},
        {"moved": D("3000000.00"), "double_running": D("0.00")},
    ]
    out = provider_impact(providers, years, D("0.8"), D("0.02"))
    lines = {line["organisation_id"]: line for line in out["providers"]}
    # Acute loses 0.5m in year 1 (1m moved, 0.5m double running), 3m in year 2, 60:40.
    assert lines[1]["changes"] == [D("-300000.00"), D("-1800000.00")]
    assert lines[2]["changes"] == [D("-200000.00"), D("-1200000.00")]
    assert lines[1]["shares"] == [D("-0.0050"), D("-0.0300")]
    assert lines[1]["flagged"] and lines[2]["flagged"]
    # Community gains 80%: 0.8m and 2.4m, 1.6% and 4.8% of £50m.
    assert lines[3]["changes"] == [D("800000.00"), D("2400000.00")]
    assert lines[3]["shares"] == [D("0.0160"), D("0.0480")]
    # Prevention money (20%) has no VCSE provider to go to.
    assert out["unplaced"] == [D("200000.00"), D("600000.00")]


def test_provider_below_threshold_is_not_flagged():
    providers = [
        {"organisation_id": 1, "name": "A", "ods_code": "R1", "sector": "acute",
         "income": D("100000000")},
    ]  # fmt: skip
    out = provider_impact(providers, [{"moved": D("1000000"), "double_running": D("0")}],
                          D("1"), D("0.02"))  # fmt: skip
    assert out["providers"][0]["shares"] == [D("-0.0100")]
    assert not out["providers"][0]["flagged"]
