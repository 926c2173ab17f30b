"""Does the plan add up to the target? The expected change in an outcome from its
interventions, year by year, against the trajectory.

Pure arithmetic: no ORM. For an outcome with baseline B (a rate, a prevalence or a cost
per head) in a population of N people, intervention i reaches a cohort of n_i people,
changes the outcome among them by the relative effect e_i (−0.15 is 15% less) and starts
in plan year s_i. Its weight is the cohort's share of the outcome,

    w_i = min(1, n_i / N × r_i)

where r_i is the cohort's rate relative to the whole population's (1 when not known, so
w_i is the share of people reached; with r_i, w_i is the cohort's share of the events).
On its own, once started, it changes the outcome by

    c_i = w_i × B × e_i        (the "standalone" contribution shown for each intervention)

Assumptions, chosen so that a commissioner can check every figure by hand:

- the effect counts in full from the start year onwards (no ramp-up, no decay);
- the cohort's rate is the population's rate times r_i (1 unless the profile gives the
  cohort's own rate), and the effect among the people reached is as the evidence says;
- interventions combine multiplicatively, as if each reached people independently of the
  others: in year t the expected value is

      V_t = B × Π over started interventions (1 + w_i × e_i)

  which is exactly the expected rate when reach is independent. We chose this over the
  plain sum B + Σ c_i because the sum counts twice the people reached by two
  interventions (the second acts on what the first left) and can promise a rate below
  zero; for small effects the two agree to first order (e.g. −50 and −100 on 1,000
  combine to −145, not −150), and the difference is reported as `overlap`.

The comparison with the trajectory, for each plan year t with trajectory value T_t:
required change T_t − B, expected change V_t − B, and the shortfall

    shortfall_t = sign(T_t − B) × (T_t − V_t)

in the outcome's unit: positive when the plan falls short of the trajectory in the
direction of travel, zero or negative when it reaches or passes it. `shortfall_share` is
the shortfall as a share of the required change. The plan adds up when the final year's
shortfall is not positive.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

TOLERANCE = 1e-9
INTERVENTION_COLUMNS = ["cohort_size", "expected_effect", "start_year"]
CHECK_COLUMNS = [
    "plan_year",
    "financial_year",
    "trajectory",
    "expected",
    "required_change",
    "expected_change",
    "standalone_change",
    "overlap",
    "shortfall",
    "shortfall_share",
    "on_track",
]


def contributions(baseline: float, population: float, interventions: pd.DataFrame) -> pd.DataFrame:
    """Each intervention's weight and standalone contribution.

    In: `interventions` with columns cohort_size (people reached), expected_effect
    (relative change, −1 to 1), start_year (plan year, 1 = first) and optionally
    rate_ratio (the cohort's rate relative to the population's; missing or NaN = 1).
    Out: the same rows with columns weight (w_i), factor (1 + w_i × e_i) and
    contribution (c_i, in the outcome's unit) added."""
    if not population or population <= 0:
        raise ValueError("The outcome's population must be a positive number of people.")
    out = interventions.copy()
    ratio = (
        out["rate_ratio"].astype(float).fillna(1.0)
        if "rate_ratio" in out.columns
        else pd.Series(1.0, index=out.index)
    )
    coverage = out["cohort_size"].astype(float) / float(population)
    out["weight"] = np.minimum(1.0, coverage * ratio)
    out["factor"] = 1.0 + out["weight"] * out["expected_effect"].astype(float)
    out["contribution"] = out["weight"] * baseline * out["expected_effect"].astype(float)
    return out


def plan_check(
    trajectory: pd.DataFrame,
    baseline: float,
    population: float,
    interventions: pd.DataFrame,
) -> pd.DataFrame:
    """The expected value of the outcome in each plan year against its trajectory.

    In: `trajectory` from trajectory.trajectory (plan_year 0..H, financial_year, value);
    the baseline and population; `interventions` as for `contributions` (may be empty).
    Out: one row per plan year 1..H with CHECK_COLUMNS: trajectory (T_t), expected (V_t),
    required_change (T_t − B), expected_change (V_t − B), standalone_change (Σ c_i of the
    started interventions), overlap (expected_change − standalone_change), shortfall,
    shortfall_share (NaN when no change is required) and on_track (shortfall ≤ 0)."""
    weighted = contributions(baseline, population, _with_columns(interventions))
    rows = []
    for year in trajectory[trajectory["plan_year"] >= 1].itertuples(index=False):
        started = weighted[weighted["start_year"].astype(int) <= year.plan_year]
        expected = baseline * float(np.prod(started["factor"])) if len(started) else baseline
        required = year.value - baseline
        direction = 0.0 if abs(required) <= TOLERANCE else math.copysign(1.0, required)
        shortfall = direction * (year.value - expected)
        standalone = float(started["contribution"].sum())
        rows.append(
            {
                "plan_year": int(year.plan_year),
                "financial_year": year.financial_year,
                "trajectory": float(year.value),
                "expected": expected,
                "required_change": required,
                "expected_change": expected - baseline,
                "standalone_change": standalone,
                "overlap": (expected - baseline) - standalone,
                "shortfall": shortfall,
                "shortfall_share": shortfall / abs(required) if direction else math.nan,
                "on_track": shortfall <= TOLERANCE * max(1.0, abs(baseline)),
            }
        )
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def _with_columns(interventions: pd.DataFrame | None) -> pd.DataFrame:
    if interventions is None or interventions.empty:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in INTERVENTION_COLUMNS})
    missing = [c for c in INTERVENTION_COLUMNS if c not in interventions.columns]
    if missing:
        raise ValueError(f"interventions need the columns {', '.join(missing)}")
    return interventions


def verdict(check: pd.DataFrame) -> dict:
    """The answer to "does the plan add up to the target?" from a `plan_check` frame.

    Out: a dict with adds_up (True when the final year's shortfall is not positive;
    None when there are no years), final (the final year's row as a dict), years_short
    (plan years whose shortfall is positive) and no_change_required (the target equals
    the baseline)."""
    if check.empty:
        return {"adds_up": None, "final": None, "years_short": [], "no_change_required": False}
    final = check.iloc[-1].to_dict()
    return {
        "adds_up": bool(final["on_track"]),
        "final": final,
        "years_short": [int(y) for y in check.loc[~check["on_track"], "plan_year"]],
        "no_change_required": abs(final["required_change"]) <= TOLERANCE,
    }
