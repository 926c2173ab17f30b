"""The XmR chart of one indicator: segments, limits, special causes and icons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from commissioning.spc.icons import (
    ASSURANCE_LABELS,
    VARIATION_LABELS,
    assurance_icon,
    check_improvement,
    classify,
    side_name,
    variation_icon,
)
from commissioning.spc.limits import ProcessLimits, process_limits
from commissioning.spc.rules import RUN_LENGTHS, SpecialCauses, special_causes


@dataclass(frozen=True)
class SPCResult:
    """An XmR chart: a row per point, a row per segment, and the last segment's summary.

    ``mean``, ``lcl``, ``ucl``, ``near_lower`` and ``near_upper`` are the last segment's;
    ``variation_icon`` is the last point's type and ``assurance_icon`` compares
    ``target`` with the last segment's limits (codes, with ``*_label`` for people)."""

    points: pd.DataFrame
    segments: pd.DataFrame
    improvement: str
    target: float | None
    variation_icon: str
    variation_label: str
    assurance_icon: str | None
    assurance_label: str | None
    mean: float
    lcl: float
    ucl: float
    near_lower: float
    near_upper: float


def xmr(
    values,
    *,
    dates=None,
    improvement: str = "higher",
    target: float | None = None,
    fix_after: int | None = None,
    rebase_at=(),
    screen_outliers: bool = True,
    run_length: int = 7,
    two_of_three_includes_beyond_limits: bool = True,
) -> SPCResult:
    """Make an XmR chart of ``values`` (in time order) by NHS England's Making Data Count.

    ``dates`` (optional) label the points and must be strictly increasing.
    ``improvement`` is 'higher', 'lower' or 'neutral'; ``target`` (None or NaN for
    none) feeds the assurance icon. ``fix_after=N`` sets each segment's mean and limits
    from its first N points and extends them. ``rebase_at`` lists recorded changes, each
    a position (int: the first point of the new segment) or a date (the new segment
    starts at the first point on or after it; a date after the last point starts
    nothing yet); each segment has its own limits and rules, and runs do not cross
    segments. ``screen_outliers`` screens large moving ranges once; ``run_length`` (6
    or 7) is the length of a trend and a shift; ``two_of_three_includes_beyond_limits``
    chooses NHS England's post-November-2023 reading of the 2-of-3 rule (True) or
    NHSRplotthedots 0.2.2's (False).

    Points columns: date, value, segment, in_baseline (bool: the point set the limits),
    mean, moving_range (NaN at a segment's first point), screened (bool: the moving
    range was left out of the limits), lcl, ucl, near_lower, near_upper, special_cause
    (bool), rule ('outside_limits', 'trend', 'two_of_three', 'shift' or None: the first
    that applies in that order), variation ('common', 'improvement', 'concern',
    'neither') and side ('high'/'low' for a special cause, else None).
    Segments columns: segment, start, stop (positions, stop exclusive), start_date,
    points, baseline_points, mean, mean_moving_range, screened_moving_ranges, lcl, ucl,
    near_lower, near_upper.

    Raises ValueError for an unknown direction, a run length other than 6 or 7, missing
    or non-numeric values, a segment of fewer than 2 points, or a ``fix_after`` below 2
    or above a segment's length."""
    improvement = check_improvement(improvement)
    if run_length not in RUN_LENGTHS:
        raise ValueError(f"run_length must be 6 or 7, not {run_length!r}")
    values = _as_values(values)
    dates = _as_dates(dates, len(values))
    target = _as_target(target)
    fix_after = _as_fix_after(fix_after)
    starts = _segment_starts(rebase_at, len(values), dates)
    point_frames, segment_rows = [], []
    for number, (start, stop) in enumerate(zip(starts, [*starts[1:], len(values)], strict=True)):
        segment = values[start:stop]
        _check_segment(number, start, stop, fix_after)
        limits = process_limits(segment, screen_outliers=screen_outliers, fix_after=fix_after)
        causes = special_causes(
            segment,
            limits,
            run_length=run_length,
            two_of_three_includes_beyond_limits=two_of_three_includes_beyond_limits,
        )
        segment_dates = None if dates is None else dates[start:stop]
        point_frames.append(
            _segment_points(segment, segment_dates, number, limits, causes, improvement)
        )
        segment_rows.append(_segment_row(number, start, stop, segment_dates, limits))
    return _result(point_frames, segment_rows, improvement, target)


def _as_values(values) -> np.ndarray:
    try:
        array = np.asarray(pd.Series(values, dtype="float64").to_numpy(), dtype="float64")
    except (TypeError, ValueError) as error:
        raise ValueError(f"values must be numbers: {error}") from error
    if np.isnan(array).any() or np.isinf(array).any():
        positions = np.flatnonzero(~np.isfinite(array)).tolist()
        raise ValueError(f"values must not be missing (NaN) or infinite: positions {positions}")
    return array


