"""Difference-in-differences and the plain-English summary, with hand-computed answers."""

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from evaluation.methods import (
    plain_summary,
    series_difference_in_differences,
    snapshot_difference_in_differences,
    two_by_two,
)
from evaluation.methods.summary import effect_with_interval


def test_two_by_two_equals_hand_difference():
    """(30 - 40) - (38 - 42) = -10 - (-4) = -6."""
    assert two_by_two(40, 30, 42, 38) == -6


def cells(ib, ia, cb, ca, people=1000):
    rows = [
        ("intervention", "before", people, ib),
        ("intervention", "after", people, ia),
        ("comparison", "before", people, cb),
        ("comparison", "after", people, ca),
    ]
    return pd.DataFrame(rows, columns=["group", "period", "people", "cases"])


def test_snapshot_did_hand_computed_table():
    """Prevalence 20%, 15% (intervention) and 20%, 19% (comparison) of 1,000 each:
    DiD = (15 - 20) - (19 - 20) = -4 points; SE = 100 sqrt((.2*.8*2 + .15*.85 + .19*.81)/1000)
    = 100 sqrt((0.32 + 0.1275 + 0.1539) / 1000) = 100 sqrt(0.0006014) = 2.4523 points."""
    estimate = snapshot_difference_in_differences(cells(200, 150, 200, 190))
    assert estimate.effect == pytest.approx(-4.0)
    assert estimate.standard_error == pytest.approx(100 * math.sqrt(0.0006014), rel=1e-9)
    assert estimate.lower == pytest.approx(-4.0 - 1.959964 * 2.452346, abs=1e-4)
    assert estimate.details["prevalence_per_100"]["comparison_after"] == pytest.approx(19.0)


def test_snapshot_did_reports_a_missing_cell():
    with pytest.raises(ValueError, match="no people in the comparison areas after"):
        snapshot_difference_in_differences(cells(1, 2, 3, 4).iloc[:3])


def series_frame(effect: float, noise: float = 0.0, seed: int = 0):
    dates = pd.date_range("2023-04-30", periods=24, freq="ME")
    rng = np.random.default_rng(seed)
    comparison = 50 + np.arange(24) * 0.5 + rng.normal(0, noise, 24)
    post = dates >= "2024-04-01"
    intervention = comparison + 10 + np.where(post, effect, 0) + rng.normal(0, noise, 24)
    return pd.DataFrame({"date": dates, "intervention": intervention, "comparison": comparison})


def test_series_did_equals_difference_of_mean_gaps():
    estimate = series_difference_in_differences(series_frame(-5.0), "2024-04-01")
    assert estimate.effect == pytest.approx(-5.0)
    assert estimate.details["pre_gap"] == pytest.approx(10.0)
    fitted = estimate.fitted
    assert fitted["counterfactual"].iloc[-1] == pytest.approx(fitted["comparison"].iloc[-1] + 10)


def test_series_did_point_estimate_agrees_with_statsmodels():
    frame = series_frame(-5.0, noise=2.0, seed=4)
    gap = frame["intervention"] - frame["comparison"]
    post = (frame["date"] >= "2024-04-01").astype(float)
    reference = sm.OLS(gap.to_numpy(), sm.add_constant(post.to_numpy())).fit()
    estimate = series_difference_in_differences(frame, "2024-04-01")
    assert estimate.effect == pytest.approx(reference.params[1])
    assert estimate.lower <= -5 <= estimate.upper


def test_summary_of_a_null_result_says_consistent_with_no_change():
    estimate = snapshot_difference_in_differences(cells(200, 198, 200, 199))
    text = plain_summary(estimate, unit="percentage points", polarity="lower")
    assert "consistent with no change" in text
    assert "fall" not in text and "improve" not in text
    assert "cannot rule out" in text


def test_summary_of_a_clear_fall_names_size_interval_and_caveat():
    estimate = series_difference_in_differences(series_frame(-12.0, 1.0, 2), "2024-04-01")
    text = plain_summary(
        estimate,
        unit="admissions per 100,000",
        intervention_date=date(2024, 4, 1),
        polarity="lower",
    )
    assert text.startswith("An estimated fall of 1")
    assert "after April 2024" in text and "95% CI \u2212" in text
    assert "better direction" in text and "cannot rule out" in text
    assert effect_with_interval(estimate).startswith("\u221211.9 (\u221212.9 to")


def test_decimal_places_follow_the_standard_error():
    from evaluation.methods.summary import decimal_places

    assert [decimal_places(se) for se in (130, 2.5, 0.4, 0.02, 0.0001)] == [1, 1, 2, 3, 3]
