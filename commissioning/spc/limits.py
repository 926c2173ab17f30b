"""XmR process limits for one segment of a series (DESIGN.md section 4).

The centre line is the mean; the process limits are the mean +/- 2.66 times the mean
moving range (3 sigma for an individuals chart) and the "near" lines are two thirds of
the way out (2 sigma). Moving ranges of at least 3.267 times the mean moving range are
screened out once, and the mean moving range recomputed without them, before the limits
are set; this is NHSRplotthedots' default, and NHS England's Excel tool does no
screening (``screen_outliers=False``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LIMIT_FACTOR = 2.66  # 3 / d2, d2 = 1.128 for moving ranges of two points
NEAR_FACTOR = LIMIT_FACTOR * 2 / 3  # 1.7733...: the 2-sigma lines, as NHSRplotthedots
SCREEN_FACTOR = 3.267  # D4 for n = 2: the upper limit of the moving-range chart


@dataclass(frozen=True)
class ProcessLimits:
    """The centre line and limits of one segment, and the moving ranges behind them."""

    mean: float
    mean_moving_range: float
    lcl: float
    ucl: float
    near_lower: float
    near_upper: float
    baseline_points: int
    screened: np.ndarray  # bool per moving range of the baseline: left out as an outlier


def moving_ranges(values) -> np.ndarray:
    """|x_i - x_(i-1)| for each point after the first (length n - 1)."""
    return np.abs(np.diff(np.asarray(values, dtype="float64")))


def screen_moving_ranges(ranges: np.ndarray) -> np.ndarray:
    """Which moving ranges are at least 3.267 times their mean (screened out once).

    When every range is zero (a constant series) nothing is screened: the limits then
    collapse onto the mean rather than becoming undefined."""
    ranges = np.asarray(ranges, dtype="float64")
    average = ranges.mean()
    if average == 0:
        return np.zeros(ranges.shape, dtype=bool)
    return ranges >= SCREEN_FACTOR * average


def process_limits(values, *, screen_outliers: bool = True, fix_after: int | None = None):
    """The mean and XmR limits of one segment's values.

    With ``fix_after=N`` only the first N values (and their N - 1 moving ranges) set the
    mean and limits, which then apply to the whole segment. Raises ValueError for fewer
    than two baseline points. Returns a ProcessLimits."""
    values = np.asarray(values, dtype="float64")
    baseline = values if fix_after is None else values[:fix_after]
    if len(baseline) < 2:
        raise ValueError("process limits need at least 2 points")
    ranges = moving_ranges(baseline)
    screened = screen_moving_ranges(ranges) if screen_outliers else np.zeros(len(ranges), bool)
    mean = float(baseline.mean())
    mean_moving_range = float(ranges[~screened].mean())
    return ProcessLimits(
        mean=mean,
        mean_moving_range=mean_moving_range,
        lcl=mean - LIMIT_FACTOR * mean_moving_range,
        ucl=mean + LIMIT_FACTOR * mean_moving_range,
        near_lower=mean - NEAR_FACTOR * mean_moving_range,
        near_upper=mean + NEAR_FACTOR * mean_moving_range,
        baseline_points=len(baseline),
        screened=screened,
    )
