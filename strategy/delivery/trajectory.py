"""The yearly trajectory of an outcome from its frozen baseline to its year-5 target.

Pure arithmetic: no ORM. A trajectory says where the outcome should be at the end of each
plan year if the plan is on course. With baseline B, target T and horizon H (5 years),
the value at the end of plan year t (1..H) is

    value(t) = B + share(t) × (T − B)

where share(t) is the cumulative share of the whole change made by the end of year t,
set by the time profile:

- linear:        share(t) = t / H                 → 0.20, 0.40, 0.60, 0.80, 1.00
- front-loaded:  share(t) = 1 − (1 − t / H)²      → 0.36, 0.64, 0.84, 0.96, 1.00
  (most of the change early, e.g. a service that works quickly and then saturates;
  each year's step is smaller than the year before's: 0.36, 0.28, 0.20, 0.12, 0.04)
- back-loaded:   share(t) = (t / H)²              → 0.04, 0.16, 0.36, 0.64, 1.00
  (the mirror image: share_back(t) = 1 − share_front(H − t); slow at first, e.g.
  prevention whose effect builds; steps 0.04, 0.12, 0.20, 0.28, 0.36)
- step:          share(t) = 0 for t < k, 1 for t ≥ k, where k is the step year (1..H)
  (the whole change lands in one year, e.g. when a new service opens).

Worked example, baseline 1,000 and target 850 (a change of −150) over five years:
linear 970, 940, 910, 880, 850; front-loaded 946, 904, 874, 856, 850; back-loaded 994,
976, 946, 904, 850; step at year 3: 1,000, 1,000, 850, 850, 850.

The same formulas serve any horizon; every profile reaches the target exactly in the
last year. Plan year 0 is the baseline itself (the year before the plan starts).
"""

from __future__ import annotations

import math

import pandas as pd

from commissioning import financial_years

LINEAR = "linear"
FRONT_LOADED = "front_loaded"
BACK_LOADED = "back_loaded"
STEP = "step"
PROFILES = (LINEAR, FRONT_LOADED, BACK_LOADED, STEP)

COLUMNS = ["plan_year", "financial_year", "share", "value"]


def cumulative_shares(profile: str, horizon: int = 5, step_year: int | None = None) -> list[float]:
    """The cumulative share of the change made by the end of plan years 1..`horizon`,
    for a time profile (see the module docstring). A step profile needs `step_year`
    between 1 and `horizon`. Raises ValueError for anything else."""
    if horizon < 1:
        raise ValueError("The plan needs at least one year.")
    years = range(1, horizon + 1)
    if profile == LINEAR:
        return [t / horizon for t in years]
    if profile == FRONT_LOADED:
        return [1 - (1 - t / horizon) ** 2 for t in years]
    if profile == BACK_LOADED:
        return [(t / horizon) ** 2 for t in years]
    if profile == STEP:
        if step_year is None or not 1 <= step_year <= horizon:
            raise ValueError(f"A step profile needs a step year from 1 to {horizon}.")
        return [1.0 if t >= step_year else 0.0 for t in years]
    raise ValueError(f"Unknown time profile {profile!r}: use one of {', '.join(PROFILES)}.")


def trajectory(
    baseline: float,
    target: float,
    profile: str,
    *,
    horizon: int = 5,
    step_year: int | None = None,
    first_year: int | None = None,
) -> pd.DataFrame:
    """The outcome's expected value at the end of each plan year.

    In: the frozen baseline value, the year-`horizon` target, the time profile (and its
    step year), and optionally the plan's first financial year (2026 for 2026/27).
    Out: one row per plan year 0..horizon with columns plan_year (0 is the baseline),
    financial_year (the year the financial year starts in, or None when `first_year` is
    not given; plan year 0 is the year before the first), share (cumulative share of
    the change, 0 at the baseline) and value."""
    for name, number in (("baseline", baseline), ("target", target)):
        if number is None or not math.isfinite(number):
            raise ValueError(f"The {name} must be a number.")
    shares = [0.0, *cumulative_shares(profile, horizon, step_year)]
    change = target - baseline
    rows = []
    for plan_year, share in enumerate(shares):
        value = target if share == 1.0 else baseline + share * change
        year = first_year + plan_year - 1 if first_year is not None else None
        rows.append((plan_year, year, share, value))
    return pd.DataFrame(rows, columns=COLUMNS)


def financial_year_label(year: int | None) -> str:
    """2026 → "2026/27"; None → ""."""
    if year is None:
        return ""
    return financial_years.label(year)