def _as_dates(dates, n: int):
    if dates is None:
        return None
    try:
        stamps = pd.DatetimeIndex(pd.to_datetime(list(dates)))
    except (TypeError, ValueError) as error:
        raise ValueError(f"dates must be dates: {error}") from error
    if len(stamps) != n:
        raise ValueError(f"there are {len(stamps)} dates for {n} values")
    if stamps.hasnans or not stamps.is_monotonic_increasing or not stamps.is_unique:
        raise ValueError("dates must be present and strictly increasing")
    return stamps


def _as_target(target) -> float | None:
    if target is None or pd.isna(target):
        return None
    return float(target)


def _as_fix_after(fix_after) -> int | None:
    if fix_after is None:
        return None
    if isinstance(fix_after, bool) or not isinstance(fix_after, int | np.integer):
        raise ValueError(f"fix_after must be a whole number of points, not {fix_after!r}")
    if fix_after < 2:
        raise ValueError(f"fix_after must be at least 2 points, not {fix_after}")
    return int(fix_after)


def _segment_starts(rebase_at, n: int, dates) -> list[int]:
    """Sorted first positions of the segments, always including 0."""
    if n == 0:
        raise ValueError("an XmR chart needs at least 2 points; there are none")
    if isinstance(rebase_at, str | int | np.integer | date):  # one change, not a list
        rebase_at = [rebase_at]
    starts = {0}
    for change in rebase_at or ():
        if isinstance(change, int | np.integer) and not isinstance(change, bool):
            if not 0 <= change < n:
                raise ValueError(f"rebase position {change} is outside the series (0 to {n - 1})")
            starts.add(int(change))
            continue
        if dates is None:
            raise ValueError(f"rebasing at a date ({change!r}) needs the points' dates")
        try:
            later = np.flatnonzero(dates >= pd.Timestamp(change))
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"rebase_at {change!r} is not a position or a date: {error}"
            ) from error
        if len(later):  # a change after the last point has no data yet
            starts.add(int(later[0]))
    return sorted(starts)


def _check_segment(number: int, start: int, stop: int, fix_after: int | None) -> None:
    size = stop - start
    where = f"segment {number} (points {start} to {stop - 1})"
    if size < 2:
        raise ValueError(f"{where} has {size} point; each segment needs at least 2")
    if fix_after is not None and fix_after > size:
        raise ValueError(f"fix_after={fix_after} is more than the {size} points of {where}")


def _segment_points(values, dates, number, limits: ProcessLimits, causes: SpecialCauses, improve):
    n = len(values)
    moving_range = np.concatenate([[np.nan], np.abs(np.diff(values))])
    screened = np.zeros(n, dtype=bool)
    screened[1 : limits.baseline_points] = limits.screened
    return pd.DataFrame(
        {
            "date": pd.NaT if dates is None else dates,
            "value": values,
            "segment": number,
            "in_baseline": np.arange(n) < limits.baseline_points,
            "mean": limits.mean,
            "moving_range": moving_range,
            "screened": screened,
            "lcl": limits.lcl,
            "ucl": limits.ucl,
            "near_lower": limits.near_lower,
            "near_upper": limits.near_upper,
            "special_cause": causes.side != 0,
            "rule": pd.Series(causes.rule, dtype="object"),
            "variation": [classify(side, improve) for side in causes.side],
            "side": pd.Series([side_name(side) for side in causes.side], dtype="object"),
        }
    )


def _segment_row(number, start, stop, dates, limits: ProcessLimits) -> dict:
    return {
        "segment": number,
        "start": start,
        "stop": stop,
        "start_date": pd.NaT if dates is None else dates[0],
        "points": stop - start,
        "baseline_points": limits.baseline_points,
        "mean": limits.mean,
        "mean_moving_range": limits.mean_moving_range,
        "screened_moving_ranges": int(limits.screened.sum()),
        "lcl": limits.lcl,
        "ucl": limits.ucl,
        "near_lower": limits.near_lower,
        "near_upper": limits.near_upper,
    }


def _result(point_frames, segment_rows, improvement: str, target) -> SPCResult:
    points = pd.concat(point_frames, ignore_index=True)
    last_point, last_segment = points.iloc[-1], segment_rows[-1]
    icon = variation_icon(last_point["variation"], last_point["side"])
    assurance = assurance_icon(target, last_segment["lcl"], last_segment["ucl"], improvement)
    return SPCResult(
        points=points,
        segments=pd.DataFrame(segment_rows),
        improvement=improvement,
        target=target,
        variation_icon=icon,
        variation_label=VARIATION_LABELS[icon],
        assurance_icon=assurance,
        assurance_label=ASSURANCE_LABELS.get(assurance),
        mean=last_segment["mean"],
        lcl=last_segment["lcl"],
        ucl=last_segment["ucl"],
        near_lower=last_segment["near_lower"],
        near_upper=last_segment["near_upper"],
    )
