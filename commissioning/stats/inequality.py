"""Slope and relative index of inequality across deprivation quantiles (as phe_sii).

Quantiles are numbered 1 (most deprived) to n (least deprived), as for IMD deciles. Each
quantile is placed at the midpoint of its share of the cumulative population, so x runs
from 0 (most deprived end) to 1 (least deprived end), and a straight line is fitted to
the quantile values by least squares weighted by population share. Following
PHEindicatormethods' sign convention:

- SII = fitted value at x = 1 minus fitted value at x = 0, i.e. least deprived minus most
  deprived. It is positive when the indicator rises with affluence (life expectancy) and
  negative when it falls (mortality rates);
- RII = fitted value at x = 1 / fitted value at x = 0.

Reference: Low A, Low A (2004) Measuring the gap: quantifying and comparing local health
inequalities. J Public Health 26:388-395; PHEindicatormethods ``phe_sii``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from commissioning.stats.intervals import z_score

VALUE_TYPES = ("normal", "rate", "proportion")
MIN_QUANTILES, MAX_QUANTILES = 5, 100
MIN_REPETITIONS = 1000
# phe_sii derives a standard error from 95% limits whatever the output confidence.
_Z95 = z_score(0.95)


@dataclass(frozen=True)
class InequalityIndex:
    """SII and RII with simulated confidence limits (RII fields NaN when not asked for)."""

    sii: float
    sii_lower: float
    sii_upper: float
    rii: float
    rii_lower: float
    rii_upper: float

    def as_dict(self) -> dict:
        return asdict(self)


_NAN = InequalityIndex(*(math.nan,) * 6)


def _transform(values: np.ndarray, value_type: str) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if value_type == "rate":
            return np.log(values)
        if value_type == "proportion":
            return np.log(values / (1 - values))
    return values


def _back_transform(values: np.ndarray, value_type: str) -> np.ndarray:
    if value_type == "rate":
        return np.exp(values)
    if value_type == "proportion":
        return 1 / (1 + np.exp(-values))
    return values


def _standard_error(frame: pd.DataFrame, value_type: str) -> np.ndarray | None:
    """The SE of each (transformed) value, from an ``se`` column or the 95% limits."""
    if "se" in frame.columns:
        se = frame["se"].to_numpy(dtype=float)
        if np.any(se < 0):
            raise ValueError("standard errors must not be negative")
        return se
    if {"lower", "upper"} <= set(frame.columns):
        lower = _transform(frame["lower"].to_numpy(dtype=float), value_type)
        upper = _transform(frame["upper"].to_numpy(dtype=float), value_type)
        return (upper - lower) / _Z95 / 2
    return None


def _validate(frame: pd.DataFrame, value_type: str, repetitions: int) -> pd.DataFrame:
    missing = {"quantile", "value", "population"} - set(frame.columns)
    if missing:
        raise ValueError(f"an SII needs columns quantile, value, population; missing {missing}")
    if value_type not in VALUE_TYPES:
        raise ValueError(f"value_type must be one of {VALUE_TYPES}, not {value_type!r}")
    if repetitions < MIN_REPETITIONS:
        raise ValueError(f"repetitions must be at least {MIN_REPETITIONS}")
    if frame["quantile"].duplicated().any():
        raise ValueError("each quantile must appear once")
    if not MIN_QUANTILES <= len(frame) <= MAX_QUANTILES:
        raise ValueError(f"an SII needs {MIN_QUANTILES} to {MAX_QUANTILES} quantiles")
    if (frame["population"] < 0).any():
        raise ValueError("populations must not be negative")
    values = frame["value"]
    if value_type == "rate" and (values <= 0).any():
        raise ValueError("rates must be above zero for value_type='rate'")
    if value_type == "proportion" and ((values <= 0) | (values >= 1)).any():
        raise ValueError(
            "proportions must lie strictly between 0 and 1 for value_type='proportion'"
        )
    return frame.sort_values("quantile")


def _design(population: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """√a and the regression matrix [√a, b√a], a = population share, b = mid-rank."""
    share = population / population.sum()
    mid_rank = np.cumsum(share) - share / 2
    root_share = np.sqrt(share)
    return root_share, np.column_stack([root_share, mid_rank * root_share])


def _simulate(
    values: np.ndarray,
    se: np.ndarray,
    value_type: str,
    root_share: np.ndarray,
    design: np.ndarray,
    repetitions: int,
    seed: int | None,
) -> np.ndarray:
    """Intercepts and slopes (repetitions × 2) refitted to values drawn from N(value, se)."""
    rng = np.random.default_rng(seed)
    draws = rng.normal(_transform(values, value_type), se, size=(repetitions, len(values)))
    solve = np.linalg.pinv(design)  # (XᵀX)⁻¹Xᵀ, 2 × quantiles
    return (_back_transform(draws, value_type) * root_share) @ solve.T


def _percentile_positions(repetitions: int, confidence: float) -> tuple[int, int]:
    """0-based positions phe_sii reads from the sorted simulations (round half to even)."""
    upper_tail = confidence + (1 - confidence) / 2
    return round(repetitions * (1 - upper_tail)) - 1, round(repetitions * upper_tail) - 1


def slope_index_of_inequality(
    frame: pd.DataFrame,
    confidence: float = 0.95,
    repetitions: int = 100_000,
    rii: bool = True,
    seed: int | None = None,
    value_type: str = "normal",
) -> InequalityIndex:
    """The slope (and relative) index of inequality with Monte Carlo confidence limits.

    In: one row per quantile with columns ``quantile`` (1 = most deprived), ``value``,
    ``population`` and, for the limits, either ``se`` or the value's 95% ``lower`` and
    ``upper`` limits. With a_i the population share of quantile i and b_i the midpoint of
    its cumulative share, fit y_i√a_i = β0√a_i + β1 b_i√a_i by least squares; SII = β1,
    RII = (β0 + β1) / β0 (see the module docstring for the sign convention).

    Limits, as phe_sii: draw ``repetitions`` sets of values from N(value, se) — on the
    log scale for ``value_type="rate"``, the logit scale for "proportion", back-
    transformed before refitting — refit each, sort, and read the values at positions
    round(R × α/2) and round(R × (1 − α/2)). The SE is taken from ``se`` or as
    (upper − lower) / (2 × 1.96) on the transformed scale. ``seed`` makes the draws
    reproducible (numpy's generator, so the limits match R's only to simulation error).
    Without an SE for every quantile (no ``se`` column or limits, or some missing) the
    limits are NaN.

    A quantile with zero population or a missing value gives an all-NaN result (phe_sii
    drops such an area); fewer than 5 or more than 100 quantiles, duplicates or
    negative populations raise ValueError.
    """
    z_score(confidence)  # validates the level
    ordered = _validate(frame, value_type, repetitions)
    population = ordered["population"].to_numpy(dtype=float)
    values = ordered["value"].to_numpy(dtype=float)
    se = _standard_error(ordered, value_type)
    if np.any(population == 0) or np.any(np.isnan(population)) or np.any(np.isnan(values)):
        return _NAN
    root_share, design = _design(population)
    intercept, slope = np.linalg.lstsq(design, values * root_share, rcond=None)[0]
    point_rii = (intercept + slope) / intercept if rii else math.nan
    if se is None or np.any(np.isnan(se)):
        return InequalityIndex(float(slope), math.nan, math.nan, float(point_rii), *(math.nan,) * 2)
    params = _simulate(values, se, value_type, root_share, design, repetitions, seed)
    low, high = _percentile_positions(repetitions, confidence)
    slopes = np.sort(params[:, 1])
    rii_limits = (math.nan, math.nan)
    if rii:
        ratios = np.sort((params[:, 0] + params[:, 1]) / params[:, 0])
        rii_limits = (float(ratios[low]), float(ratios[high]))
    return InequalityIndex(
        float(slope), float(slopes[low]), float(slopes[high]), float(point_rii), *rii_limits
    )
