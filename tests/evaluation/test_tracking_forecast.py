"""Outcome tracking arithmetic, without the database: trajectory interpolation, the
linear forecast with its prediction interval, and the status rules."""

from datetime import date

import numpy as np
import pytest
import statsmodels.api as sm

from evaluation.tracking import forecast as fc


def test_expected_value_interpolates_by_day_between_year_ends():
    """Worked example of strategy/delivery/trajectory.py: baseline 1,000, target 850,
    linear, first year 2025 → 970 due 31 Mar 2026, 940 due 31 Mar 2027. Half-way between
    (30 Sep 2026 is 183 of 365 days on) expects 970 − 30 × 183/365."""
    values = [1000, 970, 940, 910, 880, 850]
    assert fc.expected_value(values, 2025, date(2026, 3, 31)) == pytest.approx(970)
    assert fc.expected_value(values, 2025, date(2026, 9, 30)) == pytest.approx(970 - 30 * 183 / 365)
    assert fc.expected_value(values, 2025, date(2024, 1, 1)) == 1000  # before: baseline
    assert fc.expected_value(values, 2025, date(2031, 1, 1)) == 850  # after: target


def test_perfectly_linear_series_forecasts_exactly():
    dates = [date(2024, 3, 31), date(2025, 3, 31), date(2026, 3, 31), date(2027, 3, 31)]
    values = [100 - 5 * fc.years_since(dates[0], d) for d in dates]
    found = fc.linear_forecast(dates, values, date(2030, 3, 31))
    assert found.value == pytest.approx(100 - 5 * fc.years_since(dates[0], date(2030, 3, 31)))
    assert found.lower == pytest.approx(found.value)
    assert found.upper == pytest.approx(found.value)
    assert found.slope_per_year == pytest.approx(-5)


def test_prediction_interval_by_hand_and_statsmodels():
    """Five points at x = 0..4 years, y = 2, 4, 5, 4, 5. By hand: slope 0.6, intercept
    2.8, residual SS 2.4, s = √0.8, Sxx = 10, t(0.975, 3) = 3.182446. At x₀ = 6:
    ŷ = 6.4, half-width 3.182446 × √0.8 × √(1 + 1/5 + 16/10) = 4.7630 (dates are whole
    days, so x is within a day of whole years: the hand figures agree to 0.01; statsmodels'
    OLS prediction interval on the same x agrees exactly)."""
    start = date(2020, 1, 1)
    dates = [date.fromordinal(start.toordinal() + round(k * fc.DAYS_PER_YEAR)) for k in range(5)]
    y = [2.0, 4.0, 5.0, 4.0, 5.0]
    at = date.fromordinal(start.toordinal() + round(6 * fc.DAYS_PER_YEAR))
    found = fc.linear_forecast(dates, y, at)
    assert found.value == pytest.approx(6.4, abs=0.01)
    assert found.upper - found.value == pytest.approx(4.7630, abs=0.01)
    x = np.array([fc.years_since(start, d) for d in dates])
    model = sm.OLS(np.array(y), sm.add_constant(x)).fit()
    frame = model.get_prediction(np.array([[1.0, fc.years_since(start, at)]])).summary_frame(
        alpha=0.05
    )
    assert found.lower == pytest.approx(frame["obs_ci_lower"].iloc[0])
    assert found.upper == pytest.approx(frame["obs_ci_upper"].iloc[0])


def test_forecast_needs_three_points():
    assert (
        fc.linear_forecast([date(2024, 1, 1), date(2025, 1, 1)], [1, 2], date(2030, 1, 1)) is None
    )


@pytest.mark.parametrize(
    ("direction", "latest", "expected", "target", "status"),
    [
        ("lower", None, 900, 850, "no_data"),
        ("lower", 840, 900, 850, "target_met"),
        ("lower", 890, 900, 850, "on_track"),
        ("lower", 910, 900, 850, "off_track"),
        ("higher", 60, 55, 70, "on_track"),
        ("higher", 50, 55, 70, "off_track"),
        ("higher", 70, 55, 70, "target_met"),
    ],
)
def test_status_rules(direction, latest, expected, target, status):
    assert fc.outcome_status(direction, latest, expected, target) == status


def test_will_meet_true_false_or_none_when_straddling():
    meet = fc.Forecast(800, 780, 820, -10, 10)
    miss = fc.Forecast(900, 880, 920, -10, 10)
    straddle = fc.Forecast(850, 800, 900, -10, 10)
    assert fc.will_meet("lower", meet, 850) is True
    assert fc.will_meet("lower", miss, 850) is False
    assert fc.will_meet("lower", straddle, 850) is None
    assert fc.will_meet("higher", miss, 850) is True
    assert fc.will_meet("lower", None, 850) is None


def test_neutral_indicator_takes_its_direction_from_the_target():
    assert fc.improvement_direction("neutral", 10, 8) == "lower"
    assert fc.improvement_direction("neutral", 10, 12) == "higher"
    assert fc.improvement_direction("higher", 10, 8) == "higher"
