"""Difference-in-differences: an intervention area against comparison areas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.methods.estimate import (
    Z_95,
    Estimate,
    coefficient_estimate,
    minimum_detectable_effect,
    newey_west_lag,
    ols_hac,
)

FEWEST_EACH_SIDE = 2
GROUPS = ("intervention", "comparison")
PERIODS = ("before", "after")


def two_by_two(
    intervention_before: float,
    intervention_after: float,
    comparison_before: float,
    comparison_after: float,
) -> float:
    """The difference-in-differences of a 2x2 table:
    (intervention after - intervention before) - (comparison after - comparison before)."""
    return (intervention_after - intervention_before) - (comparison_after - comparison_before)


def series_difference_in_differences(
    frame: pd.DataFrame, intervention_date, *, lag: int | None = None
) -> Estimate:
    """DiD of an intervention series against the mean of comparison series, by period.

    In: `frame` with columns date, intervention (the intervention area's value) and
    comparison (the mean of the comparison areas' values for the same period); periods
    missing either are dropped. The gap g_t = intervention - comparison is regressed on a
    constant and a post indicator (on or after `intervention_date`), with Newey-West
    errors (lag by the rule floor(4 (n/100)^(2/9)) unless given). The post coefficient
    is mean(post gap) - mean(pre gap): the DiD estimate.

    Out: an Estimate, with `fitted` columns date, value (intervention), comparison,
    fitted and counterfactual (comparison + the pre-period gap)."""
    if not {"date", "intervention", "comparison"} <= set(frame.columns):
        raise ValueError("The series needs the columns date, intervention and comparison.")
    data = frame[["date", "intervention", "comparison"]].dropna().copy()
    data["date"] = pd.to_datetime(data["date"])
    data = data.sort_values("date").reset_index(drop=True)
    post = (data["date"] >= pd.Timestamp(intervention_date)).to_numpy()
    pre_points, post_points = int((~post).sum()), int(post.sum())
    if pre_points < FEWEST_EACH_SIDE or post_points < FEWEST_EACH_SIDE:
        raise ValueError(
            f"Difference-in-differences needs at least {FEWEST_EACH_SIDE} periods with both "
            f"the intervention and comparison values before and after the intervention "
            f"date; there are {pre_points} before and {post_points} after."
        )
    gap = (data["intervention"] - data["comparison"]).to_numpy(dtype=float)
    x = np.column_stack([np.ones(len(gap)), post.astype(float)])
    lag = newey_west_lag(len(gap)) if lag is None else lag
    fit = ols_hac(gap, x, lag)
    estimate = coefficient_estimate(
        "did",
        fit,
        1,
        pre_points,
        post_points,
        lag=lag,
        pre_gap=float(fit.beta[0]),
        post_gap=float(fit.beta[0] + fit.beta[1]),
    )
    fitted = data.rename(columns={"intervention": "value"})
    fitted["counterfactual"] = fitted["comparison"] + fit.beta[0]
    fitted["fitted"] = fitted["counterfactual"] + np.where(post, fit.beta[1], 0.0)
    estimate.fitted = fitted
    return estimate


def snapshot_difference_in_differences(cells: pd.DataFrame) -> Estimate:
    """Two-period DiD of a prevalence (per 100 people) from two population snapshots.

    In: `cells` with columns group ("intervention" or "comparison"), period ("before" or
    "after"), people (count) and cases (people with the condition): one row per cell,
    already aggregated (person-level rows never leave the database). Prevalence
    p = cases / people. Effect = (p_ia - p_ib) - (p_ca - p_cb), in percentage points;
    its standard error treats the four cells as independent samples:
    SE = sqrt(sum of p (1 - p) / n), with a normal 95% interval.

    Out: an Estimate (no fitted series); details hold each cell's prevalence."""
    if not {"group", "period", "people", "cases"} <= set(cells.columns):
        raise ValueError("The cells need the columns group, period, people and cases.")
    table = cells.set_index(["group", "period"])
    prevalence, variance = {}, 0.0
    for group in GROUPS:
        for period in PERIODS:
            if (group, period) not in table.index:
                raise ValueError(f"There are no people in the {group} areas {period}.")
            people = float(table.loc[(group, period), "people"])
            cases = float(table.loc[(group, period), "cases"])
            if people <= 0 or not 0 <= cases <= people:
                raise ValueError(f"The {group} {period} cell has {cases:g} of {people:g} people.")
            p = cases / people
            prevalence[f"{group}_{period}"] = 100 * p
            variance += p * (1 - p) / people
    effect = two_by_two(*(prevalence[f"{g}_{p}"] for g in GROUPS for p in PERIODS))
    se = 100 * math.sqrt(variance)
    p_value = float(2 * stats.norm.sf(abs(effect / se))) if se > 0 else 0.0
    return Estimate(
        method="did_snapshots",
        effect=effect,
        standard_error=se,
        lower=effect - Z_95 * se,
        upper=effect + Z_95 * se,
        p_value=p_value,
        mde=minimum_detectable_effect(se),
        pre_points=1,
        post_points=1,
        details={"prevalence_per_100": prevalence, "unit": "percentage points"},
    )
