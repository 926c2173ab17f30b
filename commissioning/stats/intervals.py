"""Proportions, counts and crude rates with their confidence intervals.

The methods are those of OHID's PHEindicatormethods (``phe_proportion``, ``phe_rate`` and
the internal ``wilson_*``, ``byars_*`` functions) and the Fingertips Public Health
Technical Guidance. Every function is vectorised: give scalars and get floats back, give
array-likes (lists, numpy arrays, pandas Series) and get numpy arrays of the same shape.
Missing inputs (NaN) give NaN outputs; impossible inputs raise ``ValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

#: Counts below this use exact Poisson limits; at or above it, Byar's approximation.
BYARS_MINIMUM_COUNT = 10

ArrayLike = Any  # a number, a sequence of numbers, a numpy array or a pandas Series


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence limits.

    Each field is a float when the inputs were scalars, otherwise a numpy array.
    ``method`` says which interval was used ("Wilson", "Byars", "Exact") where that can
    vary between rows, as PHEindicatormethods' ``method`` column does.
    """

    value: Any
    lower: Any
    upper: Any
    method: Any = None

    def to_frame(self, index: Any = None) -> pd.DataFrame:
        """The interval as a DataFrame with columns value, lower, upper (and method)."""
        columns = {name: np.atleast_1d(getattr(self, name)) for name in ("value", "lower", "upper")}
        if self.method is not None:
            columns["method"] = self.method  # a single label is broadcast down the rows
        return pd.DataFrame(columns, index=index)


def z_score(confidence: float) -> float:
    """The two-sided standard normal quantile for a confidence level such as 0.95 or 0.998.

    Levels are proportions between 0.9 and 1 (as in PHEindicatormethods); percentages
    such as 95 are refused rather than guessed at.
    """
    if not isinstance(confidence, int | float) or not 0.9 <= confidence < 1:
        raise ValueError(
            f"confidence must be a proportion from 0.9 up to 1 (e.g. 0.95 or 0.998), "
            f"not {confidence!r}"
        )
    return float(norm.ppf(confidence + (1 - confidence) / 2))


def as_float_array(values: ArrayLike, name: str) -> np.ndarray:
    """``values`` as a float array, refusing negatives (NaN is allowed and passed on)."""
    array = np.asarray(values, dtype=float)
    if np.any(array < 0):
        raise ValueError(f"{name} must not be negative")
    return array


def unwrap(array: np.ndarray) -> Any:
    """A 0-d result as a plain float; anything else unchanged."""
    return float(array) if np.ndim(array) == 0 else array


def wilson_interval(
    numerator: ArrayLike, denominator: ArrayLike, confidence: float = 0.95, per: float = 1
) -> Interval:
    """A proportion with its Wilson score interval (no continuity correction).

    value = O / n; limits = (2O + z² ∓ z·√(z² + 4O(1 − O/n))) / (2(n + z²)), all times
    ``per`` (1 for a proportion, 100 for a percentage). z is the standard normal quantile
    for the confidence level. A zero denominator gives NaN; a negative input or a
    numerator above its denominator raises ValueError.

    Reference: Wilson EB (1927) J Am Stat Assoc 22:209-212; Newcombe RG, Altman DG (2000)
    in Statistics with Confidence, 2nd edn, pp 46-48; PHEindicatormethods
    ``phe_proportion`` / ``wilson_lower`` / ``wilson_upper``.
    """
    z = z_score(confidence)
    o = as_float_array(numerator, "numerator")
    n = as_float_array(denominator, "denominator")
    if np.any(o > n):
        raise ValueError("numerator must not exceed denominator for a proportion")
    with np.errstate(divide="ignore", invalid="ignore"):
        n_or_nan = np.where(n == 0, np.nan, n)
        value = o / n_or_nan
        root = z * np.sqrt(z**2 + 4 * o * (1 - value))
        lower = (2 * o + z**2 - root) / 2 / (n_or_nan + z**2)
        upper = (2 * o + z**2 + root) / 2 / (n_or_nan + z**2)
    # Guard the exact edges against rounding: 0 events or all events.
    lower = np.where((o == 0) & (n > 0), 0.0, lower)
    upper = np.where((o == n) & (n > 0), 1.0, upper)
    return Interval(unwrap(value * per), unwrap(lower * per), unwrap(upper * per), "Wilson")


