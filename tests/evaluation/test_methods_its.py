"""Interrupted time series with known answers (no database).

Worked examples: a synthetic series with a planted step, recovered within its interval;
coverage over many seeds; point estimates and Newey-West covariance against statsmodels
(OLS with cov_type="HAC", Bartlett kernel, no correction: statsmodels 0.15 documentation
of RegressionResults.get_robustcov_results)."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from evaluation.methods import interrupted_time_series, minimum_detectable_effect, newey_west_lag
from evaluation.methods.estimate import ols_hac
from evaluation.methods.its import design_matrix

DATES = pd.date_range("2023-04-30", periods=36, freq="ME")
START = "2025-04-01"  # 24 points before, 12 after


def planted(seed: int, step: float = -12.0, noise: float = 3.0, rho: float = 0.0):
    rng = np.random.default_rng(seed)
    errors = np.zeros(len(DATES))
    for i, shock in enumerate(rng.normal(0, noise, len(DATES))):
        errors[i] = (rho * errors[i - 1] if i else 0.0) + shock
    trend = 100 + 0.2 * np.arange(len(DATES))
    return pd.DataFrame(
        {"date": DATES, "value": trend + np.where(DATES >= START, step, 0.0) + errors}
    )


def test_its_recovers_planted_level_change_within_interval():
    estimate = interrupted_time_series(planted(seed=7), START)
    assert estimate.lower <= -12 <= estimate.upper
    assert estimate.upper < 0
    assert (estimate.pre_points, estimate.post_points) == (24, 12)
    assert estimate.details["lag"] == 3  # floor(4 x 0.36^(2/9)) = floor(3.18)


def test_its_exact_series_recovers_step_and_slope_exactly():
    frame = planted(seed=1, noise=0.0)
    frame["value"] += np.where(DATES >= START, 0.5 * (np.arange(36) - 24), 0.0)
    estimate = interrupted_time_series(frame, START)
    assert estimate.effect == pytest.approx(-12.0)
    assert estimate.details["slope_change"] == pytest.approx(0.5)
    last = estimate.fitted.iloc[-1]
    assert last["counterfactual"] == pytest.approx(100 + 0.2 * 35)


def test_its_interval_coverage_is_roughly_95_percent_over_many_seeds():
    covered = [
        interrupted_time_series(planted(seed), START).lower
        <= -12
        <= interrupted_time_series(planted(seed), START).upper
        for seed in range(200)
    ]
    assert 0.90 <= np.mean(covered) <= 0.99


def test_its_point_estimates_and_hac_agree_with_statsmodels():
    frame = planted(seed=3, rho=0.4)
    post = (frame["date"] >= START).to_numpy()
    x = design_matrix(frame, post, seasonality=False)
    y = frame["value"].to_numpy()
    reference = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": 3, "use_correction": False})
    fit = ols_hac(y, x, lag=3)
    np.testing.assert_allclose(fit.beta, reference.params, rtol=1e-10)
    np.testing.assert_allclose(fit.cov_hac, reference.cov_params(), rtol=1e-8)
    estimate = interrupted_time_series(frame, START)
    assert estimate.effect == pytest.approx(reference.params[2])


def test_its_with_seasonality_removes_a_planted_seasonal_pattern():
    frame = planted(seed=5, noise=1.0)
    frame["value"] += 10 * np.sin(2 * np.pi * frame["date"].dt.month / 12)
    estimate = interrupted_time_series(frame, START, seasonality=True)
    assert estimate.lower <= -12 <= estimate.upper
    assert estimate.details["seasonality"] is True


def test_its_refuses_too_few_points_after_the_start():
    with pytest.raises(ValueError, match="at least 3 points before and after"):
        interrupted_time_series(planted(seed=1), "2026-03-01")


def test_newey_west_lag_rule_values():
    assert [newey_west_lag(n) for n in (12, 36, 100)] == [2, 3, 4]


def test_mde_hand_calculation():
    """MDE = (z_0.975 + z_0.80) x SE = (1.959964 + 0.841621) x 2.5 = 7.00396."""
    assert minimum_detectable_effect(2.5) == pytest.approx(7.00396, abs=1e-5)
    estimate = interrupted_time_series(planted(seed=7), START)
    assert estimate.mde == pytest.approx(2.801585 * estimate.standard_error, rel=1e-6)
