"""Interrupted time series: segmented regression with autocorrelation-robust errors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.methods.estimate import Estimate, coefficient_estimate, newey_west_lag, ols_hac

FEWEST_EACH_SIDE = 3


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    if not {"date", "value"} <= set(frame.columns):
        raise ValueError("The series needs the columns date and value.")
    data = frame[["date", "value"]].dropna().copy()
    data["date"] = pd.to_datetime(data["date"])
    return data.sort_values("date").reset_index(drop=True)


def design_matrix(data: pd.DataFrame, post: np.ndarray, seasonality: bool) -> np.ndarray:
    """Columns: constant, time (0, 1, ...), level change (post), slope change (time since
    the intervention, 0 before) and, with seasonality, 11 month-of-year dummies."""
    n = len(data)
    time = np.arange(n, dtype=float)
    first_post = int(np.argmax(post)) if post.any() else n
    since = np.where(post, time - first_post, 0.0)
    columns = [np.ones(n), time, post.astype(float), since]
    if seasonality:
        months = data["date"].dt.month.to_numpy()
        columns += [(months == m).astype(float) for m in range(2, 13)]
    return np.column_stack(columns)


def interrupted_time_series(
    frame: pd.DataFrame,
    intervention_date,
    *,
    seasonality: bool = False,
    lag: int | None = None,
) -> Estimate:
    """Segmented regression of a series on time, a level change and a slope change at the
    intervention date, with Newey-West (HAC) standard errors.

    In: `frame` with columns date (period end or start; one row per period, equally
    spaced) and value. Points on or after `intervention_date` are "post". `lag` defaults
    to the Newey-West rule floor(4 (n/100)^(2/9)). With `seasonality`, month-of-year
    dummies are added (monthly data only).

    Out: an Estimate of the level change (the step at the intervention date), with the
    slope change in details, and `fitted` with columns date, value, fitted,
    counterfactual (the pre-intervention line carried on)."""
    data = _clean(frame)
    post = (data["date"] >= pd.Timestamp(intervention_date)).to_numpy()
    pre_points, post_points = int((~post).sum()), int(post.sum())
    if pre_points < FEWEST_EACH_SIDE or post_points < FEWEST_EACH_SIDE:
        raise ValueError(
            f"An interrupted time series needs at least {FEWEST_EACH_SIDE} points before and "
            f"after the intervention date; this series has {pre_points} before and "
            f"{post_points} after."
        )
    x = design_matrix(data, post, seasonality)
    y = data["value"].to_numpy(dtype=float)
    lag = newey_west_lag(len(y)) if lag is None else lag
    fit = ols_hac(y, x, lag)
    slope = coefficient_estimate("its", fit, 3, pre_points, post_points)
    estimate = coefficient_estimate(
        "its",
        fit,
        2,
        pre_points,
        post_points,
        lag=lag,
        lag_rule="Newey-West: floor(4 x (n/100)^(2/9))"
        if lag == newey_west_lag(len(y))
        else "given",
        seasonality=seasonality,
        baseline_level=float(fit.beta[0]),
        baseline_slope=float(fit.beta[1]),
        slope_change=slope.effect,
        slope_change_lower=slope.lower,
        slope_change_upper=slope.upper,
        slope_change_p_value=slope.p_value,
    )
    counterfactual_x = x.copy()
    counterfactual_x[:, 2:4] = 0.0
    data["fitted"] = x @ fit.beta
    data["counterfactual"] = counterfactual_x @ fit.beta
    estimate.fitted = data
    return estimate