def byars_interval(count: ArrayLike, confidence: float = 0.95) -> Interval:
    """Confidence limits for an observed count by Byar's approximation to the Poisson.

    lower = O(1 − 1/(9O) − z/(3√O))³; upper = (O+1)(1 − 1/(9(O+1)) + z/(3√(O+1)))³.
    Accurate for counts of 10 or more (within 0.2% of exact at 95%). Where the
    approximation fails, giving a negative lower limit (tiny counts at 99.8%), the lower
    limit is NaN, as in PHEindicatormethods; a count of 0 has lower limit 0. Prefer
    ``count_interval``, which switches to exact limits below 10.

    Reference: Breslow NE, Day NE (1987) Statistical Methods in Cancer Research vol II,
    IARC; PHEindicatormethods ``byars_lower`` / ``byars_upper``.
    """
    z = z_score(confidence)
    o = as_float_array(count, "count")
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    lower = np.where(o == 0, 0.0, np.where(lower < 0, np.nan, lower))
    return Interval(unwrap(o), unwrap(lower), unwrap(upper), "Byars")


def exact_poisson_interval(count: ArrayLike, confidence: float = 0.95) -> Interval:
    """Exact confidence limits for an observed count, via the chi-square distribution.

    lower = χ²(α/2; 2O) / 2 (0 when O = 0); upper = χ²(1 − α/2; 2O + 2) / 2, where
    α = 1 − confidence and χ²(p; k) is the p quantile with k degrees of freedom.

    Reference: Armitage P, Berry G (2002) Statistical Methods in Medical Research, 4th
    edn; Fingertips Public Health Technical Guidance, "Rates"; PHEindicatormethods
    ``phe_rate`` (counts under 10).
    """
    z_score(confidence)  # validates the level
    alpha = 1 - confidence
    o = as_float_array(count, "count")
    with np.errstate(invalid="ignore"):
        lower = np.where(o == 0, 0.0, chi2.ppf(alpha / 2, 2 * np.where(o == 0, 1, o)) / 2)
        lower = np.where(np.isnan(o), np.nan, lower)
        upper = chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2
    return Interval(unwrap(o), unwrap(lower), unwrap(upper), "Exact")


def count_interval(count: ArrayLike, confidence: float = 0.95) -> Interval:
    """Confidence limits for a count: exact below 10, Byar's at 10 or more.

    This is the rule of DESIGN.md section 4, the Fingertips guidance and
    PHEindicatormethods' ``phe_rate`` and ``calculate_ISRatio``. ``method`` reports
    "Exact" or "Byars" for each count.
    """
    o = as_float_array(count, "count")
    exact = exact_poisson_interval(o, confidence)
    byars = byars_interval(o, confidence)
    small = o < BYARS_MINIMUM_COUNT
    lower = np.where(small, exact.lower, byars.lower)
    upper = np.where(small, exact.upper, byars.upper)
    method = np.where(small, "Exact", "Byars")
    method = str(method) if method.ndim == 0 else method
    return Interval(unwrap(o), unwrap(lower), unwrap(upper), method)


def crude_rate(
    count: ArrayLike, population: ArrayLike, per: float = 100_000, confidence: float = 0.95
) -> Interval:
    """A crude rate per ``per`` people with the count's limits scaled by the population.

    value = O / n × per; limits = O_lower / n × per and O_upper / n × per, with the count
    limits from ``count_interval`` (exact below 10, Byar's from 10). A population of zero
    gives NaN; negatives raise ValueError.

    Reference: Fingertips Public Health Technical Guidance, "Rates"; PHEindicatormethods
    ``phe_rate``.
    """
    counts = count_interval(count, confidence)
    n = as_float_array(population, "population")
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = per / np.where(n == 0, np.nan, n)
        value = np.asarray(counts.value) * scale
        lower = np.asarray(counts.lower) * scale
        upper = np.asarray(counts.upper) * scale
    return Interval(unwrap(value), unwrap(lower), unwrap(upper), counts.method)
