"""Outcome tracking arithmetic: where the outcome should be now, where it is heading, and
what that says about the year-5 target. Pure Python and numpy: no ORM.

- `plan_year_ends`: the trajectory's yearly values sit at the end of each plan year, that
  is 31 March of the financial year's second calendar year; plan year 0 (the baseline)
  at 31 March before the first financial year.
- `expected_value`: the trajectory at any date, interpolated linearly by day between
  those year ends (the baseline before the plan starts, the target after it ends).
- `linear_forecast`: an ordinary least-squares line through the series (value against
  time in years) extended to the year-5 date, with a 95% prediction interval for a single
  new observation there: ŷ ± t(0.975, n − 2) · s · √(1 + 1/n + (x₀ − x̄)² / Sxx), where s
  is the residual standard error. It needs 3 points or more.
- `outcome_status` and `will_meet`: the status rules (see each docstring).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import stats

NO_DATA, ON_TRACK, OFF_TRACK, TARGET_MET = "no_data", "on_track", "off_track", "target_met"
STATUS_LABELS = {
    NO_DATA: "No data yet",
    ON_TRACK: "On track",
    OFF_TRACK: "Off track",
    TARGET_MET: "Target met",
}
DAYS_PER_YEAR = 365.25
FEWEST_FOR_FORECAST = 3


def plan_year_ends(first_year: int, horizon: int) -> list[date]:
    """The dates of plan years 0..horizon: 31 March before the first financial year
    (the baseline), then the end of each financial year (2026 → 31 March 2027)."""
    return [date(first_year + k, 3, 31) for k in range(horizon + 1)]


def expected_value(values: list[float], first_year: int, on: date) -> float:
    """The trajectory value on date `on`, from the yearly values of plan years 0..H
    (`values`, as strategy.delivery.trajectory.trajectory's value column), interpolated
    linearly by day; the baseline before the plan, the target after its end."""
    ends = plan_year_ends(first_year, len(values) - 1)
    days = [end.toordinal() for end in ends]
    return float(np.interp(on.toordinal(), days, values))


@dataclass(frozen=True)
class Forecast:
    value: float
    lower: float
    upper: float
    slope_per_year: float
    points: int


def years_since(start: date, on: date) -> float:
    return (on.toordinal() - start.toordinal()) / DAYS_PER_YEAR


def linear_forecast(
    dates: list[date], values: list[float], at: date, level: float = 0.95
) -> Forecast | None:
    """A straight-line forecast of the value on `at`, with its prediction interval
    (see the module docstring); None with fewer than 3 points or all on one date."""
    if len(values) < FEWEST_FOR_FORECAST:
        return None
    x = np.array([years_since(dates[0], d) for d in dates], dtype=float)
    y = np.array(values, dtype=float)
    n = len(y)
    x_mean = x.mean()
    sxx = float(((x - x_mean) ** 2).sum())
    if sxx == 0:
        return None
    slope = float(((x - x_mean) * (y - y.mean())).sum() / sxx)
    intercept = float(y.mean() - slope * x_mean)
    residuals = y - (intercept + slope * x)
    s = math.sqrt(float((residuals**2).sum()) / (n - 2))
    x0 = years_since(dates[0], at)
    fitted = intercept + slope * x0
    t = float(stats.t.ppf(0.5 + level / 2, n - 2))
    half = t * s * math.sqrt(1 + 1 / n + (x0 - x_mean) ** 2 / sxx)
    return Forecast(fitted, fitted - half, fitted + half, slope, n)


def better(direction: str, value: float, than: float) -> bool:
    """Whether `value` is at least as good as `than` in the improvement direction."""
    return value <= than if direction == "lower" else value >= than


def improvement_direction(polarity: str, baseline: float | None, target: float) -> str:
    """ "higher" or "lower": the indicator's polarity, or for a neutral indicator the way
    the target lies from the baseline (an outcome always has a direction)."""
    if polarity in ("higher", "lower"):
        return polarity
    if baseline is not None and target < baseline:
        return "lower"
    return "higher"


def outcome_status(
    direction: str, latest: float | None, expected: float | None, target: float
) -> str:
    """The status of an outcome.

    - no_data: no measured value yet;
    - target_met: the latest value is at or beyond the year-5 target (in the improvement
      direction);
    - on_track: the latest value is at least as good as the trajectory's expected value
      at its period;
    - off_track: otherwise (worse than expected)."""
    if latest is None:
        return NO_DATA
    if better(direction, latest, target):
        return TARGET_MET
    if expected is None or better(direction, latest, expected):
        return ON_TRACK
    return OFF_TRACK


def will_meet(direction: str, forecast: Forecast | None, target: float) -> bool | None:
    """True when the whole forecast interval is at or beyond the target, False when the
    whole interval falls short, None when it straddles the target (or no forecast)."""
    if forecast is None:
        return None
    if better(direction, forecast.lower, target) and better(direction, forecast.upper, target):
        return True
    if not better(direction, forecast.lower, target) and not better(
        direction, forecast.upper, target
    ):
        return False
    return None
